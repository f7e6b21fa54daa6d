"""``tawasul db archive``: move old finished requests to the yearly archive files.

Run it by hand, or nightly from the systemd timer in ``deploy/tawasul-archive.timer``.
"""

import argparse
from collections.abc import Callable
from typing import Any

from kiosk.config import RANGES, Bounds
from kiosk.services import Services
from kiosk.services.archive import ArchiveService


def register(
    db_commands: Any,
    common: argparse.ArgumentParser,
    open_services: Callable[[argparse.Namespace], Services],
) -> None:
    """Add ``archive`` to the ``db`` group; *open_services* builds the services from the options."""

    def run(args: argparse.Namespace) -> int:
        return _run_archive(open_services(args), args.days, args.dry_run)

    archive = db_commands.add_parser(
        "archive", parents=[common], help="move old finished requests to yearly archive files"
    )
    archive.add_argument(
        "--days",
        type=int,
        default=None,
        help="finished and untouched for more than N days (default: archive_after_days, 90)",
    )
    archive.add_argument("--dry-run", action="store_true", help="only count what would move")
    archive.set_defaults(run=run)


def _run_archive(services: Services, days: int | None, dry_run: bool) -> int:
    if days is not None:
        # The configuration's limit, from 0: `--days 0` moves everything finished by now.
        Bounds(0, RANGES["archive_after_days"].high).check("--days", days)
    archive = ArchiveService(services.store, services.clock, services.config.archive_after_days)
    report = archive.archive(days, dry_run=dry_run)
    verb = "would move" if report.dry_run else "moved"
    print(
        f"{services.store.location}: {verb} {report.requests_moved} requests and "
        f"{report.audit_moved} audit entries older than {report.cutoff:%Y-%m-%d %H:%M} UTC; "
        f"{report.live_requests_left} requests stay live."
    )
    for year in sorted(report.requests_by_year.keys() | report.audit_by_year.keys()):
        print(
            f"  {year}: {report.requests_by_year.get(year, 0)} requests, "
            f"{report.audit_by_year.get(year, 0)} audit entries"
        )
    if report.repaired:
        print(f"  repaired {report.repaired} copies left in the archives by an interrupted run")
    return 0

"""The `tawasul` command: the kiosk, the staff console, and the operator's tools."""

import argparse
import contextlib
import json
import logging
import os
import stat
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from kiosk.cli.archive import register as register_archive_commands
from kiosk.cli.arguments import (
    LANGUAGE_CODES,
    DataLocation,
    data_location,
    db_argument,
    language_argument,
    path_argument,
)
from kiosk.cli.doctor import register as register_doctor_command
from kiosk.cli.nafath import register as register_nafath_commands
from kiosk.cli.office import register as register_office_commands
from kiosk.cli.receipts import register as register_receipt_commands
from kiosk.cli.staff import register as register_staff_commands
from kiosk.cli.wiring import create_store, open_services, upgrade_database
from kiosk.config import Bounds, default_config_path, load_config, state_dir
from kiosk.domain.calendar import (
    parse_date,
    riyadh_date,
    riyadh_stamp,
    to_hijri,
)
from kiosk.domain.identity import check_id, mask_id, parse_id
from kiosk.domain.languages import ON_SCREEN, Language
from kiosk.domain.models import TawasulRequest
from kiosk.domain.statuses import parse_status
from kiosk.domain.typed_text import NAME_LIMIT, drawn_text
from kiosk.errors import CANNOT_WRITE_NOW, InvalidInput, StoreUnwritable, TawasulError
from kiosk.resources import data_file
from kiosk.services import RequestFilter, Services
from kiosk.services.demo import load_seed, make_demo
from kiosk.services.i18n import staff_words, translations
from kiosk.store.postgres.location import OfficeDatabase

log = logging.getLogger("tawasul")

EXIT_UNEXPECTED = 70


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command in *argv* and return its exit code.

    0 done; 1 an invalid ID (``id check``) or an app that ended on an error; 2 bad input or a
    refusal; 3 a damaged data file; 4 data that cannot be written now (disk full, read-only,
    no permission); 5 ``doctor`` found warnings only; 6 the database server cannot be reached;
    70 an unexpected error (logged); 130 interrupted.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "run"):
        parser.print_help()
        return 2
    configure_logging()
    try:
        result: int = args.run(args)
        return result
    except TawasulError as error:
        print(f"tawasul: {one_line(str(error))}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except OSError as error:
        if error.errno not in CANNOT_WRITE_NOW:
            return _unexpected(args.command)
        # A write below the services that met a full or read-only disk, or missing permission:
        # the data cannot be written now, as StoreUnwritable says (its writes are atomic).
        log.warning("%s: %s", args.command, error)
        where = str(error.filename) if error.filename else "a file"
        print(
            f"tawasul: {one_line(where)} cannot be written now ({error.strerror}); "
            "nothing more was changed.",
            file=sys.stderr,
        )
        return StoreUnwritable.exit_code
    except Exception:
        return _unexpected(args.command)


def _unexpected(command: str) -> int:
    """Log the error being handled, with its traceback, and tell the person in one line."""
    log.exception("unexpected error in %s", command)
    print(
        "tawasul: an unexpected error stopped the command; nothing more was changed.",
        file=sys.stderr,
    )
    return EXIT_UNEXPECTED


def one_line(message: str) -> str:
    """*message* with control characters written as escapes, so it stays one harmless line.

    Messages quote what a person passed in (a number, a path, a key of the configuration), which
    may hold a newline or a terminal escape sequence.
    """
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in message)


def configure_logging(path: Path | None = None) -> None:
    """Send log records to *path* (default: ``tawasul.log`` in the state folder), never the screen.

    Without a handler Python would print unexpected errors, traceback and all, on stderr.
    """
    target = path or state_dir() / "tawasul.log"
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        _create_log_file(target)
        handler: logging.Handler = logging.FileHandler(target, encoding="utf-8")
    except (OSError, ValueError):  # ValueError: a log_path holding a NUL byte
        handler = logging.NullHandler()
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(process)d %(name)s %(levelname)s %(message)s")
    )
    root.handlers[:] = [handler]


def _create_log_file(target: Path) -> None:
    """Make the log file, if there is none, 0660 in a setgid folder (the kiosk and staff share
    its group) and 0600 elsewhere, whatever the umask: its lines tell who did what, and when."""
    mode = 0o660 if target.parent.stat().st_mode & stat.S_ISGID else 0o600
    try:
        descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND, mode)
    except FileExistsError:
        return  # made earlier, or by another process just now: its mode was set then
    try:
        os.fchmod(descriptor, mode)  # the umask may have taken the group's bits away
    finally:
        os.close(descriptor)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db",
        type=db_argument,
        default=None,
        help="data file, or postgresql://…?office=CODE (default: $TAWASUL_DB or the state folder)",
    )
    common.add_argument(
        "--config",
        type=path_argument,
        default=None,
        help="TOML configuration (default: $TAWASUL_CONFIG)",
    )
    parser = argparse.ArgumentParser(
        prog="tawasul", description="Tawasul Kiosk for a Jawazat office."
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    kiosk = commands.add_parser("kiosk", parents=[common], help="run the resident kiosk")
    kiosk.add_argument(
        "--lang",
        type=language_argument,
        metavar="{" + ",".join(LANGUAGE_CODES) + "}",
        help="language of the welcome screen",
    )
    kiosk.set_defaults(run=_run_kiosk)

    staff = commands.add_parser("staff", parents=[common], help="run the staff console")
    staff.set_defaults(run=_run_staff)

    demo = commands.add_parser("demo", parents=[common], help="make a demo data file")
    demo.add_argument("--count", type=int, default=300, help="synthetic requests (default 300)")
    demo.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
    demo.add_argument("--force", action="store_true", help="replace an existing file")
    demo.set_defaults(run=_run_demo)

    request = commands.add_parser("request", help="look at and change requests")
    request_commands = request.add_subparsers(dest="request_command", metavar="ACTION")
    show = request_commands.add_parser("show", parents=[common], help="one request")
    show.add_argument("number")
    show.add_argument("--json", action="store_true")
    show.set_defaults(run=_run_request_show)
    listing = request_commands.add_parser("list", parents=[common], help="requests, newest first")
    listing.add_argument("--status")
    listing.add_argument("--type", dest="type_code")
    listing.add_argument("--applicant")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(run=_run_request_list)
    set_status = request_commands.add_parser(
        "set-status", parents=[common], help="change a request's status"
    )
    set_status.add_argument("number")
    set_status.add_argument("status")
    set_status.add_argument("--by", required=True, help="who makes the change (recorded)")
    set_status.add_argument("--note", default="", help="why (required for returned, rejected)")
    set_status.add_argument("--action", default=None, help="what the resident must do (returned)")
    set_status.set_defaults(run=_run_request_set_status)

    identity = commands.add_parser("id", help="ID numbers")
    id_commands = identity.add_subparsers(dest="id_command", metavar="ACTION")
    id_check = id_commands.add_parser("check", parents=[common], help="check an ID number")
    id_check.add_argument("number")
    id_check.set_defaults(run=_run_id_check)

    calendar = commands.add_parser("calendar", parents=[common], help="Hijri date and working days")
    calendar.add_argument("date", help="YYYY-MM-DD, or 'today'")
    calendar.add_argument("--add-working-days", type=int, default=None, metavar="N")
    calendar.add_argument("--json", action="store_true")
    calendar.set_defaults(run=_run_calendar)

    database = commands.add_parser("db", help="the data file")
    db_commands = database.add_subparsers(dest="db_command", metavar="ACTION")
    db_check = db_commands.add_parser("check", parents=[common], help="parse and count")
    db_check.set_defaults(run=_run_db_check)
    db_upgrade = db_commands.add_parser(
        "upgrade", parents=[common], help="bring a PostgreSQL database's schema up to date"
    )
    db_upgrade.set_defaults(run=_run_db_upgrade)
    db_migrate = db_commands.add_parser(
        "migrate", help="copy an office's data file into a PostgreSQL database"
    )
    db_migrate.add_argument(
        "--from", dest="source", type=path_argument, required=True, help="the data file"
    )
    db_migrate.add_argument(
        "--to", dest="target", required=True, help="postgresql:// URL of the database"
    )
    db_migrate.add_argument("--office", required=True, help="the office's code there")
    db_migrate.set_defaults(run=_run_db_migrate)
    register_archive_commands(db_commands, common, _services)
    register_staff_commands(commands, common)
    register_office_commands(commands, common)
    register_receipt_commands(commands, common)
    register_nafath_commands(commands)
    register_doctor_command(commands, common)
    # Every command builds its services the same way, from --db and --config.
    parser.set_defaults(open_services=_services)
    return parser


# --- wiring -----------------------------------------------------------------------------------


def _services(args: argparse.Namespace) -> Services:
    config = load_config(args.config or default_config_path())
    if config.log_path:
        configure_logging(Path(config.log_path))
    return open_services(_data_path(args), config)


def _data_path(args: argparse.Namespace) -> DataLocation:
    """The data file or database that --db names (or the default one), refused when it
    cannot be one."""
    path = data_location(args.db)
    if isinstance(path, OfficeDatabase):
        return path
    if path.is_dir():
        raise InvalidInput(
            f"The data file {path} is a folder; name a file in it, such as {path / 'tawasul.json'}."
        )
    if path.exists() and not path.is_file():
        # A device or a pipe: reading /dev/zero never ends, and replacing /dev/null breaks it.
        raise InvalidInput(f"The data file {path} is not a file (a device or a pipe?).")
    return path


def _require_terminal() -> None:
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise InvalidInput("this needs a terminal; connect with ssh -t (or run it in one).")


def _run_kiosk(args: argparse.Namespace) -> int:
    _require_terminal()
    services = _services(args)
    from kiosk.app import start_kiosk

    app = start_kiosk(services, Language(args.lang or services.config.language))
    app.run()
    if app.data_error is not None:
        # Found by the verification after Welcome was up: the same message as at the start.
        raise app.data_error
    return app.return_code or 0


def _run_staff(args: argparse.Namespace) -> int:
    _require_terminal()
    services = _services(args)
    from kiosk.app import start_staff_console
    from kiosk.app.staff import run_console

    app = start_staff_console(services)
    code = run_console(app)
    if app.data_error is not None:
        # Found by the verification after the first list: the same message as at the start.
        raise app.data_error
    return code


def _run_demo(args: argparse.Namespace) -> int:
    # A million requests is ten times the benchmark's office; more only fills the disk.
    Bounds(0, 1_000_000).check("--count", args.count)
    services = _services(args)

    def progress(done: int, total: int) -> None:
        if total >= 5000 and sys.stderr.isatty():
            width = 30
            filled = width * done // total
            print(
                f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}",
                end="",
                file=sys.stderr,
            )
            if done == total:
                print(file=sys.stderr)

    # Made (or refused: a file is there) before the demo is worked out, which takes a while.
    with contextlib.closing(create_store(_data_path(args), force=args.force)) as store:
        summary = make_demo(
            store,
            load_seed(data_file("demo_seed.json")),
            services.catalogue,
            args.count,
            seed=args.seed,
            progress=progress,
        )
    print(
        f"Made {summary.location}: {summary.residents} residents, {summary.requests} requests, "
        f"{summary.staff} staff."
    )
    return 0


# --- requests ---------------------------------------------------------------------------------


def request_as_json(services: Services, request: TawasulRequest) -> dict[str, Any]:
    """The stable JSON form of a request (the keys other tools rely on)."""
    progress = services.requests.progress(request)
    return {
        "number": request.number,
        "type": request.type_code,
        "status": request.status.value,
        "applicant": mask_id(request.applicant_id),
        "created": request.created.isoformat(),
        "updated": request.updated.isoformat(),
        "expected_by": progress.expected_by.isoformat(),
        "working_days_left": progress.working_days_left,
        "late": progress.is_late,
        "next_step": staff_words()(progress.next_step),
        "required_action": request.required_action,
        "history": [
            {
                "status": e.status.value,
                "at": e.at.isoformat(),
                "by": e.by,
                "note": e.note,
                # A resident's answer, as its language-neutral code.
                **({"answer": e.answer} if e.answer else {}),
            }
            for e in request.history
        ],
    }


def _print_json(value: Any) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=2))


def _run_request_show(args: argparse.Namespace) -> int:
    services = _services(args)
    request = services.requests.find(args.number)
    if args.json:
        _print_json(request_as_json(services, request))
        return 0
    # Imported here: the staff use cases are not needed to start the kiosk.
    from kiosk.services.i18n import staff_words
    from kiosk.services.requests import step_note
    from kiosk.services.staff import request_summary

    lines = [*request_summary(services, request), "History"]
    for entry in request.history:
        # Stored text reaches the operator's terminal through the one safe path too.
        when, by, said = (
            riyadh_stamp(entry.at),
            drawn_text(entry.by, NAME_LIMIT),
            step_note(entry, staff_words()),
        )
        note = f" — {said}" if said else ""
        lines.append(f"  {when}  {entry.status.value:<13} by {by}{note}")
    print("\n".join(lines))
    return 0


def _run_request_list(args: argparse.Namespace) -> int:
    services = _services(args)
    wanted = RequestFilter(
        status=parse_status(args.status) if args.status else None,
        type_code=services.catalogue.get(args.type_code).code if args.type_code else None,
        applicant_id=parse_id(args.applicant) if args.applicant else None,
    )
    found = services.requests.list(wanted)
    if args.json:
        _print_json([request_as_json(services, r) for r in found])
        return 0
    for request in found:
        print(
            f"{request.number}  {riyadh_date(request.created).isoformat()}  "
            f"{request.status.value:<13} {request.type_code:<18} {mask_id(request.applicant_id)}"
        )
    print(f"{len(found)} requests", file=sys.stderr)
    return 0


def _run_request_set_status(args: argparse.Namespace) -> int:
    services = _services(args)
    by = args.by.strip()
    if not by:
        raise InvalidInput("--by must name who makes the change.")
    changed = services.requests.change_status(
        args.number, parse_status(args.status), by, args.note, args.action
    )
    print(f"{changed.number} is now {changed.status.value}.")
    return 0


# --- ID numbers, calendar, data file ----------------------------------------------------------


def _run_id_check(args: argparse.Namespace) -> int:
    checked = check_id(args.number)
    if not checked.is_valid:
        print(f"invalid: {checked.number or args.number!r}: {checked.reason}")
        return 1
    assert checked.kind is not None
    print(f"{checked.number} {checked.kind.value}")
    return 0


def _run_calendar(args: argparse.Namespace) -> int:
    services = _services(args)
    calendar = services.calendar
    day = riyadh_date(services.clock()) if args.date == "today" else parse_date(args.date)
    info: dict[str, Any] = {
        "date": day.isoformat(),
        "hijri": to_hijri(day).isoformat(),
        "weekday": day.strftime("%A"),
        "working_day": calendar.is_working_day(day),
        "closed_for": calendar.closure_reason(day),
        **{f"text_{language}": translations(language).both_dates(day) for language in ON_SCREEN},
    }
    if args.add_working_days is not None:
        later: date = calendar.add_working_days(day, args.add_working_days)
        info["plus_working_days"] = later.isoformat()
        info["plus_working_days_hijri"] = to_hijri(later).isoformat()
    if args.json:
        _print_json(info)
        return 0
    status = "a working day" if info["working_day"] else f"closed ({info['closed_for']})"
    print(f"{info['date']} ({info['weekday']}) = {info['hijri']} AH: {status}")
    print(info["text_en"])
    print(info["text_ar"])
    if "plus_working_days" in info:
        print(
            f"+{args.add_working_days} working days: {info['plus_working_days']} "
            f"= {info['plus_working_days_hijri']} AH"
        )
    return 0


def _run_db_upgrade(args: argparse.Namespace) -> int:
    location = _data_path(args)
    if not isinstance(location, OfficeDatabase):
        raise InvalidInput(
            "db upgrade is for a postgresql:// database; a data file needs no upgrade."
        )
    applied = upgrade_database(location)
    print(
        f"{location.url}: applied {', '.join(applied)}."
        if applied
        else f"{location.url}: the schema is up to date."
    )
    return 0


def _run_db_migrate(args: argparse.Namespace) -> int:
    target = OfficeDatabase.parse(args.target, office=args.office)
    if not args.source.is_file():
        raise InvalidInput(f"There is no data file at {args.source}.")
    # Imported here: only this command copies, and only it needs both backends at once.
    from kiosk.store.postgres.copy import copy_office

    report = copy_office(args.source, target)
    print(f"Copied {args.source} into {report.location}; the counts match:")
    for line in report.lines():
        print(line)
    return 0


def _run_db_check(args: argparse.Namespace) -> int:
    services = _services(args)
    store = services.store
    sizes = store.check()
    counts = services.requests.counts()
    print(f"{store.location}: parses.")
    for path in store.readable_by_others():
        print(
            f"tawasul: warning: every account on this host can read {path} "
            f"(and through it IDs, names, password hashes); run `chmod o-rwx {path}`.",
            file=sys.stderr,
        )
    for table, size in sizes.items():
        print(f"  {table:<14} {size}")
    print("  by status: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    return 0

"""``tawasul doctor [--json]``: the host's self-test, one line a check, and an exit status for
systemd and monitoring (0 all ok, 5 warnings only, 1 a failure)."""

import argparse
import json
import logging
from typing import Any

from kiosk.services import Services
from kiosk.services.doctor import Doctor, Verdict, exit_status, terminal_facts

log = logging.getLogger("tawasul.doctor")


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    """Add ``doctor`` to *commands*; it takes ``--db``/``--config`` from *common*."""
    doctor = commands.add_parser(
        "doctor", parents=[common], help="check that this host can serve residents"
    )
    doctor.add_argument(
        "--json", action="store_true", help="one JSON object a line: check, verdict, message"
    )
    doctor.set_defaults(run=_run_doctor)


def _run_doctor(args: argparse.Namespace) -> int:
    from kiosk.cli.commands import one_line  # the module that registers this one

    services: Services = args.open_services(args)
    findings = Doctor(services).run(terminal_facts())
    for finding in findings:
        if finding.verdict is not Verdict.OK:
            # Run before the kiosk starts, its screen is soon gone: the log keeps what it said.
            log.warning("doctor: %s", finding.line)
        if args.json:
            print(json.dumps(finding.as_json(), ensure_ascii=False))
        else:
            print(one_line(finding.line))  # a path from --db or the config may hold escapes
    return exit_status(findings)

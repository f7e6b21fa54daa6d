"""The receipt commands of ``tawasul``: receipt, verify, printer check, spool list|retry|drop."""

import argparse
import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.cli.arguments import LANGUAGE_CODES, language_argument, path_argument
from kiosk.domain.calendar import riyadh_stamp
from kiosk.domain.languages import Language
from kiosk.errors import CANNOT_WRITE_NOW, InvalidInput, StoreUnwritable
from kiosk.services import Services
from kiosk.services.i18n import staff_words
from kiosk.services.receipts_port import PrintOutcome, problem_sentence

if TYPE_CHECKING:
    # python-escpos and Pillow (~0.2 s) load only for a receipt command: `tawasul kiosk` and
    # `tawasul staff` build this parser at every start.
    from kiosk.services.receipts import ReceiptService


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    """Add the receipt subcommands to *commands*; each takes ``--db``/``--config`` from *common*."""
    receipt = commands.add_parser(
        "receipt", parents=[common], help="make a request's receipt (ESC/POS bytes, PNG, printer)"
    )
    receipt.add_argument("number", help="request number")
    receipt.add_argument(
        "--out", type=path_argument, help="write the exact ESC/POS bytes to this file"
    )
    receipt.add_argument("--png", type=path_argument, help="write a preview picture to this file")
    receipt.add_argument("--width", type=int, choices=(58, 80), help="paper width in mm")
    receipt.add_argument(
        "--lang",
        type=language_argument,
        default=Language.ARABIC,
        metavar="{" + ",".join(LANGUAGE_CODES) + "}",
        help="the resident's language: the receipt prints it, then Arabic (Arabic, then English)",
    )
    receipt.add_argument("--print", action="store_true", help="send it to the configured printer")
    receipt.set_defaults(run=_run_receipt)

    verify = commands.add_parser(
        "verify", parents=[common], help="check a receipt's QR code (text, picture or bytes)"
    )
    verify.add_argument("payload", nargs="?", help="the text of the QR code")
    verify.add_argument(
        "--image",
        type=path_argument,
        help="a picture of the receipt, or its ESC/POS bytes, to decode",
    )
    verify.set_defaults(run=_run_verify)

    printer = commands.add_parser("printer", help="the receipt printer")
    printer_commands = printer.add_subparsers(dest="printer_command", metavar="ACTION")
    check = printer_commands.add_parser(
        "check", parents=[common], help="is the printer reachable and ready"
    )
    check.set_defaults(run=_run_printer_check)

    spool = commands.add_parser("spool", help="receipts waiting for the printer")
    spool_commands = spool.add_subparsers(dest="spool_command", metavar="ACTION")
    listing = spool_commands.add_parser("list", parents=[common], help="spooled jobs, oldest first")
    listing.set_defaults(run=_run_spool_list)
    retry = spool_commands.add_parser("retry", parents=[common], help="send a job again")
    retry.add_argument("job", help="job id (the receipt serial)")
    retry.set_defaults(run=_run_spool_retry)
    drop = spool_commands.add_parser("drop", parents=[common], help="remove a job unprinted")
    drop.add_argument("job", help="job id (the receipt serial)")
    drop.set_defaults(run=_run_spool_drop)


def _receipts(args: argparse.Namespace) -> "ReceiptService":
    from kiosk.services.receipts import ReceiptService

    services: Services = args.open_services(args)
    return ReceiptService.open(services)


def _run_receipt(args: argparse.Namespace) -> int:
    if not (args.out or args.png or args.print):
        raise InvalidInput("say where the receipt goes: --out FILE and/or --png FILE, or --print.")
    if args.print and (args.out or args.png):
        raise InvalidInput(
            "--print sends one receipt to the printer; use --out/--png apart from it."
        )
    receipts = _receipts(args)
    request = receipts.find(args.number)
    if args.print:
        return report_outcome(receipts.print_receipt(request, Language(args.lang)))
    issued = receipts.issue(request, Language(args.lang), args.width)
    if args.out:
        _write(args.out, issued.data)
        print(f"Wrote {len(issued.data)} bytes of ESC/POS to {args.out}.")
    if args.png:
        picture = io.BytesIO()
        issued.image.save(picture, format="PNG")
        _write(args.png, picture.getvalue())
        print(f"Wrote the preview {args.png} ({issued.image.width}x{issued.image.height} dots).")
    print(f"Receipt {issued.serial} of request {request.number}; QR: {issued.payload}")
    return 0


def _write(path: Path, data: bytes) -> None:
    try:
        path.write_bytes(data)
    except OSError as error:
        words = f"{path} cannot be written: {error.strerror or error}."
        if error.errno in CANNOT_WRITE_NOW:
            raise StoreUnwritable(words) from None
        raise InvalidInput(words) from None  # a path that cannot be a file: a folder, no folder


def report_outcome(outcome: PrintOutcome) -> int:
    """Print how printing a receipt ended (a problem in its catalogue sentence); the exit code."""
    if outcome.printed:
        print(f"Printed receipt {outcome.receipt_serial}.")
        return 0
    assert outcome.problem is not None
    reason = problem_sentence(outcome.problem, staff_words())
    print(f"Receipt {outcome.receipt_serial} not printed: {reason}")
    print(f"QR: {outcome.qr_payload}")
    return 1


def _run_verify(args: argparse.Namespace) -> int:
    if (args.payload is None) == (args.image is None):
        raise InvalidInput("give either the QR text or --image FILE, not both or neither.")
    receipts = _receipts(args)
    found = receipts.verify_picture(args.image) if args.image else receipts.verify(args.payload)
    print("\n".join(found.lines()))
    return 0 if found.is_authentic else 1


def _run_printer_check(args: argparse.Namespace) -> int:
    receipts = _receipts(args)
    receipts.ready()
    report = receipts.check_printer()
    print(report.words)
    return 0 if report.problem is None else 1


def _run_spool_list(args: argparse.Namespace) -> int:
    jobs = _receipts(args).pending_jobs()
    english = staff_words()
    for job in jobs:
        created = riyadh_stamp(job.created)
        problem = problem_sentence(job.problem, english) if job.problem else "not tried yet"
        print(
            f"{job.job_id}  {created}  request {job.request_number}  {job.standing:<9}  "
            f"tries {job.attempts}  {problem}"
        )
    print(f"{len(jobs)} spooled jobs")
    return 0


def _run_spool_retry(args: argparse.Namespace) -> int:
    return report_outcome(_receipts(args).retry(args.job))


def _run_spool_drop(args: argparse.Namespace) -> int:
    job = _receipts(args).drop(args.job)
    print(f"Dropped job {job.job_id} (request {job.request_number}) unprinted.")
    return 0

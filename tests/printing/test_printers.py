"""Printers and the spool: every fault gives its code within the budget, nothing reprints itself.

The network printers are real sockets on 127.0.0.1 (see conftest). The only timing asserted is
the resident's budget of 5 seconds to hear about a fault, checked generously.
"""

import stat
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from filelock import FileLock

from kiosk.config import PrinterConfig
from kiosk.domain.languages import Language
from kiosk.domain.models import TawasulRequest
from kiosk.printing._escpos import escpos_errors
from kiosk.printing.payload import ReceiptKeyError
from kiosk.printing.printers import problem_for
from kiosk.printing.problems import Problem
from kiosk.printing.spool import JobState
from kiosk.printing.text import ReceiptFontError
from kiosk.services import Services
from kiosk.services.i18n import LANGUAGES, translations
from kiosk.services.receipts import ReceiptFiles, ReceiptService
from kiosk.services.receipts_port import PrintOutcome, problem_sentence
from tests.printing.conftest import COVER_OPEN, PAPER_OUT, FakePrinter, free_port, qr_of

FAULT_BUDGET = 5.0

MakeReceipts = Callable[..., ReceiptService]
MakePrinter = Callable[..., FakePrinter]


def timed_print(receipts: ReceiptService, request: TawasulRequest) -> PrintOutcome:
    """Print *request*'s receipt and check the resident heard back within the budget."""
    started = time.monotonic()
    outcome = receipts.print_receipt(request, Language.ARABIC)
    assert time.monotonic() - started < FAULT_BUDGET
    return outcome


def test_file_printer_writes_the_exact_bytes_and_empties_the_spool(
    receipts: ReceiptService, a_request: TawasulRequest, tmp_path: Path
) -> None:
    outcome = receipts.print_receipt(a_request, Language.ARABIC)
    assert outcome.printed and outcome.problem is None
    printed = tmp_path / "printed" / f"receipt-{outcome.receipt_serial}.escpos"
    assert qr_of(printed.read_bytes()) == outcome.qr_payload
    assert receipts.verify(outcome.qr_payload).is_authentic
    assert receipts.pending_jobs() == []


def test_a_healthy_network_printer_gets_status_queries_and_the_job(
    make_receipts: MakeReceipts, fake_printer: MakePrinter, a_request: TawasulRequest
) -> None:
    printer = fake_printer("ready")
    receipts = make_receipts(printer.config())
    outcome = timed_print(receipts, a_request)
    assert outcome.printed, outcome
    received = bytes(printer.received)
    # Asked before (printer, paper) and after the job; the job itself arrived whole.
    assert received.startswith(b"\x10\x04\x01\x10\x04\x04\x1b@")
    assert received.endswith(b"\x1dV\x00\x10\x04\x01\x10\x04\x04")
    assert qr_of(received) == outcome.qr_payload
    assert receipts.pending_jobs() == []


@pytest.mark.parametrize(
    ("behaviour", "answers", "problem", "state"),
    [
        ("stall", None, Problem.TIMEOUT, JobState.WAITING),
        ("ready", PAPER_OUT, Problem.PAPER_OUT, JobState.WAITING),
        ("ready", COVER_OPEN, Problem.COVER_OPEN, JobState.WAITING),
        ("drop", None, Problem.CONNECTION_LOST, JobState.UNCERTAIN),
    ],
)
def test_network_faults_are_reported_in_time_and_spooled(
    make_receipts: MakeReceipts,
    fake_printer: MakePrinter,
    a_request: TawasulRequest,
    behaviour: str,
    answers: dict[int, int] | None,
    problem: str,
    state: JobState,
) -> None:
    settings = {"answers": answers} if answers else {}
    printer = fake_printer(behaviour, **settings)
    receipts = make_receipts(printer.config())
    outcome = timed_print(receipts, a_request)
    assert (outcome.printed, outcome.problem) == (False, problem)
    # The kiosk can still show the code on screen: the outcome carries a verifiable payload.
    assert receipts.verify(outcome.qr_payload).is_authentic
    [job] = receipts.pending_jobs()
    assert (job.job_id, job.state, job.problem, job.attempts) == (
        outcome.receipt_serial,
        state,
        problem,
        1,
    )
    if state is JobState.WAITING:
        # Never sent: not a byte of the receipt reached the printer.
        assert b"\x1b@" not in printer.received


def test_a_refused_connection_is_printer_off(
    make_receipts: MakeReceipts, a_request: TawasulRequest
) -> None:
    config = PrinterConfig(kind="network", host="127.0.0.1", port=free_port(), timeout=1.0)
    outcome = timed_print(make_receipts(config), a_request)
    assert outcome.problem == Problem.PRINTER_OFF


def test_a_stalled_printer_is_reported_within_5_s_with_the_default_timeout(
    make_receipts: MakeReceipts, fake_printer: MakePrinter, a_request: TawasulRequest
) -> None:
    printer = fake_printer("stall")
    config = printer.config(timeout=PrinterConfig().timeout)
    assert timed_print(make_receipts(config), a_request).problem == Problem.TIMEOUT


def test_a_silent_answer_is_not_taken_for_plenty_of_paper(
    make_receipts: MakeReceipts, fake_printer: MakePrinter, a_request: TawasulRequest
) -> None:
    # python-escpos 3.1 reads "no answer" as paper OK; a byte that is no status is no answer.
    printer = fake_printer("ready", answers={1: 0x12, 2: 0x12, 4: 0x00})
    outcome = timed_print(make_receipts(printer.config()), a_request)
    assert outcome.problem == Problem.TIMEOUT


def test_waiting_jobs_print_on_retry_and_uncertain_ones_only_when_staff_say_so(
    make_receipts: MakeReceipts, fake_printer: MakePrinter, a_request: TawasulRequest
) -> None:
    dropping = fake_printer("drop")
    receipts = make_receipts(dropping.config())
    first = receipts.print_receipt(a_request, Language.ARABIC)
    assert first.problem == Problem.CONNECTION_LOST
    healthy = fake_printer("ready")
    receipts = make_receipts(healthy.config())
    # Printing again makes a new receipt; the uncertain one waits for a person.
    second = receipts.print_receipt(a_request, Language.ARABIC)
    assert second.printed
    [job] = receipts.pending_jobs()
    assert (job.job_id, job.state) == (first.receipt_serial, JobState.UNCERTAIN)
    retried = receipts.retry(job.job_id)
    assert retried.printed and retried.receipt_serial == first.receipt_serial
    assert receipts.pending_jobs() == []


def test_staff_drop_a_job_and_the_resident_leaving_leaves_theirs_for_staff(
    make_receipts: MakeReceipts, services: Services, a_request: TawasulRequest
) -> None:
    config = PrinterConfig(kind="network", host="127.0.0.1", port=free_port(), timeout=1.0)
    receipts = make_receipts(config)
    other = next(r for r in services.requests.list() if r.applicant_id != a_request.applicant_id)
    mine = receipts.print_receipt(a_request, Language.ARABIC)
    theirs = receipts.print_receipt(other, Language.ENGLISH)
    kept = receipts.print_receipt(other, Language.ENGLISH)
    assert {job.job_id for job in receipts.pending_jobs()} == {
        mine.receipt_serial,
        theirs.receipt_serial,
        kept.receipt_serial,
    }
    receipts.visit_ended(a_request.applicant_id)
    assert receipts.drop(theirs.receipt_serial).request_number == other.number
    # The resident was told to ask at the counter: their failed job waits for staff, marked.
    left = {job.job_id: job.left_by_finished_visit for job in receipts.pending_jobs()}
    assert left == {mine.receipt_serial: True, kept.receipt_serial: False}
    # No ID number is written anywhere in the spool.
    for path in receipts.spool.folder.iterdir():
        if path.suffix == ".json":
            assert other.applicant_id not in path.read_text()


def test_a_printer_held_by_another_sender_is_busy(
    make_receipts: MakeReceipts, fake_printer: MakePrinter, a_request: TawasulRequest
) -> None:
    printer = fake_printer("ready")
    receipts = make_receipts(printer.config(timeout=0.5))
    receipts.spool.folder.mkdir(parents=True)
    with FileLock(str(receipts.spool.printer_lock)):
        outcome = timed_print(receipts, a_request)
    assert outcome.problem == Problem.BUSY
    assert receipts.retry(outcome.receipt_serial).printed


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        (PrinterConfig(kind="none"), {Problem.NO_PRINTER}),
        # pyusb and pyserial are optional: without them the driver is missing, with them the
        # device is; either way a clear code, not a crash.
        (
            PrinterConfig(kind="usb", vendor_id=0x04B8, product_id=0x0E15),
            {"no_driver", "printer_off"},
        ),
        (PrinterConfig(kind="serial", device="/dev/ttyNOPE0"), {"no_driver", "printer_off"}),
        (PrinterConfig(kind="file", path="/proc/no/such/folder/lp0"), {"printer_off"}),
    ],
)
def test_other_kinds_fail_with_a_code(
    make_receipts: MakeReceipts,
    a_request: TawasulRequest,
    config: PrinterConfig,
    expected: set[str],
) -> None:
    outcome = timed_print(make_receipts(config), a_request)
    assert not outcome.printed
    assert outcome.problem in expected
    assert receipts_verify_ok(make_receipts(config), outcome)


def receipts_verify_ok(receipts: ReceiptService, outcome: PrintOutcome) -> bool:
    """Whether the outcome's payload verifies with the same key."""
    return receipts.verify(outcome.qr_payload).is_authentic


def test_printer_check_in_plain_words(
    make_receipts: MakeReceipts, fake_printer: MakePrinter
) -> None:
    ready = make_receipts(fake_printer("ready").config()).check_printer()
    assert (ready.reachable, ready.problem) == (True, None)
    assert "ready" in ready.words
    out = make_receipts(fake_printer("ready", answers=PAPER_OUT).config()).check_printer()
    assert out.problem == Problem.PAPER_OUT
    assert "out of paper" in out.words
    off = make_receipts(
        PrinterConfig(kind="network", host="127.0.0.1", port=free_port(), timeout=1.0)
    ).check_printer()
    assert (off.reachable, off.problem) == (False, Problem.PRINTER_OFF)
    as_file = make_receipts(PrinterConfig()).check_printer()
    assert as_file.problem is None and "writes receipts to" in as_file.words


def test_every_problem_code_has_its_own_sentence_in_each_language() -> None:
    for language in LANGUAGES:
        tr = translations(language)
        general = problem_sentence("a code from a newer kiosk", tr)
        sentences = {problem_sentence(code, tr) for code in Problem}
        assert general.strip() and general not in sentences
        assert len(sentences) == len(Problem) and all(s.strip() for s in sentences)


def _named(name: str, base: type[BaseException]) -> BaseException:
    """An exception of a class called *name*, like pyusb's and pyserial's (not installed here)."""
    driver_error: type[BaseException] = type(name, (base,), {})
    return driver_error("from the driver")


@pytest.mark.parametrize(
    ("error", "maybe_printed", "code"),
    [
        (escpos_errors.DeviceNotFoundError("no such device"), False, Problem.PRINTER_OFF),
        (ConnectionRefusedError(111, "refused"), False, Problem.PRINTER_OFF),
        (TimeoutError("timed out"), False, Problem.TIMEOUT),
        (_named("USBTimeoutError", OSError), True, Problem.TIMEOUT),
        (_named("SerialTimeoutException", OSError), True, Problem.TIMEOUT),
        (BrokenPipeError(32, "broken pipe"), True, Problem.CONNECTION_LOST),
        (ConnectionResetError(104, "reset"), True, Problem.CONNECTION_LOST),
        (_named("NoBackendError", ValueError), False, Problem.NO_DRIVER),
        (RuntimeError("Printing with USB connection requires a usb library"), False, "no_driver"),
        (_named("USBError", OSError), False, Problem.PRINTER_OFF),
        (_named("USBError", OSError), True, Problem.CONNECTION_LOST),
        (AssertionError(), False, Problem.PRINTER_ERROR),
    ],
)
def test_every_failure_maps_to_a_code(error: BaseException, maybe_printed: bool, code: str) -> None:
    problem = problem_for(error, maybe_printed)
    assert problem.code == code
    assert problem.maybe_printed is (maybe_printed and code != Problem.PRINTER_OFF)


def test_a_receipt_that_cannot_be_drawn_still_gives_the_code_to_show(
    receipts: ReceiptService, a_request: TawasulRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_font(*args: object, **kwargs: object) -> None:
        raise ReceiptFontError("The receipt font DejaVuSans.ttf is not installed")

    monkeypatch.setattr("kiosk.services.receipts.render_receipt", no_font)
    outcome = receipts.print_receipt(a_request, Language.ENGLISH)
    assert (outcome.printed, outcome.problem) == (False, Problem.NO_FONT)
    assert receipts.verify(outcome.qr_payload).is_authentic


def test_ready_finds_what_would_stop_receipts_at_start_up(
    receipts: ReceiptService, receipt_files: ReceiptFiles
) -> None:
    receipts.ready()
    assert stat.S_IMODE(receipt_files.spool_dir.stat().st_mode) & 0o007 == 0
    receipt_files.key_path.chmod(0o644)
    with pytest.raises(ReceiptKeyError):
        ReceiptService(receipts.config, receipts.requests, receipt_files).ready()


def test_cups_without_its_client_is_no_driver(
    make_receipts: MakeReceipts,
    a_request: TawasulRequest,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no lp, no lpstat
    receipts = make_receipts(PrinterConfig(kind="cups", queue="receipts"))
    assert receipts.print_receipt(a_request, Language.ARABIC).problem == Problem.NO_DRIVER
    report = receipts.check_printer()
    assert (report.reachable, report.problem) == (False, Problem.NO_DRIVER)

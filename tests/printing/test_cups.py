"""CUPS printers: a receipt counts as printed only when `lp` took it and named its job.

Each test puts a fake `lp` (a real shell script, a real process) first on PATH and prints through
the real path: ReceiptService, or `tawasul receipt N --print`, with ``kind = "cups"``. The spool is
read back afterwards: a job `lp` refused waits for a retry; one that `lp` may have taken (it hung
after reading, or answered without a job id) is uncertain, for a person to decide.
"""

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from kiosk.config import PrinterConfig
from kiosk.domain.languages import Language
from kiosk.domain.models import TawasulRequest
from kiosk.printing.problems import Problem
from kiosk.printing.spool import JobState
from kiosk.services.receipts import ReceiptService
from tests.printing.conftest import qr_of
from tests.printing.test_cli_receipts import run

pytestmark = pytest.mark.slow  # every test starts real `lp` processes

MakeReceipts = Callable[..., ReceiptService]

# What CUPS's lp prints when it queued a job.
WORKS = 'cat > "$HERE/received"; echo "request id is receipts-42 (1 file(s))"'
REFUSES = 'cat > /dev/null; echo "lp: The printer or class does not exist." >&2; exit 1'
SILENT = 'cat > "$HERE/received"'
# Neither reads its input nor ends: a CUPS client stuck on an unreachable server.
HANGS = 'sleep 60 & echo $! > "$HERE/sleep.pid"; wait'
LPSTAT = """if [ "$2" = receipts ]; then echo "receipts accepting requests"; else
echo "lpstat: Invalid destination name in list \\"$2\\"." >&2; exit 1; fi"""


class FakeCups:
    """A folder first on PATH: an `lp` that runs a given body, an `lpstat` that knows one queue."""

    def __init__(self, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.folder = folder
        folder.mkdir()
        # `lpstat -a QUEUE`, as CUPS answers it for a queue that takes jobs and for one it lacks.
        self._script("lpstat", LPSTAT)
        monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")

    def lp(self, body: str) -> None:
        """Make `lp` run the shell *body* (``$HERE`` is this folder)."""
        self._script("lp", f'echo $$ > "$HERE/lp.pid"\necho "$@" > "$HERE/args"\n{body}')

    def _script(self, name: str, body: str) -> None:
        path = self.folder / name
        path.write_text(f'#!/bin/sh\nHERE="{self.folder}"\n{body}\n')
        path.chmod(0o755)

    def received(self) -> bytes:
        """The bytes `lp` read from its input."""
        return (self.folder / "received").read_bytes()

    def pid(self, name: str) -> int:
        """The process id the fake wrote to *name*."""
        return int((self.folder / name).read_text())


def is_running(pid: int) -> bool:
    """Whether process *pid* exists and is not a zombie waiting to be reaped."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@pytest.fixture
def cups(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FakeCups:
    """A fake CUPS client for this test."""
    return FakeCups(tmp_path / "bin", monkeypatch)


@pytest.fixture
def cups_receipts(make_receipts: MakeReceipts) -> ReceiptService:
    """A receipt service printing to the CUPS queue ``receipts``, with a 1 s deadline."""
    return make_receipts(PrinterConfig(kind="cups", queue="receipts", timeout=1.0))


def test_a_job_lp_queued_is_printed_and_leaves_the_spool(
    cups: FakeCups, cups_receipts: ReceiptService, a_request: TawasulRequest
) -> None:
    cups.lp(WORKS)
    outcome = cups_receipts.print_receipt(a_request, Language.ARABIC)
    assert outcome.printed, outcome
    assert qr_of(cups.received()) == outcome.qr_payload
    assert (cups.folder / "args").read_text().split()[:2] == ["-d", "receipts"]
    assert cups_receipts.pending_jobs() == []


def test_a_job_lp_refused_waits_in_the_spool(
    cups: FakeCups, cups_receipts: ReceiptService, a_request: TawasulRequest
) -> None:
    cups.lp(REFUSES)
    outcome = cups_receipts.print_receipt(a_request, Language.ARABIC)
    assert (outcome.printed, outcome.problem) == (False, Problem.PRINTER_OFF)
    [job] = cups_receipts.pending_jobs()
    assert (job.job_id, job.state, job.problem) == (
        outcome.receipt_serial,
        JobState.WAITING,
        Problem.PRINTER_OFF,
    )


def test_an_lp_that_names_no_job_leaves_it_uncertain(
    cups: FakeCups, cups_receipts: ReceiptService, a_request: TawasulRequest
) -> None:
    cups.lp(SILENT)
    outcome = cups_receipts.print_receipt(a_request, Language.ARABIC)
    assert (outcome.printed, outcome.problem) == (False, Problem.PRINTER_ERROR)
    [job] = cups_receipts.pending_jobs()
    assert job.state is JobState.UNCERTAIN


def test_a_hanging_lp_is_cut_at_the_deadline_with_its_children(
    cups: FakeCups, cups_receipts: ReceiptService, a_request: TawasulRequest
) -> None:
    cups.lp(HANGS)
    outcome = cups_receipts.print_receipt(a_request, Language.ARABIC)
    assert (outcome.printed, outcome.problem) == (False, Problem.TIMEOUT)
    [job] = cups_receipts.pending_jobs()
    assert job.state is JobState.UNCERTAIN
    assert not is_running(cups.pid("lp.pid"))
    assert not is_running(cups.pid("sleep.pid"))


def test_receipt_print_through_cups_spools_a_refusal_and_retry_prints_it(
    cups: FakeCups,
    capsys: pytest.CaptureFixture[str],
    demo_db: Path,
    a_request: TawasulRequest,
    tmp_path: Path,
) -> None:
    config = tmp_path / "cups.toml"
    config.write_text('[printer]\nkind = "cups"\nqueue = "receipts"\ntimeout = 1.0\n')
    base = ["--db", str(demo_db), "--config", str(config)]
    cups.lp(REFUSES)
    code, out, err = run(capsys, "receipt", a_request.number, "--print", *base)
    assert (code, err) == (1, "")
    assert "switched off or not connected" in out
    code, out, _ = run(capsys, "spool", "list", *base)
    [line, total] = out.splitlines()
    assert "waiting" in line and total == "1 spooled jobs"
    cups.lp(WORKS)
    code, out, _ = run(capsys, "spool", "retry", line.split()[0], *base)
    assert (code, out.strip()) == (0, f"Printed receipt {line.split()[0]}.")
    code, out, _ = run(capsys, "spool", "list", *base)
    assert out.strip() == "0 spooled jobs"


def test_printer_check_asks_cups_for_the_queue(cups: FakeCups, make_receipts: MakeReceipts) -> None:
    report = make_receipts(PrinterConfig(kind="cups", queue="receipts")).check_printer()
    assert (report.reachable, report.problem) == (True, None)
    assert report.words == "CUPS has the queue receipts; it takes jobs."
    report = make_receipts(PrinterConfig(kind="cups", queue="other")).check_printer()
    assert (report.reachable, report.problem) == (False, Problem.PRINTER_OFF)
    assert "Invalid destination name" in report.words

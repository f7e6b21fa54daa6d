"""Sending receipt bytes to the configured printer, with a deadline and plain-word faults.

Every send happens under one inter-process lock (one job talks to the printer at a time, kiosk or
staff tool alike), opens a fresh connection (a stale one is the usual failure after a printer
restarts), asks the printer for its status where it can answer, sends the job in one write, and
asks again. Each step takes its time limit from one deadline, so a printer that refuses, stalls
or drops the connection is reported within ``FAULT_BUDGET_SECONDS``.
"""

import contextlib
import logging
import os
import re
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from filelock import FileLock
from filelock import Timeout as LockTimeout

from kiosk.config import PrinterConfig
from kiosk.printing._escpos import escpos_errors, escpos_printer
from kiosk.printing.problems import PrinterProblem, Problem

log = logging.getLogger("tawasul.printing")

FAULT_BUDGET_SECONDS = 4.5
"""The longest a resident waits to hear that the printer has a problem."""
_LAST_WORD_SECONDS = 1.0  # kept for the status check after a long serial transfer

# DLE EOT n: real-time status, answered even while the printer is offline or its buffer is full.
_PRINTER_STATUS = b"\x10\x04\x01"
_OFFLINE_CAUSE = b"\x10\x04\x02"
_PAPER_SENSOR = b"\x10\x04\x04"
_OFFLINE = 0x08
_COVER_OPEN = 0x04
_PAPER_STOP = 0x20
_PAPER_END = 0x60
_PAPER_NEAR_END = 0x0C

_DRIVERS: dict[str, Any] = {
    "usb": escpos_printer.Usb,
    "serial": escpos_printer.Serial,
}
_TIMEOUT_NAMES = frozenset({"TimeoutError", "USBTimeoutError", "SerialTimeoutException"})
_DRIVER_NAMES = frozenset({"NoBackendError"})
# Problems met before anything answered; the others come from a printer that did.
_UNREACHABLE = frozenset({Problem.NO_PRINTER, Problem.PRINTER_OFF, Problem.NO_DRIVER})


@dataclass(frozen=True)
class PrinterReport:
    """What ``tawasul printer check`` found: reachable or not, the problem code, plain words.

    For a problem, *words* is what the check saw (the technical detail): the services put the
    problem's own sentence, from the catalogues, before it (ReceiptService.check_printer).
    """

    reachable: bool
    problem: Problem | None
    words: str
    paper_low: bool = False


class _Deadline:
    """The time left for one job; running out is a TimeoutError like any other."""

    def __init__(self, seconds: float) -> None:
        self._end = time.monotonic() + seconds

    def remaining(self) -> float:
        left = self._end - time.monotonic()
        if left <= 0:
            raise TimeoutError("the printer took longer than the time allowed")
        return left

    def allow(self, transfer: float) -> None:
        """Leave room for a *transfer* of that many seconds plus the closing status check."""
        if transfer > 0:
            self._end = max(self._end, time.monotonic() + transfer + _LAST_WORD_SECONDS)


class ReceiptPrinter:
    """The printer of the configuration, reached within a fault budget.

    The file printer writes each job to its own file in *file_folder* (or to ``path`` when it
    names a file or a device such as ``/dev/usb/lp0``). *lock_path* is the lock file that keeps
    two senders off the printer at once.
    """

    def __init__(
        self,
        config: PrinterConfig,
        file_folder: Path,
        lock_path: Path,
        budget: float = FAULT_BUDGET_SECONDS,
    ) -> None:
        """Send to the printer of *config*; file jobs go to *file_folder*."""
        self.config = config
        self.file_folder = file_folder
        self.lock_path = lock_path
        # The operator's timeout may be shorter; never longer than the resident may wait.
        self.budget = min(config.timeout, budget) if config.timeout > 0 else budget

    def send(self, data: bytes, job_name: str) -> bool:
        """Print *data*; True when the printer says its paper is running low.

        PrinterProblem says why it did not print, and whether it may have printed in part.
        """
        deadline = _Deadline(self.budget)
        with self._turn(deadline), self._connection(deadline, job_name) as connection:
            if connection.answers_status:
                _ready(connection, deadline)
            try:
                deadline.allow(_transfer_seconds(self.config, len(data)))
                connection.limit(deadline.remaining())
                connection.printer._raw(data)
                connection.finish()
            except PrinterProblem:
                raise
            except Exception as error:
                raise problem_for(error, maybe_printed=True) from error
            if not connection.answers_status:
                return False
            connection.discard_input()
            try:
                return _ready(connection, deadline)
            except PrinterProblem as problem:
                problem.maybe_printed = True
                raise

    def check(self) -> PrinterReport:
        """Whether the printer can be reached and is ready, without printing anything."""
        kind = self.config.kind
        try:
            if kind == "file":
                return _file_report(self._file_target("check"))
            if kind == "cups":
                return self._cups_report()
            deadline = _Deadline(self.budget)
            with self._turn(deadline), self._connection(deadline, "check") as connection:
                low = _ready(connection, deadline)
        except PrinterProblem as problem:
            reachable = problem.code not in _UNREACHABLE
            return PrinterReport(reachable, problem.code, problem.detail)
        paper = "paper is low" if low else "paper is fine"
        return PrinterReport(
            True, None, f"The {kind} printer answers: it is ready and {paper}.", low
        )

    @contextmanager
    def _turn(self, deadline: _Deadline) -> Iterator[None]:
        lock = FileLock(str(self.lock_path))
        try:
            self.lock_path.parent.mkdir(parents=True, exist_ok=True)
            lock.acquire(timeout=deadline.remaining())
        except (LockTimeout, TimeoutError):
            raise PrinterProblem(Problem.BUSY, "another job held the printer too long") from None
        except OSError as error:
            # A folder that cannot hold the lock (disk full, read-only, a file in its place)
            # must not cost the resident the receipt: send without the turn across processes
            # (the receipt service still sends one job at a time in this one).
            log.warning("printer lock %s not taken: %s", self.lock_path, error)
            yield
            return
        try:
            yield
        finally:
            lock.release()

    def _file_target(self, job_name: str) -> Path:
        configured = Path(self.config.path) if self.config.path else self.file_folder
        if configured.is_dir() or not self.config.path:
            return configured / f"receipt-{job_name}.escpos"
        return configured

    @contextmanager
    def _connection(self, deadline: _Deadline, job_name: str) -> Iterator["_Connection"]:
        connection = self._open(deadline, job_name)
        try:
            yield connection
        finally:
            connection.close()

    def _open(self, deadline: _Deadline, job_name: str) -> "_Connection":
        config = self.config
        kind = config.kind
        if kind == "none":
            raise PrinterProblem(Problem.NO_PRINTER, "the configuration says there is no printer")
        driver = _DRIVERS.get(kind)
        if driver is not None and not driver.is_usable():
            # Checked before making the printer object: python-escpos's __del__ would otherwise
            # print "Exception ignored ... RuntimeError" onto the kiosk screen.
            raise PrinterProblem(
                Problem.NO_DRIVER, f"python-escpos lacks the library for {kind} printers"
            )
        try:
            if kind == "file":
                target = self._file_target(job_name)
                # Receipts show a request number and a masked ID: the kiosk and staff group only.
                target.parent.mkdir(mode=0o770, parents=True, exist_ok=True)
                connection = _Connection(escpos_printer.File(devfile=str(target)), kind)
            elif kind == "network":
                printer = escpos_printer.Network(
                    host=config.host, port=config.port, timeout=deadline.remaining()
                )
                connection = _Connection(printer, kind)
            elif kind == "usb":
                printer = escpos_printer.Usb(
                    idVendor=config.vendor_id,
                    idProduct=config.product_id,
                    timeout=max(1, int(deadline.remaining() * 1000)),
                )
                connection = _Connection(printer, kind)
            elif kind == "serial":
                printer = escpos_printer.Serial(
                    devfile=config.device, baudrate=config.baudrate, timeout=deadline.remaining()
                )
                connection = _Connection(printer, kind)
            elif kind == "cups":
                connection = _Connection(CupsJob(config.queue, job_name), kind)
            else:
                raise PrinterProblem(Problem.NO_PRINTER, f"unknown printer kind {kind!r}")
            connection.printer.open()
        except PrinterProblem:
            raise
        except Exception as error:
            raise problem_for(error, maybe_printed=False) from error
        return connection

    def _cups_report(self) -> PrinterReport:
        queue = self.config.queue
        # `lpstat -a QUEUE` exits 0 only for a queue that exists and accepts jobs.
        answer = _run_cups(["lpstat", "-a", queue] if queue else ["lpstat", "-d"], self.budget)
        if answer.returncode != 0:
            raise PrinterProblem(
                Problem.PRINTER_OFF, f"CUPS refuses the queue {queue!r}: {answer.why}"
            )
        if not queue:
            return PrinterReport(True, None, "CUPS has a default queue; it takes jobs.")
        return PrinterReport(True, None, f"CUPS has the queue {queue}; it takes jobs.")


_LP_JOB_ID = re.compile(r"request id is (\S+)")


@dataclass(frozen=True)
class _CupsAnswer:
    """What a CUPS client program said before it ended."""

    returncode: int
    out: str
    err: str

    @property
    def why(self) -> str:
        """The client's own words for the log: its last line on stderr, or its exit status."""
        lines = self.err.strip().splitlines()
        return lines[-1] if lines else f"exit status {self.returncode}"


def _run_cups(command: list[str], seconds: float, data: bytes = b"") -> _CupsAnswer:
    """Run the CUPS client *command* with *data* on its input, for at most *seconds*.

    It runs in a process group of its own so that, at the deadline, whatever it started dies with
    it (a wrapper script's children would otherwise hold the pipes open). Its messages are read in
    the C locale: the job id is found by its English words.
    """
    if shutil.which(command[0]) is None:
        raise PrinterProblem(Problem.NO_DRIVER, f"the CUPS client ({command[0]}) is not installed")
    try:
        client = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env={**os.environ, "LC_ALL": "C"},
            start_new_session=True,
        )
    except OSError as error:
        raise PrinterProblem(
            Problem.NO_DRIVER, f"{command[0]} cannot be started: {error}"
        ) from None
    try:
        out, err = client.communicate(data, timeout=seconds)
    except subprocess.TimeoutExpired:
        _stop_group(client)
        # lp may have handed the job to CUPS before it stalled: the receipt may come out.
        raise PrinterProblem(
            Problem.TIMEOUT, f"{command[0]} did not finish within {seconds:.1f} s", bool(data)
        ) from None
    text = {"encoding": "utf-8", "errors": "replace"}
    return _CupsAnswer(client.returncode, out.decode(**text), err.decode(**text))


def _stop_group(client: "subprocess.Popen[bytes]") -> None:
    """Kill *client* and every process of its group, and reap it."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(client.pid, signal.SIGKILL)
    for pipe in (client.stdin, client.stdout, client.stderr):
        if pipe is not None:
            with contextlib.suppress(OSError):
                pipe.close()
    client.wait()


class CupsJob:
    """One receipt for a CUPS queue, handed to ``lp`` with a deadline.

    It replaces python-escpos's ``LP``, which ignores lp's exit status and output (a refused job
    counted as printed) and waits for lp without a time limit. It offers the part of a
    python-escpos printer that ``_Connection`` uses: ``open``, ``_raw`` and ``close``.
    """

    def __init__(self, queue: str, job_name: str) -> None:
        """A job named *job_name* for *queue* (empty: CUPS's default queue)."""
        self.queue = queue
        self.job_name = job_name
        self.timeout = FAULT_BUDGET_SECONDS
        self._data = bytearray()

    def open(self) -> None:
        """Nothing to open: lp starts when the job is complete (see ``submit``)."""

    def _raw(self, data: bytes) -> None:
        self._data += data

    def submit(self) -> str:
        """Give the job to lp within ``timeout`` seconds; return the job id CUPS gave it.

        PrinterProblem if lp refused it (never queued: it may be sent again), or if lp stalled or
        named no job (it may have been queued: a person decides).
        """
        destination = ["-d", self.queue] if self.queue else []
        command = ["lp", *destination, "-t", self.job_name, "-o", "raw"]
        answer = _run_cups(command, self.timeout, bytes(self._data))
        if answer.returncode != 0:
            raise PrinterProblem(Problem.PRINTER_OFF, f"lp refused the job: {answer.why}")
        found = _LP_JOB_ID.search(answer.out)
        if found is None:
            raise PrinterProblem(
                Problem.PRINTER_ERROR,
                f"lp ended without naming a job: {answer.out.strip()!r}",
                True,
            )
        log.info("CUPS queued receipt %s as %s", self.job_name, found[1])
        return found[1]

    def close(self) -> None:
        """Forget the job's bytes (a job not submitted is simply not sent)."""
        self._data.clear()


class _Connection:
    """One opened python-escpos printer and what its kind allows."""

    def __init__(self, printer: Any, kind: str) -> None:
        self.printer = printer
        self.kind = kind
        # File and CUPS cannot answer DLE EOT; the others can.
        self.answers_status = kind in ("network", "usb", "serial")

    def limit(self, seconds: float) -> None:
        """Let the next read or write take at most *seconds*."""
        if self.kind == "network":
            self.printer.device.settimeout(seconds)
        elif self.kind == "serial":
            self.printer.device.timeout = seconds
            self.printer.device.write_timeout = seconds
        elif self.kind == "usb":
            self.printer.timeout = max(1, int(seconds * 1000))
        elif self.kind == "cups":
            self.printer.timeout = seconds

    def discard_input(self) -> None:
        """Drop answers nobody asked for: bytes inside a picture can look like DLE EOT."""
        if self.kind != "network":
            return
        device = self.printer.device
        device.setblocking(False)
        try:
            while device.recv(4096):
                pass
        except (BlockingIOError, InterruptedError):
            pass
        except OSError as error:
            raise problem_for(error, maybe_printed=True) from error
        finally:
            device.setblocking(True)

    def finish(self) -> None:
        """Push out what the kind buffers (a file's bytes, the CUPS job)."""
        if self.kind == "file":
            self.printer.close()
        elif self.kind == "cups":
            self.printer.submit()

    def close(self) -> None:
        """Close quietly: the job's outcome is already known, a failing close adds nothing."""
        try:
            self.printer.close()
        except Exception as error:
            log.debug("closing the %s printer failed: %s", self.kind, error)


def _transfer_seconds(config: PrinterConfig, size: int) -> float:
    """How long a slow link needs to carry *size* bytes; 0 for links faster than the printer.

    A serial line carries about baudrate/10 bytes a second, so a whole receipt (60 to 120 KB)
    takes longer than the fault budget; that is transfer, not a fault, and is allowed for.
    """
    if config.kind == "serial" and config.baudrate > 0:
        return 1.0 + 1.5 * size * 10 / config.baudrate
    return 0.0


def _status(connection: _Connection, query: bytes, deadline: _Deadline) -> int:
    """The printer's answer byte to *query*; a silent or garbled answer is a TIMEOUT problem.

    python-escpos 3.1 reads an empty answer as "plenty of paper", so the byte is checked here:
    a real status byte has bits 1 and 4 set and bits 0 and 7 clear.
    """
    try:
        connection.limit(deadline.remaining())
        reply: bytes = connection.printer.query_status(query)
    except Exception as error:
        raise problem_for(error, maybe_printed=False) from error
    if not reply:
        raise PrinterProblem(Problem.TIMEOUT, "the printer gave no status answer")
    value = reply[-1]
    if value & 0x93 != 0x12:
        raise PrinterProblem(Problem.TIMEOUT, f"the printer answered {reply.hex()}, not a status")
    return value


def _ready(connection: _Connection, deadline: _Deadline) -> bool:
    """Nothing if the printer can print (True when paper is low), else the PrinterProblem."""
    if _status(connection, _PRINTER_STATUS, deadline) & _OFFLINE:
        cause = _status(connection, _OFFLINE_CAUSE, deadline)
        if cause & _COVER_OPEN:
            raise PrinterProblem(Problem.COVER_OPEN, "the printer reports its cover open")
        if cause & _PAPER_STOP:
            raise PrinterProblem(Problem.PAPER_OUT, "the printer stopped at the end of its paper")
        raise PrinterProblem(
            Problem.PRINTER_ERROR, f"the printer is offline (cause byte {cause:#04x})"
        )
    paper = _status(connection, _PAPER_SENSOR, deadline)
    if paper & _PAPER_END:
        raise PrinterProblem(Problem.PAPER_OUT, "the paper sensor reports no paper")
    return bool(paper & _PAPER_NEAR_END)


def problem_for(error: BaseException, maybe_printed: bool) -> PrinterProblem:
    """The PrinterProblem for an exception of python-escpos or of the transport under it."""
    names = {cls.__name__ for cls in type(error).__mro__}
    detail = f"{type(error).__name__}: {error}".strip().replace("\n", " ")
    if names & _DRIVER_NAMES or isinstance(error, RuntimeError):
        # python-escpos raises RuntimeError when pyusb or pyserial is missing.
        code = Problem.NO_DRIVER
    elif names & _TIMEOUT_NAMES:
        code = Problem.TIMEOUT
    elif isinstance(error, BrokenPipeError | ConnectionResetError | ConnectionAbortedError):
        code = Problem.CONNECTION_LOST
    elif isinstance(
        error,
        escpos_errors.DeviceNotFoundError
        | ConnectionRefusedError
        | FileNotFoundError
        | PermissionError,
    ):
        code = Problem.PRINTER_OFF
    elif isinstance(error, OSError) or names & {"USBError", "SerialException"}:
        code = Problem.CONNECTION_LOST if maybe_printed else Problem.PRINTER_OFF
    else:
        log.error("unexpected printer failure: %s", detail)
        code = Problem.PRINTER_ERROR
    return PrinterProblem(code, detail, maybe_printed and code != Problem.PRINTER_OFF)


def _file_report(target: Path) -> PrinterReport:
    folder = target.parent
    if target.exists() and not target.is_dir():
        writable = os.access(target, os.W_OK)
        where = str(target)
    else:
        existing = next((f for f in (folder, *folder.parents) if f.exists()), Path("/"))
        writable = os.access(existing, os.W_OK)
        where = str(folder)
    if not writable:
        raise PrinterProblem(Problem.PRINTER_OFF, f"{where} cannot be written by this user")
    return PrinterReport(True, None, f"The file printer writes receipts to {where}.")

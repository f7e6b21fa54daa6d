"""The spool: receipts waiting for the printer, kept on disk until printed or dropped.

Each job is two files named by the receipt serial: ``SERIAL.escpos`` (the exact bytes) and
``SERIAL.json`` (what staff see when they list jobs). The bytes are written first and the
description last, each atomically, so a listing never shows a job whose bytes are missing. Files
are for the kiosk and staff accounts (the data file's group) only: a receipt shows a request
number and a masked ID, and staff retry and drop jobs from their own accounts.

The spool also hands out receipt serials, from a counter file under an inter-process lock.
"""

import contextlib
import json
import logging
import os
import secrets
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from enum import StrEnum
from pathlib import Path

from filelock import FileLock

from kiosk.errors import NotFound, TawasulError

_SERIAL_DIGITS = 6

log = logging.getLogger("tawasul.spool")


class SpoolError(TawasulError):
    """The spool folder or one of its files cannot be read or written."""


class JobState(StrEnum):
    """Where a spooled job stands. A printed job leaves the spool."""

    WAITING = "waiting"
    """Never reached the printer: printing it again cannot double a receipt."""
    UNCERTAIN = "uncertain"
    """Bytes went to the printer before it failed: it may have printed in part, so only a
    person may send it again."""


@dataclass(frozen=True)
class SpoolJob:
    """One receipt in the spool, as staff see it (no ID number: *owner* is a keyed hash)."""

    job_id: str
    request_number: str
    owner: str
    created: datetime
    state: JobState
    attempts: int = 0
    problem: str | None = None
    qr_payload: str = ""
    left_by_finished_visit: bool = False
    """The resident's visit ended (Finish or idle) after the kiosk told them to ask at the
    counter for this receipt: it waits for staff."""

    @property
    def standing(self) -> str:
        """The job's state as staff read it (``spool list``, the console's receipts)."""
        if self.left_by_finished_visit:
            return f"{self.state.value}, visit ended"
        return self.state.value

    def to_json(self) -> dict[str, object]:
        """The job's description as stored in ``SERIAL.json``."""
        raw = asdict(self)
        raw["created"] = self.created.isoformat()
        raw["state"] = self.state.value
        return raw

    @classmethod
    def from_json(cls, raw: dict[str, object]) -> "SpoolJob":
        """The job described by the parsed ``SERIAL.json``."""
        problem = raw.get("problem")
        return cls(
            job_id=str(raw["job_id"]),
            request_number=str(raw["request_number"]),
            owner=str(raw["owner"]),
            created=datetime.fromisoformat(str(raw["created"])),
            state=JobState(str(raw["state"])),
            attempts=int(str(raw.get("attempts", 0))),
            problem=None if problem is None else str(problem),
            qr_payload=str(raw.get("qr_payload", "")),
            left_by_finished_visit=raw.get("left_by_finished_visit") is True,
        )

    def after_attempt(self, problem: str | None, maybe_printed: bool) -> "SpoolJob":
        """This job after one more failed attempt with *problem*."""
        state = JobState.UNCERTAIN if maybe_printed else self.state
        return replace(self, attempts=self.attempts + 1, problem=problem, state=state)

    def left_for_staff(self) -> "SpoolJob":
        """This job once the visit that printed it has ended."""
        return replace(self, left_by_finished_visit=True)


class Spool:
    """The spool folder of one kiosk (made on first use, mode 0770: the kiosk and staff group)."""

    def __init__(self, folder: Path) -> None:
        """Keep jobs in *folder*."""
        self.folder = folder
        self._handed_out = 0  # the last serial this process handed out

    @property
    def printer_lock(self) -> Path:
        """The lock file that lets one sender at a time talk to the printer."""
        return self.folder / "printer.lock"

    def _ready(self) -> None:
        try:
            self.folder.mkdir(mode=0o770, parents=True, exist_ok=True)
        except OSError as error:
            raise SpoolError(f"The spool folder {self.folder} cannot be made: {error}.") from None

    def add(self, job: SpoolJob, data: bytes) -> None:
        """Keep *job* and its bytes."""
        self._ready()
        self._write(self.folder / f"{job.job_id}.escpos", data)
        self.update(job)

    def update(self, job: SpoolJob) -> None:
        """Store *job*'s new description."""
        text = json.dumps(job.to_json(), ensure_ascii=False, indent=1)
        self._write(self.folder / f"{job.job_id}.json", text.encode("utf-8"))

    def jobs(self) -> list[SpoolJob]:
        """Every job in the spool, oldest first."""
        if not self.folder.is_dir():
            return []
        found = []
        for path in self.folder.glob("*.json"):
            # A job printed or dropped by another process since the listing is simply gone.
            with contextlib.suppress(FileNotFoundError):
                found.append(self._read_job(path))
        return sorted(found, key=lambda job: (job.created, job.job_id))

    def job(self, job_id: str) -> SpoolJob:
        """The job *job_id*, or NotFound."""
        path = self.folder / f"{job_id}.json"
        if not job_id.isdigit() or not path.is_file():
            raise NotFound(f"There is no spooled job {job_id!r}; `tawasul spool list` shows them.")
        return self._read_job(path)

    def check_writable(self) -> None:
        """SpoolError unless jobs can be written here (made on first use)."""
        self._ready()
        probe = self.folder / ".probe"
        self._write(probe, b"")
        probe.unlink()

    def holds(self, job_id: str) -> bool:
        """Whether the job *job_id* is still in the spool."""
        return (self.folder / f"{job_id}.escpos").is_file()

    def data(self, job_id: str) -> bytes:
        """The ESC/POS bytes of the job *job_id*."""
        try:
            return (self.folder / f"{job_id}.escpos").read_bytes()
        except OSError as error:
            raise SpoolError(
                f"The bytes of spooled job {job_id} cannot be read: {error}."
            ) from None

    def remove(self, job_id: str) -> None:
        """Forget the job *job_id* (its description first, so it never lists without bytes)."""
        try:
            (self.folder / f"{job_id}.json").unlink(missing_ok=True)
            (self.folder / f"{job_id}.escpos").unlink(missing_ok=True)
        except OSError as error:
            raise SpoolError(f"The spooled job {job_id} cannot be removed: {error}.") from None

    def next_serial(self) -> str:
        """A new receipt serial, never handed out before by this spool.

        When the counter cannot be written (disk full, read-only folder) the serial is counted
        on in memory from the last one recorded, so the resident still gets a receipt or its
        QR code; the first serial recorded again moves the counter past those.
        """
        counter = self.folder / "serial"
        try:
            self._ready()
            with FileLock(str(self.folder / "serial.lock"), timeout=10):
                last = max(self._recorded_serial(counter), self._handed_out)
                self._write(counter, f"{last + 1}\n".encode("ascii"))
        except (SpoolError, OSError) as error:
            try:
                last = max(self._recorded_serial(counter), self._handed_out)
            except (SpoolError, OSError):
                last = self._handed_out
            log.warning("receipt serial %d not recorded: %s", last + 1, error)
        self._handed_out = last + 1
        return f"{last + 1:0{_SERIAL_DIGITS}d}"

    @staticmethod
    def _recorded_serial(counter: Path) -> int:
        try:
            return int(counter.read_text(encoding="ascii").strip() or "0")
        except FileNotFoundError:
            return 0
        except ValueError:
            raise SpoolError(f"The receipt counter {counter} is damaged.") from None

    def _read_job(self, path: Path) -> SpoolJob:
        try:
            return SpoolJob.from_json(json.loads(path.read_text(encoding="utf-8")))
        except FileNotFoundError:
            raise
        except (OSError, ValueError, KeyError) as error:
            raise SpoolError(f"The spooled job {path} cannot be read: {error}.") from None

    def _write(self, path: Path, data: bytes) -> None:
        temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
        try:
            descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o660)
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, path)
        except OSError as error:
            # On a read-only disk even removing the (never made) temporary file fails.
            with contextlib.suppress(OSError):
                temporary.unlink(missing_ok=True)
            raise SpoolError(f"{path} cannot be written: {error}.") from None

"""Receipts: issue one for a request, print it through the spool, verify a receipt's QR code.

``ReceiptService`` is what the kiosk screens call through the ``ReceiptPrinting`` port, and what
the staff console and the ``tawasul receipt | verify | printer | spool`` commands use.
"""

import logging
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from functools import cached_property
from pathlib import Path

from PIL import Image

from kiosk.config import KioskConfig
from kiosk.domain.calendar import format_time, riyadh_date, riyadh_stamp
from kiosk.domain.identity import mask_id
from kiosk.domain.languages import Language
from kiosk.domain.models import AuditEntry, TawasulRequest
from kiosk.domain.statuses import RequestStatus
from kiosk.errors import DataFileError, InvalidInput, StoreUnwritable
from kiosk.printing.escpos_bytes import receipt_bytes
from kiosk.printing.layout import (
    PAPER_DOTS,
    RECEIPT_LABELS,
    ReceiptContent,
    ReceiptLanguages,
    ReceiptText,
    receipt_languages,
    render_receipt,
)
from kiosk.printing.payload import (
    ReceiptKey,
    ReceiptPayload,
    Verdict,
    load_or_create_key,
    parse_payload,
)
from kiosk.printing.printers import PrinterReport, ReceiptPrinter
from kiosk.printing.problems import PrinterProblem, Problem
from kiosk.printing.qr_reader import read_payload
from kiosk.printing.spool import JobState, Spool, SpoolError, SpoolJob
from kiosk.printing.text import ReceiptFontError, Shaping, check_fonts
from kiosk.services.bundle import Services
from kiosk.services.clock import Clock, utc_now
from kiosk.services.i18n import staff_words, translations
from kiosk.services.receipts_port import PrintOutcome, problem_sentence
from kiosk.services.requests import RequestProgress, RequestService, next_steps

log = logging.getLogger("tawasul.receipts")

UNWRITTEN_AUDIT_LIMIT = 500
"""Print audit entries kept in memory while the data file cannot be written (a day of prints at
a busy kiosk); beyond it the oldest is dropped, and the log says so."""


@dataclass(frozen=True)
class ReceiptFiles:
    """Where a kiosk keeps its receipt key, its spool, and the file printer's receipts."""

    key_path: Path
    spool_dir: Path
    file_printer_dir: Path

    @classmethod
    def beside(cls, db_path: Path, config: KioskConfig) -> "ReceiptFiles":
        """The configured places, else a key, ``spool/`` and ``receipts/`` beside the data file."""
        db_path = db_path.absolute()
        folder = db_path.parent
        return cls(
            key_path=Path(config.receipt_key_path)
            if config.receipt_key_path
            else db_path.with_name(f"{db_path.name}.receipt-key"),
            spool_dir=Path(config.spool_dir) if config.spool_dir else folder / "spool",
            file_printer_dir=folder / "receipts",
        )


@dataclass(frozen=True)
class IssuedReceipt:
    """One receipt made for a request: its serial, QR payload, picture and ESC/POS bytes."""

    serial: str
    payload: str
    image: Image.Image
    data: bytes


@dataclass(frozen=True)
class Verification:
    """What checking a receipt's QR code found, and how the request stands now."""

    payload: ReceiptPayload
    verdict: Verdict
    status_now: RequestStatus | None

    @property
    def is_authentic(self) -> bool:
        """Whether this kiosk's key signed exactly this payload."""
        return self.verdict is Verdict.AUTHENTIC

    def lines(self) -> list[str]:
        """The finding in plain English, one fact a line."""
        payload = self.payload
        words = staff_words()
        verdict = {
            Verdict.AUTHENTIC: "AUTHENTIC: signed with this office's receipt key.",
            Verdict.TAMPERED: "TAMPERED: the signature does not match; do not trust this receipt.",
            Verdict.OTHER_KEY: f"SIGNED WITH ANOTHER KEY ({payload.key_id}): not this office's "
            "receipt key, or the key id was altered.",
        }[self.verdict]
        issued = payload.issued
        lines = [
            verdict,
            f"Request   {payload.request_number}",
            f"Receipt   {payload.serial} from {payload.kiosk_id}, issued "
            f"{riyadh_stamp(issued)} (Riyadh)",
            # The code says what the receipt showed, not that paper came out: a receipt the
            # printer failed on was shown on screen with the same code.
            f"Issued as {payload.status.value} ({words.status_label(payload.status)})",
        ]
        if self.status_now is None:
            lines.append("Now       no such request in this data file")
        elif self.status_now is payload.status:
            lines.append(f"Now       {self.status_now.value}: unchanged since issue")
        else:
            lines.append(
                f"Now       {self.status_now.value} ({words.status_label(self.status_now)}): "
                "changed since "
                "issue"
            )
        return lines


class ReceiptService:
    """Issues, prints, spools and verifies receipts; implements ``ReceiptPrinting``.

    Blocking: screens call ``print_receipt`` from a worker. Printing within one process is one
    job at a time; across processes the printer lock in the spool folder does the same.
    """

    def __init__(
        self,
        config: KioskConfig,
        requests: RequestService,
        files: ReceiptFiles,
        clock: Clock = utc_now,
        shaping: Shaping | None = None,
    ) -> None:
        """Receipts for the requests of *requests*, with state kept in *files*."""
        self.config = config
        self.requests = requests
        self.files = files
        self.spool = Spool(files.spool_dir)
        self.printer = ReceiptPrinter(
            config.printer, files.file_printer_dir, self.spool.printer_lock
        )
        self._clock = clock
        self._shaping = shaping
        self._one_job = threading.Lock()
        self._audit_lock = threading.Lock()
        self._unwritten_audit: deque[AuditEntry] = deque(maxlen=UNWRITTEN_AUDIT_LIMIT)

    @classmethod
    def open(cls, services: Services, shaping: Shaping | None = None) -> "ReceiptService":
        """The receipt service of *services*, its state beside the data file unless configured."""
        files = ReceiptFiles.beside(services.files_beside, services.config)
        return cls(services.config, services.requests, files, services.clock, shaping)

    @cached_property
    def key(self) -> ReceiptKey:
        """The receipt key, made on first use."""
        return load_or_create_key(self.files.key_path)

    def ready(self) -> None:
        """Check, at start-up, that receipts can be made here: key, spool folder and fonts.

        ReceiptKeyError, SpoolError or ReceiptFontError (all TawasulError) say what is wrong;
        ``print_receipt`` would raise the same in the middle of a resident's visit.
        """
        _ = self.key
        self.spool.check_writable()
        check_fonts()

    # --- issuing ---------------------------------------------------------------------------

    def issue(
        self,
        request: TawasulRequest,
        language: Language = Language.ARABIC,
        width_mm: int | None = None,
    ) -> IssuedReceipt:
        """A new receipt for *request*: a fresh serial, a signed payload, the picture and bytes.

        ReceiptFontError when the font is missing; InvalidInput for a paper width not 58 or 80.
        """
        width = width_mm or self.config.printer.width_mm
        if width not in PAPER_DOTS:
            raise InvalidInput(f"Paper is 58 or 80 mm wide, not {width}.")
        serial = self.spool.next_serial()
        now = self._clock()
        payload = self._sign(request, serial, now)
        content = self._content(request, language, serial, now, payload)
        image = render_receipt(content, PAPER_DOTS[width], self._shaping)
        return IssuedReceipt(serial, payload, image, receipt_bytes(image))

    def _sign(self, request: TawasulRequest, serial: str, now: datetime) -> str:
        unsigned = ReceiptPayload(request.number, request.status, now, serial, self.config.kiosk_id)
        return self.key.sign(unsigned).text()

    def _content(
        self, request: TawasulRequest, language: Language, serial: str, now: datetime, payload: str
    ) -> ReceiptContent:
        languages = receipt_languages(language)
        kind = self.requests.request_type(request)
        config = self.config
        return ReceiptContent(
            languages=languages,
            office=ReceiptText(
                tuple(
                    (config.office_language(each), config.office_name(each)) for each in languages
                )
            ),
            kiosk_id=config.kiosk_id,
            serial=serial,
            issued=_moment(now, languages),
            request_number=request.number,
            request_type=ReceiptText.each(languages, lambda each: kind.name(each.value)),
            status=_words(f"status.{request.status.value}.label", languages),
            last_update=_moment(request.updated, languages),
            next_step=next_step_of(request, self.requests.progress(request), languages),
            expected_by=self._expected(request, languages),
            masked_id=mask_id(request.applicant_id),
            qr_payload=payload,
            labels={name: _words(f"receipt.label.{name}", languages) for name in RECEIPT_LABELS},
        )

    def _expected(self, request: TawasulRequest, languages: ReceiptLanguages) -> ReceiptText:
        if request.status.awaits_office:
            day = self.requests.progress(request).expected_by
            return ReceiptText.each(languages, lambda each: translations(each).both_dates(day))
        if request.status is RequestStatus.RETURNED:
            return _words("receipt.expected.waiting", languages)
        return _words("receipt.expected.answered", languages)

    # --- printing (the ReceiptPrinting port) -----------------------------------------------

    def print_receipt(self, request: TawasulRequest, language: Language) -> PrintOutcome:
        """Issue, spool and send *request*'s receipt, and audit it; never raises for printer
        faults, a full or read-only disk.

        A receipt that did not print stays in the spool for staff (see ``visit_ended``); its QR
        payload is in the outcome either way. Only a kiosk that cannot make receipts at all
        raises (see ``ready``, meant for start-up).
        """
        outcome = self._print(request, language)
        self._audit_print(request, outcome)
        return outcome

    def _print(self, request: TawasulRequest, language: Language) -> PrintOutcome:
        try:
            receipt = self.issue(request, language)
        except ReceiptFontError as error:
            log.error("receipt not drawn: %s", error)
            serial = self.spool.next_serial()
            return PrintOutcome(
                False, self._sign(request, serial, self._clock()), serial, Problem.NO_FONT
            )
        job = SpoolJob(
            job_id=receipt.serial,
            request_number=request.number,
            owner=self.key.digest(request.applicant_id),
            created=self._clock(),
            state=JobState.WAITING,
            qr_payload=receipt.payload,
        )
        if self.config.printer.kind == "none":
            return PrintOutcome(False, receipt.payload, receipt.serial, Problem.NO_PRINTER)
        try:
            self.spool.add(job, receipt.data)
        except SpoolError as error:
            # A full disk must not cost the resident the receipt: print without a spool entry.
            log.error("receipt %s not spooled: %s", job.job_id, error)
        return self._send(job, receipt.data)

    def visit_ended(self, applicant_id: str) -> None:
        """The visit of *applicant_id* ended (Finish or idle): settle their unprinted jobs.

        A job that failed was shown as failed, with "ask at the counter": it stays for staff,
        marked as left by a finished visit (it holds no more than the receipt itself). A job
        still on its way to the printer, whose outcome the person never saw, is dropped: nothing
        else of theirs stays in the queue. Print audit entries kept in memory are written now
        if the data file can be written.
        """
        owner = self.key.digest(applicant_id)
        try:
            for job in self.spool.jobs():
                if job.owner != owner or job.left_by_finished_visit:
                    continue
                if job.attempts > 0:
                    self.spool.update(job.left_for_staff())
                else:
                    self.spool.remove(job.job_id)
        except SpoolError as error:
            log.error("the spool could not settle a finished visit's jobs: %s", error)
        self.write_kept_audit()

    def _audit_print(self, request: TawasulRequest, outcome: PrintOutcome) -> None:
        details: dict[str, object] = {"serial": outcome.receipt_serial, "printed": outcome.printed}
        if outcome.problem:
            details["problem"] = outcome.problem
        entry = AuditEntry(
            self._clock(), self.config.kiosk_id, "receipt.print", request.number, details
        )
        with self._audit_lock:
            if len(self._unwritten_audit) == self._unwritten_audit.maxlen:
                log.error(
                    "print audit entry of receipt %s lost: too many kept in memory",
                    self._unwritten_audit[0].details["serial"],
                )
            self._unwritten_audit.append(entry)
        self.write_kept_audit()

    def write_kept_audit(self) -> None:
        """Write the print audit entries kept in memory, if the data file can be written now.

        A store that cannot write (disk full, read-only) keeps them, at most
        UNWRITTEN_AUDIT_LIMIT, for the next print or the end of the visit.
        """
        with self._audit_lock:
            entries = list(self._unwritten_audit)
            if not entries:
                return
            try:
                with self.requests.store.transaction() as tx:
                    for entry in entries:
                        tx.append_audit(entry)
            except (StoreUnwritable, DataFileError, OSError) as error:
                log.warning("%d print audit entries kept in memory: %s", len(entries), error)
                return
            for _ in entries:
                self._unwritten_audit.popleft()

    def _send(self, job: SpoolJob, data: bytes) -> PrintOutcome:
        with self._one_job:
            try:
                paper_low = self.printer.send(data, job.job_id)
            except PrinterProblem as problem:
                log.warning("receipt %s not printed: %s", job.job_id, problem)
                # The resident may have left while it was sent; then the job stays forgotten.
                if self.spool.holds(job.job_id):
                    attempted = job.after_attempt(problem.code, problem.maybe_printed)
                    self._keep_track(lambda: self.spool.update(attempted))
                return PrintOutcome(False, job.qr_payload, job.job_id, problem.code)
        if paper_low:
            log.warning("the receipt printer's paper is running low")
        self._keep_track(lambda: self.spool.remove(job.job_id))
        return PrintOutcome(True, job.qr_payload, job.job_id)

    @staticmethod
    def _keep_track(change: Callable[[], None]) -> None:
        """Record a sent job's fate in the spool, if the spool can be written now.

        A spool that cannot (disk full, read-only) must not turn a printed receipt, or a
        failure with its QR on screen, into an error: staff see the job as it was.
        """
        try:
            change()
        except SpoolError as error:
            log.error("the spool could not record a sent job: %s", error)

    # --- staff: spool and printer ----------------------------------------------------------

    def pending_jobs(self) -> list[SpoolJob]:
        """The spooled jobs, oldest first (waiting ones may be retried, uncertain ones checked)."""
        return self.spool.jobs()

    def retry(self, job_id: str) -> PrintOutcome:
        """Send the spooled job *job_id* again: a person's decision, so even an uncertain one."""
        job = self.spool.job(job_id)
        return self._send(job, self.spool.data(job_id))

    def drop(self, job_id: str) -> SpoolJob:
        """Remove the spooled job *job_id* without printing it; returns what was dropped."""
        job = self.spool.job(job_id)
        self.spool.remove(job_id)
        return job

    def check_printer(self) -> PrinterReport:
        """Whether the configured printer is reachable and ready, in plain words: for a problem,
        its sentence from the catalogues, then what the check saw."""
        report = self.printer.check()
        if report.problem is None:
            return report
        sentence = problem_sentence(report.problem, staff_words())
        return replace(report, words=f"{sentence[:1].upper()}{sentence[1:]} ({report.words})")

    # --- staff: verifying ------------------------------------------------------------------

    def verify(self, text: str) -> Verification:
        """Check the QR payload *text* (InvalidInput if it is not one) against key and data."""
        payload = parse_payload(text)
        request = self.requests.store.request(payload.request_number)
        return Verification(payload, self.key.check(payload), request.status if request else None)

    def verify_picture(self, path: Path) -> Verification:
        """Read the QR code in the picture or ESC/POS file at *path* and check it."""
        return self.verify(read_payload(path))

    def find(self, typed_number: str) -> TawasulRequest:
        """The request *typed_number* (NotFound names it), for issuing a receipt by number."""
        return self.requests.find(typed_number)


def _moment(moment: datetime, languages: ReceiptLanguages) -> ReceiptText:
    day = riyadh_date(moment)
    return ReceiptText.each(
        languages,
        lambda language: translations(language)(
            "receipt.moment",
            date=translations(language).both_dates(day),
            time=format_time(moment, language),
        ),
    )


def _words(key: str, languages: ReceiptLanguages) -> ReceiptText:
    """The catalogue message *key* in each of the receipt's languages."""
    return ReceiptText.each(languages, lambda language: translations(language)(key))


def next_step_of(
    request: TawasulRequest, progress: RequestProgress, languages: ReceiptLanguages
) -> ReceiptText:
    """What the receipt tells the person to do next: the status screen's sentences, in its
    order, one after the other (``next_steps``), so that paper and screen say the same."""
    steps = next_steps(request, progress)
    return ReceiptText.each(
        languages, lambda language: " ".join(step.said(translations(language)) for step in steps)
    )

"""What the screens need from receipt printing, independent of how it is done."""

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from kiosk.domain.languages import Language
from kiosk.domain.models import TawasulRequest

# Re-exported: the one list of printer problem codes, named through the services by the
# screens (which never import the printing layer).
from kiosk.printing.problems import Problem as Problem
from kiosk.services.i18n import Translations


@dataclass(frozen=True)
class PrintOutcome:
    """How printing one receipt ended.

    *problem* is a stable code (``Problem.PRINTER_OFF``, ``Problem.PAPER_OUT``, ...) that the
    screen turns into a sentence in the resident's language (``problem_sentence``); None when
    the receipt was printed. The QR
    payload is there either way, so a failed print can show the QR on screen instead.
    """

    printed: bool
    qr_payload: str
    receipt_serial: str
    problem: Problem | None = None


class ReceiptPrinting(Protocol):
    """Prints a request's receipt; blocking, so screens call it from a worker thread."""

    def print_receipt(self, request: TawasulRequest, language: Language) -> PrintOutcome:
        """Build, spool and send the receipt of *request*; never raises for printer faults."""
        ...

    def visit_ended(self, applicant_id: str) -> None:
        """The visit of *applicant_id* ended (Finish or idle): settle their unprinted jobs."""
        ...


class QueuedReceipt(Protocol):
    """A receipt waiting in the print queue, as the staff console shows it.

    The spool's own job (kiosk.printing.spool.SpoolJob) is one: screens read it through this,
    so they never import the printing code, and its rules (what *standing* says) stay there.
    """

    @property
    def job_id(self) -> str:
        """The receipt's serial, which names its job in the spool."""
        ...

    @property
    def request_number(self) -> str:
        """The request the receipt is of."""
        ...

    @property
    def created(self) -> datetime:
        """When the receipt was spooled (UTC)."""
        ...

    @property
    def standing(self) -> str:
        """Where the job stands, in the words staff read (waiting, uncertain, visit ended)."""
        ...

    @property
    def attempts(self) -> int:
        """How many times it was sent to the printer."""
        ...

    @property
    def problem(self) -> str | None:
        """The code of the last printer problem, or None."""
        ...


def problem_sentence(code: str | None, tr: Translations) -> str:
    """The sentence for the printer problem *code* in *tr*'s language, the one the resident's
    screen, the staff console and the CLI show; a code this version does not know (one a newer
    kiosk left in the spool) gets the general sentence."""
    known = code in {problem.value for problem in Problem}
    return tr(f"print.problem.{code if known else 'other'}")

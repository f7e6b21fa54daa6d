"""Printer problems: stable codes, the words for them being in the translation catalogues.

The codes travel in ``PrintOutcome.problem`` and in the spool; the services turn them into a
sentence (``kiosk.services.receipts_port.problem_sentence``). A code never changes its meaning
once released.
"""

from enum import StrEnum


class Problem(StrEnum):
    """The one list of printer problem codes. Each one's sentence is in the catalogues
    (``print.problem.<code>``), read by the kiosk, the staff console and the CLI alike."""

    NO_PRINTER = "no_printer"
    PRINTER_OFF = "printer_off"
    NO_DRIVER = "no_driver"
    TIMEOUT = "timeout"
    PAPER_OUT = "paper_out"
    COVER_OPEN = "cover_open"
    PRINTER_ERROR = "printer_error"
    CONNECTION_LOST = "connection_lost"
    BUSY = "busy"
    NO_FONT = "no_font"


class PrinterProblem(Exception):
    """A receipt could not be printed; *code* says why, *detail* gives the technical cause.

    *maybe_printed* is True when bytes had already gone to the printer: such a job may have come
    out in part and is never printed again without a person deciding so.
    """

    def __init__(self, code: Problem, detail: str, maybe_printed: bool = False) -> None:
        """Record the problem *code*, the *detail* for the log, and whether paper may have moved."""
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail
        self.maybe_printed = maybe_printed

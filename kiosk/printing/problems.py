"""Printer problems: stable codes, and one sentence for each in English and in Arabic.

The codes travel in ``PrintOutcome.problem`` and in the spool; screens and the staff console turn
them into words with ``PROBLEM_TEXT`` (later moved into the translation catalogues). A code never
changes its meaning once released.
"""

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

PROBLEM_TEXT: dict[str, dict[str, str]] = {
    NO_PRINTER: {
        "en": "This kiosk has no receipt printer; please show the code on the screen to staff.",
        "ar": "لا توجد طابعة إيصالات في هذا الجهاز؛ يرجى عرض الرمز الظاهر على الشاشة للموظف.",
    },
    PRINTER_OFF: {
        "en": "The receipt printer is switched off or not connected.",
        "ar": "طابعة الإيصالات مطفأة أو غير متصلة.",
    },
    NO_DRIVER: {
        "en": "The receipt printer cannot be used: software it needs is missing on this kiosk.",
        "ar": "لا يمكن استخدام طابعة الإيصالات: ينقص هذا الجهاز برنامج تحتاجه.",
    },
    TIMEOUT: {
        "en": "The receipt printer is not answering.",
        "ar": "طابعة الإيصالات لا تستجيب.",
    },
    PAPER_OUT: {
        "en": "The receipt printer is out of paper.",
        "ar": "نفد الورق من طابعة الإيصالات.",
    },
    COVER_OPEN: {
        "en": "The cover of the receipt printer is open.",
        "ar": "غطاء طابعة الإيصالات مفتوح.",
    },
    PRINTER_ERROR: {
        "en": "The receipt printer reports a fault and has stopped.",
        "ar": "طابعة الإيصالات أبلغت عن عطل وتوقفت.",
    },
    CONNECTION_LOST: {
        "en": "The printer's connection was lost while printing; the receipt may be incomplete.",
        "ar": "انقطع الاتصال بالطابعة أثناء الطباعة؛ قد يكون الإيصال ناقصًا.",
    },
    BUSY: {
        "en": "The receipt printer is busy with another receipt; please try again in a moment.",
        "ar": "طابعة الإيصالات مشغولة بإيصال آخر؛ يرجى المحاولة بعد لحظات.",
    },
    NO_FONT: {
        "en": "The receipt cannot be drawn on this kiosk: its font is missing a letter.",
        "ar": "لا يمكن رسم الإيصال في هذا الجهاز: الخط ينقصه حرف.",
    },
}


def problem_text(code: str, language: str) -> str:
    """The sentence for the problem *code* in *language* (``ar`` or ``en``)."""
    return PROBLEM_TEXT[code]["ar" if language == "ar" else "en"]


class PrinterProblem(Exception):
    """A receipt could not be printed; *code* says why, *detail* gives the technical cause.

    *maybe_printed* is True when bytes had already gone to the printer: such a job may have come
    out in part and is never printed again without a person deciding so.
    """

    def __init__(self, code: str, detail: str, maybe_printed: bool = False) -> None:
        """Record the problem *code*, the *detail* for the log, and whether paper may have moved."""
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail
        self.maybe_printed = maybe_printed

"""When the receipt cannot be printed: the request number large and the QR code on screen."""

from textual.app import ComposeResult
from textual.containers import Horizontal, HorizontalScroll, Vertical
from textual.widgets import Button, Digits

from kiosk.domain.text import display_line
from kiosk.services.receipts_port import PrintOutcome
from screens.resident.context import KioskContext
from screens.resident.notice import NoticeScreen
from widgets import BidiText, QrCode


class PrintFallbackScreen(NoticeScreen):
    """The number and the receipt's QR code, large enough to photograph."""

    CSS_PATH = "print_fallback.tcss"

    def __init__(self, ctx: KioskContext, number: str, outcome: PrintOutcome, reason: str) -> None:
        """Show *number* and *outcome*'s QR payload; *reason* says why printing failed."""
        super().__init__()
        self.ctx = ctx
        self.number = number
        self.outcome = outcome
        self.reason = reason

    def compose(self) -> ComposeResult:
        """Why, what to do, the number, the QR code and Close."""
        tr, bidi, rtl = self.ctx.tr, self.ctx.bidi, self.ctx.rtl
        with Vertical(id="fallback-box"):
            yield BidiText(
                tr("fallback.title", reason=self.reason), bidi=bidi, rtl=rtl, classes="title"
            )
            # Side by side, so the code and the number fit on one 80×24 screen.
            with HorizontalScroll(id="fallback-body"):
                yield QrCode(self.outcome.qr_payload, id="qr")
                with Vertical(id="fallback-side"):
                    # Rows of their own, so a mirrored dialog can put them on the right (the
                    # side's alignment moves its whole column, as wide as the hint).
                    with Horizontal(classes="row"):
                        yield Digits(self.number, id="big-number")
                    yield BidiText(tr("fallback.photo"), bidi=bidi, rtl=rtl, classes="hint")
                    with Horizontal(classes="row"):
                        yield Button(
                            display_line(tr("common.close"), bidi, rtl),
                            variant="primary",
                            id="close",
                        )

    def on_mount(self) -> None:
        """Mirror the dialog for Arabic: the number and Close on the right, the QR on the left.

        Textual runs this before NoticeScreen's own on_mount, which focuses Close.
        """
        if self.ctx.mirrored:
            self.add_class("-rtl")
            body = self.query_one("#fallback-body")
            body.move_child(self.query_one(QrCode), after=self.query_one("#fallback-side"))

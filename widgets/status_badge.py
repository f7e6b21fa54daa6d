"""A request's status as a coloured badge, labelled in the person's language."""

from textual.widgets import Static

from kiosk.domain.statuses import RequestStatus
from kiosk.domain.text import display_line


class StatusBadge(Static):
    """The status label on the colour of its status (class ``-<status code>``)."""

    DEFAULT_CSS = """
    StatusBadge {
        width: auto;
        padding: 0 1;
        text-style: bold;
        color: $text;
        background: $primary;
        &.-returned { background: $warning; color: black; }
        &.-resubmitted { background: $accent; }
        &.-accepted { background: $success; color: black; }
        &.-rejected { background: $error; }
        &.-closed { background: $panel-lighten-2; }
    }
    """

    def __init__(
        self, status: RequestStatus, language: str, bidi: str, *, id: str | None = None
    ) -> None:
        """Show *status* in *language*, shaped for the terminal's *bidi* setting."""
        label = display_line(status.label(language), bidi, rtl=language == "ar")
        super().__init__(label, markup=False, id=id, classes=f"-{status.value}")
        self.status = status

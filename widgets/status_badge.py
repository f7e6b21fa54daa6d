"""A request's status as a coloured badge, labelled in the person's language."""

from textual.widgets import Static

from kiosk.domain.languages import TextSetting
from kiosk.domain.statuses import RequestStatus
from kiosk.domain.text import display_line
from kiosk.services.i18n import translations

BADGE_COLOURS: dict[RequestStatus, tuple[str, str]] = {
    RequestStatus.UNDER_REVIEW: ("$text", "$primary"),
    RequestStatus.RETURNED: ("black", "$warning"),
    RequestStatus.RESUBMITTED: ("$text", "$accent"),
    RequestStatus.ACCEPTED: ("black", "$success"),
    RequestStatus.REJECTED: ("$text", "$error"),
    RequestStatus.CLOSED: ("$text", "$panel-lighten-2"),
}
"""Each status's text and background colour: the badge, and the list rows that draw one."""


def badge_style(status: RequestStatus) -> str:
    """The badge of *status* as a Content style, for a badge drawn inside a line of text."""
    text, background = BADGE_COLOURS[status]
    return f"bold {text} on {background}"


class StatusBadge(Static):
    """The status label on the colour of its status (class ``-<status code>``)."""

    DEFAULT_CSS = (
        "StatusBadge { width: auto; padding: 0 1; text-style: bold; "
        + " ".join(
            f"&.-{status.value} {{ color: {text}; background: {background}; }}"
            for status, (text, background) in BADGE_COLOURS.items()
        )
        + " }"
    )

    def __init__(self, status: RequestStatus, text: TextSetting, *, id: str | None = None) -> None:
        """Show *status* in the person's language, shaped for the terminal's bidi setting."""
        label = translations(text.language).status_label(status)
        label = display_line(label, text.bidi, rtl=text.rtl)
        super().__init__(label, markup=False, id=id, classes=f"-{status.value}")
        self.status = status

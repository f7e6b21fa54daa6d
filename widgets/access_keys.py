"""The resident's switches for high contrast and the large layout: a key each, and a touch.

One line, so that it fits on the line of the office name on every resident screen and costs
Welcome no row. Its parts never take the focus: the keyboard has F2 and F3 (the app's priority
bindings, whatever has the focus), a touch screen or a mouse has the click.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Static

from kiosk.domain.accessibility import AccessChoice

ACCESS_KEYS: Mapping[AccessChoice, str] = {
    AccessChoice.HIGH_CONTRAST: "f2",
    AccessChoice.LARGE: "f3",
}
"""The key that switches each choice, on every screen (the app binds them, this widget names
them)."""

ACCESS_LABELS: Mapping[AccessChoice, str] = {
    AccessChoice.HIGH_CONTRAST: "access.high_contrast",
    AccessChoice.LARGE: "access.large",
}
"""The catalogue key of each choice's label."""


class AccessSwitch(Static):
    """One choice: its key and its label; a click or a touch switches it."""

    def __init__(self, choice: AccessChoice, label: str) -> None:
        """The switch for *choice*, showing its key and *label* (ready for the terminal)."""
        key = ACCESS_KEYS[choice].upper()
        super().__init__(f"{key} {label}", markup=False, id=f"access-{choice}")
        self.choice = choice

    def on_click(self) -> None:
        """Ask for the switch (the app keeps what is chosen)."""
        self.post_message(AccessKeys.Toggled(self.choice))


class AccessKeys(Horizontal):
    """High contrast and large layout, each with its key, in one line."""

    DEFAULT_CSS: ClassVar[str] = """
    AccessKeys {
        width: auto;
        height: 1;
        AccessSwitch {
            width: auto;
            padding: 0 1;
            margin-left: 1;
            background: $panel;
            &:hover { background: $primary 40%; }
        }
    }
    """

    @dataclass
    class Toggled(Message):
        """The resident asks to switch *choice* the other way."""

        choice: AccessChoice
        """What to switch."""

    def __init__(self, labels: Mapping[AccessChoice, str], *, mirrored: bool = False) -> None:
        """The switches with *labels* (ready for the terminal), right to left if *mirrored*."""
        super().__init__(id="access")
        self.labels = labels
        self.mirrored = mirrored

    def compose(self) -> ComposeResult:
        """A switch for each choice, in reading order."""
        switches = [AccessSwitch(choice, self.labels[choice]) for choice in ACCESS_KEYS]
        yield from reversed(switches) if self.mirrored else switches

"""A large focusable choice for the kiosk's first screen: Enter, Space, a click or a touch."""

from dataclasses import dataclass
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Static


class ChoiceTile(Static, can_focus=True):
    """One choice on Welcome (a language, or help), chosen by key, click or touch.

    Welcome is the screen every kiosk start and every visit's end draws: Textual's Button would
    bring its whole style sheet (every variant and state) to it, which cost a quarter of the
    kiosk's start over a bare app. The label is shown as given, never read as markup.
    """

    DEFAULT_CSS = """
    ChoiceTile {
        width: auto;
        min-width: 12;
        height: 3;
        padding: 0 2;
        content-align: center middle;
        text-style: bold;
        border: tall $border-blurred;
        background: $surface;
        &:hover { background: $boost; }
        &:focus { border: tall $primary; background: $primary 25%; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,space", "choose", "Choose", show=False),
    ]

    @dataclass
    class Chosen(Message):
        """The person chose *tile*."""

        tile: "ChoiceTile"
        """The tile chosen (its id says which choice it is)."""

    def __init__(self, label: str, *, id: str) -> None:
        """A tile showing *label* (ready for the terminal: shaped and reordered), named *id*."""
        super().__init__(label, id=id, markup=False)

    def action_choose(self) -> None:
        """Tell the screen this choice was made."""
        self.post_message(self.Chosen(self))

    def on_click(self) -> None:
        """A click or a touch chooses the tile."""
        self.action_choose()

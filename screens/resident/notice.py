"""A modal notice the resident reads and closes: Close is focused, Enter or Escape closes it."""

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.screen import ModalScreen
from textual.widgets import Button


class NoticeScreen(ModalScreen[None]):
    """A notice over the current screen with one button, ``#close``, that returns to it."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", "Close", show=False)]

    def on_mount(self) -> None:
        """Focus Close, so Enter returns at once."""
        self.query_one("#close", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Close the notice."""
        event.stop()
        self.dismiss()

    def action_close(self) -> None:
        """Close the notice."""
        self.dismiss()

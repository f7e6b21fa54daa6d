"""An on-screen keypad for touch and mouse: digits, and letters for a password.

Its keys never take the focus, so typing on a real keyboard keeps going to the field that
has it; the keypad only posts :class:`Keypad.Pressed` for its parent to apply.
"""

from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Button

BACKSPACE = "backspace"
"""The key that deletes the character before the cursor."""

ENTER = "enter"
"""The key that confirms the field (the parent decides what that means)."""

_SHIFT = "shift"

_LABELS = {BACKSPACE: "⌫", ENTER: "↵", _SHIFT: "⇧"}


class KeypadKey(Button):
    """One key; it cannot take the focus away from the field being typed into."""

    can_focus = False

    def __init__(self, key: str, label: str) -> None:
        """A key that stands for *key* and shows *label*."""
        name = {"-": "minus", ".": "dot"}.get(key, key)
        super().__init__(label, compact=True, id=f"key-{name}")
        self.key = key
        # A button ignores clicks while it shows being pressed; a keypad must take "ll" at once.
        self.active_effect_duration = 0


class Keypad(Widget):
    """Digits (always), and on request a letter layout with a shift key for passwords."""

    DEFAULT_CSS = """
    Keypad {
        height: auto;
        width: auto;
        Horizontal { height: 1; width: auto; margin-bottom: 1; }
        KeypadKey {
            min-width: 3;
            width: 3;
            margin-right: 1;
            background: $panel-lighten-1;
            &:hover { background: $primary; }
        }
    }
    """

    DIGIT_ROWS: ClassVar[tuple[tuple[str, ...], ...]] = (
        ("1", "2", "3"),
        ("4", "5", "6"),
        ("7", "8", "9"),
        (BACKSPACE, "0", ENTER),
    )
    LETTER_ROWS: ClassVar[tuple[tuple[str, ...], ...]] = (
        ("1", "2", "3", "4", "5", "6", "7", "8", "9", "0"),
        ("q", "w", "e", "r", "t", "y", "u", "i", "o", "p"),
        ("a", "s", "d", "f", "g", "h", "j", "k", "l", "-"),
        (_SHIFT, "z", "x", "c", "v", "b", "n", "m", ".", BACKSPACE),
    )

    letters_allowed: reactive[bool] = reactive(False, recompose=True)
    """Whether the field being typed into takes letters (a password) or digits only."""

    shifted: reactive[bool] = reactive(False, recompose=True)
    """Whether letters come out in capitals."""

    @dataclass
    class Pressed(Message):
        """A key was pressed: one character, :data:`BACKSPACE` or :data:`ENTER`."""

        key: str
        """What the key stands for."""

    def compose(self) -> ComposeResult:
        """The rows of the current layout."""
        rows = self.LETTER_ROWS if self.letters_allowed else self.DIGIT_ROWS
        # Styles size the keys by layout (the large layout has less room for ten in a row).
        self.set_class(self.letters_allowed, "-letters")
        for row in rows:
            with Horizontal():
                for key in row:
                    label = _LABELS.get(key, key.upper() if self.shifted else key)
                    yield KeypadKey(key, label)
            if self.letters_allowed and row is rows[-1]:
                with Horizontal():
                    yield KeypadKey(ENTER, _LABELS[ENTER])

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Turn a key press into a Pressed message, or flip shift."""
        event.stop()
        if not isinstance(event.button, KeypadKey):
            return
        key = event.button.key
        if key == _SHIFT:
            self.shifted = not self.shifted
            return
        if self.shifted and len(key) == 1:
            key = key.upper()
        self.post_message(self.Pressed(key))

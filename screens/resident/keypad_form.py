"""A resident screen with fields filled from the keyboard or from the on-screen keypad."""

from textual import events, on
from textual.widget import Widget
from textual.widgets import Input

from screens.resident.base import ResidentScreen
from widgets import BACKSPACE, ENTER, BidiText, Keypad

DIGITS_ANY_SCRIPT = "[0-9\u0660-\u0669\u06f0-\u06f9\uff10-\uff19]*"
"""What a number field accepts as it is typed: digits in every script people use."""


class KeypadFormScreen(ResidentScreen):
    """Routes the keypad's keys to the field that last had the focus.

    A field with the class ``-letters`` (a password) switches the keypad to letters. Enter on
    the keypad or in the last field calls :meth:`submit`; in another field it moves on. The
    form's answers go to its ``#message`` through :meth:`say`.
    """

    _answer = ""
    _tries = 0

    def on_mount(self) -> None:
        """Put the keypad on the left of a mirrored screen, where the reading ends."""
        if self.ctx.mirrored:
            keypad = self.query_one(Keypad)
            if isinstance(keypad.parent, Widget):
                keypad.parent.move_child(keypad, before=0)

    def submit(self) -> None:
        """Act on the filled form (each form says what that is)."""
        raise NotImplementedError

    def say(self, text: str, *, meanwhile: bool = False) -> None:
        """Show the answer *text* under the form; *meanwhile* for a note while a try is under
        way ("Searching…"), which does not count as an answer.

        The same answer again says which try it is: otherwise a second failure looks as if
        the key did nothing.
        """
        shown = text
        if not meanwhile:
            self._tries = self._tries + 1 if text and text == self._answer else 1
            self._answer = text
            if self._tries > 1:
                shown = self.t("common.repeated", message=text, count=self._tries)
        self.query_one("#message", BidiText).text = shown
        if not meanwhile:
            self.announce(shown, error=True)  # a form answers only when something is wrong

    _field: Input | None = None

    def _target(self) -> Input:
        # The field that last had the focus: a click on the keypad must not lose it.
        if self._field is not None and self._field.is_attached:
            return self._field
        return self.query(Input).first()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """Remember the field being filled, and give the keypad the layout it needs."""
        if isinstance(event.widget, Input):
            self._field = event.widget
            self.query_one(Keypad).letters_allowed = event.widget.has_class("-letters")

    @on(Keypad.Pressed)
    def _keypad_pressed(self, event: Keypad.Pressed) -> None:
        field = self._target()
        if event.key == BACKSPACE:
            field.action_delete_left()
        elif event.key == ENTER:
            self._advance(field)
        else:
            field.insert_text_at_cursor(event.key)
            if not field.has_focus:
                field.focus()

    @on(Input.Submitted)
    def _field_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._advance(event.input)

    def _advance(self, field: Input) -> None:
        fields = list(self.query(Input))
        later = fields[fields.index(field) + 1 :] if field in fields else []
        if later and not later[0].value:
            later[0].focus()
        else:
            self.submit()

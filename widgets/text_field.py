"""A text field that handles every key in the order it was typed, Tab and Backspace included."""

from textual import events
from textual.widgets import Input

from widgets.typed_ahead import hand_back_if_focus_left, own_binding


class TextField(Input):
    """Textual's Input, with its own keys and Tab handled where the keys around them wait.

    Textual hands each key to the field focused when the app reads it. Characters are typed at
    once; a key the field is bound to (Backspace, Delete, the arrows, Home, End, Enter) is only
    acted on once it has bubbled up to the app, after the characters queued behind it: ``123``
    Backspace ``4`` arriving together gave ``123``. Tab is resolved only once the field has
    handled every key handed to it before, so ID, Tab and password arriving together would all
    go into the ID. Keys arrive together from a fast typist, an ID card reader, a paste, a kiosk
    busy for a moment or an SSH connection that lags. Here the field acts on its own bindings
    as each key reaches it, moves the focus when it reaches a Tab, and hands the keys it still
    holds after that back to the app, which gives them to the field now focused. Keys for
    other widgets keep Textual's order.
    """

    def key_tab(self, event: events.Key) -> None:
        """Move the focus on, in turn with the keys typed before."""
        event.stop()
        self.screen.focus_next()

    def key_shift_tab(self, event: events.Key) -> None:
        """Move the focus back, in turn with the keys typed before."""
        event.stop()
        self.screen.focus_previous()

    async def on_key(self, event: events.Key) -> None:
        """Act on *event* in turn: hand it back if the focus has moved on, run the field's own
        binding for it now, or leave it to Input (characters) and Textual (Tab).

        Public ``on_key`` runs before Input's own ``_on_key`` (see widgets.typed_ahead), which
        ``prevent_default()`` keeps from typing a key that was handed back.
        """
        if hand_back_if_focus_left(self, event):
            return
        # The field's own bindings, now rather than from the app, the same binding that would
        # win there. The key stops here (it must not run again from the app); Input still sees
        # it, to show the cursor steadily while typing.
        binding = own_binding(self, event.key)
        if binding is not None and await self.app.run_action(binding.action, self):
            event.stop()

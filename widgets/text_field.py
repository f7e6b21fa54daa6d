"""A text field that keeps keys typed ahead in order with Tab."""

from textual import events
from textual.widgets import Input

from widgets.typed_ahead import FollowsFocus


class TextField(FollowsFocus, Input):
    """Textual's Input, with Tab handled where the keys typed before and after it wait.

    Textual hands each key to the field focused when the app reads it, and resolves Tab only once
    that field has handled every key handed to it before. Keys that arrive together (a kiosk busy
    for a moment, a fast typist, an ID card reader, an SSH connection that lags) would all go into
    this field: ID, Tab and password, all into the ID. Here the field moves the focus when it
    reaches the Tab, and hands the keys it still holds after that back to the app, which gives
    them to the field now focused. Keys for other widgets keep Textual's order.
    """

    def key_tab(self, event: events.Key) -> None:
        """Move the focus on, in turn with the keys typed before."""
        event.stop()
        self.screen.focus_next()

    def key_shift_tab(self, event: events.Key) -> None:
        """Move the focus back, in turn with the keys typed before."""
        event.stop()
        self.screen.focus_previous()

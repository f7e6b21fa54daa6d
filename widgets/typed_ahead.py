"""Keys typed ahead follow the focus: the one rule TextField and ChoiceList share.

What this relies on in Textual (tests/unit/test_textual_behaviour.py fails if an upgrade
changes it):
- a key is dispatched to a widget's handlers along its class's MRO, a subclass's public
  ``on_key`` before its base classes' own ``_on_key``, and ``prevent_default()`` stops it there;
- ``Screen.active_bindings`` maps a key to the binding of the focused widget first (a priority
  binding higher up replaces it), with the node that defines it.
"""

from typing import TYPE_CHECKING

from textual import events
from textual.binding import Binding

if TYPE_CHECKING:
    from textual.widget import Widget

    _Mixin = Widget
else:
    # A plain class at run time: a second Widget base would reset the widget's CSS and
    # component classes, which Textual gathers along the class's bases.
    _Mixin = object


def hand_back_if_focus_left(widget: "Widget", event: events.Key) -> bool:
    """Hand *event* back to the app if the focus has left *widget* since the key was handed to it
    (it then goes to the widget now focused); whether it was handed back."""
    # ``has_focus`` is only updated once the Blur event reaches the widget: ask the screen.
    focused = widget.screen.focused
    if focused is None or focused is widget:
        return False
    event.stop()
    event.prevent_default()
    widget.app.post_message(events.Key(event.key, event.character))
    return True


def own_binding(widget: "Widget", key: str) -> Binding | None:
    """The binding *widget* itself has for *key*, as the app would resolve it now: none when a
    priority binding higher up takes the key (the app has run those before handing it here)."""
    active = widget.screen.active_bindings.get(key)
    if active is None or active.node is not widget or active.binding.priority:
        return None
    return active.binding


class FollowsFocus(_Mixin):
    """A focusable widget that hands keys back to the app once the focus has left it.

    Textual hands each key to the widget focused when the app reads it. Keys that arrive
    together (a fast typist, a card reader, a lagging SSH connection) are all handed to one
    widget before it has handled the first; the keys after the one that moved the focus belong
    to the widget now focused. Mixed in first, so it runs before the widget's own key handling.
    """

    async def on_key(self, event: events.Key) -> None:
        """Hand *event* back to the app if the focus has moved on since it was handed here."""
        hand_back_if_focus_left(self, event)

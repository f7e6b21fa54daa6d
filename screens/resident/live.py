"""Screens that show stored data and follow it as it changes (DataChanged, kiosk.app.live).

The app calls show_latest() on each such screen of its stack when anyone wrote the data: the
screen reads what it shows again, in a worker, and redraws only what changed, leaving the
person's focus and scroll where they were.
"""

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from textual.geometry import Offset
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import OptionList
from textual.widgets.option_list import Option


@runtime_checkable
class LiveScreen(Protocol):
    """A screen that can show the latest version of what it shows."""

    def show_latest(self) -> None:
        """Read the data again (off the event loop) and show what changed."""


# A widget of a screen, found again after the screen is composed anew: its class and its place
# among the screen's widgets of that class (the same compose yields them in the same order).
_WidgetKey = tuple[type[Widget], int]


def _of_class(screen: Screen[None], kind: type[Widget]) -> list[Widget]:
    return [widget for widget in screen.query(kind) if type(widget) is kind]


def _key(screen: Screen[None], widget: Widget) -> _WidgetKey:
    return type(widget), _of_class(screen, type(widget)).index(widget)


def _find(screen: Screen[None], key: _WidgetKey) -> Widget | None:
    kind, index = key
    same = _of_class(screen, kind)
    return same[index] if index < len(same) else None


@dataclass(frozen=True)
class ScreenPlace:
    """Where the person is on a screen: the focused widget and every scrolled one."""

    focused: _WidgetKey | None
    scrolled: tuple[tuple[_WidgetKey, Offset], ...]

    @classmethod
    def of(cls, screen: Screen[None]) -> "ScreenPlace":
        """The place on *screen* now."""
        # The focus may still name a widget a redraw just removed: then there is none to keep.
        widget = screen.focused
        kept = widget is not None and widget in _of_class(screen, type(widget))
        focused = _key(screen, widget) if kept and widget is not None else None
        scrolled = tuple(
            (_key(screen, widget), widget.scroll_offset)
            for widget in screen.query(Widget)
            if widget.is_scrollable and widget.scroll_offset != Offset(0, 0)
        )
        return cls(focused, scrolled)

    def restore(self, screen: Screen[None]) -> None:
        """Focus and scroll *screen*'s new widgets as the old ones were."""
        target = _find(screen, self.focused) if self.focused is not None else None
        if target is not None and target.focusable:
            screen.set_focus(target, scroll_visible=False)
        for key, offset in self.scrolled:
            widget = _find(screen, key)
            if widget is not None:
                # Set before the new content is laid out: scroll_to would clamp it to nothing.
                widget.set_reactive(Widget.scroll_x, float(offset.x))
                widget.set_reactive(Widget.scroll_y, float(offset.y))


async def recompose_in_place(screen: Screen[None]) -> None:
    """Compose *screen* anew from its current state, the focus and scroll left as they were.

    The focus is taken off first: Textual would otherwise hand it to a neighbour of the removed
    widget (Finish, say) while the new widgets mount, and an Enter typed then would press it.
    """
    place = ScreenPlace.of(screen)
    screen.set_focus(None)
    await screen.recompose()
    place.restore(screen)


def update_options(listing: OptionList, options: list[Option]) -> None:
    """Show *options* in *listing*, its highlight and scroll left where they were.

    When the ids are the ones shown (a status changed), each row is redrawn in place; otherwise
    (a request added) the rows are set anew and the same option is highlighted again.
    """
    if [option.id for option in options] == [option.id for option in listing.options]:
        for option, shown in zip(options, listing.options, strict=True):
            assert option.id is not None
            listing.replace_option_prompt(option.id, option.prompt)
            # Only on a real change: Textual moves the highlight off any option it sets.
            if option.disabled and not shown.disabled:
                listing.disable_option(option.id)
            elif shown.disabled and not option.disabled:
                listing.enable_option(option.id)
        return
    highlighted = listing.highlighted_option
    listing.set_options(options)
    for index, option in enumerate(options):
        if highlighted is not None and option.id == highlighted.id and not option.disabled:
            listing.highlighted = index

"""What the kiosk's widgets rely on in Textual, checked directly: an upgrade that changes one of
these fails here, by name, before the burst and mirroring tests fail for a reason hard to see.

- TextField, ChoiceList (widgets.typed_ahead): a subclass's public ``on_key`` runs before its
  base's own ``_on_key``, ``prevent_default()`` stops the key there, and
  ``Screen.active_bindings`` names the focused widget's own binding for a key.
- ResidentScreen (screens.resident.base): Tab and Shift+Tab follow the screen's ``focus_chain``
  property, so a screen that reorders it reorders Tab; Textual's own chain runs by place (top,
  then left), not by the order widgets were composed in, which the mirrored chain mirrors.
"""

from typing import ClassVar

from textual import events
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button, Input


class Holding(Input):
    """An Input whose public key handler keeps every ``x`` from Input's own handler."""

    def on_key(self, event: events.Key) -> None:
        """Stop Input typing an x."""
        if event.character == "x":
            event.prevent_default()


class Bound(Input):
    """An Input with a binding of its own and one for a key its screen takes first."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("f6", "mine"), Binding("f7", "mine")]


class BoundScreen(Screen[None]):
    """A screen that takes F7 before any widget on it."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("f7", "screens", priority=True)]

    def compose(self) -> ComposeResult:
        """One bound field."""
        yield Bound(id="bound")


class Reversed(Screen[None]):
    """Three buttons whose focus chain runs right to left."""

    def compose(self) -> ComposeResult:
        """The buttons, left to right."""
        yield Button("a", id="a")
        yield Button("b", id="b")
        yield Button("c", id="c")

    @property
    def focus_chain(self) -> list[Widget]:
        """Textual's chain, reversed."""
        return list(reversed(super().focus_chain))


class Placed(Screen[None]):
    """Two buttons composed bottom first: the first is docked at the bottom of the screen."""

    DEFAULT_CSS = "#low { dock: bottom; }"

    def compose(self) -> ComposeResult:
        """The low button, then the high one."""
        yield Button("low", id="low")
        yield Button("high", id="high")


class Showing(App[None]):
    """An app that shows one screen."""

    def __init__(self, screen: Screen[None]) -> None:
        """An app that shows *screen* once it runs."""
        super().__init__()
        self.shown = screen

    def on_mount(self) -> None:
        """Show the screen."""
        self.push_screen(self.shown)


async def test_a_public_on_key_runs_first_and_prevent_default_stops_the_base() -> None:
    class Typing(App[None]):
        def compose(self) -> ComposeResult:
            yield Holding()

    app = Typing()
    async with app.run_test() as pilot:
        await pilot.press(*"axb")
        assert app.query_one(Holding).value == "ab"


async def test_active_bindings_name_the_focused_widgets_own_binding() -> None:
    app = Showing(BoundScreen())
    async with app.run_test() as pilot:
        await pilot.pause()
        field = app.screen.query_one("#bound", Bound)
        field.focus()
        await pilot.pause()
        active = app.screen.active_bindings
        assert active["f6"].node is field and active["f6"].binding.action == "mine"
        assert active["f7"].node is app.screen and active["f7"].binding.priority


async def test_tab_follows_the_screens_focus_chain() -> None:
    app = Showing(Reversed())
    async with app.run_test() as pilot:
        await pilot.pause()
        app.screen.query_one("#c", Button).focus()
        await pilot.press("tab")
        assert app.focused is not None and app.focused.id == "b"
        await pilot.press("shift+tab")
        assert app.focused is not None and app.focused.id == "c"


async def test_textuals_focus_chain_runs_by_place_not_by_composition() -> None:
    app = Showing(Placed())
    async with app.run_test() as pilot:
        await pilot.pause()
        assert [widget.id for widget in app.screen.focus_chain] == ["high", "low"]

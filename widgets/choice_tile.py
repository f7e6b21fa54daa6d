"""A large focusable choice for the kiosk's first screen: Enter, Space, a click or a touch."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import ClassVar, Literal

from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Static

Direction = Literal["left", "right", "up", "down"]
"""Where an arrow key points."""


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


def tile_towards(
    origin: ChoiceTile, tiles: Iterable[ChoiceTile], direction: Direction
) -> ChoiceTile | None:
    """The tile nearest to *origin* in *direction*, as the screen shows them, or None at the edge.

    Left and Right stay in *origin*'s row. Up and Down go to the nearest row, to a tile straight
    above or below if there is one (the first such of *tiles*), else to the closest across.
    Going by what is drawn, a mirrored row is walked as a person sees it.
    """
    here = origin.region
    best: tuple[tuple[int, int], ChoiceTile] | None = None
    for tile in tiles:
        there = tile.region
        if tile is origin or not there:
            continue
        if direction in ("left", "right"):
            if not _overlap(here.y, here.bottom, there.y, there.bottom):
                continue
            along, across = _gap(here.x, here.right, there.x, there.right), 0
        else:
            along = _gap(here.y, here.bottom, there.y, there.bottom)
            across = abs(_gap(here.x, here.right, there.x, there.right))
        if direction in ("left", "up"):
            along = -along
        if along <= 0:
            continue
        if best is None or (along, across) < best[0]:
            best = ((along, across), tile)
    return None if best is None else best[1]


def _overlap(start: int, end: int, other_start: int, other_end: int) -> bool:
    return start < other_end and other_start < end


def _gap(start: int, end: int, other_start: int, other_end: int) -> int:
    # How far the other span lies after this one (negative: before it; 0: they overlap).
    if other_start >= end:
        return other_start - end + 1
    if other_end <= start:
        return other_end - start - 1
    return 0

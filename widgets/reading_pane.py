"""A screen's text that may be longer than the terminal: read with ↑/↓ and PgUp/PgDn, no Tab.

The pane never takes the focus (a resident would Tab to a stop they cannot see); the screen
binds :data:`READING_KEYS` and hands them to :meth:`ReadingPane.read`. While there is more text
than fits, the pane's bottom edge says which keys show it.
"""

from typing import Literal

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.widget import Widget

ReadingKey = Literal["up", "down", "pageup", "pagedown"]
"""A key that moves the text of a reading pane."""

READING_KEYS: list[BindingType] = [
    Binding(key, f"read('{key}')", key, show=False) for key in ("up", "down", "pageup", "pagedown")
]
"""The screen's bindings for its reading pane; a focused widget that uses a key keeps it."""


class ReadingPane(VerticalScroll, can_focus=False):
    """Scrolling text that says, in its bottom edge, how to read the rest."""

    DEFAULT_CSS = """
    ReadingPane {
        border-bottom: none;
        border-subtitle-color: $text;
        border-subtitle-style: bold;
        & > .reading-text { height: auto; }
        &.-more { border-bottom: solid $primary; }
        /* A gutter, so right-aligned Arabic never touches the scrollbar. */
        &.-more > .reading-text { padding-right: 1; }
    }
    """

    def __init__(self, *, hint: str, id: str | None = None, classes: str | None = None) -> None:
        """An empty pane; *hint* (ready for the terminal) names the keys that scroll it."""
        super().__init__(id=id, classes=classes)
        self.hint = hint
        # The pane's own padding lies outside its scrollbar, and a margin of each paragraph
        # would fight the screens' margins: the gutter is the padding of one inner column.
        self._text = Vertical(classes="reading-text")

    def compose_add_child(self, widget: Widget) -> None:
        """Put what a screen composes inside the pane into its column of text."""
        self._text.compose_add_child(widget)

    def compose(self) -> ComposeResult:
        """The column of text."""
        yield self._text

    def watch_show_vertical_scrollbar(self, more: bool) -> None:
        """Say how to read on while the text is longer than the pane (only then: no noise)."""
        # The edge only appears once the text already overflows, so it never makes it overflow.
        self.set_class(more, "-more")
        self.border_subtitle = self.hint if more else ""

    def read(self, key: ReadingKey) -> None:
        """Move the text as *key* says: a line for ↑/↓, a page for PgUp/PgDn."""
        # At once: keys that come in a burst each move the text from where the last one left it.
        {
            "up": self.scroll_up,
            "down": self.scroll_down,
            "pageup": self.scroll_page_up,
            "pagedown": self.scroll_page_down,
        }[key](animate=False)

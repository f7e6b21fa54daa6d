"""Read-only text that goes through the one text layer (DESIGN §6) at the width it is given."""

from rich.cells import cell_len
from textual.content import Content
from textual.geometry import Size
from textual.reactive import reactive
from textual.visual import VisualType
from textual.widgets import Static

from kiosk.domain.languages import BidiMode
from kiosk.domain.text import display_lines, mirrors_layout


class BidiText(Static):
    """A paragraph wrapped in logical order, then shaped and reordered line by line.

    Right-to-left text is right-aligned when the program reorders it (``bidi = "app"``); a bidi
    terminal lays the line out itself, so then it is left as it is. It is a Static, so a screen
    that showed one line of text in a Static shows it wrapped properly with the same calls.
    """

    DEFAULT_CSS = """
    BidiText {
        height: auto;
        width: 1fr;
        &.-right { text-align: right; }
    }
    """

    text: reactive[str] = reactive("", layout=True)
    """The text in logical order, as stored and as translated."""

    rtl: reactive[bool] = reactive(False, layout=True)
    """Whether the text's base direction is right to left."""

    def __init__(
        self,
        text: str,
        *,
        bidi: BidiMode,
        rtl: bool,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        """Show *text*; *rtl* is the base direction, *bidi* the terminal setting."""
        super().__init__(id=id, classes=classes, markup=False)
        self.bidi = bidi
        self.set_reactive(BidiText.text, text)
        self.set_reactive(BidiText.rtl, rtl)
        self.set_class(mirrors_layout(bidi, rtl), "-right")
        # The last lines made, and for what: Textual measures the height, then renders, at one
        # width; shaping and reordering them twice was a fifth of drawing Welcome.
        self._made: tuple[tuple[str, int, bool], list[str]] | None = None

    def update(self, content: VisualType = "", *, layout: bool = True) -> None:
        """Show *content* (text in logical order) instead."""
        self.text = str(content)

    def watch_rtl(self, rtl: bool) -> None:
        """Right-align a right-to-left text when the program reorders it."""
        self.set_class(mirrors_layout(self.bidi, rtl), "-right")

    def _lines(self, width: int) -> list[str]:
        wanted = (self.text, width, self.rtl)
        if self._made is None or self._made[0] != wanted:
            self._made = (wanted, display_lines(self.text, width, self.bidi, self.rtl))
        return self._made[1]

    def render(self) -> Content:
        """The display lines at the current width, as plain text (never markup)."""
        return Content("\n".join(self._lines(self.content_size.width)))

    def get_content_width(self, container: Size, viewport: Size) -> int:
        """The widest display line at the container's width (what ``width: auto`` takes)."""
        return max((cell_len(line) for line in self._lines(container.width)), default=0)

    def get_content_height(self, container: object, viewport: object, width: int) -> int:
        """As many rows as the wrapped text needs at *width*."""
        return len(self._lines(width))

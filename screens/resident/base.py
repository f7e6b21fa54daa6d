"""What every resident screen has: a header, the person's language, Help, Back and Finish."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button
from textual.widgets.button import ButtonVariant

from kiosk.domain.text import display_line
from screens.resident.context import KioskContext
from screens.resident.help import HelpScreen
from widgets import READING_KEYS, BidiText, ReadingPane
from widgets.access_keys import ACCESS_LABELS, AccessKeys
from widgets.reading_pane import ReadingKey


class ResidentScreen(Screen[None]):
    """A screen of a resident's visit; its texts come from the person's catalogue."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1", "help", "Help", show=False),
        Binding("escape", "back", "Back", show=False),
        *READING_KEYS,
    ]

    has_back: ClassVar[bool] = True
    """Whether the screen offers "back" (the first screen of a visit does not)."""

    guidance_keys: tuple[str, ...] = ()
    """The messages on this screen that say what to do: spoken after its title."""

    class Finished(Message):
        """The person ends the visit; the app wipes every screen and returns to Welcome."""

    @dataclass
    class Announced(Message):
        """The screen answered the person (an error, a printed receipt): spoken guidance reads
        *text* aloud, after an error's tone when *error*."""

        text: str
        """The sentence shown."""
        error: bool
        """Whether it says something went wrong."""

    def __init__(self, ctx: KioskContext) -> None:
        """A screen of the visit *ctx*."""
        super().__init__()
        self.ctx = ctx
        self._title = ""

    def spoken(self) -> list[str]:
        """What spoken guidance reads when the screen comes up: its title, then what to do.

        The sentences are the ones the screen shows, from the same catalogue keys."""
        return [self._title, *(self.t(key) for key in self.guidance_keys)]

    def announce(self, text: str, *, error: bool = False) -> None:
        """Tell spoken guidance that the screen now shows the answer *text*."""
        if text:
            self.post_message(self.Announced(text, error))

    def t(self, key: str, **values: object) -> str:
        """The message *key* in the person's language."""
        return self.ctx.tr(key, **values)

    def paragraph(
        self, text: str, *, id: str | None = None, classes: str | None = None
    ) -> BidiText:
        """Read-only text through the text layer, in the person's direction."""
        return BidiText(text, bidi=self.ctx.bidi, rtl=self.ctx.rtl, id=id, classes=classes)

    def shaped(self, text: str) -> str:
        """One short line (a button label, a list row) ready for the terminal."""
        return display_line(text, self.ctx.bidi, self.ctx.rtl)

    def button(self, key: str, id: str, variant: ButtonVariant = "default") -> Button:
        """A button labelled with the message *key*."""
        return Button(self.shaped(self.t(key)), variant=variant, id=id)

    def in_reading_order(self, widgets: Iterable[Button]) -> list[Button]:
        """*widgets* left to right for English, right to left for mirrored Arabic."""
        ordered = list(widgets)
        return ordered[::-1] if self.ctx.mirrored else ordered

    def compose_header(self, title_key: str, **values: object) -> ComposeResult:
        """The office name with the high contrast and large switches beside it, then the title."""
        office = self.ctx.services.config.office_name(self.ctx.language)
        self._title = self.t(title_key, **values)
        labels = {choice: self.shaped(self.t(key)) for choice, key in ACCESS_LABELS.items()}
        access = AccessKeys(labels, mirrored=self.ctx.mirrored)
        row = [self.paragraph(office, classes="office"), access]
        with Horizontal(classes="header"):
            yield from reversed(row) if self.ctx.mirrored else row
        yield self.paragraph(self._title, classes="title")

    def reading_pane(self, *, classes: str = "body") -> ReadingPane:
        """The screen's text, read with ↑/↓ and PgUp/PgDn when it is longer than the terminal."""
        return ReadingPane(hint=self.shaped(self.t("common.more_keys")), classes=classes)

    def compose_actions(self, *first: Button) -> ComposeResult:
        """The bottom row: this screen's own buttons, then Back, Help and Finish."""
        buttons = list(first)
        if self.has_back:
            buttons.append(self.button("common.back", "back"))
        buttons += [self.button("common.help", "help"), self.button("common.finish", "finish")]
        if self.ctx.services.config.speech.enabled:
            # The keys the kiosk app answers (kiosk.app.kiosk.QUIETER_KEY, LOUDER_KEY).
            yield self.paragraph(self.t("speech.volume_keys"), classes="hint speech-keys")
        with Horizontal(classes="actions"):
            yield from self.in_reading_order(buttons)

    @property
    def focus_chain(self) -> list[Widget]:
        """Textual's focus order, in which each row runs left to right; on a mirrored screen each
        row runs right to left instead, as Arabic reads (Tab from a field to the next field on
        its left, along the buttons from the screen's own action to Finish).

        Textual has no right-to-left layout, and a mirrored row is composed in reverse so that
        it reads from the right: its widgets' order is the reverse of Arabic reading order.
        This overrides the public ``focus_chain`` property, which Tab and Shift+Tab follow, and
        mirrors Textual's own order, which runs by place (top, then left) rather than by
        composition; tests/unit/test_textual_behaviour.py checks that Textual still does both.
        It reads only public geometry (``virtual_region``, ``styles.margin``)."""
        chain = super().focus_chain
        return sorted(chain, key=self._mirrored_place) if self.ctx.mirrored else chain

    def _mirrored_place(self, widget: Widget) -> list[tuple[int, int]]:
        # Textual orders the children of each container by (top, left); the same walk from this
        # screen down to *widget*, by (top, right edge from the right), mirrors every row.
        path: list[Widget] = []
        for node in widget.ancestors_with_self:
            if node is self or not isinstance(node, Widget):
                break
            path.append(node)
        place = []
        for node in reversed(path):
            x, y, width, _ = node.virtual_region
            top, right, _, _ = node.styles.margin
            place.append((y - top, -(x + width + right)))
        return place

    def on_mount(self) -> None:
        """Mark a mirrored screen, so styles can right-align it.

        Textual runs this after each screen's own on_mount: screens never call it with super().
        """
        self.set_class(self.ctx.mirrored, "-rtl")

    def action_help(self) -> None:
        """Show the help and FAQ."""
        if not isinstance(self.app.screen, HelpScreen):
            self.app.push_screen(HelpScreen(self.ctx.tr, self.ctx.bidi))

    def action_read(self, key: ReadingKey) -> None:
        """Scroll the screen's reading pane, whichever widget has the focus."""
        for pane in self.query(ReadingPane):
            pane.read(key)

    def action_back(self) -> None:
        """Go back one screen, where there is one."""
        if self.has_back and self.is_current:
            self.dismiss()

    @on(Button.Pressed, "#help")
    def _help_pressed(self) -> None:
        self.action_help()

    @on(Button.Pressed, "#back")
    def _back_pressed(self) -> None:
        self.action_back()

    @on(Button.Pressed, "#finish")
    def _finish_pressed(self) -> None:
        self.post_message(self.Finished())

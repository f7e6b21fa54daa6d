"""Welcome: what the kiosk shows when nobody uses it, and where every visit starts."""

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.worker import get_current_worker

from kiosk.domain.languages import ON_SCREEN, BidiMode, Language
from kiosk.domain.text import display_line, has_rtl
from kiosk.domain.typed_text import BANNER_LIMIT, drawn_text
from kiosk.services import Services
from kiosk.services.i18n import language_name, translations
from widgets.access_keys import ACCESS_LABELS, AccessKeys
from widgets.bidi_text import BidiText
from widgets.choice_tile import ChoiceTile, Direction, tile_towards

WELCOME_CSS = Path(__file__).with_name("welcome.tcss")
"""Welcome's style sheet (the kiosk app reads it with its own, see KioskApp.CSS_PATH)."""


START_KEYS: dict[Language, str] = {
    Language.ARABIC: "a",
    Language.ENGLISH: "e",
    Language.URDU: "u",
    Language.FILIPINO: "f",
    Language.INDONESIAN: "i",
}
"""The key that starts a visit in each language Welcome offers (shown on its tile): one for
every language the terminal draws (ON_SCREEN), none for the others."""
assert tuple(START_KEYS) == ON_SCREEN, "every language shown gets a key, in Welcome's order"


def start_label(language: Language, bidi: BidiMode) -> str:
    """A language tile's two lines: the language's name in its own script, then its key."""
    name = language_name(language)
    return f"{display_line(name, bidi, language.rtl)}\n[{START_KEYS[language]}]"


class WelcomeScreen(Screen[None]):
    """The office name in both languages, the staff banner, and the choice of language: one
    tile for each language the terminal draws, named in its own script."""

    CSS_PATH = WELCOME_CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        *(
            Binding(key, f"start('{language}')", language, show=False)
            for language, key in START_KEYS.items()
        ),
        Binding("f1", "help", "Help", show=False),
        *(
            Binding(key, f"move('{key}')", key, show=False)
            for key in ("left", "right", "up", "down")
        ),
    ]

    @dataclass
    class Start(Message):
        """A person starts a visit in *language*."""

        language: Language
        """The language the person chose."""

    def __init__(self, services: Services, help_language: Language) -> None:
        """Welcome over *services*; Help opens in *help_language* until someone chooses."""
        super().__init__(id="welcome")
        self.services = services
        self.help_language = help_language

    def compose(self) -> ComposeResult:
        """Both office names, the banner, a start tile per language and Help."""
        config = self.services.config
        bidi = config.bidi
        ar, en = translations(Language.ARABIC), translations(Language.ENGLISH)
        with Vertical(id="welcome-box"):
            for tr in (ar, en):
                name = config.office_name(tr.language)
                yield BidiText(name, bidi=bidi, rtl=tr.rtl, classes="office")
            yield BidiText(
                f"{ar('welcome.title')} · {en('welcome.title')}",
                bidi=bidi,
                rtl=False,
                classes="title",
            )
            yield BidiText("", bidi=bidi, rtl=False, id="banner")
            with Horizontal(id="languages"):
                for language in ON_SCREEN:
                    yield ChoiceTile(start_label(language, bidi), id=f"start-{language}")
            # What to bring, by what the office offers: a phone with Nafath, or the password.
            prompt = "welcome.prompt_nafath" if "nafath" in config.sign_in else "welcome.prompt"
            for tr in (ar, en):
                yield BidiText(tr(prompt), bidi=bidi, rtl=tr.rtl, classes="prompt")
            with Center():
                yield ChoiceTile(
                    f"{display_line(ar('common.help'), bidi, ar.rtl)} · {en('common.help')}",
                    id="help",
                )
            both = {
                c: f"{display_line(ar(k), bidi, ar.rtl)} · {en(k)}"
                for c, k in ACCESS_LABELS.items()
            }
            with Center():  # high contrast and the large layout, named in both languages
                yield AccessKeys(both)

    def on_mount(self) -> None:
        """Read the staff banner now; the app asks again whenever the data changes."""
        self.load_banner()

    def show_latest(self) -> None:
        """Read the banner again: staff may have changed it (screens.resident.live.LiveScreen)."""
        self.load_banner()

    @property
    def own_start(self) -> str:
        """The id of the tile that starts in the kiosk's own language."""
        return f"start-{self.help_language}"

    def on_screen_resume(self) -> None:
        """Focus the kiosk's own language, for each new person."""
        self.query_one(f"#{self.own_start}", ChoiceTile).focus()

    @work(thread=True, exclusive=True, group="banner")
    def load_banner(self) -> None:
        """Read the banner staff set (a data file read, off the event loop); a newer read
        cancels this one (the worker is exclusive), so an older banner never shows over it."""
        text = self.services.banner()
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show_banner, text)

    def _show_banner(self, stored: str) -> None:
        text = drawn_text(stored, BANNER_LIMIT)
        banner = self.query_one("#banner", BidiText)
        if banner.text == text:
            return  # unchanged: no new layout (most polls, and the first one without a banner)
        banner.rtl = has_rtl(text)
        banner.text = text
        banner.display = bool(text.strip())

    def on_choice_tile_chosen(self, event: ChoiceTile.Chosen) -> None:
        """Start in the chosen language, or show the help."""
        event.stop()
        if event.tile.id == "help":
            self.action_help()
        elif event.tile.id and event.tile.id.startswith("start-"):
            self.action_start(event.tile.id.removeprefix("start-"))

    def action_move(self, direction: Direction) -> None:
        """Move the focus to the choice the arrow points at, as drawn (so mirrored as drawn)."""
        focused = self.focused
        if not isinstance(focused, ChoiceTile):
            return
        # Up from Help, below the row of languages, goes back to the kiosk's own language
        # (not to whichever tile happens to be drawn straight above it).
        if focused.id == "help" and direction == "up":
            self.query_one(f"#{self.own_start}", ChoiceTile).focus()
            return
        tiles = list(self.query(ChoiceTile))
        if target := tile_towards(focused, tiles, direction):
            target.focus()

    def action_start(self, language: str) -> None:
        """Start a visit in the language whose code is *language* (a key binding's text):
        only one the terminal draws (a code of another is ignored, never shown)."""
        if language in ON_SCREEN:
            self.post_message(self.Start(Language(language)))

    def action_help(self) -> None:
        """The help in the kiosk's own language."""
        from screens.resident.help import HelpScreen

        self.app.push_screen(
            HelpScreen(translations(self.help_language), self.services.config.bidi)
        )

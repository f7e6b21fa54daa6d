"""What the resident screens share during one visit, handed down from the app."""

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from kiosk.domain.languages import BidiMode, Language, TextSetting, on_screen_language
from kiosk.domain.models import Applicant
from kiosk.services import Services
from kiosk.services.i18n import Translations, translations
from kiosk.services.receipts_port import ReceiptPrinting


@dataclass
class KioskContext:
    """One visit: the services, the person's language and who signed in.

    The app makes a new one when someone starts and drops it when they finish or go idle.
    """

    services: Services
    language: Language
    receipts: ReceiptPrinting | None
    applicant: Applicant | None = None
    touched_ids: set[str] = field(default_factory=set)
    """Applicants whose receipts this visit may have queued (dropped when the visit ends)."""
    _at_end: list[Callable[[], None]] = field(default_factory=list)

    def __post_init__(self) -> None:
        """Refuse a language the terminal cannot draw (ValueError): every word of a visit is
        read through this context, so none of such a language reaches the screen as text."""
        self.language = on_screen_language(self.language)

    def sign_in(self, applicant: Applicant) -> None:
        """*applicant* proved who they are (password or Nafath): the visit is theirs now."""
        self.applicant = applicant
        self.touched_ids.add(applicant.id_number)

    def on_end(self, call: Callable[[], None]) -> None:
        """Have *call* run the moment the visit ends (Finish, idle), before its screens go."""
        self._at_end.append(call)

    def end(self) -> None:
        """The visit ends: run, once, what asked to run then."""
        calls, self._at_end = self._at_end, []
        for call in calls:
            call()

    @cached_property
    def tr(self) -> Translations:
        """The person's messages."""
        return translations(self.language)

    @cached_property
    def text(self) -> TextSetting:
        """How the person's text is shown: their language and the terminal's bidi setting."""
        return TextSetting(self.language, self.services.config.bidi)

    @property
    def bidi(self) -> BidiMode:
        """The terminal's bidi setting."""
        return self.text.bidi

    @property
    def rtl(self) -> bool:
        """Whether the person reads right to left."""
        return self.text.rtl

    @property
    def mirrored(self) -> bool:
        """Whether the program lays the screen out right to left."""
        return self.text.mirrored

"""What the resident screens share during one visit, handed down from the app."""

from dataclasses import dataclass, field
from functools import cached_property

from kiosk.domain.models import Applicant
from kiosk.domain.text import mirrors_layout
from kiosk.services import Services
from kiosk.services.i18n import Translations, translations
from kiosk.services.receipts_port import ReceiptPrinting


@dataclass
class KioskContext:
    """One visit: the services, the person's language and who signed in.

    The app makes a new one when someone starts and drops it when they finish or go idle.
    """

    services: Services
    language: str
    receipts: ReceiptPrinting | None
    applicant: Applicant | None = None
    touched_ids: set[str] = field(default_factory=set)
    """Applicants whose receipts this visit may have queued (dropped when the visit ends)."""

    def sign_in(self, applicant: Applicant) -> None:
        """*applicant* proved who they are (password or Nafath): the visit is theirs now."""
        self.applicant = applicant
        self.touched_ids.add(applicant.id_number)

    @cached_property
    def tr(self) -> Translations:
        """The person's messages."""
        return translations(self.language)

    @property
    def bidi(self) -> str:
        """The terminal's bidi setting."""
        return self.services.config.bidi

    @property
    def rtl(self) -> bool:
        """Whether the person reads right to left."""
        return self.language == "ar"

    @property
    def mirrored(self) -> bool:
        """Whether the program lays the screen out right to left."""
        return mirrors_layout(self.bidi, self.rtl)

"""What the resident screens share during one visit, handed down from the app."""

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from kiosk.domain.models import Applicant
from kiosk.domain.text import mirrors_layout
from kiosk.services import Services
from kiosk.services.i18n import Translations, translations
from kiosk.services.receipts_port import ReceiptPrinting


@dataclass
class LookupThrottle:
    """Slows quick lookups from this kiosk after failures, then sends people to the counter.

    Nobody may walk through request numbers: after *free_failures* failures within *window*
    seconds each attempt waits twice as long as the one before, and after *max_failures* the
    kiosk refuses quick lookups until the oldest failure leaves the window.
    """

    free_failures: int = 3
    max_failures: int = 6
    window: float = 900.0
    clock: Callable[[], float] = time.monotonic
    failures: list[float] = field(default_factory=list)

    def _recent(self) -> list[float]:
        now = self.clock()
        self.failures = [at for at in self.failures if now - at < self.window]
        return self.failures

    def record_failure(self) -> None:
        """Count one failed lookup."""
        self._recent().append(self.clock())

    @property
    def sends_to_counter(self) -> bool:
        """Whether quick lookups are refused for now."""
        return len(self._recent()) >= self.max_failures

    def wait_seconds(self) -> int:
        """Whole seconds to wait before the next attempt (0: go ahead)."""
        recent = self._recent()
        if len(recent) < self.free_failures:
            return 0
        delay = 2.0 ** (len(recent) - self.free_failures + 1)
        left = recent[-1] + delay - self.clock()
        return max(0, int(left + 0.999))


@dataclass
class KioskContext:
    """One visit: the services, the person's language and who signed in.

    The app makes a new one when someone starts and drops it when they finish or go idle.
    """

    services: Services
    language: str
    receipts: ReceiptPrinting | None
    throttle: LookupThrottle
    applicant: Applicant | None = None
    touched_ids: set[str] = field(default_factory=set)
    """Applicants whose receipts this visit may have queued (dropped when the visit ends)."""

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

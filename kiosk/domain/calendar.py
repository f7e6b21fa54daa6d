"""Saudi working days and the two calendars: Hijri (Umm al-Qura) beside Gregorian, Riyadh time.

The domain counts days; the words of a date (month names, "AH") are in the catalogues.
"""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from kiosk.domain.digits import normalise_digits
from kiosk.domain.languages import Language
from kiosk.errors import InvalidInput

if TYPE_CHECKING:
    import holidays

RIYADH = ZoneInfo("Asia/Riyadh")

# Python's weekday(): Monday is 0. Friday and Saturday are the Saudi weekend.
_WEEKEND = frozenset({4, 5})

# Left-to-right isolates keep a number or time in its order inside an Arabic line.
_LTR = "\u2066{}\u2069"


def riyadh_time(moment: datetime) -> datetime:
    """*moment* (stored in UTC) as Riyadh local time (UTC+3, no daylight saving)."""
    return moment.astimezone(RIYADH)


def riyadh_date(moment: datetime) -> date:
    """The Riyadh calendar day that *moment* falls on."""
    return riyadh_time(moment).date()


@dataclass(frozen=True)
class HijriDate:
    """An Umm al-Qura date."""

    year: int
    month: int
    day: int

    def isoformat(self) -> str:
        """``YYYY-MM-DD`` in the Hijri calendar."""
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"


def to_hijri(day: date) -> HijriDate:
    """The Umm al-Qura date of the Gregorian *day* (1343–1500 AH), or InvalidInput."""
    # Imported here: hijridate's tables cost the kiosk's first screen, which shows no date.
    from hijridate import Gregorian

    try:
        hijri = Gregorian(day.year, day.month, day.day).to_hijri()
    except (OverflowError, ValueError):
        raise InvalidInput(f"{day.isoformat()} is outside the Hijri calendar's range.") from None
    return HijriDate(hijri.year, hijri.month, hijri.day)


def format_time(moment: datetime, language: Language) -> str:
    """Riyadh wall-clock time ``14:05``, kept left-to-right inside right-to-left text.

    The names of months are words, so dated text is the catalogues' (``Translations.both_dates``).
    """
    text = riyadh_time(moment).strftime("%H:%M")
    return _LTR.format(text) if language.rtl else text


def riyadh_stamp(moment: datetime) -> str:
    """*moment* as a Riyadh date and time for staff and operators: ``2026-11-25 14:05``."""
    return riyadh_time(moment).strftime("%Y-%m-%d %H:%M")


def parse_date(text: str) -> date:
    """An ISO date ``YYYY-MM-DD`` (digits in any script), or InvalidInput."""
    cleaned = "-".join(normalise_digits(part) for part in re.split("[-/]", text.strip()))
    try:
        return date.fromisoformat(cleaned)
    except ValueError:
        raise InvalidInput(f"Not a date: {text!r}; write it as YYYY-MM-DD.") from None


MAX_WORKING_DAYS = 2600
"""The most working days a calendar adds in one go: about ten years, far past any answer date."""


HOLIDAY_NAMES_LANGUAGE = "en_US"
"""The holidays package's language of the holiday names (the staff and operators' English)."""


@dataclass(frozen=True)
class PublicHolidays:
    """The Saudi public holidays by day, with their English names ("Eid al-Fitr Holiday").

    *known* holds every holiday of the *years* it covers (the shipped table that ``python
    hatch_build.py saudi-holidays`` writes from the holidays package); any other year is asked of
    the holidays package itself, imported only then. An empty table asks the package everything.
    """

    known: Mapping[date, str] = field(default_factory=dict)
    years: range = range(0)

    def get(self, day: date) -> str | None:
        """The name of the holiday on *day*, or None on any other day."""
        if day.year in self.years:
            return self.known.get(day)
        name = self._package.get(day)
        return str(name) if name else None

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.get(day) is not None

    @cached_property
    def _package(self) -> "holidays.HolidayBase":
        # Imported here: it is slow to load, ~0.3-0.5 s for "SA" with holidays 0.109, whose
        # registry imports every country's module (issue 19: most of the staff console's start
        # to its first list); the shipped table answers for the years around now without it.
        import holidays

        # English names whatever the locale (the package reads LANG otherwise), as in the table.
        # Years are filled in lazily by the holidays package as dates are asked about.
        return holidays.country_holidays("SA", language=HOLIDAY_NAMES_LANGUAGE)


@dataclass(frozen=True)
class WorkingDayCalendar:
    """Sunday to Thursday, less the Saudi public holidays and the office's own closures."""

    closures: frozenset[date] = field(default_factory=frozenset)
    public_holidays: PublicHolidays = field(default_factory=PublicHolidays)

    @classmethod
    def with_closures(
        cls, closures: Iterable[date], public_holidays: PublicHolidays | None = None
    ) -> "WorkingDayCalendar":
        """A calendar that also skips the office closures listed in the configuration, and
        takes its public holidays from *public_holidays* (the holidays package when None)."""
        table = PublicHolidays() if public_holidays is None else public_holidays
        return cls(frozenset(closures), table)

    def is_working_day(self, day: date) -> bool:
        """Whether the office is open on *day*."""
        return (
            day.weekday() not in _WEEKEND
            and day not in self.closures
            and day not in self.public_holidays
        )

    def closure_reason(self, day: date) -> str:
        """Why the office is closed on *day* (weekend, a holiday's name, closure), or empty."""
        if day.weekday() in _WEEKEND:
            return "weekend"
        if day in self.closures:
            return "office closure"
        return self.public_holidays.get(day) or ""

    # Answers already worked out. The staff table asks the same few questions for thousands of
    # requests (many share a submission day and an answer date); a calendar never changes.
    @cached_property
    def _added(self) -> dict[tuple[date, int], date]:
        return {}

    @cached_property
    def _between(self) -> dict[tuple[date, date], int]:
        return {}

    def add_working_days(self, start: date, count: int) -> date:
        """The working day *count* working days after *start* (*start* itself never counts)."""
        if count < 0:
            raise InvalidInput("The number of working days to add cannot be negative.")
        if count > MAX_WORKING_DAYS:
            raise InvalidInput(f"Add at most {MAX_WORKING_DAYS} working days (ten years).")
        known = self._added.get((start, count))
        if known is None:
            known = self._added[(start, count)] = self._walk(start, count)
        return known

    def _walk(self, start: date, count: int) -> date:
        day = start
        remaining = count
        while remaining:
            day += timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after *start* up to and including *end*; negative when *end* is earlier."""
        if end < start:
            return -self.working_days_between(end, start)
        known = self._between.get((start, end))
        if known is None:
            known = self._between[(start, end)] = sum(
                1
                for offset in range(1, (end - start).days + 1)
                if self.is_working_day(start + timedelta(days=offset))
            )
        return known

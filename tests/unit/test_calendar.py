"""Working days (Sunday–Thursday, Saudi holidays, office closures) and Hijri dates."""

import contextlib
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from babel.dates import get_month_names
from hypothesis import given
from hypothesis import strategies as st

from kiosk.domain.calendar import (
    WorkingDayCalendar,
    format_time,
    parse_date,
    riyadh_date,
    to_hijri,
)
from kiosk.domain.languages import DATE_DIGITS, Language
from kiosk.errors import InvalidInput
from kiosk.services.i18n import hijri_month_names, translations

CALENDAR = WorkingDayCalendar()


def test_friday_and_saturday_are_the_weekend() -> None:
    thursday, friday, saturday, sunday = (date(2026, 11, d) for d in (26, 27, 28, 29))
    assert CALENDAR.is_working_day(thursday)
    assert not CALENDAR.is_working_day(friday)
    assert not CALENDAR.is_working_day(saturday)
    assert CALENDAR.is_working_day(sunday)
    assert CALENDAR.closure_reason(friday) == "weekend"


def test_adding_across_a_weekend() -> None:
    assert CALENDAR.add_working_days(date(2026, 11, 26), 1) == date(2026, 11, 29)
    assert CALENDAR.add_working_days(date(2026, 11, 25), 7) == date(2026, 12, 6)


def test_adding_across_the_eid_al_fitr_holiday() -> None:
    # Eid al-Fitr 1447: the holidays package closes 19–24 March 2026.
    assert not CALENDAR.is_working_day(date(2026, 3, 22))
    assert "Eid" in CALENDAR.closure_reason(date(2026, 3, 22))
    assert CALENDAR.add_working_days(date(2026, 3, 18), 1) == date(2026, 3, 25)


def test_office_closures_from_the_config_are_skipped() -> None:
    closed = WorkingDayCalendar.with_closures([date(2026, 11, 29)])
    assert not closed.is_working_day(date(2026, 11, 29))
    assert closed.closure_reason(date(2026, 11, 29)) == "office closure"
    assert closed.add_working_days(date(2026, 11, 26), 1) == date(2026, 11, 30)


def test_counting_between_dates() -> None:
    assert CALENDAR.working_days_between(date(2026, 11, 25), date(2026, 12, 6)) == 7
    assert CALENDAR.working_days_between(date(2026, 12, 6), date(2026, 11, 25)) == -7
    assert CALENDAR.working_days_between(date(2026, 11, 25), date(2026, 11, 25)) == 0


def test_negative_counts_are_refused() -> None:
    with pytest.raises(InvalidInput):
        CALENDAR.add_working_days(date(2026, 11, 25), -1)
    with pytest.raises(InvalidInput, match="at most"):
        CALENDAR.add_working_days(date(2026, 11, 25), 99_999_999)


@given(st.dates(date(2000, 1, 1), date(2070, 12, 31)), st.integers(0, 40))
def test_add_and_count_agree(start: date, count: int) -> None:
    later = CALENDAR.add_working_days(start, count)
    assert CALENDAR.working_days_between(start, later) == count
    assert count == 0 or CALENDAR.is_working_day(later)


def test_hijri_dates_match_umm_al_qura() -> None:
    assert to_hijri(date(2026, 11, 25)).isoformat() == "1448-06-15"
    assert to_hijri(date(2026, 3, 20)).isoformat() == "1447-10-01"  # 1 Shawwal: Eid al-Fitr


def test_both_calendars_in_both_languages() -> None:
    day = date(2026, 11, 25)
    assert (
        translations(Language.ARABIC).both_dates(day)
        == "15 جمادى الآخرة 1448 هـ — 25 نوفمبر 2026 م"
    )
    assert (
        translations(Language.ENGLISH).both_dates(day) == "15 Jumada II 1448 AH — 25 November 2026"
    )


@pytest.mark.parametrize("language", list(Language))
def test_every_month_has_its_own_name(language: Language) -> None:
    """The twelve names of each calendar, none missing or repeated: CLDR's Gregorian months
    (Babel) and CLDR's Umm al-Qura months (its islamic calendar), in the language's own digits
    (Western for Arabic, as Absher writes dates)."""
    tr = translations(language)
    gregorian = {tr.gregorian(date(2026, month, 1)) for month in range(1, 13)}
    # Mid-month in each Umm al-Qura month of 1448 AH (1 Muharram 1448 is 16 June 2026).
    middles = [date(2026, 6, 16) + timedelta(days=14 + 29.53 * month) for month in range(12)]
    assert [to_hijri(day).month for day in middles] == list(range(1, 13))
    hijri = {tr.hijri(day) for day in middles}
    assert len(gregorian) == len(hijri) == 12
    assert not any("month." in text for text in gregorian | hijri)
    cldr = get_month_names("wide", "format", locale=language)
    assert all(cldr[month] in tr.gregorian(date(2026, month, 1)) for month in range(1, 13))
    umm_al_qura = hijri_month_names()[language]
    assert all(umm_al_qura[to_hijri(d).month - 1] in tr.hijri(d) for d in middles)
    assert not any(re.search("[\u0660-\u0669\u06f0-\u06f9]", t) for t in gregorian | hijri)


def test_times_are_shown_in_riyadh() -> None:
    moment = datetime(2026, 11, 25, 21, 30, tzinfo=UTC)
    assert format_time(moment, Language.ENGLISH) == "00:30"
    assert riyadh_date(moment) == date(2026, 11, 26)
    assert format_time(moment, Language.ARABIC) == "\u206600:30\u2069"


def test_dates_outside_the_hijri_range_are_a_clear_error() -> None:
    with pytest.raises(InvalidInput, match="Hijri"):
        to_hijri(date(1900, 1, 1))


@pytest.mark.parametrize("typed", ["2026-11-25", "٢٠٢٦-١١-٢٥", "2026/11/25"])
def test_parse_date_accepts_any_digits(typed: str) -> None:
    assert parse_date(typed) == date(2026, 11, 25)


@given(st.text(max_size=15))
def test_parse_date_only_raises_invalid_input(text: str) -> None:
    with contextlib.suppress(InvalidInput):
        parse_date(text)


def test_every_language_has_its_digits_decided() -> None:
    """Each language says which digits its dates and counts use (README, "Languages"). Babel
    writes only Western digits whatever the numbering system, so a language that chooses
    others must first have them written in: this test then needs that change too."""
    assert set(DATE_DIGITS) == set(Language)
    assert {language.digits for language in Language} == {"latn"}


def test_hijri_month_names_are_cldrs_for_every_language_the_kiosk_will_speak() -> None:
    """Twelve distinct names in each of the eight languages, as Unicode CLDR writes them; in
    Arabic the Saudi (Umm al-Qura) names, not the Levantine ربيع الثاني."""
    months = hijri_month_names()
    assert set(months) >= {"ar", "en", "bn", "ur", "hi", "ml", "fil", "id"}
    assert all(len(set(names)) == 12 for names in months.values())
    assert months["ar"][3] == "ربيع الآخر" and months["ar"][5] == "جمادى الآخرة"
    assert months["bn"][0] == "মুহররম"

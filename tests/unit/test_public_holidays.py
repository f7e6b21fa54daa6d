"""The shipped table of Saudi public holidays (``data/holidays/saudi_arabia.json``) and the
holidays package say the same, and the staff console's calendar reads the table without it."""

import json
import subprocess
import sys
from datetime import date, timedelta

import holidays

from hatch_build import SAUDI_HOLIDAY_YEARS, SAUDI_HOLIDAYS, saudi_holidays
from kiosk.domain.calendar import HOLIDAY_NAMES_LANGUAGE, PublicHolidays, WorkingDayCalendar
from kiosk.resources import saudi_public_holidays

SHIPPED = saudi_public_holidays()
PACKAGE = PublicHolidays()


def test_the_table_is_what_the_holidays_package_says_for_every_year_it_covers() -> None:
    """``python hatch_build.py saudi-holidays`` writes it again when the package changes."""
    shipped = json.loads(SAUDI_HOLIDAYS.read_text(encoding="utf-8"))
    assert tuple(shipped["years"]) == SAUDI_HOLIDAY_YEARS
    assert shipped["holidays"] == saudi_holidays()["holidays"]


def test_the_calendars_of_the_table_and_of_the_package_agree_day_by_day() -> None:
    first, last = SAUDI_HOLIDAY_YEARS
    assert SHIPPED.years == range(first, last + 1)
    # A few years of the range, every day (the whole range is held by the test above).
    day, end = date(2025, 1, 1), date(2028, 12, 31)
    while day <= end:
        assert SHIPPED.get(day) == PACKAGE.get(day), day
        assert (day in SHIPPED) == (day in PACKAGE), day
        day += timedelta(days=1)
    # Eid al-Fitr 1447, as the calendar tests know it.
    assert SHIPPED.get(date(2026, 3, 22)) == "Eid al-Fitr Holiday"
    assert date(2026, 3, 25) not in SHIPPED


def test_a_year_outside_the_table_is_asked_of_the_package() -> None:
    first, last = SAUDI_HOLIDAY_YEARS
    for year in (first - 1, last + 1, 2085):
        package = holidays.country_holidays("SA", years=year, language=HOLIDAY_NAMES_LANGUAGE)
        assert package, year  # the package knows holidays that year: the table does not
        for day, name in package.items():
            assert SHIPPED.get(day) == name
    shipped_calendar = WorkingDayCalendar.with_closures([], SHIPPED)
    package_calendar = WorkingDayCalendar()
    start = date(last, 11, 1)
    assert shipped_calendar.add_working_days(start, 200) == package_calendar.add_working_days(
        start, 200
    )


def test_the_table_answers_without_importing_the_holidays_package() -> None:
    probe = (
        "import sys; from datetime import date; "
        "from kiosk.resources import saudi_public_holidays; "
        "table = saudi_public_holidays(); "
        "assert date(2026, 3, 22) in table and date(2040, 1, 1) not in table; "
        "before = 'holidays' in sys.modules; "
        "assert date(2090, 1, 1) not in table; "
        "print(before, 'holidays' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["False", "True"]

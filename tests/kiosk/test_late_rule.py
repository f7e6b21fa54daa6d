"""One rule for late requests: the date counts from the latest submission, and every caller
(status screen, receipt, ``tawasul request show``, staff request screen) tells a late request to
ask at the counter, from the same catalogue key, with nothing beside it saying otherwise."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from textual.widgets import Static

from kiosk.app import make_staff_app
from kiosk.domain.calendar import riyadh_date
from kiosk.domain.languages import Language
from kiosk.domain.statuses import LATE_NEXT_STEP, RequestStatus
from kiosk.printing.layout import ReceiptText, receipt_languages
from kiosk.services import Services
from kiosk.services.i18n import translations
from kiosk.services.receipts import next_step_of
from screens.resident import StatusScreen
from screens.staff.request import StaffRequestScreen
from tests.kiosk.conftest import ABDULLAH, KioskFactory, settle, sign_in
from tests.kiosk.test_live import MARIA, open_type
from widgets import BidiText

LATE = "9000000704"
"""Maria's visit visa, under review for 20 days: late (its answer was due in 7 working days)."""

RESUBMITTED = "9000000605"
"""Abdullah's data correction: returned, then resubmitted."""

TAWASUL = Path(sys.executable).with_name("tawasul")


def test_the_expected_date_counts_from_the_latest_resubmission(services: Services) -> None:
    request = services.requests.find(RESUBMITTED)
    resubmitted = next(e.at for e in request.history if e.status is RequestStatus.RESUBMITTED)
    assert riyadh_date(resubmitted) > riyadh_date(request.created)
    assert request.submitted == resubmitted
    target = services.config.response_target_days
    expected = services.requests.progress(request).expected_by
    assert expected == services.calendar.add_working_days(riyadh_date(resubmitted), target)


def test_late_is_for_requests_the_office_owes_an_answer() -> None:
    assert RequestStatus.UNDER_REVIEW.next_step(-1) == LATE_NEXT_STEP
    assert RequestStatus.RESUBMITTED.next_step(-3) == LATE_NEXT_STEP
    assert RequestStatus.UNDER_REVIEW.next_step(0) == "status.under_review.next"
    for answered in (RequestStatus.ACCEPTED, RequestStatus.RETURNED, RequestStatus.CLOSED):
        assert answered.next_step(-30) == f"status.{answered.value}.next"


@pytest.mark.parametrize("language", ["en", "ar"])
async def test_the_status_screen_of_a_late_request_sends_to_the_counter_only(
    kiosk: KioskFactory, language: str
) -> None:
    app = kiosk(language)
    async with app.run_test(size=(100, 40)) as pilot:
        await sign_in(pilot, *MARIA)
        await open_type(pilot, "visit_visa")
        screen = app.screen
        assert isinstance(screen, StatusScreen) and screen.request.number == LATE
        tr = translations(language)
        assert screen.query_one("#next", BidiText).text == tr(LATE_NEXT_STEP)
        shown = " ".join(text.text for text in screen.query(BidiText))
        assert tr("status.under_review.next") not in shown
        assert shown.count(tr(LATE_NEXT_STEP)) == 1
        expected = screen.ctx.services.requests.progress(screen.request).expected_sentence(tr)
        assert screen.query_one("#expected", BidiText).text == expected
        assert "-" not in expected.split(":")[-1]  # days late counted up, never as a minus


async def test_a_request_on_time_still_says_nothing_is_needed(kiosk: KioskFactory) -> None:
    app = kiosk("ar")
    async with app.run_test(size=(100, 40)) as pilot:
        await sign_in(pilot, *ABDULLAH)
        await open_type(pilot, "data_correction")  # resubmitted 9 days ago: counted anew
        screen = app.screen
        assert isinstance(screen, StatusScreen) and screen.request.number == RESUBMITTED
        next_step = screen.query_one("#next", BidiText).text
        assert next_step == translations("ar")("status.resubmitted.next")


def test_the_receipt_says_the_same(services: Services) -> None:
    request = services.requests.find(LATE)
    languages = receipt_languages(Language.ARABIC)
    step = next_step_of(request, services.requests.progress(request), languages)
    assert step == ReceiptText.each(
        languages, lambda language: translations(language)(LATE_NEXT_STEP)
    )


@pytest.mark.slow
def test_request_show_says_the_same(demo_db: Path) -> None:
    # The command reads the real clock: the request is later still than at the frozen moment.
    arguments = [str(TAWASUL), "request", "show", LATE, "--db", str(demo_db)]
    shown = subprocess.run(arguments, capture_output=True, text=True, check=True).stdout
    sentence = translations("en")(LATE_NEXT_STEP)
    assert sentence in shown and "working days late" in shown
    as_json = json.loads(subprocess.run([*arguments, "--json"], capture_output=True,
                                        text=True, check=True).stdout)  # fmt: skip
    assert as_json["late"] is True and as_json["next_step"] == sentence


async def test_the_staff_request_screen_says_the_same(services: Services) -> None:
    app = make_staff_app(services, "supervisor", "192.0.2.7 port 50022", handle_signals=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press(*LATE, "enter")
        await settle(pilot)
        assert isinstance(app.screen, StaffRequestScreen)
        fields = str(app.screen.query_one("#fields", Static).render())
        assert translations("en")(LATE_NEXT_STEP) in fields
        assert "working days late" in fields
        progress = services.requests.progress(services.requests.find(LATE))
        assert progress.expected_sentence(translations("en")) in fields

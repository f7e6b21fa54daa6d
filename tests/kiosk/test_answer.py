"""Pilot flows of answering a returned request, in Arabic and English, over a real data file."""

from dataclasses import dataclass, field
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Button, OptionList

from kiosk.app.kiosk import KioskApp
from kiosk.domain.models import TawasulRequest
from kiosk.domain.statuses import RequestStatus
from kiosk.domain.typed_text import ANSWER_LIMIT
from kiosk.errors import ChangedMeanwhile, StoreUnreachable
from kiosk.services.receipts_port import PrintOutcome
from screens.resident import AnswerReviewScreen, AnswerScreen, StatusScreen
from tests.kiosk.conftest import AHMED, FakeReceipts, KioskFactory, settle, sign_in
from tests.kiosk.test_full_disk import disk, kiosk_on
from tests.small_disk import SmallDisk
from widgets import BidiText, TextField

RETURNED = "9000000209"
"""Ahmed's exit/re-entry request, returned to him: a copy of his passport to counter 3."""


@dataclass
class StatusReceipts(FakeReceipts):
    """Fake receipts that also remember the status each receipt was printed with."""

    statuses: list[RequestStatus] = field(default_factory=list)

    def print_receipt(self, request: TawasulRequest, language: str) -> PrintOutcome:
        """Print *request*'s receipt, noting its status."""
        self.statuses.append(request.status)
        return super().print_receipt(request, language)


def text_of(app: KioskApp, selector: str) -> str:
    """The logical text of a BidiText on the current screen."""
    return app.screen.query_one(selector, BidiText).text


async def open_returned(pilot: Pilot[None]) -> StatusScreen:
    """Sign Ahmed in and open his returned request from the list of types."""
    await sign_in(pilot, *AHMED)
    types = pilot.app.screen.query_one("#types", OptionList)
    for _ in range(len(types.options)):
        if types.get_option_at_index(types.highlighted or 0).id == "exit_reentry":
            break
        await pilot.press("down")
    await pilot.press("enter")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, StatusScreen) and screen.request.number == RETURNED
    return screen


async def to_review(pilot: Pilot[None], words: str) -> AnswerReviewScreen:
    """On the answer screen: the first choice, *words*, Enter."""
    await pilot.press("down", "enter")  # the first choice; the focus moves to the text
    await pilot.press(*words, "enter")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, AnswerReviewScreen)
    return screen


@pytest.mark.parametrize("language", ["en", "ar"])
async def test_answer_review_submit_and_print(kiosk: KioskFactory, language: str) -> None:
    receipts = StatusReceipts()
    app = kiosk(language, receipts)
    async with app.run_test(size=(100, 30)) as pilot:
        status = await open_returned(pilot)
        assert app.visit is not None
        tr = app.visit.tr
        assert app.focused is not None and app.focused.id == "answer"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, AnswerScreen)
        # The required action is shown again, in the status screen's own words.
        assert "counter 3" in text_of(app, "#action")
        await pilot.press("enter")  # nothing chosen yet: Enter on the list does nothing
        await pilot.click("#review")
        await pilot.pause()
        assert text_of(app, "#message") == tr("answer.choose_first")

        review = await to_review(pilot, "copy given")
        assert text_of(app, "#your-choice") == tr(
            "answer.your_choice", choice=tr("answer.choice.documents_at_counter")
        )
        assert text_of(app, "#your-text") == tr("answer.your_text", text="copy given")
        audits = len(app.services.store.audit_entries())
        # A double press of Send (two Pressed messages, past Textual's own 0.2 s guard on a
        # held Enter), then an Enter: one answer, and the visit goes on.
        send = review.query_one("#send", Button)
        send.press()
        send.press()
        await pilot.press("enter")
        await settle(pilot)
        assert not review.is_attached
        assert app.screen_stack[-1] is status and app.visit is not None
        stored = app.services.store.request(RETURNED)
        assert stored is not None and stored.status is RequestStatus.RESUBMITTED
        assert [s.status for s in stored.history].count(RequestStatus.RESUBMITTED) == 1
        assert len(app.services.store.audit_entries()) == audits + 1
        assert stored.history[-1].answer == "documents_at_counter"
        assert stored.history[-1].note == "copy given"
        assert status.request == stored
        assert not status.query("#answer")
        assert text_of(app, "#print-state") in (tr("answer.sent"), tr("print.done"))
        assert tr("answer.choice.documents_at_counter") in " ".join(
            w.text for w in status.query(".timeline").results(BidiText)
        )
        await pilot.click("#print")
        await settle(pilot)
        assert receipts.printed[-1] == RETURNED
        assert set(receipts.statuses) == {RequestStatus.RESUBMITTED}


async def test_f4_answers_and_a_staff_change_meanwhile_is_refused(kiosk: KioskFactory) -> None:
    app = kiosk("ar")
    async with app.run_test(size=(100, 30)) as pilot:
        status = await open_returned(pilot)
        await pilot.press("f4")
        await settle(pilot)
        assert isinstance(app.screen, AnswerScreen)
        review = await to_review(pilot, "done")
        # Staff close the request from the console while the resident reads the review.
        app.services.requests.change_status(RETURNED, RequestStatus.CLOSED, "staff", "By phone")
        before = app.services.store.request(RETURNED)
        audits = len(app.services.store.audit_entries())
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, AnswerReviewScreen)
        assert app.visit is not None
        assert text_of(app, "#message") == app.visit.tr("answer.changed_meanwhile")
        assert app.services.store.request(RETURNED) == before
        assert len(app.services.store.audit_entries()) == audits
        # Send now leads back to the request, as it stands.
        assert app.focused is review.query_one("#send", Button)
        await pilot.pause(0.3)  # Textual ignores an Enter on a button pressed 0.2 s before
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen_stack[-1] is status
        assert status.request.status is RequestStatus.CLOSED
        assert not status.query("#answer")


@pytest.mark.parametrize(
    ("typed", "key", "kept"),
    [
        ("gave it\x1b]52;c;aGk=\x07 in", "answer.text_cleaned", "gave it in"),
        ("\u202eni ti evag", "answer.text_cleaned", "ni ti evag"),
        ("x" * (ANSWER_LIMIT + 5), "answer.text_too_long", "x" * (ANSWER_LIMIT + 5)),
    ],
)
async def test_hostile_text_gets_one_sentence(
    kiosk: KioskFactory, typed: str, key: str, kept: str
) -> None:
    app = kiosk("en")
    async with app.run_test(size=(100, 30)) as pilot:
        await open_returned(pilot)
        await pilot.press("f4")
        await settle(pilot)
        await pilot.press("down", "enter")
        field = app.screen.query_one("#answer-text", TextField)
        field.value = typed  # as a paste or a card reader would put it
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, AnswerScreen)
        assert app.visit is not None
        assert text_of(app, "#message") == app.visit.tr(key, limit=app.visit.tr.number(200))
        assert field.value == kept
        stored = app.services.store.request(RETURNED)
        assert stored is not None and stored.status is RequestStatus.RETURNED


async def test_a_quick_lookup_offers_no_answer(kiosk: KioskFactory) -> None:
    """Without a password the kiosk only shows: nobody answers with a number and four digits."""
    app = kiosk("en")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        await pilot.click("#quick")
        await pilot.pause()
        await pilot.press(*RETURNED, "tab", *AHMED[0][-4:], "enter")
        await settle(pilot)
        assert isinstance(app.screen, StatusScreen)
        assert not app.screen.query("#answer")
        await pilot.press("f4")
        await pilot.pause()
        assert isinstance(app.screen, StatusScreen)


@pytest.mark.slow
async def test_a_read_only_disk_sends_nothing_until_it_is_writable(
    disk: SmallDisk, demo_template: Path
) -> None:
    """The data folder turns read-only on a real small disk: one sentence, nothing saved, the
    visit goes on; once it is writable again the same Send answers."""
    app = kiosk_on(disk, demo_template)
    async with app.run_test(size=(100, 30)) as pilot:
        status = await open_returned(pilot)
        await pilot.press("enter")
        await settle(pilot)
        review = await to_review(pilot, "copy given")
        disk.read_only()
        await pilot.press("enter")
        await settle(pilot)
        assert app.visit is not None
        assert text_of(app, "#message") == app.visit.tr("answer.not_now")
        stored = app.services.store.request(RETURNED)
        assert stored is not None and stored.status is RequestStatus.RETURNED
        disk.writable()
        await pilot.pause(0.3)  # Textual ignores an Enter on a button pressed 0.2 s before
        await pilot.press("enter")
        await settle(pilot)
        assert not review.is_attached and app.screen_stack[-1] is status
        assert status.request.status is RequestStatus.RESUBMITTED
        assert app.unexpected_errors == 0


# The small disk's fixture, shared with the printing tests on it.
__all__ = ["disk"]


async def test_reads_of_the_data_while_the_answer_comes_back_never_break_the_screen(
    kiosk: KioskFactory,
) -> None:
    """The answer's own write is heard as a change of the data just as the answer comes back:
    each read redraws the status screen, and the redraws never cut each other off (a cut one
    left the screen half built and ended the visit)."""
    app = kiosk("en")
    async with app.run_test(size=(100, 30)) as pilot:
        status = await open_returned(pilot)
        await pilot.press("enter")
        await settle(pilot)
        review = await to_review(pilot, "copy given")
        review.query_one("#send", Button).press()
        for _ in range(40):
            status.show_latest()  # what the app does on every change of the data
            await pilot.pause(0.01)
        await settle(pilot)
        assert app.unexpected_errors == 0 and app.visit is not None
        assert app.screen_stack[-1] is status
        assert status.request.status is RequestStatus.RESUBMITTED
        assert status.query_one("#print").has_focus


async def test_a_refusal_whose_re_read_fails_still_leaves_send_to_try_again(
    kiosk: KioskFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Staff changed the request meanwhile and then the store cannot even be read: one sentence,
    and the resident is not left on a Send that does nothing with Back blocked."""
    app = kiosk("en")
    async with app.run_test(size=(100, 30)) as pilot:
        await open_returned(pilot)
        await pilot.press("enter")
        await settle(pilot)
        review = await to_review(pilot, "copy given")
        requests = app.services.requests

        def changed_meanwhile(*args: object) -> None:
            raise ChangedMeanwhile("Staff changed the request meanwhile.")

        def unreadable(*args: object) -> None:
            raise StoreUnreachable("The database server at db:5432 cannot be reached.")

        monkeypatch.setattr(requests, "answer_returned", changed_meanwhile)
        monkeypatch.setattr(requests, "latest", unreadable)
        await pilot.press("enter")
        await settle(pilot)
        assert app.visit is not None
        assert text_of(app, "#message") == app.visit.tr("answer.changed_meanwhile")
        assert review.is_attached and not review.sending  # Send and Back work again
        monkeypatch.setattr(requests, "answer_returned", lambda *args: 1 / 0)
        await pilot.pause(0.3)  # Textual ignores an Enter on a button pressed 0.2 s before
        await pilot.press("enter")
        await settle(pilot)
        assert text_of(app, "#message") == app.visit.tr("answer.not_now")
        assert not review.sending

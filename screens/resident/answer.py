"""Answer a returned request: the action again, what the resident did, a few words, a review.

Two screens: :class:`AnswerScreen` (choose and type) and :class:`AnswerReviewScreen` (read it
all once more, then send). Sending goes through the request service, which moves the request to
resubmitted under the same rules, history and audit as a staff change; the status screen that
opened them is handed the changed request and shows it, with its receipt.
"""

import asyncio
import logging
from collections.abc import Callable

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Button, Input, OptionList
from textual.widgets.option_list import Option

from kiosk.domain.models import TawasulRequest
from kiosk.errors import ChangedMeanwhile, StoreUnreachable, StoreUnwritable, TawasulError
from kiosk.services.requests import AnswerText, answer_text, next_steps
from screens.resident.base import ResidentScreen
from screens.resident.context import KioskContext
from widgets import BidiText, ChoiceList, TextField

log = logging.getLogger("tawasul.kiosk")

AnswerDone = Callable[[TawasulRequest, bool], None]
"""Called with the request as stored now and whether this answer was the one that moved it."""


class AnswerScreen(ResidentScreen):
    """The required action again, the choices of the request's type, and an optional text."""

    CSS_PATH = "answer.tcss"

    def __init__(self, ctx: KioskContext, request: TawasulRequest, done: AnswerDone) -> None:
        """Answer *request* (returned to the signed-in resident); *done* once it is settled."""
        super().__init__(ctx)
        self.request = request
        self.done = done
        self.choices = ctx.services.requests.answer_choices(request)

    def compose(self) -> ComposeResult:
        """The action, the choices, the text field, the message line, the actions."""
        yield from self.compose_header("answer.title", number=self.request.number)
        with Vertical(classes="body"):
            yield from _required_action(self)
            yield self.paragraph(self.t("answer.choose"), classes="label")
            yield ChoiceList(
                *[
                    Option(self.shaped(self.t(f"answer.choice.{code}")), id=code)
                    for code in self.choices
                ],
                id="choices",
                markup=False,
            )
            yield self.paragraph(self.t("answer.text_label"), classes="label")
            yield TextField(id="answer-text", compact=True)
            yield self.paragraph("", id="message", classes="message")
        yield from self.compose_actions(self.button("answer.review", "review", "primary"))

    def on_mount(self) -> None:
        """Start in the choices, none of them taken for the resident (OptionList would
        highlight the first: an Enter would then answer for them)."""
        listing = self.query_one("#choices", ChoiceList)
        listing.highlighted = None
        listing.focus()

    def spoken(self) -> list[str]:
        """The title, what staff asked for, then what the screen asks: a choice and a few words."""
        return [*super().spoken(), *_action_said(self), self.t("answer.choose")]

    @property
    def chosen(self) -> str | None:
        """The code of the choice highlighted (Enter, a click or the arrows), if any."""
        listing = self.query_one("#choices", ChoiceList)
        if listing.highlighted is None:
            return None
        return listing.get_option_at_index(listing.highlighted).id

    def _say(self, text: str) -> None:
        self.query_one("#message", BidiText).text = text
        self.announce(text, error=True)  # this screen answers only when something is wrong

    @on(OptionList.OptionSelected, "#choices")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()  # the list moves the focus on to the text by itself
        self._say("")

    @on(Input.Submitted, "#answer-text")
    def _text_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.review()

    @on(Button.Pressed, "#review")
    def _review_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.review()

    def review(self) -> None:
        """Check the choice and the text (the one rule of typed text), then show the review."""
        if self.app.screen is not self:
            return  # an Enter queued behind the one that opened the review
        choice = self.chosen
        if choice is None:
            self._say(self.t("answer.choose_first"))
            self.query_one("#choices", ChoiceList).focus()
            return
        field = self.query_one("#answer-text", TextField)
        checked = answer_text(field.value, choice)
        if checked.problem is not None:
            # What the rule removed is shown gone: the resident sends only what they have read.
            field.value = checked.text
            self._say(checked.said(self.ctx.tr))
            field.focus()
            return
        self._say("")
        review = AnswerReviewScreen(self.ctx, self.request, choice, checked, self.done)
        self.app.push_screen(review)


class AnswerReviewScreen(ResidentScreen):
    """Everything the answer says, once more, with Send answer."""

    CSS_PATH = "answer.tcss"

    def __init__(
        self,
        ctx: KioskContext,
        request: TawasulRequest,
        choice: str,
        text: AnswerText,
        done: AnswerDone,
    ) -> None:
        """Review the answer *choice* with *text* to *request*; *done* once it is settled."""
        super().__init__(ctx)
        self.request = request
        self.choice = choice
        self.text = text
        self.done = done
        self.sending = False
        self.settled: TawasulRequest | None = None
        """The request as stored once the send was refused: Send becomes "back to it"."""

    def compose(self) -> ComposeResult:
        """The action, the choice and the words, the message line, Send answer."""
        yield from self.compose_header("answer.review_title", number=self.request.number)
        with self.reading_pane():
            yield self.paragraph(self.t("answer.review_intro"), classes="hint")
            yield from _required_action(self)
            choice_said, words_said = self._answer_said()
            yield self.paragraph(choice_said, id="your-choice")
            yield self.paragraph(words_said, id="your-text")
        yield self.paragraph("", id="message", classes="message")
        yield from self.compose_actions(self.button("answer.send", "send", "primary"))

    def spoken(self) -> list[str]:
        """The title, what will be sent and what it does, as the screen shows them."""
        return [
            *super().spoken(),
            self.t("answer.review_intro"),
            *self._answer_said(),
        ]

    def _answer_said(self) -> tuple[str, str]:
        """What the resident did and the words they added, as the review shows them."""
        choice = self.t(f"answer.choice.{self.choice}")
        words = self.text.text
        return (
            self.t("answer.your_choice", choice=choice),
            self.t("answer.your_text", text=words) if words else self.t("answer.no_text"),
        )

    def on_mount(self) -> None:
        """Focus Send answer: never Finish, which an Enter meant for Send would press."""
        self.query_one("#send").focus()

    def _say(self, text: str, *, error: bool = False) -> None:
        self.query_one("#message", BidiText).text = text
        self.announce(text, error=error)

    def action_back(self) -> None:
        """Back to the answer, except while it is being sent (its outcome is shown here)."""
        if not self.sending:
            super().action_back()

    @on(Button.Pressed, "#send")
    def _send_pressed(self, event: Button.Pressed) -> None:
        """Send once: a press while sending is ignored, and the button keeps the focus (were it
        disabled, the focus would pass to Back or Finish and the next Enter would press it)."""
        event.stop()
        if self.settled is not None:
            self.done(self.settled, False)
            return
        if self.sending:
            return
        self.sending = True
        self._say(self.t("answer.sending"))
        self.send()

    @work(exclusive=True, group="send", exit_on_error=False)
    async def send(self) -> None:
        """Send the answer off the event loop, then hand the request back or say why not."""
        assert self.ctx.applicant is not None
        requests = self.ctx.services.requests
        try:
            changed = await asyncio.to_thread(
                requests.answer_returned,
                self.ctx.applicant.id_number,
                self.request.number,
                self.choice,
                self.text.text,
            )
        except ChangedMeanwhile:
            self._refused(await self._latest(), "answer.changed_meanwhile")
            return
        except (StoreUnwritable, StoreUnreachable):
            # Nothing was changed and it passes by itself: the same Send may try again.
            self._refused(None, "answer.not_now")
            return
        except TawasulError:
            self._refused(await self._latest(), "answer.refused")
            return
        except Exception:
            # Never leave Send waiting with Back blocked: say so, let Send try again, and log it
            # (this worker does not end the app).
            log.exception("sending the answer to %s failed", self.request.number)
            self._refused(None, "answer.not_now")
            return
        if self.is_attached:
            self.done(changed, True)

    async def _latest(self) -> TawasulRequest | None:
        """The request as the store holds it now, or None when even that cannot be read (the
        same Send may then try again)."""
        try:
            return await asyncio.to_thread(self.ctx.services.requests.latest, self.request)
        except TawasulError:
            return None

    def _refused(self, latest: TawasulRequest | None, key: str) -> None:
        if not self.is_attached:
            return  # the visit ended meanwhile
        self.sending = False
        self._say(self.t(key), error=True)
        if latest is not None:
            # Nothing was sent and sending again cannot work: Send now leads back to the request.
            self.settled = latest
            button = self.query_one("#send", Button)
            button.label = self.shaped(self.t("answer.back_to_request"))
            button.refresh(layout=True)


def _action_said(screen: AnswerScreen | AnswerReviewScreen) -> list[str]:
    """What staff asked for, in the very words of the status screen and the receipt."""
    requests = screen.ctx.services.requests
    request = screen.request
    steps = next_steps(request, requests.progress(request))
    return [step.said(screen.ctx.tr) for step in steps if step.part == "action"]


def _required_action(screen: AnswerScreen | AnswerReviewScreen) -> ComposeResult:
    """The paragraph of what staff asked for (see _action_said)."""
    for said in _action_said(screen):
        yield screen.paragraph(said, id="action", classes="important")

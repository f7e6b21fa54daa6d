"""Status: what the request's status means, what to do next, its timeline, and the receipt."""

import asyncio
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widget import Widget
from textual.widgets import Button

from kiosk.domain.calendar import format_time, riyadh_date
from kiosk.domain.models import TawasulRequest
from kiosk.domain.statuses import RequestStatus
from kiosk.services.receipts_port import PrintOutcome, problem_sentence
from kiosk.services.requests import next_steps, step_note
from screens.resident.answer import AnswerScreen
from screens.resident.base import ResidentScreen
from screens.resident.context import KioskContext
from screens.resident.live import recompose_in_place
from screens.resident.print_fallback import PrintFallbackScreen
from widgets import BidiText, StatusBadge

UPDATED_NOTE_SECONDS = 60.0
"""How long "updated just now" stays beside a status that staff changed while it was shown."""


class StatusScreen(ResidentScreen):
    """One request, in plain words, with Print receipt."""

    CSS_PATH = "status.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f4", "answer", "Answer this request", show=False),
    ]

    def __init__(self, ctx: KioskContext, request: TawasulRequest, *, quick: bool) -> None:
        """Show *request*; *quick* when reached without a password (nothing else is offered)."""
        super().__init__(ctx)
        self.request = request
        self.quick = quick
        self.updated = False
        """Whether staff changed the status while this screen showed it (said on screen)."""
        self.printing = False
        self.printed_once = False
        self.print_state = ""
        self._redrawing = asyncio.Lock()
        self._drawn = request
        """The request as last drawn: a redraw asked for but cancelled before it began is owed."""

    def compose(self) -> ComposeResult:
        """Badge, meaning, next steps, dates, timeline, call centre, then the actions."""
        request, language = self.request, self.ctx.language
        services = self.ctx.services
        kind = services.requests.request_type(request)
        progress = services.requests.progress(request)
        yield from self.compose_header("status.title", number=request.number)
        # What the resident acts on comes first, so 80×24 shows it whole: the status, what to
        # do next and the expected date; the details and the history follow, read with ↑/↓.
        with self.reading_pane():
            with Horizontal(id="badge-row"):
                row: list[Widget] = [StatusBadge(request.status, self.ctx.text, id="badge")]
                if self.updated:
                    row.append(
                        self.paragraph(self.t("status.updated"), id="updated", classes="hint")
                    )
                # The note follows the badge as the person reads: on its left in mirrored Arabic.
                yield from reversed(row) if self.ctx.mirrored else row
            yield self.paragraph(self.t(f"status.{request.status.value}.meaning"), id="meaning")
            yield self.paragraph(self.t("status.next_title"), classes="section")
            # The same sentences, in the same order, as the receipt's next step.
            for step in next_steps(request, progress):
                important = "important" if step.part != "next" else None
                yield self.paragraph(step.said(self.ctx.tr), id=step.part, classes=important)
            if request.status.awaits_office:
                yield self.paragraph(progress.expected_sentence(self.ctx.tr), id="expected")
            yield self.paragraph(
                self.t("status.type", type=kind.name(language)), classes="field details"
            )
            yield self.paragraph(
                self.t("status.submitted", date=self.ctx.tr.both_dates(progress.submitted)),
                classes="field",
            )
            if fee := kind.fee_note(language):
                yield self.paragraph(self.t("status.fee", fee=fee), classes="field")
            yield self.paragraph(self.t("status.timeline_title"), classes="section")
            for entry in request.history:
                day = self.ctx.tr.both_dates(riyadh_date(entry.at))
                when = f"{day}  {format_time(entry.at, language)}"
                line = self.t(
                    "status.timeline_row", when=when, status=self.ctx.tr.status_label(entry.status)
                )
                note = step_note(entry, self.ctx.tr)
                if note and (
                    entry.answer
                    or entry.status
                    in (RequestStatus.RETURNED, RequestStatus.REJECTED, RequestStatus.ACCEPTED)
                ):
                    line += "\n" + self.t("status.timeline_note", note=note)
                yield self.paragraph(line, classes="timeline")
            yield self.paragraph(self.t("status.call_centre"), classes="section")
        yield self.paragraph(self.print_state, id="print-state", classes="message")
        label = "status.print_again" if self.printed_once else "status.print"
        first = []
        if self.can_answer:
            first.append(self.button("status.answer", "answer", "primary"))
        if self.ctx.receipts:
            first.append(self.button(label, "print", "default" if self.can_answer else "primary"))
        yield from self.compose_actions(*first)

    def spoken(self) -> list[str]:
        """The title, the status and what it means, what to do next and when an answer is due:
        the sentences the screen shows first, from the same keys and rules."""
        request, tr = self.request, self.ctx.tr
        progress = self.ctx.services.requests.progress(request)
        said = [
            *super().spoken(),
            tr.status_label(request.status),
            self.t(f"status.{request.status.value}.meaning"),
            self.t("status.next_title"),
            *(step.said(tr) for step in next_steps(request, progress)),
        ]
        if request.status.awaits_office:
            said.append(progress.expected_sentence(tr))
        return said

    @property
    def can_answer(self) -> bool:
        """Whether the resident may answer the request here: it is returned to them and they
        signed in (a quick lookup, by number and four digits, only shows)."""
        applicant = self.ctx.applicant
        return (
            not self.quick
            and applicant is not None
            and applicant.id_number == self.request.applicant_id
            and self.request.status is RequestStatus.RETURNED
        )

    def on_mount(self) -> None:
        """Focus Answer this request where there is one, else Print receipt, or (with no
        printer) Help, where an Enter only opens Help.

        Finish is never focused by the program: an Enter meant for something else would end
        the visit. The reading pane takes no focus (its keys work from anywhere).
        """
        self._focus_first()

    def _focus_first(self) -> None:
        target = "#answer" if self.can_answer else "#print" if self.ctx.receipts else "#help"
        self.query_one(target).focus()

    def action_answer(self) -> None:
        """Answer the returned request (F4 or the button)."""
        if self.can_answer and self.is_current:
            self.app.push_screen(AnswerScreen(self.ctx, self.request, self._answered))

    def _answered(self, latest: TawasulRequest, sent: bool) -> None:
        """Back from answering, to the request as stored now, with what became of the answer."""
        while self.app.screen is not self and len(self.app.screen_stack) > 1:
            self.app.pop_screen()
        if sent:
            self.print_state = self.t("answer.sent")
            # The resident's own change: a read of the data may have marked it as staff's.
            self.updated = False
        elif latest.status is not self.request.status:
            self.updated = True
            self.set_timer(UPDATED_NOTE_SECONDS, self._forget_update, name="updated")
        self.request = latest
        self._show_answered()

    @work(exclusive=True, group="latest")
    async def _show_answered(self) -> None:
        await self._redraw()
        self.announce(self.print_state)
        # Answer is gone with the return: the receipt saying so is what comes next.
        target = "#print" if self.ctx.receipts else "#help"
        self.query_one(target).focus()

    async def _redraw(self) -> None:
        """Compose the screen anew from self.request, one redraw at a time, and never cut off
        half-way: a newer read cancels the worker that asked (the answer's write is heard as a
        change of the data right as the answer comes back), not the redraw it started."""
        await asyncio.shield(self._redraw_in_turn())

    async def _redraw_in_turn(self) -> None:
        async with self._redrawing:
            self._drawn = self.request
            await recompose_in_place(self)
            if self.focused is None:
                # The focused button went with the status (Answer, once it is answered or
                # closed): the screen's first action takes the focus, never Finish.
                self._focus_first()

    def show_latest(self) -> None:
        """Show the request as stored now: staff may have changed it while it is on screen."""
        self._read_latest()

    @work(exclusive=True, group="latest")
    async def _read_latest(self) -> None:
        latest = await asyncio.to_thread(self.ctx.services.requests.latest, self.request)
        if latest == self.request == self._drawn or not self.is_attached:
            return  # nothing the resident sees changed, or the visit ended meanwhile
        if latest.status is not self.request.status:
            self.updated = True
            self.set_timer(UPDATED_NOTE_SECONDS, self._forget_update, name="updated")
        self.request = latest
        await self._redraw()

    def _forget_update(self) -> None:
        self.updated = False
        self.query("#updated").remove()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Print the receipt (a press while it prints is ignored).

        The button keeps the focus: disabling it would hand the focus to Back or Finish, and the
        next Enter (the natural key after Print) would leave the screen or end the visit.
        """
        if event.button.id == "answer":
            event.stop()
            self.action_answer()
        elif event.button.id == "print":
            event.stop()
            if self.printing:
                return
            self.printing = True
            self._say(self.t("print.printing"))
            self.print_receipt()

    @work(thread=True, exclusive=True, group="print")
    def print_receipt(self) -> None:
        """Print off the event loop: a printer that stalls must not freeze the kiosk."""
        assert self.ctx.receipts is not None
        outcome = self.ctx.receipts.print_receipt(self.request, self.ctx.language)
        self.app.call_from_thread(self._printed, outcome)

    def _printed(self, outcome: PrintOutcome) -> None:
        if not self.is_attached:
            return  # the visit ended while the printer worked
        self.printing = False
        self.printed_once = True
        button = self.query_one("#print", Button)
        button.label = self.shaped(self.t("status.print_again"))
        button.refresh(layout=True)  # Textual keeps a button's width when only its label changes
        if outcome.printed:
            self._say(self.t("print.done"))
            self.announce(self.print_state)
            return
        reason = problem_sentence(outcome.problem, self.ctx.tr)
        self._say(self.t("print.failed", reason=reason))
        self.announce(self.print_state, error=True)
        self.app.push_screen(PrintFallbackScreen(self.ctx, self.request.number, outcome, reason))

    def _say(self, text: str) -> None:
        self.print_state = text
        self.query_one("#print-state", BidiText).text = text

"""Receipts for staff: reprint one, verify a receipt's QR payload, retry or drop spooled jobs."""

import asyncio
from collections.abc import Callable, Sequence

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, DataTable, Input, Label, Select, Static

from kiosk.domain.calendar import riyadh_stamp
from kiosk.domain.languages import Language
from kiosk.services.i18n import staff_words
from kiosk.services.receipts_port import PrintOutcome, QueuedReceipt, problem_sentence
from screens.staff.base import StaffScreen
from widgets import KeyFooter, TextField, TitleHeader


def outcome_text(outcome: PrintOutcome) -> str:
    """How printing a receipt ended; a problem in the words the CLI uses for it."""
    if outcome.printed:
        return f"Receipt {outcome.receipt_serial} printed."
    reason = problem_sentence(outcome.problem, staff_words())
    return (
        f"Receipt {outcome.receipt_serial} did not print: {reason} "
        "It waits in the print queue below."
    )


class StaffReceiptsScreen(StaffScreen):
    """Reprint, verify, and the print queue; printing runs in the background."""

    CSS_PATH = "receipts.tcss"

    def compose(self) -> ComposeResult:
        """The three tools, one under the other."""
        yield TitleHeader()
        with VerticalScroll(id="body"):
            yield Label("Reprint a receipt", classes="section")
            with Horizontal(classes="row"):
                yield TextField(placeholder="Request number", id="number")
                yield Select(
                    [("Arabic", Language.ARABIC.value), ("English", Language.ENGLISH.value)],
                    value=Language.ARABIC.value,
                    allow_blank=False,
                    id="language",
                )
                yield Button("Print", variant="primary", id="print")
            yield Label("Verify a receipt (paste the text of its QR code)", classes="section")
            with Horizontal(classes="row"):
                yield TextField(placeholder="QR payload", id="payload")
                yield Button("Verify", id="verify")
            yield Static(id="verdict", markup=False)
            yield Label("Print queue", classes="section")
            yield DataTable(id="queue", cursor_type="row")
            with Horizontal(classes="row"):
                yield Button("Retry highlighted", id="retry")
                yield Button("Drop highlighted", variant="error", id="drop")
        yield KeyFooter()

    def on_mount(self) -> None:
        """Set up the queue's columns, then load it."""
        self.query_one("#queue", DataTable).add_columns(
            "Receipt", "Request", "Spooled (Riyadh)", "State", "Attempts", "Problem"
        )

    def show_latest(self) -> None:
        """Read the print queue as it is now."""
        super().show_latest()
        self.load_queue()

    @work(exclusive=True, group="read", exit_on_error=False)
    async def load_queue(self) -> None:
        """Read the print queue off the event loop and show it (a newer read cancels this)."""
        jobs: Sequence[QueuedReceipt] = await asyncio.to_thread(self.session.print_queue)
        table = self.query_one("#queue", DataTable)
        table.clear()
        for job in jobs:
            # The spool is a folder of files: its cells take the one safe path too.
            table.add_row(
                self.shown(job.job_id),
                self.shown(job.request_number),
                riyadh_stamp(job.created),
                job.standing,
                str(job.attempts),
                problem_sentence(job.problem, staff_words()) if job.problem else "",
                key=job.job_id,
            )

    def _highlighted_job(self) -> str | None:
        table = self.query_one("#queue", DataTable)
        if table.row_count == 0:
            self.notify("The print queue is empty.")
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return str(key) if key is not None else None

    @on(Input.Submitted, "#number")
    @on(Button.Pressed, "#print")
    def reprint(self) -> None:
        """Print the typed request's receipt in the chosen language."""
        number = self.query_one("#number", Input).value
        language = Language(str(self.query_one("#language", Select).value))
        self.print_receipt(lambda: self.session.reprint(number, language))

    @work(group="write", exit_on_error=False)
    async def print_receipt(self, printing: Callable[[], PrintOutcome]) -> None:
        """Run *printing* (a reprint or a retry) off the event loop; say how it went."""
        outcome = await asyncio.to_thread(printing)
        self.notify(outcome_text(outcome), severity="information" if outcome.printed else "warning")
        self.show_latest()

    @on(Input.Submitted, "#payload")
    @on(Button.Pressed, "#verify")
    def verify(self) -> None:
        """Check the pasted payload against the office key and the data."""
        payload = self.query_one("#payload", Input).value
        self.query_one("#verdict", Static).update("Checking…")  # never the last receipt's verdict
        self.check_receipt(payload)

    @work(exclusive=True, group="verify", exit_on_error=False)
    async def check_receipt(self, payload: str) -> None:
        """Verify *payload* off the event loop and show the verdict."""
        verification = await asyncio.to_thread(self.session.verify_receipt, payload)
        self.query_one("#verdict", Static).update("\n".join(verification.lines()))

    def report(self, error: Exception) -> None:
        """Show *error*, and clear a verdict that would otherwise look like the answer."""
        self.query_one("#verdict", Static).update("")
        super().report(error)

    @on(Button.Pressed, "#retry")
    def retry(self) -> None:
        """Send the highlighted job to the printer again."""
        job_id = self._highlighted_job()
        if job_id is not None:
            self.print_receipt(lambda: self.session.retry_print(job_id))

    @on(Button.Pressed, "#drop")
    def drop(self) -> None:
        """Remove the highlighted job without printing it."""
        job_id = self._highlighted_job()
        if job_id is not None:
            self.drop_job(job_id)

    @work(group="write", exit_on_error=False)
    async def drop_job(self, job_id: str) -> None:
        """Remove job *job_id* from the queue off the event loop; say which receipt it was."""
        job = await asyncio.to_thread(self.session.drop_print, job_id)
        self.notify(f"Receipt {job.job_id} of request {job.request_number} was dropped.")
        self.show_latest()

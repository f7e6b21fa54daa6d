"""Supervisors' tools: unlock an applicant, reset a password, and manage the staff table."""

import asyncio
from collections.abc import Callable
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, DataTable, Input, Label, Select

from kiosk.domain.models import StaffMember, StaffRole
from kiosk.domain.typed_text import NAME_LIMIT, drawn_text
from screens.staff.base import StaffScreen
from widgets import KeyFooter, TextField, TitleHeader


class StaffSupervisorScreen(StaffScreen):
    """Account and staff management; every action is checked again as a supervisor's."""

    CSS_PATH = "supervisor.tcss"

    def compose(self) -> ComposeResult:
        """The applicant tools above the staff table and its form."""
        yield TitleHeader()
        with VerticalScroll(id="body"):
            yield Label("Applicant account", classes="section")
            with Horizontal(classes="row"):
                yield TextField(placeholder="ID number", id="applicant")
                yield Button("Unlock", id="unlock")
            with Horizontal(classes="row"):
                yield TextField(
                    placeholder="New password (8+ characters)", password=True, id="password"
                )
                yield Button("Reset password", id="reset")
            yield Label("Staff (their SSH login names)", classes="section")
            yield DataTable(id="staff", cursor_type="row")
            with Horizontal(classes="row"):
                yield TextField(placeholder="Login name", id="username")
                yield TextField(placeholder="Name shown in the console", id="name")
                yield Select(
                    [(role.value, role.value) for role in StaffRole],
                    value=StaffRole.STAFF.value,
                    allow_blank=False,
                    id="role",
                )
            with Horizontal(classes="row"):
                yield Button("Save member", variant="primary", id="put")
                yield Button("Remove member", variant="error", id="remove")
        yield KeyFooter()

    def on_mount(self) -> None:
        """Set up the staff table, then load it."""
        self.query_one("#staff", DataTable).add_columns("Login", "Name", "Role")

    def show_latest(self) -> None:
        """Read the staff table as stored now."""
        super().show_latest()
        self.load_staff()

    @work(exclusive=True, group="read", exit_on_error=False)
    async def load_staff(self) -> None:
        """Read the staff table off the event loop and show it."""
        members: list[StaffMember] = await asyncio.to_thread(self.session.staff_members)
        table = self.query_one("#staff", DataTable)
        table.clear()
        for member in members:
            table.add_row(
                self.shown(member.username, NAME_LIMIT),
                self.shown(member.display_name, NAME_LIMIT),
                member.role.value,
                key=member.username,
            )

    @on(DataTable.RowSelected, "#staff")
    def _fill_form(self, event: DataTable.RowSelected) -> None:
        username = event.row_key.value
        for member in self.session.staff_members():
            if member.username == username:
                self.query_one("#username", Input).value = member.username
                self.query_one("#name", Input).value = drawn_text(member.display_name, NAME_LIMIT)
                self.query_one("#role", Select).value = member.role.value

    def _applicant_id(self) -> str:
        return self.query_one("#applicant", Input).value

    @on(Button.Pressed, "#unlock")
    def unlock(self) -> None:
        """Clear the applicant's failed sign-ins and lock."""
        typed = self._applicant_id()
        self.act(
            lambda: self.session.unlock_applicant(typed),
            lambda _: "The applicant can sign in again.",
        )

    @on(Button.Pressed, "#reset")
    def reset_password(self) -> None:
        """Give the applicant the typed password (hashed in the background)."""
        typed = self._applicant_id()
        password_field = self.query_one("#password", Input)
        password = password_field.value
        password_field.value = ""
        self.act(
            lambda: self.session.reset_password(typed, password),
            lambda _: "The password is reset; the applicant can sign in with it.",
        )

    @on(Button.Pressed, "#put")
    def put_member(self) -> None:
        """Add the member in the form, or change their name or role."""
        username = self.query_one("#username", Input).value
        name = self.query_one("#name", Input).value
        role = StaffRole(str(self.query_one("#role", Select).value))
        self.act(
            lambda: self.session.put_staff(username, name, role),
            lambda member: f"{member.username} is saved as {member.role.value}.",
        )

    @on(Button.Pressed, "#remove")
    def remove_member(self) -> None:
        """Remove the member named in the form."""
        username = self.query_one("#username", Input).value.strip()
        self.act(
            lambda: self.session.remove_staff(username),
            lambda _: f"{username} can no longer use the staff console.",
        )

    @work(group="write", exit_on_error=False)
    async def act(self, change: Callable[[], Any], saying: Callable[[Any], str]) -> None:
        """Make *change* off the event loop (the service checks the supervisor's role again),
        then say what *saying* makes of its result and show the staff table as it is now."""
        done = await asyncio.to_thread(change)
        self.notify(saying(done), markup=False)
        self.show_latest()

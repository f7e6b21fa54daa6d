"""The one factory that builds the Textual apps for the CLI and for the tests alike."""

import os
from typing import Any

from kiosk.app.kiosk import KioskApp
from kiosk.app.staff import StaffApp
from kiosk.services import Services
from kiosk.services.staff import StaffSession, client_address, login_name


def make_kiosk_app(services: Services, language: str = "ar") -> KioskApp:
    """The resident kiosk app."""
    return KioskApp(services, language)


def make_staff_app(
    services: Services,
    username: str | None = None,
    client: str | None = None,
    **options: Any,
) -> StaffApp:
    """The staff console of *username* (default: the login user) connected from *client*.

    The client defaults to the address in ``SSH_CONNECTION``. NotAllowed, before any screen is
    drawn, when the user is not in the staff table. *options* go to StaffApp (tests set the
    clock and the signal handling).
    """
    session = StaffSession(
        services,
        username if username is not None else login_name(),
        client if client is not None else client_address(os.environ),
    )
    options.setdefault("idle_minutes", services.config.staff_session_idle_minutes)
    return StaffApp(session, **options)

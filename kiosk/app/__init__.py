"""The one factory that builds the Textual apps for the CLI and for the tests alike."""

import os
from typing import Any

from kiosk.app.kiosk import KioskApp
from kiosk.app.staff import StaffApp
from kiosk.services import Services
from kiosk.services.receipts import ReceiptService
from kiosk.services.receipts_port import ReceiptPrinting
from kiosk.services.staff import StaffSession, client_address, login_name


def make_kiosk_app(
    services: Services,
    language: str = "ar",
    receipts: ReceiptPrinting | None = None,
    **options: Any,
) -> KioskApp:
    """The resident kiosk over *services*, Welcome first in *language*.

    *receipts* prints the receipts (default: the receipt service of *services*, with the
    configured printer). *options* go to KioskApp (tests set the idle clock and the signal
    handling).
    """
    printing = receipts if receipts is not None else ReceiptService.open(services)
    return KioskApp(services, language, printing, **options)


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

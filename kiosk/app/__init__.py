"""The one factory that builds the Textual apps for the CLI and for the tests alike.

The kiosk's path to its first screen imports only what Welcome needs: the staff console, the
receipt service (escpos, PIL, qrcode) and the other screens are imported when first used.
"""

import os
import threading
from typing import TYPE_CHECKING, Any

from kiosk.app.kiosk import KioskApp
from kiosk.domain.languages import Language
from kiosk.domain.models import TawasulRequest
from kiosk.errors import StoreUnreachable
from kiosk.services import Services
from kiosk.services.receipts_port import PrintOutcome, ReceiptPrinting

if TYPE_CHECKING:
    from kiosk.app.staff import StaffApp


class ReceiptsOnFirstUse:
    """The receipt service of *services*, built on the first print (in the print worker).

    Building it imports escpos, PIL and qrcode (~100-200 ms): the kiosk's first screen must not
    wait for that.
    """

    def __init__(self, services: Services) -> None:
        """Receipts of *services*, with the configured printer, once asked for."""
        self._services = services
        self._service: ReceiptPrinting | None = None
        self._building = threading.Lock()

    def _receipts(self) -> ReceiptPrinting:
        with self._building:
            if self._service is None:
                from kiosk.services.receipts import ReceiptService

                self._service = ReceiptService.open(self._services)
            return self._service

    def print_receipt(self, request: TawasulRequest, language: Language) -> PrintOutcome:
        """Build the receipt service if need be, then print (blocking: call from a worker)."""
        return self._receipts().print_receipt(request, language)

    def visit_ended(self, applicant_id: str) -> None:
        """Settle the unprinted jobs of *applicant_id*, a previous run's included."""
        self._receipts().visit_ended(applicant_id)


def make_kiosk_app(
    services: Services,
    language: Language = Language.ARABIC,
    receipts: ReceiptPrinting | None = None,
    **options: Any,
) -> KioskApp:
    """The resident kiosk over *services*, Welcome first in *language*.

    *receipts* prints the receipts (default: the receipt service of *services*, with the
    configured printer, built on first use). *options* go to KioskApp (tests set the idle
    clock and the signal handling).
    """
    printing = receipts if receipts is not None else ReceiptsOnFirstUse(services)
    return KioskApp(services, language, printing, **options)


def start_kiosk(services: Services, language: Language, **options: Any) -> KioskApp:
    """The kiosk as ``tawasul kiosk`` starts it (and the benchmark measures it).

    The data file's frame is read now (MissingDataFile or DamagedDataFile stop the start), and
    the sign-in methods are checked (Nafath without credentials stops it too); a database
    server that cannot be reached does not stop it: it starts out of service until it answers;
    every document is verified in a worker once Welcome is up, and damage found there shows
    "out of service" and ends the app with code 1; the checks of ``tawasul doctor`` the kiosk
    stays out of service for are made then too.
    """
    unreachable: StoreUnreachable | None = None
    try:
        services.check_data_frame()
    except StoreUnreachable as gone:
        # A database server not up yet (the host booted first): the kiosk starts out of
        # service and comes to Welcome once it answers, instead of exiting over and over.
        unreachable = gone
    services.check_sign_in()
    return make_kiosk_app(
        services,
        language,
        verify_data=True,
        check_health=True,
        unreachable=unreachable,
        **options,
    )


def start_staff_console(services: Services, **options: Any) -> "StaffApp":
    """The staff console as ``tawasul staff`` starts it (and the benchmark measures it), for the
    login user.

    As for the kiosk, the data file's frame is read now (MissingDataFile or DamagedDataFile stop
    the start) and every document is verified once the first list of requests is drawn;
    damage found there ends the console with ``data_error`` set.
    """
    services.check_data_frame()
    return make_staff_app(services, verify_data=True, **options)


def make_staff_app(
    services: Services,
    username: str | None = None,
    client: str | None = None,
    **options: Any,
) -> "StaffApp":
    """The staff console of *username* (default: the login user) connected from *client*.

    The client defaults to the address in ``SSH_CONNECTION``. NotAllowed, before any screen is
    drawn, when the user is not in the staff table. *options* go to StaffApp (tests set the
    clock and the signal handling).
    """
    # Imported here: the kiosk never needs the staff console's screens.
    from kiosk.app.staff import StaffApp
    from kiosk.services.staff import StaffSession, client_address, login_name

    session = StaffSession(
        services,
        username if username is not None else login_name(),
        client if client is not None else client_address(os.environ),
    )
    options.setdefault("idle_minutes", services.config.staff_session_idle_minutes)
    return StaffApp(session, **options)

"""The one factory that builds the Textual apps for the CLI and for the tests alike."""

from kiosk.app.kiosk import KioskApp
from kiosk.app.staff import StaffApp
from kiosk.services import Services


def make_kiosk_app(services: Services, language: str = "ar") -> KioskApp:
    """The resident kiosk app."""
    return KioskApp(services, language)


def make_staff_app(services: Services) -> StaffApp:
    """The staff console app."""
    return StaffApp(services)

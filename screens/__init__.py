"""Textual screens of Tawasul Kiosk (the resident screens here; staff screens are staff_*).

Each name is imported from its module when first asked for (PEP 562): the kiosk draws Welcome
without importing the screens that come later (the status screen alone pulls QR codes in).
"""

from typing import TYPE_CHECKING

from kiosk.lazy import lazy_exports

if TYPE_CHECKING:
    from kiosk.services.guards import PinVerdict
    from screens.base import ResidentScreen
    from screens.context import KioskContext
    from screens.exit_pin import ExitPinScreen
    from screens.help import HelpScreen
    from screens.out_of_service import OutOfServiceScreen
    from screens.print_fallback import PrintFallbackScreen
    from screens.request_list import RequestListScreen
    from screens.request_number import RequestNumberScreen
    from screens.request_types import RequestTypeScreen
    from screens.sign_in import SignInScreen
    from screens.staff_audit import StaffAuditScreen as StaffAuditScreen
    from screens.staff_banner import StaffBannerScreen as StaffBannerScreen
    from screens.staff_note import InternalNoteDialog as InternalNoteDialog
    from screens.staff_receipts import StaffReceiptsScreen as StaffReceiptsScreen
    from screens.staff_request import StaffRequestScreen as StaffRequestScreen
    from screens.staff_requests import StaffRequestsScreen as StaffRequestsScreen
    from screens.staff_status_change import StatusChangeDialog as StatusChangeDialog
    from screens.staff_supervisor import StaffSupervisorScreen as StaffSupervisorScreen
    from screens.status import StatusScreen
    from screens.welcome import WelcomeScreen

# Where each re-exported name lives.
__getattr__ = lazy_exports(
    __name__,
    {
        "ResidentScreen": "screens.base",
        "KioskContext": "screens.context",
        "ExitPinScreen": "screens.exit_pin",
        "PinVerdict": "kiosk.services.guards",
        "HelpScreen": "screens.help",
        "OutOfServiceScreen": "screens.out_of_service",
        "PrintFallbackScreen": "screens.print_fallback",
        "RequestListScreen": "screens.request_list",
        "RequestNumberScreen": "screens.request_number",
        "RequestTypeScreen": "screens.request_types",
        "SignInScreen": "screens.sign_in",
        "StaffAuditScreen": "screens.staff_audit",
        "StaffBannerScreen": "screens.staff_banner",
        "InternalNoteDialog": "screens.staff_note",
        "StaffReceiptsScreen": "screens.staff_receipts",
        "StaffRequestScreen": "screens.staff_request",
        "StaffRequestsScreen": "screens.staff_requests",
        "StatusChangeDialog": "screens.staff_status_change",
        "StaffSupervisorScreen": "screens.staff_supervisor",
        "StatusScreen": "screens.status",
        "WelcomeScreen": "screens.welcome",
    },
)

# The resident screens; the staff screens are re-exported above under their own names.
__all__ = [
    "ExitPinScreen",
    "HelpScreen",
    "KioskContext",
    "OutOfServiceScreen",
    "PinVerdict",
    "PrintFallbackScreen",
    "RequestListScreen",
    "RequestNumberScreen",
    "RequestTypeScreen",
    "ResidentScreen",
    "SignInScreen",
    "StatusScreen",
    "WelcomeScreen",
]

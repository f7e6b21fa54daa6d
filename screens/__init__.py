"""Textual screens of Tawasul Kiosk (the resident screens here; staff screens are staff_*)."""

from screens.base import ResidentScreen
from screens.context import KioskContext, LookupThrottle
from screens.exit_pin import ExitPinScreen, PinVerdict
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

# The resident screens; the staff screens are re-exported above under their own names.
__all__ = [
    "ExitPinScreen",
    "HelpScreen",
    "KioskContext",
    "LookupThrottle",
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

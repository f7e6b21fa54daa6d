"""The resident's screens: Welcome, sign-in, the request list, the status and its
receipt, and answering a returned request.

Each name is imported from its module when first asked for (PEP 562, see ``kiosk.lazy``): the
kiosk draws Welcome without importing the screens that come later (the status screen alone pulls
QR codes in).
"""

from typing import TYPE_CHECKING

from kiosk.lazy import lazy_exports

if TYPE_CHECKING:
    from screens.resident.answer import AnswerReviewScreen, AnswerScreen
    from screens.resident.base import ResidentScreen
    from screens.resident.context import KioskContext
    from screens.resident.exit_pin import ExitPinScreen
    from screens.resident.help import HelpScreen
    from screens.resident.idle_countdown import IdleCountdown
    from screens.resident.out_of_service import OutOfServiceScreen
    from screens.resident.print_fallback import PrintFallbackScreen
    from screens.resident.request_list import RequestListScreen
    from screens.resident.request_number import RequestNumberScreen
    from screens.resident.request_types import RequestTypeScreen
    from screens.resident.sign_in import SignInScreen
    from screens.resident.status import StatusScreen
    from screens.resident.welcome import WelcomeScreen

__getattr__ = lazy_exports(
    __name__,
    {
        "AnswerReviewScreen": "screens.resident.answer",
        "AnswerScreen": "screens.resident.answer",
        "ExitPinScreen": "screens.resident.exit_pin",
        "HelpScreen": "screens.resident.help",
        "IdleCountdown": "screens.resident.idle_countdown",
        "KioskContext": "screens.resident.context",
        "OutOfServiceScreen": "screens.resident.out_of_service",
        "PrintFallbackScreen": "screens.resident.print_fallback",
        "RequestListScreen": "screens.resident.request_list",
        "RequestNumberScreen": "screens.resident.request_number",
        "RequestTypeScreen": "screens.resident.request_types",
        "ResidentScreen": "screens.resident.base",
        "SignInScreen": "screens.resident.sign_in",
        "StatusScreen": "screens.resident.status",
        "WelcomeScreen": "screens.resident.welcome",
    },
)

__all__ = [
    "AnswerReviewScreen",
    "AnswerScreen",
    "ExitPinScreen",
    "HelpScreen",
    "IdleCountdown",
    "KioskContext",
    "OutOfServiceScreen",
    "PrintFallbackScreen",
    "RequestListScreen",
    "RequestNumberScreen",
    "RequestTypeScreen",
    "ResidentScreen",
    "SignInScreen",
    "StatusScreen",
    "WelcomeScreen",
]

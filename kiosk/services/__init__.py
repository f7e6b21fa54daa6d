"""Use cases of residents and staff, shared by the CLI and the screens.

Each name is imported from its module when first asked for (see ``kiosk.lazy``).
"""

from typing import TYPE_CHECKING

from kiosk.lazy import lazy_exports

if TYPE_CHECKING:
    from kiosk.services.accounts import AccountService, SignInOutcome, SignInResult
    from kiosk.services.bundle import Services
    from kiosk.services.requests import RequestFilter, RequestProgress, RequestService

__getattr__ = lazy_exports(
    __name__,
    {
        "AccountService": "kiosk.services.accounts",
        "SignInOutcome": "kiosk.services.accounts",
        "SignInResult": "kiosk.services.accounts",
        "Services": "kiosk.services.bundle",
        "RequestFilter": "kiosk.services.requests",
        "RequestProgress": "kiosk.services.requests",
        "RequestService": "kiosk.services.requests",
    },
)

__all__ = [
    "AccountService",
    "RequestFilter",
    "RequestProgress",
    "RequestService",
    "Services",
    "SignInOutcome",
    "SignInResult",
]

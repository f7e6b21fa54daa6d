"""Use cases of residents and staff, shared by the CLI and the screens."""

from kiosk.services.accounts import AccountService, SignInOutcome, SignInResult
from kiosk.services.bundle import Services
from kiosk.services.requests import RequestFilter, RequestProgress, RequestService

__all__ = [
    "AccountService",
    "RequestFilter",
    "RequestProgress",
    "RequestService",
    "Services",
    "SignInOutcome",
    "SignInResult",
]

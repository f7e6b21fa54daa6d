"""The shape of the Nafath integrators' API, shared by the client and the simulator.

No official document is public; the paths, fields, statuses and error codes are the ones that
independent integrations agree on (README: "Sign in with Nafath").
"""

import os
import tomllib
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from kiosk.errors import InvalidInput

DEFAULT_PORT = 8765
"""The port the simulator (kiosk.nafath.simulator) listens on unless told otherwise; here so
that the ``tawasul`` parser can name it without loading the simulator's JWT stack."""

LOGIN_WINDOW_SECONDS = 60.0
"""The decision window of Nafath's ``Login`` service."""

START_PATH = "/api/v1/mfa/request"
"""POST ``?local=ar|en&requestId=<uuid>`` with ``{nationalId, service}`` → ``{transId, random}``."""

STATUS_PATH = "/api/v1/mfa/request/status"
"""POST ``{nationalId, transId, random}`` → ``{status}`` (and, on COMPLETED, the ``token``)."""

JWKS_PATH = "/api/v1/mfa/jwk"
"""GET → the JSON Web Key Set whose keys sign the tokens (RS256)."""

APP_ID_HEADER = "APP-ID"
APP_KEY_HEADER = "APP-KEY"

APP_ID_VARIABLE = "TAWASUL_NAFATH_APP_ID"
"""The environment variable that holds the kiosk's (or the simulator's) APP-ID."""

APP_KEY_VARIABLE = "TAWASUL_NAFATH_APP_KEY"
"""The environment variable that holds the APP-KEY; never a command-line argument."""


class TransactionStatus(StrEnum):
    """Where a Nafath transaction stands, as the status endpoint says it."""

    WAITING = "WAITING"
    COMPLETED = "COMPLETED"
    REJECTED = "REJECTED"
    EXPIRED = "EXPIRED"


class ErrorCode(StrEnum):
    """The documented error codes the kiosk tells apart."""

    ALREADY_ACTIVE = "400-034-050"
    """A transaction is already active for this ID (one at a time)."""
    EXPIRED = "400-034-051"
    NOT_FOUND = "400-034-053"
    NOT_APPROVED_YET = "401-033-024"
    """Pending: not a failure."""
    INVALID_DATA = "422-031-046"
    """Invalid data, or a service the APP-ID is not registered for."""
    WRONG_CREDENTIALS = "403"


ERROR_MESSAGES = {
    ErrorCode.ALREADY_ACTIVE: "A transaction is already active for this ID.",
    ErrorCode.EXPIRED: "The transaction has expired.",
    ErrorCode.NOT_FOUND: "No such transaction.",
    ErrorCode.NOT_APPROVED_YET: "The transaction is not approved yet.",
    ErrorCode.INVALID_DATA: "Invalid data or unknown service.",
    ErrorCode.WRONG_CREDENTIALS: "Wrong APP-ID or APP-KEY for this environment.",
}
"""What each error code means, as the answers' ``message`` says it."""


class ProviderFault(StrEnum):
    """Why the identity provider did not answer as asked (what the resident is told follows)."""

    ALREADY_ACTIVE = "already_active"
    UNREACHABLE = "unreachable"
    """No answer, a timeout, a server error or an answer that is not the API's."""
    REFUSED = "refused"
    """Wrong credentials, invalid data, an unknown transaction: the kiosk's setup is wrong."""


class ProviderError(Exception):
    """The identity provider could not do what was asked; *fault* says why."""

    def __init__(self, fault: ProviderFault, detail: str) -> None:
        """*fault*, with *detail* for the log (never shown to a resident)."""
        super().__init__(detail)
        self.fault = fault


@dataclass(frozen=True)
class Transaction:
    """A started Nafath transaction: the person's ID, its id, and the number to show."""

    national_id: str
    trans_id: str
    random: str
    request_id: str


@dataclass(frozen=True)
class StatusAnswer:
    """The status endpoint's answer: the status and, once COMPLETED, the signed token."""

    status: TransactionStatus
    token: str | None = None


@dataclass(frozen=True)
class Credentials:
    """The APP-ID and APP-KEY the integrator was given for one environment."""

    app_id: str
    app_key: str

    def headers(self) -> dict[str, str]:
        """The headers every request carries."""
        return {APP_ID_HEADER: self.app_id, APP_KEY_HEADER: self.app_key}


def load_credentials(path: str = "") -> Credentials:
    """The credentials from the environment, else from the TOML file *path*
    (``app_id = "…"``, ``app_key = "…"``); InvalidInput when neither holds both."""
    app_id = os.environ.get(APP_ID_VARIABLE, "")
    app_key = os.environ.get(APP_KEY_VARIABLE, "")
    if app_id and app_key:
        return Credentials(app_id, app_key)
    if path:
        try:
            raw = tomllib.loads(Path(path).read_text("utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
            raise InvalidInput(
                f"The Nafath credentials file {path} cannot be read: {error}."
            ) from None
        values = (raw.get("app_id"), raw.get("app_key"))
        if all(isinstance(value, str) and value for value in values):
            return Credentials(str(values[0]), str(values[1]))
        raise InvalidInput(f"The Nafath credentials file {path} needs app_id and app_key.")
    raise InvalidInput(
        f"Nafath needs credentials: set {APP_ID_VARIABLE} and {APP_KEY_VARIABLE}, "
        "or nafath.credentials_file in the configuration."
    )

"""A client of the Nafath integrators' API over HTTP (urllib), configured by URL and credentials.

Written against the documented shape (``kiosk.nafath.api``); in this repository it only ever
talks to ``tawasul nafath-sim``. It answers what the service said and never judges a token:
the sign-in use case verifies every token before it trusts it.
"""

import http.client
import json
import logging
import urllib.error
import urllib.request
import uuid
from typing import Any
from urllib.parse import urlencode

from kiosk.nafath.api import (
    JWKS_PATH,
    START_PATH,
    STATUS_PATH,
    Credentials,
    ErrorCode,
    ProviderError,
    ProviderFault,
    StatusAnswer,
    Transaction,
    TransactionStatus,
)

log = logging.getLogger("tawasul.nafath")

_FAULTS = {
    ErrorCode.ALREADY_ACTIVE: ProviderFault.ALREADY_ACTIVE,
    ErrorCode.INVALID_DATA: ProviderFault.REFUSED,
    ErrorCode.NOT_FOUND: ProviderFault.REFUSED,
    ErrorCode.WRONG_CREDENTIALS: ProviderFault.REFUSED,
}


class NafathClient:
    """Starts transactions, asks their status and reads the signing keys of one Nafath service."""

    def __init__(
        self, base_url: str, credentials: Credentials, service: str, timeout: float
    ) -> None:
        """The API at *base_url*, as the integrator *credentials*, for the Nafath *service*
        (``Login``), each request given up after *timeout* seconds."""
        self._base = base_url.rstrip("/")
        self._credentials = credentials
        self._service = service
        self._timeout = timeout

    def start(self, national_id: str, language: str) -> Transaction:
        """Ask Nafath to send the person *national_id* a request; the number to show comes back.

        ProviderError when it cannot (one already active, unreachable, refused).
        """
        request_id = str(uuid.uuid4())
        query = urlencode({"local": language, "requestId": request_id})
        answer = self._call(
            f"{START_PATH}?{query}", {"nationalId": national_id, "service": self._service}
        )
        trans_id, random = answer.get("transId"), answer.get("random")
        if not isinstance(trans_id, str) or not trans_id:
            raise ProviderError(ProviderFault.UNREACHABLE, "the start answer has no transId")
        number = str(random) if isinstance(random, int | str) else ""
        if not (number.isascii() and number.isdigit() and int(number) <= 99):
            raise ProviderError(ProviderFault.UNREACHABLE, "the start answer has no random")
        return Transaction(national_id, trans_id, number, request_id)

    def status(self, transaction: Transaction) -> StatusAnswer:
        """Where *transaction* stands; "not approved yet" is WAITING, "expired" is EXPIRED."""
        body = {
            "nationalId": transaction.national_id,
            "transId": transaction.trans_id,
            "random": transaction.random,
        }
        try:
            answer = self._call(STATUS_PATH, body)
        except _Coded as coded:
            if coded.code == ErrorCode.NOT_APPROVED_YET:
                return StatusAnswer(TransactionStatus.WAITING)
            if coded.code == ErrorCode.EXPIRED:
                return StatusAnswer(TransactionStatus.EXPIRED)
            raise coded.as_provider_error() from None
        try:
            status = TransactionStatus(str(answer.get("status")))
        except ValueError:
            raise ProviderError(
                ProviderFault.UNREACHABLE, "the status answer has no status"
            ) from None
        token = answer.get("token")
        return StatusAnswer(status, token if isinstance(token, str) else None)

    def signing_keys(self) -> dict[str, Any]:
        """The JSON Web Key Set that signs the tokens."""
        return self._call(JWKS_PATH, None)

    def _call(self, path: str, body: dict[str, str] | None) -> dict[str, Any]:
        """The JSON object answered to *body* POSTed to *path* (GET without a body).

        _Coded for an answer with an error code, ProviderError for everything else.
        """
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self._base + path,
            data=data,
            method="GET" if body is None else "POST",
            headers={"Content-Type": "application/json", **self._credentials.headers()},
        )
        try:
            with urllib.request.urlopen(request, timeout=self._timeout) as response:
                return _json_object(response.read())
        except urllib.error.HTTPError as error:
            with error:
                raise _Coded.from_answer(error.code, error.read()) from None
        except (urllib.error.URLError, OSError, http.client.HTTPException) as error:
            # Not listening, a timeout, a reset, or something there that does not speak HTTP.
            raise ProviderError(ProviderFault.UNREACHABLE, f"{self._base}: {error}") from None


def _json_object(raw: bytes) -> dict[str, Any]:
    try:
        value = json.loads(raw)
    except ValueError:
        raise ProviderError(ProviderFault.UNREACHABLE, "the answer is not JSON") from None
    if not isinstance(value, dict):
        raise ProviderError(ProviderFault.UNREACHABLE, "the answer is not a JSON object")
    return value


class _Coded(ProviderError):
    """An HTTP error answer: its status and the API's error code, when it has one."""

    def __init__(self, http_status: int, code: str, message: str) -> None:
        fault = _fault(http_status, code)
        super().__init__(fault, f"HTTP {http_status} {code}: {message}")
        self.code = code

    @classmethod
    def from_answer(cls, http_status: int, raw: bytes) -> "_Coded":
        try:
            answer = json.loads(raw)
        except ValueError:
            answer = {}
        if not isinstance(answer, dict):
            answer = {}
        code = answer.get("code")
        return cls(http_status, str(code) if code else str(http_status), str(answer.get("message")))

    def as_provider_error(self) -> ProviderError:
        return ProviderError(self.fault, str(self))


def _fault(http_status: int, code: str) -> ProviderFault:
    for known, fault in _FAULTS.items():
        if code == known:
            return fault
    if http_status in (401, 403, 404, 422):
        return ProviderFault.REFUSED
    return ProviderFault.UNREACHABLE

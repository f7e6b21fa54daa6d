"""A Nafath simulator on 127.0.0.1: the integrators' API, a decision window, signed completions.

Offices train staff with it and the tests run against it. It speaks the API of
``kiosk.nafath.api`` (one active transaction per ID, the documented error codes, WAITING /
COMPLETED / REJECTED / EXPIRED) and signs each completion with an RSA key made at start, whose
public half it publishes at the JWKS path. The resident's phone is played over ``/sim/phone``
(``tawasul nafath-sim approve|reject ID NUMBER``): choosing another number than the one shown
rejects the transaction, as a wrong pick does in the app.

One difference from the real service, on purpose: the real service delivers the token to the
integrator's registered callback; a kiosk hosts no callback, so the simulator hands the same
token back in the COMPLETED status answer (``token``), and the kiosk verifies it the same way.
"""

import http.client
import json
import secrets
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from kiosk.domain.identity import mask_id
from kiosk.nafath.api import (
    APP_ID_HEADER,
    APP_KEY_HEADER,
    DEFAULT_PORT,
    ERROR_MESSAGES,
    JWKS_PATH,
    LOGIN_WINDOW_SECONDS,
    START_PATH,
    STATUS_PATH,
    Credentials,
    ErrorCode,
    ProviderError,
    ProviderFault,
    TransactionStatus,
)

PHONE_PATH = "/sim/phone"
"""The simulator's own endpoint, the resident's phone: POST ``{nationalId, random, decision}``."""

DEFAULT_ISSUER = "tawasul-nafath-sim"
"""The ``iss`` of the simulator's tokens (the kiosk's ``nafath.issuer`` default)."""


TOKEN_LIFETIME_SECONDS = 300
SERVICES = frozenset({"Login"})
"""The services the simulated APP-ID is registered for; others are 422-031-046."""


@dataclass
class SimulatedTransaction:
    """One transaction: whose, its number, when it began, and how it stands."""

    national_id: str
    trans_id: str
    random: str
    request_id: str
    audience: str
    started: float
    status: TransactionStatus = TransactionStatus.WAITING
    token: str | None = None


class NafathSimulator:
    """The simulator's state and rules, apart from HTTP (the handler below calls these)."""

    def __init__(
        self,
        credentials: Credentials,
        window_seconds: float = LOGIN_WINDOW_SECONDS,
        issuer: str = DEFAULT_ISSUER,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        """Accept *credentials*; transactions wait *window_seconds* for the phone."""
        self.credentials = credentials
        self.window = window_seconds
        self.issuer = issuer
        self._monotonic = monotonic
        self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self._kid = uuid.uuid4().hex
        self._lock = threading.Lock()
        self._transactions: dict[str, SimulatedTransaction] = {}

    def jwks(self) -> dict[str, Any]:
        """The public half of the signing key, as a JSON Web Key Set."""
        key = RSAAlgorithm.to_jwk(self._key.public_key(), as_dict=True)
        return {"keys": [{**key, "kid": self._kid, "use": "sig", "alg": "RS256"}]}

    def _current(self, transaction: SimulatedTransaction) -> SimulatedTransaction:
        waiting = transaction.status is TransactionStatus.WAITING
        if waiting and self._monotonic() - transaction.started >= self.window:
            transaction.status = TransactionStatus.EXPIRED
        return transaction

    def start(
        self, national_id: object, service: object, audience: str, request_id: str
    ) -> SimulatedTransaction:
        """A new transaction for *national_id* (the integrator's *request_id*, for *audience*);
        _Refusal when the data is invalid or one is active for the ID."""
        if not _is_id(national_id) or service not in SERVICES:
            raise _Refusal(HTTPStatus.UNPROCESSABLE_ENTITY, ErrorCode.INVALID_DATA)
        assert isinstance(national_id, str)
        with self._lock:
            for transaction in self._transactions.values():
                same = transaction.national_id == national_id
                if same and self._current(transaction).status is TransactionStatus.WAITING:
                    raise _Refusal(HTTPStatus.BAD_REQUEST, ErrorCode.ALREADY_ACTIVE)
            transaction = SimulatedTransaction(
                national_id,
                str(uuid.uuid4()),
                str(secrets.randbelow(90) + 10),  # two digits, as the app shows them
                request_id,
                audience,
                self._monotonic(),
            )
            self._transactions[transaction.trans_id] = transaction
        return transaction

    def status(self, national_id: object, trans_id: object, random: object) -> SimulatedTransaction:
        """The transaction *trans_id*, if *national_id* and *random* are its own."""
        with self._lock:
            transaction = self._transactions.get(str(trans_id))
            if transaction is None or (national_id, random) != (
                transaction.national_id,
                transaction.random,
            ):
                raise _Refusal(HTTPStatus.BAD_REQUEST, ErrorCode.NOT_FOUND)
            return self._current(transaction)

    def answer_on_phone(self, national_id: object, random: object, approve: bool) -> str:
        """The person answers the waiting transaction of *national_id* by choosing *random*:
        the shown number approves it (or rejects it, as asked), any other number rejects it."""
        with self._lock:
            waiting = [
                t
                for t in self._transactions.values()
                if t.national_id == national_id
                and self._current(t).status is TransactionStatus.WAITING
            ]
            if not waiting:
                raise _Refusal(HTTPStatus.BAD_REQUEST, ErrorCode.NOT_FOUND)
            transaction = waiting[0]
            if str(random) != transaction.random:
                transaction.status = TransactionStatus.REJECTED
                return "REJECTED: the number chosen is not the one the kiosk shows"
            if not approve:
                transaction.status = TransactionStatus.REJECTED
                return "REJECTED"
            transaction.status = TransactionStatus.COMPLETED
            transaction.token = self._sign(transaction)
            return "COMPLETED"

    def _sign(self, transaction: SimulatedTransaction) -> str:
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": transaction.audience,
            "iat": now,
            "exp": now + TOKEN_LIFETIME_SECONDS,
            "jti": uuid.uuid4().hex,
            _id_claim(transaction.national_id): transaction.national_id,
            "transId": transaction.trans_id,
            "requestId": transaction.request_id,
            "firstName": "Simulated",
            "familyName": "Resident",
        }
        return jwt.encode(claims, self._key, algorithm="RS256", headers={"kid": self._kid})


def _is_id(value: object) -> bool:
    return (
        isinstance(value, str)
        and len(value) == 10
        and value.isascii()
        and value.isdigit()
        and value[0] in "1234"
    )


def _id_claim(national_id: str) -> str:
    """The claim that carries the person's number: citizens, residents, border numbers."""
    return {"1": "nin", "2": "iqamaNumber"}.get(national_id[0], "borderNumber")


class _Refusal(Exception):
    """An error answer of the API: an HTTP status and a documented code."""

    def __init__(self, http_status: HTTPStatus, code: ErrorCode) -> None:
        super().__init__(code.value)
        self.http_status = http_status
        self.code = code


def make_server(simulator: NafathSimulator, port: int = DEFAULT_PORT) -> ThreadingHTTPServer:
    """An HTTP server for *simulator* on 127.0.0.1:*port* (0: any free port)."""

    class Handler(BaseHTTPRequestHandler):
        server_version = "NafathSimulator/1"

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the simulator prints its own lines, without IDs in clear."""

        def do_GET(self) -> None:
            if urlsplit(self.path).path == JWKS_PATH:
                self._reply(HTTPStatus.OK, simulator.jwks())
            else:
                self._reply(HTTPStatus.NOT_FOUND, {"message": "Not found."})

        def do_POST(self) -> None:
            url = urlsplit(self.path)
            try:
                body = self._body()
                if url.path == PHONE_PATH:
                    decision = body.get("decision")
                    outcome = simulator.answer_on_phone(
                        body.get("nationalId"), body.get("random"), decision == "approve"
                    )
                    _say(f"phone {_masked(body.get('nationalId'))}: {outcome}")
                    self._reply(
                        HTTPStatus.OK, {"status": outcome.split(":")[0], "message": outcome}
                    )
                    return
                audience = self._authorised()
                if url.path == START_PATH:
                    transaction = simulator.start(
                        body.get("nationalId"),
                        body.get("service"),
                        audience,
                        parse_qs(url.query).get("requestId", [""])[0],
                    )
                    _say(
                        f"request for {mask_id(transaction.national_id)}: "
                        f"number {transaction.random}"
                    )
                    self._reply(
                        HTTPStatus.OK,
                        {"transId": transaction.trans_id, "random": transaction.random},
                    )
                elif url.path == STATUS_PATH:
                    found = simulator.status(
                        body.get("nationalId"), body.get("transId"), body.get("random")
                    )
                    answer: dict[str, Any] = {"status": found.status.value}
                    if found.status is TransactionStatus.COMPLETED:
                        answer["token"] = found.token
                    self._reply(HTTPStatus.OK, answer)
                else:
                    self._reply(HTTPStatus.NOT_FOUND, {"message": "Not found."})
            except _Refusal as refusal:
                self._reply(
                    refusal.http_status,
                    {"code": refusal.code.value, "message": ERROR_MESSAGES[refusal.code]},
                )

        def _authorised(self) -> str:
            """The APP-ID, once it and the APP-KEY are the simulator's; else a 403."""
            given = (self.headers.get(APP_ID_HEADER), self.headers.get(APP_KEY_HEADER))
            expected = (simulator.credentials.app_id, simulator.credentials.app_key)
            if not all(given) or not all(
                secrets.compare_digest(str(a), b) for a, b in zip(given, expected, strict=True)
            ):
                raise _Refusal(HTTPStatus.FORBIDDEN, ErrorCode.WRONG_CREDENTIALS)
            return expected[0]

        def _body(self) -> dict[str, Any]:
            length = int(self.headers.get("Content-Length") or 0)
            try:
                body = json.loads(self.rfile.read(min(length, 64 * 1024)) or b"{}")
            except ValueError:
                raise _Refusal(HTTPStatus.UNPROCESSABLE_ENTITY, ErrorCode.INVALID_DATA) from None
            if not isinstance(body, dict):
                raise _Refusal(HTTPStatus.UNPROCESSABLE_ENTITY, ErrorCode.INVALID_DATA)
            return body

        def _reply(self, status: HTTPStatus, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return ThreadingHTTPServer(("127.0.0.1", port), Handler)


def _masked(value: object) -> str:
    return mask_id(value) if isinstance(value, str) and len(value) >= 4 else "?"


def _say(line: str) -> None:
    print(f"nafath-sim: {line}", flush=True)


def answer_on_phone(base_url: str, national_id: str, number: str, approve: bool) -> str:
    """Play the resident's phone at the simulator *base_url*: choose *number* for the waiting
    request of *national_id*, approving it or not; the simulator's sentence comes back.

    ProviderError when the simulator cannot be reached or no request is waiting.
    """
    body = json.dumps(
        {
            "nationalId": national_id,
            "random": number,
            "decision": "approve" if approve else "reject",
        }
    ).encode()
    request = urllib.request.Request(
        base_url.rstrip("/") + PHONE_PATH,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            answer = json.loads(response.read())
        return str(answer.get("message", "")) if isinstance(answer, dict) else ""
    except urllib.error.HTTPError as error:
        with error:
            raise ProviderError(
                ProviderFault.REFUSED, "no Nafath request is waiting for this ID"
            ) from None
    except (urllib.error.URLError, OSError, http.client.HTTPException, ValueError) as error:
        raise ProviderError(
            ProviderFault.UNREACHABLE, f"the simulator at {base_url} cannot be reached: {error}"
        ) from None

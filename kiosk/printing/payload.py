"""The signed QR payload of a receipt, and the key that signs it.

Format (version 1), eight fields joined by ``/``::

    TW1/9123456782/UR/20261125T070000Z/000042/KIOSK-01/ABCD/K7Q2M4XW9P3R5T6Y

1. ``TW1``: format and version;
2. the request number (10 digits);
3. the status at printing, as a two-letter code (``STATUS_CODES``);
4. the time of issue in UTC, ``YYYYMMDDTHHMMSSZ``;
5. the receipt serial (digits);
6. the kiosk id (``A-Z``, ``0-9``, ``-``; at most 16 characters);
7. the key id: the first 4 base32 characters of SHA-256 of the key, so a receipt signed with
   another kiosk's key is told apart from a tampered one;
8. the signature: HMAC-SHA256 with the key over fields 1 to 7 joined by ``/``, truncated to 10
   bytes (80 bits) and written in base32 without padding (16 characters).

Every character is in the QR alphanumeric set, so the code stays small (version 4 or 5 at
error-correction level M). No name and no ID number are in it: only what staff need to look the
request up and check that the receipt is genuine.
"""

import base64
import contextlib
import hashlib
import hmac
import os
import re
import secrets
import stat
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

from kiosk.domain.calendar import riyadh_time
from kiosk.domain.statuses import RequestStatus
from kiosk.errors import InvalidInput, StoreUnwritable, TawasulError

PAYLOAD_VERSION = "TW1"
SEPARATOR = "/"
SIGNATURE_BYTES = 10
KEY_BYTES = 32

STATUS_CODES: dict[RequestStatus, str] = {
    RequestStatus.UNDER_REVIEW: "UR",
    RequestStatus.RETURNED: "RT",
    RequestStatus.RESUBMITTED: "RS",
    RequestStatus.ACCEPTED: "AC",
    RequestStatus.REJECTED: "RJ",
    RequestStatus.CLOSED: "CL",
}
_STATUS_BY_CODE = {code: status for status, code in STATUS_CODES.items()}

_TIME_FORMAT = "%Y%m%dT%H%M%SZ"
_FIELD_PATTERNS = (
    re.compile(r"TW1"),
    re.compile(r"9[0-9]{9}"),
    re.compile("|".join(STATUS_CODES.values())),
    re.compile(r"[0-9]{8}T[0-9]{6}Z"),
    re.compile(r"[0-9]{1,12}"),
    re.compile(r"[A-Z0-9-]{1,16}"),
    re.compile(r"[A-Z2-7]{4}"),
    re.compile(r"[A-Z2-7]{16}"),
)
_FIELD_NAMES = (
    "version",
    "request number",
    "status",
    "time of issue",
    "serial",
    "kiosk id",
    "key id",
    "signature",
)
_KIOSK_ID_OUTSIDE = re.compile(r"[^A-Z0-9-]")


class ReceiptKeyError(TawasulError):
    """The receipt key file cannot be used (unreadable, damaged or readable by others)."""


def kiosk_id_for_payload(kiosk_id: str) -> str:
    """*kiosk_id* in the payload's alphabet: upper case, other characters as ``-``, 16 at most."""
    cleaned = _KIOSK_ID_OUTSIDE.sub("-", kiosk_id.strip().upper())[:16]
    return cleaned or "KIOSK"


@dataclass(frozen=True)
class ReceiptPayload:
    """What a receipt's QR code says, before or after signing."""

    request_number: str
    status: RequestStatus
    issued: datetime
    serial: str
    kiosk_id: str
    key_id: str = ""
    signature: str = ""

    def signed_part(self) -> str:
        """Fields 1 to 7 joined, the exact text the signature covers."""
        return SEPARATOR.join(
            (
                PAYLOAD_VERSION,
                self.request_number,
                STATUS_CODES[self.status],
                _format_time(self.issued),
                self.serial,
                self.kiosk_id,
                self.key_id,
            )
        )

    def text(self) -> str:
        """The whole payload as it goes into the QR code."""
        return f"{self.signed_part()}{SEPARATOR}{self.signature}"


class ReceiptKey:
    """The secret that signs receipts, with the short id printed beside each signature."""

    def __init__(self, secret: bytes) -> None:
        """Use *secret* (at least 16 bytes) as the HMAC key."""
        if len(secret) < 16:
            raise ReceiptKeyError("A receipt key must hold at least 16 bytes.")
        self._secret = secret
        digest = hashlib.sha256(secret).digest()
        self.key_id = base64.b32encode(digest).decode("ascii")[:4]

    def sign(self, payload: ReceiptPayload) -> ReceiptPayload:
        """*payload* with this key's id and signature filled in."""
        stamped = replace(
            payload,
            issued=payload.issued.astimezone(UTC).replace(microsecond=0),
            kiosk_id=kiosk_id_for_payload(payload.kiosk_id),
            key_id=self.key_id,
            signature="",
        )
        return replace(stamped, signature=self._mac(stamped))

    def _mac(self, payload: ReceiptPayload) -> str:
        digest = hmac.new(self._secret, payload.signed_part().encode("ascii"), hashlib.sha256)
        return base64.b32encode(digest.digest()[:SIGNATURE_BYTES]).decode("ascii")

    def digest(self, text: str) -> str:
        """A keyed hash of *text* (used to tag spooled jobs without keeping an ID in clear)."""
        return hmac.new(self._secret, text.encode("utf-8"), hashlib.sha256).hexdigest()[:24]

    def check(self, payload: ReceiptPayload) -> "Verdict":
        """Whether *payload*'s signature is this key's, another key's, or wrong."""
        if payload.key_id != self.key_id:
            return Verdict.OTHER_KEY
        if hmac.compare_digest(self._mac(payload), payload.signature):
            return Verdict.AUTHENTIC
        return Verdict.TAMPERED


class Verdict(StrEnum):
    """The outcome of checking a payload's signature."""

    AUTHENTIC = "authentic"
    TAMPERED = "tampered"
    OTHER_KEY = "other_key"


def _format_time(moment: datetime) -> str:
    # Not strftime: it drops the leading zeros of years before 1000, breaking the round trip.
    t = moment.astimezone(UTC)
    return f"{t.year:04d}{t.month:02d}{t.day:02d}T{t.hour:02d}{t.minute:02d}{t.second:02d}Z"


def parse_payload(text: str) -> ReceiptPayload:
    """The payload in *text*, or InvalidInput naming the first field that is wrong.

    Only the format is checked here; the signature is checked by ``ReceiptKey.check``.
    """
    fields = text.strip().split(SEPARATOR)
    if len(fields) != len(_FIELD_PATTERNS):
        raise InvalidInput(
            f"This is not a Tawasul receipt code: it has {len(fields)} parts, not "
            f"{len(_FIELD_PATTERNS)}."
        )
    for value, pattern, name in zip(fields, _FIELD_PATTERNS, _FIELD_NAMES, strict=True):
        if not pattern.fullmatch(value):
            raise InvalidInput(f"This is not a Tawasul receipt code: its {name} is malformed.")
    try:
        issued = datetime.strptime(fields[3], _TIME_FORMAT).replace(tzinfo=UTC)
        riyadh_time(issued)  # the last hours of 9999 (UTC) have no Riyadh time to show
    except (ValueError, OverflowError):
        raise InvalidInput("This is not a Tawasul receipt code: its time is impossible.") from None
    return ReceiptPayload(
        request_number=fields[1],
        status=_STATUS_BY_CODE[fields[2]],
        issued=issued,
        serial=fields[4],
        kiosk_id=fields[5],
        key_id=fields[6],
        signature=fields[7],
    )


def load_or_create_key(path: Path) -> ReceiptKey:
    """The key in *path*, made on first use (random, mode 0640) if the file does not exist.

    The kiosk account and the staff accounts share the data file's group, and staff verify and
    reprint receipts, so the group may read the key. A key that everyone else may read is refused,
    like ssh refuses an open private key: whoever reads it can sign receipts.
    """
    try:
        return read_key(path)
    except FileNotFoundError:
        pass
    try:
        _create_key(path)
    except OSError as error:
        raise StoreUnwritable(
            f"There is no receipt key at {path}, and it cannot be made there: "
            f"{error.strerror or error}."
        ) from None
    return read_key(path)


def _create_key(path: Path) -> None:
    """Write a new random key to *path*, unless another process just did."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
    try:
        # The umask must not take the group's read away: staff verify with this key.
        os.fchmod(descriptor, 0o640)
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(secrets.token_hex(KEY_BYTES) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        # A hard link appears whole or not at all, and fails if another process won the race.
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def read_key(path: Path) -> ReceiptKey:
    """The key in *path*: FileNotFoundError if there is none, ReceiptKeyError if it is unusable
    (others may read it or the group change it, it is not hex text, it cannot be read)."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise
    except OSError as error:
        raise ReceiptKeyError(f"The receipt key {path} cannot be read: {error.strerror}.") from None
    if mode & (stat.S_IWGRP | stat.S_IRWXO):
        raise ReceiptKeyError(
            f"The receipt key {path} may be read or changed by others; "
            "run chmod 640 on it (or replace it)."
        )
    try:
        secret = bytes.fromhex(path.read_text(encoding="ascii").strip())
    except (UnicodeDecodeError, ValueError):
        raise ReceiptKeyError(f"The receipt key {path} is damaged: it is not hex text.") from None
    except PermissionError:
        raise ReceiptKeyError(f"The receipt key {path} cannot be read by this user.") from None
    except OSError as error:
        raise ReceiptKeyError(f"The receipt key {path} cannot be read: {error.strerror}.") from None
    return ReceiptKey(secret)

"""The QR payload: signed, parsed back, one changed character refused, the key kept private."""

import os
import stat
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.domain.statuses import RequestStatus
from kiosk.errors import InvalidInput
from kiosk.printing.payload import (
    ReceiptKey,
    ReceiptKeyError,
    ReceiptPayload,
    Verdict,
    kiosk_id_for_payload,
    load_or_create_key,
    parse_payload,
)

KEY = ReceiptKey(b"k" * 32)
OTHER_KEY = ReceiptKey(b"o" * 32)
ISSUED = datetime(2026, 11, 25, 7, 0, 5, tzinfo=UTC)
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-/"


def signed() -> str:
    unsigned = ReceiptPayload("9123456782", RequestStatus.RETURNED, ISSUED, "000042", "Kiosk 01")
    return KEY.sign(unsigned).text()


def test_signed_payload_parses_back_and_verifies() -> None:
    text = signed()
    payload = parse_payload(text)
    assert text.startswith("TW1/9123456782/RT/20261125T070005Z/000042/KIOSK-01/")
    assert (payload.request_number, payload.status, payload.issued) == (
        "9123456782",
        RequestStatus.RETURNED,
        ISSUED,
    )
    assert KEY.check(payload) is Verdict.AUTHENTIC
    assert payload.text() == text
    # Short enough for a small QR code, and in the QR alphanumeric set (no personal data).
    assert len(text) < 80
    assert set(text) <= set(ALPHABET)


def test_every_single_changed_character_is_refused() -> None:
    text = signed()
    for position, original in enumerate(text):
        replacement = "7" if original != "7" else "8"
        changed = text[:position] + replacement + text[position + 1 :]
        try:
            payload = parse_payload(changed)
        except InvalidInput:
            continue  # refused as malformed
        assert KEY.check(payload) is not Verdict.AUTHENTIC, changed


def test_another_key_is_told_apart_from_tampering() -> None:
    payload = parse_payload(signed())
    assert OTHER_KEY.check(payload) is Verdict.OTHER_KEY
    tampered = parse_payload(signed().replace("/RT/", "/AC/"))
    assert KEY.check(tampered) is Verdict.TAMPERED


@pytest.mark.parametrize(
    "text",
    ["", "TW1", "hello/world", signed() + "/X", signed().replace("TW1", "TW2"), "TW1/" * 7 + "A"],
)
def test_malformed_payloads_are_refused_with_a_reason(text: str) -> None:
    with pytest.raises(InvalidInput, match="not a Tawasul receipt code"):
        parse_payload(text)


def test_impossible_time_is_refused() -> None:
    with pytest.raises(InvalidInput, match="time"):
        parse_payload(signed().replace("20261125T070005Z", "20261399T070005Z"))


@given(st.text())
def test_parser_takes_any_text_without_crashing(text: str) -> None:
    try:
        payload = parse_payload(text)
    except InvalidInput:
        return
    assert payload.text() == text.strip()


@given(st.text(alphabet=ALPHABET, max_size=90))
def test_parser_round_trips_whatever_it_accepts(text: str) -> None:
    try:
        payload = parse_payload(text)
    except InvalidInput:
        return
    assert parse_payload(payload.text()) == payload


@given(
    number=st.from_regex(r"9[0-9]{9}", fullmatch=True),
    status=st.sampled_from(RequestStatus),
    issued=st.datetimes(
        min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31), timezones=st.just(UTC)
    ),
    serial=st.from_regex(r"[0-9]{1,12}", fullmatch=True),
    kiosk=st.text(min_size=1, max_size=30),
)
def test_any_signed_payload_parses_and_verifies(
    number: str, status: RequestStatus, issued: datetime, serial: str, kiosk: str
) -> None:
    text = KEY.sign(ReceiptPayload(number, status, issued, serial, kiosk)).text()
    payload = parse_payload(text)
    assert payload.kiosk_id == kiosk_id_for_payload(kiosk)
    assert payload.issued == issued.replace(microsecond=0)
    assert KEY.check(payload) is Verdict.AUTHENTIC


def test_key_is_made_once_readable_by_its_owner_and_group_only(tmp_path: Path) -> None:
    path = tmp_path / "state" / "tawasul.json.receipt-key"
    keys: list[ReceiptKey] = []
    threads = [
        threading.Thread(target=lambda: keys.append(load_or_create_key(path))) for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert len({key.key_id for key in keys}) == 1  # every racer ended with the same key
    assert load_or_create_key(path).key_id == keys[0].key_id
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]


def test_a_key_others_can_read_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "key"
    load_or_create_key(path)
    os.chmod(path, 0o644)
    with pytest.raises(ReceiptKeyError, match="chmod 640"):
        load_or_create_key(path)
    os.chmod(path, 0o660)
    with pytest.raises(ReceiptKeyError, match="changed by others"):
        load_or_create_key(path)


def test_a_damaged_key_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "key"
    path.write_text("not hex\n")
    os.chmod(path, 0o600)
    with pytest.raises(ReceiptKeyError, match="damaged"):
        load_or_create_key(path)

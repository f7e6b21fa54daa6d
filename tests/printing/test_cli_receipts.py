"""`tawasul receipt | verify | printer check | spool` as an operator and staff type them."""

import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.cli.wiring import open_services
from kiosk.config import KioskConfig
from kiosk.domain.languages import Language
from kiosk.domain.models import TawasulRequest
from kiosk.printing.escpos_bytes import raster_image
from kiosk.services.i18n import staff_words
from kiosk.services.receipts import ReceiptService
from tests.printing.conftest import FakePrinter, free_port, qr_of


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run `tawasul ARGS` in this process; return its exit code, stdout and stderr."""
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def receipt_to_file(
    capsys: pytest.CaptureFixture[str], db: Path, number: str, tmp_path: Path, *extra: str
) -> tuple[Path, str]:
    """Make a receipt with --out; return the bytes file and the payload the command printed."""
    out_file = tmp_path / "receipt.escpos"
    code, out, err = run(capsys, "receipt", number, "--db", str(db), "--out", str(out_file), *extra)
    assert (code, err) == (0, ""), err
    return out_file, out.rsplit("QR: ", 1)[1].strip()


def test_receipt_bytes_decode_to_a_code_that_verifies(
    capsys: pytest.CaptureFixture[str], demo_db: Path, a_request: TawasulRequest, tmp_path: Path
) -> None:
    png = tmp_path / "preview.png"
    out_file, payload = receipt_to_file(
        capsys, demo_db, a_request.number, tmp_path, "--png", str(png), "--width", "58"
    )
    assert raster_image(out_file.read_bytes()).width == 384
    assert qr_of(out_file.read_bytes()) == payload
    code, out, _ = run(capsys, "verify", payload, "--db", str(demo_db))
    assert code == 0
    assert out.startswith("AUTHENTIC")
    assert "unchanged since issue" in out
    for picture in (out_file, png):
        code, out, _ = run(capsys, "verify", "--image", str(picture), "--db", str(demo_db))
        assert (code, out.splitlines()[0][:9]) == (0, "AUTHENTIC")
    # The key sits beside the data file, readable by its owner and the data group only.
    key = demo_db.with_name(demo_db.name + ".receipt-key")
    assert key.stat().st_mode & 0o777 == 0o640


@pytest.mark.parametrize("code", ["bn", "hi", "ml"])
def test_a_receipt_in_a_language_the_kiosk_cannot_draw_is_refused_in_one_sentence(
    capsys: pytest.CaptureFixture[str], demo_db: Path, a_request: TawasulRequest, code: str
) -> None:
    """``--lang bn`` stops with argparse's usage error and the sentence saying why."""
    with pytest.raises(SystemExit) as stopped:
        main(["receipt", a_request.number, "--db", str(demo_db), "--lang", code])
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert f"'{code}' cannot be shown yet" in err and "Traceback" not in err


def test_verify_never_says_printed_for_a_receipt_only_shown_on_screen(
    capsys: pytest.CaptureFixture[str], demo_db: Path, a_request: TawasulRequest
) -> None:
    """With no printer the kiosk shows the receipt's QR on screen; staff who check that code
    learn what the receipt showed, not that it was printed."""
    config = replace(KioskConfig(), printer=replace(KioskConfig().printer, kind="none"))
    services = open_services(demo_db, config)
    try:
        outcome = ReceiptService.open(services).print_receipt(a_request, Language.ENGLISH)
    finally:
        services.store.close()
    assert not outcome.printed
    code, out, _ = run(capsys, "verify", outcome.qr_payload, "--db", str(demo_db))
    assert code == 0 and out.startswith("AUTHENTIC")
    assert "print" not in out.lower()
    label = staff_words().status_label(a_request.status)
    assert f"Issued as {a_request.status.value} ({label})" in out


def test_a_changed_status_and_a_tampered_code_are_told(
    capsys: pytest.CaptureFixture[str], demo_db: Path, a_request: TawasulRequest, tmp_path: Path
) -> None:
    _, payload = receipt_to_file(capsys, demo_db, a_request.number, tmp_path)
    code, _, err = run(
        capsys,
        "request",
        "set-status",
        a_request.number,
        "accepted",
        "--by",
        "staff1",
        "--db",
        str(demo_db),
    )
    assert code == 0, err
    code, out, _ = run(capsys, "verify", payload, "--db", str(demo_db))
    assert code == 0
    assert "accepted (Accepted): changed since issue" in out
    forged = payload.replace("/UR/", "/AC/")
    code, out, _ = run(capsys, "verify", forged, "--db", str(demo_db))
    assert (code, out.split(":")[0]) == (1, "TAMPERED")


def test_another_offices_key_is_named(
    capsys: pytest.CaptureFixture[str], demo_db: Path, a_request: TawasulRequest, tmp_path: Path
) -> None:
    _, payload = receipt_to_file(capsys, demo_db, a_request.number, tmp_path)
    demo_db.with_name(demo_db.name + ".receipt-key").unlink()  # this office now has a new key
    code, out, _ = run(capsys, "verify", payload, "--db", str(demo_db))
    assert code == 1
    assert out.startswith("SIGNED WITH ANOTHER KEY")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["verify", "not-a-receipt"], "not a Tawasul receipt code"),
        (["verify"], "either the QR text or --image"),
        (["receipt", "9000000000"], "say where the receipt goes"),
        (["receipt", "1234", "--out", "x"], "Not a valid request number"),
        (["spool", "retry", "999999"], "no spooled job"),
    ],
)
def test_mistakes_get_one_clear_line(
    capsys: pytest.CaptureFixture[str], demo_db: Path, args: list[str], message: str
) -> None:
    code, _, err = run(capsys, *args, "--db", str(demo_db))
    assert code == 2
    assert err.count("\n") == 1 and message in err


def test_print_then_spool_list_retry_drop(
    capsys: pytest.CaptureFixture[str],
    demo_db: Path,
    a_request: TawasulRequest,
    tmp_path: Path,
) -> None:
    refused = tmp_path / "refused.toml"
    refused.write_text(
        f'[printer]\nkind = "network"\nhost = "127.0.0.1"\nport = {free_port()}\ntimeout = 1.0\n'
    )
    base = ["--db", str(demo_db), "--config", str(refused)]
    code, out, _ = run(capsys, "receipt", a_request.number, "--print", *base)
    assert code == 1
    assert "switched off or not connected" in out
    code, out, _ = run(capsys, "receipt", a_request.number, "--print", "--lang", "en", *base)
    code, out, _ = run(capsys, "printer", "check", *base)
    assert code == 1 and "switched off" in out
    code, out, _ = run(capsys, "spool", "list", *base)
    assert out.splitlines()[-1] == "2 spooled jobs"
    first, second = (line.split()[0] for line in out.splitlines()[:2])
    assert "waiting" in out and a_request.number in out

    printer = FakePrinter("ready")
    try:
        working = tmp_path / "working.toml"
        working.write_text(
            f'[printer]\nkind = "network"\nhost = "127.0.0.1"\nport = {printer.port}\n'
        )
        fine = ["--db", str(demo_db), "--config", str(working)]
        code, out, _ = run(capsys, "printer", "check", *fine)
        assert (code, out.strip()) == (
            0,
            "The network printer answers: it is ready and paper is fine.",
        )
        code, out, _ = run(capsys, "spool", "retry", first, *fine)
        assert (code, out.strip()) == (0, f"Printed receipt {first}.")
        assert qr_of(bytes(printer.received))
    finally:
        printer.close()
    code, out, _ = run(capsys, "spool", "drop", second, *base)
    assert code == 0 and f"Dropped job {second}" in out
    code, out, _ = run(capsys, "spool", "list", *base)
    assert out.strip() == "0 spooled jobs"


@pytest.mark.slow
def test_the_command_leaves_no_temporary_folders_and_prints_nothing_stray(
    demo_db: Path, a_request: TawasulRequest, tmp_path: Path
) -> None:
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = {**os.environ, "TMPDIR": str(scratch), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "kiosk",
            "receipt",
            a_request.number,
            "--db",
            str(demo_db),
            "--print",
        ],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.startswith("Printed receipt ")
    assert list(scratch.iterdir()) == []  # python-escpos made no capabilities folder
    assert len(list((demo_db.parent / "receipts").glob("receipt-*.escpos"))) == 1

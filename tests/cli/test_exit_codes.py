"""Inputs that used to stop a command with exit 70 (a crash): each is now one line and its code.

2 is bad input, 4 data that cannot be written now (a full disk, a read-only folder). The full and
read-only disks are real: a small tmpfs, mounted in a mount namespace of the command's own.
"""

import os
import shutil
import struct
import subprocess
import sys
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

from kiosk.cli import main
from kiosk.printing.escpos_bytes import receipt_bytes

TIME_OVERFLOW = "TW1/9000000100/UR/99991231T230000Z/1/K/ABCD/AAAAAAAAAAAAAAAA"
A_PAYLOAD = "TW1/9000000100/UR/20261201T100000Z/1/K/ABCD/AAAAAAAAAAAAAAAA"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    """Run `tawasul ARGS` in this process; its exit code and what it wrote on stderr."""
    code = main(list(args))
    return code, capsys.readouterr().err


def one_line(err: str, message: str) -> bool:
    """Whether *err* is exactly one line, ``tawasul: `` and *message*."""
    return err == f"tawasul: {message}\n"


def png_chunk(kind: bytes, data: bytes) -> bytes:
    """One PNG chunk with its length and checksum."""
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims *width* x *height* pixels and holds none (Pillow reads the size first)."""
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IEND", b"")


def png_with_a_wrong_chunk_length(tmp_path: Path) -> bytes:
    """A real PNG whose picture chunk claims 6 bytes: Pillow opens it and then, reading on,
    meets a chunk name made of picture bytes (a SyntaxError, not an OSError)."""
    Image.new("L", (200, 200)).save(tmp_path / "good.png")
    data = bytearray((tmp_path / "good.png").read_bytes())
    data[data.index(b"IDAT") - 4 : data.index(b"IDAT")] = struct.pack(">I", 6)
    return bytes(data)


def stacked_rasters() -> bytes:
    """ESC/POS bytes of small raster commands whose pictures stack up wider than zxing reads."""
    wide = b"\x1dv0\x00" + struct.pack("<HH", 9000, 1) + bytes(9000)
    tall = b"\x1dv0\x00" + struct.pack("<HH", 1, 60000) + bytes(60000)
    return wide + tall + tall


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda tmp: png_header_only(20000, 20000), "is too large to be a picture of a receipt."),
        (lambda tmp: png_header_only(12000, 12000), "is too large to be a picture of a receipt."),
        (
            lambda tmp: png_header_only(64, 64)[:30],
            "is neither a picture nor ESC/POS bytes with one.",
        ),
        (png_with_a_wrong_chunk_length, "is neither a picture nor ESC/POS bytes with one."),
        (lambda tmp: stacked_rasters(), "is too large to be a picture of a receipt."),
    ],
    ids=["bomb", "bomb-warning", "cut-header", "wrong-chunk-length", "stacked-raster"],
)
def test_verify_image_refuses_pictures_it_cannot_read(
    capsys: pytest.CaptureFixture[str],
    demo_db: Path,
    tmp_path: Path,
    make: Callable[[Path], bytes],
    message: str,
) -> None:
    picture = tmp_path / "picture.png"
    picture.write_bytes(make(tmp_path))
    code, err = run(capsys, "verify", "--image", str(picture), "--db", str(demo_db))
    assert code == 2
    assert one_line(err, f"{picture} {message}")


def test_verify_image_refuses_a_picture_taller_than_zxing_reads(
    capsys: pytest.CaptureFixture[str], demo_db: Path, tmp_path: Path
) -> None:
    picture = tmp_path / "tall.png"
    Image.new("1", (8, 70_000), 1).save(picture)
    code, err = run(capsys, "verify", "--image", str(picture), "--db", str(demo_db))
    assert (code, err) == (2, f"tawasul: {picture} is too large to be a picture of a receipt.\n")


def test_verify_image_reads_no_more_than_a_picture_can_be(
    capsys: pytest.CaptureFixture[str], demo_db: Path
) -> None:
    code, err = run(capsys, "verify", "--image", "/dev/zero", "--db", str(demo_db))
    assert (code, err) == (2, "tawasul: /dev/zero is too large to be a picture of a receipt.\n")


def test_a_receipt_still_reads_back(
    capsys: pytest.CaptureFixture[str], demo_db: Path, tmp_path: Path
) -> None:
    """The new limits leave a real receipt alone (one far longer than any receipt prints)."""
    long_receipt = tmp_path / "long.escpos"
    long_receipt.write_bytes(receipt_bytes(Image.new("1", (576, 40_000), 1)))
    code, err = run(capsys, "verify", "--image", str(long_receipt), "--db", str(demo_db))
    assert (code, err) == (2, f"tawasul: No QR code could be read in {long_receipt}.\n")


def test_verify_refuses_a_time_of_issue_past_the_last_day_riyadh_can_show(
    capsys: pytest.CaptureFixture[str], demo_db: Path
) -> None:
    code, err = run(capsys, "verify", TIME_OVERFLOW, "--db", str(demo_db))
    assert code == 2
    assert one_line(err, "This is not a Tawasul receipt code: its time is impossible.")


def test_archive_days_beyond_the_calendar_are_refused_with_the_range(
    capsys: pytest.CaptureFixture[str], demo_db: Path, tmp_path: Path
) -> None:
    code, err = run(capsys, "db", "archive", "--days", "1000000", "--db", str(demo_db))
    assert (code, err) == (2, "tawasul: --days must be between 0 and 3650; it is 1000000.\n")
    config = tmp_path / "config.toml"
    config.write_text("archive_after_days = 1000000\n")
    code, err = run(capsys, "db", "archive", "--db", str(demo_db), "--config", str(config))
    assert code == 2
    assert one_line(err, f"{config}: archive_after_days must be between 1 and 3650; it is 1000000.")


@pytest.mark.parametrize(
    "command",
    [
        ["request", "list"],
        ["request", "show", "9000000100"],
        ["request", "set-status", "9000000100", "accepted", "--by", "x"],
        ["db", "check"],
        ["db", "archive"],
        ["demo", "--force"],
        ["calendar", "today"],
        ["receipt", "9000000100", "--print"],
        ["verify", A_PAYLOAD],
        ["spool", "list"],
        ["printer", "check"],
    ],
)
def test_a_data_file_that_is_a_folder_is_named(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, command: list[str]
) -> None:
    code, err = run(capsys, *command, "--db", str(tmp_path))
    assert code == 2
    assert one_line(
        err,
        f"The data file {tmp_path} is a folder; name a file in it, such as "
        f"{tmp_path / 'tawasul.json'}.",
    )


def test_a_config_nested_3000_deep_is_refused(
    capsys: pytest.CaptureFixture[str], demo_db: Path, tmp_path: Path
) -> None:
    config = tmp_path / "deep.toml"
    config.write_text("closures = " + "[" * 3000 + "]" * 3000 + "\n")
    code, err = run(capsys, "db", "check", "--db", str(demo_db), "--config", str(config))
    assert code == 2
    assert one_line(err, f"The configuration file {config} nests its values too deeply to be read.")


def test_control_characters_in_a_message_stay_on_one_line(
    capsys: pytest.CaptureFixture[str], demo_db: Path, tmp_path: Path
) -> None:
    config = tmp_path / "config.toml"
    config.write_text('"\\u001b]52;c;eA==\\u0007\\nkiosk" = 1\n')
    code, err = run(capsys, "db", "check", "--db", str(demo_db), "--config", str(config))
    assert code == 2
    assert "\x1b" not in err and err.count("\n") == 1
    assert "'\\x1b]52;c;eA==\\x07\\nkiosk' is not a setting." in err


# --- real full and read-only disks ------------------------------------------------------------


def _can_mount() -> bool:
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(
        ["unshare", "-m", "sh", "-c", "mount -t tmpfs tmpfs /mnt"], capture_output=True
    )
    return probe.returncode == 0


needs_mount = pytest.mark.skipif(
    not _can_mount(), reason="needs to mount a tmpfs in a mount namespace (root)"
)
FILL = "dd if=/dev/zero of=disk/fill bs=4k 2>/dev/null; true"


def on_own_disk(
    folder: Path, demo_db: Path, prepare: str, *command: str
) -> subprocess.CompletedProcess[str]:
    """Run `tawasul COMMAND` with a 512 KB tmpfs at *folder*/disk holding a copy of *demo_db*,
    after the shell lines *prepare* (filling it, or making it read-only)."""
    tawasul = Path(sys.executable).with_name("tawasul")
    script = (
        f"cd {folder} && mkdir -p disk && mount -t tmpfs -o size=512k tmpfs disk && "
        f'cp {demo_db} disk/tawasul.json && {prepare} && exec {tawasul} "$@"'
    )
    return subprocess.run(
        ["unshare", "-m", "sh", "-c", script, "sh", *command],
        capture_output=True,
        text=True,
        env={**os.environ, "TAWASUL_DB": str(folder / "disk" / "tawasul.json")},
        timeout=60,
    )


@pytest.mark.slow
@needs_mount
@pytest.mark.parametrize(
    "command",
    [
        ["db", "archive", "--days", "0"],
        ["demo", "--db", "disk/new.json"],
        ["receipt", "9000000100", "--out", "disk/receipt.escpos", "--db", "d.json"],
        ["verify", A_PAYLOAD],
    ],
)
def test_a_full_disk_is_exit_4_in_one_line(
    demo_db: Path, tmp_path: Path, command: list[str]
) -> None:
    shutil.copy(demo_db, tmp_path / "d.json")
    done = on_own_disk(tmp_path, demo_db, FILL, *command)
    assert done.returncode == 4, done.stderr
    # The store's words for it, or the operating system's where the CLI writes a file itself.
    assert done.stderr.count("\n") == 1
    assert "No space left on device" in done.stderr or "the disk is full" in done.stderr


@pytest.mark.slow
@needs_mount
def test_verify_with_no_key_in_a_read_only_folder_is_exit_4(demo_db: Path, tmp_path: Path) -> None:
    done = on_own_disk(tmp_path, demo_db, "mount -o remount,ro disk", "verify", A_PAYLOAD)
    assert done.returncode == 4, done.stderr
    key = tmp_path / "disk" / "tawasul.json.receipt-key"
    assert done.stderr == (
        f"tawasul: There is no receipt key at {key}, and it cannot be made there: "
        "Read-only file system.\n"
    )


def test_a_receipt_file_in_a_folder_without_write_permission_is_exit_4(
    capsys: pytest.CaptureFixture[str], demo_db: Path, tmp_path: Path
) -> None:
    if os.geteuid() == 0:
        pytest.skip("root writes into any folder; the read-only tmpfs test covers this as root")
    closed = tmp_path / "closed"
    closed.mkdir(mode=0o500)
    out = closed / "receipt.escpos"
    code, err = run(capsys, "receipt", "9000000100", "--out", str(out), "--db", str(demo_db))
    assert (code, err) == (4, f"tawasul: {out} cannot be written: Permission denied.\n")

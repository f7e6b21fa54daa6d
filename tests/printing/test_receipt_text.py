"""Stored text on the receipt: what the font lacks is replaced, escapes are dropped, huge text is
cut, and the receipt always prints (its ESC/POS bytes read back, its QR verifies)."""

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from kiosk.cli import main
from kiosk.domain.models import TawasulRequest
from kiosk.domain.statuses import RequestStatus
from kiosk.domain.text import REPLACEMENT_CHARACTER
from kiosk.domain.typed_text import NOTE_LIMIT
from kiosk.printing.escpos_bytes import raster_image
from kiosk.printing.text import Shaping, text_style
from kiosk.services import Services
from tests.printing.conftest import qr_of


def hand_edit(db: Path, number: str, edit: Callable[[dict[str, Any]], None]) -> None:
    """Change request *number* in the data file as a person with an editor would."""
    data = json.loads(db.read_text("utf-8"))
    data.pop("_outline", None)
    edit(data["requests"][number])
    db.write_text(json.dumps(data, ensure_ascii=False, indent=1), "utf-8")


def returned_with(action: str) -> Callable[[dict[str, Any]], None]:
    """An edit that leaves the request returned, with *action* for the resident."""

    def edit(request: dict[str, Any]) -> None:
        request["status"] = "returned"
        request["required_action"] = action
        request["history"].append(
            {"status": "returned", "at": request["updated"], "by": "x", "note": action}
        )

    return edit


def print_receipt(
    capsys: pytest.CaptureFixture[str], db: Path, number: str, out: Path
) -> tuple[bytes, Image.Image]:
    """`tawasul receipt NUMBER --out … --png …` must print: its bytes and its preview."""
    png = out.with_suffix(".png")
    code = main(["receipt", number, "--db", str(db), "--out", str(out), "--png", str(png)])
    _, err = capsys.readouterr()
    assert (code, err) == (0, ""), err
    data = out.read_bytes()
    main(["verify", qr_of(data), "--db", str(db)])
    assert capsys.readouterr().out.startswith("AUTHENTIC")
    return data, Image.open(png)


@pytest.mark.parametrize("shaping", list(Shaping))
def test_what_the_font_lacks_becomes_a_visible_mark(shaping: Shaping) -> None:
    style = text_style("DejaVuSans.ttf", 20, shaping)
    assert style.drawable("Bring the form 🧾 now 漢") == (
        f"Bring the form {REPLACEMENT_CHARACTER} now {REPLACEMENT_CHARACTER}"
    )
    assert style.drawable("مُحَمَّد") == "مُحَمَّد"


def test_a_note_with_an_emoji_prints(
    capsys: pytest.CaptureFixture[str],
    services: Services,
    demo_db: Path,
    a_request: TawasulRequest,
    tmp_path: Path,
) -> None:
    """Typed through the service as staff would: the emoji is kept, the receipt replaces it."""
    services.requests.change_status(
        a_request.number, RequestStatus.RETURNED, "staff", "Form 🧾 missing", "Bring it 🙏🏽"
    )
    data, preview = print_receipt(capsys, demo_db, a_request.number, tmp_path / "r.escpos")
    back = raster_image(data)
    assert back.size == preview.size and back.width == 576


def test_raw_escapes_in_a_hand_edited_file_print(
    capsys: pytest.CaptureFixture[str], demo_db: Path, a_request: TawasulRequest, tmp_path: Path
) -> None:
    hand_edit(demo_db, a_request.number, returned_with("\x1b[2J\x1b]52;c;eA==\x07Bring \x9b1mit"))
    data, _ = print_receipt(capsys, demo_db, a_request.number, tmp_path / "r.escpos")
    assert raster_image(data).width == 576


def test_a_huge_action_from_an_old_file_prints_cut_to_the_limit(
    capsys: pytest.CaptureFixture[str], demo_db: Path, a_request: TawasulRequest, tmp_path: Path
) -> None:
    """A 20,000-word action printed 4.6 m of paper: now what a 500-character one prints."""
    hand_edit(demo_db, a_request.number, returned_with(("word " * NOTE_LIMIT)[:NOTE_LIMIT]))
    _, longest = print_receipt(capsys, demo_db, a_request.number, tmp_path / "a.escpos")
    hand_edit(demo_db, a_request.number, returned_with("word " * 20_000))
    _, huge = print_receipt(capsys, demo_db, a_request.number, tmp_path / "b.escpos")
    # 203 dots an inch: the longest legitimate action keeps the receipt well under a metre.
    assert huge.height <= longest.height + 200
    assert huge.height < 203 * 40

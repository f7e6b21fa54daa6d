"""``db check`` and the kiosk's verification find every damage a later read would trip on,
name its line and table, and never print an ID number in clear."""

from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.store import TawasulStore
from kiosk.store.storage import DamagedDataFile

AHMED = "2109876546"  # the README's demo resident


def damage(path: Path, old: str, new: str) -> None:
    """Replace the first *old* in the file at *path* with *new*, as a hand edit would."""
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(path: Path, needle: str) -> int:
    """The number of the first line of *path* that holds *needle*."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if needle in line)


def db_check(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """The exit status and stderr of ``tawasul db check --db PATH``."""
    status = main(["db", "check", "--db", str(path)])
    return status, capsys.readouterr().err


def test_a_status_nobody_knows_is_damage_named_by_its_line(
    demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    damage(demo_db, '"status":"returned","history"', '"status":"bogus","history"')
    line = line_of(demo_db, '"status":"bogus"')
    status, error = db_check(demo_db, capsys)
    assert status == 3
    assert f"line {line}, table requests, document 9000000209" in error
    assert "'bogus' is not a valid RequestStatus" in error
    with pytest.raises(DamagedDataFile, match=f"line {line}"):
        TawasulStore(demo_db).check()  # what the kiosk verifies after Welcome


def test_one_id_on_two_lines_is_damage(demo_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = demo_db.read_text(encoding="utf-8").split("\n")
    first = next(n for n, line in enumerate(lines) if line.startswith('"9000000100":'))
    twin = lines[first].rstrip(",").replace('"under_review"', '"returned"', 1)
    lines.insert(first + 3, twin + ",")
    demo_db.write_text("\n".join(lines), encoding="utf-8")
    status, error = db_check(demo_db, capsys)
    assert status == 3
    assert (
        f"line {first + 4}, table requests, document 9000000100: "
        f"the id is there twice (line {first + 1})" in error
    )
    # The list reads the whole table: it refuses too, instead of picking one of the two.
    assert main(["request", "list", "--db", str(demo_db)]) == 3


def test_a_request_stored_under_another_number_is_damage(
    demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    damage(demo_db, '"9000000209":{"number":"9000000209"', '"9000000209":{"number":"9000000308"')
    status, error = db_check(demo_db, capsys)
    assert status == 3
    assert "document 9000000209: it is stored under another number than its own" in error


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ('"failed_attempts":0', '"failed_attempts":"many"'),  # does not fit the model
        ('"failed_attempts":0', '"failed_attempts":0,,'),  # does not parse
    ],
)
def test_a_damaged_applicant_is_named_by_a_masked_id(
    demo_db: Path, capsys: pytest.CaptureFixture[str], old: str, new: str
) -> None:
    damage(demo_db, old, new)
    status, error = db_check(demo_db, capsys)
    assert status == 3
    assert f"table applicants, document ******{AHMED[-4:]}" in error
    assert AHMED not in error
    with pytest.raises(DamagedDataFile) as raised:
        TawasulStore(demo_db).applicant(AHMED)  # a read names it the same way
    assert AHMED not in str(raised.value)


def test_a_plain_tinydb_file_with_a_duplicate_id_is_damage(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db_path.write_text('{"requests": {"1": {}, "1": {}}}', encoding="utf-8")
    status, error = db_check(db_path, capsys)
    assert status == 3
    assert "document 1 is there twice" in error


def test_an_undamaged_file_passes(demo_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert db_check(demo_db, capsys)[0] == 0

"""The one-document-per-line layout of the live and archive files, and every way out of it."""

import random
from pathlib import Path

import orjson
import pytest
from tinydb import TinyDB

from kiosk.domain.models import StaffMember
from kiosk.store import TawasulStore
from kiosk.store.storage import DamagedDataFile, DocumentTable, serialised_pieces, split_lines


def test_our_files_are_plain_tinydb_json(demo_db: Path) -> None:
    store = TawasulStore(demo_db)
    with store.transaction() as tx:
        tx.set_setting("banner", "hello")
    raw = demo_db.read_bytes()
    assert raw.startswith(b'{\n"_outline":{') and split_lines(raw, demo_db) is not None
    with TinyDB(demo_db) as db:
        assert len(db.table("requests")) == store.table_sizes()["requests"]
        assert db.table("settings").all()[0]["banner"] == "hello"


def test_the_small_tables_are_numbered_as_plain_tinydb_numbers_them(demo_db: Path) -> None:
    # Staff, settings and guards are written as the large tables are (one write path); their
    # ids still follow TinyDB's: the next after the largest, so either program may add next.
    store = TawasulStore(demo_db)
    names = [member.username for member in store.all_staff()]
    with TinyDB(demo_db) as db:
        staff_ids = [doc.doc_id for doc in db.table("staff").all()]
    with store.transaction() as tx:
        tx.put_staff(StaffMember("amal", "Amal"))
        tx.set_setting("banner", "hello")
        tx.set_guard_entry("quick_lookups", "kiosk-1", ["2026-03-01T09:30:00+00:00"])
    with TinyDB(demo_db) as db:
        added = db.table("staff").get(doc_id=max(staff_ids) + 1)
        assert added is not None and added["username"] == "amal"
        assert [doc.doc_id for doc in db.table("settings").all()] == [1]
        assert db.table("guards").all()[0]["kind"] == "quick_lookups"
        db.table("staff").insert({"username": "badr", "display_name": "Badr", "role": "staff"})
    with store.transaction() as tx:
        assert tx.remove_staff("amal")
        tx.put_staff(StaffMember("carim", "Carim"))
    assert [m.username for m in store.all_staff()] == sorted([*names, "badr", "carim"])
    with TinyDB(demo_db) as db:
        ids = [doc.doc_id for doc in db.table("staff").all()]
    assert len(ids) == len(set(ids)) == len(staff_ids) + 2  # badr and carim: no id held twice


def test_a_file_rewritten_by_plain_tinydb_is_read_and_then_laid_out_again(demo_db: Path) -> None:
    before = {r.number: r for r in TawasulStore(demo_db).all_requests()}
    with TinyDB(demo_db) as db:
        db.table("settings").insert({"banner": "written by TinyDB"})
    assert split_lines(demo_db.read_bytes(), demo_db) is None
    store = TawasulStore(demo_db)
    assert {r.number: r for r in store.all_requests()} == before
    assert store.setting("banner") == "written by TinyDB"
    with store.transaction() as tx:
        tx.set_setting("banner", "ours again")
    assert split_lines(demo_db.read_bytes(), demo_db) is not None
    assert {r.number: r for r in TawasulStore(demo_db).all_requests()} == before


def test_a_hand_edited_line_is_still_read_though_the_outline_no_longer_fits(
    demo_db: Path,
) -> None:
    number = "9000000100"
    raw = demo_db.read_bytes()
    edited = raw.replace(b'"%s":{"number"' % number.encode(), b'"%s": {"number"' % number.encode())
    assert edited != raw
    demo_db.write_bytes(edited)
    store = TawasulStore(demo_db)
    request = store.request(number)
    assert request is not None and request.number == number
    assert store.check()["requests"] == len(orjson.loads(edited)["requests"])


def test_the_frame_and_a_setting_are_read_without_loading_the_file(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with TawasulStore(demo_db).transaction() as tx:
        tx.set_setting("banner", "مغلق للصيانة")

    def no_load(path: Path) -> None:
        raise AssertionError(f"{path} was loaded whole")

    monkeypatch.setattr("kiosk.store.store.load", no_load)
    store = TawasulStore(demo_db)
    store.check_frame()
    assert store.setting("banner") == "مغلق للصيانة"
    assert store.setting("missing", "none") == "none"


def test_a_frame_that_no_longer_fits_its_outline_is_read_whole(demo_db: Path) -> None:
    with TawasulStore(demo_db).transaction() as tx:
        tx.set_setting("banner", "hello")
    raw = demo_db.read_bytes()
    # One byte more inside the requests table: every place after it is off by one.
    demo_db.write_bytes(raw.replace(b'"9000000100":{"number"', b'"9000000100": {"number"'))
    store = TawasulStore(demo_db)
    store.check_frame()
    assert store.setting("banner") == "hello"
    demo_db.write_bytes(raw[:-3])
    with pytest.raises(DamagedDataFile, match=str(demo_db)):
        TawasulStore(demo_db).check_frame()
    with pytest.raises(DamagedDataFile, match=str(demo_db)):
        TawasulStore(demo_db).setting("banner")


def test_a_damaged_document_is_named_when_read_and_by_the_check(demo_db: Path) -> None:
    number = "9000000100"
    raw = demo_db.read_bytes()
    damaged = raw.replace(
        b'"%s":{"number":"' % number.encode(), b'"%s":{"number":!' % number.encode()
    )
    demo_db.write_bytes(damaged)
    store = TawasulStore(demo_db)
    assert store.request("9000000209") is not None
    with pytest.raises(DamagedDataFile, match=number):
        store.request(number)
    with pytest.raises(DamagedDataFile, match=str(demo_db)):
        TawasulStore(demo_db).check()
    assert demo_db.read_bytes() == damaged


def written_and_read(table: DocumentTable) -> DocumentTable:
    """*table* written as the file layout and read back, still in its bytes (not split)."""
    tables = split_lines(b"".join(serialised_pieces({"t": table})), "x")
    assert tables is not None
    return tables["t"]


@pytest.mark.parametrize("seed", range(30))
def test_a_table_read_from_bytes_behaves_like_a_dict_through_edits_and_writes(seed: int) -> None:
    rng = random.Random(seed)
    model: dict[str, dict[str, object]] = {
        str(i): {"n": i, "text": f"line {i}, with {{braces}}"} for i in range(1, rng.randint(1, 30))
    }
    table = written_and_read(DocumentTable.of(model))
    for step in range(rng.randint(1, 40)):
        doc_id = str(rng.randint(1, 40))
        action = rng.random()
        if action < 0.4:
            document: dict[str, object] = {"n": int(doc_id), "step": step}
            table.put(doc_id, document)
            model[doc_id] = document
        elif action < 0.5:
            table.remove(doc_id)
            model.pop(doc_id, None)
        elif action < 0.6:
            # A write in the middle: the table goes on from the bytes it wrote.
            table = written_and_read(table.copy())
        else:
            assert table.get(doc_id) == model.get(doc_id)
            assert (doc_id in table) == (doc_id in model)
        if rng.random() < 0.2:
            assert table.max_id() == max(map(int, model), default=0)
    assert orjson.loads(b"".join(serialised_pieces({"t": table})))["t"] == model
    assert dict(table.items()) == model

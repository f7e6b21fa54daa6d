"""What a finished visit leaves in the print queue, and the audit of each kiosk print."""

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.cli.wiring import open_services
from kiosk.config import KioskConfig, PrinterConfig
from kiosk.domain.languages import Language
from kiosk.domain.models import TawasulRequest
from kiosk.printing.spool import JobState, SpoolJob
from kiosk.services import Services
from kiosk.services.receipts import ReceiptFiles, ReceiptService
from tests.conftest import FROZEN_NOW, file_store, frozen_clock
from tests.printing.conftest import FakePrinter, free_port
from tests.small_disk import SmallDisk, small_disk


def refused_printer() -> PrinterConfig:
    """A network printer that refuses connections (it is off)."""
    return PrinterConfig(kind="network", host="127.0.0.1", port=free_port(), timeout=1.0)


def test_a_failed_job_waits_for_staff_after_the_visit_and_spool_list_says_so(
    services: Services, a_request: TawasulRequest, capsys: pytest.CaptureFixture[str]
) -> None:
    """The fallback told the person to ask at the counter: the job stays, marked; a job whose
    outcome they never saw (still on its way) goes."""
    config = KioskConfig(printer=refused_printer())
    receipts = ReceiptService(
        config,
        services.requests,
        ReceiptFiles.beside(file_store(services).path, config),
        frozen_clock,
    )
    failed = receipts.print_receipt(a_request, Language.ENGLISH)
    assert not failed.printed
    on_its_way = SpoolJob(
        "999999", a_request.number, receipts.key.digest(a_request.applicant_id), FROZEN_NOW,
        JobState.WAITING,
    )  # fmt: skip
    receipts.spool.add(on_its_way, b"bytes")
    receipts.visit_ended(a_request.applicant_id)
    jobs = receipts.pending_jobs()
    assert [(job.job_id, job.left_by_finished_visit) for job in jobs] == [
        (failed.receipt_serial, True)
    ]
    assert main(["spool", "list", "--db", str(file_store(services).path)]) == 0
    listed = capsys.readouterr().out
    assert f"{failed.receipt_serial} " in listed
    assert "waiting, visit ended" in listed
    assert "999999" not in listed


@pytest.fixture
def disk(tmp_path: Path) -> Iterator[SmallDisk]:
    """A small tmpfs for the data file."""
    with small_disk(tmp_path / "disk", size="512k") as mounted:
        yield mounted


@pytest.mark.slow
def test_a_print_audit_entry_waits_in_memory_while_the_data_folder_is_read_only(
    disk: SmallDisk,
    demo_db: Path,
    a_request: TawasulRequest,
    fake_printer: Callable[..., FakePrinter],
    tmp_path: Path,
) -> None:
    """Each print is audited; read-only, the entry is kept and written with the next one."""
    db = disk.folder / "tawasul.json"
    db.write_bytes(demo_db.read_bytes())
    config = KioskConfig(printer=fake_printer().config())
    services = open_services(db, config, clock=frozen_clock)
    files = ReceiptFiles(tmp_path / "key", tmp_path / "spool", tmp_path / "out")
    receipts = ReceiptService(config, services.requests, files, frozen_clock)

    def audited() -> list[str]:
        return [
            entry.details["serial"]
            for entry in services.store.audit_entries()
            if entry.action == "receipt.print" and entry.actor == config.kiosk_id
        ]

    first = receipts.print_receipt(a_request, Language.ENGLISH)
    assert audited() == [first.receipt_serial]
    # The version read before the write holds the replaced file open, and Linux refuses to
    # remount with a deleted file open (a storage fault's remount does not ask).
    file_store(services).reload()
    disk.read_only()
    second = receipts.print_receipt(a_request, Language.ENGLISH)
    assert second.printed
    assert audited() == [first.receipt_serial]
    disk.writable()
    receipts.visit_ended(a_request.applicant_id)
    assert sorted(audited()) == [first.receipt_serial, second.receipt_serial]

"""A spool on a real full or read-only disk: the receipt goes straight to the printer."""

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kiosk.domain.languages import Language
from kiosk.domain.models import TawasulRequest
from kiosk.services import Services
from kiosk.services.receipts import ReceiptFiles, ReceiptService
from tests.conftest import frozen_clock
from tests.printing.conftest import FakePrinter, qr_of
from tests.small_disk import SmallDisk, small_disk


@pytest.fixture
def disk(tmp_path: Path) -> Iterator[SmallDisk]:
    """A small tmpfs for the receipt key and the spool."""
    with small_disk(tmp_path / "disk", size="256k") as mounted:
        yield mounted


@pytest.mark.slow
@pytest.mark.parametrize("fault", ["full", "read-only"])
def test_a_spool_that_cannot_hold_the_job_prints_straight_away(
    fault: str,
    disk: SmallDisk,
    services: Services,
    a_request: TawasulRequest,
    fake_printer: Callable[..., FakePrinter],
    tmp_path: Path,
) -> None:
    """Disk full or read-only under the spool: the receipt still prints, with its QR, and the
    spool keeps nothing; once the disk is writable, serials go on without repeating one."""
    printer = fake_printer()
    config = services.config.__class__(printer=printer.config())
    files = ReceiptFiles(disk.folder / "receipt-key", disk.folder / "spool", tmp_path / "out")
    receipts = ReceiptService(config, services.requests, files, frozen_clock)
    first = receipts.print_receipt(a_request, Language.ENGLISH)
    assert first.printed
    disk.fill() if fault == "full" else disk.read_only()
    printer.received.clear()
    outcome = receipts.print_receipt(a_request, Language.ENGLISH)
    assert outcome.printed, outcome.problem
    assert qr_of(bytes(printer.received)) == outcome.qr_payload
    assert outcome.receipt_serial == "000002"
    assert receipts.pending_jobs() == []
    disk.free() if fault == "full" else disk.writable()
    assert receipts.print_receipt(a_request, Language.ENGLISH).receipt_serial == "000003"


def test_a_file_where_the_spool_folder_goes_prints_straight_away(
    services: Services,
    a_request: TawasulRequest,
    fake_printer: Callable[..., FakePrinter],
    tmp_path: Path,
) -> None:
    """The reproduction of issue 19: ``touch spool`` beside the data file, then Print."""
    printer = fake_printer()
    config = services.config.__class__(printer=printer.config())
    (tmp_path / "spool").touch()
    files = ReceiptFiles(tmp_path / "receipt-key", tmp_path / "spool", tmp_path / "out")
    receipts = ReceiptService(config, services.requests, files, frozen_clock)
    outcome = receipts.print_receipt(a_request, Language.ENGLISH)
    assert outcome.printed, outcome.problem
    assert qr_of(bytes(printer.received)) == outcome.qr_payload

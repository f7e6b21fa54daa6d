"""Fixtures for receipts: a receipt service over the demo data, and fake network printers.

The fake printers are real TCP servers on 127.0.0.1. Each answers the ESC/POS real-time status
queries (DLE EOT n) the way a printer in its situation does, and behaves as the test needs:
healthy, refusing, stalling, dropping the connection mid-job, or out of paper.
"""

import socket
import struct
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest

from kiosk.config import KioskConfig, PrinterConfig
from kiosk.domain.models import TawasulRequest
from kiosk.printing.escpos_bytes import raster_image
from kiosk.printing.qr_reader import read_qr_texts
from kiosk.services import Services
from kiosk.services.receipts import ReceiptFiles, ReceiptService
from tests.conftest import frozen_clock

# DLE EOT answers (n = 1 printer, 2 offline cause, 4 paper sensor) of a ready printer...
READY = {1: 0x12, 2: 0x12, 4: 0x12}
# ...and of one that stopped at the end of its roll: offline, paper-end stop, no paper.
PAPER_OUT = {1: 0x1A, 2: 0x32, 4: 0x72}
COVER_OPEN = {1: 0x1A, 2: 0x16, 4: 0x12}


@dataclass
class FakePrinter:
    """A fake ESC/POS network printer on 127.0.0.1 (``behaviour`` picks what it does)."""

    behaviour: str = "ready"
    answers: dict[int, int] = field(default_factory=lambda: dict(READY))
    drop_after: int = 4096
    received: bytearray = field(default_factory=bytearray)

    def __post_init__(self) -> None:
        self._server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._server.bind(("127.0.0.1", 0))
        self._server.listen(4)
        self._server.settimeout(0.2)
        self.port: int = self._server.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def config(self, timeout: float = 1.0) -> PrinterConfig:
        """The printer section that points the kiosk at this fake."""
        return PrinterConfig(kind="network", host="127.0.0.1", port=self.port, timeout=timeout)

    def close(self) -> None:
        """Stop serving (bounded: the loop checks the stop flag every 0.2 s)."""
        self._stop.set()
        self._thread.join(timeout=5)
        self._server.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._server.accept()
            except TimeoutError:
                continue
            with client:
                self._talk(client)

    def _talk(self, client: socket.socket) -> None:
        client.settimeout(0.2)
        job_bytes = 0
        while not self._stop.is_set():
            if self.behaviour == "stall":
                # Accepts the connection and then neither reads nor answers: a jammed printer.
                self._stop.wait(0.2)
                continue
            try:
                chunk = client.recv(65536)
            except TimeoutError:
                continue
            except OSError:
                return
            if not chunk:
                return
            self.received += chunk
            queries = _status_queries(chunk)
            job_bytes += len(chunk) - 3 * len(queries)
            if self.behaviour == "drop" and job_bytes >= self.drop_after:
                # Reset, not a polite close: a printer that lost power or its cable mid-job.
                client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                return
            for n in queries:
                client.sendall(bytes([self.answers.get(n, 0x12)]))


def _status_queries(chunk: bytes) -> list[int]:
    found = []
    start = chunk.find(b"\x10\x04")
    while start != -1 and start + 2 < len(chunk):
        found.append(chunk[start + 2])
        start = chunk.find(b"\x10\x04", start + 3)
    return found


@pytest.fixture
def fake_printer() -> Iterator[Callable[..., FakePrinter]]:
    """Make fake printers for one test; all are stopped at its end."""
    made: list[FakePrinter] = []

    def make(behaviour: str = "ready", **settings: object) -> FakePrinter:
        printer = FakePrinter(behaviour, **settings)  # type: ignore[arg-type]
        made.append(printer)
        return printer

    yield make
    for printer in made:
        printer.close()


def free_port() -> int:
    """A port on 127.0.0.1 where nothing listens (connections to it are refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def receipt_files(tmp_path: Path) -> ReceiptFiles:
    """A key, spool and file-printer folder of this test's own."""
    return ReceiptFiles(tmp_path / "receipt-key", tmp_path / "spool", tmp_path / "printed")


@pytest.fixture
def make_receipts(services: Services, receipt_files: ReceiptFiles) -> Callable[..., ReceiptService]:
    """A receipt service over the demo data, printing to the given printer configuration."""

    def make(printer: PrinterConfig | None = None) -> ReceiptService:
        config = replace(KioskConfig(), printer=printer or PrinterConfig())
        return ReceiptService(config, services.requests, receipt_files, frozen_clock)

    return make


@pytest.fixture
def receipts(make_receipts: Callable[..., ReceiptService]) -> ReceiptService:
    """A receipt service with the default (file) printer."""
    return make_receipts(PrinterConfig())


@pytest.fixture
def a_request(services: Services) -> TawasulRequest:
    """A demo request under review."""
    return next(r for r in services.requests.list() if r.status.value == "under_review")


def qr_of(data: bytes) -> str:
    """The text of the one QR code printed by the ESC/POS *data* (zxing-cpp reads it)."""
    texts = read_qr_texts(raster_image(data))
    assert len(texts) == 1, texts
    return texts[0]

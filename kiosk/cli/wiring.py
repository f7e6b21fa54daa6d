"""The composition root: the store the commands and apps run on, made here and handed in.

The services know the store only by its interface (kiosk.store.port.Store); this is the one
place that picks the implementation, the TinyDB-format data file.
"""

from pathlib import Path

from kiosk.config import KioskConfig
from kiosk.services.bundle import Services
from kiosk.services.clock import Clock, utc_now
from kiosk.store.store import TawasulStore


def open_services(db_path: Path, config: KioskConfig, clock: Clock = utc_now) -> Services:
    """Services over the data file at *db_path*, configured by *config*; the file is read on
    first use, and the office's own files (receipt key, spool) default to beside it."""
    return Services(config, TawasulStore(db_path), db_path, clock)

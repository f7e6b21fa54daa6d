"""The composition root: the store the commands and apps run on, made here and handed in.

The services know the store only by its interface (kiosk.store.port.Store); this is the one
place that picks the implementation: the TinyDB-format data file for a path, the PostgreSQL
store for a ``postgresql://`` URL (kiosk.store.postgres.location).
"""

from pathlib import Path

from kiosk.config import KioskConfig, state_dir
from kiosk.errors import InvalidInput
from kiosk.services.bundle import Services
from kiosk.services.clock import Clock, utc_now
from kiosk.store.port import Store
from kiosk.store.postgres.location import OfficeDatabase
from kiosk.store.store import TawasulStore


def open_store(location: Path | OfficeDatabase) -> Store:
    """The store at *location*: nothing is read, or connected, until first used."""
    if isinstance(location, OfficeDatabase):
        # Imported only for a database: a kiosk on a data file never loads the driver.
        from kiosk.store.postgres.store import PostgresStore

        return PostgresStore(location)
    return TawasulStore(location)


def create_store(location: Path | OfficeDatabase, force: bool = False) -> Store:
    """A new, empty store at *location*: a data file (replaced only with *force*), or an office
    added to a database whose schema is brought up to date (never one that holds data: its
    history and audit are append-only, so an office is never replaced)."""
    if not isinstance(location, OfficeDatabase):
        return TawasulStore.create(location, force=force)
    from kiosk.store.postgres.store import PostgresStore

    store = PostgresStore.create(location)
    if any(store.check().values()):
        store.close()
        raise InvalidInput(
            f"Office {location.office} already holds data, and an office in a database is "
            "never replaced; name a new office code."
        )
    return store


def upgrade_database(location: OfficeDatabase) -> list[str]:
    """Apply the database's missing migrations and add the office if it has none; the
    versions applied."""
    from kiosk.store.postgres.store import PostgresStore

    applied, store = PostgresStore.upgrade(location)
    store.close()
    return applied


def files_beside(location: Path | OfficeDatabase) -> Path:
    """What the office's own files (receipt key, spool) are named after where the configuration
    does not place them: the data file, or for a database a folder of the office's own in the
    state folder (one host may serve several offices: their spools and receipts never mix)."""
    if isinstance(location, OfficeDatabase):
        return state_dir() / "offices" / location.office / "tawasul"
    return location


def open_services(
    location: Path | OfficeDatabase, config: KioskConfig, clock: Clock = utc_now
) -> Services:
    """Services over the store at *location* (a data file, an office in a database),
    configured by *config*; the data is read on first use."""
    return Services(config, open_store(location), files_beside(location), clock)

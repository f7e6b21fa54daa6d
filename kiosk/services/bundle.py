"""All the services of one data file and configuration, built in one place for every entry point."""

from dataclasses import dataclass
from pathlib import Path

from kiosk.config import KioskConfig
from kiosk.domain.calendar import WorkingDayCalendar, utc_now
from kiosk.domain.request_types import RequestTypeCatalogue
from kiosk.resources import request_types
from kiosk.services.accounts import AccountService
from kiosk.services.clock import Clock
from kiosk.services.requests import RequestService
from kiosk.store import TawasulStore


@dataclass(frozen=True)
class Services:
    """The use cases over one store, handed to the CLI commands and to the screens."""

    config: KioskConfig
    store: TawasulStore
    catalogue: RequestTypeCatalogue
    calendar: WorkingDayCalendar
    requests: RequestService
    accounts: AccountService
    clock: Clock

    @classmethod
    def open(cls, db_path: Path, config: KioskConfig, clock: Clock = utc_now) -> "Services":
        """Services over the data file at *db_path*; the file is read on first use."""
        store = TawasulStore(db_path)
        catalogue = request_types()
        calendar = WorkingDayCalendar.with_closures(config.closures)
        return cls(
            config=config,
            store=store,
            catalogue=catalogue,
            calendar=calendar,
            requests=RequestService(store, catalogue, calendar, clock, config.response_target_days),
            accounts=AccountService(store, clock),
            clock=clock,
        )

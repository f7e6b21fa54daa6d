"""All the services of one store and configuration, built in one place for every entry point.

The wiring (kiosk.cli.wiring) makes the store and hands it in: the services know it only by its
interface (kiosk.store.port.Store).
"""

from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.config import KioskConfig
from kiosk.errors import WriteProblem
from kiosk.services.clock import Clock, utc_now
from kiosk.store.port import DataVersion, Store

if TYPE_CHECKING:
    from kiosk.domain.calendar import WorkingDayCalendar
    from kiosk.domain.request_types import RequestTypeCatalogue
    from kiosk.services.accounts import AccountService
    from kiosk.services.changes import DataChanges
    from kiosk.services.guards import QuickLookupGuard, StaffExitGuard
    from kiosk.services.nafath import NafathSignIn
    from kiosk.services.requests import RequestService


class Services:
    """The use cases over one store, handed to the CLI commands and to the screens.

    Each use case is built (and its modules imported) when first used: the kiosk's Welcome
    needs only the store and the configuration, and draws before the rest is loaded.
    """

    def __init__(
        self, config: KioskConfig, store: Store, files_beside: Path, clock: Clock = utc_now
    ) -> None:
        """Services over *store*, configured by *config*, telling the time with *clock*.

        *files_beside* is the path the office's own files (the receipt key, the spool, the file
        printer's folder) are named after where the configuration does not place them: the
        data file, for the file store.
        """
        self.config = config
        self.store = store
        self.files_beside = files_beside
        self.clock = clock

    def write_problem(self) -> WriteProblem | None:
        """Why the data cannot be written now (disk full, read-only folder, no permission), or
        None: probed without writing, cheap enough for the staff console's banner to ask every
        few seconds, and cleared by itself once the folder is writable again."""
        return self.store.probe_write_problem()

    # --- the data file as the apps see it: screens and apps talk to these, not to the store ---

    def banner(self) -> str:
        """The line staff set for the kiosks' Welcome (empty: none); a read of the data file.

        Cheap even at 100,000 requests (the settings table alone is read when it can be):
        Welcome asks again after every write.
        """
        return self.store.setting("banner")

    def check_data_frame(self) -> None:
        """Read the data file's frame now, not each document: MissingDataFile or
        DamagedDataFile (DataFileError) when it is not there or not the store's JSON."""
        self.store.check_frame()

    def check_data(self) -> None:
        """Parse every document of the data file and check it: DataFileError naming the line
        when it is damaged. Blocking (~150 ms at 100,000 requests): call it from a worker."""
        self.store.check()

    def data_version(self) -> DataVersion | None:
        """What tells this version of the data from the next (for the file, one stat, no
        read); None while there is none. It changes whenever anyone writes."""
        return self.store.data_version()

    @cached_property
    def catalogue(self) -> "RequestTypeCatalogue":
        """The request types the office handles."""
        from kiosk.resources import request_types

        return request_types()

    @cached_property
    def calendar(self) -> "WorkingDayCalendar":
        """Saudi working days, with the office's own closures."""
        from kiosk.domain.calendar import WorkingDayCalendar
        from kiosk.resources import saudi_public_holidays

        return WorkingDayCalendar.with_closures(self.config.closures, saudi_public_holidays())

    @cached_property
    def requests(self) -> "RequestService":
        """Looking up, adding and changing requests."""
        from kiosk.services.requests import RequestService

        return RequestService(
            self.store,
            self.catalogue,
            self.calendar,
            self.clock,
            self.config.response_target_days,
            kiosk_id=self.config.kiosk_id,
        )

    @cached_property
    def changes(self) -> "DataChanges":
        """Whenever anyone writes the data: the apps refresh what is on screen."""
        from kiosk.services.changes import DataChanges

        return DataChanges(self.store)

    @cached_property
    def accounts(self) -> "AccountService":
        """Signing residents in, and the lockout that guards it."""
        from kiosk.services.accounts import AccountService

        return AccountService(self.store, self.clock, kiosk_id=self.config.kiosk_id)

    @cached_property
    def nafath(self) -> "NafathSignIn":
        """Signing residents in with Nafath, through the client of ``[nafath]``; InvalidInput
        when its credentials are missing (``check_sign_in`` asks at the kiosk's start)."""
        from kiosk.nafath.api import load_credentials
        from kiosk.nafath.client import NafathClient
        from kiosk.services.nafath import NafathSignIn

        settings = self.config.nafath
        credentials = load_credentials(settings.credentials_file)
        client = NafathClient(settings.url, credentials, settings.service, settings.request_timeout)
        audience = settings.audience or credentials.app_id
        return NafathSignIn(self.store, self.accounts, client, settings, audience, self.clock)

    def check_sign_in(self) -> None:
        """InvalidInput now, before any resident meets it, when a configured sign-in method
        cannot work (Nafath without credentials)."""
        if "nafath" in self.config.sign_in:
            from kiosk.nafath.api import load_credentials

            load_credentials(self.config.nafath.credentials_file)

    @cached_property
    def quick_lookups(self) -> "QuickLookupGuard":
        """The budget of failed quick lookups, per kiosk and per request number."""
        from kiosk.services.guards import QuickLookupGuard

        return QuickLookupGuard(self.store, self.config.kiosk_id, self.clock)

    @cached_property
    def staff_exit(self) -> "StaffExitGuard":
        """The staff PIN that lets staff leave a kiosk, and the office's lock on wrong PINs."""
        from kiosk.services.guards import StaffExitGuard

        return StaffExitGuard(self.store, self.config.staff_pin_hash, self.clock)

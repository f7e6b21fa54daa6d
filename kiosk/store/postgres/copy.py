"""``tawasul db migrate``: one office's data file copied into PostgreSQL, and counted after.

The whole office is read from one version of the file (requests live and archived with their
histories, applicants with their password hashes, staff, the audit log with its archived years,
settings and guards) and written in one transaction: either all of it lands or none. Records
already there are replaced, histories and the audit log only added to, so running the copy
again (after a failure, or to bring over what the file gained since) gives the same office.
At the end the office's counts in the database must equal the file's, or the copy says so.
"""

from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from kiosk.errors import DataFileError, InvalidInput
from kiosk.store.postgres.location import OfficeDatabase
from kiosk.store.postgres.store import PostgresStore
from kiosk.store.store import TawasulStore


@dataclass(frozen=True)
class CopyReport:
    """How many of each kind the file holds, and the office holds after the copy."""

    location: str
    counts: dict[str, int]

    def lines(self) -> Iterator[str]:
        """The counts, one kind a line."""
        for kind, count in self.counts.items():
            yield f"  {kind:<18} {count}"


def copy_office(source: Path, target: OfficeDatabase) -> CopyReport:
    """Copy the data file *source* into office *target* (its schema brought up to date, the
    office added if new); DataFileError if the counts differ afterwards."""
    with closing(TawasulStore(source)) as file_store:
        file_store.check()  # a damaged file stops here, before anything is written
        contents = file_store.contents()
    with closing(PostgresStore.create(target)) as database:
        try:
            with database.transaction() as tx:
                tx.import_contents(contents)
        except ValueError:
            # A refusal, nothing changed (exit 2), not damage: the office is simply in use.
            raise InvalidInput(
                f"Office {target.office} has changes that {source} lacks: it is in use "
                "already, so nothing was copied; copy into a new office."
            ) from None
        with database.transaction() as tx:
            copied = tx.counts()
    wanted = contents.counts()
    differ = [kind for kind in wanted if copied.get(kind) != wanted[kind]]
    if differ:
        first = differ[0]
        raise DataFileError(
            f"After the copy office {target.office} holds {copied.get(first)} {first} where "
            f"{source} holds {wanted[first]}; it was in use already, so copy into a new office."
        )
    return CopyReport(target.url, copied)

"""The yearly archive files beside the live data file, read only when a lookup misses the live one.

``tawasul.json`` keeps the live requests; a request closed long ago moves to
``tawasul.archive-2025.json`` (the year it was created, UTC), and old audit entries to the file of
the year they were made. Each is a TinyDB file in the live file's layout with the tables
``requests`` and ``audit``. Only the archive run (kiosk/store/archive.py) writes them, under the
live file's lock; readers load one when first asked and again only when its identity changed.
"""

import re
import threading
from pathlib import Path

from kiosk.store.storage import (
    Document,
    DocumentTable,
    FileIdentity,
    LoadedFile,
    load,
    os_stat_identity,
)

REQUESTS = "requests"
AUDIT = "audit"

# The leading keys of a stored request, in the order records.request_to_document writes them: an
# index reads a request's applicant and status from its line without parsing the document.
_REQUEST_HEAD = re.compile(
    rb'"[0-9]+":\{"number":"[0-9]+","applicant":"([0-9]+)","type":"[^"\\]*","status":"([a-z_]+)"'
)


def applicant_and_status(table: DocumentTable, number: str) -> tuple[str, str]:
    """The applicant ID and status code of request *number* in *table*, parsing only if needed."""
    head = _REQUEST_HEAD.match(table.line(number))
    if head is not None:
        return head.group(1).decode(), head.group(2).decode()
    document = table.get(number) or {}
    return str(document.get("applicant", "")), str(document.get("status", ""))


def archive_path(live: Path, year: int) -> Path:
    """The archive file of *year* beside the live file *live*."""
    return live.with_name(f"{live.stem}.archive-{year:04d}{live.suffix}")


def archive_years(live: Path) -> list[int]:
    """The years that have an archive file beside *live*, oldest first."""
    pattern = re.compile(rf"{re.escape(live.stem)}\.archive-([0-9]{{4}}){re.escape(live.suffix)}")
    years = []
    for candidate in live.parent.glob(f"{live.stem}.archive-*{live.suffix}"):
        match = pattern.fullmatch(candidate.name)
        if match:
            years.append(int(match.group(1)))
    return sorted(years)


class YearlyArchives:
    """Read access to the archive files of one live file, each loaded only when first needed."""

    def __init__(self, live: Path) -> None:
        """The archives that sit beside the live file *live*."""
        self.live = live
        self._loaded: dict[int, LoadedFile] = {}
        self._lock = threading.Lock()

    def years(self) -> list[int]:
        """The archived years, oldest first."""
        return archive_years(self.live)

    def table(self, year: int, name: str) -> DocumentTable:
        """Table *name* of the archive of *year* as it is on disk now (empty if there is none)."""
        path = archive_path(self.live, year)
        with self._lock:
            identity = os_stat_identity(path)
            loaded = self._loaded.get(year)
            if identity is None:
                if loaded is not None:
                    loaded.release()
                    del self._loaded[year]
                return DocumentTable()
            if loaded is None or loaded.identity != identity:
                if loaded is not None:
                    loaded.release()
                loaded = self._loaded[year] = load(path)
            return loaded.tables.get(name) or DocumentTable()

    def request_document(self, number: str) -> Document | None:
        """The archived request *number*, or None; newest year first."""
        for year in reversed(self.years()):
            document = self.table(year, REQUESTS).get(number)
            if document is not None:
                return document
        return None

    def request_documents_of(self, applicant_id: str) -> list[Document]:
        """Every archived request of *applicant_id*, in no particular order."""
        found = []
        for year in self.years():
            table = self.table(year, REQUESTS)
            for number in table.ids():
                if applicant_and_status(table, number)[0] == applicant_id:
                    document = table.get(number)
                    if document is not None:
                        found.append(document)
        return found

    def identities(self) -> dict[int, FileIdentity | None]:
        """Each archived year's file identity now (what a cache of archive reads compares)."""
        return {year: os_stat_identity(archive_path(self.live, year)) for year in self.years()}

    def close(self) -> None:
        """Release every loaded archive."""
        with self._lock:
            for loaded in self._loaded.values():
                loaded.release()
            self._loaded.clear()

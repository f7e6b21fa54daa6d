"""The yearly archive files beside the live data file, read only when a lookup misses the live one.

``tawasul.json`` keeps the live requests; a request finished long ago moves to
``tawasul.archive-2025.json`` (the year it was created, UTC) and an old audit entry to
``tawasul.audit-2025.json`` (the year it was made). Both are TinyDB files in the live file's
one-document-per-line layout, with one table each (``requests``, ``audit``). Only the archive run
(kiosk/store/archive.py) writes them, under the live file's lock.

A request archive is written sorted by number, so a kiosk finds an archived request by a binary
search with a few small reads, without loading the file: a year of archive is ~80 MB, which
loaded would cost ~0.4 s and ~160 MB in every kiosk that was once asked for an old number.
"""

import contextlib
import os
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import orjson

from kiosk.store.archive_numbers import ArchivedNumbers, read_numbers, scan_numbers
from kiosk.store.storage import (
    DamagedDataFile,
    Document,
    DocumentTable,
    FileIdentity,
    load,
    os_stat_identity,
    outlined_places,
    read_generation,
)

REQUESTS = "requests"
AUDIT = "audit"

# The leading keys of a stored request, in the order records.request_to_document writes them: an
# index reads a request's applicant and status from its line without parsing the document.
_REQUEST_HEAD = re.compile(
    rb'"[0-9]+":\{"number":"[0-9]+","applicant":"([0-9]+)","type":"[^"\\]*","status":"([a-z_]+)"'
)
_CHUNK = 1 << 20


def applicant_and_status(table: DocumentTable, number: str) -> tuple[str, str]:
    """The applicant ID and status code of request *number* in *table*, parsing only if needed."""
    head = _REQUEST_HEAD.match(table.line(number))
    if head is not None:
        return head.group(1).decode(), head.group(2).decode()
    document = table.get(number) or {}
    return str(document.get("applicant", "")), str(document.get("status", ""))


def archive_path(live: Path, year: int) -> Path:
    """The request archive of *year* beside the live file *live*."""
    return live.with_name(f"{live.stem}.archive-{year:04d}{live.suffix}")


def audit_archive_path(live: Path, year: int) -> Path:
    """The audit archive of *year* beside the live file *live*."""
    return live.with_name(f"{live.stem}.audit-{year:04d}{live.suffix}")


def archive_years(live: Path) -> list[int]:
    """The years that have a request or audit archive beside *live*, oldest first."""
    pattern = re.compile(
        rf"{re.escape(live.stem)}\.(?:archive|audit)-([0-9]{{4}}){re.escape(live.suffix)}"
    )
    return sorted(
        {
            int(match.group(1))
            for candidate in live.parent.glob(f"{live.stem}.*-*{live.suffix}")
            if (match := pattern.fullmatch(candidate.name))
        }
    )


@dataclass
class _OpenArchive:
    """One request archive held open: its descriptor pins the version it was opened at."""

    path: Path
    identity: FileIdentity
    descriptor: int
    # Byte range of the document lines, when the file has the archive run's layout.
    start: int
    end: int
    # Set instead when it does not (hand-edited, or written by other tools): parsed whole.
    table: DocumentTable | None
    # The content version named in its outline, and the numbers it holds, read when first asked.
    generation: str | None = None
    _numbers: ArchivedNumbers | None = None

    def numbers(self) -> ArchivedNumbers:
        """The request numbers this version holds: kept beside it, or read from its lines."""
        if self._numbers is None:
            kept = read_numbers(self.path, self.generation)
            self._numbers = kept or scan_numbers(self.descriptor, self.start, self.end)
        return self._numbers

    def close(self) -> None:
        with contextlib.suppress(OSError):
            os.close(self.descriptor)


class YearlyArchives:
    """Read access to the archive files of one live file; nothing is loaded until asked."""

    def __init__(self, live: Path) -> None:
        """The archives that sit beside the live file *live*."""
        self.live = live
        self._open: dict[int, _OpenArchive] = {}
        self._lock = threading.Lock()
        self._listed: tuple[object, list[int]] = (None, [])
        self._paths: dict[int, Path] = {}

    def years(self) -> list[int]:
        """The archived years, oldest first.

        Listed again only when the folder or the live file changed: listing costs more than a
        whole lookup of a number held nowhere, and an archive run replaces the live file last.
        """
        try:
            folder = os.stat(self.live.parent)
        except FileNotFoundError:
            return []
        changed_by = (folder.st_ino, folder.st_mtime_ns, os_stat_identity(self.live))
        listed_for, years = self._listed
        if listed_for != changed_by:
            years = archive_years(self.live)
            self._listed = (changed_by, years)
        return years

    def _path(self, year: int) -> Path:
        path = self._paths.get(year)
        if path is None:
            path = self._paths[year] = archive_path(self.live, year)
        return path

    def request_document(self, number: str) -> Document | None:
        """The archived request *number*, or None; newest year first."""
        for year in reversed(self.years()):
            line = self._request_line(year, number)
            if line is not None:
                return _document(line, number, archive_path(self.live, year))
        return None

    def request_documents_of(self, applicant_id: str) -> list[Document]:
        """Every archived request of *applicant_id*, in no particular order (a scan: staff only)."""
        needle = b'"applicant":"%s"' % applicant_id.encode()
        found = []
        for year in self.years():
            path = archive_path(self.live, year)
            with self._lock:
                archive = self._archive(year)
                if archive is None:
                    continue
                if archive.table is not None:
                    lines = [archive.table.line(n) for n in archive.table.ids()]
                    hits = [line for line in lines if needle in line]
                else:
                    hits = list(_lines_containing(archive, needle))
            for line in hits:
                number = line[1 : line.index(b'"', 1)].decode()
                document = _document(line, number, path)
                if document.get("applicant") == applicant_id:
                    found.append(document)
        return found

    def table(self, year: int, name: str) -> DocumentTable:
        """The whole table *name* (``requests`` or ``audit``) archived for *year*, loaded now.

        For the archive run and for staff reading old audit entries; lookups use
        request_document, which loads nothing.
        """
        path = (
            archive_path(self.live, year)
            if name == REQUESTS
            else audit_archive_path(self.live, year)
        )
        if not path.exists():
            return DocumentTable()
        loaded = load(path)
        loaded.release()
        return loaded.tables.get(name) or DocumentTable()

    def _request_line(self, year: int, number: str) -> bytes | None:
        with self._lock:
            archive = self._archive(year)
            if archive is None:
                return None
            if archive.table is not None:
                return archive.table.line(number) if number in archive.table else None
            # A number held nowhere costs a search in memory, not a read of the archive.
            if number not in archive.numbers():
                return None
            return _search(archive, number.encode())

    def numbers_to_keep(self, year: int) -> tuple[str, ArchivedNumbers] | None:
        """The content version and numbers of the request archive of *year*, when the file of
        numbers beside it is missing or does not hold exactly them (else None): db check
        writes them again. The archive's lines are read to know."""
        with self._lock:
            archive = self._archive(year)
            if archive is None or archive.table is not None or archive.generation is None:
                return None
            held = scan_numbers(archive.descriptor, archive.start, archive.end)
            if read_numbers(archive.path, archive.generation) == held:
                return None
            return archive.generation, held

    def _archive(self, year: int) -> _OpenArchive | None:
        # The archive of *year* as it is on disk now, reopened only when its identity changed.
        path = self._path(year)
        identity = os_stat_identity(path)
        current = self._open.get(year)
        if current is not None and current.identity == identity:
            return current
        if current is not None:
            current.close()
            del self._open[year]
        if identity is None:
            return None
        try:
            descriptor = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
        except FileNotFoundError:
            return None
        identity = FileIdentity.of(os.fstat(descriptor))
        lines = _request_lines(descriptor, identity.size)
        if lines is not None:
            generation = read_generation(os.pread(descriptor, 4096, 0))
            archive = _OpenArchive(path, identity, descriptor, *lines, None, generation)
        else:
            loaded = load(path)
            loaded.release()
            table = loaded.tables.get(REQUESTS) or DocumentTable()
            archive = _OpenArchive(path, identity, descriptor, 0, 0, table)
        self._open[year] = archive
        return archive

    def close(self) -> None:
        """Close every archive held open."""
        with self._lock:
            for archive in self._open.values():
                archive.close()
            self._open.clear()


def _request_lines(descriptor: int, size: int) -> tuple[int, int] | None:
    """Where the request lines of an archive written by the archive run begin and end: its
    outline must check out (as storage checks any) and name the requests table alone."""
    places = outlined_places(
        os.pread(descriptor, 4096, 0),
        size,
        lambda start, end: os.pread(descriptor, max(0, end - start), start),
    )
    if places is None or len(places) != 1 or places[0][0] != REQUESTS:
        return None
    _, start, end = places[0]
    return start, end


def _document(line: bytes, number: str, path: Path) -> Document:
    try:
        document = orjson.loads(memoryview(line)[len(number) + 3 :])
    except orjson.JSONDecodeError as error:
        raise DamagedDataFile(
            f"The archive {path} is damaged at request {number} ({error}); "
            "restore it from a backup."
        ) from None
    if not isinstance(document, dict):
        raise DamagedDataFile(f"The archive {path} is damaged at request {number}.")
    return document


def _line_from(archive: _OpenArchive, start: int) -> bytes:
    """The document line that begins at *start*, without its separating comma."""
    parts = []
    position = start
    while position < archive.end:
        chunk = os.pread(archive.descriptor, min(8192, archive.end - position), position)
        newline = chunk.find(b"\n")
        if newline != -1:
            parts.append(chunk[:newline])
            break
        parts.append(chunk)
        position += len(chunk)
    return b"".join(parts).removesuffix(b",")


def _next_line_start(archive: _OpenArchive, position: int) -> int:
    """The first line start at or after *position* (archive.end if there is none)."""
    if position <= archive.start:
        return archive.start
    while position < archive.end:
        chunk = os.pread(archive.descriptor, min(8192, archive.end - position + 1), position - 1)
        newline = chunk.find(b"\n")
        if newline != -1:
            return min(position + newline, archive.end)
        position += len(chunk) - 1
    return archive.end


def _search(archive: _OpenArchive, number: bytes) -> bytes | None:
    """The line of *number*: a binary search over the sorted lines, then a scan to be sure.

    The archive run writes requests in number order; the scan finds one in a file that was
    edited out of order, so an order problem costs time, never a lost request.
    """
    low, high = archive.start, archive.end
    while low < high:
        start = _next_line_start(archive, (low + high) // 2)
        if start >= high:
            # No line begins in the upper half: the candidates all begin before the middle.
            high = (low + high) // 2
            if high <= low:
                break
            continue
        line = _line_from(archive, start)
        found = line[1 : line.find(b'"', 1)]
        if found == number:
            return line
        if found < number:
            low = start + len(line) + 1
        else:
            high = start
    for line in _lines_containing(archive, b'\n"%s":{' % number):
        return line
    return None


def _lines_containing(archive: _OpenArchive, needle: bytes) -> Iterator[bytes]:
    """Each document line that contains *needle*, read in chunks (memory stays small)."""
    position = archive.start - 1  # the newline before the first line
    overlap = len(needle) - 1
    while position < archive.end:
        chunk = os.pread(archive.descriptor, _CHUNK + overlap, position)
        at = chunk.find(needle)
        while at != -1:
            newline = chunk.rfind(b"\n", 0, at + 1)
            if newline != -1:
                yield _line_from(archive, position + newline + 1)
            else:
                # The line began before this chunk: step back to its start.
                yield _line_from(archive, _line_start_before(archive, position + at))
            at = chunk.find(needle, at + 1)
        position += _CHUNK


def _line_start_before(archive: _OpenArchive, position: int) -> int:
    """The start of the line that holds *position*."""
    while position > archive.start:
        begin = max(archive.start, position - 8192)
        chunk = os.pread(archive.descriptor, position - begin, begin)
        newline = chunk.rfind(b"\n")
        if newline != -1:
            return begin + newline + 1
        position = begin
    return archive.start

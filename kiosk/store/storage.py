"""Reading and writing the JSON data file safely: atomic replace, fsync, never overwrite damage.

The file is TinyDB's JSON layout, written with one document per line::

    {
    "_outline":{
    "1":{"tables":"requests 000000000082 000000001234 staff 000000001248 000000001248"}
    },
    "requests":{
    "9000000100":{"number":"9000000100",...},
    "9000000209":{...}
    },
    "staff":{

    }
    }

That is still plain JSON that TinyDB's own JSONStorage reads, but it lets a reader split the file
into documents with one regular-expression pass and parse a document only when it is asked for:
at 10,000 live requests a full parse costs ~40-70 ms, the split ~10 ms. The ``_outline`` table
says where each table's lines begin and end, so finding them costs no scan of the file; it is
checked against the bytes it points at, and the file is scanned when it does not match. A writer
copies what it did not change, so a write costs a copy of the file, not a parse and a
re-serialisation of it. A file in any other layout (hand-edited, written by plain TinyDB) is
parsed whole, once.
"""

import contextlib
import json
import os
import re
import secrets
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from kiosk.domain.identity import ID_LENGTH, mask_id
from kiosk.errors import DataFileError
from kiosk.store.access import new_file_mode, replacement_mode

Document = dict[str, Any]

TEMP_SUFFIX = ".tmp"

# A table's opening line ``"name":{``; table names are identifiers, document ids are digits.
_TABLE_HEADER = re.compile(rb'"([A-Za-z_][A-Za-z0-9_]*)":\{')
# Only a table's opening line ends in ``{``: a document line ends in ``}`` or ``},``.
_HEADER_END = b":{\n"
# One document line: its id (inside the lookahead, so the line keeps it) and the line itself
# without the separating comma. JSON escapes every newline inside strings, so a line is a document.
_DOCUMENT_LINE = re.compile(rb'^(?="([0-9]+)":\{)(.*\}),?$', re.MULTILINE)
# Document ids at line starts: after a newline, and on the first line of a table.
_LINE_IDS = re.compile(rb'\n"([0-9]+)":\{')
_FIRST_ID = re.compile(rb'"([0-9]+)":\{')
_TABLE_END = b"\n},\n"
_LAST_TABLE_END = b"\n}\n}"
OUTLINE = "_outline"
_OUTLINE_OPENING = b'{\n"_outline":{\n"1":{"tables":"'
_OUTLINE_CLOSING = b'"}\n}'
# After the places, the outline names this version of the content: a random id given by each
# write, so a file restored in place (same inode, size and mtime) is still told apart.
_GENERATION_FIELD = b'","generation":"'
_GENERATION = re.compile(rb"[0-9a-f]{16}")
_OFFSET_DIGITS = 12


class MissingDataFile(DataFileError):
    """There is no data file where one was expected (a typo in --db, or not created yet)."""

    exit_code = 2


class DamagedDataFile(DataFileError):
    """The data file does not parse as TinyDB JSON: the program stops and leaves it alone."""


class DamagedDocument(DamagedDataFile):
    """One document parses but does not fit its model (a status no one knows, a missing field);
    *detail* says what, for a message that also says where."""

    def __init__(self, message: str, detail: str) -> None:
        """*message* for the person reading a document; *detail* for one naming its line."""
        super().__init__(message)
        self.detail = detail


def shown_id(doc_id: str) -> str:
    """*doc_id* as a message may show it: ID numbers key the applicants and the sign-in guard,
    and no message, log or journal holds one in clear (request numbers begin with 9)."""
    if len(doc_id) == ID_LENGTH and not doc_id.startswith("9"):
        return mask_id(doc_id)
    return doc_id


def _damaged(path: Path | str, detail: str) -> DamagedDataFile:
    return DamagedDataFile(
        f"The data file {path} is damaged and was left untouched ({detail}); "
        "restore it from a backup."
    )


class DocumentTable:
    """One TinyDB table: document id → document, kept as its JSON line and parsed when first read.

    A table read from a file stays in the file's bytes until something needs all of it: one
    lookup finds its line with one search, and changes are kept as edits spliced into those
    bytes when the table is written. After another process's write, a kiosk's lookup or a staff
    member's status change then costs a search, not a split of every line (~16 ms at 10,000).

    Parsed documents are shared between versions and transactions and must never be changed in
    place: a change is a new document given to put().
    """

    __slots__ = (
        "_body",
        "_edits",
        "_line_map",
        "_max_id",
        "_parsed",
        "_pending",
        "_searches",
        "_source",
    )

    # More edits or lookups than these and the table is split: each costs a search of the bytes
    # (~0.5 ms at 10,000 requests), a split ~16 ms once, and then a lookup ~1 µs.
    _MOST_EDITS = 16
    _MOST_SEARCHES = 8

    def __init__(self, lines: dict[str, bytes] | None = None, source: Path | str = "") -> None:
        """A table over *lines* (id → ``"id":{...}``) read from *source* (named in errors)."""
        self._line_map: dict[str, bytes] = lines if lines is not None else {}
        self._parsed: dict[str, Document] = {}
        # The bytes the table was read from, until it is split: (raw, start, end) of its lines.
        self._pending: tuple[bytes, int, int] | None = None
        # Changes while pending: id → (its new line; where the old line starts and ends in the
        # pending bytes, or -1 when the document is new). Removals split the table (rare).
        self._edits: dict[str, tuple[bytes, int, int]] = {}
        # The lines joined as written, kept until a change: a table a write did not touch is
        # written from the bytes it was read from (at 100,000 requests, joining every table
        # again cost more than the write itself).
        self._body: bytes | memoryview | None = None
        self._max_id: int | None = None
        self._searches = 0
        self._source = source

    @classmethod
    def section(cls, raw: bytes, start: int, end: int, source: Path | str) -> "DocumentTable":
        """The table whose document lines are ``raw[start:end]``, split only when needed."""
        table = cls(source=source)
        table._pending = (raw, start, end)
        table._body = memoryview(raw)[start:end]
        return table

    @property
    def _lines(self) -> dict[str, bytes]:
        if self._pending is not None:
            raw, start, end = self._pending
            lines, in_layout = _split_section(raw, start, end, self._source)
            for doc_id, (line, _, _) in self._edits.items():
                lines[doc_id] = line
            if not in_layout:
                # Rewritten in the layout at the next write, not copied as it was.
                self._body = None
            self._line_map, self._pending, self._edits = lines, None, {}
        return self._line_map

    @staticmethod
    def _locate(pending: tuple[bytes, int, int], doc_id: str) -> tuple[int, int] | None:
        """Where the line of *doc_id* starts and ends in the pending bytes (without its comma).

        Only a line that begins ``"id":{`` is found: JSON strings hold no raw newline, so that is
        a document's line. None means "not found by search", not "absent": a file edited out of
        the layout may hold it another way, and only a split can say.
        """
        raw, start, end = pending
        prefix = b'"%s":{' % doc_id.encode()
        if raw.startswith(prefix, start):
            line_start = start
        else:
            found = raw.find(b"\n" + prefix, start, end)
            if found == -1:
                return None
            line_start = found + 1
        line_end = raw.find(b"\n", line_start, end)
        if line_end == -1:
            line_end = end
        if raw[line_end - 1 : line_end] == b",":
            line_end -= 1
        return line_start, line_end

    def _line_or_none(self, doc_id: str) -> bytes | None:
        # Read once: a Textual worker may split the table meanwhile (the bytes stay valid).
        pending = self._pending
        if pending is not None:
            edit = self._edits.get(doc_id)
            if edit is not None:
                return edit[0]
            self._searches += 1
            if self._searches <= self._MOST_SEARCHES:
                place = self._locate(pending, doc_id)
                if place is not None:
                    return pending[0][place[0] : place[1]]
        return self._lines.get(doc_id)

    @classmethod
    def of(cls, documents: Mapping[str, Document], source: Path | str = "") -> "DocumentTable":
        """A table holding *documents* (id → document)."""
        table = cls(source=source)
        for doc_id, document in documents.items():
            table.put(doc_id, document)
        return table

    def __len__(self) -> int:
        """How many documents the table holds."""
        return len(self._lines)

    def __contains__(self, doc_id: object) -> bool:
        """Whether a document has id *doc_id*."""
        return isinstance(doc_id, str) and self._line_or_none(doc_id) is not None

    def ids(self) -> list[str]:
        """The document ids in stored order."""
        return list(self._lines)

    def get(self, doc_id: str) -> Document | None:
        """The document with id *doc_id*, or None; DamagedDataFile if its line does not parse."""
        document = self._parsed.get(doc_id)
        if document is None:
            line = self._line_or_none(doc_id)
            if line is not None:
                document = self._parsed[doc_id] = _parse_line(line, doc_id, self._source)
        return document

    def read_once(self, doc_id: str) -> Document:
        """The document *doc_id* parsed afresh and not kept: for a pass over many documents."""
        cached = self._parsed.get(doc_id)
        if cached is not None:
            return cached
        return _parse_line(self.line(doc_id), doc_id, self._source)

    def items(self) -> Iterator[tuple[str, Document]]:
        """Every (id, document), in stored order."""
        for doc_id in list(self._lines):
            document = self.get(doc_id)
            if document is not None:
                yield doc_id, document

    def line(self, doc_id: str) -> bytes:
        """The stored line ``"id":{...}`` of *doc_id* (KeyError if absent), moved unparsed."""
        line = self._line_or_none(doc_id)
        if line is None:
            raise KeyError(doc_id)
        return line

    def put(self, doc_id: str, document: Document) -> None:
        """Add or replace the document *doc_id*; it is serialised now, once."""
        self.put_line(doc_id, b'"%s":%s' % (doc_id.encode(), orjson.dumps(document)))
        self._parsed[doc_id] = document

    def put_line(self, doc_id: str, line: bytes) -> None:
        """Add or replace *doc_id* with a line taken from another table."""
        self._parsed.pop(doc_id, None)
        self._body = None
        if not self._edit(doc_id, line):
            self._lines[doc_id] = line
        if self._max_id is not None:
            self._max_id = max(self._max_id, int(doc_id))

    def remove(self, doc_id: str) -> None:
        """Drop the document *doc_id* if present."""
        self._parsed.pop(doc_id, None)
        self._body = None
        self._max_id = None
        self._lines.pop(doc_id, None)

    def _edit(self, doc_id: str, line: bytes) -> bool:
        """Keep a change as an edit of the pending bytes; False when the table must be split."""
        if self._pending is None or len(self._edits) >= self._MOST_EDITS:
            return False
        edit = self._edits.get(doc_id)
        if edit is not None:
            self._edits[doc_id] = (line, edit[1], edit[2])
            return True
        place = self._locate(self._pending, doc_id)
        if place is not None:
            self._edits[doc_id] = (line, *place)
            return True
        # Not found by search: certainly new only past the largest id (the audit log's case).
        # Reading that id may have split the table, and then the change goes to its lines.
        if int(doc_id) > self.max_id() and self._pending is not None:
            self._edits[doc_id] = (line, -1, -1)
            return True
        return False

    def max_id(self) -> int:
        """The largest document id, 0 when empty (TinyDB numbers new documents from it)."""
        if self._max_id is None:
            self._max_id = self._pending_max_id()
            if self._max_id is None:
                self._max_id = max(map(int, self._lines), default=0)
        return self._max_id

    def _pending_max_id(self) -> int | None:
        # Read from the pending bytes when every line shows its id there (else None: split).
        if self._pending is None:
            return None
        raw, start, end = self._pending
        if start > 0:
            # A section of a file: its first line follows the newline of the table's opening.
            ids = _LINE_IDS.findall(raw, start - 1, end)
        else:
            first = _FIRST_ID.match(raw, 0, end)
            ids = ([first.group(1)] if first else []) + _LINE_IDS.findall(raw, 0, end)
        lines = raw.count(b"\n", start, end) + 1 if end > start else 0
        if len(ids) != lines:
            return None
        return max(map(int, [*ids, *self._edits]), default=0)

    def copy(self) -> "DocumentTable":
        """A table that can change without changing this one (documents are shared, unchanged)."""
        twin = DocumentTable(source=self._source)
        if self._pending is not None:
            twin._pending, twin._edits = self._pending, dict(self._edits)
        else:
            twin._line_map = dict(self._line_map)
        twin._parsed = dict(self._parsed)
        twin._body = self._body
        twin._max_id = self._max_id
        return twin

    def body(self) -> bytes | memoryview:
        """The document lines as the file holds them: joined by ``,\\n``."""
        if self._body is None:
            if self._pending is not None:
                self._body = self._spliced()
                # The spliced bytes are the table now: later edits are found in them.
                self._pending, self._edits = (self._body, 0, len(self._body)), {}
            else:
                self._body = b",\n".join(self._lines.values())
        return self._body

    def _spliced(self) -> bytes:
        """The pending bytes with the edits made: lines replaced, or added at the end."""
        assert self._pending is not None
        raw, start, end = self._pending
        replaced = sorted((s, e, line) for line, s, e in self._edits.values() if s >= 0)
        added = [line for line, line_start, _ in self._edits.values() if line_start < 0]
        parts: list[bytes | memoryview] = []
        cursor = start
        view = memoryview(raw)
        for line_start, line_end, line in replaced:
            parts += [view[cursor:line_start], line]
            cursor = line_end
        parts.append(view[cursor:end])
        kept = b"".join(parts)
        if not added:
            return kept
        return b",\n".join([kept, *added]) if kept else b",\n".join(added)


def _parse_line(line: bytes, doc_id: str, source: Path | str) -> Document:
    """The document in the line ``"id":{...}``, or DamagedDataFile naming it."""
    try:
        document = orjson.loads(memoryview(line)[len(doc_id) + 3 :])
    except orjson.JSONDecodeError as error:
        raise _damaged(source, f"document {shown_id(doc_id)}: {error}") from None
    if not isinstance(document, dict):
        raise _damaged(source, f"document {shown_id(doc_id)} is not an object")
    return document


# The TinyDB layout: table name → table.
Tables = dict[str, DocumentTable]


@dataclass(frozen=True)
class FileIdentity:
    """What tells one version of the data file from another without reading it."""

    device: int
    inode: int
    size: int
    mtime_ns: int

    @classmethod
    def of(cls, stat: os.stat_result) -> "FileIdentity":
        """The identity in a stat result."""
        return cls(stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns)


def os_stat_identity(path: Path) -> FileIdentity | None:
    """The identity of the file at *path* now, or None if there is none."""
    try:
        return FileIdentity.of(os.stat(path))
    except FileNotFoundError:
        return None


@dataclass
class LoadedFile:
    """A parsed version of the data file.

    It keeps a descriptor of the file it was read from open: while this version is in use its
    inode cannot be freed and handed to a newer file, so a changed inode always means new data.
    """

    identity: FileIdentity
    tables: Tables
    _descriptor: int
    # The content version in the file's outline (None in another layout).
    generation: str | None = None

    def release(self) -> None:
        """Close the descriptor that pins this version's inode."""
        with contextlib.suppress(OSError):
            os.close(self._descriptor)


def _open_data_file(path: Path) -> int:
    """A read-only descriptor of *path*, or MissingDataFile / DataFileError naming it."""
    try:
        return os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except FileNotFoundError:
        raise MissingDataFile(
            f"There is no data file at {path}; make one with `tawasul demo --db {path}`."
        ) from None
    except OSError as error:
        raise DataFileError(f"The data file {path} cannot be read: {error.strerror}.") from None


def _open_and_read(path: Path) -> bytes:
    descriptor = _open_data_file(path)
    with os.fdopen(descriptor, "rb") as handle:
        return handle.read()


def load(path: Path) -> LoadedFile:
    """Read and split *path* into documents, or MissingDataFile / DamagedDataFile naming it."""
    descriptor = _open_data_file(path)
    try:
        identity = FileIdentity.of(os.fstat(descriptor))
        with os.fdopen(os.dup(descriptor), "rb") as handle:
            raw = handle.read()
        tables = split_lines(raw, path)
        if tables is None:
            tables = {
                name: DocumentTable.of(documents, path)
                for name, documents in parse(raw, path).items()
            }
    except BaseException:
        os.close(descriptor)
        raise
    return LoadedFile(identity, tables, descriptor, read_generation(raw[:4096]))


def generation_at(path: Path) -> str | None:
    """The content version of the file at *path* now, read from its first bytes (None when it
    has none, or is not there)."""
    try:
        with path.open("rb") as handle:
            return read_generation(handle.read(4096))
    except FileNotFoundError:
        return None


class OutlinedFile:
    """The data file opened to read its frame, or one table, by its outline: not the whole file.

    At 100,000 stored requests the file holds ~70 MB; the kiosk's start checks the frame, and
    the Welcome banner reads the settings table, in well under a millisecond this way. *places*
    is None when the file has no outline that checks out (another layout, or a stale outline):
    the caller then loads the file whole.
    """

    def __init__(self, path: Path) -> None:
        """Open *path* (MissingDataFile or DataFileError if it cannot be) and check its outline."""
        self.path = path
        self._descriptor = _open_data_file(path)
        try:
            size = os.fstat(self._descriptor).st_size
            self.places = outlined_places(os.pread(self._descriptor, 4096, 0), size, self._piece)
        except BaseException:
            self.close()
            raise

    def _piece(self, start: int, end: int) -> bytes:
        return os.pread(self._descriptor, max(0, end - start), start)

    def table(self, name: str) -> DocumentTable:
        """Table *name* (empty when the file has none); the outline must have checked out."""
        assert self.places is not None
        for table, start, end in self.places:
            if table == name:
                return DocumentTable.section(self._piece(start, end), 0, end - start, self.path)
        return DocumentTable(source=self.path)

    def close(self) -> None:
        """Close the file."""
        with contextlib.suppress(OSError):
            os.close(self._descriptor)

    def __enter__(self) -> "OutlinedFile":
        """The open file, closed when the block ends."""
        return self

    def __exit__(self, *exc_info: object) -> None:
        """Close the file."""
        self.close()


def split_lines(raw: bytes, path: Path | str) -> Tables | None:
    """The tables of *raw* if it is in the one-document-per-line layout, else None.

    Only the outline is checked here: each table is split into lines when first used, and each
    document parsed (and so checked) when first read.
    """
    if raw == b"{}":
        return {}
    if not (raw.startswith(b"{\n") and raw.endswith(_LAST_TABLE_END)):
        return None
    outlined = _outlined_sections(raw, path)
    if outlined is not None:
        return outlined
    headers = _table_headers(raw)
    if headers is None:
        return None
    tables: Tables = {}
    for position, (name, _, header_end) in enumerate(headers):
        last = position == len(headers) - 1
        start = header_end + 1
        end = len(raw) - len(_LAST_TABLE_END) if last else headers[position + 1][1] - 4
        if end < start - 1 or raw[end : end + 4] != (_LAST_TABLE_END if last else _TABLE_END):
            return None
        end = max(start, end)
        if name in tables:
            return None
        if name != OUTLINE:
            tables[name] = DocumentTable.section(raw, start, end, path)
    return tables


# A check of one stored document: its id and content; DamagedDocument if it fits no model.
DocumentCheck = Callable[[str, Document], None]


def check_documents(path: Path, checks: Mapping[str, DocumentCheck]) -> None:
    """Parse every document of the file at *path* and give it to its table's check (tables
    without one are only parsed), or DamagedDataFile naming the first that fails, or an id held
    twice, by its line, table and id (an ID number masked). Nothing is kept.
    """
    raw = _open_and_read(path)
    tables = split_lines(raw, path)
    if tables is None or any(table._pending is None for table in tables.values()):
        # Not in the layout (plain TinyDB's one line): parsed whole, ids checked by the parser.
        for name, documents in _parse_refusing_twins(raw, path).items():
            check = checks.get(name)
            for doc_id, document in documents.items():
                if check is not None:
                    place = f"table {name}, document {shown_id(doc_id)}"
                    _checked(check, doc_id, document, path, place)
        return
    line_number, position = 1, 0
    for name, table in tables.items():
        assert table._pending is not None
        _, start, end = table._pending
        check = checks.get(name)
        seen: dict[str, int] = {}
        covered = 0
        for match in _DOCUMENT_LINE.finditer(raw, start, end):
            line_number += raw.count(b"\n", position, match.start())
            position = match.start()
            doc_id, line = match.group(1).decode(), match.group(2)
            covered += len(line) + 2
            place = f"line {line_number}, table {name}, document {shown_id(doc_id)}"
            if doc_id in seen:
                raise _damaged(path, f"{place}: the id is there twice (line {seen[doc_id]})")
            seen[doc_id] = line_number
            try:
                document = _parse_line(line, doc_id, path)
            except DamagedDataFile:
                raise _damaged(path, f"{place}: it does not parse") from None
            if check is not None:
                _checked(check, doc_id, document, path, place)
        if max(covered - 2, 0) != end - start:
            # Lines out of the layout (edited by hand): the reads parse the table whole.
            section = b'{"t":{' + raw[start:end] + b"}}"
            for doc_id, document in _parse_refusing_twins(section, path)["t"].items():
                if check is not None:
                    place = f"table {name}, document {shown_id(doc_id)}"
                    _checked(check, doc_id, document, path, place)


def _checked(check: DocumentCheck, doc_id: str, document: Document, path: Path, place: str) -> None:
    try:
        check(doc_id, document)
    except DamagedDocument as error:
        raise _damaged(path, f"{place}: {error.detail}") from None


def _parse_refusing_twins(raw: bytes, path: Path) -> dict[str, dict[str, Document]]:
    """The tables of *raw* parsed whole (as parse()), or DamagedDataFile for an id held twice."""

    def refuse_twins(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        keys = Counter(key for key, _ in pairs)
        twice = [key for key, count in keys.items() if count > 1]
        if twice:
            raise _damaged(path, f"document {shown_id(twice[0])} is there twice")
        return dict(pairs)

    with contextlib.suppress(ValueError):  # parse() names what does not parse
        json.loads(raw, object_pairs_hook=refuse_twins)
    return parse(raw, path)


def read_outline(head: bytes) -> list[tuple[str, int, int]] | None:
    """(table, start, end) of each table's lines as the ``_outline`` at the start of *head*
    says, unchecked; None if *head* (the first 4 KiB of a file suffice) has no outline."""
    if not head.startswith(_OUTLINE_OPENING):
        return None
    outline_end = head.find(_OUTLINE_CLOSING, len(_OUTLINE_OPENING))
    entries = head[len(_OUTLINE_OPENING) : outline_end].partition(_GENERATION_FIELD)[0]
    fields = entries.split(b" ")
    if outline_end == -1 or len(fields) % 3:
        return None
    places = []
    for index in range(0, len(fields), 3):
        name, start, end = fields[index : index + 3]
        if not (_TABLE_HEADER.fullmatch(b'"%s":{' % name) and start.isdigit() and end.isdigit()):
            return None
        places.append((name.decode(), int(start), int(end)))
    return places


def read_generation(head: bytes) -> str | None:
    """The content version in the ``_outline`` at the start of *head*, or None if it has none."""
    if not head.startswith(_OUTLINE_OPENING):
        return None
    outline_end = head.find(_OUTLINE_CLOSING, len(_OUTLINE_OPENING))
    at = head.find(_GENERATION_FIELD, len(_OUTLINE_OPENING), outline_end)
    if outline_end == -1 or at == -1:
        return None
    generation = head[at + len(_GENERATION_FIELD) : outline_end]
    return generation.decode() if _GENERATION.fullmatch(generation) else None


def new_generation() -> str:
    """A content version for a file about to be written: random, so no two writes share one."""
    return secrets.token_hex(8)


def section_opening(name: str) -> bytes:
    """The bytes just before a table's first line: the separator and its opening line."""
    return b',\n"%s":{\n' % name.encode()


def outlined_places(
    head: bytes, size: int, piece: Callable[[int, int], bytes]
) -> list[tuple[str, int, int]] | None:
    """(table, start, end) of each table's lines, if the ``_outline`` in *head* (the file's first
    4 KiB) checks out against the bytes it points at; *piece(start, end)* reads the file's bytes.

    Each table must open (``"name":{``) right where the one before it closed, and close where
    the outline says, and the last must end the file of *size* bytes: a line holding only
    ``"name":{`` or starting with ``}`` is never part of a document, so a stale or edited outline
    cannot pass. Only a few bytes around each place are read.
    """
    places = read_outline(head)
    if places is None:
        return None
    names: set[str] = set()
    position = head.find(_OUTLINE_CLOSING, len(_OUTLINE_OPENING)) + len(_OUTLINE_CLOSING)
    for name, start, end in places:
        opening = section_opening(name)
        if (
            start - position != len(opening)
            or piece(position, start) != opening
            or end < start
            or piece(end, end + 4) not in (_TABLE_END, _LAST_TABLE_END)
            or name in names
            or name == OUTLINE
        ):
            return None
        names.add(name)
        position = end + 2  # after "\n}"
    if position != size - 2 or piece(size - 2, size) != b"\n}":
        return None
    return places


def _outlined_sections(raw: bytes, path: Path | str) -> Tables | None:
    """The tables at the places the ``_outline`` table names, if every place checks out."""
    places = outlined_places(raw[:4096], len(raw), lambda start, end: raw[start:end])
    if places is None:
        return None
    return {name: DocumentTable.section(raw, start, end, path) for name, start, end in places}


def _split_section(
    raw: bytes, start: int, end: int, source: Path | str
) -> tuple[dict[str, bytes], bool]:
    """Document id → line for the lines in ``raw[start:end]`` (bounds, so no copy of them), and
    whether they were in the one-document-per-line layout (else the section was parsed whole)."""
    found = _DOCUMENT_LINE.findall(raw, start, end)
    lines = {doc_id.decode(): line for doc_id, line in found}
    if len(lines) != len(found):
        # Readers would disagree about which of the two is the document: it is damage.
        twice = next(doc_id for doc_id, count in Counter(i for i, _ in found).items() if count > 1)
        raise _damaged(source, f"document {shown_id(twice.decode())} is there twice")
    # The matched lines and a ",\n" between each two must cover the section exactly: a line that
    # is not a document, or a separator without its comma, leaves bytes uncovered.
    covered = sum(len(line) for _, line in found) + 2 * (len(found) - 1) if found else 0
    if covered != end - start or raw[end - 1 : end] == b",":
        # Parsed as the one table of a file, so the usual checks and messages apply.
        documents = parse(b'{"t":{' + raw[start:end] + b"}}", Path(source))["t"]
        return DocumentTable.of(documents, source)._lines, False
    return lines, True


def _table_headers(raw: bytes) -> list[tuple[str, int, int]] | None:
    """(name, start, end) of each table's opening line, or None if one is malformed.

    Found with bytes.find: a multi-line regular expression tries every position of the file,
    which costs three times the whole split at 10,000 requests.
    """
    headers = []
    position = raw.find(_HEADER_END)
    while position != -1:
        line_start = raw.rfind(b"\n", 0, position) + 1
        header = _TABLE_HEADER.fullmatch(raw, line_start, position + 2)
        if header is None:
            return None
        headers.append((header.group(1).decode(), line_start, position + 2))
        position = raw.find(_HEADER_END, position + 3)
    if not headers or headers[0][1] != 2:
        return None
    return headers


def parse(raw: bytes, path: Path) -> dict[str, dict[str, Document]]:
    """The tables in the bytes *raw* of *path*, each document parsed, or DamagedDataFile."""
    try:
        data = orjson.loads(raw) if raw.strip() else {}
    except orjson.JSONDecodeError as error:
        raise _damaged(path, str(error)) from None
    if not isinstance(data, dict) or not all(
        isinstance(table, dict) and all(isinstance(doc, dict) for doc in table.values())
        for table in data.values()
    ):
        raise DamagedDataFile(
            f"The data file {path} is not a TinyDB file and was left untouched; "
            "restore it from a backup."
        )
    return data


def serialised_pieces(tables: Tables) -> list[bytes | memoryview]:
    """*tables* in the one-document-per-line layout (``{}`` when there are none), their outline
    naming a new content version, in pieces that are written one after the other: joining them
    would copy the whole file again."""
    named = [(name, table) for name, table in tables.items() if name != OUTLINE]
    if not named:
        return [b"{}"]
    generation = new_generation()
    bodies = [(section_opening(name), table.body()) for name, table in named]
    # The outline's own length does not depend on the offsets it holds: they are zero-padded.
    entry = b"%s %0*d %0*d"
    outline_length = (
        len(_OUTLINE_OPENING)
        + sum(len(name.encode()) + 2 + 2 * _OFFSET_DIGITS for name, _ in named)
        + len(named)
        - 1
        + len(_GENERATION_FIELD)
        + len(generation)
        + len(_OUTLINE_CLOSING)
    )
    entries = []
    position = outline_length
    for (name, _), (opening, body) in zip(named, bodies, strict=True):
        start = position + len(opening)
        end = start + len(body)
        entries.append(entry % (name.encode(), _OFFSET_DIGITS, start, _OFFSET_DIGITS, end))
        position = end + 2
    outline = b" ".join(entries) + _GENERATION_FIELD + generation.encode()
    pieces: list[bytes | memoryview] = [_OUTLINE_OPENING + outline + _OUTLINE_CLOSING]
    for opening, body in bodies:
        pieces += [opening, body, b"\n}"]
    pieces.append(b"\n}")
    return pieces


def write_atomically(path: Path, tables: Tables) -> LoadedFile:
    """Replace *path* with *tables* so that a crash leaves the old file or the new, never a mix
    (replace_atomically); the result is the new version, its inode pinned."""
    pieces = serialised_pieces(tables)
    identity, pin = replace_atomically(path, pieces)
    return LoadedFile(identity, tables, pin, read_generation(bytes(pieces[0])))


def replace_atomically(
    path: Path, pieces: Iterable[bytes | memoryview]
) -> tuple[FileIdentity, int]:
    """Replace *path* with the bytes of *pieces*: written to a temporary file, fsynced, moved
    over *path*; the new file's identity and a read-only descriptor that pins its inode.

    The new file keeps the old one's mode (never readable by others) and group, since kiosk and
    staff accounts share it; a first file gets the folder's mode (access.new_file_mode). The
    temporary file is named after this process, so that clean-up can tell whose it is.
    """
    directory = path.parent
    descriptor, temp_name = tempfile.mkstemp(
        prefix=f".{path.name}.{os.getpid()}.", suffix=TEMP_SUFFIX, dir=directory
    )
    try:
        _copy_ownership(path, descriptor)
        for piece in pieces:
            view = memoryview(piece)
            while view:
                view = view[os.write(descriptor, view) :]
        os.fsync(descriptor)
        identity = FileIdentity.of(os.fstat(descriptor))
        # The version is pinned read-only: no descriptor open for writing outlives the write
        # (a file system with one cannot be remounted read-only).
        pin = os.open(temp_name, os.O_RDONLY | os.O_CLOEXEC)
        try:
            os.replace(temp_name, path)
        except BaseException:
            os.close(pin)
            raise
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        raise
    finally:
        os.close(descriptor)
    _fsync_directory(directory)
    return identity, pin


def abandoned_temp_files(folder: Path, target: str) -> list[Path]:
    """The temporary files in *folder* of writers of the files named *target* (a glob pattern)
    that have ended (killed mid-write): write_atomically names each ``.<target>.<pid>.<x>.tmp``.

    A file whose writer is still running is never listed, even if it is not this program's
    lock that keeps it apart; a name without a pid is an older version's, from before a restart.
    """
    abandoned = []
    for candidate in folder.glob(f".{target}.*{TEMP_SUFFIX}"):
        owner = candidate.name.rsplit(".", 3)[-3]
        if not (owner.isdigit() and _is_running(int(owner))):
            abandoned.append(candidate)
    return sorted(abandoned)


def _is_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another account's process
    return True


def _copy_ownership(path: Path, descriptor: int) -> None:
    try:
        old = os.stat(path)
    except FileNotFoundError:
        # fchmod, not the umask: the folder decides who shares the file.
        os.fchmod(descriptor, new_file_mode(path.parent))
        return
    os.fchmod(descriptor, replacement_mode(old.st_mode))
    # Only root or a member of the group may hand the file on; others keep their own group.
    with contextlib.suppress(PermissionError):
        os.fchown(descriptor, -1, old.st_gid)


def _fsync_directory(directory: Path) -> None:
    descriptor = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)

"""The request numbers each yearly archive holds, kept beside it: a number held nowhere (a typo,
a guess) is answered from them without reading the archive.

A miss used to search the whole archive to be sure (an archive edited out of order must still
find every request): 24.6 ms at 100,000 stored requests against 0.013 ms for a hit. The archive
run now writes ``tawasul.archive-2026.numbers`` with each request archive: a short header naming
the archive's content version (the generation in its outline), then the numbers as a sorted
array of 64-bit integers (8 bytes a request: 0.8 MB for 100,000). A reader loads it once per
archive version and answers a miss with a binary search in memory. A set that is missing, or
names another version (a crash between the two writes, a restored archive), is not used: the
reader builds it from the archive's lines once, and ``db check`` or the next run writes it again.
"""

from __future__ import annotations

import bisect
import itertools
import os
import re
import sys
from array import array
from collections.abc import Iterable
from pathlib import Path

from kiosk.store.storage import replace_atomically

_HEADER = b"tawasul archived request numbers 1 "
_HEADER_LINE = re.compile(rb"tawasul archived request numbers 1 ([0-9a-f]{16})\n")
# The id that starts a document line of the archive (JSON strings hold no raw newline).
_LINE_ID = re.compile(rb'\n"([0-9]+)":\{')
_CHUNK = 1 << 20


def numbers_path(archive: Path) -> Path:
    """The file of numbers beside the request archive *archive*."""
    return archive.with_suffix(".numbers")


class ArchivedNumbers:
    """The request numbers of one archive version, sorted, searched without a scan."""

    __slots__ = ("_numbers",)

    def __init__(self, numbers: array[int]) -> None:
        """Over *numbers*, sorted ascending."""
        self._numbers = numbers

    @classmethod
    def of(cls, numbers: Iterable[str]) -> ArchivedNumbers:
        """The set of the request numbers *numbers* (digits)."""
        return cls(array("Q", sorted(int(number) for number in numbers)))

    def __contains__(self, number: object) -> bool:
        """Whether the request number *number* (a string of digits) is held."""
        if not (isinstance(number, str) and number.isdigit() and len(number) < 20):
            return False
        wanted = int(number)
        at = bisect.bisect_left(self._numbers, wanted)
        return at < len(self._numbers) and self._numbers[at] == wanted

    def __len__(self) -> int:
        """How many numbers are held."""
        return len(self._numbers)

    def __eq__(self, other: object) -> bool:
        """Whether *other* holds the same numbers."""
        return isinstance(other, ArchivedNumbers) and self._numbers == other._numbers

    __hash__ = None  # type: ignore[assignment]

    def to_bytes(self, generation: str) -> bytes:
        """The file form, naming the archive's content version *generation*."""
        numbers = self._numbers
        if sys.byteorder != "little":
            numbers = array("Q", numbers)
            numbers.byteswap()
        return _HEADER + generation.encode() + b"\n" + numbers.tobytes()


def read_numbers(archive: Path, generation: str | None) -> ArchivedNumbers | None:
    """The numbers kept beside *archive* if they are those of its version *generation*, else
    None (missing, of another version, or damaged: the caller builds them from the archive)."""
    if generation is None:
        return None
    try:
        raw = numbers_path(archive).read_bytes()
    except FileNotFoundError:
        return None
    header = _HEADER_LINE.match(raw)
    body = memoryview(raw)[header.end() :] if header else memoryview(b"")
    if header is None or header.group(1).decode() != generation or len(body) % 8:
        return None
    numbers = array("Q")
    numbers.frombytes(body)
    if sys.byteorder != "little":
        numbers.byteswap()
    if any(earlier >= later for earlier, later in itertools.pairwise(numbers)):
        return None
    return ArchivedNumbers(numbers)


def write_numbers(archive: Path, generation: str, numbers: ArchivedNumbers) -> None:
    """Keep *numbers* beside *archive*, whose content version is *generation* (atomically)."""
    _, pin = replace_atomically(numbers_path(archive), [numbers.to_bytes(generation)])
    os.close(pin)


def scan_numbers(descriptor: int, start: int, end: int) -> ArchivedNumbers:
    """The numbers of the document lines in bytes *start*..*end* of the archive open as
    *descriptor*, read a chunk at a time (memory stays small)."""
    found: list[bytes] = []
    position = start
    size = _CHUNK
    while position < end:
        chunk = os.pread(descriptor, min(size, end - position), position)
        if not chunk:
            break
        if position + len(chunk) < end:
            cut = chunk.rfind(b"\n") + 1
            if cut == 0:  # a line longer than the chunk: read more of it at once
                size *= 2
                continue
            chunk = chunk[:cut]
        # Each chunk begins at a line start: the newline before it makes the first one match.
        found += _LINE_ID.findall(b"\n" + chunk)
        position += len(chunk)
    return ArchivedNumbers.of(number.decode() for number in found)

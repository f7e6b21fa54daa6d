"""Reading the live and archive files straight from their JSON, not through the store."""

from pathlib import Path
from typing import Any

import orjson

from kiosk.store.archive_files import archive_path, archive_years


def request_documents_by_file(live: Path) -> dict[str, dict[str, dict[str, Any]]]:
    """File name → its request documents by number."""
    archives = [archive_path(live, year) for year in archive_years(live)]
    files = [live] + [path for path in archives if path.exists()]
    return {path.name: orjson.loads(path.read_bytes()).get("requests", {}) for path in files}


def where_each_request_is(live: Path) -> dict[str, list[str]]:
    """Request number → the names of the files that hold it."""
    places: dict[str, list[str]] = {}
    for name, documents in request_documents_by_file(live).items():
        for number in documents:
            places.setdefault(number, []).append(name)
    return places

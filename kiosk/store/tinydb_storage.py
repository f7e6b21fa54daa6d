"""The TinyDB storage a transaction gives TinyDB for the small tables (staff, settings).

Kept apart from storage.py so that tinydb is imported only when a transaction first needs it:
reading the data file, and drawing the kiosk's first screen, never do.
"""

from tinydb.storages import Storage

from kiosk.store.storage import Document, DocumentTable, Tables


class _TablesForTinyDB(dict[str, dict[str, Document]]):
    """The tables as TinyDB expects them, each made into plain dicts only when TinyDB asks."""

    def __init__(self, tables: Tables) -> None:
        super().__init__()
        self._tables = tables

    def __missing__(self, name: str) -> dict[str, Document]:
        if name not in self._tables:
            raise KeyError(name)
        # Copies: TinyDB updates documents in place, and the parsed ones are shared.
        plain = {doc_id: dict(doc) for doc_id, doc in self._tables[name].items()}
        self[name] = plain
        return plain


class TransactionStorage(Storage):
    """A TinyDB storage over tables already loaded under the lock; written once at commit.

    TinyDB reads and rewrites a whole table on every operation, so it is given the small tables
    (staff, settings); the large ones are changed document by document by the transaction.
    """

    def __init__(self, tables: Tables) -> None:
        """Serve *tables* to TinyDB."""
        self.tables = tables
        self.writes = 0

    def read(self) -> dict[str, dict[str, Document]]:
        """The tables as loaded, with this transaction's changes."""
        return _TablesForTinyDB(self.tables)

    def write(self, data: dict[str, dict[str, Document]]) -> None:
        """Keep TinyDB's changes (only tables it touched are in *data*) until the commit."""
        for name, documents in data.items():
            self.tables[name] = DocumentTable.of(documents)
        self.writes += 1

"""The store: its interface (port) and the TinyDB-format file that implements it (DESIGN §2, §4).

The services import the interface, kiosk.store.port, and nothing else of this package; the
wiring (kiosk.cli) builds the file store and hands it to them. Each name is imported from its
module when first asked for (see ``kiosk.lazy``), so importing the port loads no backend.
"""

from typing import TYPE_CHECKING

from kiosk.lazy import lazy_exports

if TYPE_CHECKING:
    from kiosk.store.port import Store, StoreTransaction
    from kiosk.store.store import FileTransaction, TawasulStore

__getattr__ = lazy_exports(
    __name__,
    {
        "FileTransaction": "kiosk.store.store",
        "Store": "kiosk.store.port",
        "StoreTransaction": "kiosk.store.port",
        "TawasulStore": "kiosk.store.store",
    },
)

__all__ = ["FileTransaction", "Store", "StoreTransaction", "TawasulStore"]

"""The TinyDB repository: the only code that imports tinydb (DESIGN §2, §4)."""

from kiosk.store.store import StoreTransaction, TawasulStore

__all__ = ["StoreTransaction", "TawasulStore"]

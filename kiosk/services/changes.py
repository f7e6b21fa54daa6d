"""Hearing that the office's data changed: the apps subscribe, and refresh what they show.

Whoever wrote (a staff console over SSH, another kiosk, the ``tawasul`` command, this app's own
worker), the listener is called once per change, from the store's watcher thread: an app hands
the news to its event loop and reads what it needs through the other services.
"""

from kiosk.store.port import Listener, Store, Subscription

__all__ = ["DataChanges", "Listener", "Subscription"]


class DataChanges:
    """The change signal of one store, as the apps see it."""

    def __init__(self, store: Store) -> None:
        """Changes of *store*."""
        self._store = store

    def subscribe(self, listener: Listener) -> Subscription:
        """Call *listener* after each change of the data from now on, until it is closed.

        It is called from another thread and must return quickly (post a message, set a flag).
        """
        return self._store.changes.subscribe(listener)

"""Bringing the store's change signal into an app's event loop: one message per change."""

from textual.app import App
from textual.message import Message

from kiosk.services import Services
from kiosk.services.changes import Subscription


class DataChanged(Message):
    """Someone wrote the office's data (the app's handler: ``on_data_changed``)."""


def listen_for_changes(app: App[None], services: Services) -> Subscription:
    """Post DataChanged to *app* after each change of the data of *services*.

    The listener runs on the store's watcher thread: Textual's post_message is thread-safe, and
    it does nothing once the app is closing.
    """
    return services.changes.subscribe(lambda: app.post_message(DataChanged()))

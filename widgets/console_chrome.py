"""The header and the key bar of the staff console's screens, which let go of what they watch.

Textual keeps a reactive's watchers in the watched object's ``__watchers`` and drops those of
closed widgets only when the watched value changes (Textual's issue #6666, open for Textual
8.2). Header watches the app's title and sub-title, which stay as they are for a whole session,
and Footer binds each of its keys to its own ``compact``, which never changes: each request
opened and closed in the console left its header (the screen was freed, the app still held the
header) and the table's footer kept every key it had ever drawn, ~0.2 MB an opening (issue 19).
"""

from collections.abc import Callable

from textual.dom import DOMNode
from textual.widgets import Footer, Header


def forget_watchers(watched: DOMNode, attribute: str, gone: Callable[[DOMNode], bool]) -> None:
    """Drop the watchers of *watched*'s *attribute* whose widget is *gone*."""
    watchers = getattr(watched, "__watchers", {}).get(attribute)
    if watchers:
        watchers[:] = [(node, callback) for node, callback in watchers if not gone(node)]


class KeyFooter(Footer):
    """Textual's Footer, which lets go of the keys it drew before."""

    async def recompose(self) -> None:
        """Draw the keys anew, then drop the bindings of the keys just removed.

        Setting ``compact`` again to have Textual prune them is no way out: the keys' change
        refreshes the screen's bindings, which recomposes the footer, forever. A key still
        shown is attached; a removed one never is again, and a new one binds itself only once
        it is mounted.
        """
        await super().recompose()
        forget_watchers(self, "compact", lambda key: not key.is_attached)


class TitleHeader(Header):
    """Textual's Header, which stops watching the app's title when its screen goes."""

    def on_unmount(self) -> None:
        """Stop watching the app (the screen's watchers go with the screen)."""
        for attribute in ("title", "sub_title"):
            forget_watchers(self.app, attribute, lambda node: node is self)

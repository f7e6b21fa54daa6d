"""The clock the services read, so tests can freeze time."""

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]
"""A function returning the current time in UTC."""


def utc_now() -> datetime:
    """The current time in UTC, the only zone the data file stores."""
    return datetime.now(UTC)

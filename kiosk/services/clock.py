"""The clock the services read, so tests can freeze time."""

from collections.abc import Callable
from datetime import datetime

Clock = Callable[[], datetime]
"""A function returning the current time in UTC."""

"""The clock the services read, so tests can freeze time."""

from collections.abc import Callable
from datetime import datetime

from kiosk.domain.calendar import utc_now

Clock = Callable[[], datetime]
"""A function returning the current time in UTC."""

system_clock: Clock = utc_now

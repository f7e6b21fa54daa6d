"""Tawasul Kiosk: self-service kiosk and staff console for Tawasul requests at a Jawazat office."""

__version__ = "0.1.0"

BUILD_YEAR = 2026
"""The year this version was made: a clock that reads an earlier year is wrong
(``tawasul doctor``)."""

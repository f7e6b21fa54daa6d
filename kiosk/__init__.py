"""Tawasul Kiosk: self-service kiosk and staff console for Tawasul requests at a Jawazat office."""

__version__ = "0.1.0"

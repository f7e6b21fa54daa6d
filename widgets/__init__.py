"""Textual widgets of Tawasul Kiosk."""

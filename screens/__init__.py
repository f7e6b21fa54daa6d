"""Textual screens of Tawasul Kiosk."""

"""Textual screens of Tawasul Kiosk, one package for each of its two users.

- ``screens.resident``: the walk-in resident's kiosk, from Welcome to the receipt.
- ``screens.staff``: the staff console that staff run over SSH.

The two never import each other; both talk to the services only.
"""

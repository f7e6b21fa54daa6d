"""Reusable kiosk widgets; they never import screens."""

from widgets.bidi_text import BidiText
from widgets.idle_countdown import IdleCountdown
from widgets.keypad import BACKSPACE, ENTER, Keypad, KeypadKey
from widgets.qr_code import QrCode, qr_rows
from widgets.status_badge import StatusBadge

__all__ = [
    "BACKSPACE",
    "ENTER",
    "BidiText",
    "IdleCountdown",
    "Keypad",
    "KeypadKey",
    "QrCode",
    "StatusBadge",
    "qr_rows",
]

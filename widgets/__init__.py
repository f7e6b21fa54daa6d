"""Reusable kiosk widgets; they never import screens.

Each name is imported from its module when first asked for (see ``kiosk.lazy``).
"""

from typing import TYPE_CHECKING

from kiosk.lazy import lazy_exports

if TYPE_CHECKING:
    from widgets.bidi_text import BidiText
    from widgets.choice_list import ChoiceList
    from widgets.choice_tile import ChoiceTile
    from widgets.console_chrome import KeyFooter, TitleHeader
    from widgets.keypad import BACKSPACE, ENTER, Keypad, KeypadKey
    from widgets.qr_code import QrCode, qr_rows
    from widgets.reading_pane import READING_KEYS, ReadingPane
    from widgets.status_badge import StatusBadge
    from widgets.text_field import TextField

__getattr__ = lazy_exports(
    __name__,
    {
        "BACKSPACE": "widgets.keypad",
        "ENTER": "widgets.keypad",
        "READING_KEYS": "widgets.reading_pane",
        "BidiText": "widgets.bidi_text",
        "ChoiceList": "widgets.choice_list",
        "ChoiceTile": "widgets.choice_tile",
        "KeyFooter": "widgets.console_chrome",
        "Keypad": "widgets.keypad",
        "KeypadKey": "widgets.keypad",
        "QrCode": "widgets.qr_code",
        "ReadingPane": "widgets.reading_pane",
        "StatusBadge": "widgets.status_badge",
        "TextField": "widgets.text_field",
        "TitleHeader": "widgets.console_chrome",
        "qr_rows": "widgets.qr_code",
    },
)

__all__ = [
    "BACKSPACE",
    "ENTER",
    "READING_KEYS",
    "BidiText",
    "ChoiceList",
    "ChoiceTile",
    "KeyFooter",
    "Keypad",
    "KeypadKey",
    "QrCode",
    "ReadingPane",
    "StatusBadge",
    "TextField",
    "TitleHeader",
    "qr_rows",
]

"""One place where typed numbers are cleaned before any rule looks at them."""

import re

# Arabic-Indic (U+0660), Eastern Arabic-Indic / Persian (U+06F0) and full-width (U+FF10) digits.
_DIGIT_BLOCKS = (0x0660, 0x06F0, 0xFF10)
_TO_ASCII = {block + i: str(i) for block in _DIGIT_BLOCKS for i in range(10)}

# Spaces of every width, hyphens and dashes people type between groups, and the invisible
# direction marks that copy-paste and RTL keyboards slip in.
_SEPARATORS = re.compile(
    "[\\s\u00a0\u2000-\u200a\u202f\u205f\u3000"
    "\\-\u2010-\u2015\u2212\ufe63\uff0d"
    "\u200b-\u200f\u202a-\u202e\u2066-\u2069\u061c\ufeff]"
)

ASCII_DIGITS = re.compile("[0-9]+")


def normalise_digits(text: str) -> str:
    """Return *text* with every digit script turned into ASCII and separators removed.

    Letters and other symbols are kept, so callers can still say what is wrong with them.
    """
    return _SEPARATORS.sub("", text).translate(_TO_ASCII)


def is_ascii_digits(text: str) -> bool:
    """Whether *text* is one or more ASCII digits (never the other scripts `\\d` accepts)."""
    return ASCII_DIGITS.fullmatch(text) is not None


def luhn_check_digit(payload: str) -> int:
    """The Luhn check digit to append to the ASCII digits *payload*."""
    total = 0
    # Walking from the right, the digit next to the check digit is doubled first.
    for position, char in enumerate(reversed(payload)):
        digit = int(char)
        if position % 2 == 0:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return (10 - total % 10) % 10


def passes_luhn(number: str) -> bool:
    """Whether the ASCII digits *number* end in a correct Luhn check digit."""
    return len(number) >= 2 and luhn_check_digit(number[:-1]) == int(number[-1])

"""How a resident sees the kiosk and how long it waits for them: the rules, without a screen.

A resident may switch to high contrast or the large layout for their visit (the office sets
what every visit starts with); the large layout and speech give them more time before "are you
still there?" (WCAG 2.2.1). Contrast is measured as WCAG 2.x defines it, so the themes can be
checked against the 7:1 of WCAG 1.4.6 by computation, not by eye.
"""

from dataclasses import dataclass, replace
from enum import StrEnum

MORE_TIME_FACTOR = 2.0
"""How many times the usual idle time a resident gets with the large layout or speech on."""

MINIMUM_CONTRAST = 7.0
"""The contrast high contrast promises between text or a control and what is behind it
(WCAG 1.4.6, level AAA)."""


class AccessChoice(StrEnum):
    """What a resident can switch on and off for their visit."""

    HIGH_CONTRAST = "high_contrast"
    LARGE = "large"


@dataclass(frozen=True)
class Presentation:
    """How the kiosk is shown to one resident, and whether speech guides them."""

    high_contrast: bool = False
    """Light text and controls on black, at least 7:1, focus shown by its border and style."""
    large: bool = False
    """Fewer, bigger targets: a keypad of keys twice as large, taller rows and tiles."""
    speech: bool = False
    """Whether the kiosk speaks to the resident (the office's ``[speech] enabled``)."""

    @property
    def needs_more_time(self) -> bool:
        """Whether the resident gets the longer idle time: a large layout or speech is slower."""
        return self.large or self.speech

    def toggled(self, choice: AccessChoice) -> "Presentation":
        """This presentation with *choice* switched the other way."""
        if choice is AccessChoice.HIGH_CONTRAST:
            return replace(self, high_contrast=not self.high_contrast)
        return replace(self, large=not self.large)


def idle_seconds(
    usual: float, presentation: Presentation, more_time_factor: float = MORE_TIME_FACTOR
) -> float:
    """Seconds without input before the kiosk asks "are you still there?".

    *usual* is the office's idle time; a resident who needs more time (see
    ``Presentation.needs_more_time``) gets *more_time_factor* times as much.
    """
    return usual * more_time_factor if presentation.needs_more_time else usual


Rgb = tuple[int, int, int]
"""A colour as red, green and blue from 0 to 255 (sRGB)."""


def relative_luminance(colour: Rgb) -> float:
    """WCAG 2.x relative luminance of *colour*: 0 for black, 1 for white."""

    def linear(channel: int) -> float:
        value = channel / 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(channel) for channel in colour)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: Rgb, second: Rgb) -> float:
    """WCAG 2.x contrast ratio of two colours, from 1 (the same) to 21 (black and white)."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)))[::-1]
    return (lighter + 0.05) / (darker + 0.05)

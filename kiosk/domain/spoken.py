"""How numbers are read aloud: the one rule for every sentence the kiosk speaks.

Decided as a call centre reads them: a request number or an ID (five digits or more) is read
digit by digit, in groups of three with a pause between groups ("9 1 2, 3 4 5, 6 7 8 9"), so a
resident can write it down or check it against their SMS; anything shorter (counts, days,
seconds, years, a day of the month) is a number read whole ("7 working days", "1448").
"""

import re

from kiosk.domain.digits import normalise_digits

DIGIT_BY_DIGIT_FROM = 5
"""The length from which a run of digits is an identifier read digit by digit, not a count."""

GROUP = 3
"""Digits read together before a pause; a last lone digit joins the group before it."""

_DIGIT_RUN = re.compile("[0-9\u0660-\u0669\u06f0-\u06f9\uff10-\uff19]+")


def digit_groups(number: str) -> str:
    """*number*'s digits spaced one by one, in groups of GROUP separated by a comma (a pause)."""
    digits = normalise_digits(number)
    groups = [digits[start : start + GROUP] for start in range(0, len(digits), GROUP)]
    if len(groups) > 1 and len(groups[-1]) == 1:
        groups[-2:] = [groups[-2] + groups[-1]]
    return ", ".join(" ".join(group) for group in groups)


def speakable(text: str) -> str:
    """*text* as the speech engine should read it: identifiers digit by digit, counts whole."""

    def read(match: re.Match[str]) -> str:
        run = match.group()
        return digit_groups(run) if len(run) >= DIGIT_BY_DIGIT_FROM else normalise_digits(run)

    return _DIGIT_RUN.sub(read, text)


def spoken_text(sentences: list[str]) -> str:
    """*sentences* as one text to read, each ending in a stop so the engine pauses after it
    (a title has none on screen)."""
    said = []
    for sentence in sentences:
        sentence = sentence.strip()
        if sentence:
            said.append(sentence if sentence[-1] in ".?!:؟…" else f"{sentence}.")
    return speakable("\n".join(said))

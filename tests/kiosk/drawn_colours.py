"""The colours a screen draws, cell by cell, read from Textual's own picture of it (the SVG
``App.export_screenshot`` writes, the one the snapshots store): every pair of text colour and
background that a person sees, whatever CSS rule, theme variable or blend produced it."""

import html
import re
from dataclasses import dataclass

from rich.cells import cell_len

from kiosk.domain.accessibility import Rgb

CELL_WIDTH = 12.2
"""The width of one cell in Rich's SVG export."""

LINE_HEIGHT = 24.4
"""The height of one line in Rich's SVG export."""

_RULE = re.compile(r"\.(terminal-\d+-r\d+) \{ ([^}]*)\}")
_FILL = re.compile(r"fill: (#[0-9a-fA-F]{6})")
_RECT = re.compile(
    r'<rect fill="(#[0-9a-fA-F]{6})" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" '
    r'height="[\d.]+" shape-rendering="crispEdges"/>'
)
_TEXT = re.compile(
    r'<text class="(terminal-\d+-r\d+)" x="([\d.]+)" y="[\d.]+" textLength="[\d.]+" '
    r'clip-path="url\(#terminal-\d+-line-(\d+)\)">([^<]*)</text>'
)


@dataclass(frozen=True)
class DrawnCell:
    """One character as drawn: where, what, and its colours."""

    column: int
    line: int
    character: str
    foreground: Rgb
    background: Rgb


def _rgb(hex_colour: str) -> Rgb:
    value = int(hex_colour.lstrip("#"), 16)
    return (value >> 16 & 0xFF, value >> 8 & 0xFF, value & 0xFF)


def drawn_cells(svg: str) -> list[DrawnCell]:
    """Every visible character of the screen in *svg*, with its colour and the one behind it."""
    fills: dict[str, Rgb] = {}
    for name, rule in _RULE.findall(svg):
        fill = _FILL.search(rule)
        assert fill, f"{name} draws text without a colour"
        fills[name] = _rgb(fill.group(1))
    backgrounds: dict[tuple[int, int], Rgb] = {}
    for colour, x, y, width in _RECT.findall(svg):
        line = round((float(y) - 1.5) / LINE_HEIGHT)
        first = round(float(x) / CELL_WIDTH)
        for column in range(first, first + round(float(width) / CELL_WIDTH)):
            backgrounds[column, line] = _rgb(colour)
    cells = []
    for name, x, line_text, text in _TEXT.findall(svg):
        line = int(line_text)
        column = round(float(x) / CELL_WIDTH)
        for character in html.unescape(text):
            width = cell_len(character)  # 0 for a combining mark (Arabic's diacritics)
            if width and not character.isspace():
                behind = backgrounds[column, line]
                cells.append(DrawnCell(column, line, character, fills[name], behind))
            column += width
    assert cells, "the picture holds no text: Rich's SVG format may have changed"
    return cells

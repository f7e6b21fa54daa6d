"""The ESC/POS bytes of a receipt image, and the image read back from such bytes.

The bytes are built once with python-escpos's Dummy printer (the pattern its documentation gives
for preparing a job) and then stored and sent as they are, so what is spooled, retried, written
by ``tawasul receipt --out`` and checked in the tests is one and the same thing.
"""

import contextlib
import io

from PIL import Image, ImageChops

from kiosk.printing._escpos import escpos_printer

# A real 80 mm profile with a cutter: python-escpos then checks the width (at most 576 dots)
# instead of printing a warning on stdout, and emits the cut. Its 58 mm profiles have no cutter
# and would drop the cut, though 58 mm printers without a cutter simply ignore GS V.
_PROFILE = "TM-T20II"

_RASTER = b"\x1dv0"
_HEADER = 8  # GS v 0 m xL xH yL yH
MAX_SIDE = 65_535
"""The longest side of a picture read back (zxing-cpp reads no larger; a receipt is far shorter)."""

_MAX_DOTS = 576 * MAX_SIDE  # the widest paper (80 mm) at the longest side


class RasterTooLarge(ValueError):
    """The raster pictures in some bytes stack up taller or wider than ``MAX_SIDE``, or to more
    dots than the widest paper holds at that length."""


def receipt_bytes(image: Image.Image) -> bytes:
    """ESC/POS for *image* (mode ``"1"``): reset, the picture as GS v 0 raster, feed and cut.

    The image must already be pure black and white: python-escpos would dither anything grey.
    """
    printer = escpos_printer.Dummy(profile=_PROFILE)
    # python-escpos prints its remarks with print(); they belong on no kiosk screen.
    with contextlib.redirect_stdout(io.StringIO()):
        # ESC @ only as the first command: 3.1 loses track of the code page after it (#729).
        printer.hw("INIT")
        printer.image(image, impl="bitImageRaster", center=False)
        printer.cut()
    output: bytes = printer.output
    return output


def raster_image(data: bytes) -> Image.Image:
    """The picture printed by the GS v 0 raster commands in *data*, stacked top to bottom.

    Other commands are stepped over; the raster data of one command is skipped whole, so bytes
    inside a picture are never taken for a command. ValueError when there is no picture,
    RasterTooLarge when they stack up too large (see the class).
    """
    fragments: list[Image.Image] = []
    position = stacked = widest = 0
    while position < len(data):
        if data.startswith(_RASTER, position) and position + _HEADER <= len(data):
            width_bytes = data[position + 4] + 256 * data[position + 5]
            height = data[position + 6] + 256 * data[position + 7]
            start = position + _HEADER
            end = start + width_bytes * height
            if end > len(data) or width_bytes == 0 or height == 0:
                raise ValueError(f"A raster command at byte {position} is cut short.")
            stacked += height
            widest = max(widest, width_bytes * 8)
            # Checked before any picture is made: a few small commands could ask for gigabytes.
            if max(widest, stacked) > MAX_SIDE or widest * stacked > _MAX_DOTS:
                raise RasterTooLarge(f"The raster pictures up to byte {end} are too large.")
            packed = Image.frombytes("1", (width_bytes * 8, height), data[start:end])
            # ESC/POS marks black dots with 1, Pillow's "1" mode marks white with 1.
            fragments.append(ImageChops.invert(packed))
            position = end
        else:
            position += 1
    if not fragments:
        raise ValueError("These bytes hold no raster picture.")
    picture = Image.new("1", (widest, stacked), 1)
    top = 0
    for fragment in fragments:
        picture.paste(fragment, (0, top))
        top += fragment.height
    return picture

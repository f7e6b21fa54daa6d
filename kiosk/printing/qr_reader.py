"""Reading the QR code back from a picture of a receipt (a photo, a preview PNG, ESC/POS bytes).

zxing-cpp is an independent decoder (it shares no code with the ``qrcode`` package that drew the
code), so a receipt that it reads will scan at the desk. It is imported only when needed: the
kiosk itself never reads QR codes.
"""

import io
import struct
import warnings
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from kiosk.errors import InvalidInput, TawasulError
from kiosk.printing.escpos_bytes import MAX_SIDE, RasterTooLarge, raster_image

MAX_FILE_BYTES = 64 * 1024 * 1024
"""The largest file read as a picture: a phone's photo is a few megabytes, a receipt 100 KB."""
# How Pillow's decoders say a file is damaged: besides OSError, a PNG chunk that fails its check
# is a SyntaxError, a cut header a ValueError, struct.error or EOFError.
_BROKEN_PICTURE = (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, struct.error)


def read_qr_texts(image: Image.Image) -> list[str]:
    """The texts of every QR code zxing-cpp finds in *image*."""
    try:
        import zxingcpp
    except ImportError:
        raise TawasulError(
            "Reading QR codes from pictures needs zxing-cpp: pip install zxing-cpp."
        ) from None
    found = zxingcpp.read_barcodes(
        image.convert("L"), formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
    )
    return [str(result.text) for result in found]


def load_picture(path: Path) -> Image.Image:
    """The picture in *path*: an image file, or the raster of an ESC/POS file.

    InvalidInput when it holds neither, or a picture too large to be a receipt's (a decompression
    bomb, or a side longer than zxing-cpp reads).
    """
    too_large = InvalidInput(f"{path} is too large to be a picture of a receipt.")
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)  # not read_bytes: /dev/zero never ends
    except OSError as error:
        raise InvalidInput(f"{path} cannot be read: {error.strerror or error}.") from None
    if len(data) > MAX_FILE_BYTES:
        raise too_large
    try:
        # Pillow only warns between its limit and twice it: such a picture is refused too.
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as opened:
                if max(opened.size) > MAX_SIDE:
                    raise too_large  # known from the header: refused before it is decoded
                picture: Image.Image | None = opened.copy()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_large from None
    except _BROKEN_PICTURE:
        picture = None
    if picture is None:
        try:
            picture = raster_image(data)
        except RasterTooLarge:
            raise too_large from None
        except ValueError:
            raise InvalidInput(f"{path} is neither a picture nor ESC/POS bytes with one.") from None
    if max(picture.size) > MAX_SIDE:
        raise too_large
    return picture


def read_payload(path: Path) -> str:
    """The text of the one QR code in the picture at *path*; InvalidInput when there is none."""
    texts = read_qr_texts(load_picture(path))
    if not texts:
        raise InvalidInput(f"No QR code could be read in {path}.")
    if len(texts) > 1:
        raise InvalidInput(f"{path} holds {len(texts)} QR codes; crop it to the receipt's one.")
    return texts[0]

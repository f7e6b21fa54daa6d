"""Reading the QR code back from a picture of a receipt (a photo, a preview PNG, ESC/POS bytes).

zxing-cpp is an independent decoder (it shares no code with the ``qrcode`` package that drew the
code), so a receipt that it reads will scan at the desk. It is imported only when needed: the
kiosk itself never reads QR codes.
"""

from pathlib import Path

from PIL import Image, UnidentifiedImageError

from kiosk.errors import InvalidInput, TawasulError
from kiosk.printing.escpos_bytes import raster_image


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
    """The picture in *path*: an image file, or the raster of an ESC/POS file."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InvalidInput(f"{path} cannot be read: {error.strerror or error}.") from None
    try:
        with Image.open(path) as opened:
            return opened.copy()
    except (UnidentifiedImageError, OSError):
        pass
    try:
        return raster_image(data)
    except ValueError:
        raise InvalidInput(f"{path} is neither a picture nor ESC/POS bytes with one.") from None


def read_payload(path: Path) -> str:
    """The text of the one QR code in the picture at *path*; InvalidInput when there is none."""
    texts = read_qr_texts(load_picture(path))
    if not texts:
        raise InvalidInput(f"No QR code could be read in {path}.")
    if len(texts) > 1:
        raise InvalidInput(f"{path} holds {len(texts)} QR codes; crop it to the receipt's one.")
    return texts[0]

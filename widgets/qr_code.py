"""A QR code drawn with half-block characters, dark on light, so a phone camera can read it."""

from textual.content import Content
from textual.widget import Widget

# Two modules share one terminal cell (top and bottom half), which keeps the modules square.
_HALF_BLOCKS = {(True, True): "█", (True, False): "▀", (False, True): "▄", (False, False): " "}


def qr_rows(payload: str, quiet_zone: int = 2) -> list[str]:
    """The rows of half-block characters that draw *payload* with a *quiet_zone* border."""
    # Imported at the first code: only the status screen draws one, never the first screen.
    import qrcode
    from qrcode.constants import ERROR_CORRECT_L

    code = qrcode.QRCode(error_correction=ERROR_CORRECT_L, border=quiet_zone)
    code.add_data(payload)
    code.make(fit=True)
    matrix: list[list[bool]] = code.get_matrix()
    if len(matrix) % 2:
        matrix.append([False] * len(matrix[0]))
    return [
        "".join(_HALF_BLOCKS[top, bottom] for top, bottom in zip(upper, lower, strict=True))
        for upper, lower in zip(matrix[0::2], matrix[1::2], strict=True)
    ]


class QrCode(Widget):
    """The QR code of *payload*, sized to its modules."""

    DEFAULT_CSS = """
    QrCode {
        width: auto;
        height: auto;
        color: black;
        background: white;
    }
    """

    def __init__(self, payload: str, *, id: str | None = None) -> None:
        """Draw *payload*."""
        super().__init__(id=id)
        self.rows = qr_rows(payload)

    def render(self) -> Content:
        """The half-block rows."""
        return Content("\n".join(self.rows))

    def get_content_width(self, container: object, viewport: object) -> int:
        """One cell a module."""
        return len(self.rows[0]) if self.rows else 0

    def get_content_height(self, container: object, viewport: object, width: int) -> int:
        """One row for two modules."""
        return len(self.rows)

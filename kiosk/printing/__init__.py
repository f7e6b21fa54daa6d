"""Receipts: image, signed QR payload, printers, spool (the only code that imports escpos)."""

"""QR codes as small SVG, drawn from the module matrix.

The mask pattern is fixed: every mask gives a valid code, and trying all eight
(the library's default) made a receipt's code cost over 100 ms of a worker's time.
"""

from __future__ import annotations

import base64
from functools import lru_cache

import qrcode
from qrcode.constants import ERROR_CORRECT_M

MASK = 2
BORDER = 2


@lru_cache(maxsize=512)
def qr_svg(text: str) -> bytes:
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=BORDER, mask_pattern=MASK)
    code.add_data(text)
    code.make(fit=True)
    matrix = code.get_matrix()
    size = len(matrix)
    runs = []
    for y, row in enumerate(matrix):
        x = 0
        while x < size:
            if row[x]:
                start = x
                while x < size and row[x]:
                    x += 1
                runs.append(f"M{start} {y}h{x - start}v1h{start - x}z")
            else:
                x += 1
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" shape-rendering="crispEdges">'
        f'<path fill="#fff" d="M0 0h{size}v{size}H0z"/><path fill="#000" d="{"".join(runs)}"/></svg>'
    ).encode()


def qr_svg_data_uri(text: str) -> str:
    """A QR code as an SVG data URI (an <img> source; no inline markup for the CSP to refuse)."""
    return "data:image/svg+xml;base64," + base64.b64encode(qr_svg(text)).decode()

"""QR codes as inline SVG (segno: pure Python, no image library). Never Micro QR: many phone
cameras cannot read it."""

import segno


def qr_svg(data: str, *, scale: int = 4, title: str = "") -> str:
    return segno.make(data, error="m", micro=False).svg_inline(
        scale=scale, title=title or None, dark="#111", light="#fff"
    )

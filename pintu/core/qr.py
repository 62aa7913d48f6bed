"""QR codes as inline SVG (segno: pure Python, no image library)."""

import segno


def qr_svg(data: str, *, scale: int = 4, title: str = "") -> str:
    return segno.make(data, error="m").svg_inline(scale=scale, title=title or None, dark="#111", light="#fff")

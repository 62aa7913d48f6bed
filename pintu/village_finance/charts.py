"""Server-rendered SVG charts (no JavaScript, no CDN): horizontal bars with an optional overlay."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import mark_safe


def _fmt(value: float, unit: str) -> str:
    text = f"{value:,.1f}".replace(",", "X").replace(".", ",").replace("X", ".")
    return f"{text} {unit}".strip()


def bar_chart_svg(
    rows: list[tuple[str, float]],
    *,
    title: str,
    unit: str = "",
    second: list[float] | None = None,
    second_label: str = "",
) -> str:
    """Bars scaled to the largest value; ``second`` draws a darker bar inside (e.g. realised)."""
    width, bar_h, row_h = 480, 20, 50
    height = 40 + len(rows) * row_h
    top = max([v for _, v in rows] + [1.0])
    usable = width - 120  # room for the value after the bar
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" style="width:100%;height:auto;max-width:{width * 1.5:.0f}px">',
        f"<title>{escape(title)}</title>",
        f'<text x="0" y="18" font-size="17" font-weight="700" fill="#263238">{escape(title)}</text>',
    ]
    for i, (label, value) in enumerate(rows):
        y = 36 + i * row_h  # label on its own line above the bar: long names stay readable on a phone
        w = usable * (value / top)
        parts.append(f'<text x="0" y="{y + 12}" font-size="14" fill="#37474f">{escape(label[:60])}</text>')
        parts.append(f'<rect x="0" y="{y + 18}" width="{w:.1f}" height="{bar_h}" rx="4" fill="#80cbc4"/>')
        if second is not None:
            w2 = usable * (second[i] / top)
            parts.append(
                f'<rect x="0" y="{y + 23}" width="{w2:.1f}" height="{bar_h - 10}" rx="3" fill="#00695c"/>'
            )
        text = _fmt(value, unit)
        if second is not None:
            text = f"{_fmt(second[i], '')} / {text}"
        parts.append(
            f'<text x="{w + 6:.1f}" y="{y + 33}" font-size="13" fill="#263238">{escape(text)}</text>'
        )
    if second is not None and second_label:
        parts.append(
            f'<text x="{width - 4}" y="18" font-size="13" text-anchor="end" fill="#00695c">■ {escape(second_label)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text is escaped above

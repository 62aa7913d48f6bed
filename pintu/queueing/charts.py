"""Small server-side SVG charts (no JavaScript, no CDN): horizontal bars with values."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import mark_safe

ROW = 26
LABEL_W = 150
BAR_W = 300


def bar_chart(rows: list[tuple[str, float]], *, title: str, target: float | None = None):
    if not rows:
        return ""
    top = max([v for _, v in rows] + ([target] if target else []) + [1])
    height = ROW * len(rows) + 30
    width = LABEL_W + BAR_W + 60
    parts = [
        f'<svg class="q-chart" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
    ]
    for i, (label, value) in enumerate(rows):
        y = 10 + i * ROW
        w = round(BAR_W * (value / top), 1)
        over = target is not None and value > target
        colour = "#a3231b" if over else "#0b5f5a"
        parts.append(
            f'<text x="{LABEL_W - 6}" y="{y + 15}" text-anchor="end" font-size="12" fill="#1c2326">{escape(label[:24])}</text>'
            f'<rect x="{LABEL_W}" y="{y + 3}" width="{w}" height="16" rx="3" fill="{colour}"/>'
            f'<text x="{LABEL_W + w + 4}" y="{y + 15}" font-size="12" fill="#1c2326">{escape(value)}</text>'
        )
    if target:
        x = LABEL_W + round(BAR_W * (target / top), 1)
        parts.append(
            f'<line x1="{x}" y1="4" x2="{x}" y2="{height - 14}" stroke="#8a5300" stroke-dasharray="4 3"/>'
            f'<text x="{x}" y="{height - 2}" font-size="11" text-anchor="middle" fill="#8a5300">target {escape(target)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated value is escaped above

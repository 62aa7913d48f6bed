"""Server-rendered SVG charts (no JavaScript, no CDN): the age pyramid, horizontal bars and
monthly columns. Each chart has a title and a description for screen readers; the pages also
show the numbers as a table."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import mark_safe

MALE = "#1565c0"
FEMALE = "#c2185b"
BAR = "#00796b"


def _svg(width: int, height: int, title: str, body: list[str]) -> str:
    title = escape(title)
    return mark_safe(  # noqa: S308 - every text inside is escaped
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="img" aria-label="{title}" '
        f'preserveAspectRatio="xMidYMid meet" xmlns="http://www.w3.org/2000/svg"><title>{title}</title>'
        + "".join(body)
        + "</svg>"
    )


def pyramid(groups: list[dict], *, title: str, male_label: str, female_label: str) -> str:
    """Age groups youngest first: bars to the left (male) and right (female)."""
    width, row, top = 360, 16, 22
    height = top + row * len(groups) + 8
    centre, label_w = width / 2, 34
    widest = max([max(g["male"], g["female"]) for g in groups] + [1])
    half = centre - label_w / 2 - 4
    body = [
        f'<text x="{centre - label_w / 2 - 4}" y="13" text-anchor="end" font-size="11" fill="{MALE}">{escape(male_label)}</text>',
        f'<text x="{centre + label_w / 2 + 4}" y="13" font-size="11" fill="{FEMALE}">{escape(female_label)}</text>',
    ]
    for index, group in enumerate(reversed(groups)):  # oldest on top
        y = top + index * row
        m = group["male"] / widest * (half - 30)
        f = group["female"] / widest * (half - 30)
        left = centre - label_w / 2
        right = centre + label_w / 2
        body.append(f'<rect x="{left - m:.1f}" y="{y}" width="{m:.1f}" height="{row - 3}" fill="{MALE}"/>')
        body.append(f'<rect x="{right:.1f}" y="{y}" width="{f:.1f}" height="{row - 3}" fill="{FEMALE}"/>')
        body.append(
            f'<text x="{centre}" y="{y + row - 5}" text-anchor="middle" font-size="10" fill="#37474f">{escape(group["label"])}</text>'
        )
        if group["male"]:
            body.append(
                f'<text x="{left - m - 3:.1f}" y="{y + row - 5}" text-anchor="end" font-size="9" fill="#546e7a">{group["male"]}</text>'
            )
        if group["female"]:
            body.append(
                f'<text x="{right + f + 3:.1f}" y="{y + row - 5}" font-size="9" fill="#546e7a">{group["female"]}</text>'
            )
    return _svg(width, height, title, body)


def bars(items: list[dict], *, title: str, limit: int = 10) -> str:
    """Horizontal bars of ``total`` with the label above each bar (fits a phone)."""
    items = items[:limit]
    width, row = 360, 30
    height = max(row, row * len(items)) + 4
    widest = max([i["total"] for i in items] + [1])
    body = []
    for index, item in enumerate(items):
        y = index * row
        w = item["total"] / widest * (width - 60)
        label = escape(str(item["label"]).title())
        body.append(f'<text x="0" y="{y + 11}" font-size="11" fill="#263238">{label}</text>')
        body.append(f'<rect x="0" y="{y + 14}" width="{max(w, 1):.1f}" height="11" rx="2" fill="{BAR}"/>')
        body.append(
            f'<text x="{w + 4:.1f}" y="{y + 24}" font-size="10" fill="#546e7a">{item["total"]}</text>'
        )
    return _svg(width, height, title, body)


def months(rows: list[dict], *, title: str, series: list[tuple[str, str, str]]) -> str:
    """Grouped columns per month; ``series`` = [(key, label, colour)]."""
    width, height, bottom, left = 360, 170, 30, 4
    slot = (width - left) / max(len(rows), 1)
    bar_w = max(2.0, (slot - 4) / max(len(series), 1))
    widest = max([r[key] for r in rows for key, _l, _c in series] + [1])
    chart_h = height - bottom - 24
    body = []
    for index, (_key, label, colour) in enumerate(series):
        x = left + index * 88
        body.append(f'<rect x="{x}" y="2" width="9" height="9" fill="{colour}"/>')
        body.append(f'<text x="{x + 12}" y="10" font-size="10" fill="#263238">{escape(label)}</text>')
    for index, row in enumerate(rows):
        x0 = left + index * slot + 2
        for s, (key, _label, colour) in enumerate(series):
            h = row[key] / widest * chart_h
            body.append(
                f'<rect x="{x0 + s * bar_w:.1f}" y="{height - bottom - h:.1f}" width="{bar_w - 0.5:.1f}" height="{h:.1f}" fill="{colour}"/>'
            )
        if index % 2 == 0 or len(rows) <= 6:
            body.append(
                f'<text x="{x0 + slot / 2 - 2:.1f}" y="{height - bottom + 12}" text-anchor="middle" font-size="9" fill="#546e7a">{escape(row["label"])}</text>'
            )
    body.append(
        f'<line x1="{left}" y1="{height - bottom}" x2="{width}" y2="{height - bottom}" stroke="#b0bec5" stroke-width="1"/>'
    )
    return _svg(width, height, title, body)

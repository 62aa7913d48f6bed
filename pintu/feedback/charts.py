"""Server-rendered SVG chart geometry (no JavaScript): NRR bars per element and an IKM trend."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.formats import number_format

from pintu.feedback.rules import IkmResult


def _f(value) -> float:
    return float(value) if value is not None else 0.0


@dataclass(frozen=True)
class Bar:
    label: str
    name: str
    value: str
    y: float
    width: float
    grade: str


def nrr_bars(result: IkmResult, *, width: int = 320, row: int = 26) -> dict:
    """Horizontal bars, scale 0–4, one per element; colour by the band the NRR×25 falls in."""
    left, right = 34, 44
    plot = width - left - right
    bars = []
    for i, row_result in enumerate(result.elements):
        nrr = row_result.nrr
        grade = result.rule.band_for(nrr * 25).grade if nrr is not None else ""
        bars.append(
            Bar(
                label=row_result.element.code.upper(),
                name=row_result.element.name,
                value=number_format(_f(nrr), 2) if nrr is not None else "–",
                y=8 + i * row,
                width=round(plot * _f(nrr) / 4, 1),
                grade=grade,
            )
        )
    ticks = [{"x": left + plot * t / 4, "label": str(t)} for t in range(0, 5)]
    return {
        "width": width,
        "height": 8 + len(bars) * row + 18,
        "left": left,
        "plot": plot,
        "bars": bars,
        "ticks": ticks,
        "axis_y": 8 + len(bars) * row,
    }


def trend_line(points: list[tuple[str, IkmResult]], *, width: int = 320, height: int = 160) -> dict:
    """IKM (25–100) per period as a polyline with labelled points; the band edges as guides."""
    left, bottom, top = 30, 24, 10
    plot_w, plot_h = width - left - 12, height - top - bottom
    usable = [(label, r) for label, r in points if r.converted is not None]
    n = max(len(usable), 1)

    def y_of(value: float) -> float:
        return round(top + plot_h * (1 - (value - 25) / 75), 1)

    dots = []
    for i, (label, result) in enumerate(usable):
        x = round(left + (plot_w * (i + 0.5) / n), 1)
        value = float(result.converted_display)
        dots.append(
            {
                "x": x,
                "y": y_of(value),
                "label": label,
                "value": number_format(value, 2),
                "grade": result.band.grade,
            }
        )
    guides = [
        {"y": y_of(v), "label": number_format(v, 2 if v % 1 else 0)} for v in (25, 65, 76.61, 88.31, 100)
    ]
    return {
        "width": width,
        "height": height,
        "dots": dots,
        "points": " ".join(f"{d['x']},{d['y']}" for d in dots),
        "guides": guides,
        "left": left,
        "right": width - 12,
        "bottom": height - bottom,
    }

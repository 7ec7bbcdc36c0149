"""Small hand-written SVG charts for the HTML report: no plotting library, no network.

Each function returns one ``<svg>`` element as a string with a fixed pixel size,
axes, tick labels and a title, so the report stays a single self-contained file.
"""

import math
from collections.abc import Sequence
from html import escape

WIDTH = 900
HEIGHT = 320
MARGIN = {"left": 70, "right": 20, "top": 36, "bottom": 56}
PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2"]
AXIS_COLOUR = "#444"
GRID_COLOUR = "#ddd"


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high] (1, 2, 5 x 10^k steps)."""
    if not (math.isfinite(low) and math.isfinite(high)):
        raise ValueError("ticks need finite bounds")
    if high < low:
        low, high = high, low
    if high == low:
        high = low + (abs(low) or 1.0)
    raw_step = (high - low) / max(count, 1)
    magnitude = 10 ** math.floor(math.log10(raw_step))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw_step)
    first = math.floor(low / step) * step
    ticks = []
    value = first
    while value <= high + step * 1e-9:
        ticks.append(round(value, 12))
        value += step
    if ticks[-1] < high:
        ticks.append(round(value, 12))
    return ticks


def format_number(value: float) -> str:
    if value == 0:
        return "0"
    if abs(value) >= 1e6:
        return f"{value / 1e6:.3g}M"
    if abs(value) >= 1e3:
        return f"{value / 1e3:.3g}k"
    if abs(value) < 1e-4:
        return f"{value:.1e}"
    return f"{value:.3g}"


class _Scale:
    def __init__(self, low: float, high: float, pixel_low: float, pixel_high: float) -> None:
        self.low, self.high = low, high
        self.pixel_low, self.pixel_high = pixel_low, pixel_high

    def __call__(self, value: float) -> float:
        share = (value - self.low) / (self.high - self.low)
        return self.pixel_low + share * (self.pixel_high - self.pixel_low)


def _short(label: str, limit: int = 36) -> str:
    """A label cut to ``limit`` characters (the full text stays in the mark's tooltip)."""
    return label if len(label) <= limit else label[: limit - 1] + "\u2026"


def _open(title: str, width: int, height: int, label: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(label or title)}">',
        f'<text x="{width / 2}" y="20" text-anchor="middle" font-size="14" '
        f'font-weight="bold">{escape(title)}</text>',
    ]


def _y_axis(parts: list[str], scale: _Scale, ticks: list[float], width: int, label: str) -> None:
    left, right = MARGIN["left"], width - MARGIN["right"]
    for tick in ticks:
        y = scale(tick)
        parts.append(
            f'<line x1="{left}" x2="{right}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID_COLOUR}"/>'
        )
        parts.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11">'
            f"{format_number(tick)}</text>"
        )
    middle = (scale.pixel_low + scale.pixel_high) / 2
    parts.append(
        f'<text x="14" y="{middle:.1f}" font-size="12" text-anchor="middle" '
        f'transform="rotate(-90 14 {middle:.1f})">{escape(label)}</text>'
    )


def _x_label(parts: list[str], width: int, height: int, label: str) -> None:
    parts.append(
        f'<text x="{(MARGIN["left"] + width - MARGIN["right"]) / 2}" y="{height - 8}" '
        f'text-anchor="middle" font-size="12">{escape(label)}</text>'
    )


def _legend(parts: list[str], names: Sequence[str], width: int) -> None:
    x = MARGIN["left"]
    for index, name in enumerate(names):
        colour = PALETTE[index % len(PALETTE)]
        parts.append(f'<rect x="{x}" y="26" width="10" height="10" fill="{colour}"/>')
        parts.append(f'<text x="{x + 14}" y="35" font-size="11">{escape(name)}</text>')
        x += 24 + 7 * len(name)
        if x > width - 80:
            break


def bar_chart(
    labels: Sequence[str],
    values: Sequence[float],
    title: str,
    y_label: str = "",
    x_label: str = "",
    errors: Sequence[tuple[float, float]] | None = None,
    colours: Sequence[str] | None = None,
    width: int = WIDTH,
    height: int = HEIGHT,
) -> str:
    """Vertical bars, one per label, optional (lower, upper) error bars."""
    if not labels or len(labels) != len(values):
        raise ValueError("a bar chart needs as many values as labels, at least one")
    bounds = [0.0, *values]
    if errors:
        bounds += [bound for pair in errors for bound in pair if math.isfinite(bound)]
    ticks = nice_ticks(min(bounds), max(bounds))
    band = (width - MARGIN["left"] - MARGIN["right"]) / len(labels)
    bar = band * 0.7
    labels = [_short(str(label)) for label in labels]
    rotate = max(len(label) for label in labels) * 6.5 > band
    # Rotated labels (-60 degrees) need room below the axis: the chart grows instead.
    extra = int(min(200, 5.6 * max(len(label) for label in labels))) - 20 if rotate else 0
    height += max(extra, 0)
    top, bottom = MARGIN["top"], height - MARGIN["bottom"] - max(extra, 0)
    y = _Scale(ticks[0], ticks[-1], bottom, top)
    parts = _open(title, width, height, title)
    _y_axis(parts, y, ticks, width, y_label)
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        x = MARGIN["left"] + index * band + (band - bar) / 2
        y0, y1 = sorted((y(0), y(value)))
        colour = colours[index] if colours else PALETTE[0]
        parts.append(
            f'<rect class="bar" x="{x:.1f}" y="{y0:.1f}" width="{bar:.1f}" '
            f'height="{max(y1 - y0, 0.5):.1f}" fill="{colour}">'
            f"<title>{escape(str(label))}: {value:.4g}</title></rect>"
        )
        if errors:
            low, high = errors[index]
            if math.isfinite(low) and math.isfinite(high):
                centre = x + bar / 2
                parts.append(
                    f'<line x1="{centre:.1f}" x2="{centre:.1f}" y1="{y(low):.1f}" '
                    f'y2="{y(high):.1f}" stroke="{AXIS_COLOUR}" stroke-width="1.5"/>'
                )
        label_x = x + bar / 2
        if rotate:
            parts.append(
                f'<text x="{label_x:.1f}" y="{bottom + 12}" font-size="11" text-anchor="end" '
                f'transform="rotate(-60 {label_x:.1f} {bottom + 12})">{escape(str(label))}</text>'
            )
        else:
            parts.append(
                f'<text x="{label_x:.1f}" y="{bottom + 14}" font-size="11" '
                f'text-anchor="middle">{escape(str(label))}</text>'
            )
    parts.append(
        f'<line x1="{MARGIN["left"]}" x2="{width - MARGIN["right"]}" y1="{y(0):.1f}" '
        f'y2="{y(0):.1f}" stroke="{AXIS_COLOUR}"/>'
    )
    _x_label(parts, width, height, x_label)
    parts.append("</svg>")
    return "\n".join(parts)


def line_chart(
    series: dict[str, tuple[Sequence[float], Sequence[float]]],
    title: str,
    y_label: str = "",
    x_label: str = "",
    x_tick_labels: dict[float, str] | None = None,
    dashed: Sequence[str] = (),
    width: int = WIDTH,
    height: int = HEIGHT,
) -> str:
    """One polyline per named series of (x, y) values on shared axes."""
    points = [(x, y) for xs, ys in series.values() for x, y in zip(xs, ys, strict=True)]
    if not points:
        raise ValueError("a line chart needs at least one point")
    xs_all = [x for x, _ in points]
    ys_all = [y for _, y in points]
    x_ticks = nice_ticks(min(xs_all), max(xs_all), 6)
    y_ticks = nice_ticks(min(ys_all), max(ys_all))
    left, right = MARGIN["left"], width - MARGIN["right"]
    top, bottom = MARGIN["top"], height - MARGIN["bottom"]
    x_scale = _Scale(
        min(xs_all), max(xs_all) if max(xs_all) > min(xs_all) else min(xs_all) + 1, left, right
    )
    y_scale = _Scale(y_ticks[0], y_ticks[-1], bottom, top)
    parts = _open(title, width, height, title)
    _y_axis(parts, y_scale, y_ticks, width, y_label)
    for tick_value, text in (x_tick_labels or {t: format_number(t) for t in x_ticks}).items():
        if x_scale.low <= tick_value <= x_scale.high:
            x = x_scale(tick_value)
            parts.append(
                f'<text x="{x:.1f}" y="{bottom + 14}" font-size="11" '
                f'text-anchor="middle">{escape(text)}</text>'
            )
    parts.append(
        f'<line x1="{left}" x2="{right}" y1="{bottom}" y2="{bottom}" stroke="{AXIS_COLOUR}"/>'
    )
    for index, (name, (xs, ys)) in enumerate(series.items()):
        colour = PALETTE[index % len(PALETTE)]
        path = " ".join(f"{x_scale(x):.1f},{y_scale(y):.1f}" for x, y in zip(xs, ys, strict=True))
        dash = ' stroke-dasharray="5,4"' if name in dashed else ""
        parts.append(
            f'<polyline class="series" points="{path}" fill="none" stroke="{colour}" '
            f'stroke-width="1.8"{dash}><title>{escape(name)}</title></polyline>'
        )
    if len(series) > 1:
        _legend(parts, list(series), width)
    _x_label(parts, width, height, x_label)
    parts.append("</svg>")
    return "\n".join(parts)


def interval_chart(
    labels: Sequence[str],
    estimates: Sequence[float],
    lowers: Sequence[float],
    uppers: Sequence[float],
    title: str,
    x_label: str = "",
    references: Sequence[float | None] | None = None,
    width: int = WIDTH,
) -> str:
    """Forest plot: one row per label, a point estimate with its interval, optional
    reference marks (e.g. planted truth) and a zero line."""
    if not labels:
        raise ValueError("an interval chart needs at least one row")
    row = 24
    height = MARGIN["top"] + row * len(labels) + 50
    labels = [_short(str(label), 60) for label in labels]
    label_width = min(420, 16 + 6.5 * max(len(label) for label in labels))
    left, right = label_width, width - MARGIN["right"]
    values = [
        v
        for v in [*estimates, *lowers, *uppers, *[r for r in (references or []) if r is not None]]
        if v is not None and math.isfinite(v)
    ]
    ticks = nice_ticks(min([0.0, *values]), max([0.0, *values]), 6)
    scale = _Scale(ticks[0], ticks[-1], left, right)
    parts = _open(title, width, height, title)
    bottom = MARGIN["top"] + row * len(labels)
    for tick in ticks:
        x = scale(tick)
        parts.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{MARGIN["top"]}" y2="{bottom}" '
            f'stroke="{AXIS_COLOUR if tick == 0 else GRID_COLOUR}"/>'
        )
        parts.append(
            f'<text x="{x:.1f}" y="{bottom + 14}" font-size="11" text-anchor="middle">'
            f"{format_number(tick)}</text>"
        )
    for index, label in enumerate(labels):
        y = MARGIN["top"] + row * index + row / 2
        parts.append(
            f'<text x="{left - 8}" y="{y + 4:.1f}" font-size="11" text-anchor="end">'
            f"{escape(str(label))}</text>"
        )
        low, high, estimate = lowers[index], uppers[index], estimates[index]
        if low is not None and high is not None and math.isfinite(low) and math.isfinite(high):
            parts.append(
                f'<line x1="{scale(low):.1f}" x2="{scale(high):.1f}" y1="{y:.1f}" y2="{y:.1f}" '
                f'stroke="{PALETTE[0]}" stroke-width="2"/>'
            )
        if estimate is not None and math.isfinite(estimate):
            parts.append(
                f'<circle class="estimate" cx="{scale(estimate):.1f}" cy="{y:.1f}" r="4" '
                f'fill="{PALETTE[0]}"><title>{escape(str(label))}: {estimate:.4g}</title></circle>'
            )
        reference = references[index] if references else None
        if reference is not None and math.isfinite(reference):
            x = scale(reference)
            parts.append(
                f'<path d="M{x:.1f},{y - 6:.1f} l5,6 l-5,6 l-5,-6 z" fill="none" '
                f'stroke="{PALETTE[3]}" stroke-width="1.5"><title>reference {reference:.4g}'
                "</title></path>"
            )
    if references and any(r is not None for r in references):
        parts.append(
            f'<text x="{right}" y="{height - 10}" font-size="11" text-anchor="end" '
            f'fill="{PALETTE[3]}">&#9671; reference</text>'
        )
    parts.append(
        f'<text x="{(left + right) / 2}" y="{height - 10}" font-size="12" '
        f'text-anchor="middle">{escape(x_label)}</text>'
    )
    parts.append("</svg>")
    return "\n".join(parts)

"""Small server-rendered SVG charts for the dashboard: bars and lines, nothing else.

Pure functions returning `Markup` that Jinja inserts as is, so every label and title is
escaped here. The Content-Security-Policy forbids inline styles, so colours and sizes are
SVG presentation attributes (`fill=`, `stroke=`), never `style=`. Each chart is
`role="img"` named by its `<title>` and `<desc>`; the numbers are also in a table next to it
(the template's job), which is what screen readers and keyboard users get.

The viewBox is narrow (400 units) so that text stays legible when a phone scales it down;
CSS caps the width on large screens.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH = 400
FONT = 13
COLOURS = ("#1f5fbf", "#b35c00", "#136c2e", "#7a3fb0")
INK = "#1d2430"
MUTED = "#5b6575"
GRID = "#d8dde5"
LABEL_WIDTH = 150  # the bar charts' label column
LABEL_CHARS = 18  # what fits in it at FONT size (full label in a tooltip and the table)
_ID = re.compile(r"^[a-z][a-z0-9-]{0,40}$")
_COLOUR = re.compile(r"^#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?$")

Formatter = Callable[[float], str]


@dataclass(frozen=True)
class Series:
    """One named row of values (None: no value for that label, drawn as a gap)."""

    name: str
    values: Sequence[float | None]
    colour: str = ""

    def __post_init__(self) -> None:
        if self.colour and not _COLOUR.match(self.colour):
            raise ValueError(f"series colour must be #rgb or #rrggbb: {self.colour!r}")


def _num(value: float) -> str:
    """A coordinate: short, and never in exponent notation."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _default_format(value: float) -> str:
    return f"{value:,.1f}".removesuffix(".0")


def nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 × 10^k that is at least `value` (1 for nothing)."""
    if value <= 0 or not math.isfinite(value):
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if step * power >= value - 1e-12:
            return step * power
    return 10 * power  # pragma: no cover - the loop always returns


def axis_ticks(low: float, high: float) -> list[float]:
    """Five or four equal steps from `low` to `high`, preferring round steps (0.2, 0.5, 1…)."""
    span = high - low
    if span <= 0:
        return [low]
    for intervals in (5, 4):
        step = span / intervals
        mantissa = step / 10 ** math.floor(math.log10(step))
        if any(math.isclose(mantissa, nice) for nice in (1, 2, 2.5, 5)):
            return [low + step * i for i in range(intervals + 1)]
    return [low + span * i / 4 for i in range(5)]


def text_width(text: str, size: float = FONT) -> float:
    """About how wide `text` is drawn, erring wide: 0.62 em a character, a full em for wide
    (Chinese) ones. The charts cannot measure text, so this keeps labels inside the box."""
    return sum(size if unicodedata.east_asian_width(char) in "WF" else 0.62 * size for char in text)


def shorten(label: str, limit: int) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def _open(chart_id: str, title: str, desc: str, height: float) -> list[str]:
    if not _ID.match(chart_id):
        raise ValueError(f"chart id must be lowercase letters, digits and '-': {chart_id!r}")
    return [
        f'<svg class="chart" id="{chart_id}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'viewBox="0 0 {WIDTH} {_num(height)}" width="{WIDTH}" height="{_num(height)}" '
        f'font-size="{FONT}" font-family="system-ui, sans-serif" '
        f'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>',
    ]


def _empty(parts: list[str], height: float, message: str) -> Markup:
    parts.append(
        f'<text x="{WIDTH / 2:g}" y="{_num(height / 2)}" text-anchor="middle" '
        f'fill="{MUTED}">{escape(message)}</text>'
    )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every piece is escaped or a number


def _legend(series: Sequence[Series], y: float) -> list[str]:
    parts, x = [], 0.0
    for index, one in enumerate(series):
        colour = one.colour or COLOURS[index % len(COLOURS)]
        parts.append(
            f'<rect x="{_num(x)}" y="{_num(y - 10)}" width="12" height="12" fill="{colour}"/>'
        )
        parts.append(
            f'<text x="{_num(x + 16)}" y="{_num(y)}" fill="{INK}">{escape(one.name)}</text>'
        )
        x += 16 + 7 * len(one.name) + 18
    return parts


def bar_chart(
    *,
    chart_id: str,
    title: str,
    desc: str,
    labels: Sequence[str],
    series: Sequence[Series],
    max_value: float | None = None,
    value_format: Formatter = _default_format,
    empty_message: str = "Nothing to show for this view.",
) -> Markup:
    """Horizontal bars, one group per label, one bar per series (a legend when several)."""
    label_width, gap, bar = LABEL_WIDTH, 8, 14
    legend = 22 if len(series) > 1 else 0
    group = bar * len(series) + gap
    height = legend + max(1, len(labels)) * group + gap
    parts = _open(chart_id, title, desc, max(height, 60))
    values = [v for one in series for v in one.values if v is not None]
    if not labels or not values:
        return _empty(parts, max(height, 60), empty_message)
    top = max_value if max_value is not None else nice_ceiling(max(values))
    plot = WIDTH - label_width - 52  # room for the value after the longest bar
    if legend:
        parts += _legend(series, 14)
    for row, label in enumerate(labels):
        y0 = legend + gap + row * group
        parts.append(
            f'<text x="{label_width - 6}" y="{_num(y0 + bar * len(series) / 2 + 4)}" '
            f'text-anchor="end" fill="{INK}"><title>{escape(label)}</title>'
            f"{escape(shorten(label, LABEL_CHARS))}</text>"
        )
        for index, one in enumerate(series):
            value = one.values[row] if row < len(one.values) else None
            colour = one.colour or COLOURS[index % len(COLOURS)]
            y = y0 + index * bar
            if value is None:
                parts.append(
                    f'<text x="{label_width + 4}" y="{_num(y + bar - 3)}" fill="{MUTED}">–</text>'
                )
                continue
            length = 0.0 if top <= 0 else max(0.0, min(value / top, 1.0)) * plot
            parts.append(
                f'<rect x="{label_width}" y="{_num(y + 1)}" width="{_num(length)}" '
                f'height="{bar - 2}" fill="{colour}"/>'
            )
            parts.append(
                f'<text x="{_num(label_width + length + 4)}" y="{_num(y + bar - 3)}" '
                f'fill="{INK}">{escape(value_format(value))}</text>'
            )
    parts.append(
        f'<line x1="{label_width}" y1="{legend}" x2="{label_width}" y2="{_num(height)}" '
        f'stroke="{MUTED}" stroke-width="1"/>'
    )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every piece is escaped or a number


def line_chart(
    *,
    chart_id: str,
    title: str,
    desc: str,
    labels: Sequence[str],
    series: Sequence[Series],
    y_range: tuple[float, float] | None = None,
    value_format: Formatter = _default_format,
    empty_message: str = "Nothing to show for this view.",
) -> Markup:
    """Lines over labelled points (weeks); a `None` value leaves a gap in its line.

    `y_range` fixes the axis (e.g. -1..1 for sentiment, with a line at zero); otherwise the
    axis runs from 0 to a round number above the largest value.
    """
    height = 220.0
    right, top_y = WIDTH - 10.0, 14.0 + (20 if len(series) > 1 else 0)
    bottom = height - 34
    parts = _open(chart_id, title, desc, height)
    values = [v for one in series for v in one.values if v is not None]
    if not labels or not values:
        return _empty(parts, height, empty_message)
    low, high = y_range if y_range is not None else (0.0, nice_ceiling(max(values)))
    span = (high - low) or 1.0
    ticks = axis_ticks(low, high)
    # Room on the left for the widest value under the axis ("120.0 h" would be cut at 44).
    left = max(44.0, 8 + max(text_width(value_format(v)) for v in ticks))

    def y_of(value: float) -> float:
        clamped = max(low, min(high, value))
        return bottom - (clamped - low) / span * (bottom - top_y)

    def x_of(index: int) -> float:
        if len(labels) == 1:
            return (left + right) / 2
        return left + index * (right - left) / (len(labels) - 1)

    if len(series) > 1:
        parts += _legend(series, 14)
    for value in ticks:  # gridlines and their values
        y = y_of(value)
        parts.append(
            f'<line x1="{_num(left)}" y1="{_num(y)}" x2="{_num(right)}" y2="{_num(y)}" '
            f'stroke="{MUTED if value == 0 else GRID}" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{_num(left - 4)}" y="{_num(y + 4)}" text-anchor="end" '
            f'fill="{MUTED}">{escape(value_format(value))}</text>'
        )
    every = max(1, math.ceil(len(labels) / 6))  # at most six labels under the axis
    for index, label in enumerate(labels):
        if index % every:
            continue
        text = shorten(label, 10)
        # Centred under its point, but moved inwards where that would run off either edge
        # (the last week's "7 Dec" came out as "7 De").
        half = text_width(text) / 2
        x = min(max(x_of(index), half + 2), WIDTH - half - 2)
        parts.append(
            f'<text x="{_num(x)}" y="{_num(bottom + 18)}" text-anchor="middle" '
            f'fill="{MUTED}">{escape(text)}</text>'
        )
    for number, one in enumerate(series):
        colour = one.colour or COLOURS[number % len(COLOURS)]
        runs: list[list[tuple[float, float]]] = [[]]
        for index, value in enumerate(one.values[: len(labels)]):
            if value is None:
                runs.append([])
                continue
            runs[-1].append((x_of(index), y_of(value)))
        for run in runs:
            if len(run) > 1:
                points = " ".join(f"{_num(x)},{_num(y)}" for x, y in run)
                parts.append(
                    f'<polyline points="{points}" fill="none" stroke="{colour}" '
                    f'stroke-width="2.5" stroke-linejoin="round"/>'
                )
            for x, y in run:
                parts.append(f'<circle cx="{_num(x)}" cy="{_num(y)}" r="3.5" fill="{colour}"/>')
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every piece is escaped or a number

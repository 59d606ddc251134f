"""SVG charts: accessible, escaped, no inline styles, bars and points where the numbers say."""

from __future__ import annotations

import math

import pytest
from bs4 import BeautifulSoup
from markupsafe import Markup

from portal import charts
from portal.charts import Series, axis_ticks, bar_chart, line_chart, nice_ceiling


def parse(markup: Markup):  # noqa: ANN201
    assert isinstance(markup, Markup)
    return BeautifulSoup(str(markup), "html.parser").find("svg")


def bars(**overrides):  # noqa: ANN003, ANN201
    args = {
        "chart_id": "chart-test",
        "title": "Open items by age",
        "desc": "Items open now.",
        "labels": ["Under 1 day", "1–3 days", "Older"],
        "series": [Series("Open", [4, 2, 0])],
    }
    return bar_chart(**{**args, **overrides})


def lines(**overrides):  # noqa: ANN003, ANN201
    args = {
        "chart_id": "chart-line",
        "title": "Median first response",
        "desc": "Per week.",
        "labels": ["02 Mar", "09 Mar", "16 Mar", "23 Mar"],
        "series": [Series("Median", [2.0, None, 4.0, 3.0])],
    }
    return line_chart(**{**args, **overrides})


@pytest.mark.parametrize("make", [bars, lines])
def test_a_chart_is_a_named_image(make) -> None:  # noqa: ANN001
    svg = parse(make())
    assert svg["role"] == "img"
    title_id, desc_id = svg["aria-labelledby"].split()
    assert svg.find("title", id=title_id).text and svg.find("desc", id=desc_id).text
    assert svg["viewbox"].startswith("0 0 400 ")


@pytest.mark.parametrize("make", [bars, lines])
def test_a_chart_uses_no_inline_styles_or_scripts(make) -> None:  # noqa: ANN001
    svg = parse(make())
    assert not svg.select("[style]") and not svg.find("style") and not svg.find("script")
    assert not [a for tag in svg.find_all(True) for a in tag.attrs if a.startswith("on")]


@pytest.mark.parametrize("make", [bars, lines])
def test_every_label_is_escaped(make) -> None:  # noqa: ANN001
    evil = '<script>alert("x")</script>&'
    markup = make(
        title=evil,
        desc=evil,
        labels=[evil, "b", "c", "d"],
        series=[Series(evil, [1, 2, 3, 4]), Series("two", [1, 1, 1, 1])],
    )
    assert "<script>" not in markup
    svg = parse(markup)
    assert svg.find("script") is None
    assert svg.find("title").text == evil


def test_bar_lengths_follow_the_values() -> None:
    svg = parse(bars(series=[Series("Open", [4, 2, 0])], max_value=8))
    widths = [float(rect["width"]) for rect in svg.find_all("rect")]
    assert widths[0] == pytest.approx(2 * widths[1]) and widths[2] == 0
    assert widths[0] == pytest.approx(
        (charts.WIDTH - charts.LABEL_WIDTH - 52) / 2
    )  # half of the scale
    assert [t.text for t in svg.find_all("text") if t.text in {"4", "2", "0"}] == ["4", "2", "0"]


def test_grouped_bars_have_a_legend_and_a_dash_for_no_value() -> None:
    svg = parse(
        bars(
            labels=["Ana", "Ben"],
            series=[Series("First response", [100, None]), Series("Resolution", [50, 25])],
            max_value=100,
            value_format=lambda v: f"{v:.0f}%",
        )
    )
    texts = [t.get_text() for t in svg.find_all("text")]
    assert "First response" in texts and "Resolution" in texts
    assert "–" in texts  # Ben has no first-response outcome yet
    assert {"100%", "50%", "25%"} <= set(texts)
    fills = {rect["fill"] for rect in svg.find_all("rect")}
    assert fills == {charts.COLOURS[0], charts.COLOURS[1]}


def test_a_long_label_is_shortened_with_the_full_text_as_a_tooltip() -> None:
    label = "Our own policy or process that nobody remembers"
    svg = parse(bars(labels=[label], series=[Series("Items", [3])]))
    text = svg.find_all("text")[0]
    assert text.find("title").text == label
    assert text.get_text().endswith("…")


def test_a_line_breaks_where_a_value_is_missing() -> None:
    svg = parse(lines())
    assert len(svg.find_all("circle")) == 3
    polylines = svg.find_all("polyline")
    assert len(polylines) == 1 and len(polylines[0]["points"].split()) == 2  # 16 Mar – 23 Mar


def test_higher_values_sit_higher_and_a_fixed_range_clamps() -> None:
    svg = parse(lines(series=[Series("Score", [-1.0, 0.0, 0.5, 3.0])], y_range=(-1.0, 1.0)))
    ys = [float(c["cy"]) for c in svg.find_all("circle")]
    assert ys[0] > ys[1] > ys[2] > ys[3]
    top = min(float(line["y1"]) for line in svg.find_all("line"))
    assert ys[3] == pytest.approx(top)  # 3.0 clamped to the top of -1..1


@pytest.mark.parametrize("make", [bars, lines])
def test_an_empty_chart_says_so(make) -> None:  # noqa: ANN001
    svg = parse(make(labels=[], series=[Series("x", [])], empty_message="No open items."))
    assert svg.find("text").text == "No open items."
    assert not svg.find_all("rect") and not svg.find_all("circle")
    svg = parse(make(series=[Series("x", [None, None, None, None])]))
    assert "Nothing to show" in svg.find("text").text


@pytest.mark.parametrize("bad", ["Chart", "1chart", 'x" onload="alert(1)', ""])
def test_it_refuses_an_unsafe_chart_id(bad) -> None:  # noqa: ANN001
    with pytest.raises(ValueError, match="chart id"):
        bars(chart_id=bad)


def test_it_refuses_an_unsafe_colour() -> None:
    with pytest.raises(ValueError, match="colour"):
        Series("x", [1], colour='red" onclick="x')


@pytest.mark.parametrize(
    ("value", "ceiling"),
    [
        (0, 1),
        (-3, 1),
        (0.7, 1),
        (1, 1),
        (1.2, 2),
        (2.2, 2.5),
        (3, 5),
        (7, 10),
        (42, 50),
        (180, 200),
    ],
)
def test_axes_end_on_a_round_number(value, ceiling) -> None:  # noqa: ANN001
    assert nice_ceiling(value) == pytest.approx(ceiling)


@pytest.mark.parametrize(
    ("low", "high", "ticks"),
    [
        (0, 5, [0, 1, 2, 3, 4, 5]),
        (0, 2, [0, 0.5, 1, 1.5, 2]),
        (0, 1, [0, 0.2, 0.4, 0.6, 0.8, 1]),
        (-1, 1, [-1, -0.5, 0, 0.5, 1]),
        (0, 200, [0, 50, 100, 150, 200]),
        (0, 0, [0]),
    ],
)
def test_gridlines_fall_on_round_values(low, high, ticks) -> None:  # noqa: ANN001
    assert axis_ticks(low, high) == pytest.approx(ticks)


def extent(text) -> tuple[float, float]:  # noqa: ANN001
    """Where a <text> is drawn from and to, by its anchor and the charts' width estimate."""
    x, width = float(text["x"]), charts.text_width(text.get_text())
    anchor = text.get("text-anchor", "start")
    return {"start": (x, x + width), "middle": (x - width / 2, x + width / 2)}.get(
        anchor, (x - width, x)
    )


WEEKS = ["12 Oct", "19 Oct", "26 Oct", "2 Nov", "9 Nov", "16 Nov", "23 Nov", "30 Nov", "7 Dec"]


@pytest.mark.parametrize(
    ("labels", "values"),
    [
        (["7 Dec"], [3.0]),  # one point, in the middle
        (WEEKS[-4:], [1.0, 2.0, 3.0, 4.0]),
        (WEEKS, [1.0] * 9),
        ([f"{n} Dec" for n in range(1, 27)], [5.0] * 26),  # 26 points, every fifth labelled
        (["10月12日", "11月30日", "12月7日"], [1.0, 2.0, 3.0]),  # Chinese: wide characters
        (["12 Oct", "7 Dec"], [150.0, 1200.0]),  # wide values on the y axis
    ],
)
def test_every_axis_label_fits_inside_the_chart(labels, values) -> None:  # noqa: ANN001
    svg = parse(
        lines(
            labels=labels, series=[Series("Median", values)], value_format=lambda v: f"{v:,.1f} h"
        )
    )
    texts = svg.find_all("text")
    bottom_y = max(float(t["y"]) for t in texts)
    under = [t for t in texts if float(t["y"]) == bottom_y]
    left_axis = [t for t in texts if float(t["y"]) != bottom_y]
    assert under and left_axis
    for text in texts:
        low, high = extent(text)
        assert 0 <= low and high <= charts.WIDTH, text
    # Labels under the axis are whole (the last week read "7 De") and do not overlap.
    assert [t.get_text() for t in under] == labels[:: math.ceil(len(labels) / 6)]
    spans = sorted(extent(t) for t in under)
    assert all(a[1] < b[0] for a, b in zip(spans, spans[1:], strict=False))
    # The points still sit right of the values on the y axis.
    assert min(float(c["cx"]) for c in svg.find_all("circle")) > max(
        extent(t)[1] for t in left_axis
    )


def test_the_last_label_sits_as_near_its_point_as_fits() -> None:
    svg = parse(lines(labels=WEEKS[-4:], series=[Series("Median", [1.0, 2.0, 3.0, 4.0])]))
    last = [t for t in svg.find_all("text") if t.get_text() == "7 Dec"][0]
    point = max(float(c["cx"]) for c in svg.find_all("circle"))
    assert extent(last)[1] == pytest.approx(charts.WIDTH - 2, abs=0.1)  # moved in just enough
    assert extent(last)[0] < point < extent(last)[1]  # and still under its point

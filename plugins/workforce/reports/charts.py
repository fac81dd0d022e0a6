"""Charts as inline SVG, each with a text alternative stating its key figures.

Why inline ``<svg>`` rather than ``<img src="data:…">``: WeasyPrint tags both as a PDF
/Figure with /Alt (from the SVG's ``<title>`` or the ``<img alt>``), but inline SVG keeps
the chart's labels as real, selectable text in the PDF and the HTML, needs no ``data:``
URLs through the fetcher, and lets browsers read the ``<title>`` through
``aria-labelledby``.

This module decides what each chart shows and says: its series, colours, markers and
hatches, axis titles, month labels and text alternative. ``chart_canvas`` draws it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from workforce.reports import filters
from workforce.reports.chart_canvas import (
    AXIS,
    DASHED,
    DOTTED,
    WHITE,
    Key,
    Plot,
    value_label_room,
    y_range,
)
from workforce.reports.filters import SUPPRESSED, Value

# Okabe–Ito colours that keep at least 3:1 contrast on white (WCAG 1.4.11), in the order
# series take them; series also differ by marker and hatch, so colour is never the only cue.
BLUE: Final = "#0072B2"
VERMILION: Final = "#D55E00"
GREEN: Final = "#009E73"
PURPLE: Final = "#CC79A7"
PALETTE: Final = (BLUE, VERMILION, GREEN, PURPLE)
MARKERS: Final = ("o", "s", "^", "D")
HATCHES: Final = ("", "////", "....", "xxxx")

WIDTH_IN: Final = 6.85  # the A4 text column (174 mm), so 1 pt in the chart is 1 pt on paper
HEIGHT_IN: Final = 2.6

_UNIT_LABEL: Final = {
    "percent": "%", "fte": "FTE", "count": "number", "cases": "cases",
    "cases_per_fte": "cases per FTE", "gbp": "£", "gbp_per_hour": "£ an hour", "number": "",
}


@dataclass(frozen=True)
class Chart:
    """An inline ``<svg>`` (its ``<title>`` holds ``alt``) and its text alternative.

    ``{{ chart }}`` in a template inserts the SVG unescaped: Jinja calls ``__html__``, and
    the markup is ours, with every data-derived string already escaped by ElementTree."""

    svg: str
    alt: str

    def __html__(self) -> str:
        return self.svg


def _plain(value: Value) -> float:
    """A plotted number; not applicable and suppressed values leave a gap."""
    if value is None or value is SUPPRESSED:
        return math.nan
    return float(value)  # type: ignore[arg-type]


def _shown(values: Sequence[Value]) -> list[tuple[int, float]]:
    return [(i, v) for i, v in enumerate(map(_plain, values)) if not math.isnan(v)]


def _fmt(value: Value, unit: str) -> str:
    return filters.fmt(value, unit)


# The narrowest a month's tick label can be given ("Mar" at the tick labels' size).
_MONTH_LABEL_IN: Final = 0.45


def _month_labels(months: Sequence[object],
                  width_in: float = WIDTH_IN) -> tuple[list[int], list[str]]:
    """Tick positions and labels: every month when there are few, else every third (every
    sixth over three years), fewer again when the chart is too narrow for them; the year
    under the first label and wherever the year changes."""
    steps = (1, 2, 3, 6, 12, 24)
    step = 1 if len(months) <= 13 else 3 if len(months) <= 36 else 6
    room = max(1, int(width_in / _MONTH_LABEL_IN))
    step = next((s for s in steps if s >= step and -(-len(months) // s) <= room), steps[-1])
    positions = list(range(0, len(months), step))
    labels = []
    previous_year = None
    for i in positions:
        name, year = filters.month(months[i], short=True).split(" ")
        labels.append(name if year == previous_year else f"{name}\n{year}")
        previous_year = year
    return positions, labels


def _axis_title(measure: str, unit: str, y_label: str | None) -> str:
    if y_label is not None:
        return y_label
    suffix = _UNIT_LABEL.get(unit, "")
    return f"{measure} ({suffix})" if suffix else measure


def _span(months: Sequence[object]) -> str:
    first, last = filters.month(months[0]), filters.month(months[-1])
    return first if first == last else f"{first} to {last}"


def _gap_labels(xs: Sequence[float], values: Sequence[Value]) -> list[tuple[float, str]]:
    """An empty slot says why it is empty: ``[c]`` withheld, ``–`` not applicable."""
    return [(x, filters.text(value)) for x, value in zip(xs, values, strict=True)
            if math.isnan(_plain(value))]


def _series_alt(values: Sequence[Value], months: Sequence[object], unit: str) -> str:
    """``from 21.4% in April 2023 to 18.9% in March 2025 (highest …, lowest …)``."""
    shown = _shown(values)
    if not shown:
        withheld = [i for i, v in enumerate(values) if v is SUPPRESSED]
        if len(withheld) == 1:
            return f"{filters.SUPPRESSED_TEXT} (withheld) in {filters.month(months[withheld[0]])}"
        if withheld:
            return f"{filters.SUPPRESSED_TEXT} (withheld) in {len(withheld)} months"
        return "no figures to show"
    (i0, v0), (i1, v1) = shown[0], shown[-1]
    if len(shown) == 1:
        text = f"{_fmt(v0, unit)} in {filters.month(months[i0])}"
    else:
        text = f"from {_fmt(v0, unit)} in {filters.month(months[i0])}"
        text += f" to {_fmt(v1, unit)} in {filters.month(months[i1])}"
    if len(shown) > 2:
        hi = max(shown, key=lambda p: p[1])
        lo = min(shown, key=lambda p: p[1])
        text += (f" (highest {_fmt(hi[1], unit)} in {filters.month(months[hi[0]])},"
                 f" lowest {_fmt(lo[1], unit)} in {filters.month(months[lo[0]])})")
    if missing := len(values) - len(shown):
        text += f"; {missing} {'month' if missing == 1 else 'months'} not shown"
    return text


def _annual_alt(values: Sequence[Value], months: Sequence[object], unit: str) -> str:
    """``17.3% at 30 September 2020, …, 20.1% at 30 September 2024``: every annual point."""
    points = [(months[i], value) for i, value in enumerate(values)
              if value is not None and not (isinstance(value, float) and math.isnan(value))]
    return ", ".join(f"{_fmt(value, unit)} at 30 {filters.month(month)}"
                     for month, value in points)


def _check(months: Sequence[object], **series: Sequence[Value]) -> None:
    if not months:
        raise ValueError("a chart needs at least one month")
    for name, values in series.items():
        if len(values) != len(months):
            raise ValueError(f"{name} has {len(values)} values for {len(months)} months")


def line_chart(
    months: Sequence[object],
    values: Sequence[Value],
    *,
    measure: str,
    unit: str,
    series_label: str | None = None,
    comparisons: Mapping[str, Sequence[Value]] | None = None,
    target: float | None = None,
    y_label: str | None = None,
    zero_based: bool = False,
    alt: str | None = None,
    height: float = HEIGHT_IN,
    annual: Sequence[Value] | None = None,
    annual_label: str = "Annual census return",
    monthly_from: int = 0,
    width: float = WIDTH_IN,
    legend: bool = True,
) -> Chart:
    """A monthly trend: ``values`` (the council) and optional ``comparisons`` (say,
    England, the region and the statistical neighbours' mean; each in a colour and marker
    of its own, up to three) by month, with an optional dashed target line, the last value
    labelled.

    ``months`` are ``'YYYY-MM'`` strings, dates or ``Period`` objects; ``None`` and
    ``SUPPRESSED`` values leave a gap.

    ``annual`` adds the council's once-a-year figures (say, its census returns at 30
    September), ``None`` in every other month: hollow diamonds in the council's colour,
    joined to each other by a thin dotted line and never to the monthly points, named
    ``annual_label`` in the legend and in the text alternative. ``monthly_from`` is the
    first month the monthly series covers; the months before it carry annual points only
    and are not counted as months not shown. ``width`` (inches) is the column the chart is
    printed in: the text column, or less for small multiples side by side, whose one key
    the page gives (``legend=False``; the text alternative still names every series)."""
    comparisons = dict(comparisons or {})
    _check(months, values=values, **comparisons,
           **({} if annual is None else {"annual": annual}))
    label = series_label or measure
    series = {label: values, **comparisons}
    yearly = _shown(annual) if annual is not None else []

    if alt is None:
        own = _series_alt(values[monthly_from:], months[monthly_from:], unit)
        if annual is not None:
            own = "no monthly figures" if own == "no figures to show" else f"by month {own}"
        if len(series) == 1 and annual is None:  # "Vacancy rate, …: from 21.4% … to 18.9% …"
            parts = [own]
        else:
            parts = [f"{label} {own}"]
            if annual is not None:  # a withheld point is listed as "[c]"
                points = _annual_alt(annual, months, unit)
                parts.append(f"{annual_label} {points or 'none'}")
            parts += [f"{name} {_series_alt(ys, months, unit)}"
                      for name, ys in comparisons.items()]
        alt = f"{measure}, {_span(months)}: " + "; ".join(parts)
        if target is not None:
            alt += f"; target {_fmt(target, unit)}"
        alt += "."

    keys = [Key(name, PALETTE[n % 4], 2.0 if n == 0 else 1.4, marker=MARKERS[n % 4])
            for n, name in enumerate(series)]
    annual_key = Key(annual_label, PALETTE[0], 1.0, dash=DOTTED, marker="D", size=5.5,
                     face=WHITE, edge=1.5)
    target_key = Key(f"Target ({_fmt(target, unit)})", AXIS, 1.2, dash=DASHED)
    keys_shown = [keys[0], *([annual_key] if yearly else []), *keys[1:],
                  *([] if target is None else [target_key])]
    plotted = [[_plain(v) for v in ys] for ys in series.values()]
    limits = y_range([*(v for ys in plotted for v in ys), *(v for _, v in yearly),
                      *([] if target is None else [float(target)])], unit, zero=zero_based)
    last = shown[-1] if (shown := _shown(values)) else None
    label_room = 0.0 if last is None else value_label_room(_fmt(last[1], unit))
    positions, tick_labels = _month_labels(months, width)
    plot = Plot(height_in=height, y_range=limits, unit=unit,
                y_title=_axis_title(measure, unit, y_label), x_range=(-0.5, len(months) - 0.5),
                x_ticks=list(zip(positions, tick_labels, strict=True)), tick=3.0,
                keys=keys_shown if legend and len(keys_shown) > 1 else [], right=label_room,
                width_in=width)
    xs = range(len(months))
    # Comparisons first, then the target, then the council's own line on top of them.
    for key, ys in zip(keys[1:], plotted[1:], strict=True):
        plot.series(key, xs, ys)
    if target is not None:
        plot.rule(target_key, float(target))
    plot.series(keys[0], xs, plotted[0])
    if yearly:
        plot.line(annual_key, [(plot.x(i), plot.y(v)) for i, v in yearly])
    if last is not None:
        plot.value_label(_fmt(last[1], unit), last[0], last[1])
    return Chart(plot.svg.finish(alt), alt)


def bar_chart(
    months: Sequence[object],
    values: Sequence[Value],
    *,
    measure: str,
    unit: str = "gbp",
    forecast_from: int | None = None,
    reference: float | None = None,
    reference_label: str = "Budget",
    y_label: str | None = None,
    alt: str | None = None,
    height: float = HEIGHT_IN,
) -> Chart:
    """Monthly bars (say, agency spend); bars from index ``forecast_from`` on are a
    forecast, drawn hatched and named in the legend; ``reference`` draws a dashed line
    (say, the monthly budget)."""
    _check(months, values=values)
    if forecast_from is not None and not 0 <= forecast_from <= len(months):
        raise ValueError(f"forecast_from {forecast_from} is outside 0..{len(months)}")
    split = len(months) if forecast_from is None else forecast_from
    ys = [_plain(v) for v in values]

    if alt is None:
        alt = f"{measure}, {_span(months)}: " + _bars_alt(months, values, split, unit)
        if reference is not None:
            alt += f"; {reference_label.lower()} {_fmt(reference, unit)} a month"
        alt += "."

    actual, forecast = Key("Actual", BLUE), Key("Forecast", BLUE, hatch="////")
    budget = Key(f"{reference_label} ({_fmt(reference, unit)})", AXIS, 1.2, dash=DASHED)
    legend = [actual, *([forecast] if split < len(months) else []),
              *([] if reference is None else [budget])]
    positions, tick_labels = _month_labels(months)
    plot = Plot(height_in=height,
                y_range=y_range([*ys, *([] if reference is None else [float(reference)])],
                                unit, zero=True),
                unit=unit, y_title=_axis_title(measure, unit, y_label),
                x_range=(-0.6, len(months) - 0.4),
                x_ticks=list(zip(positions, tick_labels, strict=True)), tick=3.0,
                keys=legend if len(legend) > 1 else [], width_in=WIDTH_IN)
    plot.columns(actual, range(split), ys[:split], 0.7)
    plot.gap_labels(_gap_labels(range(len(months)), values))
    plot.columns(forecast, range(split, len(months)), ys[split:], 0.7)
    if reference is not None:
        plot.rule(budget, float(reference))
    return Chart(plot.svg.finish(alt), alt)


def _bars_alt(months: Sequence[object], values: Sequence[Value], split: int, unit: str) -> str:
    parts = []
    for name, lo, hi in (("actual", 0, split), ("forecast", split, len(months))):
        if lo >= hi:
            continue
        shown = [(i, v) for i, v in _shown(values) if lo <= i < hi]
        span = _span(months[lo:hi])
        if not shown:
            parts.append(f"{name} {span} not available")
            continue
        total = sum(v for _, v in shown)
        text = f"{name} {span} total {_fmt(total, unit)}"
        if hi - lo > 1:
            top = max(shown, key=lambda p: p[1])
            text += f", highest {_fmt(top[1], unit)} in {filters.month(months[top[0]])}"
        parts.append(text)
    return "; ".join(parts)


def grouped_bar_chart(
    categories: Sequence[str],
    groups: Mapping[str, Sequence[Value]],
    *,
    measure: str,
    unit: str,
    y_label: str | None = None,
    alt: str | None = None,
    height: float = HEIGHT_IN,
) -> Chart:
    """Side-by-side bars per category, e.g. ``{"Assumed": [...], "Actual": [...]}`` by
    quarter for the vacancy factor; each group has its own colour and hatch."""
    if not categories or not groups:
        raise ValueError("a grouped bar chart needs categories and at least one group")
    for name, values in groups.items():
        if len(values) != len(categories):
            raise ValueError(f"{name} has {len(values)} values for {len(categories)} categories")
    width = 0.8 / len(groups)

    if alt is None:
        rows = []
        for i, category in enumerate(categories):
            figures = ", ".join(f"{name.lower()} {_fmt(values[i], unit)}"
                                for name, values in groups.items())
            rows.append(f"{category}: {figures}")
        alt = f"{measure}. " + "; ".join(rows) + "."

    keys = [Key(name, PALETTE[n % 4], hatch=HATCHES[n % 4]) for n, name in enumerate(groups)]
    plotted = [[_plain(v) for v in values] for values in groups.values()]
    plot = Plot(height_in=height, y_range=y_range([v for ys in plotted for v in ys], unit,
                                                  zero=True),
                unit=unit, y_title=_axis_title(measure, unit, y_label),
                x_range=(-0.5, len(categories) - 0.5),
                x_ticks=list(enumerate(categories)), tick=0.0, keys=keys, width_in=WIDTH_IN)
    for n, (key, ys, values) in enumerate(zip(keys, plotted, groups.values(), strict=True)):
        xs = [i - 0.4 + width * (n + 0.5) for i in range(len(categories))]
        plot.columns(key, xs, ys, width * 0.92)
        plot.gap_labels(_gap_labels(xs, values))
    plot.rule(Key("", AXIS, 0.8), 0.0)
    return Chart(plot.svg.finish(alt), alt)

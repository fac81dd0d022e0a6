"""Charts as inline SVG, each with a text alternative stating its key figures.

Why inline ``<svg>`` rather than ``<img src="data:…">``: WeasyPrint tags both as a PDF
/Figure with /Alt (from the SVG's ``<title>`` or the ``<img alt>``), but inline SVG keeps
the chart's labels as real, selectable text in the PDF and the HTML, needs no ``data:``
URLs through the fetcher, and lets browsers read the ``<title>`` through
``aria-labelledby``. Text is kept as text (``svg.fonttype = 'none'``) in DejaVu Sans, the
font matplotlib measures with and the one the report uses, so the layout matches.

Figures are built as ``matplotlib.figure.Figure`` objects, never through pyplot: no GUI
backend is involved (``savefig(format="svg")`` uses the SVG canvas whatever backend is
selected, so this works headless like Agg), nothing is left in pyplot's global figure list,
and the process-wide backend is not switched under other code.

Output is deterministic: a fixed ``svg.hashsalt``, no date in the metadata (which is
dropped anyway) and ids derived from the chart's content.
"""

from __future__ import annotations

import hashlib
import io
import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import matplotlib as mpl
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from workforce.reports import filters
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
INK: Final = "#0b0c0c"  # text: 19:1 on white
AXIS: Final = "#505a5f"  # axes and reference lines: 7:1
GRID: Final = "#d8dadb"  # decorative only

WIDTH_IN: Final = 6.85  # the A4 text column (174 mm), so 1 pt in the chart is 1 pt on paper
HEIGHT_IN: Final = 2.6

_SVG: Final = "http://www.w3.org/2000/svg"
_XLINK_HREF: Final = "{http://www.w3.org/1999/xlink}href"

_RC: Final[dict[str, Any]] = {
    "svg.fonttype": "none",
    "svg.hashsalt": "workforce-report",
    "font.family": "DejaVu Sans",
    "font.size": 8.5,
    "text.color": INK,
    "axes.labelcolor": INK,
    "axes.edgecolor": AXIS,
    "axes.linewidth": 0.8,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.grid.axis": "y",
    "axes.axisbelow": True,
    "grid.color": GRID,
    "grid.linewidth": 0.6,
    "xtick.color": AXIS,
    "ytick.color": AXIS,
    "xtick.labelcolor": INK,
    "ytick.labelcolor": INK,
    "legend.frameon": False,
    "legend.fontsize": 8.5,
    "hatch.linewidth": 0.8,
}

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


def _locator(unit: str) -> MaxNLocator:
    # Whole-number measures get whole-number ticks (no "2.5 workers").
    return MaxNLocator(nbins=5, integer=unit in ("count", "cases"))


def _axis_formatter(unit: str) -> FuncFormatter:
    """Tick labels in report style, shorter where space is tight (``£150k``)."""

    def label(value: float, _position: int | None) -> str:
        whole = abs(value - round(value)) < 1e-9
        if unit == "percent":
            return filters.percent(value, places=0 if whole else 1)
        if unit in ("gbp", "gbp_per_hour"):
            size = abs(value)
            sign = filters.MINUS if value < 0 else ""
            if size >= 1_000_000:
                return f"{sign}£{filters.number(size / 1_000_000, 1)}m"
            if size >= 10_000:
                return f"{sign}£{filters.number(size / 1_000, 0)}k"
            return filters.money(value)
        return filters.number(value, 0 if whole else 1)

    return FuncFormatter(label)


def _month_labels(months: Sequence[object]) -> tuple[list[int], list[str]]:
    """Tick positions and labels: every month when there are few, else every third (every
    sixth over three years); the year under the first label and wherever the year changes."""
    step = 1 if len(months) <= 13 else 3 if len(months) <= 36 else 6
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


def _draw(build: Callable[[Figure], None], height: float) -> str:
    with mpl.rc_context(_RC):
        figure = Figure(figsize=(WIDTH_IN, height), layout="constrained")
        build(figure)
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


_REF = re.compile(r"url\(#([^)]+)\)")


def _inline(svg: str, alt: str) -> str:
    """matplotlib's SVG made fit to sit inside HTML: no XML prolog or metadata; the alt
    text as ``<title>``; ids prefixed per chart so two charts on a page never share one;
    matplotlib's ``<style>`` (which in HTML would apply to the whole page) moved onto the
    root as inherited presentation attributes."""
    root = ET.fromstring(svg)
    prefix = "chart-" + hashlib.sha256(svg.encode()).hexdigest()[:10] + "-"
    for parent in list(root.iter()):
        for child in list(parent):
            if child.tag == f"{{{_SVG}}}metadata" or child.tag == f"{{{_SVG}}}style":
                parent.remove(child)
    root.set("stroke-linejoin", "round")
    root.set("stroke-linecap", "butt")
    # ``style="fill: …"`` as presentation attributes (``fill="…"``): the SVG draws the
    # same, and WeasyPrint no longer parses each one as HTML CSS and logs a warning per
    # declaration ("unknown property"), which would bury the warnings that matter.
    for element in root.iter():
        if style := element.attrib.pop("style", None):
            for declaration in style.split(";"):
                name, _, value = declaration.partition(":")
                if name.strip() and value.strip():
                    element.set(name.strip(), value.strip())

    # SVG 2 ``href`` instead of ``xlink:href`` (WeasyPrint and browsers read both), so the
    # output needs no xlink prefix.
    referenced = set()
    for element in root.iter():
        if _XLINK_HREF in element.attrib:
            element.set("href", element.attrib.pop(_XLINK_HREF))
        for name, value in element.attrib.items():
            referenced.update(_REF.findall(value))
            if name == "href" and value.startswith("#"):
                referenced.add(value[1:])
    for element in root.iter():
        if "id" in element.attrib:
            if element.attrib["id"] in referenced:
                element.set("id", prefix + element.attrib["id"])
            else:
                del element.attrib["id"]  # matplotlib labels every group; we need none
        for name, value in list(element.attrib.items()):
            if name == "href" and value.startswith("#"):
                element.set(name, "#" + prefix + value[1:])
            elif "url(#" in value:
                element.set(name, _REF.sub(lambda m: f"url(#{prefix}{m[1]})", value))

    title = ET.Element(f"{{{_SVG}}}title", {"id": prefix + "title"})
    title.text = alt
    root.insert(0, title)
    root.set("role", "img")
    root.set("aria-labelledby", prefix + "title")
    root.set("class", "chart-svg")
    # Plain tag names and a literal xmlns: the same markup in XML and in HTML, with no
    # reliance on ElementTree's process-wide prefix registry (other libraries rewrite it).
    for element in root.iter():
        element.tag = element.tag.removeprefix(f"{{{_SVG}}}")
    root.set("xmlns", _SVG)
    return ET.tostring(root, encoding="unicode")


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
) -> Chart:
    """A monthly trend: ``values`` (the council) and optional ``comparisons`` (say,
    England) by month, with an optional dashed target line, the last value labelled.

    ``months`` are ``'YYYY-MM'`` strings, dates or ``Period`` objects; ``None`` and
    ``SUPPRESSED`` values leave a gap.

    ``annual`` adds the council's once-a-year figures (say, its census returns at 30
    September), ``None`` in every other month: hollow diamonds in the council's colour,
    joined to each other by a thin dotted line and never to the monthly points, named
    ``annual_label`` in the legend and in the text alternative. ``monthly_from`` is the
    first month the monthly series covers; the months before it carry annual points only
    and are not counted as months not shown."""
    comparisons = dict(comparisons or {})
    _check(months, values=values, **comparisons,
           **({} if annual is None else {"annual": annual}))
    label = series_label or measure
    series = {label: values, **comparisons}
    yearly = _shown(annual) if annual is not None else []

    def build(figure: Figure) -> None:
        ax = figure.add_subplot()
        xs = range(len(months))
        for n, (name, ys) in enumerate(series.items()):
            ax.plot(xs, [_plain(v) for v in ys], color=PALETTE[n % 4], marker=MARKERS[n % 4],
                    markersize=3.5, linewidth=2.0 if n == 0 else 1.4, label=name,
                    zorder=3 if n == 0 else 2)
            if n == 0 and yearly:
                ax.plot([i for i, _ in yearly], [v for _, v in yearly], color=PALETTE[0],
                        marker="D", markersize=5.5, markerfacecolor="white",
                        markeredgewidth=1.5, linestyle=(0, (1, 2.5)), linewidth=1.0,
                        label=annual_label, zorder=3)
        if shown := _shown(values):
            i, v = shown[-1]
            ax.annotate(_fmt(v, unit), (i, v), xytext=(5, 0), textcoords="offset points",
                        va="center", fontweight="bold", color=INK)
        if target is not None:
            ax.axhline(target, color=AXIS, linestyle=(0, (5, 3)), linewidth=1.2,
                       label=f"Target ({_fmt(target, unit)})")
        if zero_based:
            ax.set_ylim(bottom=0)
        _finish(ax, months, _axis_title(measure, unit, y_label), unit,
                legend=len(series) > 1 or target is not None or bool(yearly))
        # Room on the right for the last value's label, in proportion to the span.
        pad = 0.6 if len(months) <= 6 else max(1.2, 0.05 * len(months))
        ax.set_xlim(-0.5, len(months) - 0.5 + pad)

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
    return Chart(_inline(_draw(build, height), alt), alt)


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

    def build(figure: Figure) -> None:
        ax = figure.add_subplot()
        ax.bar(range(split), ys[:split], color=BLUE, width=0.7, label="Actual")
        _mark_missing(ax, range(len(months)), values)
        if split < len(months):
            ax.bar(range(split, len(months)), ys[split:], width=0.7, color="white",
                   edgecolor=BLUE, hatch="////", linewidth=1.0, label="Forecast")
        if reference is not None:
            ax.axhline(reference, color=AXIS, linestyle=(0, (5, 3)), linewidth=1.2,
                       label=f"{reference_label} ({_fmt(reference, unit)})")
        ax.set_ylim(bottom=0)
        _finish(ax, months, _axis_title(measure, unit, y_label), unit,
                legend=split < len(months) or reference is not None, bars_first=True)
        ax.set_xlim(-0.6, len(months) - 0.4)

    if alt is None:
        alt = f"{measure}, {_span(months)}: " + _bars_alt(months, values, split, unit)
        if reference is not None:
            alt += f"; {reference_label.lower()} {_fmt(reference, unit)} a month"
        alt += "."
    return Chart(_inline(_draw(build, height), alt), alt)


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

    def build(figure: Figure) -> None:
        ax = figure.add_subplot()
        for n, (name, values) in enumerate(groups.items()):
            xs = [i - 0.4 + width * (n + 0.5) for i in range(len(categories))]
            hatch = HATCHES[n % 4]
            ax.bar(xs, [_plain(v) for v in values], width=width * 0.92, label=name,
                   color="white" if hatch else PALETTE[n % 4], edgecolor=PALETTE[n % 4],
                   hatch=hatch or None, linewidth=1.0)
            _mark_missing(ax, xs, values)
        ax.set_xticks(range(len(categories)), list(categories))
        ax.yaxis.set_major_formatter(_axis_formatter(unit))
        ax.yaxis.set_major_locator(_locator(unit))
        ax.set_ylabel(_axis_title(measure, unit, y_label))
        ax.axhline(0, color=AXIS, linewidth=0.8)
        ax.tick_params(axis="x", length=0)
        ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncols=len(groups))
        ax.set_xlim(-0.5, len(categories) - 0.5)

    if alt is None:
        rows = []
        for i, category in enumerate(categories):
            figures = ", ".join(f"{name.lower()} {_fmt(values[i], unit)}"
                                for name, values in groups.items())
            rows.append(f"{category}: {figures}")
        alt = f"{measure}. " + "; ".join(rows) + "."
    return Chart(_inline(_draw(build, height), alt), alt)


def _mark_missing(ax: Any, xs: Sequence[float], values: Sequence[Value]) -> None:
    """An empty slot says why it is empty: ``[c]`` withheld, ``–`` not applicable."""
    for x, value in zip(xs, values, strict=True):
        if value is None or value is SUPPRESSED or math.isnan(_plain(value)):
            ax.annotate(filters.text(value), (x, 0), xytext=(0, 2), textcoords="offset points",
                        ha="center", va="bottom", fontsize=7.5, color=INK)


def _finish(
    ax: Any, months: Sequence[object], y_title: str, unit: str, *, legend: bool,
    bars_first: bool = False,
) -> None:
    positions, labels = _month_labels(months)
    ax.set_xticks(positions, labels)
    ax.yaxis.set_major_formatter(_axis_formatter(unit))
    ax.yaxis.set_major_locator(_locator(unit))
    ax.set_ylabel(y_title)
    ax.tick_params(axis="x", length=3)
    if legend:
        handles, labels = ax.get_legend_handles_labels()
        if bars_first:  # matplotlib lists lines before bars; read Actual, Forecast, Budget
            order = sorted(range(len(labels)), key=lambda i: not hasattr(handles[i], "patches"))
            handles, labels = [handles[i] for i in order], [labels[i] for i in order]
        ax.legend(handles, labels, loc="lower left", bbox_to_anchor=(0, 1.0), ncols=4)

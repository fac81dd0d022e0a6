"""Charts as inline SVG, each with a text alternative stating its key figures.

Why inline ``<svg>`` rather than ``<img src="data:…">``: WeasyPrint tags both as a PDF
/Figure with /Alt (from the SVG's ``<title>`` or the ``<img alt>``), but inline SVG keeps
the chart's labels as real, selectable text in the PDF and the HTML, needs no ``data:``
URLs through the fetcher, and lets browsers read the ``<title>`` through
``aria-labelledby``. Text is set in DejaVu Sans, the font the report uses, and measured
with that font's metrics (matplotlib's ``TextToPath``), so labels fit where they are put.

Why the SVG is written here rather than by matplotlib's figures: a cabinet report has ten
charts, and matplotlib's artists, constrained layout and SVG backend took about 0.1 s a
chart, and its SVG (a group and a ``<use>`` per tick, ids on every group) about as long
again for WeasyPrint to draw. These charts are a few lines, bars, gridlines and labels, so
they are drawn directly, a few dozen elements each, in well under a hundredth of a second.
matplotlib still supplies what needs no figure: "nice" tick values (``MaxNLocator``) and
text widths.

Output is deterministic: coordinates rounded to 0.01 pt, ids derived from the chart's
content (so two charts on a page never share one), no dates, no random ids.
"""

from __future__ import annotations

import functools
import hashlib
import math
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

from matplotlib.font_manager import FontProperties
from matplotlib.textpath import TextToPath
from matplotlib.ticker import MaxNLocator

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
WHITE: Final = "#ffffff"

WIDTH_IN: Final = 6.85  # the A4 text column (174 mm), so 1 pt in the chart is 1 pt on paper
HEIGHT_IN: Final = 2.6

# Layout, in points (the SVG's user unit).
FONT_SIZE: Final = 8.5
SMALL_SIZE: Final = 7.5
_PAD: Final = 3.0  # around the chart
_ASCENT: Final = 0.76 * FONT_SIZE  # DejaVu Sans capitals and figures above the baseline
_DESCENT: Final = 0.24 * FONT_SIZE
_MIDDLE: Final = 0.36 * FONT_SIZE  # baseline below a point, to centre figures on it
_LINE: Final = 1.2 * FONT_SIZE  # between the lines of a two-line label
_TICK: Final = 3.5
_TICK_GAP: Final = 3.5  # tick to its label
_TITLE_GAP: Final = 4.0  # y-axis title to the tick labels
_LEGEND_ROW: Final = 1.7 * FONT_SIZE
_HANDLE: Final = 2.0 * FONT_SIZE  # a legend entry's line or swatch
_HANDLE_GAP: Final = 0.8 * FONT_SIZE
_ENTRY_GAP: Final = 2.0 * FONT_SIZE
_LABEL_OFFSET: Final = 5.0  # the last value's label, right of its point
_TARGET_DASH: Final = "6 3.6"  # (5, 3) at the line's 1.2 pt, as matplotlib scaled it
_ANNUAL_DASH: Final = "1 2.5"

_TEXT_PATHS: Final = TextToPath()

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


def _tick_label(value: float, unit: str) -> str:
    """A tick label in report style, shorter where space is tight (``£150k``)."""
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


def _y_range(values: Iterable[float], unit: str, *, zero: bool) -> tuple[float, float]:
    """The y-axis limits as matplotlib's autoscale set them: the data (and any reference
    line) with 5% to spare each side; with ``zero`` the axis stands on zero, as bars do."""
    shown = [v for v in values if not math.isnan(v)]
    if zero:
        shown.append(0.0)
    lo, hi = (min(shown), max(shown)) if shown else (0.0, 1.0)
    if zero and lo == hi == 0:
        hi = 1.0
    lo, hi = _locator(unit).nonsingular(lo, hi)
    margin = 0.05 * (hi - lo)
    return (lo if zero and lo == 0 else lo - margin), (hi if zero and hi == 0 else hi + margin)


def _ticks(lo: float, hi: float, unit: str) -> list[float]:
    """Up to six round values between ``lo`` and ``hi``."""
    slack = (hi - lo) * 1e-9
    return [float(t) + 0.0 for t in _locator(unit).tick_values(lo, hi)  # + 0.0: no "−0"
            if lo - slack <= t <= hi + slack]


@functools.lru_cache(maxsize=4096)
def _text_width(text: str, size: float = FONT_SIZE, bold: bool = False) -> float:
    """The width of a line of ``text`` in DejaVu Sans, in points."""
    font = FontProperties(family="DejaVu Sans", size=size, weight="bold" if bold else "normal")
    return float(_TEXT_PATHS.get_text_width_height_descent(text, font, ismath=False)[0])


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


def _num(value: float) -> str:
    """A coordinate to 0.01 pt without trailing zeros: short, and the same on every run."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def _attributes(attributes: Mapping[str, object]) -> dict[str, str]:
    # stroke_width= → stroke-width; numbers as coordinates; None leaves the attribute out.
    return {name.replace("_", "-"): _num(value) if isinstance(value, float | int) else str(value)
            for name, value in attributes.items() if value is not None}


def _marker(kind: str, x: float, y: float, size: float) -> str:
    """Path data for one of ``MARKERS`` centred on (x, y), ``size`` across as matplotlib's
    markersize (a circle's diameter, a square's side)."""
    h = size / 2
    if kind == "o":
        return (f"M{_num(x - h)} {_num(y)}a{_num(h)} {_num(h)} 0 1 0 {_num(size)} 0"
                f"a{_num(h)} {_num(h)} 0 1 0 {_num(-size)} 0z")
    if kind == "s":
        return f"M{_num(x - h)} {_num(y - h)}h{_num(size)}v{_num(size)}h{_num(-size)}z"
    if kind == "^":
        return (f"M{_num(x)} {_num(y - h)}L{_num(x + h)} {_num(y + h)}"
                f"L{_num(x - h)} {_num(y + h)}z")
    d = size / math.sqrt(2)  # "D": a square stood on its corner
    return (f"M{_num(x)} {_num(y - d)}L{_num(x + d)} {_num(y)}L{_num(x)} {_num(y + d)}"
            f"L{_num(x - d)} {_num(y)}z")


@dataclass(frozen=True)
class _Key:
    """What a legend entry names and how it is drawn: a line (``line`` wide, maybe dashed,
    maybe with markers) or, with ``line`` 0, a bar's fill (a colour, or a hatch in it)."""

    label: str
    colour: str
    line: float = 0.0
    dash: str | None = None
    marker: str | None = None
    size: float = 3.5
    face: str | None = None  # a marker's fill, when not the colour
    edge: float = 1.0  # a marker's outline
    hatch: str = ""


@dataclass(frozen=True)
class _Linear:
    """Data to points along one axis: ``d0`` lands on ``p0`` and ``d1`` on ``p1``."""

    d0: float
    d1: float
    p0: float
    p1: float

    def __call__(self, value: float) -> float:
        return self.p0 + (value - self.d0) * (self.p1 - self.p0) / (self.d1 - self.d0)


@dataclass
class _Svg:
    """An ``<svg>`` being drawn. Ids are written ``{id}name`` and get their prefix when the
    chart is finished, from a hash of the rest, so the same chart always has the same ids
    and two different charts on a page never share one."""

    width: float
    height: float
    root: ET.Element = field(init=False)
    _defs: ET.Element | None = field(default=None, init=False)
    _hatches: dict[tuple[str, str], str] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        width, height = _num(self.width), _num(self.height)
        # Text and line style set once on the root; SVG inherits them.
        self.root = ET.Element("svg", {
            "width": f"{width}pt", "height": f"{height}pt", "viewBox": f"0 0 {width} {height}",
            "version": "1.1", "font-family": "DejaVu Sans, sans-serif",
            "font-size": _num(FONT_SIZE), "fill": INK, "stroke-linejoin": "round",
            "stroke-linecap": "butt"})

    def add(self, tag: str, text: str | None = None, *, parent: ET.Element | None = None,
            **attributes: object) -> ET.Element:
        element = ET.SubElement(self.root if parent is None else parent, tag,
                                _attributes(attributes))
        element.text = text
        return element

    def text(self, text: str, x: float, y: float, *, anchor: str = "start",
             size: float = FONT_SIZE, bold: bool = False, rotate: bool = False) -> None:
        """A line of text with its baseline at ``y`` (``rotate``: reading upwards)."""
        self.add("text", text, x=x, y=y, text_anchor=None if anchor == "start" else anchor,
                 font_size=None if size == FONT_SIZE else size,
                 font_weight="bold" if bold else None,
                 transform=f"rotate(-90 {_num(x)} {_num(y)})" if rotate else None)

    def fill(self, key: _Key) -> str:
        """``key``'s bar fill: its colour, or its hatch in its colour on white."""
        if not key.hatch:
            return key.colour
        if (key.hatch, key.colour) not in self._hatches:
            if self._defs is None:
                self._defs = ET.Element("defs")
                self.root.insert(0, self._defs)
            name = f"{{id}}hatch-{len(self._hatches)}"
            pattern = self.add("pattern", parent=self._defs, id=name,
                               patternUnits="userSpaceOnUse", width=6, height=6)
            self.add("rect", parent=pattern, width=6, height=6, fill=WHITE)
            if key.hatch == "....":
                self.add("path", parent=pattern, fill=key.colour,
                         d=_marker("o", 1.5, 1.5, 1.4) + _marker("o", 4.5, 4.5, 1.4))
            else:  # "////", and "xxxx" crossed the other way too
                lines = "M0 6L6 0M-1 1L1 -1M5 7L7 5"
                if key.hatch == "xxxx":
                    lines += "M0 0L6 6M-1 5L1 7M5 -1L7 1"
                self.add("path", parent=pattern, d=lines, fill="none", stroke=key.colour,
                         stroke_width=0.8)
            self._hatches[key.hatch, key.colour] = f"url(#{name})"
        return self._hatches[key.hatch, key.colour]

    def finish(self, alt: str) -> str:
        """The SVG to sit inside HTML: ids prefixed, ``alt`` as its ``<title>``, a plain
        ``xmlns`` (the same markup in XML and HTML, with no reliance on ElementTree's
        process-wide prefix registry, which other libraries rewrite)."""
        body = ET.tostring(self.root, encoding="unicode")
        prefix = "chart-" + hashlib.sha256((body + alt).encode()).hexdigest()[:10] + "-"
        for element in self.root.iter():
            for name, value in list(element.attrib.items()):
                if "{id}" in value:
                    element.set(name, value.replace("{id}", prefix))
        title = ET.Element("title", {"id": prefix + "title"})
        title.text = alt
        self.root.insert(0, title)
        self.root.set("role", "img")
        self.root.set("aria-labelledby", prefix + "title")
        self.root.set("class", "chart-svg")
        self.root.set("xmlns", "http://www.w3.org/2000/svg")
        return ET.tostring(self.root, encoding="unicode")


def _legend_rows(keys: Sequence[_Key], width: float) -> list[list[tuple[float, _Key]]]:
    """Legend entries left to right, onto a new row where the next would pass ``width``;
    each with its offset from the row's start."""
    rows: list[list[tuple[float, _Key]]] = []
    x = 0.0
    for key in keys:
        size = _HANDLE + _HANDLE_GAP + _text_width(key.label)
        if not rows or (x > 0 and x + size > width):
            rows.append([])
            x = 0.0
        rows[-1].append((x, key))
        x += size + _ENTRY_GAP
    return rows


class _Plot:
    """A chart's frame: the legend across the top, the y axis with its gridlines, tick
    labels and title on the left, x ticks and labels below; maps data to points for the
    lines, bars and labels drawn in it. ``right`` keeps room right of the last x position
    (for the last value's label)."""

    def __init__(self, *, height_in: float, y_range: tuple[float, float], unit: str,
                 y_title: str, x_range: tuple[float, float],
                 x_ticks: Sequence[tuple[float, str]], tick: float, keys: Sequence[_Key],
                 right: float = 0.0, width_in: float = WIDTH_IN) -> None:
        width, height = width_in * 72, height_in * 72
        self.svg = svg = _Svg(width, height)
        ticks = _ticks(*y_range, unit)
        labels = [_tick_label(t, unit) for t in ticks]
        left = (_PAD + _ASCENT + _DESCENT + _TITLE_GAP + max(map(_text_width, labels), default=0)
                + _TICK_GAP + _TICK)
        rows = _legend_rows(keys, width - _PAD - left)
        top = _PAD + (len(rows) * _LEGEND_ROW + 2 if rows else _ASCENT - _MIDDLE)
        lines = max((label.count("\n") + 1 for _, label in x_ticks), default=1)
        bottom = height - _PAD - _DESCENT - (lines - 1) * _LINE - _ASCENT - _TICK_GAP - tick
        self.left, self.right, self.top, self.bottom = left, width - _PAD, top, bottom
        self.x = _Linear(*x_range, left, self.right - right)
        self.y = _Linear(*y_range, bottom, top)

        svg.add("path", d="".join(f"M{_num(left)} {_num(self.y(t))}H{_num(self.right)}"
                                  for t in ticks), fill="none", stroke=GRID, stroke_width=0.6)
        axes = f"M{_num(left)} {_num(top)}V{_num(bottom)}H{_num(self.right)}"
        axes += "".join(f"M{_num(left)} {_num(self.y(t))}h{_num(-_TICK)}" for t in ticks)
        if tick:
            axes += "".join(f"M{_num(self.x(x))} {_num(bottom)}v{_num(tick)}" for x, _ in x_ticks)
        svg.add("path", d=axes, fill="none", stroke=AXIS, stroke_width=0.8)
        for t, label in zip(ticks, labels, strict=True):
            svg.text(label, left - _TICK - _TICK_GAP, self.y(t) + _MIDDLE, anchor="end")
        for x, label in x_ticks:
            for n, line in enumerate(label.split("\n")):
                svg.text(line, self.x(x), bottom + tick + _TICK_GAP + _ASCENT + n * _LINE,
                         anchor="middle")
        svg.text(y_title, _PAD + _ASCENT, (top + bottom) / 2, anchor="middle", rotate=True)
        for n, row in enumerate(rows):
            middle = _PAD + (n + 0.5) * _LEGEND_ROW
            for offset, key in row:
                x = left + offset
                if key.line:
                    self.line(key, [(x, middle), (x + _HANDLE, middle)], markers=False)
                    if key.marker:
                        self.line(key, [(x + _HANDLE / 2, middle)])
                else:
                    self.bars(key, [(x, middle - 0.35 * FONT_SIZE, x + _HANDLE,
                                     middle + 0.35 * FONT_SIZE)])
                svg.text(key.label, x + _HANDLE + _HANDLE_GAP, middle + _MIDDLE)

    def line(self, key: _Key, points: Sequence[tuple[float, float] | None], *,
             markers: bool = True) -> None:
        """A line through ``points`` (``None`` breaks it), with ``key``'s marker on each."""
        runs: list[list[tuple[float, float]]] = [[]]
        for point in points:
            if point is None:
                runs.append([])
            else:
                runs[-1].append(point)
        path = "".join("M" + "L".join(f"{_num(x)} {_num(y)}" for x, y in run)
                       for run in runs if len(run) > 1)
        if path:
            self.svg.add("path", d=path, fill="none", stroke=key.colour, stroke_width=key.line,
                         stroke_dasharray=key.dash)
        if markers and key.marker:
            self.svg.add("path", d="".join(_marker(key.marker, x, y, key.size)
                                          for run in runs for x, y in run),
                         fill=key.face or key.colour, stroke=key.colour, stroke_width=key.edge)

    def series(self, key: _Key, xs: Iterable[float], ys: Iterable[float]) -> None:
        """A line through the data points; NaN leaves a gap."""
        self.line(key, [None if math.isnan(y) else (self.x(x), self.y(y))
                        for x, y in zip(xs, ys, strict=True)])

    def bars(self, key: _Key, boxes: Sequence[tuple[float, float, float, float]]) -> None:
        """Boxes (x0, y0, x1, y1 in points) filled as ``key`` says, outlined when hatched."""
        if boxes:
            self.svg.add("path", d="".join(
                f"M{_num(x0)} {_num(y0)}H{_num(x1)}V{_num(y1)}H{_num(x0)}z"
                for x0, y0, x1, y1 in boxes), fill=self.svg.fill(key),
                stroke=key.colour if key.hatch else None, stroke_width=1.0 if key.hatch else None)

    def columns(self, key: _Key, xs: Iterable[float], ys: Iterable[float], width: float) -> None:
        """A bar from zero to each value, ``width`` wide in x units; NaN draws none."""
        zero = self.y(0)
        self.bars(key, [(self.x(x - width / 2), min(zero, self.y(y)), self.x(x + width / 2),
                         max(zero, self.y(y)))
                        for x, y in zip(xs, ys, strict=True) if not math.isnan(y)])

    def rule(self, key: _Key, value: float) -> None:
        """A horizontal line across the chart at ``value`` (a target, a budget, zero)."""
        y = _num(self.y(value))
        self.svg.add("path", d=f"M{_num(self.left)} {y}H{_num(self.right)}", fill="none",
                     stroke=key.colour, stroke_width=key.line, stroke_dasharray=key.dash)

    def missing(self, xs: Iterable[float], values: Sequence[Value]) -> None:
        """An empty slot says why it is empty: ``[c]`` withheld, ``–`` not applicable."""
        for x, value in zip(xs, values, strict=True):
            if math.isnan(_plain(value)):
                self.svg.text(filters.text(value), self.x(x), self.y(0) - 2 - 0.24 * SMALL_SIZE,
                              anchor="middle", size=SMALL_SIZE)


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

    keys = [_Key(name, PALETTE[n % 4], 2.0 if n == 0 else 1.4, marker=MARKERS[n % 4])
            for n, name in enumerate(series)]
    annual_key = _Key(annual_label, PALETTE[0], 1.0, dash=_ANNUAL_DASH, marker="D", size=5.5,
                      face=WHITE, edge=1.5)
    target_key = _Key(f"Target ({_fmt(target, unit)})", AXIS, 1.2, dash=_TARGET_DASH)
    keys_shown = [keys[0], *([annual_key] if yearly else []), *keys[1:],
                  *([] if target is None else [target_key])]
    plotted = [[_plain(v) for v in ys] for ys in series.values()]
    y_range = _y_range([*(v for ys in plotted for v in ys), *(v for _, v in yearly),
                        *([] if target is None else [float(target)])], unit, zero=zero_based)
    last = shown[-1] if (shown := _shown(values)) else None
    label_room = 0.0 if last is None else (
        _LABEL_OFFSET + _text_width(_fmt(last[1], unit), bold=True) + _PAD)
    positions, tick_labels = _month_labels(months, width)
    plot = _Plot(height_in=height, y_range=y_range, unit=unit,
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
        plot.svg.text(_fmt(last[1], unit), plot.x(last[0]) + _LABEL_OFFSET,
                      plot.y(last[1]) + _MIDDLE, bold=True)
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

    actual, forecast = _Key("Actual", BLUE), _Key("Forecast", BLUE, hatch="////")
    budget = _Key(f"{reference_label} ({_fmt(reference, unit)})", AXIS, 1.2, dash=_TARGET_DASH)
    legend = [actual, *([forecast] if split < len(months) else []),
              *([] if reference is None else [budget])]
    positions, tick_labels = _month_labels(months)
    plot = _Plot(height_in=height,
                 y_range=_y_range([*ys, *([] if reference is None else [float(reference)])],
                                  unit, zero=True),
                 unit=unit, y_title=_axis_title(measure, unit, y_label),
                 x_range=(-0.6, len(months) - 0.4),
                 x_ticks=list(zip(positions, tick_labels, strict=True)), tick=3.0,
                 keys=legend if len(legend) > 1 else [])
    plot.columns(actual, range(split), ys[:split], 0.7)
    plot.missing(range(len(months)), values)
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

    keys = [_Key(name, PALETTE[n % 4], hatch=HATCHES[n % 4]) for n, name in enumerate(groups)]
    plotted = [[_plain(v) for v in values] for values in groups.values()]
    plot = _Plot(height_in=height, y_range=_y_range([v for ys in plotted for v in ys], unit,
                                                    zero=True),
                 unit=unit, y_title=_axis_title(measure, unit, y_label),
                 x_range=(-0.5, len(categories) - 0.5),
                 x_ticks=list(enumerate(categories)), tick=0.0, keys=keys)
    for n, (key, ys, values) in enumerate(zip(keys, plotted, groups.values(), strict=True)):
        xs = [i - 0.4 + width * (n + 0.5) for i in range(len(categories))]
        plot.columns(key, xs, ys, width * 0.92)
        plot.missing(xs, values)
    plot.rule(_Key("", AXIS, 0.8), 0.0)
    return Chart(plot.svg.finish(alt), alt)


"""The drawing layer under ``charts``: an SVG canvas with a chart's frame (legend, axes,
gridlines, tick labels) and the lines, markers, bars and labels drawn in it, laid out in
points from DejaVu Sans's metrics. ``charts`` decides what a chart shows and says; this
module only draws it.

Text is set in DejaVu Sans, the font the report uses, and measured with that font's
metrics (matplotlib's ``TextToPath``), so labels fit where they are put.

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

# Text, axes, gridlines and the ground of hatches; ``charts`` picks the series' colours.
_INK: Final = "#0b0c0c"  # text: 19:1 on white
AXIS: Final = "#505a5f"  # axes and reference lines: 7:1
_GRID: Final = "#d8dadb"  # decorative only
WHITE: Final = "#ffffff"

# Dash patterns (``stroke-dasharray``) for lines.
DASHED: Final = "6 3.6"  # (5, 3) at the line's 1.2 pt, as matplotlib scaled it
DOTTED: Final = "1 2.5"

# Layout, in points (the SVG's user unit).
_FONT_SIZE: Final = 8.5
_SMALL_SIZE: Final = 7.5
_PAD: Final = 3.0  # around the chart
_ASCENT: Final = 0.76 * _FONT_SIZE  # DejaVu Sans capitals and figures above the baseline
_DESCENT: Final = 0.24 * _FONT_SIZE
_MIDDLE: Final = 0.36 * _FONT_SIZE  # baseline below a point, to centre figures on it
_LINE: Final = 1.2 * _FONT_SIZE  # between the lines of a two-line label
_TICK: Final = 3.5
_TICK_GAP: Final = 3.5  # tick to its label
_TITLE_GAP: Final = 4.0  # y-axis title to the tick labels
_LEGEND_ROW: Final = 1.7 * _FONT_SIZE
_HANDLE: Final = 2.0 * _FONT_SIZE  # a legend entry's line or swatch
_HANDLE_GAP: Final = 0.8 * _FONT_SIZE
_ENTRY_GAP: Final = 2.0 * _FONT_SIZE
_LABEL_OFFSET: Final = 5.0  # the last value's label, right of its point

_TEXT_PATHS: Final = TextToPath()


def _num(value: float) -> str:
    """A coordinate to 0.01 pt without trailing zeros: short, and the same on every run."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def _attributes(attributes: Mapping[str, object]) -> dict[str, str]:
    # stroke_width= → stroke-width; numbers as coordinates; None leaves the attribute out.
    return {name.replace("_", "-"): _num(value) if isinstance(value, float | int) else str(value)
            for name, value in attributes.items() if value is not None}


@functools.lru_cache(maxsize=4096)
def _text_width(text: str, size: float = _FONT_SIZE, bold: bool = False) -> float:
    """The width of a line of ``text`` in DejaVu Sans, in points."""
    font = FontProperties(family="DejaVu Sans", size=size, weight="bold" if bold else "normal")
    return float(_TEXT_PATHS.get_text_width_height_descent(text, font, ismath=False)[0])


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


def y_range(values: Iterable[float], unit: str, *, zero: bool) -> tuple[float, float]:
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


def _marker(kind: str, x: float, y: float, size: float) -> str:
    """Path data for a marker (``o``, ``s``, ``^`` or ``D``) centred on (x, y), ``size``
    across as matplotlib's markersize (a circle's diameter, a square's side)."""
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
class Key:
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
class Linear:
    """Data to points along one axis: ``d0`` lands on ``p0`` and ``d1`` on ``p1``."""

    d0: float
    d1: float
    p0: float
    p1: float

    def __call__(self, value: float) -> float:
        return self.p0 + (value - self.d0) * (self.p1 - self.p0) / (self.d1 - self.d0)


@dataclass
class Svg:
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
            "font-size": _num(_FONT_SIZE), "fill": _INK, "stroke-linejoin": "round",
            "stroke-linecap": "butt"})

    def add(self, tag: str, text: str | None = None, *, parent: ET.Element | None = None,
            **attributes: object) -> ET.Element:
        element = ET.SubElement(self.root if parent is None else parent, tag,
                                _attributes(attributes))
        element.text = text
        return element

    def text(self, text: str, x: float, y: float, *, anchor: str = "start",
             size: float = _FONT_SIZE, bold: bool = False, rotate: bool = False) -> None:
        """A line of text with its baseline at ``y`` (``rotate``: reading upwards)."""
        self.add("text", text, x=x, y=y, text_anchor=None if anchor == "start" else anchor,
                 font_size=None if size == _FONT_SIZE else size,
                 font_weight="bold" if bold else None,
                 transform=f"rotate(-90 {_num(x)} {_num(y)})" if rotate else None)

    def fill(self, key: Key) -> str:
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


def _legend_rows(keys: Sequence[Key], width: float) -> list[list[tuple[float, Key]]]:
    """Legend entries left to right, onto a new row where the next would pass ``width``;
    each with its offset from the row's start."""
    rows: list[list[tuple[float, Key]]] = []
    x = 0.0
    for key in keys:
        size = _HANDLE + _HANDLE_GAP + _text_width(key.label)
        if not rows or (x > 0 and x + size > width):
            rows.append([])
            x = 0.0
        rows[-1].append((x, key))
        x += size + _ENTRY_GAP
    return rows


def value_label_room(text: str) -> float:
    """The room right of a point that ``Plot.value_label`` needs for ``text``."""
    return _LABEL_OFFSET + _text_width(text, bold=True) + _PAD


class Plot:
    """A chart's frame: the legend across the top, the y axis with its gridlines, tick
    labels and title on the left, x ticks and labels below; maps data to points for the
    lines, bars and labels drawn in it. ``right`` keeps room right of the last x position
    (for the last value's label: ``value_label_room``)."""

    def __init__(self, *, height_in: float, y_range: tuple[float, float], unit: str,
                 y_title: str, x_range: tuple[float, float],
                 x_ticks: Sequence[tuple[float, str]], tick: float, keys: Sequence[Key],
                 width_in: float, right: float = 0.0) -> None:
        width, height = width_in * 72, height_in * 72
        self.svg = svg = Svg(width, height)
        ticks = _ticks(*y_range, unit)
        labels = [_tick_label(t, unit) for t in ticks]
        left = (_PAD + _ASCENT + _DESCENT + _TITLE_GAP + max(map(_text_width, labels), default=0)
                + _TICK_GAP + _TICK)
        rows = _legend_rows(keys, width - _PAD - left)
        top = _PAD + (len(rows) * _LEGEND_ROW + 2 if rows else _ASCENT - _MIDDLE)
        lines = max((label.count("\n") + 1 for _, label in x_ticks), default=1)
        bottom = height - _PAD - _DESCENT - (lines - 1) * _LINE - _ASCENT - _TICK_GAP - tick
        self.left, self.right, self.top, self.bottom = left, width - _PAD, top, bottom
        self.x = Linear(*x_range, left, self.right - right)
        self.y = Linear(*y_range, bottom, top)

        svg.add("path", d="".join(f"M{_num(left)} {_num(self.y(t))}H{_num(self.right)}"
                                  for t in ticks), fill="none", stroke=_GRID, stroke_width=0.6)
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
                    self.bars(key, [(x, middle - 0.35 * _FONT_SIZE, x + _HANDLE,
                                     middle + 0.35 * _FONT_SIZE)])
                svg.text(key.label, x + _HANDLE + _HANDLE_GAP, middle + _MIDDLE)

    def line(self, key: Key, points: Sequence[tuple[float, float] | None], *,
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

    def series(self, key: Key, xs: Iterable[float], ys: Iterable[float]) -> None:
        """A line through the data points; NaN leaves a gap."""
        self.line(key, [None if math.isnan(y) else (self.x(x), self.y(y))
                        for x, y in zip(xs, ys, strict=True)])

    def bars(self, key: Key, boxes: Sequence[tuple[float, float, float, float]]) -> None:
        """Boxes (x0, y0, x1, y1 in points) filled as ``key`` says, outlined when hatched."""
        if boxes:
            self.svg.add("path", d="".join(
                f"M{_num(x0)} {_num(y0)}H{_num(x1)}V{_num(y1)}H{_num(x0)}z"
                for x0, y0, x1, y1 in boxes), fill=self.svg.fill(key),
                stroke=key.colour if key.hatch else None, stroke_width=1.0 if key.hatch else None)

    def columns(self, key: Key, xs: Iterable[float], ys: Iterable[float], width: float) -> None:
        """A bar from zero to each value, ``width`` wide in x units; NaN draws none."""
        zero = self.y(0)
        self.bars(key, [(self.x(x - width / 2), min(zero, self.y(y)), self.x(x + width / 2),
                         max(zero, self.y(y)))
                        for x, y in zip(xs, ys, strict=True) if not math.isnan(y)])

    def rule(self, key: Key, value: float) -> None:
        """A horizontal line across the chart at ``value`` (a target, a budget, zero)."""
        y = _num(self.y(value))
        self.svg.add("path", d=f"M{_num(self.left)} {y}H{_num(self.right)}", fill="none",
                     stroke=key.colour, stroke_width=key.line, stroke_dasharray=key.dash)

    def value_label(self, text: str, x: float, y: float) -> None:
        """``text`` in bold right of the data point (x, y): a line's last value."""
        self.svg.text(text, self.x(x) + _LABEL_OFFSET, self.y(y) + _MIDDLE, bold=True)

    def gap_labels(self, labels: Iterable[tuple[float, str]]) -> None:
        """Small text just above zero at each x: what stands in an empty slot instead."""
        for x, text in labels:
            self.svg.text(text, self.x(x), self.y(0) - 2 - 0.24 * _SMALL_SIZE,
                          anchor="middle", size=_SMALL_SIZE)

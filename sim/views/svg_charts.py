"""Charts for the classroom page as inline SVG, drawn by the browser.

Why not matplotlib here: the page serves many sessions from threads of one process, and
matplotlib (its FreeType font cache, ``rc_context``) is not thread-safe: two sessions drawing at
once crashed the server (issue 18). Why not Vega-Lite: solara 1.58.2's chart widget asks for
``vega@5`` while solara-assets ships ``vega@5.21.0``, so offline it 404s. These charts are plain
strings built from the model's numbers: no shared state, ~1 ms each, and the text is real text,
sized in CSS pixels at any screen width (``docs/classroom-server.md`` has the measurements).

Layout trick: an outer ``<svg>`` positions text, markers and vertical lines in percentages, so
labels keep their pixel size; the data lines sit in an inner ``<svg>`` stretched to fill it
(``preserveAspectRatio="none"``) with strokes that do not scale.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence
from dataclasses import dataclass, field

from sim.views.date_axes import date_tick_labels  # plain date arithmetic: thread-safe

RECORD_COLOUR = "#222222"
GRID = 1000  # inner coordinate range


@dataclass
class Series:
    """One line: values from the first day on (it may stop early: the run so far)."""

    values: Sequence[float]
    colour: str
    label: str = ""
    width: float = 3.0


@dataclass
class Panel:
    """One chart: a title, a y range, lines, an optional band, and the documented record."""

    title: str
    colour: str
    low: float
    high: float
    unit: str  # "percent", "share", "index" or "" (0-1 quantities)
    series: list[Series]
    bands: list[tuple[Sequence[float], Sequence[float], str]] = field(default_factory=list)
    record: list = field(default_factory=list)  # sim.record Observations of this quantity
    now: str = ""  # the value today, in words


def _pct(x: float) -> str:
    return f"{100 * x:.2f}%"


def _fmt(v: float, unit: str) -> str:
    """A tick label in the unit the page shows everywhere: a share (0-1) as a percentage."""
    if unit == "share":
        return f"{100 * v:.0f} %"
    return f"{v:.0f} %" if unit == "percent" else f"{v:.1f}"


def _yticks(low: float, high: float, unit: str) -> list[float]:
    """Three or four round values: enough to read a level off, few enough for 16 px labels."""
    if unit == "percent":
        step = 50 if high - low <= 150 else 100
        return [float(v) for v in range(int(low // step * step), int(high) + 1, step) if v >= low]
    return [0.0, 0.5, 1.0] if low <= 0 and high >= 1 else [low, high]


def render(panel: Panel, start: dt.date, days: int, today: int,
           meetings: Sequence[tuple[int, str]], height: int = 150) -> str:
    """One panel as HTML: caption, SVG plot, x labels. ``meetings``: (day, "talks"|"call")."""
    span = (panel.high - panel.low) or 1.0
    last = max(1, days - 1)

    def y(v: float) -> float:
        return 1.0 - (min(panel.high, max(panel.low, v)) - panel.low) / span

    def x(day: float) -> float:
        return day / last

    inner = []
    for low, high, colour in panel.bands:
        top = " ".join(f"{GRID * x(i):.1f},{GRID * y(v):.1f}" for i, v in enumerate(high))
        bottom = " ".join(f"{GRID * x(i):.1f},{GRID * y(v):.1f}"
                          for i, v in reversed(list(enumerate(low))))
        inner.append(f"<polygon points='{top} {bottom}' fill='{colour}' fill-opacity='0.16'/>")
    for s in panel.series:
        pts = " ".join(f"{GRID * x(i):.1f},{GRID * y(v):.1f}" for i, v in enumerate(s.values))
        inner.append(f"<polyline points='{pts}' fill='none' stroke='{s.colour}' "
                     f"stroke-width='{s.width}' vector-effect='non-scaling-stroke' "
                     "stroke-linejoin='round'/>")
    outer = []
    for v in _yticks(panel.low, panel.high, panel.unit):
        outer.append(f"<line class='grid' x1='0' x2='100%' y1='{_pct(y(v))}' y2='{_pct(y(v))}'/>")
        dy = "0.9em" if y(v) < 0.12 else "-0.25em"  # the top label hangs below its line
        outer.append(f"<text class='tick' x='2' y='{_pct(y(v))}' dy='{dy}'>"
                     f"{html.escape(_fmt(v, panel.unit))}</text>")
    for day, kind in meetings:
        if 0 <= day <= last:
            outer.append(f"<line class='meet {kind}' x1='{_pct(x(day))}' x2='{_pct(x(day))}' "
                         "y1='0' y2='100%'/>")
    outer += _record(panel, start, x, y)
    outer.append(f"<line class='today' x1='{_pct(x(today))}' x2='{_pct(x(today))}' y1='0' "
                 "y2='100%'/>")
    ticks, names = date_tick_labels(start, start + dt.timedelta(days=last), most=4)
    labels = "".join(f"<span style='left:{_pct(x((d - start).days))}'>{html.escape(n)}</span>"
                     for d, n in zip(ticks, names, strict=True))
    now = f" <span class='now'>{html.escape(panel.now)}</span>" if panel.now else ""
    return (f"<figure class='sim-chart'><figcaption style='color:{panel.colour}'>"
            f"{html.escape(panel.title)}{now}</figcaption>"
            f"<svg class='sim-plot' width='100%' height='{height}' role='img' "
            f"aria-label='{html.escape(panel.title)}'>"
            f"<svg x='0' y='0' width='100%' height='100%' viewBox='0 0 {GRID} {GRID}' "
            f"preserveAspectRatio='none'>{''.join(inner)}</svg>{''.join(outer)}</svg>"
            f"<div class='xticks'>{labels}</div></figure>")


def _record(panel: Panel, start: dt.date, x, y) -> list[str]:
    """Documented values as diamonds with tolerance bars, levels as shaded blocks."""
    out = []
    for obs in panel.record:
        d0, d1 = (obs.start - start).days, (obs.end - start).days
        mid = (d0 + d1) / 2
        if obs.value is not None:
            tol = obs.tolerance or 0.0
            out.append(f"<line class='rec' x1='{_pct(x(mid))}' x2='{_pct(x(mid))}' "
                       f"y1='{_pct(y(obs.value + tol))}' y2='{_pct(y(obs.value - tol))}'/>")
            out.append(f"<rect class='rec-pt' x='{_pct(x(mid))}' y='{_pct(y(obs.value))}' "
                       "width='11' height='11'/>")  # a diamond, centred by the page's CSS
        elif obs.level is not None:
            side, threshold = obs.level
            top, bottom = (0.0, y(threshold)) if side == "above" else (y(threshold), 1.0)
            out.append(f"<rect class='rec-level' x='{_pct(x(d0))}' y='{_pct(top)}' "
                       f"width='{_pct(max(0.005, x(d1 + 1) - x(d0)))}' "
                       f"height='{_pct(bottom - top)}'/>")
    return out


def legend(actors: Sequence[tuple[str, str]]) -> str:
    """The key shared by every panel, with each side's colour."""
    sides = "".join(f"<span><i class='sw' style='background:{c}'></i>{html.escape(label)}</span>"
                    for label, c in actors)
    return ("<div class='sim-legend'>" + sides
            + "<span><i class='sw band'></i>unmodified scenario, 10-90 % of runs</span>"
            "<span><i class='sw rec'></i>documented (news record)</span>"
            "<span><i class='sw meet'></i>talks</span><span><i class='sw call'></i>call</span>"
            "<span><i class='sw today'></i>today</span></div>")


@dataclass
class Strip:
    """One outcome on a line for the end screen: the model runs, the class's games, the record
    and the student's own value, on the outcome's own scale (``low`` to ``high``)."""

    low: float
    high: float
    model: Sequence[float]
    classmates: Sequence[float]
    yours: float
    record: float | None
    colour: str
    ends: tuple[str, str] = ("", "")  # the scale's two ends in words ("0 %", "200 %")


def strip(s: Strip) -> str:
    """``s`` as an SVG line: model runs as grey ticks, classmates as hollow dots, the record as a
    diamond, the student as a large dot in their side's colour; the ends labelled below."""
    span = (s.high - s.low) or 1.0

    def x(v: float) -> str:
        return _pct(0.02 + 0.96 * (min(s.high, max(s.low, v)) - s.low) / span)

    parts = ["<line class='axis' x1='2%' x2='98%' y1='40%' y2='40%'/>",
             f"<text class='end' x='2%' y='98%'>{html.escape(s.ends[0])}</text>",
             f"<text class='end' x='98%' y='98%' text-anchor='end'>{html.escape(s.ends[1])}</text>"]
    parts += [f"<line class='run' x1='{x(v)}' x2='{x(v)}' y1='18%' y2='62%'/>" for v in s.model]
    parts += [f"<circle class='mate' cx='{x(v)}' cy='40%' r='6'/>" for v in s.classmates]
    if s.record is not None:
        parts.append(f"<rect class='rec-pt' x='{x(s.record)}' y='40%' width='11' height='11'/>")
    parts.append(f"<circle class='you' cx='{x(s.yours)}' cy='40%' r='9' "
                 f"style='fill:{s.colour}'/>")
    return (f"<svg class='sim-strip-chart' width='100%' height='50' role='img'>{''.join(parts)}"
            "</svg>")


def strip_legend(colour: str) -> str:
    """The key of ``strip``."""
    return ("<div class='sim-legend'>"
            f"<span><i class='sw dot' style='background:{colour}'></i>your game</span>"
            "<span><i class='sw runs'></i>model runs</span>"
            "<span><i class='sw mate'></i>your class</span>"
            "<span><i class='sw rec'></i>documented (news record)</span></div>")

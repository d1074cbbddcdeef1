"""Figures: each lever over time with the meetings marked and the documented record overlaid,
an overview of the whole story, and the shared look used by the web page too.

Colour-blind-safe (Okabe-Ito), large type for projectors, each side always in its own colour.
"""

from __future__ import annotations

import datetime as dt
import math
import sys
import textwrap
from collections.abc import Iterable
from pathlib import Path

import matplotlib

if "ipykernel" not in sys.modules:  # a notebook keeps its inline backend, so figures show there
    matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.colors import is_color_like  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import NullLocator  # noqa: E402

from sim.scenario.language import Scenario  # noqa: E402
from sim.views.date_axes import date_axis as _date_axis  # noqa: E402
from sim.views.figure_parts import (  # noqa: E402
    LABEL_BOX,
    LEGEND_AT,
    PART,
    STATUS_COLOURS,
    STYLE,
    declutter,
    doc_key,
    legend_outside,
    meeting_order,
    movable,
    text_colour,
)
from sim.views.record_marks import (  # noqa: E402
    LANE_INCHES,
    overlay_record,
    status_windows,
    window_lanes,
)
from sim.views.words import axis_unit  # noqa: E402

OKABE_ITO = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442"]
# colours for compared scenarios, none of them a side's colour (see ``compare_colours``)
# colours for compared scenarios, none of them a side's colour (see ``compare_colours``) nor the
# record's near-black
COMPARE_COLOURS = ["#CC79A7", "#E69F00", "#56B4E9", "#009E73", "#0072B2", "#D55E00", "#F0E442"]
UNITS = {"percent": "%", "share": "share (0-1)", "index": "index (0-1)"}


def actor_colour(scenario: Scenario, actor: str) -> str:
    """The side's colour from the scenario, or a palette colour if it has none (or a bad one)."""
    spec = scenario.actors[actor]
    if spec.colour and is_color_like(spec.colour):
        return spec.colour
    return OKABE_ITO[list(scenario.actors).index(actor) % len(OKABE_ITO)]


def compare_colours(scenarios: Iterable[Scenario]) -> list[str]:
    """One colour per compared scenario, none equal to a side's colour in any of them."""
    scenarios = list(scenarios)
    taken = {actor_colour(s, a).lower() for s in scenarios for a in s.actors}
    free = [c for c in COMPARE_COLOURS if c.lower() not in taken] or COMPARE_COLOURS
    return [free[k % len(free)] for k in range(len(scenarios))]


def lever_limits(lever) -> tuple[float, float] | None:
    """The lever's range with a 5 % margin, or None (autoscale) if its bounds are not usable."""
    span = lever.max - lever.min
    low, high = lever.min - 0.05 * span, lever.max + 0.05 * span
    if not all(math.isfinite(x) for x in (span, low, high)) or span <= 0:
        return None
    return low, high


def mark_meetings(ax, scenario: Scenario, columns: dict[str, list] | None = None,
                  labels: bool = True, colour: str = "#777777", skip: set | None = None) -> None:
    """Dashed lines (talks, summits) and dotted ones (calls, decisions) at the meetings' dates,
    in the legend and labelled at the top;
    meetings in ``skip`` ((date, label) pairs, e.g. already drawn for another scenario) are not.
    Labels are placed leaders' meetings first, then talks, then decisions; one that would
    overprint another is left out when the figure is saved (``declutter``)."""
    order = meeting_order(scenario) if labels else {}
    text = "#555555" if colour == "#777777" else text_colour(colour)
    whose = "meeting: " if colour == "#777777" else f"meeting of {scenario.name}: "
    # lines at the back, then the labels on a white box (lines do not cross them), then data
    for m in scenario.meetings:
        if m.date is None or (skip is not None and (m.date, m.label) in skip):
            continue
        talks = m.kind in ("talks", "summit")
        ax.axvline(m.date, color=colour, lw=1, ls="--" if talks else ":", zorder=0,
                   label=f"{whose}talks or summit" if talks else f"{whose}call or decision")
        if m.name in order:
            label = ax.annotate(m.label, (m.date, 1.0), xycoords=("data", "axes fraction"),
                                rotation=90, va="top", ha="right", fontsize=9, color=text,
                                annotation_clip=True, bbox=LABEL_BOX, zorder=1)
            movable(label, order[m.name])
        if skip is not None:
            skip.add((m.date, m.label))


def _lever_panel(ax, columns: dict[str, list], scenario: Scenario, lever, observations,
                 band: dict | None = None, labels: bool = True) -> None:
    """One lever in its own unit: the simulated path in its side's colour, the record on top."""
    colour = actor_colour(scenario, lever.actor)
    side = scenario.actors[lever.actor].label
    if band and lever.id in band:
        low, high = band[lever.id]
        ax.fill_between(columns["date"], low, high, color=colour, alpha=0.2, lw=0,
                        label=f"{side}: 10-90 % of runs")
    ax.plot(columns["date"], columns[lever.id], color=colour, lw=2.5, label=f"{side}: simulated")
    _if_lapsed(ax, columns, lever, colour, side)
    if lever_limits(lever):
        ax.set_ylim(*lever_limits(lever))
    ax.set_title(lever.label, loc="left")
    ax.set_ylabel(axis_unit(lever))
    mark_meetings(ax, scenario, labels=labels)
    overlay_record(ax, observations, lever.id, (columns["date"], columns[lever.id]))


def _if_lapsed(ax, columns: dict[str, list], lever, colour: str, side: str = "") -> None:
    """A lever whose scenario names its layers: where a lapse would take it (the layers the
    deals suspended back in force), dashed, on the days that differs from where it stands."""
    lapsed = columns.get(f"{lever.id}.if_lapsed")
    if not lapsed:
        return
    back = [b if abs(b - v) > 1e-9 else float("nan")
            for v, b in zip(columns[lever.id], lapsed, strict=True)]
    if all(b != b for b in back):  # nothing suspended on any day
        return
    ax.plot(columns["date"], back, color=colour, lw=1.2, ls="--",
            label=f"{side}: if the terms lapse" if side else "if the terms lapse")


def lever_figure(columns: dict[str, list], scenario: Scenario, observations=(),
                 band: dict[str, tuple[list, list]] | None = None,
                 documents: dict[str, str] | None = None) -> Figure:
    """One panel per lever, each side in its colour, meetings marked, the record overlaid.

    ``band`` maps a lever id to (low, high) series drawn as a faint range (e.g. 10-90 %).
    """
    levers = scenario.levers
    with plt.rc_context(STYLE):
        ncols = 2
        nrows = max(1, (len(levers) + ncols - 1) // ncols)
        fig, axes = plt.subplots(nrows, ncols, figsize=(14, 3.6 * nrows + 1.5), sharex=True,
                                 squeeze=False, layout="constrained")
        for ax, lever in zip(axes.flat, levers, strict=False):
            _lever_panel(ax, columns, scenario, lever, observations, band)
            _date_axis(ax, columns["date"])
        hide_empty(axes, len(levers))
        legend_outside(fig, axes.flat)
        doc_key(fig, _shown(observations, {lv.id for lv in levers}, columns["date"]),
                documents, scenario)
        fig.suptitle(f"{scenario.title}: levers", fontsize=16)
    return fig


def hide_empty(axes, used: int) -> None:
    """Hide the grid's unused panels; the panel above each shows the dates instead."""
    ncols = axes.shape[1]
    for k in range(used, axes.size):
        axes.flat[k].set_visible(False)
        if k - ncols >= 0:
            axes.flat[k - ncols].tick_params(labelbottom=True)


def _shown(observations, quantities: set, dates: list | None = None) -> list:
    """The observations of ``quantities`` drawn in a figure (inside ``dates``' span, if given)."""
    first, last = (dates[0], dates[-1]) if dates else (None, None)
    return [o for o in observations if o.quantity in quantities
            and (first is None or (o.end >= first and o.start <= last))]


def overview_figure(columns: dict[str, list], scenario: Scenario, observations=(),
                    documents: dict[str, str] | None = None) -> Figure:
    """The story on one page: every lever in its own unit with the record's markers, then
    trust, pressure and the talks status across the full width."""
    levers = scenario.levers
    lever_rows = max(1, (len(levers) + 1) // 2)
    quantities = {lv.id for lv in levers} | {"status"} | {f"{a}.trust" for a in scenario.actors}
    shown = _shown(observations, quantities, columns["date"])
    # room under the status strip for its legend and the document key, one line per document
    # (an episode with a dozen sources needs more than one with five)
    bottom = max(2.0, 1.2 + 0.16 * len({o.doc for o in shown}))
    lanes = 1 + max((lane for _, _, lane in window_lanes(
        shown, (columns["date"][0], columns["date"][-1]), 14 * (LEGEND_AT - 0.08))), default=-1)
    strip = 0.5 + LANE_INCHES * lanes  # the status blocks, and a lane per row of windows
    height = 2.6 * lever_rows + 6.0 + strip + bottom
    with plt.rc_context(STYLE):
        # A fixed layout (margins in inches) and no weekly ticks: drawn in a third of the time
        # constrained layout takes, which is most of a single `sim run`.
        fig = plt.figure(figsize=(14, height))
        grid = fig.add_gridspec(lever_rows + 3, 2,
                                height_ratios=[2.2] * lever_rows + [2, 2, strip / 0.9],
                                left=0.07, right=LEGEND_AT - 0.01, top=1 - 0.95 / height,
                                bottom=bottom / height, hspace=0.42, wspace=0.2)
        first = None
        axes = []
        for k, lever in enumerate(levers):
            ax = fig.add_subplot(grid[k // 2, k % 2], sharex=first)
            first = first or ax
            _lever_panel(ax, columns, scenario, lever, shown, labels=k < 2)
            ax.tick_params(labelbottom=False)
            axes.append(ax)
        trust, pressure, status = (fig.add_subplot(grid[lever_rows + i, :], sharex=first)
                                   for i in range(3))
        dates = columns["date"]
        for actor in scenario.actors:
            colour = actor_colour(scenario, actor)
            label = scenario.actors[actor].label
            trust.plot(dates, columns[f"{actor}.trust"], color=colour, lw=2.5,
                       label=f"{label}: simulated")
            pressure.plot(dates, columns[f"{actor}.pressure"], color=colour, lw=2.5,
                          label=f"{label}: simulated")
            overlay_record(trust, shown, f"{actor}.trust", (dates, columns[f"{actor}.trust"]))
        for ax, title in ((trust, "trust in the other side (0-1)"),
                          (pressure, "domestic pressure (0-1)")):
            ax.set_ylim(0, 1)
            ax.set_title(title, loc="left")
            mark_meetings(ax, scenario, labels=False)
            ax.tick_params(labelbottom=False)
        _status_strip(status, columns, shown, 0.45 / strip)
        mark_meetings(status, scenario, labels=False)
        # the status strip's last block covers the whole last day; no weekly ticks (cheaper)
        _date_axis(status, [dates[0], dates[-1] + dt.timedelta(days=1)])
        status.xaxis.set_minor_locator(NullLocator())
        legend_outside(fig, [*axes, trust, pressure])
        doc_key(fig, shown, documents, scenario)
        fig.suptitle(f"{scenario.title}: overview", fontsize=16)
    return fig


def _status_strip(ax, columns: dict[str, list], observations, blocks: float = 0.45) -> None:
    """The talks status as coloured blocks (the lowest ``blocks`` of the strip), the record's
    status windows as bars above."""
    dates, status = columns["date"], columns["status"]
    one = dt.timedelta(days=1)
    start = 0
    for k in range(1, len(status) + 1):  # one block per spell of the same status, not per day
        if k == len(status) or status[k] != status[start]:
            ax.axvspan(dates[start], dates[k - 1] + one, 0, blocks,
                       color=STATUS_COLOURS.get(status[start], "#999999"), lw=0)
            start = k
    for s, colour in STATUS_COLOURS.items():
        ax.plot([], [], "s", color=colour, ms=10, label=s.replace("_", " "))
    status_windows(ax, observations, (dates[0], dates[-1]), blocks + 0.03, 1.0)
    ax.set_ylim(0, 1)
    ax.set_yticks([])
    ax.set_ylabel("status")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.35), ncols=6, frameon=False)


def save(fig: Figure, path: Path) -> None:
    """Save ``fig`` with its labels placed so that none overprints another."""
    declutter(fig)
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)


def write_run_plots(columns: dict[str, list], scenario: Scenario, folder: Path,
                    observations=()) -> list[Path]:
    """overview.png for one run: every lever in its own unit with the record, trust, pressure
    and status. (The ensemble's levers.png is a fan chart; for one run the overview's lever
    panels show the same, and one figure fewer keeps `sim run` quick.)"""
    path = folder / "overview.png"
    save(overview_figure(columns, scenario, observations), path)
    return [path]


# -- ensembles: fan charts (median, 25-75 % and 10-90 % of runs) ---------------------------------
def fan_figure(panels: list[dict], scenario: Scenario, observations=(), title: str = "",
               ncols: int = 2, meetings: list[tuple[Scenario, str]] | None = None,
               documents: dict[str, str] | None = None) -> Figure:
    """Panels of fans: each series' median over time with its 25-75 % and 10-90 % bands.

    Each panel is a dict: ``title``; ``quantity`` (record quantity to overlay, or None);
    ``ylabel``; ``ylim`` ((low, high) or None); ``series``: a list of dicts with ``label``,
    ``colour``, ``dates``, ``median``, ``low`` and ``high`` (10 and 90 %), optionally ``q25`` and
    ``q75``, a line style ``ls`` and ``edges`` (outline the band). Meetings of ``scenario`` are
    marked, or of every (scenario, colour) in ``meetings``; the record is overlaid.
    """
    with plt.rc_context(STYLE):
        ncols = min(ncols, len(panels)) or 1
        nrows = max(1, (len(panels) + ncols - 1) // ncols)
        fig, axes = plt.subplots(nrows, ncols, figsize=(7 * ncols, 3.6 * nrows + 2),
                                 sharex=True, squeeze=False, layout="constrained")
        for ax, panel in zip(axes.flat, panels, strict=False):
            centre = None
            for s in panel["series"]:
                line = _fan(ax, s)
                centre = centre or line
            if panel.get("ylim"):
                ax.set_ylim(*panel["ylim"])
            ax.set_title(textwrap.fill(panel["title"], 42 if ncols > 1 else 90),
                         loc="left")
            ax.set_ylabel(panel.get("ylabel", ""))
            drawn: set = set()  # a meeting shared by several scenarios is drawn once
            for other, colour in meetings or [(scenario, "#777777")]:
                mark_meetings(ax, other, colour=colour, skip=drawn)
            if panel.get("quantity"):
                overlay_record(ax, observations, panel["quantity"], centre)
            _date_axis(ax, _panel_dates(panels))
        hide_empty(axes, len(panels))
        legend_outside(fig, axes.flat)
        doc_key(fig, _shown(observations, {p.get("quantity") for p in panels},
                            _panel_dates(panels)), documents, scenario)
        fig.suptitle(title or f"{scenario.title}: ensemble", fontsize=16)
    return fig


def _fan(ax, s: dict) -> tuple:
    """One series of a fan panel: its 10-90 % band (outlined with ``edges``), its 25-75 % band
    if given, and its centre line: the ``path`` of a typical run drawn as the steps it took
    (levers set by decree), else the median. Returns the centre line as (dates, values)."""
    ax.fill_between(s["dates"], s["low"], s["high"], color=s["colour"], alpha=0.15, lw=0,
                    label=f"{s['label']}: 10-90 % of runs")
    if s.get("edges"):  # outline the band, to tell overlapping bands apart
        for edge in (s["low"], s["high"]):
            ax.plot(s["dates"], edge, color=s["colour"], lw=0.8, ls=s.get("ls", "-"), alpha=0.8,
                    gid=PART)
    if s.get("q25") is not None and s.get("q75") is not None:
        ax.fill_between(s["dates"], s["q25"], s["q75"], color=s["colour"], alpha=0.25, lw=0,
                        label=f"{s['label']}: 25-75 % of runs")
    if s.get("path") is not None:
        ax.plot(s["dates"], s["path"], color=s["colour"], lw=2.5, ls=s.get("ls", "-"),
                drawstyle="steps-post", label=f"{s['label']}: {s.get('path_label', 'typical run')}")
        return (s["dates"], s["path"])
    ax.plot(s["dates"], s["median"], color=s["colour"], lw=2.5, ls=s.get("ls", "-"),
            label=f"{s['label']}: median")
    return (s["dates"], s["median"])


def _panel_dates(panels: list[dict]) -> list:
    """The first and last day over every series of the panels."""
    firsts = [s["dates"][0] for p in panels for s in p["series"] if len(s["dates"])]
    lasts = [s["dates"][-1] for p in panels for s in p["series"] if len(s["dates"])]
    return [min(firsts), max(lasts)] if firsts else []


def status_share_figure(dates: list, shares: dict[str, list], scenario: Scenario,
                        title: str = "", observations=()) -> Figure:
    """Share of runs in each talks status, day by day, stacked (colours as the status strip);
    above it, on white, the meetings' names and the record's documented status windows."""
    with plt.rc_context(STYLE):
        fig, (top, ax) = plt.subplots(2, 1, figsize=(13, 7), sharex=True, layout="constrained",
                                      height_ratios=[2.2, 4])
        names = list(shares)
        ax.stackplot(dates, [shares[n] for n in names], labels=[n.replace("_", " ")
                                                                 for n in names],
                     colors=[STATUS_COLOURS.get(n, "#999999") for n in names], lw=0)
        ax.set_ylim(0, 1)
        ax.set_ylabel("share of runs")
        mark_meetings(ax, scenario, labels=False)
        mark_meetings(top, scenario)
        top.set_ylim(0, 1)
        top.set_yticks([])
        top.spines["left"].set_visible(False)
        windows = status_windows(top, observations, (dates[0], dates[-1]), 0.0, 0.5)
        if not windows:
            top.text(0.0, 0.2, "the record documents no talks status in this period",
                     transform=top.transAxes, fontsize=10, color="#4a4a4a")
        top.tick_params(labelbottom=False)
        _date_axis(ax, dates)
        legend_outside(fig, [ax, top])
        doc_key(fig, [o for o in observations if o.quantity == "status"
                      and o.end >= dates[0] and o.start <= dates[-1]], None, scenario)
        top.set_title(title or f"{scenario.title}: talks status across runs", loc="left")
    return fig


def __getattr__(name: str):
    """``scorecard_figure`` moved to ``sim.views.scorecard_figure``; the old name still works
    (figure jobs name their function as "sim.views.plots:scorecard_figure")."""
    if name in ("scorecard_figure", "scorecard_lines"):
        from sim.views import scorecard_figure as module

        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

"""The documented record drawn on a figure's axes: values, levels, directions and moves on a
quantity's panel, and talks-status windows above a status chart, each labelled with its document.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable

import matplotlib.pyplot as plt

from sim.views.figure_parts import LABEL_BOX, PART, RECORD_COLOUR, STATUS_COLOURS, movable


def _value_on(path: tuple | None, day: dt.date) -> float | None:
    """The drawn path's value on ``day`` (the nearest day inside it), or None."""
    if path is None or not len(path[0]):
        return None
    dates, values = path
    k = min(max((day - dates[0]).days, 0), len(dates) - 1)
    value = float(values[k])
    return value if math.isfinite(value) else None


def _is_move(item) -> bool:
    return hasattr(item, "timing_tolerance_days")


def _doc_label(ax, doc: str, at: tuple, priority: int) -> None:
    label = ax.annotate(doc, at, xytext=(4, 4), textcoords="offset points", fontsize=9,
                        color=RECORD_COLOUR, annotation_clip=False, bbox=LABEL_BOX, zorder=6)
    movable(label, 1000 + priority)


def overlay_record(ax, observations: Iterable, quantity: str, path: tuple | None = None) -> None:
    """The record's facts about ``quantity``, each labelled with its document: a value on one
    day as a point with its tolerance, a value over a date range as a bar across it, a level as
    a hatched band, a direction as an arrow from the drawn path's value on its first day, a
    documented move (``Move``) as a broad arrow from the value before it to the value after.
    ``path`` is the (dates, values) line drawn in the panel, which anchors directions and moves.
    """
    one = dt.timedelta(days=1)
    for k, obs in enumerate(observations):
        if obs.quantity != quantity:
            continue
        lo, hi = ax.get_ylim()
        if _is_move(obs):
            at = _draw_move(ax, obs, path, hi - lo)
        elif obs.value is not None and obs.is_range:
            tol = obs.tolerance or 0
            ax.fill_between([obs.start, obs.end + one], obs.value - tol, obs.value + tol,
                            color=RECORD_COLOUR, alpha=0.12, lw=0, gid=PART)
            ax.plot([obs.start, obs.end + one], [obs.value, obs.value], color=RECORD_COLOUR,
                    lw=3, solid_capstyle="butt", zorder=5,
                    label="record: value over dates")
            at = (obs.start, obs.value)
        elif obs.value is not None:
            ax.errorbar([obs.start], [obs.value], yerr=[[obs.tolerance or 0]], fmt="D", ms=8,
                        color=RECORD_COLOUR, mfc="white", mew=2, capsize=4, zorder=5,
                        label="record: value on a day")
            at = (obs.start, obs.value)
        elif obs.level is not None:
            side, threshold = obs.level
            y0, y1 = (threshold, hi) if side == "above" else (lo, threshold)
            ax.fill_between([obs.start, obs.end + one], y0, y1, color=RECORD_COLOUR,
                            alpha=0.10, hatch="//", lw=0, label="record: level (hatched)")
            ax.set_ylim(lo, hi)
            at = (obs.start, threshold)
        elif obs.direction is not None:
            at = _draw_direction(ax, obs, path, hi - lo)
        else:
            continue
        _doc_label(ax, obs.doc, at, k)


def _arrow_end(obs, ax) -> dt.date:
    """A direction's or move's end date, at least a fiftieth of the axis after its start."""
    import matplotlib.dates as mdates

    lo, hi = ax.get_xlim()
    least = dt.timedelta(days=max(1.0, (hi - lo) / 50))
    _ = mdates  # the axis is in matplotlib date numbers (days)
    return max(obs.end, obs.start + least)


def _draw_direction(ax, obs, path: tuple | None, span: float) -> tuple:
    lo, hi = ax.get_ylim()
    y = _value_on(path, obs.start)
    y = lo + 0.5 * span if y is None else y
    dy = {"up": 0.12, "down": -0.12, "flat": 0.0}[obs.direction] * span
    ax.annotate("", (_arrow_end(obs, ax), y + dy), (obs.start, y),
                arrowprops={"arrowstyle": "-|>", "color": RECORD_COLOUR, "lw": 2,
                            "shrinkA": 0, "shrinkB": 0})
    with plt.rc_context({"text.parse_math": True}):  # the legend's arrow is a math symbol
        ax.plot([], [], marker=r"$\nearrow$", ls="", color=RECORD_COLOUR, ms=12,
                label="record: direction")
    return (obs.start, y)


def _draw_move(ax, move, path: tuple | None, span: float) -> tuple:
    before = _value_on(path, move.start - dt.timedelta(days=1))
    if before is None:
        return (move.start, ax.get_ylim()[0])
    sign = 1 if move.direction == "up" else -1
    size = abs(move.size) if move.size is not None else (move.min_change or 0.15 * span)
    after = before + sign * size
    ax.annotate("", (_arrow_end(move, ax), after), (move.start, before),
                arrowprops={"arrowstyle": "simple,head_width=0.9,tail_width=0.35",
                            "color": RECORD_COLOUR, "alpha": 0.45, "lw": 0,
                            "shrinkA": 0, "shrinkB": 0})
    ax.plot([], [], color=RECORD_COLOUR, alpha=0.45, lw=6,
            label="record: move, before → after")
    return (move.start, before)


def window_lanes(observations, span: tuple, width_in: float) -> list[tuple]:
    """The record's status windows inside ``span`` as (observation, label, lane): each in the
    lowest lane where neither its bar nor its label (about ``width_in`` inches for the span)
    meets another."""
    shown = sorted((o for o in observations if o.quantity == "status" and o.status
                    and o.end >= span[0] and o.start <= span[1]), key=lambda o: o.start)
    days = max(1, (span[1] - span[0]).days)
    lanes: list[dt.date] = []  # the last day each lane is taken to (bar or label)
    placed = []
    for obs in shown:
        text = f"{obs.status.replace('_', ' ')} ({obs.doc})"
        label_days = dt.timedelta(days=days * (len(text) * 9 * 0.62 / 72 + 0.15) / width_in)
        end = max(obs.end + dt.timedelta(days=1), obs.start + label_days)
        lane = next((k for k, last in enumerate(lanes) if last < obs.start), len(lanes))
        if lane == len(lanes):
            lanes.append(end)
        lanes[lane] = end
        placed.append((obs, text, lane))
    return placed


LANE_INCHES = 0.3  # a lane of status windows: a bar and a 9-point label above it


def status_windows(ax, observations, span: tuple, bottom: float, top: float) -> int:
    """The record's documented talks statuses as bars over their dates, in the status's colour
    and outlined, each labelled with the status and its document, in as many lanes (between
    ``bottom`` and ``top``, axes fractions) as keep the labels apart. Returns how many."""
    one = dt.timedelta(days=1)
    fig = ax.get_figure()
    placed = window_lanes(observations, span, fig.get_figwidth() * ax.get_position().width)
    if not placed:
        return 0
    height = (top - bottom) / (1 + max(lane for _, _, lane in placed))
    trans = ax.get_xaxis_transform()
    for obs, text, lane in placed:
        y = bottom + lane * height
        colour = STATUS_COLOURS.get(obs.status, "#999999")
        ax.fill_between([obs.start, obs.end + one], y + 0.05 * height, y + 0.35 * height,
                        color=colour, ec=RECORD_COLOUR, lw=1, transform=trans, gid=PART)
        ax.text(obs.start, y + 0.4 * height, text, transform=trans, fontsize=9,
                color=RECORD_COLOUR, va="bottom", ha="left")
    ax.plot([], [], "s", color="white", mec=RECORD_COLOUR, ms=10, label="record: talks status")
    return len(placed)


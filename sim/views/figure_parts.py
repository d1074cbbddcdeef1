"""Pieces shared by the figures: date axes with cheap locators, one legend outside the axes, and
a key of the record's document ids."""

from __future__ import annotations

import datetime as dt
import math
import textwrap
from collections.abc import Iterable

import matplotlib.dates as mdates
import matplotlib.ticker as mticker
import numpy as np
from matplotlib.figure import Figure

RECORD_COLOUR = "#222222"
LEGEND_AT = 0.80  # in a figure with a fixed layout, the legend's left edge (figure fraction)


def doc_key(fig: Figure, observations: Iterable, documents: dict[str, str] | None = None
            ) -> None:
    """A key under the figure: which document each id in the figure is (id = headline)."""
    ids = sorted({o.doc for o in observations})
    if not ids:
        return
    if documents is None:
        from sim.record.reader import load_record

        documents = {k: d.headline for k, d in load_record().documents.items()}
    lines = [textwrap.shorten(f"{i} = {documents.get(i, '(not in the record)')}", 120)
             for i in ids]
    fig.supxlabel("Documents: " + ";  ".join(lines[:1]) + "".join(
        f"\n{line}" for line in lines[1:]), fontsize=9, x=0.01, ha="left", color=RECORD_COLOUR)


def legend_outside(fig: Figure, axes) -> None:
    """One legend for the whole figure, outside the axes (it never covers data); entries with
    the same label and colour appear once."""
    seen: dict[tuple, object] = {}
    for ax in axes:
        for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
            colour = getattr(handle, "get_color", lambda: None)()
            key = (label, str(colour))
            if not label.startswith("_") and key not in seen:
                seen[key] = handle
    if not seen:
        return
    if fig.get_layout_engine() is None:  # a fixed layout leaves the right margin for it
        fig.legend(list(seen.values()), [k[0] for k in seen], loc="center left",
                   bbox_to_anchor=(LEGEND_AT, 0.5), frameon=False)
    else:
        fig.legend(list(seen.values()), [k[0] for k in seen], loc="outside right center",
                   frameon=False)


class _Mondays(mticker.Locator):
    """Weekly minor ticks on Mondays by day arithmetic (Matplotlib's WeekdayLocator iterates a
    dateutil rule on every redraw, which was the largest part of drawing a figure)."""

    def __call__(self):
        return self.tick_values(*self.axis.get_view_interval())

    def tick_values(self, vmin, vmax):
        first = math.ceil(vmin)
        first += (-(first + 3)) % 7  # day 0 of Matplotlib's epoch, 1970-01-01, was a Thursday
        return np.arange(first, vmax + 1e-9, 7.0)


class _MonthStarts(mticker.Locator):
    """Major ticks on the first of each month (cheaper than MonthLocator, for the same reason)."""

    def __call__(self):
        return self.tick_values(*self.axis.get_view_interval())

    def tick_values(self, vmin, vmax):
        if not (math.isfinite(vmin) and math.isfinite(vmax)) or vmax - vmin > 3660:
            return []
        day = mdates.num2date(vmin).date().replace(day=1)
        ticks = []
        while (number := mdates.date2num(day)) <= vmax:
            if number >= vmin:
                ticks.append(number)
            day = (day + dt.timedelta(days=32)).replace(day=1)
        return ticks


def date_axis(ax, weekly: bool = True) -> None:
    """Month starts labelled, Mondays as minor ticks (``weekly``)."""
    ax.xaxis.set_major_locator(_MonthStarts())
    ax.xaxis.set_minor_locator(_Mondays() if weekly else mticker.NullLocator())
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%d %b"))

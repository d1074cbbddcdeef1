"""Date axes fitted to a run's length, cheap to draw over years.

A run of a year or less ticks every month start ("01 May", Mondays as minor ticks), with the
year shown when it crosses one; a longer run ticks every few months ("Jan <year>", month starts as
minor ticks). Ticks are placed by plain date arithmetic at draw time: matplotlib's MonthLocator and
WeekdayLocator go through dateutil's rrule and, with weekly ticks over years, made a three-year
figure take a quarter of a minute.
"""

from __future__ import annotations

import datetime as dt

import matplotlib.dates as mdates
import matplotlib.ticker as mticker

LONG_RUN_DAYS = 366  # runs longer than this get "Jan <year>" ticks every few months
MAX_LONG_TICKS = 8  # month labels a long run's axis shows at most
INCHES_PER_LABEL = 1.0  # room a "Mon YYYY" label needs on an axis at the figures' type size


def _view_dates(axis) -> tuple[dt.date, dt.date]:
    lo, hi = axis.get_view_interval()
    return mdates.num2date(lo).date(), mdates.num2date(hi).date()


def _month_step(first: dt.date, last: dt.date, most: int = MAX_LONG_TICKS) -> int:
    """Months between labelled ticks: 1 for a run of a year or less, else enough to show at most
    ``most`` labels (2, 3, 4, 6, 12, 24, 60 or 120)."""
    if (last - first).days <= LONG_RUN_DAYS:
        return 1
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    return next((n for n in (2, 3, 4, 6, 12, 24, 60) if months / n <= most), 120)


def date_ticks(first: dt.date, last: dt.date, major: bool = True,
               most: int = MAX_LONG_TICKS) -> list[dt.date]:
    """Tick days between ``first`` and ``last``: major ticks on month starts (every month for a
    run of a year or less, every few months, starting in January, for longer ones, at most about
    ``most`` of them); minor ticks on Mondays for short runs and on month starts for long ones."""
    step = _month_step(first, last, most)
    if not major and step == 1:
        monday = first + dt.timedelta(days=-first.weekday() % 7)
        return [monday + dt.timedelta(weeks=k) for k in range((last - monday).days // 7 + 1)]
    every = step if major else 1
    out, year, month = [], first.year, first.month
    while (day := dt.date(year, month, 1)) <= last:
        if day >= first and (12 * year + month - 1) % every == 0:
            out.append(day)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


class _DateTicks(mticker.Locator):
    """Date ticks placed by ``date_ticks`` on the axis's current view, at draw time."""

    def __init__(self, major: bool):
        self.major = major

    def __call__(self):
        return self.tick_values(*self.axis.get_view_interval())

    def _most(self) -> int:
        """About how many "Mon YYYY" labels the axis's width holds (one per inch)."""
        axes = getattr(self.axis, "axes", None)
        if axes is None:
            return MAX_LONG_TICKS
        inches = axes.bbox.width / axes.figure.dpi
        return max(2, min(MAX_LONG_TICKS, int(inches / INCHES_PER_LABEL)))

    def tick_values(self, vmin, vmax):
        vmin, vmax = sorted((vmin, vmax))
        ticks = mdates.date2num(date_ticks(mdates.num2date(vmin).date(),
                                           mdates.num2date(vmax).date(), self.major,
                                           self._most()))
        return ticks[(ticks >= vmin) & (ticks <= vmax)]


def date_label(day: dt.date, first: dt.date, last: dt.date, leftmost: bool = False) -> str:
    """A major tick's label: "01 May" on a run of a year or less (with the year underneath on the
    leftmost tick and on Januaries when the run crosses a new year), "Jan <year>" on longer runs."""
    if _month_step(first, last) > 1:
        return f"{day:%b %Y}"
    if first.year != last.year and (leftmost or day.month == 1):
        return f"{day:%d %b}\n{day:%Y}"
    return f"{day:%d %b}"


def date_tick_labels(first: dt.date, last: dt.date,
                     most: int = MAX_LONG_TICKS) -> tuple[list[dt.date], list[str]]:
    """The major ticks from ``first`` to ``last`` and their labels, for fixed-tick axes (``most``:
    about how many labels fit a long run's axis)."""
    days = date_ticks(first, last, most=most)
    return days, [date_label(d, first, last, k == 0) for k, d in enumerate(days)]


class _DateLabels(mticker.Formatter):
    """Labels the major date ticks with ``date_label`` for the axis's current view."""

    def __call__(self, x, pos=None):
        first, last = _view_dates(self.axis)
        return date_label(mdates.num2date(x).date(), first, last, pos == 0)


def date_axis(ax, dates: list | None = None) -> None:
    """Month ticks and labels fitted to the run's length; with ``dates``, the view is the run's
    period plus matplotlib's usual 5 % margins, so that a documented fact dated outside the run
    does not stretch the axis."""
    if dates is not None and len(dates):
        lo, hi = mdates.date2num(dates[0]), mdates.date2num(dates[-1])
        pad = 0.05 * (hi - lo)
        ax.set_xlim(lo - pad, hi + pad)
    ax.xaxis.set_major_locator(_DateTicks(major=True))
    ax.xaxis.set_minor_locator(_DateTicks(major=False))
    ax.xaxis.set_major_formatter(_DateLabels())

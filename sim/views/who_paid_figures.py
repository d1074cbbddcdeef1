"""who_paid.png for an ensemble: what the levers cost each side, as the runs' medians with their
10-90 % range.

The numbers are ``sim.views.who_paid``'s (the same as the report's tables): per side its buyers'
loss, extra tariff revenue, exporters' lost sales and net loss over the whole period, each bar
labelled with its share of the side's GDP (a year's loss at a yearly rate); and, when the period
covers more than one calendar year, each side's net loss year by year. A single run's figure is
``sim.views.trade_figures.who_paid_figure``, drawn from its ``consequences.csv``.
"""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from sim.engine.spec import Scenario
from sim.views.figure_parts import PART, STYLE, legend_outside
from sim.views.trade_figures import MEASURE_COLOURS
from sim.views.who_paid import MEASURES, ORDER, Paid, WhoPaid, by_year, year_text, year_unit

PARTS_FIRST = (*ORDER[1:], ORDER[0])  # as the run's figure: the parts, then their net
MOST_LABELLED_YEARS = 6  # more years than this: the per-year bars carry no share labels
RANGE = "10–90 % of runs"


def ensemble_figure(paid: WhoPaid, scenario: Scenario, title: str = "") -> Figure:
    """Who paid over an ensemble's runs: the measures per side (medians, 10-90 % bars, each
    labelled with its share of GDP) and, over several calendar years, the net loss per year."""
    import matplotlib.pyplot as plt

    years = by_year(paid)
    factor, unit = year_unit(paid) if paid.years else (1.0, paid.currency)
    with plt.rc_context(STYLE):
        fig, axes = plt.subplots(2 if years else 1, 1, figsize=(11, 9.5 if years else 5.2),
                                 layout="constrained", squeeze=False)
        _measures(axes[0][0], paid, factor, unit)
        if years:
            _years(axes[1][0], paid, factor, unit, scenario)
        legend_outside(fig, [row[0] for row in axes])
        fig.suptitle(title or f"{scenario.title}: who paid\n{paid.first:%d %b %Y} to "
                     f"{paid.last:%d %b %Y}, median of {paid.runs} runs", fontsize=13)
    return fig


def _bars(ax: Axes, x: Sequence[float], rows: Sequence[Paid], factor: float, width: float,
          colour: str, label: str, shares: bool) -> None:
    """Bars at ``x`` of the rows' medians with their 10-90 % range, each labelled with its
    share of GDP when ``shares``."""
    mid = [r.amount * factor for r in rows]
    low = [m - (r.low if r.low is not None else r.amount) * factor for m, r in zip(mid, rows,
                                                                                  strict=True)]
    high = [(r.high if r.high is not None else r.amount) * factor - m
            for m, r in zip(mid, rows, strict=True)]
    ax.bar(x, mid, width, color=colour, label=label,
           yerr=[low, high], error_kw={"ecolor": "#222222", "capsize": 3, "lw": 1})
    if not shares:
        return
    for xi, m, up, r in zip(x, mid, high, rows, strict=True):
        if r.share is not None:
            ax.annotate(f"{100 * r.share:.2f} %", (xi, max(m + up, 0.0)), xytext=(0, 2),
                        textcoords="offset points", ha="center", va="bottom", fontsize=9)


def _measures(ax: Axes, paid: WhoPaid, factor: float, unit: str) -> None:
    sides = paid.sides()
    width = 0.8 / len(PARTS_FIRST)
    for k, key in enumerate(PARTS_FIRST):
        x = [i + (k - (len(PARTS_FIRST) - 1) / 2) * width for i in range(len(sides))]
        label = MEASURES[key] + (" (a gain)" if key == "extra_duty_revenue" else "")
        _bars(ax, x, [paid.get(s, key) for s in sides], factor, width, MEASURE_COLOURS[key],
              label, shares=True)
    ax.errorbar([], [], yerr=[], fmt="none", ecolor="#222222", capsize=3, lw=1, label=RANGE)
    ax.set_xticks(range(len(sides)), [paid.get(s, "net_loss").side_label for s in sides])
    ax.set_ylabel(f"{unit}, whole period")
    ax.set_title("Each side's loss and gain (labels: a year's amount as a share of its GDP)",
                 fontsize=12, loc="left")
    ax.axhline(0, color="#222222", lw=0.8, gid=PART)  # the zero line, part of the axis
    ax.margins(y=0.15)


def _years(ax: Axes, paid: WhoPaid, factor: float, unit: str, scenario: Scenario) -> None:
    from sim.views.plots import actor_colour

    sides = paid.sides()
    width = 0.8 / len(sides)
    shares = len(paid.years) <= MOST_LABELLED_YEARS
    for k, side in enumerate(sides):
        x = [i + (k - (len(sides) - 1) / 2) * width for i in range(len(paid.years))]
        rows = [y.get(side, "net_loss") for y in paid.years]
        colour = actor_colour(scenario, side) if side in scenario.actors else "#999999"
        _bars(ax, x, rows, factor, width, colour, f"{rows[0].side_label}: net loss", shares)
    ax.set_xticks(range(len(paid.years)), [year_text(y) for y in paid.years])
    ax.set_ylabel(f"net loss, {unit}")
    ax.set_title("Net loss by calendar year" + (" (labels: as a share of GDP, at a yearly rate)"
                                                if shares else ""), fontsize=12, loc="left")
    ax.axhline(0, color="#222222", lw=0.8, gid=PART)  # the zero line, part of the axis
    ax.margins(y=0.15)

"""Date axes: a run of a few months keeps its "05 May" month ticks and Monday minors, a run over
several years shows "Jan 2019"-style ticks every few months, and long runs stay cheap to draw
(few tick artists, one status block per spell rather than per day)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.engine.model import NegotiationModel
from sim.scenario.language import load_scenario
from sim.views import date_axes, plots

REPO_BASELINE = Path(__file__).resolve().parent.parent / "scenarios" / "baseline.yaml"


def days(first: str, last: str) -> list[dt.date]:
    a, b = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
    return [a + dt.timedelta(days=k) for k in range((b - a).days + 1)]


def axis_for(dates: list[dt.date], width: float = 10):
    fig, ax = plt.subplots(figsize=(width, 4))  # the labels shown depend on the axis's width
    ax.plot(dates, range(len(dates)))
    date_axes.date_axis(ax, dates)
    return fig, ax


def labels(ax, minor: bool = False) -> list[str]:
    axis = ax.xaxis
    locs = (axis.get_minor_locator() if minor else axis.get_major_locator())()
    return axis.get_major_formatter().format_ticks(locs)


def test_a_few_months_tick_as_matplotlibs_month_and_monday_locators():
    dates = days("2025-04-14", "2025-08-15")
    fig, ax = axis_for(dates)
    ours = list(ax.xaxis.get_major_locator()()), list(ax.xaxis.get_minor_locator()())
    ax.xaxis.set_major_locator(mdates.MonthLocator())
    ax.xaxis.set_minor_locator(mdates.WeekdayLocator(byweekday=0))
    theirs = list(ax.xaxis.get_major_locator()()), list(ax.xaxis.get_minor_locator()())
    assert ours == theirs
    ax.xaxis.set_major_formatter(date_axes._DateLabels())
    assert labels(ax) == ["01 May", "01 Jun", "01 Jul", "01 Aug"]
    plt.close(fig)


def test_three_years_show_the_year_every_six_months():
    fig, ax = axis_for(days("2018-01-01", "2020-12-31"))
    assert labels(ax) == ["Jan 2018", "Jul 2018", "Jan 2019", "Jul 2019", "Jan 2020", "Jul 2020",
                          "Jan 2021"]
    # month starts in the view (the run and its margins), not 160 Mondays
    assert len(ax.xaxis.get_minor_locator()()) == 39
    plt.close(fig)


@pytest.mark.parametrize(("first", "last", "most"), [
    ("2018-01-01", "2019-06-30", 8), ("2018-01-01", "2024-12-31", 8),
    ("2010-01-01", "2030-12-31", 12),
])
def test_long_runs_keep_the_number_of_labels_readable(first, last, most):
    fig, ax = axis_for(days(first, last))
    shown = labels(ax)
    assert 3 <= len(shown) <= most and all(len(t) == 8 for t in shown)  # "Jan 2019"
    plt.close(fig)


def test_a_narrow_axis_shows_fewer_labels_that_do_not_touch():
    """A half-width panel (about 5 inches) holds a label an inch: three years every year."""
    from sim.views.figure_parts import text_problems

    fig, ax = axis_for(days("2018-01-01", "2020-12-31"), width=6)
    assert labels(ax) == ["Jan 2018", "Jan 2019", "Jan 2020", "Jan 2021"]
    assert not text_problems(fig)
    plt.close(fig)


def test_a_short_run_across_new_year_names_the_years():
    fig, ax = axis_for(days("2019-11-10", "2020-02-20"))
    assert labels(ax) == ["01 Dec\n2019", "01 Jan\n2020", "01 Feb"]
    plt.close(fig)


def test_the_view_is_the_runs_period_whatever_else_is_drawn():
    dates = days("2018-01-01", "2020-12-31")
    fig, ax = plt.subplots()
    ax.plot(dates, range(len(dates)))
    ax.plot([dt.date(2025, 6, 5)], [0], "D")  # a documented fact from another episode
    date_axes.date_axis(ax, dates)
    lo, hi = (mdates.num2date(x).date() for x in ax.get_xlim())
    assert lo.year == 2017 and hi.year == 2021
    plt.close(fig)


def test_a_long_overview_draws_one_status_block_per_spell(tmp_path):
    path = tmp_path / "long.yaml"
    path.write_text(f"extends: {REPO_BASELINE}\nname: long\ndates: {{start: 2018-01-01, "
                    "end: 2020-12-31}\nmeetings:\n  - {name: geneva, date: 2018-12-01}\n"
                    "  - {name: leaders_call, date: 2019-06-29}\n"
                    "  - {name: london, date: 2019-12-13}\n")
    scenario = load_scenario(path)
    columns = NegotiationModel(scenario, seed=1).run_to_end().columns
    fig = plots.overview_figure(columns, scenario)
    strip = fig.axes[-1]  # the status strip is the overview's last panel
    status = columns["status"]
    spells = 1 + sum(a != b for a, b in zip(status, status[1:], strict=False))
    assert len(strip.patches) == spells < len(status) / 10
    plt.close(fig)


def test_fixed_ticks_for_the_page_match_the_figures():
    first, last = dt.date(2025, 4, 14), dt.date(2025, 8, 15)
    assert date_axes.date_tick_labels(first, last) == (
        [dt.date(2025, m, 1) for m in (5, 6, 7, 8)], ["01 May", "01 Jun", "01 Jul", "01 Aug"])
    days_, shown = date_axes.date_tick_labels(dt.date(2018, 1, 1), dt.date(2020, 12, 31))
    assert shown == ["Jan 2018", "Jul 2018", "Jan 2019", "Jul 2019", "Jan 2020", "Jul 2020"]


@given(first=st.dates(dt.date(1990, 1, 1), dt.date(2060, 1, 1)),
       length=st.integers(0, 12_000))
@settings(max_examples=200, deadline=None)
def test_ticks_are_month_starts_inside_the_run_and_few_enough(first, length):
    last = first + dt.timedelta(days=length)
    major, labels_ = date_axes.date_tick_labels(first, last)
    minor = date_axes.date_ticks(first, last, major=False)
    assert major == sorted(major) and all(first <= d <= last and d.day == 1 for d in major)
    assert all(first <= d <= last for d in minor)
    if length > date_axes.LONG_RUN_DAYS:
        assert len(major) <= 12 and all(len(t) == 8 for t in labels_)  # "Jan 2019"
        assert all(d.day == 1 for d in minor) and set(major) <= set(minor)
    else:
        assert len(major) <= 13 and all(t[:2].isdigit() for t in labels_)
        assert all(d.weekday() == 0 for d in minor)


def test_narrow_panels_ask_for_fewer_labels():
    _, shown = date_axes.date_tick_labels(dt.date(2018, 1, 1), dt.date(2020, 12, 31), most=4)
    assert shown == ["Jan 2018", "Jan 2019", "Jan 2020"]

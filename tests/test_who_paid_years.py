"""Who paid per calendar year (sim/views/who_paid.py, ``WhoPaid.years``): for a run the years
partition the period, so each side's amounts add up to the whole period's and the shares of GDP,
weighted by the days each year covers, to the whole period's share; an ensemble's year is the
median of its runs' years; report.html and the page's panel show the years as a table when the
period covers more than one, and no such table for one year."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from sim.experiments.runs import run_once
from sim.scenario.language import load_scenario
from sim.views import who_paid as wp

ROOT = Path(__file__).resolve().parent.parent
WAR = ROOT / "scenarios" / "trade_war_2018.yaml"
SEED = 2018
MEASURES = ("buyers_loss", "extra_duty_revenue", "lost_exports", "net_loss")
# days of a run of the war kept (None: all of it): within 2018, on its last day, a day into 2019,
# in the middle of 2020, to the end
CUTS = (40, 285, 286, 700, None)


@pytest.fixture(scope="module")
def war():
    return load_scenario(WAR)


@pytest.fixture(scope="module")
def runs(war) -> list[dict]:
    return [run_once(war, seed=SEED + k).columns for k in range(4)]


def _cut(columns: dict, days: int | None) -> dict:
    return columns if days is None else {k: v[:days] for k, v in columns.items()}


def _days(first: dt.date, last: dt.date) -> int:
    return (last - first).days + 1


@pytest.mark.parametrize("days", CUTS)
def test_a_runs_years_add_up_to_the_whole_period(war, runs, days):
    """The property: whatever the seed and however far the run has gone, the years follow one
    another from the first day to the last, and each side's amount by measure over the years is
    its amount over the whole period (a share of GDP, at a yearly rate, adds up weighted by the
    days each year covers)."""
    for columns in runs:
        paid = wp.run_who_paid(war, _cut(columns, days))
        years = paid.years
        assert years[0].first == paid.first and years[-1].last == paid.last
        assert [y.year for y in years] == list(range(paid.first.year, paid.last.year + 1))
        for before, after in zip(years, years[1:], strict=False):
            assert after.first == before.last + dt.timedelta(days=1)
        for side in paid.sides():
            for key in MEASURES:
                whole = paid.get(side, key)
                assert sum(y.get(side, key).amount for y in years) == pytest.approx(
                    whole.amount, rel=1e-9, abs=1e-9)
                weighted = sum(y.get(side, key).share * _days(y.first, y.last) for y in years)
                assert weighted == pytest.approx(whole.share * _days(paid.first, paid.last),
                                                 rel=1e-9, abs=1e-15)


def test_a_runs_years_are_its_net_and_parts(war, runs):
    paid = wp.run_who_paid(war, runs[0])
    for year in paid.years:
        for side in paid.sides():
            row = {k: year.get(side, k).amount for k in MEASURES}
            assert row["net_loss"] == pytest.approx(
                row["buyers_loss"] - row["extra_duty_revenue"] + row["lost_exports"], rel=1e-12)
            assert year.get(side, "net_loss").low is None  # one run: no range
    assert paid.years[1].get("us", "buyers_loss").amount > 0


def test_an_ensembles_year_is_the_median_of_its_runs_years(war, runs):
    table = wp.runs_who_paid(war, runs)
    per_run = [wp.run_who_paid(war, columns) for columns in runs]
    assert [y.year for y in table.years] == [2018, 2019, 2020, 2021]
    for k, year in enumerate(table.years):
        for side in ("us", "china"):
            for key in MEASURES:
                amounts = [p.years[k].get(side, key).amount for p in per_run]
                row = year.get(side, key)
                assert row.amount == pytest.approx(float(np.median(amounts)), rel=1e-12)
                assert row.low == pytest.approx(float(np.percentile(amounts, 10)), rel=1e-12)
                assert row.high == pytest.approx(float(np.percentile(amounts, 90)), rel=1e-12)


def test_the_year_words(war, runs):
    paid = wp.run_who_paid(war, _cut(runs[0], 700))
    assert [wp.year_text(y) for y in paid.years] == ["2018 from 22 Mar", "2019",
                                                      "2020 to 19 Feb"]
    assert wp.year_unit(paid) == (1e-3, "USD billion")
    assert wp.year_caption(paid, compact=True) == \
        "By calendar year (2018 from 22 Mar; 2020 to 19 Feb), in USD billion"
    head, rows = wp.year_table(paid, compact=True)
    assert head == ["year", "side", "net loss", "% of GDP"]  # four columns: the page's panel
    us_2019 = paid.years[1].get("us", "net_loss")
    assert rows[2][:4] == ["2019", "US", f"{us_2019.amount / 1000:,.1f}",
                           wp.share_text(us_2019.share, words=False)]
    head, rows = wp.year_table(wp.runs_who_paid(war, runs))
    assert head.count("% of GDP") == 4 and len(rows) == 4 * 2
    assert rows[0][2].count("(") == 1 and "–" in rows[0][2]  # median (10–90 %)


def test_one_year_has_no_per_year_table(war, runs):
    paid = wp.run_who_paid(war, _cut(runs[0], 200))
    assert len(paid.years) == 1 and not wp.by_year(paid)
    assert "By calendar year" not in wp.html_table(paid)
    assert "By calendar year" in wp.html_table(wp.run_who_paid(war, _cut(runs[0], 300)))


# -- where it shows ----------------------------------------------------------------------------
def _section(folder: Path) -> str:
    page = (folder / "report.html").read_text(encoding="utf-8")
    return page.split("<h2>Who paid</h2>")[1].split("<h2>")[0]


def _year_rows(section: str) -> list[str]:
    """The rows of the section's per-year table."""
    table = section.split("By calendar year")[1].split("</table>")[0]
    return table.split("<tbody>")[1].split("<tr>")[1:]


def test_a_runs_report_has_the_year_table(tmp_path, war):
    from sim import api

    run = api.run(war)
    run.save(tmp_path / "war", figures=False)
    section = _section(tmp_path / "war")
    paid = wp.run_who_paid(war, run._result.columns)
    rows = _year_rows(section)
    assert len(rows) == 4 * 2 and rows[2].startswith("<td>2019</td><td>US</td>")
    net = paid.years[1].get("us", "net_loss")
    assert f'<td class="num nowrap">{net.amount / 1000:,.1f}</td>' in rows[2]
    assert "By calendar year (2018 from 22 Mar), in USD billion." in section


def test_an_ensembles_report_has_the_year_table_with_ranges(tmp_path, war):
    from sim import api

    api.ensemble(war, runs=3, out=tmp_path / "e", figures=False)
    section = _section(tmp_path / "e")
    rows = _year_rows(section)
    assert len(rows) == 4 * 2
    assert "each the median of 3 runs, its 10–90 % range in brackets" in section
    assert all(row.count("–") >= 4 for row in rows)  # every amount with its range


def test_the_pages_panel_has_the_compact_year_table(war):
    pytest.importorskip("solara")
    from sim.views.app import who_paid_panel as panel
    from sim.views.app.model import ClassroomModel

    model = ClassroomModel(scenario_file=str(WAR))
    for _ in range(400):
        model.step()
    page = panel.who_paid_html(model)
    paid = panel.paid_so_far(model)
    years = page.split("By calendar year")[1].split("</table>")[0]
    assert years.count("<tr>") == 1 + 2 * 2  # the header, then 2018 and 2019 for each side
    net = paid.years[1].get("china", "net_loss")
    assert f"<td>2019</td><td>China</td><td>{net.amount / 1000:,.1f}</td>" in years
    assert "% of GDP: the year&#x27;s amount at a yearly rate" in page

"""An ensemble's who_paid.png (sim/views/who_paid_figures.py): each side's measures as the runs'
medians with 10-90 % bars, labelled with their shares of GDP, and the net loss per calendar year;
drawn among the ensemble's figures for a scenario with a `trade:` section only, legible, and shown
in report.html's "Who paid" section rather than twice."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.experiments.ensemble import Ensemble, make_plan, simulate
from sim.scenario.language import load_scenario
from sim.views import who_paid as wp
from sim.views.ensemble_figures import draw_file, figure_jobs, who_paid_jobs
from sim.views.who_paid_figures import ensemble_figure

ROOT = Path(__file__).resolve().parent.parent
WAR = ROOT / "scenarios" / "trade_war_2018.yaml"
BASELINE = ROOT / "scenarios" / "baseline.yaml"


def _ensemble(path: Path, runs: int = 4) -> Ensemble:
    plan = make_plan(load_scenario(path))
    ens = Ensemble(plan, base_seed=2018, runs=runs)
    for i, seed in enumerate(ens.seeds):
        ens.add(simulate(plan, i, int(seed)))
    return ens


@pytest.fixture(scope="module")
def war() -> Ensemble:
    return _ensemble(WAR)


def test_the_ensembles_figures_include_who_paid_only_with_a_trade_section(tmp_path, war):
    names = [path.name for _, _, path in figure_jobs(war, tmp_path)]
    assert names == ["levers.png", "trust_pressure.png", "status.png", "who_paid.png"]
    assert who_paid_jobs(_ensemble(BASELINE, runs=2), tmp_path) == []


def test_the_who_paid_figure_is_written_and_is_an_image(tmp_path, war):
    from sim.views.report_page import decodes

    [job] = who_paid_jobs(war, tmp_path)
    draw_file(*job)
    data = (tmp_path / "who_paid.png").read_bytes()
    assert decodes(data) and len(data) > 10_000


def _bars(ax) -> list[float]:
    return [round(p.get_height(), 9) for p in ax.patches]


def test_the_figure_draws_the_medians_with_their_ranges_and_shares(war):
    from sim.views import plots

    paid = wp.ensemble_who_paid(war)
    fig = ensemble_figure(paid, war.scenario)
    top, years = fig.axes
    factor, unit = wp.year_unit(paid)
    net = paid.get("china", "net_loss")
    assert round(net.amount * factor, 9) in _bars(top)  # a bar at the median, in billions
    tops = {round(y, 6) for line in top.lines for y in line.get_ydata()}
    assert round(net.low * factor, 6) in tops and round(net.high * factor, 6) in tops
    labels = [t.get_text() for t in top.texts]
    assert f"{100 * net.share:.2f} %" in labels and len(labels) == 8  # 2 sides x 4 measures
    assert top.get_ylabel() == f"{unit}, whole period"
    assert [t.get_text() for t in years.get_xticklabels()] == \
        ["2018 from 22 Mar", "2019", "2020", "2021"]
    assert round(paid.years[1].get("us", "net_loss").amount * factor, 9) in _bars(years)
    plots.plt.close(fig)


def test_the_figure_reads(war):
    from sim.views import plots
    from sim.views.figure_parts import declutter, text_problems, unexplained

    fig = ensemble_figure(wp.ensemble_who_paid(war), war.scenario)
    declutter(fig)
    assert text_problems(fig) == [] and unexplained(fig) == []
    legend = {t.get_text() for t in fig.legends[0].get_texts()}
    assert {"buyers' loss", "net loss", "10–90 % of runs", "US: net loss"} <= legend
    plots.plt.close(fig)


def test_within_one_year_the_figure_has_no_year_panel(war):
    from sim.views import plots

    columns = {"date": war.plan.dates[:200], **{q: war.values[0, k, :200].astype(float)
                                                  for k, q in enumerate(war.plan.quantities)}}
    paid = wp.runs_who_paid(war.scenario, [columns, columns])
    fig = ensemble_figure(paid, war.scenario)
    assert len(fig.axes) == 1
    plots.plt.close(fig)


@pytest.mark.slow
def test_sim_run_runs_writes_who_paid_png_and_the_report_shows_it_once(tmp_path):
    from sim.cli import main
    from sim.views.report_page import broken_images

    assert main(["run", str(WAR), "--runs", "3", "--out", str(tmp_path / "e")]) == 0
    assert (tmp_path / "e" / "who_paid.png").is_file()
    page = (tmp_path / "e" / "report.html").read_text(encoding="utf-8")
    figures = page.split("<h2>Figures</h2>")[1].split("<h2>")[0]
    section = page.split("<h2>Who paid</h2>")[1].split("<h2>")[0]
    assert "who_paid.png" not in figures and figures.count("<img") == 3
    assert section.count("<img") == 1 and "who_paid.png</figcaption>" in section
    assert broken_images(page) == []


def test_an_ensembles_who_paid_is_worked_out_once_for_its_runs(war):
    """The report, the figure and a comparison share one replay of the runs; a comparison's
    mask of runs (those finished for every scenario) is its own."""
    import numpy as np

    whole = wp.ensemble_who_paid(war)
    assert wp.ensemble_who_paid(war) is whole and whole.runs == 4
    two = np.zeros(war.runs, dtype=bool)
    two[:2] = True
    part = wp.ensemble_who_paid(war, two)
    assert part.runs == 2 and part.get("us", "net_loss") != whole.get("us", "net_loss")
    assert wp.ensemble_who_paid(war).rows == whole.rows

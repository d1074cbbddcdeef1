"""Figures and report.html: every image decodes, the futures an ensemble splits into, the record
drawn where it has something, and no text overprinting another."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
import yaml

from sim import api
from sim.cli import main
from sim.engine.model import NegotiationModel
from sim.views import plots
from sim.views.figure_parts import contrast, declutter, text_problems, unexplained
from sim.views.report_page import broken_images, image_count
from sim.views.scorecard_figure import scorecard_figure, scorecard_lines

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scenarios" / "baseline.yaml"
TRADE_WAR = ROOT / "scenarios" / "trade_war_2018.yaml"


def _page(folder: Path) -> str:
    return (folder / "report.html").read_text(encoding="utf-8")


def _check_page(folder: Path, figures: int) -> str:
    page = _page(folder)
    assert image_count(page) == figures, "only figures are inlined, every figure is"
    assert broken_images(page) == []
    for link in re.findall(r'<a href="([^"]+)"', page):
        assert (folder / link).exists(), link
    return page


@pytest.mark.slow
def test_ensemble_report_inlines_figures_and_links_data_files(tmp_path):
    api.ensemble(BASELINE, runs=4, out=tmp_path / "e")
    page = _check_page(tmp_path / "e", 3)
    assert re.search(r'<a href="ensemble.csv">ensemble.csv</a> \(\d+\.\d KB\)', page)
    assert 'alt="ensemble"' not in page and "outcomes.json</figcaption>" not in page


@pytest.mark.slow
def test_comparison_report_inlines_its_figures_only(tmp_path):
    api.compare(BASELINE, ROOT / "scenarios" / "no_call.yaml", runs=3, out=tmp_path / "c")
    page = _check_page(tmp_path / "c", 2)
    assert '<a href="compare.csv">' in page and '<a href="baseline/">' in page


@pytest.mark.slow
def test_trade_war_ensemble_report_decodes(tmp_path):
    api.ensemble(TRADE_WAR, runs=3, out=tmp_path / "w")
    _check_page(tmp_path / "w", 4)  # levers, trust and pressure, status, who paid


@pytest.mark.slow
def test_sweep_writes_a_report_whose_images_decode(tmp_path, capsys):
    out = tmp_path / "s"
    assert main(["sweep", str(BASELINE), "--vary", "actors.us.behaviour.patience=0.2:0.8:2",
                 "--runs", "2", "--out", str(out)]) == 0
    page = _check_page(out, len(list(out.glob("*.png"))))
    assert '<a href="sweep.csv">' in page and "US patience" in page


def test_the_check_finds_an_image_that_does_not_decode():
    good = "data:image/png;base64,iVBORw0KGgo="  # a PNG signature and nothing more
    assert broken_images(f'<img src="{good}"><img src="levers.png">') == [good[:60],
                                                                         "levers.png"]


# -- futures ---------------------------------------------------------------------------------
def _past_the_truce(tmp_path) -> Path:
    path = tmp_path / "long.yaml"
    path.write_text(yaml.safe_dump({"extends": str(BASELINE), "name": "baseline_long",
                                    "dates": {"start": "2025-04-14", "end": "2026-04-30"}}),
                    encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def long_ensemble(tmp_path_factory):
    return api.ensemble(_past_the_truce(tmp_path_factory.mktemp("long")), runs=40, seed=2025,
                        jobs=2)


def test_an_ensemble_past_the_truce_shows_two_futures_with_their_shares(long_ensemble):
    from sim.views.ensemble_figures import figure_jobs
    from sim.views.futures import BROKE, HELD, futures

    ens = long_ensemble._ens
    runs = long_ensemble.runs
    held = int(((runs.any_agreement == 1) & (runs.collapse == 0)).sum())
    broke = int(((runs.any_agreement == 1) & (runs.collapse == 1)).sum())
    assert held and broke >= 2, "the fixture must split (else pick another end date)"
    groups = {g.name: g for g in futures(ens)}
    assert groups[HELD].runs == held and groups[BROKE].runs == broke
    assert groups[HELD].share == pytest.approx(held / len(runs))
    for g in groups.values():  # each group's typical run is one of its own runs
        assert g.typical in set(g.rows.tolist())
    function, args, _ = figure_jobs(ens, Path("."))[0]
    figure = plots.fan_figure(*args)
    labels = " ".join(t.get_text() for t in figure.findobj(plots.plt.Text))
    assert f"{100 * held / len(runs):.0f} % of runs" in labels
    assert f"{100 * broke / len(runs):.0f} % of runs" in labels
    plots.plt.close(figure)


def test_the_report_gives_the_futures_in_the_outcome_table(long_ensemble, tmp_path):
    long_ensemble.save(tmp_path / "f", figures=False)  # the table is in the page without them
    page = _page(tmp_path / "f")
    assert "Futures: how the runs ended" in page and "its truce held to the end" in page


def test_a_lever_set_by_decree_is_drawn_as_a_typical_run_not_a_zigzag(long_ensemble):
    """The centre line of a tariff is one run's path: it changes no more often than that run."""
    from sim.views.ensemble_figures import _series
    from sim.views.futures import typical_run

    ens = long_ensemble._ens
    q = ens.plan.quantities.index("us.tariff_on_china")
    run = typical_run(ens, np.flatnonzero(ens.done))
    series = _series(ens, q, "US", "#000000", path_run=run)
    assert np.array_equal(series["path"], ens.values[run, q, :].astype(np.float64))


# -- legible figures -------------------------------------------------------------------------
SHIPPED = sorted((ROOT / "scenarios").glob("*.yaml"))
# the quick loop draws one scenario of each shape (the baseline, a counterfactual of it, an
# episode of its own, a multi-party one, one with a trade section); the rest run with the slow set
QUICK = {"baseline", "no_call", "trade_war_2018", "semiconductors_2023", "steel_2018"}
SHIPPED_PARAMS = [pytest.param(p, id=p.stem, marks=() if p.stem in QUICK else pytest.mark.slow)
                  for p in SHIPPED]


def _assert_legible(figure, what: str) -> None:
    declutter(figure)
    problems = text_problems(figure)
    assert not problems, f"{what}: {problems}"
    assert not unexplained(figure), f"{what}: drawn but not in the legend: {unexplained(figure)}"
    for t in figure.findobj(plots.plt.Text):
        if t.get_visible() and t.get_text().strip():
            assert contrast(t.get_color()) >= 4.5, f"{what}: {t.get_text()!r} {t.get_color()}"
    plots.plt.close(figure)


@pytest.mark.parametrize("path", SHIPPED_PARAMS)
def test_shipped_run_figures_have_no_colliding_or_clipped_text(path):
    from sim.views.run_files import record_items

    run = api.run(path)
    items = record_items(run.scored, run.scenario)
    _assert_legible(plots.overview_figure(run._result.columns, run.scenario, items), path.stem)
    _assert_legible(scorecard_figure(run.scored, run.scenario), path.stem)


@pytest.mark.parametrize("path", [BASELINE, TRADE_WAR], ids=lambda p: p.stem)
def test_shipped_ensemble_figures_have_no_colliding_or_clipped_text(path):
    from sim.api.frames import draw
    from sim.views.ensemble_figures import figure_jobs

    ens = api.ensemble(path, runs=6)._ens
    for function, args, name in figure_jobs(ens, Path(".")):
        _assert_legible(draw(function, args), f"{path.stem} {name}")


def test_the_overlap_check_finds_overprinted_labels():
    figure, ax = plots.plt.subplots()
    ax.text(0.5, 0.5, "one label")
    ax.text(0.5, 0.5, "another")
    assert any("overlap" in p for p in text_problems(figure))
    plots.plt.close(figure)


def test_the_status_chart_shows_the_records_windows(long_ensemble):
    from sim.views.ensemble_figures import figure_jobs

    ens = long_ensemble._ens
    _, args, _ = figure_jobs(ens, Path("."))[2]
    figure = plots.status_share_figure(*args)
    texts = [t.get_text() for t in figure.findobj(plots.plt.Text)]
    windows = [o for o in ens.plan.record.observations if o.quantity == "status" and o.status]
    assert windows
    for o in windows:
        assert f"{o.status.replace('_', ' ')} ({o.doc})" in texts
    plots.plt.close(figure)


def test_scorecard_is_in_words_and_units():
    run = api.run(BASELINE)
    observations, moves = scorecard_lines(run.scored, run.scenario)
    text = "\n".join(line for _, line in [*observations, *moves])
    assert "us.tariff_on_china" not in text and "us.trust" not in text
    assert "US tariff on Chinese goods" in text and " %" in text
    assert not re.search(r"(?<![\w.])-\d", text), "no raw signed numbers"
    assert not re.search(r"\d\.\.\d", text), "ranges in words"


def test_axis_units_come_from_the_levers_yaml():
    from sim.views.words import axis_unit

    scenario = api.load(ROOT / "scenarios" / "escalation_from_peace.yaml")
    levers = {lv.name: lv for lv in scenario.levers}
    assert levers["purchases"].unit_label == "USD bn"  # written as `unit_label:` in the YAML
    assert axis_unit(levers["purchases"]) == "USD bn"
    assert levers["purchases"].describe(12.5) == "12.5 USD bn"
    tariff = next(lv for lv in levers.values() if lv.unit == "percent")
    assert axis_unit(tariff) == "%" and tariff.describe(30) == "30 %"
    model = NegotiationModel(scenario).run_to_end()
    figure = plots.lever_figure(model.columns, scenario)
    assert "USD bn" in [ax.get_ylabel() for ax in figure.axes]
    plots.plt.close(figure)


@pytest.mark.slow
def test_validation_and_calibration_write_reports_whose_images_decode(tmp_path, capsys):
    assert main(["validate", str(BASELINE), "--runs", "2", "--out", str(tmp_path / "v")]) == 0
    assert "levers frozen" in _check_page(tmp_path / "v", 1)
    assert main(["calibrate", str(BASELINE), "--budget", "24", "--population", "6",
                 "--checks", "2", "--until", "2025-06-05", "--out", str(tmp_path / "c"),
                 "--method", "builtin"]) == 0
    page = _check_page(tmp_path / "c", 2)
    assert '<a href="predictive/">predictive/</a>' in page


def test_the_legend_check_finds_an_element_the_legend_does_not_explain():
    figure, ax = plots.plt.subplots()
    ax.plot([0, 1], [0, 1], label="explained")
    ax.fill_between([0, 1], 0, 1)  # a band with no legend entry
    ax.legend()
    assert unexplained(figure) == ["axes: _child1"]
    plots.plt.close(figure)


def test_comparison_figures_have_no_colliding_or_clipped_text():
    from sim.api.frames import draw
    from sim.views.ensemble_figures import compare_figure_jobs

    comparison = api.compare(BASELINE, ROOT / "scenarios" / "no_call.yaml", runs=4)
    for function, args, name in compare_figure_jobs(comparison._ensembles, comparison.names,
                                                    Path(".")):
        _assert_legible(draw(function, args), f"comparison {name}")

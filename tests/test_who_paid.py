"""Who paid, as a table (sim/views/who_paid.py): its numbers are the trade layer's own
(``Consequences.who_paid``) for a run of the trade war, the medians of an ensemble's runs, in the
scenario's currency; a scenario without a `trade:` section has no table."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from sim.engine.trade_replay import consequences
from sim.experiments.runs import run_once
from sim.scenario.language import load_scenario
from sim.scenario.trade import trade_spec
from sim.views import who_paid as wp

ROOT = Path(__file__).resolve().parent.parent
WAR = ROOT / "scenarios" / "trade_war_2018.yaml"
BASELINE = ROOT / "scenarios" / "baseline.yaml"
SEED = 2018
MEASURES = ("buyers_loss", "extra_duty_revenue", "lost_exports", "net_loss")


@pytest.fixture(scope="module")
def war():
    return load_scenario(WAR)


def _engine(scenario, columns) -> dict[str, dict[str, float]]:
    """The engine's own who_paid over the whole run."""
    return consequences(trade_spec(scenario), columns["date"], columns).who_paid()


def test_a_runs_table_is_the_engines_who_paid(war):
    columns = run_once(war, seed=SEED).columns
    table = wp.run_who_paid(war, columns)
    engine = _engine(war, columns)
    assert table.runs == 1 and table.currency == "USD million"
    assert (table.first, table.last) == (war.start, war.end)
    assert table.sides() == ["us", "china"]
    for side, paid in engine.items():
        for key in MEASURES:
            row = table.get(side, key)
            assert row.amount == pytest.approx(paid[key], rel=1e-12)
            assert row.share == pytest.approx(paid[f"{key}_share_of_gdp"], rel=1e-12)
    us = table.get("us", "buyers_loss")
    assert us.amount > 0 and 0 < us.share < 0.02 and us.side_label == "US"


def test_the_sectors_lost_sales_add_up_to_each_exporters(war):
    """Sector by sector, the exporters' lost sales are the trade layer's own sector totals,
    and an exporter's sectors add up to its lost sales in the sides' table."""
    columns = run_once(war, seed=SEED).columns
    table = wp.run_who_paid(war, columns)
    result = consequences(trade_spec(war), columns["date"], columns)
    spec = trade_spec(war)
    assert [s.sector for s in table.sectors] == [s.name for s in spec.sectors]
    for loss in table.sectors:
        assert loss.amount == pytest.approx(result.total(loss.sector).lost_exports, rel=1e-12)
    for side in table.sides():
        label = table.get(side, "lost_exports").side_label
        total = sum(s.amount for s in table.sectors if s.exporter_label == label)
        assert total == pytest.approx(table.get(side, "lost_exports").amount, rel=1e-9)
    assert any(s.amount > 0 for s in table.sectors)


def test_an_ensembles_sector_losses_are_medians_of_the_runs(war):
    runs = [run_once(war, seed=SEED + k).columns for k in range(3)]
    table = wp.runs_who_paid(war, runs)
    for k, loss in enumerate(table.sectors):
        amounts = [wp.run_who_paid(war, cols).sectors[k].amount for cols in runs]
        assert loss.amount == pytest.approx(float(np.median(amounts)), rel=1e-12)
        assert loss.low <= loss.amount <= loss.high


def test_a_run_so_far_is_its_days_so_far(war):
    columns = run_once(war, seed=SEED).columns
    so_far = {k: v[:200] for k, v in columns.items()}
    table = wp.run_who_paid(war, so_far)
    assert table.last == war.start + dt.timedelta(days=199)
    assert table.get("us", "net_loss").amount == pytest.approx(
        _engine(war, so_far)["us"]["net_loss"], rel=1e-12)
    assert table.get("us", "net_loss").amount < wp.run_who_paid(war, columns).get(
        "us", "net_loss").amount


def test_an_ensembles_table_is_the_median_of_its_runs(war):
    from sim.experiments.ensemble import Ensemble, make_plan, simulate

    plan = make_plan(war)
    ens = Ensemble(plan, base_seed=SEED, runs=5)
    for i, seed in enumerate(ens.seeds):
        ens.add(simulate(plan, i, int(seed)))
    table = wp.ensemble_who_paid(ens)
    per_run = [_engine(war, run_once(war, seed=int(s)).columns) for s in ens.seeds]
    assert table.runs == 5
    for side in ("us", "china"):
        for key in MEASURES:
            amounts = [p[side][key] for p in per_run]
            row = table.get(side, key)
            # the ensemble keeps its timelines in float32: the same run, to 5 digits
            assert row.amount == pytest.approx(np.median(amounts), rel=1e-5)
            assert row.low == pytest.approx(np.percentile(amounts, 10), rel=1e-5)
            assert row.high == pytest.approx(np.percentile(amounts, 90), rel=1e-5)
            assert row.low <= row.amount <= row.high
    assert "median of 5 runs" in wp.period_text(table)
    assert wp.table(table)[0] == ["side", "what", "amount", "10–90 % of runs",
                                  "share of GDP, a year"]


def test_a_scenario_without_trade_has_no_table():
    baseline = load_scenario(BASELINE)
    assert wp.run_who_paid(baseline, run_once(baseline, seed=1).columns) is None
    assert wp.runs_who_paid(baseline, [run_once(baseline, seed=1).columns]) is None


def test_money_is_in_the_scenarios_currency():
    assert wp.money(301317.5, "USD million") == "USD 301.3 billion"
    assert wp.money(-53.8, "USD million") == "USD -53.8 million"
    assert wp.money(0.2, "USD million") == "USD 200,000"
    assert wp.money(-1e-9, "USD million") == "USD 0"
    assert wp.money(12.0, "coins") == "12 coins"
    assert wp.share_text(0.0041) == "0.41 % of GDP a year" and wp.share_text(None) == "–"
    assert wp.share_text(0.0041, words=False) == "0.41 %"


def test_the_words_say_each_sides_bill(war):
    table = wp.run_who_paid(war, run_once(war, seed=SEED).columns)
    text = "\n".join(wp.lines(table))
    net = table.get("us", "net_loss")
    assert text.startswith("Who paid (22 Mar 2018 to 31 Dec 2021):")
    assert f"US: net loss {wp.money(net.amount, 'USD million')}" in text
    assert "China: net loss" in text and text.count("exporters' lost sales") == 2
    page = wp.html_table(table)
    # the sides' table (a header, 4 measures x 2 sides), the years' (a header, 4 years x 2
    # sides), then the sectors' (a header, 3)
    assert page.count("<tr>") == (1 + 8) + (1 + 8) + (1 + 3) and "buyers&#x27; loss" in page


# -- report.html ----------------------------------------------------------------------------------
def _section(folder: Path) -> str:
    """The text of report.html's "Who paid" section ("" if there is none)."""
    page = (folder / "report.html").read_text(encoding="utf-8")
    if "<h2>Who paid</h2>" not in page:
        return ""
    return page.split("<h2>Who paid</h2>")[1].split("<h2>")[0]


def test_a_runs_report_shows_who_paid_and_a_baseline_run_does_not(tmp_path, war):
    from sim import api

    run = api.run(war)
    run.save(tmp_path / "war", figures=False)
    section = _section(tmp_path / "war")
    table = wp.run_who_paid(war, run._result.columns)
    for side in ("us", "china"):
        for key in MEASURES:
            assert f"<td class=\"num\">{wp.money(table.get(side, key).amount, table.currency)}" \
                   f"</td>" in section
    assert "net loss = buyers&#39; loss - extra tariff revenue" in section
    assert "share of GDP, a year" in section and "<img" not in section  # no figure: --no-plots
    api.run(BASELINE).save(tmp_path / "base", figures=False)
    assert _section(tmp_path / "base") == ""
    assert "Who paid" not in (tmp_path / "base" / "report.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_a_runs_report_inlines_the_who_paid_figure(tmp_path):
    from sim.cli import main
    from sim.views.report_page import broken_images

    assert main(["run", str(WAR), "--out", str(tmp_path / "r")]) == 0
    section = _section(tmp_path / "r")
    assert section.count("<img") == 1 and broken_images(section) == []
    assert "who_paid.png</figcaption>" in section
    assert (tmp_path / "r" / "who_paid.png").is_file()


def test_an_ensembles_report_shows_the_median_who_paid(tmp_path, war):
    from sim import api

    api.ensemble(war, runs=3, out=tmp_path / "e", figures=False)
    section = _section(tmp_path / "e")
    assert "median of 3 runs" in section and "10–90 % of runs" in section
    assert section.count("<tr>") == (1 + 8) + (1 + 8) + (1 + 3)  # sides, years, sectors
    assert "need not add up" in section
    api.ensemble(BASELINE, runs=2, out=tmp_path / "b", figures=False)
    assert _section(tmp_path / "b") == ""


def test_the_who_paid_figure_reads(war):
    from sim.views import plots
    from sim.views.figure_parts import declutter, text_problems, unexplained
    from sim.views.trade_figures import consequence_rows, who_paid_figure

    columns = run_once(war, seed=SEED).columns
    rows = consequence_rows(consequences(trade_spec(war), columns["date"], columns), war)
    figure = who_paid_figure(rows)
    declutter(figure)
    assert text_problems(figure) == [] and unexplained(figure) == []
    plots.plt.close(figure)


# -- `sim play`'s end screen ------------------------------------------------------------------
def _game(scenario, answers: str = ""):
    """The game `sim play --as china` plays with ``answers`` on stdin, played here again."""
    import io

    from sim.engine.model import NegotiationModel
    from sim.views.play_terminal import TerminalController

    controller = TerminalController(None, "china", io.StringIO(answers), io.StringIO())
    model = NegotiationModel(scenario, controllers={"china": controller})
    controller.model = model
    return model.run_to_end()


def test_sim_plays_end_says_who_paid_in_the_game(monkeypatch, capsys, war):
    import io

    from sim.cli import main

    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # Enter to every question
    assert main(["play", "--as", "china", "--scenario", str(WAR), "--runs", "1"]) == 0
    out = capsys.readouterr().out
    paid = wp.run_who_paid(war, _game(war).columns)
    end = out.split("Who paid in your game (22 Mar 2018 to 31 Dec 2021):\n")[1].splitlines()
    us, china = paid.get("us", "net_loss"), paid.get("china", "net_loss")
    assert end[0] == f"  US: net loss {wp.money(us.amount, paid.currency)} " \
                     f"({wp.share_text(us.share)})"
    assert end[4].startswith(f"  China: net loss {wp.money(china.amount, paid.currency)}")
    assert end[1] == f"    buyers' loss           " \
                     f"{wp.money(paid.get('us', 'buyers_loss').amount, paid.currency)}"
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(["play", "--as", "china", "--scenario", str(BASELINE), "--runs", "1"]) == 0
    assert "Who paid" not in capsys.readouterr().out

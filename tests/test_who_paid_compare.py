"""Who paid in a comparison (sim/views/who_paid_compare.py): `sim compare`'s text, compare.md and
report.html give each compared scenario's net loss per side (median over the runs, 10-90 %, share
of GDP) when the scenarios have a `trade:` section; a scenario without one is named, not shown;
no scenario with one, no table."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import sim
from sim.experiments.runs import run_once
from sim.views import who_paid as wp

ROOT = Path(__file__).resolve().parent.parent
WAR = ROOT / "scenarios" / "trade_war_2018.yaml"
BASELINE = ROOT / "scenarios" / "baseline.yaml"
RUNS = 3


@pytest.fixture(scope="module")
def war():
    return sim.load(WAR)


@pytest.fixture(scope="module")
def soft():
    return sim.load(WAR, actors__us__behaviour__resolve=0.2, name="soft_us")


@pytest.fixture(scope="module")
def compared(war, soft):
    return sim.compare(war, soft, runs=RUNS, seed=2018)


def _row(name: str, label: str, net: dict, currency: str) -> str:
    paid = wp.Paid("", label, "net_loss", net["median"], net["share_of_gdp_a_year"],
                   net["p10"], net["p90"])
    return (f"| {name} | {label} | {wp.money(paid.amount, currency)} | "
            f"{wp.range_text(paid, currency)} | {wp.share_text(paid.share, words=False)} |")


def test_the_numbers_are_the_medians_of_each_scenarios_runs(compared, war, soft):
    frame = compared.who_paid
    assert list(frame["scenario"].unique()) == ["trade_war_2018", "soft_us"]
    for name, scenario in (("trade_war_2018", war), ("soft_us", soft)):
        seeds = compared.ensembles[name].runs["seed"]
        per_run = [wp.run_who_paid(scenario, run_once(scenario, seed=int(s)).columns)
                   for s in seeds]
        for side in ("us", "china"):
            amounts = [p.get(side, "net_loss").amount for p in per_run]
            row = frame[(frame["scenario"] == name) & (frame["side"] == side)
                        & (frame["measure"] == "net_loss")].iloc[0]
            # the ensembles keep their timelines in float32: the same runs, to 5 digits
            assert row["median"] == pytest.approx(np.median(amounts), rel=1e-5)
            assert row["p10"] == pytest.approx(np.percentile(amounts, 10), rel=1e-5)
            assert row["p90"] == pytest.approx(np.percentile(amounts, 90), rel=1e-5)
    soft_us = frame[(frame["scenario"] == "soft_us") & (frame["side"] == "us")]
    war_us = frame[(frame["scenario"] == "trade_war_2018") & (frame["side"] == "us")]
    assert soft_us["median"].iloc[-1] != war_us["median"].iloc[-1]  # the scenarios differ


def test_the_text_output_has_a_who_paid_row_per_scenario_and_side(compared):
    text = compared.summary()
    table = text.split("Who paid. ")[1]
    frame = compared.who_paid
    net = frame[frame["measure"] == "net_loss"]
    assert len(net) == 2 * 2
    for _, r in net.iterrows():
        assert _row(r["scenario"], r["side_label"], r.to_dict(), r["currency"]) in table
    assert f"median of {RUNS} runs" in table and "No `trade:` section" not in table


def test_the_report_has_the_who_paid_section(compared, tmp_path):
    from sim.views.report import compare_report

    c = compared
    compare_report(c._ensembles, c.names, c._rows, tmp_path, [], False, c._paid)
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    section = page.split("<h2>Who paid</h2>")[1].split("<h2>")[0]
    assert section.count("<tr>") == 1 + 2 * 2
    net = c.who_paid.query("scenario == 'soft_us' and side == 'china' and measure == 'net_loss'")
    money = wp.money(net["median"].iloc[0], "USD million")
    assert f"<td>soft_us</td><td>China</td><td class=\"num\">{money}</td>" in section


def test_a_scenario_without_trade_is_named_and_none_means_no_table(war):
    mixed = sim.compare(BASELINE, war, runs=2, seed=1)
    text = mixed.summary()
    assert "No `trade:` section, nothing counted in money: baseline." in text
    assert "| baseline |" not in text.split("Who paid. ")[1]
    assert set(mixed.who_paid["scenario"]) == {"trade_war_2018"}
    plain = sim.compare(BASELINE, "no_call", runs=2, seed=1)
    assert "Who paid" not in plain.summary() and plain.who_paid.empty


@pytest.mark.slow
def test_sim_compare_writes_who_paid_in_compare_md_and_report(tmp_path, capsys):
    from sim.cli import main

    variant = tmp_path / "soft.yaml"
    variant.write_text("extends: trade_war_2018\nname: soft_us\nactors:\n  us:\n"
                       "    behaviour:\n      resolve: 0.2\n", encoding="utf-8")
    out = tmp_path / "cmp"
    assert main(["compare", str(WAR), str(variant), "--runs", "3", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "| trade_war_2018 | US | USD " in printed and "| soft_us | China | USD " in printed
    assert "| soft_us | China | USD " in (out / "compare.md").read_text(encoding="utf-8")
    assert "<h2>Who paid</h2>" in (out / "report.html").read_text(encoding="utf-8")

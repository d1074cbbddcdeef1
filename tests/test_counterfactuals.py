"""Each counterfactual runs and differs from the baseline the way its question says it should,
on average over the same seeds. Differences are measured, not assumed: see the module docstring
of each assertion's scenario file for the question it asks."""

from __future__ import annotations

import datetime as dt
import statistics
from functools import cache
from pathlib import Path

import pytest
import yaml

from sim.cli import main
from sim.experiments.runs import run_once
from sim.scenario.language import load_scenario

SCENARIOS = Path(__file__).parent.parent / "scenarios"
SEEDS = range(1, 13)
# counterfactuals are the scenarios built on the baseline (other episodes stand alone)
COUNTERFACTUALS = sorted(f.stem for f in SCENARIOS.glob("*.yaml")
                         if "\nextends: baseline" in f.read_text())


def _value_on(columns: dict, column: str, day: dt.date) -> float:
    i = next((k for k, d in enumerate(columns["date"]) if d >= day), len(columns["date"]) - 1)
    return columns[column][i]


@cache
def runs(name: str) -> list[dict]:
    scenario = load_scenario(SCENARIOS / f"{name}.yaml")
    out = []
    for seed in SEEDS:
        r = run_once(scenario, seed=seed)
        c, events = r.columns, r.events
        measures = [e for e in events if e["kind"] == "measure"]
        out.append({
            "calls": sorted({e["date"] for e in events if e["kind"] == "call" and e["actor"]}),
            "london_deal": any(e["kind"] == "agreement" and e["meeting"] == "london"
                               for e in events),
            "measures": len(measures),
            "late_may_measures": sum(dt.date(2025, 5, 22) <= e["date"] <= dt.date(2025, 6, 4)
                                     for e in measures),
            "tariff_jun1": _value_on(c, "us.tariff_on_china", dt.date(2025, 6, 1)),
            "tariff_end": c["us.tariff_on_china"][-1],
            "rare_earths_end": c["china.rare_earth_licensing"][-1],
            "us_pressure_max": max(c["us.pressure"]),
            "columns": c,
        })
    return out


def mean(name: str, key: str) -> float:
    return statistics.mean(float(r[key]) for r in runs(name))


def test_there_are_seven_or_more():
    assert len(COUNTERFACTUALS) >= 7


@pytest.mark.parametrize("name", COUNTERFACTUALS)
def test_runs_from_the_command_line(name, tmp_path, capsys):
    out = tmp_path / name
    assert main(["run", str(SCENARIOS / f"{name}.yaml"), "--out", str(out), "--no-plots"]) == 0
    assert (out / "timeline.csv").is_file() and (out / "events.csv").is_file()


@pytest.mark.parametrize("name", COUNTERFACTUALS)
def test_sets_no_lever_path(name):
    """Principle 1: a counterfactual changes timing and dispositions, never levers."""
    data = yaml.safe_load((SCENARIOS / f"{name}.yaml").read_text())
    for actor in (data.get("actors") or {}).values():
        assert "levers" not in actor


def test_baseline_reference():
    assert all(r["calls"] == [dt.date(2025, 6, 5)] for r in runs("baseline"))


def test_no_call():
    assert all(not r["calls"] for r in runs("no_call"))
    assert mean("no_call", "london_deal") < mean("baseline", "london_deal")
    assert mean("no_call", "tariff_end") > mean("baseline", "tariff_end") + 10


def test_early_call():
    assert all(r["calls"] == [dt.date(2025, 5, 22)] for r in runs("early_call"))
    assert mean("early_call", "late_may_measures") < mean("baseline", "late_may_measures")


def test_hawkish_us_concedes_less_at_geneva():
    assert mean("hawkish_us", "tariff_jun1") > mean("baseline", "tariff_jun1") + 30


def test_tight_rare_earths_stay_tight():
    assert mean("tight_rare_earths", "rare_earths_end") < mean("baseline", "rare_earths_end") - 0.15
    assert mean("tight_rare_earths", "us_pressure_max") > mean("baseline", "us_pressure_max")


def test_full_compliance_has_no_measures():
    assert all(r["measures"] == 0 for r in runs("full_compliance"))
    assert mean("baseline", "measures") > 0


def test_tit_for_tat_escalates_more():
    assert mean("tit_for_tat", "measures") > mean("baseline", "measures")
    assert mean("tit_for_tat", "tariff_end") > mean("baseline", "tariff_end") + 10


def test_market_sensitive_us_feels_more_pressure_and_concedes_more():
    assert mean("market_sensitive_us", "us_pressure_max") > \
        mean("baseline", "us_pressure_max") + 0.15
    assert mean("market_sensitive_us", "tariff_jun1") < mean("baseline", "tariff_jun1")


def test_triggered_call_timing_is_an_outcome():
    scenario = load_scenario(SCENARIOS / "triggered_call.yaml")
    trigger = next(m.trigger for m in scenario.meetings if m.name == "leaders_call")
    dates = [r["calls"][0] for r in runs("triggered_call") if r["calls"]]
    assert len(set(dates)) > 2  # the day differs from run to run
    for r in runs("triggered_call"):
        c = r["columns"]
        for day in r["calls"]:
            i = c["date"].index(day)
            assert c["us.pressure"][i - 1] > trigger.above  # pressure had passed the threshold
            assert trigger.not_before <= day <= trigger.not_after

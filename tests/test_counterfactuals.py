"""Each counterfactual runs and differs from the baseline the way its question says it should,
on average over the same seeds. Differences are measured, not assumed: see the module docstring
of each assertion's scenario file for the question it asks."""

from __future__ import annotations

import datetime as dt
import math
import statistics
from functools import cache
from pathlib import Path

import pytest
import yaml

from sim.cli import main
from sim.experiments.runs import run_once
from sim.scenario.language import load_scenario

SCENARIOS = Path(__file__).parent.parent / "scenarios"
SEEDS = 12  # seeds 1..12 by default; a direction test takes as many as its effect needs
MIN_Z = 4.0  # each expected effect sits at least this many standard errors from zero
# counterfactuals are the scenarios built on the baseline (other episodes stand alone)
COUNTERFACTUALS = sorted(f.stem for f in SCENARIOS.glob("*.yaml")
                         if "\nextends: baseline" in f.read_text(encoding="utf-8"))


def _value_on(columns: dict, column: str, day: dt.date) -> float:
    i = next((k for k, d in enumerate(columns["date"]) if d >= day), len(columns["date"]) - 1)
    return columns[column][i]


@cache
def _scenario(name: str):
    return load_scenario(SCENARIOS / f"{name}.yaml")


def runs(name: str, seeds: int = SEEDS) -> list[dict]:
    """What the runs of ``name`` with seeds 1..``seeds`` came to (each run made once)."""
    return [_run(name, seed) for seed in range(1, seeds + 1)]


@cache
def _run(name: str, seed: int) -> dict:
    r = run_once(_scenario(name), seed=seed)
    c, events = r.columns, r.events
    measures = [e for e in events if e["kind"] == "measure"]
    return {
        "calls": sorted({e["date"] for e in events if e["kind"] == "call" and e["actor"]}),
        "london_deal": any(e["kind"] == "agreement" and e["meeting"] == "london"
                           for e in events),
        "measures": len(measures),
        "late_may_measures": sum(dt.date(2025, 5, 22) <= e["date"] <= dt.date(2025, 6, 4)
                                 for e in measures),
        "tariff_jun1": _value_on(c, "us.tariff_on_china", dt.date(2025, 6, 1)),
        "tariff_end": c["us.tariff_on_china"][-1],
        "chips_end": c["us.chip_controls"][-1],
        "rare_earths_end": c["china.rare_earth_licensing"][-1],
        "us_pressure_max": max(c["us.pressure"]),
        "columns": c,
    }


def mean(name: str, key: str) -> float:
    return statistics.mean(float(r[key]) for r in runs(name))


def effect(name: str, key: str, seeds: int) -> tuple[float, float]:
    """Mean and standard error of ``name`` minus the baseline in ``key``, paired seed by seed
    over the first ``seeds`` seeds (both run on the same seeds: common random numbers)."""
    diffs = [float(a[key]) - float(b[key])
             for a, b in zip(runs(name, seeds), runs("baseline", seeds), strict=True)]
    return statistics.mean(diffs), statistics.stdev(diffs) / math.sqrt(len(diffs))


def assert_effect(name: str, key: str, seeds: int, sign: int, beyond: float = 0.0) -> None:
    """The paired effect has the expected ``sign``, exceeds ``beyond`` in size, and sits at least
    ``MIN_Z`` standard errors from zero (a constant difference has no error)."""
    mean_diff, se = effect(name, key, seeds)
    assert sign * mean_diff > beyond, (name, key, mean_diff)
    assert se == 0 or sign * mean_diff / se >= MIN_Z, (name, key, mean_diff, se)


def test_there_are_seven_or_more_counterfactuals():
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


def test_the_baseline_call_is_on_5_june_in_every_run():
    assert all(r["calls"] == [dt.date(2025, 6, 5)] for r in runs("baseline"))


def test_no_call_means_no_call_fewer_london_deals_and_tighter_chip_controls():
    """Without the call, fewer London deals, so the chip controls London would have eased stay
    tighter. (Until the tariffs were layered, this test also held the US tariff 50 points higher
    at the end: a lapse took it back to 145 %. A lapse now restores the suspended 24-34 points
    only, and the end tariff is 6.7 points higher, z 2.7: no longer held.)"""
    assert all(not r["calls"] for r in runs("no_call"))
    assert_effect("no_call", "london_deal", 60, -1)  # 60 seeds: -0.37 (z -5.8)
    assert_effect("no_call", "chips_end", 60, +1, beyond=0.1)  # 60 seeds: +0.20 (z 5.4)


def test_early_call_is_on_22_may_and_cuts_late_may_measures():
    assert all(r["calls"] == [dt.date(2025, 5, 22)] for r in runs("early_call"))
    assert_effect("early_call", "late_may_measures", 40, -1)  # 40 seeds: -1.05 (z -9.8)


def test_hawkish_us_concedes_less_at_geneva():
    assert_effect("hawkish_us", "tariff_jun1", 12, +1, beyond=30)  # 12 seeds: +74.3 (z 37.7)


def test_tight_rare_earths_stay_tight_and_press_the_us_harder():
    # 40 seeds: -0.333 (z -36.0)
    assert_effect("tight_rare_earths", "rare_earths_end", 40, -1, beyond=0.15)
    assert_effect("tight_rare_earths", "us_pressure_max", 40, +1)  # 40 seeds: +0.203 (z 10.8)


def test_full_compliance_has_no_measures():
    assert all(r["measures"] == 0 for r in runs("full_compliance"))
    assert mean("baseline", "measures") > 0


def test_tit_for_tat_escalates_more():
    assert_effect("tit_for_tat", "measures", 60, +1)  # 60 seeds: +1.42 (z 6.0)
    assert_effect("tit_for_tat", "tariff_end", 60, +1, beyond=10)  # 60 seeds: +37.6 (z 5.6)


def test_market_sensitive_us_feels_more_pressure_and_concedes_more():
    # 40 seeds: +0.343 (z 20.4)
    assert_effect("market_sensitive_us", "us_pressure_max", 40, +1, beyond=0.15)
    assert_effect("market_sensitive_us", "tariff_jun1", 40, -1)  # 40 seeds: -9.09 (z -12.3)


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

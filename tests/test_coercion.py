"""Coercive bargaining: escalation for leverage, threats, truce clocks, freezes, lapses.

Directions are measured over seeds with common random numbers (the same seeds in both worlds):
a difference counts only when it is at least four standard errors of the paired differences.
"""

from __future__ import annotations

import copy
import datetime as dt
import math
import re
import statistics
from functools import cache
from pathlib import Path

import pytest

from sim.engine import clock
from sim.engine.model import NegotiationModel
from sim.engine.truce import Threat
from sim.experiments.runs import run_once
from sim.scenario.language import load_scenario, scenario_from_data

SCENARIOS = Path(__file__).parent.parent / "scenarios"
PEACE_SEEDS = range(1, 61)


def _variant(name: str, change) -> object:
    data = copy.deepcopy(load_scenario(SCENARIOS / f"{name}.yaml").data)
    change(data)
    return scenario_from_data(data)


@cache
def escalations(resolve: float, sensitivity: float) -> tuple[int, ...]:
    """1 per seed when the demanding side takes a measure in escalation_from_peace."""
    def change(data):
        data["dates"]["end"] = dt.date(2018, 10, 31)  # after the last deadline: enough to tell
        data["meetings"] = [m for m in data["meetings"] if m["kind"] == "decision"]
        data["actors"]["demander"]["behaviour"].update(
            {"resolve": resolve, "pressure_sensitivity": sensitivity})
    scenario = _variant("escalation_from_peace", change)
    return tuple(int(any(e["kind"] == "measure" and e["actor"] == "demander"
                         for e in run_once(scenario, seed=s).events)) for s in PEACE_SEEDS)


def _paired(low: tuple[int, ...], high: tuple[int, ...]) -> tuple[float, float]:
    diffs = [h - lo for lo, h in zip(low, high, strict=True)]
    return statistics.mean(diffs), statistics.stdev(diffs) / math.sqrt(len(diffs))


@pytest.mark.slow  # a direction over 60 seeds in each of two worlds
def test_escalation_rises_with_resolve():
    low, high = escalations(0.25, 0.5), escalations(0.5, 0.5)
    diff, se = _paired(low, high)
    print(f"\nescalation share: resolve 0.25 -> {statistics.mean(low):.2f}, resolve 0.5 -> "
          f"{statistics.mean(high):.2f} (difference {diff:.2f}, SE {se:.3f})")
    assert se > 0 and diff >= 4 * se


@pytest.mark.slow  # a direction over 60 seeds in each of two worlds
def test_escalation_falls_with_sensitivity_to_own_pain():
    calm, touchy = escalations(0.5, 0.0), escalations(0.5, 1.0)
    diff, se = _paired(touchy, calm)
    print(f"\nescalation share: sensitivity 0 -> {statistics.mean(calm):.2f}, sensitivity 1.0 "
          f"-> {statistics.mean(touchy):.2f} (difference {diff:.2f}, SE {se:.3f})")
    assert se > 0 and diff >= 4 * se


def test_the_geneva_clock_runs_out_and_the_sides_decide():
    """London amends Geneva without restarting its clock: extended past the baseline's end,
    every run reaches the expiry and logs an extension or a lapse with its reason."""
    scenario = _variant("baseline", lambda d: d["dates"].update({"end": dt.date(2025, 12, 31)}))
    for seed in range(1, 13):
        events = run_once(scenario, seed=seed).events
        geneva = next(e for e in events if e["kind"] == "agreement" and e["meeting"] == "geneva")
        ends = [e for e in events if e["kind"] in ("extension", "lapse")]
        assert ends, f"seed {seed}: no extension or lapse"
        assert ends[0]["meeting"] in ("geneva", "london")
        assert "Geneva" in ends[0]["why"] and ": " in ends[0]["why"]  # names it, gives a reason
        term = int(re.search(r"agreement for (\d+) days", geneva["why"]).group(1))
        assert ends[0]["date"] == geneva["date"] + dt.timedelta(days=term)  # London kept the clock


def test_without_london_a_snapback_ends_escalating():
    scenario = _variant("baseline", lambda d: d.update(
        meetings=[m for m in d["meetings"] if m["name"] != "london"]))
    snapped = 0
    for seed in range(1, 25):
        r = run_once(scenario, seed=seed)
        if any(e["kind"] == "lapse" for e in r.events):
            snapped += 1
            assert r.columns["status"][-1] == "escalating"
    assert snapped > 0


def test_both_sides_take_measures_when_the_us_is_hawkish():
    """Geneva binds both of China's levers; it still escalates, by halting its implementation."""
    scenario = load_scenario(SCENARIOS / "hawkish_us.yaml")
    actors, halts = set(), 0
    for seed in range(1, 13):
        measures = [e for e in run_once(scenario, seed=seed).events if e["kind"] == "measure"]
        actors |= {e["actor"] for e in measures}
        halts += any(e["actor"] == "china" and "halts its implementation" in e["why"]
                     for e in measures)
    assert actors == {"us", "china"} and halts > 0


def test_a_deal_suspends_a_pending_threat_and_a_lapse_brings_it_back():
    scenario = load_scenario(SCENARIOS / "baseline.yaml")
    model = NegotiationModel(scenario, seed=1)
    geneva = (dt.date(2025, 5, 10) - scenario.start).days
    while model.day < geneva - 1:
        model.step()
    threat = Threat("us", "us.chip_controls", 0.9, model.day, model.day + 30, 0.8)
    model.truce.announce(threat)
    model.step()  # Geneva: the agreement suspends the threat
    kinds = [e.kind for e in model.entries]
    assert kinds.index("suspension") > kinds.index("agreement")
    assert not model.truce.threats and model.agreement.suspended == [threat]
    model.lapse(model.agreement, clock.snapback(model, model.agreement), "test", "us")
    assert model.levers["us.chip_controls"].order == 0.9  # the threatened measure returns
    assert model.talks_status() == "escalating"


def test_a_call_freezes_measures_for_its_freeze_days_only():
    scenario = _variant("baseline", lambda d: d.update(
        meetings=[{**m, "freeze_days": 3} if m["name"] == "leaders_call" else m
                  for m in d["meetings"] if m["name"] != "london"]))
    model = NegotiationModel(scenario, seed=1)
    call = (dt.date(2025, 6, 5) - scenario.start).days
    while model.day < call + 5:
        model.step()
        if model.day in (call, call + 1, call + 3):
            assert model.talks_pending()
    assert not model.talks_pending()


def test_the_term_follows_the_sides_trust_and_commitment():
    def change(data):
        for actor in data["actors"].values():
            actor["behaviour"].update({"initial_trust": 0.5, "commitment_days": 120})
    model = NegotiationModel(_variant("baseline", change), seed=1).run_to_end()
    geneva = next(e for e in model.entries if e.kind == "agreement")
    assert "agreement for 60 days" in geneva.why


def test_a_commitment_is_delivered_at_its_pace_up_to_a_ceiling_of_compliance():
    def change(data):
        data["meetings"] = []
        data["dates"]["end"] = dt.date(2019, 6, 30)
        for actor in data["actors"].values():
            actor["behaviour"].update({"restraint": 1.0, "reciprocity": 0.0,
                                       "initial_trust": 1.0, "commitment_days": 730})
        data["actors"]["target"]["behaviour"]["compliance"] = 0.6
    model = NegotiationModel(_variant("escalation_from_peace", change), seed=2)
    model.step()
    purchases = model.levers["target.purchases"]
    model.sign("deal", {"target.purchases": purchases.spec.restrictiveness(100.0)}, "A deal")
    pace = 100.0 / purchases.spec.horizon_days
    for day in range(1, 401):
        model.step()
        assert purchases.value <= min(day * pace, 60.0) + 1e-9  # its pace, and a ceiling
    assert purchases.value > 59.0  # a side that complies at 0.6 delivers 60 % of the amount


def test_signing_and_entry_into_force_are_separate_dates():
    def change(data):
        summit = next(m for m in data["meetings"] if m["name"] == "summit")
        summit.update({"signing_days": 10, "in_force_days": 5})
    scenario = _variant("escalation_from_peace", change)
    signed = 0
    for seed in range(1, 41):
        model = NegotiationModel(scenario, seed=seed).run_to_end()
        principle = [e for e in model.entries if e.kind == "agreement in principle"]
        if not principle:
            continue
        signed += 1
        signing = next(e for e in model.entries if e.kind == "agreement")
        assert signing.day == principle[0].day + 10 and "in force from" in signing.why
        assert model.columns["demander.tariff"][principle[0].day + 14] >= \
            model.columns["demander.tariff"][principle[0].day]  # nothing eased before in force
    assert signed > 0


def test_linkage_waits_for_verified_delivery():
    """With full linkage and a long verification lag, the US eases its tariff only as far as
    China's licences had been seen to move: much less in the first weeks after Geneva."""
    def linked(data):
        data["actors"]["us"]["behaviour"].update({"linkage": 1.0, "verification_days": 21})
    plain = run_once(load_scenario(SCENARIOS / "baseline.yaml"), seed=4)
    tied = run_once(_variant("baseline", linked), seed=4)
    i = plain.columns["date"].index(dt.date(2025, 5, 20))
    assert tied.columns["us.tariff_on_china"][i] > plain.columns["us.tariff_on_china"][i] + 30


@pytest.mark.parametrize("cost", [0.5, 1.0])
def test_a_threat_at_its_deadline_is_carried_out_or_costs_at_home(cost):
    """A public threat is carried out or dropped at a domestic cost; with the full audience cost
    backing down is never worth it (the threat is credible)."""
    def change(data):
        data["meetings"] = []
        data["actors"]["demander"]["behaviour"].update({"audience_cost": cost})
    for seed in range(1, 9):
        model = NegotiationModel(_variant("escalation_from_peace", change), seed=seed)
        model.step()
        n = model.negotiators["demander"]
        model.truce.announce(Threat("demander", "demander.tariff", 50.0, 1, 2, n.demand_gap()))
        n.threatened()
        model.step()
        kinds = [e.kind for e in model.entries]
        if "measure" in kinds:
            assert n.credibility == 2 / 3 and model.levers["demander.tariff"].value == 50.0
        else:
            assert cost < 1.0
            assert "threat withdrawn" in kinds and n.credibility == 1 / 3
            assert n.audience > 0.4 and n.pressure >= n.audience


def test_a_side_that_wants_more_asks_for_review_talks_at_expiry():
    scenario = load_scenario(SCENARIOS / "escalation_from_peace.yaml")
    reviews = 0
    for seed in range(1, 41):
        entries = NegotiationModel(scenario, seed=seed).run_to_end().entries
        ends = [e for e in entries if e.kind in ("extension", "lapse")]
        if any("wants more" in e.why for e in ends):
            reviews += 1
            assert any(e.meeting == "summit_review" for e in entries)  # the talks were held
            asked = next(e for e in ends if "wants more" in e.why)
            # a review is asked for only when neither side wants the lapse: it ends in new
            # terms or, if the talks fail, in the old ones kept; never in a lapse
            assert asked.kind == "extension", asked.why
    assert reviews > 0


def test_belief_in_retaliation_is_learnt_from_answers_to_past_measures():
    """The demander learns from what the target did after its measures: answered measures raise
    its expected retaliation, unanswered ones lower it."""
    def change(data, restraint):
        data["meetings"] = []
        data["actors"]["target"]["behaviour"].update({"restraint": restraint, "reciprocity": 1.0})
    beliefs = {}
    for restraint in (0.0, 1.0):
        model = NegotiationModel(_variant("escalation_from_peace",
                                          lambda d, r=restraint: change(d, r)), seed=1)
        n = model.negotiators["demander"]
        tariff = model.levers["demander.tariff"]
        for _ in range(4):  # four measures, a month apart
            model.step()
            n.impose(tariff, tariff.value + 10, "test")
            for _ in range(30):
                model.step()
        beliefs[restraint] = n.expected_retaliation()
    assert beliefs[0.0] > 0.75 and beliefs[1.0] < 0.25


def test_a_side_with_review_days_decides_on_its_own_calendar():
    def change(data):
        data["meetings"] = []
        data["actors"]["demander"]["behaviour"].update({"review_days": 30, "resolve": 0.0})
    model = NegotiationModel(_variant("escalation_from_peace", change), seed=1).run_to_end()
    days = [e.day for e in model.entries if e.kind == "decision"]
    assert days == list(range(30, model.day + 1, 30))  # every 30 days, each one logged

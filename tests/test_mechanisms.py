"""Mechanisms a plausible bug could silently remove: each test names one and fails without it.

Pressure lowers what a side holds out for; a leaders' call holds new measures back until talks
sign; talks move only the levers on their agenda; a comparison's interval is a 95 % one.
"""

from __future__ import annotations

import copy
import math
import statistics
from dataclasses import replace

import numpy as np
import pytest

from sim.engine.model import NegotiationModel
from sim.engine.negotiation import Side, Utility, alternate_offers
from sim.engine.truce import Agreement
from sim.experiments import compare, executors


def test_pressure_lowers_the_reservation_value_by_sensitivity_x_pressure_x_0_3(baseline):
    model = NegotiationModel(baseline, seed=1)
    us = model.negotiators["us"]
    assert us.mandate == 0.0  # no call yet
    us.feel(0.0)
    calm = us.reservation(0.5)
    us.feel(0.8)
    pressed = us.reservation(0.5)
    assert calm == pytest.approx(0.5 + us.behaviour.resolve)
    assert calm - pressed == pytest.approx(us.behaviour.pressure_sensitivity * 0.8 * 0.3)


def test_a_call_mandate_lowers_the_reservation_and_raises_willingness(baseline):
    model = NegotiationModel(baseline, seed=1)
    china = model.negotiators["china"]
    china.feel(0.5)
    before = china.reservation(0.5), china.willingness()
    china.reassured(0.0, 0.2)  # a call that restores no trust, with a mandate
    mandate = china.behaviour.pressure_sensitivity * 0.5 * 0.2
    assert china.mandate == pytest.approx(mandate) and mandate > 0.01
    assert china.reservation(0.5) == pytest.approx(before[0] - mandate)
    assert china.willingness() == pytest.approx(before[1] + mandate)


def test_a_pressed_side_accepts_a_deal_it_refuses_unpressed():
    """At the protocol level: the same offers, a lower reservation, an agreement."""
    now = {"a.x": 0.8, "b.y": 0.8}

    def side(actor: str, reservation: float) -> Side:
        own, theirs = ("a.x", "b.y") if actor == "a" else ("b.y", "a.x")
        return Side(actor, Utility({theirs: 1.0}, {own: 0.3}), Utility({own: 1.0}, {theirs: 0.3}),
                    frozenset({own}), reservation, 1.0, 0.0)

    status_quo = side("a", 0).utility.of(now)
    refused = alternate_offers(side("a", 0.9), side("b", 0.9), list(now), now, rounds=10)
    pressed = alternate_offers(side("a", status_quo), side("b", status_quo), list(now), now, 10)
    assert not refused.agreed and pressed.agreed


def test_a_held_call_stops_new_measures_for_its_freeze_days_or_until_an_agreement(baseline):
    """An aggrieved, unrestrained US takes measures; after a call it takes none while the
    call's freeze runs (``freeze_days`` after it), whatever its grievance, and takes them again
    the day after the freeze ends, or once an agreement has been signed."""
    s = copy.copy(baseline)
    us = baseline.actors["us"]
    # breach weight 20: a new Chinese restriction aggrieves the US fully
    s.actors = {**baseline.actors,
                "us": replace(us, behaviour=us.behaviour.with_values(restraint=0.0,
                                                                     reciprocity=1.0,
                                                                     breach_weight=20.0))}
    freeze = 30
    counts = {}
    # (days since the call, an agreement signed since): inside the freeze, on its last day,
    # the day after, and inside it but with a signing since the call
    cases = {"inside": (10, False), "last day": (freeze, False), "after": (freeze + 1, False),
             "signed": (10, True), "no call": (None, False)}
    for name, (since, signed) in cases.items():
        total = 0
        for seed in range(8):
            for k in range(20):
                model = _aggrieved_us(s, 100 * seed + k, 40 + (since or 0))
                if since is not None:
                    model.truce.promise_talks(40, 40 + freeze)
                if signed:
                    model.truce.sign(Agreement("geneva", 42, 90, {}, {}))
                us_n = model.negotiators["us"]
                before = len(model.entries)
                us_n.consider_measure(None)
                total += len(model.entries) - before
        counts[name] = total
    assert counts["inside"] == counts["last day"] == 0
    assert min(counts["after"], counts["signed"], counts["no call"]) >= 100


def _aggrieved_us(s, seed: int, day: int) -> NegotiationModel:
    """A model on ``day`` whose US has watched China raise its tariff on US goods to the top
    that day (a new measure, in effect within the week): fully aggrieved, no measure of its
    own yet."""
    model = NegotiationModel(s, seed=seed, day=day - 1)
    model.begin_day()  # ``day`` begins: the levers as they stood are its history
    tariff = model.levers["china.tariff_on_us"]
    model.negotiators["china"].impose(tariff, tariff.spec.value_at(1.0), "a new restriction")
    for _ in range(7):
        tariff.advance()
    us = model.negotiators["us"]
    us.observe(None)
    assert us.grievance == 1.0
    return model


def test_a_call_sets_its_freeze_from_the_meetings_freeze_days(baseline):
    """The freeze a call sets runs ``freeze_days`` from the call (30 in the baseline), so the
    baseline's 5 June call holds measures back to 5 July at the latest."""
    model = NegotiationModel(baseline, seed=1, day=20)
    model.call_held("leaders_call", "Leaders' call", 12)
    assert (model.truce.last_call_day, model.truce.freeze_until) == (20, 32)
    for day, pending in ((32, True), (33, False)):
        later = NegotiationModel(baseline, seed=1, day=day)
        later.truce.promise_talks(20, 32)
        assert later.talks_pending() is pending, day
    call = next(m for m in baseline.meetings if m.name == "leaders_call")
    assert call.freeze_days == 30


def _agenda_labels(scenario, meeting: str) -> tuple[set[str], set[str]]:
    m = next(x for x in scenario.meetings if x.name == meeting)
    on = {lv.label for lv in scenario.levers if lv.id in m.agenda}
    return on, {lv.label for lv in scenario.levers} - on


def test_talks_offer_and_sign_only_levers_on_their_agenda(baseline):
    """Every offer and agreement at Geneva and London names only levers on its agenda, over
    several seeds (without an agenda, chips and visas would be on the table at Geneva)."""
    for seed in range(1, 7):
        model = NegotiationModel(baseline, seed=seed).run_to_end()
        for meeting in ("geneva", "london"):
            on, off = _agenda_labels(baseline, meeting)
            said = [e.why for e in model.entries if e.meeting == meeting
                    and e.kind in ("offer", "agreement")]
            assert said
            for why in said:
                assert not any(label in why for label in off), (seed, meeting, why)
            assert any(label in why for why in said for label in on)


def test_talks_without_an_agenda_put_every_lever_on_the_table(baseline):
    geneva = next(m for m in baseline.meetings if m.name == "geneva")
    s = copy.copy(baseline)
    s.meetings = [replace(geneva, agenda=None)]
    model = NegotiationModel(s, seed=1).run_to_end()
    said = " ".join(e.why for e in model.entries if e.meeting == "geneva")
    assert "US chip export controls" in said


def test_the_protocol_leaves_levers_off_the_agenda_where_they_are():
    now = {"a.x": 0.8, "b.y": 0.8, "a.z": 0.9}

    def side(actor: str, reservation: float) -> Side:
        own = {"a.x", "a.z"} if actor == "a" else {"b.y"}
        wants = {k: 1.0 for k in now if k not in own}
        holds = {k: 0.3 for k in own}
        belief_wants = {k: 1.0 for k in own}
        belief_holds = {k: 0.3 for k in now if k not in own}
        return Side(actor, Utility(wants, holds), Utility(belief_wants, belief_holds),
                    frozenset(own), reservation, 1.0, 0.0)

    outcome = alternate_offers(side("a", 0.0), side("b", 0.0), ["a.x", "b.y"], now, rounds=10)
    assert outcome.rounds
    for r in outcome.rounds:
        assert r.package["a.z"] == now["a.z"]


def test_a_comparisons_interval_is_the_difference_plus_or_minus_1_96_standard_errors(
        baseline):
    no_call = copy.copy(baseline)
    no_call.name = "no_call"
    no_call.meetings = [m for m in baseline.meetings if m.kind != "call"]
    a, b = executors.run_ensembles([baseline, no_call], 12)
    rows = compare.compare_table([a, b], ["baseline", "no_call"])
    checked = 0
    for row in rows:
        if row["scenario"] != "no_call" or not math.isfinite(row["difference_se"]):
            continue
        if row["difference_se"] == 0:
            continue
        half = 1.959964 * row["difference_se"]  # the 97.5 % point of the normal
        assert row["ci95_low"] == pytest.approx(row["difference"] - half, rel=1e-9, abs=1e-12)
        assert row["ci95_high"] == pytest.approx(row["difference"] + half, rel=1e-9, abs=1e-12)
        checked += 1
    assert checked >= 5
    # and the standard error is that of the paired differences
    col = "final.us.tariff_on_china"
    d = b.outcome_column(col) - a.outcome_column(col)
    row = next(r for r in rows if r["outcome"] == col and r["scenario"] == "no_call")
    assert row["difference_se"] == pytest.approx(statistics.stdev(d) / math.sqrt(len(d)))
    assert row["difference"] == pytest.approx(float(np.mean(d)))

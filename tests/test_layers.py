"""Layered measures: a lever's legal level is a stack of measures; a deal cuts the newest first,
suspending or dropping each as its legal form says, and a lapse restores only what was suspended.

The stack's rules are held by a table and by properties (hypothesis); the 2025 baseline is held
to the Geneva texts: its lapse brings back the suspended reciprocal layer, not the 145 % peak.
(Bad input: tests/bad_scenarios/layer*.yaml.)
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim.engine.layers import BASE, DROP, MEASURE, SUSPEND, LayerSpec, Stack
from sim.engine.model import NegotiationModel
from tests.test_statuses_and_events import entries, meeting, scripted

US, CHINA = "us.tariff_on_china", "china.tariff_on_us"
GENEVA_LIKE = (LayerSpec("fentanyl", 20, SUSPEND), LayerSpec("reciprocal", 34, SUSPEND),
               LayerSpec("counter", 91, DROP))


def stack() -> Stack:
    return Stack(145, True, 0, 200, GENEVA_LIKE)


@pytest.mark.parametrize(("cut_to", "level_after", "restored", "suspended", "dropped"), [
    (145, 145, 145, 0, 0),   # nothing cut
    (100, 100, 100, 0, 45),  # inside the counter-measures: all dropped
    (54, 54, 54, 0, 91),     # exactly the counter-measures
    (30, 30, 54, 24, 91),    # Geneva: 24 of the reciprocal layer suspended
    (10, 10, 54, 44, 91),    # into the oldest layer: suspended too
    (0, 0, 54, 54, 91),
])
def test_a_cut_takes_the_newest_layers_first_each_by_its_form(cut_to, level_after, restored,
                                                              suspended, dropped):
    s = stack()
    cuts = s.cut_to(cut_to)
    assert s.level == pytest.approx(level_after)
    assert s.restored_level() == pytest.approx(restored)
    assert sum(c.amount for c in cuts if c.action == SUSPEND) == pytest.approx(suspended)
    assert sum(c.amount for c in cuts if c.action == DROP) == pytest.approx(dropped)
    assert s.restore() == pytest.approx(restored) and not s.suspended


def test_the_base_is_what_the_named_layers_leave_and_a_run_adds_its_own_measures():
    s = Stack(60, True, 0, 200, (LayerSpec("reciprocal", 34, SUSPEND),))
    assert [(la.name, la.amount) for la in s.layers] == [(BASE, 26), ("reciprocal", 34)]
    s.move_to(80, MEASURE)
    assert [(la.name, la.amount) for la in s.layers][-1] == (MEASURE, 20)
    s.move_to(70, "easing")  # a side's own easing drops, never suspends
    assert s.level == 70 and not s.suspended


def test_a_small_measure_on_an_index_is_a_layer_too():
    """A 0-1 index: a side's measure of 0.2 adds a layer of 0.2, a deal's cut of 0.1 takes it
    off the top (suspended), a fall of 0.05 of its own accord drops it."""
    s = Stack(0.4, True, 0, 1)
    s.move_to(0.6, MEASURE)
    assert [(la.name, round(la.amount, 9)) for la in s.layers] == [(BASE, 0.4), (MEASURE, 0.2)]
    s.cut_to(0.5)
    assert s.restored_level() == pytest.approx(0.6) and s.level == pytest.approx(0.5)
    s.move_to(0.45, "easing")
    assert s.level == pytest.approx(0.45) and s.restored_level() == pytest.approx(0.55)
    s.cut_to(0.7)  # a deal that raises it adds a layer
    assert s.level == pytest.approx(0.7)


def test_a_lever_restrictive_at_its_low_end_stacks_downwards():
    s = Stack(0.2, False, 0, 1, (LayerSpec("controls", 0.5, SUSPEND),))  # licences: 1 is open
    assert s.level == pytest.approx(0.2)
    s.cut_to(0.6)
    assert s.restored_level() == pytest.approx(0.2) and s.level == pytest.approx(0.6)


def test_reinstating_early_brings_back_the_newest_suspension():
    s = stack()
    s.cut_to(10)
    assert s.reinstate() == pytest.approx(34) and s.level == pytest.approx(44)  # reciprocal
    assert s.reinstate("nothing of that name") == 0.0


@given(st.lists(st.floats(0, 200), min_size=1, max_size=6))
def test_a_lapse_never_brings_back_a_dropped_layer(targets):
    """Whatever deals follow one another, a lapse restores at most the layers that were never
    dropped plus what deals added; and never less than the level in force."""
    s, level, added = stack(), 145.0, 0.0
    for target in targets:
        s.cut_to(target)
        added += max(0.0, target - level)
        level = target
    assert s.restored_level() >= s.level - 1e-9
    counter_dropped = min(targets[0], 145) < 145 - 1e-9  # the first cut reached the counter layer
    ceiling = (145 - (min(91, 145 - targets[0]) if counter_dropped else 0)) + added
    assert s.restore() <= ceiling + 1e-6


# -- in the 2025 baseline ----------------------------------------------------------------------
def _geneva_only(baseline):
    """The baseline with the Geneva talks alone (no London, so no review of its terms there)."""
    return scripted(baseline, {"us": {"commitment_days": 10}, "china": {"commitment_days": 10}},
                    meetings=[meeting(baseline, "geneva")])


def test_geneva_drops_the_counter_measures_and_suspends_part_of_the_reciprocal_rate(baseline):
    m = NegotiationModel(_geneva_only(baseline), seed=1)
    while not entries(m, "agreement"):
        m.step()
    said = {e.actor: e.why for e in entries(m, "layers")}
    assert "counter_measures 91 points dropped; reciprocal" in said["us"]
    assert "counter_measures 91 points dropped; reciprocal" in said["china"]
    us = m.levers[US].stack
    assert [la.name for la in us.suspended] == ["reciprocal"]
    assert us.restored_level() == pytest.approx(54)  # 20 + 34: the peak's other 91 are gone


def test_a_lapse_restores_the_suspended_layer_only_not_the_peak(baseline):
    """Geneva's package signed in a world where China is unwilling to renew (no trust, deaf at
    home): at expiry the terms lapse, and the tariffs return to their suspended layers only."""
    m = NegotiationModel(_geneva_only(baseline), seed=1)
    while not entries(m, "agreement"):
        m.step()
    package = {k: m.levers[k].spec.restrictiveness(v) for k, v in m.agreement.terms.items()}
    unwilling = scripted(_geneva_only(baseline), {"china": {"initial_trust": 0.0,
                                                            "pressure_sensitivity": 0.0}})
    m = NegotiationModel(unwilling, seed=1, day=m.day)
    m.sign("geneva", package, "Geneva talks")
    expires = m.agreement.expires
    while m.day <= expires:
        m.step()
    assert len(entries(m, "lapse")) == 1
    assert m.levers[US].value == pytest.approx(54)   # fentanyl 20 + reciprocal 34, not 145
    assert m.levers[CHINA].value == pytest.approx(34)  # reciprocal 34, not 125
    assert not m.levers[US].stack.suspended


def test_a_variant_that_lowers_the_initial_value_keeps_the_oldest_layers(baseline):
    """`extends: baseline` with `initial: 100` (no layers written): the US tariff's 145 points of
    layers fill 100 oldest first (fentanyl 20, reciprocal 34, counter-measures 46)."""
    data = {**baseline.data}
    data["actors"] = {**data["actors"]}
    us = {**data["actors"]["us"], "levers": {**data["actors"]["us"]["levers"]}}
    us["levers"]["tariff_on_china"] = {**us["levers"]["tariff_on_china"], "initial": 100}
    data["actors"]["us"] = us
    from sim.scenario.language import scenario_from_data
    spec = next(lv for lv in scenario_from_data(data, baseline.file).levers if lv.id == US)
    assert [(la.name, la.amount) for la in spec.layers] == [
        ("fentanyl", 20), ("reciprocal", 34), ("counter_measures", 46)]


def test_what_a_deal_revoked_counts_as_dropped_until_a_lapse_opens_a_new_chapter():
    s = stack()
    s.cut_to(30)
    assert s.dropped == pytest.approx(91)
    assert s.re_escalated_level() == pytest.approx(145)  # 30 + 24 suspended + 91 revoked
    s.move_to(20, "easing")  # a side's own easing drops too, but nobody fears it back
    assert s.dropped == pytest.approx(91)
    s.restore()
    assert s.dropped == 0.0


def test_a_side_fears_the_revoked_measures_back_as_far_as_it_expects_retaliation(baseline):
    """At an expiry China values a lapse between the legal lapse (the suspended layers back)
    and the worst (the revoked counter-measures back too), weighted by its belief that the US
    answers: a truce that restores only a suspended part still deters."""
    from sim.engine import clock

    m = NegotiationModel(_geneva_only(baseline), seed=1)
    while not entries(m, "agreement"):
        m.step()
    for _ in range(5):  # the tariffs cut as agreed
        m.step()
    china, lapse = m.negotiators["china"], clock.snapback(m, m.agreement)
    _, expected = clock.kept_and_lapsed(m, china, lapse)
    legal = {k: lv.restrictiveness for k, lv in m.levers.items()}
    legal.update({k: m.levers[k].spec.restrictiveness(v) for k, v in lapse.items()})
    worst = dict(legal, **{US: m.levers[US].spec.restrictiveness(145)})
    p = china.expected_retaliation()
    assert 0 < p < 1
    mixed = (1 - p) * china.utility.of(legal) + p * china.utility.of(worst)
    assert expected == pytest.approx(mixed)
    assert china.utility.of(worst) < expected < china.utility.of(legal)

"""Pressing with what a deal binds, and easing as a decision (sim/engine/pressing.py, easing.py).

After a comprehensive deal (every lever bound) a side at a decision point is not out of moves: it
weighs re-imposing a suspended layer early, widening a control the deal covers or halting its own
easing, each priced against what the deal is worth to it; the log says which and why. A side
that may ease (`easing` above 0) weighs lifting a measure a step when pressure at home or the
other side's delivery asks for it. Direction tests: more resolve presses more; more pressure at
home eases more; a deal worth more to a side makes it press less.
"""

from __future__ import annotations

import math

import pytest

from sim.engine import coercion, easing, pressing
from sim.engine.model import NegotiationModel
from tests.test_statuses_and_events import _Draw, entries, scripted

TARIFF, CHIPS, VISAS = "us.tariff_on_china", "us.chip_controls", "us.visa_restrictions"
CN_TARIFF, LICENCES = "china.tariff_on_us", "china.rare_earth_licensing"


def comprehensive(m: NegotiationModel, implemented: bool = True) -> None:
    """Geneva's and London's terms signed on the model's day and implemented: every lever is
    bound."""
    h = {k: lv.spec.restrictiveness for k, lv in m.levers.items()}
    m.sign("geneva", {TARIFF: h[TARIFF](30), CN_TARIFF: h[CN_TARIFF](10),
                      LICENCES: h[LICENCES](0.5)})
    m.sign("london", {LICENCES: h[LICENCES](0.6), CHIPS: h[CHIPS](0.2), VISAS: h[VISAS](0.05)})
    for lever_id, value in m.agreement.terms.items() if implemented else ():
        m.levers[lever_id].set(value)


def bound_world(baseline, seed: int = 1, draws=None, pressure: float = 0.0,
                **us) -> NegotiationModel:
    """Day 60, every lever bound, the US feeling ``pressure`` at home and behaving as ``us``."""
    m = NegotiationModel(scripted(baseline, {"us": us}), seed=seed, day=60, draws=draws)
    comprehensive(m)
    m.negotiators["us"].feel(pressure)
    return m


def test_after_a_comprehensive_deal_no_lever_is_free_yet_a_side_has_options(baseline):
    m = bound_world(baseline)
    us = m.negotiators["us"]
    assert us.pick_measure(m.agreement) is None  # the old engine's "no instrument left"
    kinds = {o.lever.spec.id: o.kind for o in pressing.options(m, us, m.agreement)
             if o.kind != pressing.HALT}  # every lever was cut, so each has a suspended layer
    assert kinds == dict.fromkeys((TARIFF, CHIPS, VISAS), pressing.REINSTATE)
    fresh = NegotiationModel(baseline, seed=1, day=60)  # signed today, nothing implemented yet:
    comprehensive(fresh, implemented=False)  # halting its own easing is an option too
    assert pressing.HALT in {o.kind for o in pressing.options(fresh, fresh.negotiators["us"],
                                                              fresh.agreement)}
    reinstate = next(o for o in pressing.options(m, us, m.agreement)
                     if o.kind == pressing.REINSTATE)
    assert reinstate.lever.spec.id == TARIFF and reinstate.layer == "reciprocal"
    assert reinstate.value == pytest.approx(145 - 115 + 24)  # 30 + the suspended 24 points


def test_a_decision_point_after_a_comprehensive_deal_can_press_and_says_why(baseline):
    m = bound_world(baseline, draws=_Draw(), resolve=0.5, pressure_sensitivity=0.0)
    m.random.fix(0.0)  # below any positive chance: it acts
    d = coercion.consider(m, m.negotiators["us"], "US review")
    assert d.action in (coercion.IMPOSE, coercion.HALT)
    assert "presses with what the deal binds: it chose to " in d.why
    assert "the deal's worth at risk" in d.why
    m.apply(d)
    if d.layer:  # the suspended layer is in force again, not a new one
        assert not m.levers[d.lever_id].stack.suspended
    assert entries(m, "measure")


def test_the_same_side_without_resolve_holds_and_says_what_it_would_not_do(baseline):
    m = bound_world(baseline, draws=_Draw(), resolve=0.0)
    m.random.fix(0.0)
    d = coercion.consider(m, m.negotiators["us"], "US review")
    assert d.action == coercion.HOLD
    assert "no free instrument left, and it would not " in d.why


def _share(baseline, seeds: int, decide, **us) -> tuple[float, float]:
    """The share of seeds in which ``decide`` says yes, and its standard error."""
    hits = sum(bool(decide(bound_world(baseline, seed=s, **us))) for s in range(seeds))
    p = hits / seeds
    return p, math.sqrt(max(p * (1 - p), 1e-9) / seeds)


def _paired(baseline, seeds: int, decide, patch=None, **us) -> tuple[float, float]:
    """The mean and standard error of ``decide`` with ``patch`` applied minus without, seed by
    seed (the same draws in both: only the price differs)."""
    plain = [bool(decide(bound_world(baseline, seed=s, **us))) for s in range(seeds)]
    patch()
    patched = [bool(decide(bound_world(baseline, seed=s, **us))) for s in range(seeds)]
    diffs = [a - b for a, b in zip(patched, plain, strict=True)]
    mean = sum(diffs) / seeds
    sd = math.sqrt(sum((d - mean) ** 2 for d in diffs) / (seeds - 1))
    return mean, sd / math.sqrt(seeds)


def _presses(m: NegotiationModel) -> bool:
    return coercion.consider(m, m.negotiators["us"], "review").action != coercion.HOLD


def test_more_resolve_presses_more_with_bound_levers(baseline):
    low, se_low = _share(baseline, 300, _presses, resolve=0.25, pressure_sensitivity=0.1)
    high, se_high = _share(baseline, 300, _presses, resolve=0.5, pressure_sensitivity=0.1)
    assert high - low >= 4 * math.hypot(se_low, se_high), (low, high)


def test_a_deal_worth_something_to_a_side_makes_it_press_less(baseline, monkeypatch):
    """The same states and draws, the deal's worth taken out of the price (``DEAL_AT_RISK`` and
    ``HALT_AT_RISK`` 0): the side presses more often."""
    m = bound_world(baseline, resolve=0.5, pressure_sensitivity=0.1)
    assert pressing.deal_worth(m, m.negotiators["us"]) > 0.02

    def free() -> None:
        monkeypatch.setattr(pressing, "DEAL_AT_RISK", 0.0)
        monkeypatch.setattr(pressing, "HALT_AT_RISK", 0.0)
    more, se = _paired(baseline, 300, _presses, free, resolve=0.5, pressure_sensitivity=0.1)
    assert more > 0 and more >= 4 * se, (more, se)


def _eases(m: NegotiationModel) -> bool:
    return easing.consider(m, m.negotiators["us"]) is not None


def test_more_pressure_at_home_eases_more(baseline):
    calm, se_calm = _share(baseline, 300, _eases, easing=1.0, pressure=0.2)
    hot, se_hot = _share(baseline, 300, _eases, easing=1.0, pressure=0.8)
    assert hot - calm >= 4 * math.hypot(se_calm, se_hot), (calm, hot)


def test_a_side_that_never_eases_draws_nothing_for_it(baseline):
    """``easing`` 0 (every shipped 2025 side): the decision point draws exactly as before."""
    m = bound_world(baseline)
    assert m.negotiators["us"].behaviour.easing == 0.0
    state = m.random.getstate()
    coercion.consider(m, m.negotiators["us"], "review")
    m2 = bound_world(baseline)
    assert m2.random.getstate() == state


def test_an_easing_drops_the_measure_for_good_and_is_logged(baseline):
    m = bound_world(baseline, draws=_Draw(), pressure=1.0, easing=1.0, pressure_sensitivity=1.0)
    m.random.fix(0.0)
    d = coercion.consider(m, m.negotiators["us"], "US review")
    assert d.action == coercion.EASE
    before = m.levers[d.lever_id].stack.restored_level()
    m.apply(d)
    [e] = entries(m, "easing")
    assert e.actor == "us" and "pressure at home" in e.why
    assert m.levers[d.lever_id].stack.restored_level() < before


# -- the prices, term by term: what docs/model.md says, checked at a draw either side ---------
def _decides(m: NegotiationModel, draw: float):
    m.random.fix(draw)
    return coercion.consider(m, m.negotiators["us"], "US review")


@pytest.mark.parametrize("pressure", [0.3, 0.9])
def test_the_chance_of_easing_is_the_documented_balance(baseline, pressure):
    """chance = easing x clip(sensitivity x pressure + goodwill x trust x (1 - unmet) - resolve
    share x unmet - hold share x restrictiveness - sensitivity x push); the step is
    escalation_step x (the two reasons), from the lever's restrictiveness."""
    kw = dict(easing=0.8, pressure_sensitivity=0.9, goodwill=0.7, resolve=0.1,
              escalation_step=0.1)
    m = bound_world(baseline, draws=_Draw(), pressure=pressure, **kw)
    us = m.negotiators["us"]
    us.pushed(0.05)  # a group at home that gains from the measure holds it back
    lever = easing.candidate(us)
    assert lever.spec.id == TARIFF  # what China minds most
    b, gap = us.behaviour, us.demand_gap()
    home, reward = b.pressure_sensitivity * pressure, b.goodwill * us.trust * (1 - gap)
    assert easing.reasons(us) == pytest.approx((home, reward))
    kept = us.utility.holds[TARIFF] / max(us.utility.holds.values()) * lever.restrictiveness
    balance = home + reward - us.resolve_share() * gap - kept - b.pressure_sensitivity * us.push
    chance = b.easing * max(0.0, min(1.0, balance))
    assert 0.0 < chance < b.easing
    d = _decides(m, chance - 1e-9)
    assert d.action == coercion.EASE
    step = min(lever.restrictiveness, b.escalation_step * (home + reward))
    assert d.value == pytest.approx(lever.spec.value_at(lever.restrictiveness - step))
    assert step < lever.restrictiveness  # the step, not the whole measure
    again = bound_world(baseline, draws=_Draw(), pressure=pressure, **kw)
    again.negotiators["us"].pushed(0.05)
    assert _decides(again, chance + 1e-9).action != coercion.EASE


def test_a_side_eases_only_a_measure_the_other_side_minds_and_not_a_delivery(baseline):
    m = bound_world(baseline)
    us = m.negotiators["us"]
    wants = us.wanted()
    picked = easing.candidate(us)
    assert wants[picked.spec.id] == max(wants[k] for k, lv in us.levers.items()
                                        if lv.restrictiveness > easing.SMALLEST_STEP)
    for lever in us.levers.values():  # fully open: nothing to ease
        lever.set(lever.spec.value_at(0.0))
    assert easing.candidate(us) is None


def test_the_deal_worth_counts_every_term_delivered(baseline):
    """What a deal is worth: the utility with every term delivered (even those not yet
    implemented) over the expected lapse; never below 0."""
    from sim.engine import clock

    m = bound_world(baseline)
    us = m.negotiators["us"]
    kept, lapsed = clock.kept_and_lapsed(m, us, clock.snapback(m, m.agreement), delivered=True)
    assert pressing.deal_worth(m, us) == pytest.approx(max(0.0, kept - lapsed))
    assert pressing.deal_worth(m, us) > 0
    fresh = NegotiationModel(baseline, seed=1, day=60)
    comprehensive(fresh, implemented=False)  # nothing implemented: still worth the terms
    assert pressing.deal_worth(fresh, fresh.negotiators["us"]) > 0
    none = NegotiationModel(baseline, seed=1, day=60)
    assert pressing.deal_worth(none, none.negotiators["us"]) == 0.0


@pytest.mark.parametrize("implemented", [True, False])
def test_pressing_is_priced_with_the_retaliation_a_breach_frees(baseline, implemented):
    """Each option's net is gain - cost at home - (retaliation on free levers + the
    retaliation on the levers the deal had bound) - the deal's worth at risk; the gain is for
    the demands the deal leaves unmet once delivered, not for what it already promises."""
    from sim.engine.pricing import RETALIATION_WEIGHT, balance

    m = NegotiationModel(scripted(baseline, {"us": {"resolve": 0.5, "pressure_sensitivity": 0.1}}),
                         seed=1, day=60)
    comprehensive(m, implemented=implemented)
    assert (m.negotiators["us"].demand_gap() > m.negotiators["us"].demand_gap(m.agreement.terms)
            + 0.01) is not implemented
    us = m.negotiators["us"]
    worth = pressing.deal_worth(m, us)
    freed = us.retaliation_exposure(None) - us.retaliation_exposure(m.agreement)
    assert freed > 0
    gap = us.demand_gap(m.agreement.terms)
    for o in pressing.options(m, us, m.agreement):
        h = o.lever.spec.restrictiveness(o.value)
        gain, own, retaliation = balance(m, us, o.lever, h, gap)
        retaliation += RETALIATION_WEIGHT * us.expected_retaliation() * freed
        at_risk = (pressing.HALT_AT_RISK if o.kind == pressing.HALT else pressing.DEAL_AT_RISK)
        assert o.net == pytest.approx(gain - own - retaliation - at_risk * worth)
    nets = [o.net for o in pressing.options(m, us, m.agreement)]
    assert nets == sorted(nets, reverse=True)


def test_each_option_orders_what_it_says(baseline):
    """Re-imposing early: the legal level with the newest suspended layer back, on a lever
    restrictive at its low end too (China's licences fall by the suspended share). Tightening a
    bound lever with nothing suspended: by escalation_step x the demands the deal leaves unmet.
    Halting: on each own lever whose agreed easing is not complete, where it stands."""
    m = bound_world(baseline)
    china = m.negotiators["china"]
    lic = m.levers[LICENCES]
    [re] = [o for o in pressing.options(m, china, m.agreement) if o.lever is lic]
    assert re.kind == pressing.REINSTATE and lic.stack.suspended
    assert re.value == pytest.approx(lic.stack.level - lic.stack.suspended[0].amount)
    assert re.value < lic.value
    # a deal that raised the chip controls (nothing suspended on them): widening is the option
    w = NegotiationModel(baseline, seed=1, day=60)
    h = {k: lv.spec.restrictiveness for k, lv in w.levers.items()}
    w.sign("geneva", {TARIFF: h[TARIFF](30), CN_TARIFF: h[CN_TARIFF](10),
                      LICENCES: h[LICENCES](0.5), CHIPS: h[CHIPS](0.5), VISAS: h[VISAS](0.05)})
    for lever_id, value in w.agreement.terms.items():
        w.levers[lever_id].set(value)
    us = w.negotiators["us"]
    chips = w.levers[CHIPS]
    assert not chips.stack.suspended
    [widen] = [o for o in pressing.options(w, us, w.agreement) if o.lever is chips]
    gap = us.demand_gap(w.agreement.terms)
    step = min(1.0 - chips.restrictiveness, us.behaviour.escalation_step * gap)
    assert widen.kind == pressing.WIDEN and widen.layer == ""
    assert widen.value == pytest.approx(chips.spec.value_at(chips.restrictiveness + step))
    # halting: signed today, nothing implemented yet
    fresh = NegotiationModel(baseline, seed=1, day=60)
    comprehensive(fresh, implemented=False)
    us = fresh.negotiators["us"]
    halts = {o.lever.spec.id: o for o in pressing.options(fresh, us, fresh.agreement)
             if o.kind == pressing.HALT}
    assert set(halts) == {TARIFF, CHIPS, VISAS}
    assert all(o.value == o.lever.value and o.layer == "" for o in halts.values())
    # implemented as agreed: nothing left to halt
    assert not [o for o in pressing.options(m, m.negotiators["us"], m.agreement)
                if o.kind == pressing.HALT]

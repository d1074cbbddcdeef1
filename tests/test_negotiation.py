"""The alternating-offers protocol and the behaviour presets (shared invariants + table cases)."""

from __future__ import annotations

import random

import pytest

from sim.engine.behaviour import PARAMS, PRESETS, Behaviour, make_behaviour
from sim.engine.negotiation import Side, Utility, alternate_offers, best_h
from sim.engine.spec import BehaviourSpec

AGENDA = ["a.x", "b.y"]
NOW = {"a.x": 0.8, "b.y": 0.8}


def side(actor: str, reservation: float, concession: float = 1.0, mirroring: float = 0.0) -> Side:
    own, theirs = ("a.x", "b.y") if actor == "a" else ("b.y", "a.x")
    utility = Utility(wants={theirs: 1.0}, holds={own: 0.3})
    belief = Utility(wants={own: 1.0}, holds={theirs: 0.3})
    return Side(actor, utility, belief, frozenset({own}), reservation, concession, mirroring)


def status_quo() -> float:
    return side("a", 0).utility.of(NOW)


def test_overlapping_zones_reach_an_agreement_both_prefer_to_no_deal():
    a, b = side("a", status_quo()), side("b", status_quo())
    outcome = alternate_offers(a, b, AGENDA, NOW, rounds=10)
    assert outcome.agreed
    assert a.utility.of(outcome.package) >= a.reservation
    assert b.utility.of(outcome.package) >= b.reservation


def test_no_agreement_when_acceptable_zones_cannot_overlap():
    # the symmetric best compromise is worth about 0.84 to each: ask 0.9 each
    a, b = side("a", 0.9), side("b", 0.9)
    outcome = alternate_offers(a, b, AGENDA, NOW, rounds=10)
    assert not outcome.agreed


def test_an_offer_below_the_responders_reservation_is_rejected():
    a = side("a", status_quo(), concession=0.2)
    b = side("b", status_quo() + 0.12)
    outcome = alternate_offers(a, b, AGENDA, NOW, rounds=12)
    for r in outcome.rounds:
        responder = b if r.proposer == "a" else a
        if r.responder_utility < responder.reservation:
            assert not r.accepted
    assert any(r.responder_utility < b.reservation for r in outcome.rounds if r.proposer == "a")


def test_no_side_makes_offers_worth_less_than_its_reservation():
    a, b = side("a", status_quo() + 0.05), side("b", status_quo())
    outcome = alternate_offers(a, b, AGENDA, NOW, rounds=12)
    for r in outcome.rounds:
        proposer = a if r.proposer == "a" else b
        assert r.proposer_utility >= proposer.reservation - 1e-9


def test_offers_never_add_restrictions():
    a, b = side("a", status_quo()), side("b", status_quo())
    outcome = alternate_offers(a, b, AGENDA, NOW, rounds=10)
    for r in outcome.rounds:
        assert all(r.package[k] <= NOW[k] + 1e-12 for k in AGENDA)


@pytest.mark.parametrize("own, other, lam, now, expected", [
    (1.0, 0.0, 1.0, 0.7, 0.7),     # nobody wants it eased: keep it
    (0.0, 1.0, 1.0, 0.7, 0.0),     # holder does not value it: give it all
    (1.0, 1.0, 1e6, 0.7, 0.0),     # all weight on the wanter: (nearly) fully open
    (1.0, 1.0, 1e-6, 0.7, 0.7),    # all weight on the holder: unchanged
])
def test_best_h_table(own, other, lam, now, expected):
    assert best_h(own, other, lam, now) == pytest.approx(expected, abs=1e-2)


def test_boulware_holds_out_longer_than_a_conceder():
    boulware, conceder = side("a", 0.3, concession=0.25), side("a", 0.3, concession=3.0)
    for s in (boulware, conceder):
        s.frontier(AGENDA, NOW)
    assert boulware.target(5, 12, 0.0) > conceder.target(5, 12, 0.0)
    assert boulware.target(11, 12, 0.0) == pytest.approx(conceder.target(11, 12, 0.0))


def test_a_mirroring_side_concedes_only_as_the_other_does():
    mirror = side("a", 0.0, mirroring=1.0)
    mirror.frontier(AGENDA, NOW)
    assert mirror.target(6, 12, 0.0) > mirror.target(6, 12, 0.2)


# --- presets: shared invariants, in the manner of Axelrod's strategy tests -----------------------

@pytest.mark.parametrize("name", sorted(PRESETS))
def test_every_preset_is_named_described_and_within_ranges(name):
    preset = PRESETS[name]
    assert preset.name == name and preset.description
    for key, value in preset.values.items():
        assert key in PARAMS, key
        assert PARAMS[key].low <= value <= PARAMS[key].high


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_every_preset_targets_fall_by_the_clock_and_stay_above_reservation(name):
    b = make_behaviour(BehaviourSpec.written({"preset": name}), random.Random(0))
    s = side("a", 0.35, concession=b.concession)
    s.frontier(AGENDA, NOW)
    targets = [s.target(t, 10, 0.0) for t in range(10)]
    assert all(x >= y - 1e-12 for x, y in zip(targets, targets[1:], strict=False))
    assert min(targets) >= s.reservation


@pytest.mark.parametrize("name, field, relation, default", [
    ("boulware", "concession", "<", 1.0),
    ("conceder", "concession", ">", 1.0),
    ("hawk", "resolve", ">", Behaviour().resolve),
    ("hawk", "restraint", "<", Behaviour().restraint),
    ("dove", "restraint", ">", Behaviour().restraint),
    ("dove", "compliance", ">", Behaviour().compliance),
    ("tit_for_tat", "mirroring", ">", Behaviour().mirroring),
    ("tit_for_tat", "reciprocity", ">", Behaviour().reciprocity),
])
def test_preset_character_table(name, field, relation, default):
    b = make_behaviour(BehaviourSpec.written({"preset": name}), random.Random(0))
    value = getattr(b, field)
    assert value < default if relation == "<" else value > default


def test_scenario_values_override_the_preset():
    b = make_behaviour(BehaviourSpec.written({"preset": "hawk", "resolve": 0.01}),
                       random.Random(0))
    assert b.resolve == 0.01 and b.concession == PRESETS["hawk"].values["concession"]


def test_distributions_are_drawn_within_bounds_and_fixed_by_the_seed():
    spec = BehaviourSpec.written({"patience": {"uniform": [0.2, 0.4]},
                                  "compliance": {"normal": [0.9, 0.5]}})
    draws = [make_behaviour(spec, random.Random(seed)) for seed in range(50)]
    assert all(0.2 <= b.patience <= 0.4 and 0.0 <= b.compliance <= 1.0 for b in draws)
    assert make_behaviour(spec, random.Random(7)) == make_behaviour(spec, random.Random(7))
    assert len({b.patience for b in draws}) > 40

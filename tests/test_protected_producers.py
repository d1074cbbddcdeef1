"""Constituencies with a direction: a group can gain from its side's measures and push it to
escalate (Grossman and Helpman's protection for sale; Putnam's win-set narrowed from home).

Producers a lever protects (kind `protected`) press in proportion to how far the lever restricts
less than protects them; a group whose `direction` is `escalate` adds to its side's *push* (what
pressing is worth to it, and what a deal must give it) instead of its pressure to settle; a side
without such groups is unchanged; over seeds of the steel episode, steelmakers who push make the
US keep higher tariffs. (Bad input: tests/bad_scenarios/protected_*.yaml.)
"""

from __future__ import annotations

import copy
import math
import statistics
from pathlib import Path

import pytest

from sim.engine import coercion
from sim.engine.constituents import ProtectedProducers
from sim.engine.model import NegotiationModel
from sim.engine.spec import ProtectedParams
from sim.scenario.language import load_scenario, scenario_from_data

ROOT = Path(__file__).resolve().parent.parent
STEEL = ROOT / "scenarios" / "steel_2018.yaml"
TARIFF = "us.tariff_on_eu_metals"


@pytest.fixture(scope="module")
def steel():
    return load_scenario(STEEL)


def _variant(steel, **group):
    data = copy.deepcopy(dict(steel.data))
    data["actors"]["us"]["constituencies"]["steelmakers"].update(group)
    return scenario_from_data(data, steel.file)


def test_the_steel_episode_has_steelmakers_that_push_the_us_to_escalate(steel):
    [group] = [k for k in steel.actors["us"].constituencies if k.kind == "protected"]
    assert group.id == "us.steelmakers" and group.direction == "escalate"
    assert group.params == ProtectedParams(TARIFF, 0.9)
    assert group.origin.startswith("source: fastmarkets_oct2021: ")
    assert {k.direction for k in steel.actors["eu"].constituencies} == {"settle"}


def test_protected_producers_press_by_how_far_their_lever_falls_short(steel):
    model = NegotiationModel(steel, seed=1)
    [producers] = model.constituents["us.steelmakers"]
    lever = model.levers[TARIFF]
    assert isinstance(producers, ProtectedProducers)
    for value, pressure in ((0.0, 1.0), (0.45 * 25, 0.5), (0.9 * 25, 0.0), (25.0, 0.0)):
        lever.set(value)
        assert producers.feel() == pytest.approx(pressure)


def test_a_group_pushing_to_escalate_is_the_sides_push_not_its_pressure(steel):
    """At the start (metals tariff 0) the steelmakers press with full force: the US's push is
    their weight over all its groups' weights, and its pressure leaves them out."""
    model = NegotiationModel(steel, seed=1)
    us = model.negotiators["us"]
    weights = {k.id: k.weight for k in steel.actors["us"].constituencies}
    assert us.push == pytest.approx(weights["us.steelmakers"] / sum(weights.values()))
    settle = sum(w * model.group_pressure[cid] for cid, w in weights.items()
                 if cid != "us.steelmakers")
    assert us.pressure == pytest.approx(settle / sum(weights.values()))
    assert model.negotiators["eu"].push == 0.0
    assert "us.push" in model.columns and "eu.push" not in model.columns


def test_push_narrows_the_win_set_and_adds_to_what_pressing_is_worth(steel):
    model = NegotiationModel(steel, seed=1)
    us = model.negotiators["us"]
    lever = model.levers["us.tariff_on_eu_cars"]
    us.pushed(0.0)
    calm_reservation = us.reservation(0.5)
    calm_gain = coercion.weigh(model, us, lever, 0.5)
    us.pushed(0.5)
    assert us.reservation(0.5) == pytest.approx(
        calm_reservation + us.behaviour.pressure_sensitivity * 0.5 * 0.3)
    pushed = coercion.weigh(model, us, lever, 0.5)
    assert pushed[0] >= calm_gain[0] and "pressed for at home" in pushed[1]


def test_the_group_a_lever_protects_is_not_exposure_to_it(steel):
    """Exposure to its own lever is the share of groups its restriction hurts (steel users);
    the producers it protects are not among them."""
    us = NegotiationModel(steel, seed=1).negotiators["us"]
    weights = {k.id: k.weight for k in steel.actors["us"].constituencies}
    assert us.exposure(TARIFF) == pytest.approx(weights["us.steel_users"]
                                                / sum(weights.values()))


def test_a_dispute_without_such_groups_has_no_push():
    model = NegotiationModel(load_scenario(ROOT / "scenarios" / "baseline.yaml"), seed=1)
    model.run_to_end()
    assert all(n.push == 0.0 for n in model.negotiators.values())
    assert not any(name.endswith(".push") for name in model.columns)


@pytest.mark.slow
def test_steelmakers_who_push_keep_us_tariffs_higher(steel):
    """Direction, at 4 standard errors or more over 60 paired seeds: with the steelmakers'
    weight at 0.6 rather than 0, the US keeps a higher average metals tariff over the run."""
    means = {}
    for weight in (0.0, 0.6):
        s = _variant(steel, weight=weight)
        means[weight] = [statistics.mean(NegotiationModel(s, seed=2018 + i).run_to_end()
                                         .columns[TARIFF]) for i in range(60)]
    diffs = [b - a for a, b in zip(means[0.0], means[0.6], strict=True)]
    mean = statistics.mean(diffs)
    se = statistics.stdev(diffs) / math.sqrt(len(diffs))
    assert mean > 4 * se, (mean, se)


def test_groups_pushing_to_escalate_add_up(steel):
    """A second group pushing the same way (the steel users, made to push for the test) adds
    its weighted pressure to the push; the side's pressure keeps only those left to settle."""
    data = copy.deepcopy(dict(steel.data))
    data["actors"]["us"]["constituencies"]["steel_users"]["direction"] = "escalate"
    model = NegotiationModel(scenario_from_data(data, steel.file), seed=1)
    model.step()  # a day: the firms' stocks have been counted once
    weights = {k.id: k.weight for k in model.spec.actors["us"].constituencies}
    pushing = ("us.steelmakers", "us.steel_users")
    expected = sum(weights[c] * model.group_pressure[c] for c in pushing) / sum(weights.values())
    assert model.negotiators["us"].push == pytest.approx(expected)
    assert model.group_pressure["us.steel_users"] > 0.0  # firms start below their comfort

"""Prepared instruments: measures a side has ready in law (a rate, a list adopted in advance),
imposed in full when the side tightens the lever, and stages scheduled with the one before them.

The steel episode carries them (the Section 232 duties; the EU's rebalancing in two stages, the
second "in three years' time"); a decision point whose agenda names a measure decides on that
measure only; a scheduled stage takes effect at its date unless its side stops it. Scenarios
without instruments or decision agendas are unchanged: when this was built, the 13 other shipped
scenarios were run on 8 seeds each before and after, timelines and logs hashed, identical. Bad
input: tests/bad_scenarios/instrument_*.yaml and decision_agenda_other_side.yaml.
"""

from __future__ import annotations

import copy
import math
import statistics
from pathlib import Path

import pytest

from sim.engine import coercion
from sim.engine.model import NegotiationModel
from sim.scenario.language import load_scenario, scenario_from_data
from tests.test_statuses_and_events import _Draw

ROOT = Path(__file__).resolve().parent.parent
STEEL = ROOT / "scenarios" / "steel_2018.yaml"
METALS, CARS, DUTIES = "us.tariff_on_eu_metals", "us.tariff_on_eu_cars", "eu.rebalancing_duties"


@pytest.fixture(scope="module")
def steel():
    return load_scenario(STEEL)


def _always(steel, seed: int = 1) -> NegotiationModel:
    """The steel episode on its first day, where every draw succeeds (a side that may act,
    acts)."""
    model = NegotiationModel(steel, seed=seed, draws=_Draw(seed))
    model.random.fix(0.0)
    return model


def test_the_steel_levers_carry_their_instruments_with_sources(steel):
    specs = {lv.id: lv for lv in steel.levers}
    [s232] = specs[METALS].instruments
    assert (s232.name, s232.amount, s232.after_days) == ("section_232", 22.7, 0)
    first, second = specs[DUTIES].instruments
    assert (first.name, first.amount, first.after_days) == ("first_stage", 0.44, 0)
    assert (second.name, second.amount, second.after_days) == ("second_stage", 0.56, 1095)
    assert s232.source.startswith("source: cmtradelaw_may2018: ")
    assert "in three years' time" in second.source
    assert specs[CARS].instruments == ()


def test_a_prepared_instrument_is_announced_and_imposed_in_full(steel):
    model = _always(steel)
    us, lever = model.negotiators["us"], model.levers[METALS]
    d = coercion.consider(model, us, "test", agenda=(METALS,))
    assert d.action == coercion.THREATEN  # one day's notice (the proclamation's)
    assert d.value == pytest.approx(22.7) and d.threat.instrument == "section_232"
    assert d.threat.target == "eu"
    assert d.why.startswith("test: US announces US average tariff on EU steel and aluminium of "
                            "23 % (section 232) (now 0 %) from 2018-03-02 unless EU meets")
    model.apply(d)
    assert lever.next_instrument() is None  # announced: spent, whatever becomes of it
    done = coercion.at_deadline(model, us, d.threat)
    assert done.action == coercion.CARRY_OUT
    model.apply(done)
    assert lever.order == pytest.approx(22.7)
    top = lever.stack.layers[-1]
    assert (top.name, top.amount, top.if_cut) == ("section_232", pytest.approx(22.7), "suspend")
    measure = model.entries[-1]
    assert measure.kind == "measure" and measure.actor == "us"
    assert "from 0 % to 23 % (section 232): the deadline passed" in measure.why


def test_with_its_instruments_spent_a_side_presses_in_steps_again(steel):
    model = _always(steel)
    us, lever = model.negotiators["us"], model.levers[METALS]
    lever.take("section_232")
    d = coercion.consider(model, us, "test", agenda=(METALS,))
    step = min(1.0, us.behaviour.escalation_step * us.demand_gap())
    assert d.value == pytest.approx(lever.spec.value_at(lever.restrictiveness + step))
    assert d.threat.instrument == ""
    assert f"of {lever.spec.describe(d.value)} (now 0 %) from" in d.why  # no instrument named


def test_without_notice_an_instrument_is_imposed_at_once(steel):
    data = copy.deepcopy(dict(steel.data))
    data["actors"]["us"]["behaviour"]["threat_days"] = 0
    model = NegotiationModel(scenario_from_data(data, steel.file), seed=1, draws=_Draw(1))
    model.random.fix(0.0)
    lever = model.levers[METALS]
    d = coercion.consider(model, model.negotiators["us"], "test", "deadline", agenda=(METALS,))
    assert (d.action, d.meeting, d.instrument) == (coercion.IMPOSE, "deadline", "section_232")
    model.apply(d)
    assert lever.order == pytest.approx(22.7) and lever.next_instrument() is None
    assert lever.stack.layers[-1].name == "section_232"


def test_a_decision_point_decides_on_the_measures_its_agenda_names(steel):
    for agenda in ((METALS,), (CARS,)):
        for seed in range(6):
            model = _always(steel, seed)
            d = coercion.consider(model, model.negotiators["us"], "test", agenda=agenda)
            assert d.lever_id == agenda[0]
    model = _always(steel, 0)  # the same draw without an agenda: the metals
    assert coercion.consider(model, model.negotiators["us"], "test").lever_id == METALS


def test_imposing_a_stage_announces_the_stage_scheduled_with_it(steel):
    model = NegotiationModel(steel, seed=1)
    eu, lever = model.negotiators["eu"], model.levers[DUTIES]
    news = model.news
    first = lever.take("first_stage")
    eu.impose(lever, lever.with_instrument(first), "test", instrument=first)
    assert lever.order == pytest.approx(0.44)
    [threat] = model.truce.threats
    assert (threat.actor, threat.lever_id, threat.instrument) == ("eu", DUTIES, "second_stage")
    assert threat.scheduled and threat.target == "us" and threat.announced == model.day
    assert threat.due == model.day + 1095 and threat.value == pytest.approx(1.0)
    assert lever.next_instrument() is None
    measure, scheduled = model.entries[-2:]
    assert measure.kind == "measure" and "to 44 % (first stage): test" in measure.why
    assert (scheduled.actor, scheduled.kind) == ("eu", "threat")
    assert scheduled.why == ("EU schedules EU rebalancing duties (share of EUR 6.4 bn) of 100 % "
                             "(second stage) from 2021-02-28, adopted with the measure before it")
    # the news of the day: the measure's step, and half the scheduled stage's rise
    assert model.news == pytest.approx(news - 0.44 - 0.56 / 2)


def test_at_its_date_a_scheduled_stage_goes_ahead_unless_going_ahead_costs_its_side(steel):
    """A stage adopted in advance is the default at its date: with nothing against it, it is
    carried out even when pressing for it is worth little; a net cost beyond what backing down
    costs at home stops it."""
    model = NegotiationModel(steel, seed=1, draws=_Draw(1))
    eu, lever = model.negotiators["eu"], model.levers[DUTIES]
    first = lever.take("first_stage")
    eu.impose(lever, lever.with_instrument(first), "test", instrument=first)
    [threat] = model.truce.threats
    model.random.fix(0.999)  # a draw that only a certain outcome passes
    assert coercion.at_deadline(model, eu, threat).action == coercion.CARRY_OUT
    eu.feel(1.0)  # its firms and markets in full pain: going ahead now costs it
    assert coercion.at_deadline(model, eu, threat).action == coercion.BACK_DOWN


def _quiet(steel, scheduled: bool):
    """The steel episode up to the EU's rebalancing decision, with no talks after it: what the
    second stage does is the EU's own."""
    data = copy.deepcopy(dict(steel.data))
    data["meetings"] = [m for m in data["meetings"] if str(m["date"]) <= "2018-06-20"]
    if not scheduled:
        del data["actors"]["eu"]["levers"]["rebalancing_duties"]["instruments"]["second_stage"][
            "after_days"]
    return scenario_from_data(data, steel.file)


@pytest.mark.slow  # 80 runs of the steel episode (about 3 s)
def test_direction_a_scheduled_second_stage_raises_the_eus_duties_by_the_end(steel):
    """Direction at 4 standard errors or more, paired seeds: with its second stage scheduled
    the EU ends with higher rebalancing duties than with the same stage merely prepared."""
    with_schedule, without = _quiet(steel, True), _quiet(steel, False)
    diffs = []
    for seed in range(40):
        a = NegotiationModel(with_schedule, seed=seed).run_to_end().columns[DUTIES][-1]
        b = NegotiationModel(without, seed=seed).run_to_end().columns[DUTIES][-1]
        diffs.append(a - b)
    mean, se = statistics.mean(diffs), statistics.stdev(diffs) / math.sqrt(len(diffs))
    assert mean > 4 * se, (mean, se)


def test_only_the_next_instrument_can_be_taken_and_each_once(steel):
    model = NegotiationModel(steel, seed=1)
    lever = model.levers[DUTIES]
    assert lever.take("second_stage") is None  # not the next one: nothing is spent
    assert lever.next_instrument().name == "first_stage"
    assert lever.take("first_stage").name == "first_stage"
    assert lever.take("first_stage") is None
    assert lever.take("second_stage").name == "second_stage"
    assert lever.next_instrument() is None and lever.take("second_stage") is None


def test_an_instrument_keeps_its_legal_form_and_eases_a_lever_restrictive_at_its_low_end():
    """On a lever whose restrictive end is low (a share of licences approved) an instrument
    lowers the value; a layer it adds has the form the scenario gives (`drop` here)."""
    base = load_scenario(ROOT / "scenarios" / "baseline.yaml")
    data = copy.deepcopy(dict(base.data))
    data["actors"]["china"]["levers"]["rare_earth_licensing"]["instruments"] = {
        "suspension": {"amount": 0.1, "if_cut": "drop", "assumption": "a list of licences"},
        "next_day": {"amount": 0.05, "after_days": 1, "assumption": "a stage a day later"}}
    scenario = scenario_from_data(data, base.file)
    model = NegotiationModel(scenario, seed=1)
    china, lever = model.negotiators["china"], model.levers["china.rare_earth_licensing"]
    before = lever.value
    instrument = lever.take("suspension")
    value = lever.with_instrument(instrument)
    assert value == pytest.approx(before - 0.1)
    china.impose(lever, value, "test", instrument=instrument)
    top = lever.stack.layers[-1]
    assert (top.name, top.amount, top.if_cut) == ("suspension", pytest.approx(0.1), "drop")
    [stage] = model.truce.threats  # a day is enough to schedule
    assert stage.due == model.day + 1 and stage.value == pytest.approx(before - 0.15)


def test_a_scheduled_stage_is_dropped_with_the_documented_chance(steel):
    """Where going ahead costs its side something short of certain (0 < net cost < 1), the
    stage is dropped with chance: cost at home + expected retaliation - expected gain - what
    backing down costs at home; a draw just either side of it decides."""
    from sim.engine.pricing import balance
    for pressure in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8):
        model = NegotiationModel(steel, seed=1, draws=_Draw(1))
        eu, lever = model.negotiators["eu"], model.levers[DUTIES]
        first = lever.take("first_stage")
        eu.impose(lever, lever.with_instrument(first), "test", instrument=first)
        [threat] = model.truce.threats
        eu.feel(pressure)
        gain, own, retaliation = balance(model, eu, lever, lever.spec.restrictiveness(
            threat.value))
        against = own + retaliation - gain - eu.behaviour.audience_cost
        if 0.05 < against < 0.95:
            break
    else:
        pytest.fail("no pressure puts the net cost of going ahead strictly between 0 and 1")
    assert gain > 0 and retaliation > 0  # each term is read
    model.random.fix(1.0 - against - 0.004)
    assert coercion.at_deadline(model, eu, threat).action == coercion.CARRY_OUT
    model.random.fix(1.0 - against + 0.004)
    assert coercion.at_deadline(model, eu, threat).action == coercion.BACK_DOWN

"""Every talks status and every event kind the engine logs, each reached on purpose: when it
happens and why.

Scenarios are scripted in code from the baseline (a behaviour changed, a meeting moved, a shock
added) and, for the status rule itself, by setting the model's state directly. These tests pin
today's engine (statuses derived each day by ``NegotiationModel.talks_status``; events logged by
``NegotiationModel.log``); an engine change that alters them must change them on purpose.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from dataclasses import replace

import pytest

from sim.engine import agents, events
from sim.engine import model as model_mod
from sim.engine.model import MEASURE_MEMORY_DAYS, STALL_TRUST, STATUSES, NegotiationModel
from sim.engine.negotiation import Agreement
from sim.engine.spec import ShockSpec, Trigger

EVENT_KINDS = {"offer", "agreement", "no agreement", "talks not held", "call", "call declined",
               "talks restart", "shock", "measure", "slow-walk", "implement", "renewal", "lapse"}


# -- scripting -------------------------------------------------------------------------------------
def scripted(base, behaviour: dict | None = None, meetings: list | None = None,
             shocks: list | None = None):
    """A copy of ``base`` with some actors' behaviour changed and/or other meetings or shocks."""
    s = copy.copy(base)
    actors = dict(base.actors)
    for actor, params in (behaviour or {}).items():
        spec = actors[actor]
        actors[actor] = replace(spec, behaviour={**spec.behaviour, **params})
    s.actors = actors
    if meetings is not None:
        s.meetings = meetings
    if shocks is not None:
        s.shocks = shocks
    return s


def meeting(base, name: str, **changes):
    return replace(next(m for m in base.meetings if m.name == name), **changes)


def day_of(scenario, date: dt.date) -> int:
    return (date - scenario.start).days


def entries(model: NegotiationModel, kind: str) -> list:
    return [e for e in model.entries if e.kind == kind]


def run(scenario, seed: int = 1) -> NegotiationModel:
    return NegotiationModel(scenario, seed=seed).run_to_end()


# -- the status rule, explained from the outputs alone ---------------------------------------------
def explain_statuses(model: NegotiationModel) -> list[str]:
    """Each day's status, worked out again from the event log and the trust columns only.

    This is the documented rule (docs/architecture.md; ``talks_status``): no agreement in force ->
    ``talks_restarted`` if a call came after the last signing, else ``escalating``; with one ->
    ``talks_restarted`` if a call came after it was signed (or renewed), ``stalled`` if a measure
    came since then within the last 14 days or either side's trust is below 0.3, else ``truce``
    for a first agreement and ``framework_agreed`` for one that built on another.
    """
    signed = follows = None
    last_call, last_sign, last_measure = -1, -1, -10**6
    by_day: dict[int, list] = {}
    for e in model.entries:
        by_day.setdefault(e.day, []).append(e)
    out = []
    trust_columns = [model.columns[f"{a}.trust"] for a in model.negotiators]
    for k in range(len(model.columns["date"])):
        for e in by_day.get(k, []):
            if e.kind == "agreement":
                follows, signed, last_sign = signed is not None, k, k
            elif e.kind == "renewal":
                signed = k
            elif e.kind == "lapse":
                signed = follows = None
            elif e.kind == "talks restart":
                last_call = k
            elif e.kind == "measure":
                last_measure = k
        if signed is None:
            out.append("talks_restarted" if last_call > last_sign and last_call >= 0
                       else "escalating")
        elif last_call > signed:
            out.append("talks_restarted")
        elif (last_measure >= signed and k - last_measure <= MEASURE_MEMORY_DAYS) \
                or min(c[k] for c in trust_columns) < STALL_TRUST:
            out.append("stalled")
        else:
            out.append("framework_agreed" if follows else "truce")
    return out


def many_runs(baseline):
    """A mix of scripted worlds and seeds in which every status word occurs."""
    hawkish = {"us": {"restraint": 0.0, "reciprocity": 1.0}}
    short = {"us": {"commitment_days": 10}, "china": {"commitment_days": 10}}
    worlds = [baseline, scripted(baseline, hawkish), scripted(baseline, short),
              scripted(baseline, meetings=[m for m in baseline.meetings
                                           if m.name != "london"])]
    return [run(w, seed) for w in worlds for seed in range(1, 7)]


def test_every_days_status_follows_from_the_events_and_trust(baseline):
    """The status column is exactly what the event log and the trust columns imply, every day
    of 24 runs, and all five status words occur among them (so each branch is checked)."""
    seen = set()
    for m in many_runs(baseline):
        assert m.columns["status"] == explain_statuses(m)
        seen |= set(m.columns["status"])
    assert seen == set(STATUSES)


# -- each status on its day ------------------------------------------------------------------------
def test_escalating_until_the_first_agreement_then_truce_on_its_day(baseline):
    m = run(baseline, seed=1)
    geneva = entries(m, "agreement")[0]
    assert geneva.meeting == "geneva" and geneva.day == day_of(baseline, dt.date(2025, 5, 10))
    status = m.columns["status"]
    assert set(status[:geneva.day]) == {"escalating"}
    # signed that day, no measure since and both trusts at least 0.3: a (first) truce
    assert min(m.columns["us.trust"][geneva.day], m.columns["china.trust"][geneva.day]) >= 0.3
    assert status[geneva.day] == "truce"


def test_the_call_restarts_talks_until_london_signs_a_framework(baseline):
    m = run(baseline, seed=1)
    call = entries(m, "talks restart")[0]
    london = entries(m, "agreement")[1]
    assert call.day == day_of(baseline, dt.date(2025, 6, 5))
    assert london.meeting == "london" and london.day == day_of(baseline, dt.date(2025, 6, 9))
    status = m.columns["status"]
    assert set(status[call.day:london.day]) == {"talks_restarted"}
    assert status[london.day] == "framework_agreed"  # an agreement that follows Geneva's


def _model_with_agreement(baseline, signed: int, follows: Agreement | None = None):
    m = NegotiationModel(baseline, seed=1)
    m.agreement = Agreement("geneva", signed, 90, {}, {}, follows)
    m.last_sign_day = signed
    for n in m.negotiators.values():
        n.trust = 0.5
    return m


def test_a_measure_stalls_a_truce_for_exactly_fourteen_days(baseline):
    m = _model_with_agreement(baseline, signed=10)
    m.day = 20
    m.log("us", "measure", "a new restriction")
    stalled = []
    for day in range(20, 40):
        m.day = day
        stalled.append(m.talks_status() == "stalled")
    assert stalled == [True] * (MEASURE_MEMORY_DAYS + 1) + [False] * 5
    assert m.talks_status() == "truce"


def test_a_measure_before_the_signing_does_not_stall_it(baseline):
    m = _model_with_agreement(baseline, signed=10)
    m.day = 9
    m.log("us", "measure", "a restriction before the deal")
    m.day = 12
    assert m.talks_status() == "truce"


@pytest.mark.parametrize("trust, expected", [(STALL_TRUST - 0.001, "stalled"),
                                             (STALL_TRUST, "truce")])
def test_trust_below_the_stall_line_on_either_side_stalls(baseline, trust, expected):
    for side in ("us", "china"):
        m = _model_with_agreement(baseline, signed=10)
        m.day = 30
        m.negotiators[side].trust = trust
        assert m.talks_status() == expected, side


def test_a_later_agreement_is_a_framework_and_a_call_after_it_restarts_talks(baseline):
    first = Agreement("geneva", 5, 90, {}, {})
    m = _model_with_agreement(baseline, signed=30, follows=first)
    m.day = 40
    assert m.talks_status() == "framework_agreed"
    m.last_call_day = 30  # a call on the signing day does not restart talks ...
    assert m.talks_status() == "framework_agreed"
    m.last_call_day = 31  # ... one the day after does
    assert m.talks_status() == "talks_restarted"


def test_without_an_agreement_a_call_restarts_talks_until_one_is_signed(baseline):
    m = NegotiationModel(baseline, seed=1)
    assert m.status == m.talks_status() == "escalating"
    m.day = 3
    m.call_held("leaders_call", "Leaders' call")
    assert m.talks_pending() and m.talks_status() == "talks_restarted"
    m.last_sign_day = 3  # an agreement signed the same day, since lapsed
    assert not m.talks_pending() and m.talks_status() == "escalating"


# -- every event kind ------------------------------------------------------------------------------
def test_offers_alternate_on_the_talks_day_and_the_accepted_one_is_signed(baseline):
    m = run(baseline, seed=1)
    geneva_day = day_of(baseline, dt.date(2025, 5, 10))
    offers = [e for e in entries(m, "offer") if e.meeting == "geneva"]
    assert offers and {e.day for e in offers} == {geneva_day}
    proposers = [e.actor for e in offers]
    assert all(a != b for a, b in zip(proposers, proposers[1:], strict=False))
    assert len(offers) <= meeting(baseline, "geneva").rounds
    assert all("rejects" in e.why for e in offers[:-1]) and "accepts" in offers[-1].why
    rounds = [int(re.search(r"round (\d+)", e.why).group(1)) for e in offers]
    assert rounds == list(range(1, len(offers) + 1))
    after = m.entries[m.entries.index(offers[-1]) + 1]
    assert after.kind == "agreement" and after.meeting == "geneva" and after.day == geneva_day


def test_the_agreements_length_follows_mutual_trust_and_the_shorter_commitment(baseline):
    """days = max(15, round(min commitment_days x mean trust / 15) x 15), trust as the day
    began (talks are held before the negotiators' daily step)."""
    for commitment in (240, 60):
        s = scripted(baseline, {"us": {"commitment_days": commitment}})
        m = run(s, seed=2)
        for a in entries(m, "agreement"):
            trust = (m.columns["us.trust"][a.day - 1] + m.columns["china.trust"][a.day - 1]) / 2
            days = max(15, round(min(commitment, 240) * trust / 15) * 15)
            assert f"agreement for {days} days" in a.why, (commitment, a.why)


def test_talks_end_without_agreement_when_no_package_beats_no_deal(baseline):
    stubborn = {"us": {"resolve": 0.5}, "china": {"resolve": 0.5}}
    m = run(scripted(baseline, stubborn), seed=1)
    failed = entries(m, "no agreement")
    assert [e.meeting for e in failed] == ["geneva", "london"]
    assert failed[0].day == day_of(baseline, dt.date(2025, 5, 10))
    assert "better than no deal" in failed[0].why
    assert not entries(m, "agreement")
    assert "truce" not in m.columns["status"]


def test_talks_end_without_agreement_when_the_rounds_run_out(baseline):
    one_round = [meeting(baseline, "geneva", rounds=1)]
    slow = {"us": {"concession": 0.05, "resolve": 0.1}, "china": {"concession": 0.05}}
    m = run(scripted(baseline, slow, meetings=one_round), seed=1)
    failed = entries(m, "no agreement")
    assert len(failed) == 1 and "no offer was accepted in 1 rounds" in failed[0].why
    assert len([e for e in entries(m, "offer") if e.meeting == "geneva"]) == 1


def test_a_side_with_no_trust_and_no_pressure_stays_away(baseline):
    """Willingness (trust + sensitivity x pressure) below 0.45: no offers, the talks not held."""
    cold = {"china": {"initial_trust": 0.0, "pressure_sensitivity": 0.0, "goodwill": 0.0}}
    m = run(scripted(baseline, cold, meetings=[meeting(baseline, "geneva")]), seed=1)
    absent = entries(m, "talks not held")
    assert len(absent) == 1 and absent[0].actor == "china" and absent[0].meeting == "geneva"
    assert absent[0].day == day_of(baseline, dt.date(2025, 5, 10))
    assert "China stays away" in absent[0].why
    assert not entries(m, "offer") and not entries(m, "agreement")


def test_a_triggered_call_that_is_declined_is_tried_again_a_week_later(baseline):
    """The callee's willingness below 0.25: the call is declined, and retried every 7 days
    while its trigger holds, within its window."""
    trigger = Trigger("us", "trust", None, 2.0, dt.date(2025, 5, 1), dt.date(2025, 5, 31))
    call = meeting(baseline, "leaders_call", date=None, trigger=trigger, initiator=None)
    cold = {"china": {"initial_trust": 0.0, "pressure_sensitivity": 0.0}}
    m = run(scripted(baseline, cold, meetings=[call]), seed=1)
    declined = entries(m, "call declined")
    first = day_of(baseline, dt.date(2025, 5, 1))
    assert [e.day for e in declined] == [first + 7 * k for k in range(5)]  # 1, 8, ..., 29 May
    assert all(e.actor == "china" and "does not take the call" in e.why for e in declined)
    assert not entries(m, "call") and not entries(m, "talks restart")


def test_a_call_raises_both_sides_trust_by_goodwill_then_restarts_talks(baseline):
    m = run(baseline, seed=1)
    calls = entries(m, "call")
    call_day = day_of(baseline, dt.date(2025, 6, 5))
    assert [e.actor for e in calls] == ["us", "china"] and {e.day for e in calls} == {call_day}
    for e in calls:
        before, after = map(float, re.search(r"from ([\d.]+) to ([\d.]+)", e.why).groups())
        goodwill = baseline.actors[e.actor].behaviour["goodwill"]
        assert after == pytest.approx(before + goodwill * (1 - before) * 0.6, abs=0.011)
        assert "(US called)" in e.why
    restart = m.entries[m.entries.index(calls[-1]) + 1]
    assert restart.kind == "talks restart" and restart.day == call_day


def test_a_shock_hits_its_constituency_on_its_day(baseline):
    date = dt.date(2025, 4, 20)
    shock = ShockSpec("selloff", "Sell-off", date, "us.stock_market", -0.3)
    plain, shocked = run(baseline, seed=1), run(scripted(baseline, shocks=[shock]), seed=1)
    k = day_of(baseline, date)
    logged = entries(shocked, "shock")
    assert [(e.day, e.meeting) for e in logged] == [(k, "selloff")]
    assert "us.stock_market changes by -30 %" in logged[0].why
    index = "us.stock_market"
    assert plain.columns[index][:k] == shocked.columns[index][:k]
    assert shocked.columns[index][k] == pytest.approx(0.7 * plain.columns[index][k], rel=1e-9)


def test_measures_come_from_grievance_a_week_apart_and_never_while_talks_are_pending(baseline):
    hawkish = scripted(baseline, {"us": {"restraint": 0.0, "reciprocity": 1.0},
                                  "china": {"restraint": 0.0, "reciprocity": 1.0}})
    total = 0
    for seed in range(1, 6):
        m = run(hawkish, seed)
        measures = entries(m, "measure")
        total += len(measures)
        for actor in ("us", "china"):
            days = [e.day for e in measures if e.actor == actor]
            assert all(b - a >= agents.MEASURE_COOLDOWN_DAYS for a, b in zip(days, days[1:],
                                                                             strict=False))
        restart = [e.day for e in entries(m, "talks restart")]
        signs = [e.day for e in entries(m, "agreement")]
        for e in measures:
            pending = [c for c in restart if c <= e.day and not any(c <= s <= e.day
                                                                   for s in signs)]
            assert not pending, (seed, e.day)
            assert re.search(r"tightens .* from .* to .*: trust in \w+ fell to", e.why)
    assert total >= 10


def test_a_measure_tightens_the_lever_it_names(baseline):
    m = run(scripted(baseline, {"us": {"restraint": 0.0, "reciprocity": 1.0}}), seed=3)
    labels = {lv.label: lv for lv in baseline.levers}
    measures = entries(m, "measure")
    assert measures
    for e in measures:
        label = next(name for name in labels if f"tightens {name} " in e.why)
        lever = labels[label]
        column = m.columns[lever.id]
        before, after = column[e.day - 1], column[e.day]
        tighter = after > before if lever.restrictive == "high" else after < before
        assert tighter, (e.why, before, after)


def test_a_side_that_never_complies_slow_walks_from_its_third_day(baseline):
    s = scripted(baseline, {"china": {"compliance": 0.0}}, meetings=[meeting(baseline, "geneva")])
    m = run(s, seed=1)
    signed = entries(m, "agreement")[0].day
    walks = entries(m, "slow-walk")
    assert walks and all(e.actor == "china" for e in walks)
    assert {e.day for e in walks} == {signed + agents.SLOW_WALK_DAYS - 1}
    assert not entries(m, "implement")
    assert all("China holds back on" in e.why for e in walks)


def test_a_side_that_starts_complying_again_says_it_resumes(baseline):
    s = scripted(baseline, {"china": {"compliance": 0.0}}, meetings=[meeting(baseline, "geneva")])
    m = NegotiationModel(s, seed=1)
    while not entries(m, "agreement"):
        m.step()
    signed = m.day
    for _ in range(5):
        m.step()
    china = m.negotiators["china"]
    china.behaviour = replace(china.behaviour, compliance=1.0, reciprocity=0.0)
    m.step()
    resumed = entries(m, "implement")
    assert {e.day for e in resumed} == {signed + 6}
    assert all(e.actor == "china" and "resumes implementing" in e.why for e in resumed)


def _short_deal(baseline, days: int = 10):
    """Geneva only, with both sides committing for at most ``days`` (the floor is 15)."""
    return scripted(baseline, {"us": {"commitment_days": days},
                               "china": {"commitment_days": days}},
                    meetings=[meeting(baseline, "geneva")])


def test_willing_sides_renew_an_agreement_the_day_it_expires(baseline):
    m = NegotiationModel(_short_deal(baseline), seed=1)
    while not entries(m, "agreement"):
        m.step()
    signed = m.day
    assert "agreement for 15 days" in entries(m, "agreement")[0].why
    for n in m.negotiators.values():
        n.trust = 0.9  # willing: 0.9 >= 0.45 whatever the pressure
    while m.day < signed + 15:
        m.step()
        for n in m.negotiators.values():
            n.trust = 0.9
    renewal = entries(m, "renewal")
    assert [e.day for e in renewal] == [signed + 15]
    assert "extended for 15 days: both sides still willing" in renewal[0].why
    assert m.agreement.signed == signed + 15 and not entries(m, "lapse")


def test_an_unwilling_side_lets_it_lapse_and_suspended_measures_return(baseline):
    m = NegotiationModel(_short_deal(baseline), seed=1)
    while not entries(m, "agreement"):
        m.step()
    signed, at_signing = m.day, dict(m.agreement.at_signing)
    while m.day < signed + 14:
        m.step()
    china = m.negotiators["china"]
    china.trust, china.behaviour = 0.0, replace(china.behaviour, pressure_sensitivity=0.0)
    china.mandate = 0.0
    m.step()
    lapse = entries(m, "lapse")
    assert [(e.day, e.actor) for e in lapse] == [(signed + 15, "china")]
    assert "China is unwilling to renew" in lapse[0].why
    assert m.agreement is None and m.status == "escalating"
    tariff = m.levers["us.tariff_on_china"]
    assert tariff.order == at_signing["us.tariff_on_china"] == 145  # snaps back
    m.step()
    assert tariff.value == 145


def test_every_event_kind_is_reached_by_these_tests(baseline):
    """The kinds listed here are all the engine can log: a new kind must get its own test."""
    logged = set()
    for path in (model_mod.__file__, agents.__file__, events.__file__):
        text = open(path, encoding="utf-8").read()
        logged |= set(re.findall(r"\blog\([^,]+,\s*\"([^\"]+)\"", text))
    assert logged == EVENT_KINDS


def test_a_lapsing_framework_returns_each_lever_to_its_tighter_pre_agreement_value(baseline):
    """A lapse takes each lever back to the more restrictive of its values at this signing and
    at the first agreement's: a tariff (restrictive high) to the higher, licences (restrictive
    low) to the lower."""
    tariff, licences = "us.tariff_on_china", "china.rare_earth_licensing"
    first = Agreement("geneva", 0, 15, {tariff: 30, licences: 0.5}, {tariff: 145, licences: 0.2})
    second = Agreement("london", 20, 15, {tariff: 40, licences: 0.6},
                       {tariff: 60, licences: 0.4}, follows=first)
    m = NegotiationModel(baseline, seed=1)
    m.agreement, m.day = second, 35
    for n in m.negotiators.values():
        n.trust, n.pressure, n.mandate = 0.0, 0.0, 0.0
    m.check_expiry()
    assert entries(m, "lapse") and m.agreement is None
    assert m.levers[tariff].order == 145 and m.levers[licences].order == 0.2


def test_an_agreement_runs_until_its_last_day(baseline):
    m = NegotiationModel(baseline, seed=1)
    m.agreement, m.day = Agreement("geneva", 0, 15, {}, {}), 14
    for n in m.negotiators.values():
        n.trust, n.pressure, n.mandate = 0.0, 0.0, 0.0
    m.check_expiry()
    assert m.agreement is not None and not m.entries
    m.day = 15
    m.check_expiry()
    assert m.agreement is None and [e.kind for e in m.entries] == ["lapse"]


def _call_model(baseline, initiator):
    m = NegotiationModel(baseline, seed=1)
    spec = meeting(baseline, "leaders_call", initiator=initiator)
    return m, events.LeadersCall(spec)


def test_a_taken_call_logs_both_sides_and_good_news_and_gives_a_mandate(baseline):
    m, call = _call_model(baseline, "us")
    m.day = 10
    for n, pressure in zip(m.negotiators.values(), (0.2, 0.9), strict=True):
        n.pressure = pressure  # China more pressed, but the US is the caller
    assert call.run(m) is True
    assert [(e.kind, e.actor, e.meeting) for e in m.entries] == [
        ("call", "us", "leaders_call"), ("call", "china", "leaders_call"),
        ("talks restart", "", "leaders_call")]
    assert all("(US called)" in e.why for e in m.entries[:2])
    assert m.entries[2].why == "after the Leaders' call, both teams are to meet again"
    assert m.news == pytest.approx(0.3) and m.last_call_day == 10
    for n in m.negotiators.values():
        assert n.mandate == pytest.approx(n.behaviour.pressure_sensitivity * n.pressure * 0.1)


def test_without_an_initiator_the_most_pressed_side_calls(baseline):
    m, call = _call_model(baseline, None)
    m.negotiators["us"].pressure, m.negotiators["china"].pressure = 0.1, 0.7
    assert call.run(m) is True
    assert "(China called)" in m.entries[0].why


def test_a_callee_exactly_at_the_answer_threshold_takes_the_call_and_below_declines(baseline):
    for trust, taken in ((events.ANSWER_THRESHOLD, True), (events.ANSWER_THRESHOLD - 1e-9, False)):
        m, call = _call_model(baseline, "us")
        china = m.negotiators["china"]
        china.trust, china.pressure, china.mandate = trust, 0.0, 0.0
        assert call.run(m) is taken
        if not taken:
            assert [(e.kind, e.actor, e.meeting) for e in m.entries] == [
                ("call declined", "china", "leaders_call")]
            assert m.news == pytest.approx(-0.2)


def test_a_triggered_call_that_took_place_is_not_held_again(baseline):
    trigger = Trigger("us", "trust", None, 2.0, dt.date(2025, 5, 1), dt.date(2025, 6, 30))
    call = meeting(baseline, "leaders_call", date=None, trigger=trigger)
    m = run(scripted(baseline, meetings=[call]), seed=1)
    assert [e.day for e in entries(m, "talks restart")] == [day_of(baseline, dt.date(2025, 5, 1))]


def test_signing_records_the_meeting_its_label_the_moves_as_news_and_keeps_earlier_terms(
        baseline):
    m = NegotiationModel(baseline, seed=1)
    m.day = 20
    tariff, licences = m.levers["us.tariff_on_china"], m.levers["china.rare_earth_licensing"]
    m.sign("geneva", {tariff.spec.id: 0.2}, "Geneva talks")
    assert m.agreement.meeting == "geneva" and m.agreement.signed == 20
    assert m.entries[-1].why.startswith("Geneva talks: agreement for ")
    assert m.news == pytest.approx(abs(0.2 - tariff.restrictiveness))
    m.day, m.news = 40, 0.0
    m.sign("london", {licences.spec.id: 0.3}, "London talks")
    assert m.agreement.follows.meeting == "geneva"
    assert set(m.agreement.terms) == {tariff.spec.id, licences.spec.id}
    assert m.agreement.at_signing[tariff.spec.id] == 145
    assert m.news == pytest.approx(abs(0.3 - licences.restrictiveness))


def test_a_side_exactly_at_the_attendance_threshold_attends_and_below_stays_away(baseline):
    for trust, held in ((events.ATTEND_THRESHOLD, True), (events.ATTEND_THRESHOLD - 1e-9, False)):
        m = NegotiationModel(baseline, seed=1)
        for n in m.negotiators.values():
            n.trust, n.pressure, n.mandate = trust, 0.0, 0.0
        assert events.Talks(meeting(baseline, "geneva")).run(m) is held
        if not held:
            assert [e.kind for e in m.entries] == ["talks not held"]
            assert m.news == pytest.approx(-0.3)


@pytest.mark.parametrize("initiator, other", [("china", "us"), ("us", "china")])
def test_the_initiator_of_talks_makes_the_first_offer(baseline, initiator, other):
    talks = meeting(baseline, "geneva", initiator=initiator)
    m = run(scripted(baseline, meetings=[talks]), seed=1)
    offers = entries(m, "offer")
    assert offers[0].actor == initiator
    label = baseline.actors[other].label
    assert f"; {label} accepts" in offers[0].why or f"; {label} rejects" in offers[0].why
    assert [e.actor for e in offers[:2]] == [initiator, other][:len(offers[:2])]

"""Every talks status and every event kind the engine logs, each reached on purpose: when it
happens and why.

Scenarios are scripted in code from the baseline (a behaviour changed, a meeting moved, a shock
added); for the status rule itself, a model is started on the day wanted
(``NegotiationModel(..., day=)``) and its truce given a history through its own methods.
These tests pin the engine of issue 11 (truce clocks, coercion, calls that freeze measures for
``freeze_days``, signing and entry into force; docs/model.md): statuses derived each day by
``NegotiationModel.talks_status``, events logged by ``NegotiationModel.log`` from the engine's
modules. An engine change that alters them must change them on purpose.
"""

from __future__ import annotations

import copy
import datetime as dt
import random
import re
from dataclasses import replace
from pathlib import Path

import pytest

from sim.engine import agents, clock, coercion, delivery, events, negotiation
from sim.engine import model as model_mod
from sim.engine import truce as truce_mod
from sim.engine.model import STATUSES, NegotiationModel
from sim.engine.spec import ShockSpec, Trigger
from sim.engine.truce import MEASURE_MEMORY_DAYS, STALL_TRUST, Agreement, Threat
from sim.scenario.language import load_scenario

EVENT_KINDS = {"offer", "agreement", "agreement in principle", "no agreement", "talks not held",
               "call", "call declined", "summit", "summit declined", "talks restart", "shock",
               "measure", "slow-walk", "implement", "extension", "lapse", "suspension", "threat",
               "threat postponed", "threat withdrawn", "decision", "commitment", "layers",
               "easing", "talks end"}
# every module of the engine package: a kind logged from a module added later is read too
ENGINE_FILES = sorted(Path(model_mod.__file__).parent.glob("*.py"))


# -- scripting -------------------------------------------------------------------------------------
def scripted(base, behaviour: dict | None = None, meetings: list | None = None,
             shocks: list | None = None):
    """A copy of ``base`` with some actors' behaviour changed and/or other meetings or shocks."""
    s = copy.copy(base)
    actors = dict(base.actors)
    for actor, params in (behaviour or {}).items():
        spec = actors[actor]
        actors[actor] = replace(spec, behaviour=spec.behaviour.with_values(**params))
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

    This is the documented rule (docs/model.md, "Status from state"; ``talks_status``): a call
    (its "talks restart", which names the day its freeze ends) or an agreement in principle (which
    names its signing day) promises talks and freezes new measures until that day. No agreement
    in force -> ``talks_restarted`` if such a promise came after the last signing and its freeze
    still runs, else ``escalating`` (before any deal and after a lapse); with one ->
    ``talks_restarted`` if a promise came after it was signed and its freeze still runs,
    ``stalled`` if a measure came since the signing within the last 14 days or either side's
    trust is below 0.3, else ``truce`` for a first agreement and ``framework_agreed`` for one
    that amends (or renegotiates) another. An extension keeps the agreement and its status.
    """
    day_of_date = {d.isoformat(): k for k, d in enumerate(model.columns["date"])}
    signed = follows = None
    last_call, last_sign, last_measure, freeze_until = -1, -1, -10**6, -1
    by_day: dict[int, list] = {}
    for e in model.entries:
        by_day.setdefault(e.day, []).append(e)
    out = []
    trust_columns = [model.columns[f"{a}.trust"] for a in model.negotiators]
    for k in range(len(model.columns["date"])):
        for e in by_day.get(k, []):
            if e.kind == "agreement":
                follows, signed, last_sign = signed is not None, k, k
            elif e.kind == "lapse":
                signed = follows = None
            elif e.kind in ("talks restart", "agreement in principle"):
                until = re.search(r"(?:wait until|to be signed on) (\d{4}-\d\d-\d\d)", e.why)
                last_call, freeze_until = k, day_of_date.get(until.group(1), 10**6)
            elif e.kind == "measure":
                last_measure = k
        frozen = k <= freeze_until
        if signed is None:
            out.append("talks_restarted" if last_call > last_sign and frozen else "escalating")
        elif last_call > signed and frozen:
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
    in_principle = [meeting(baseline, "geneva", signing_days=5, in_force_days=3),
                    *(m for m in baseline.meetings if m.name != "geneva")]
    worlds = [baseline, scripted(baseline, hawkish), scripted(baseline, short),
              scripted(baseline, meetings=[m for m in baseline.meetings
                                           if m.name != "london"]),
              scripted(baseline, meetings=in_principle)]
    return [run(w, seed) for w in worlds for seed in range(1, 7)]


def test_every_days_status_follows_from_the_events_and_trust(baseline):
    """The status column is exactly what the event log and the trust columns imply, every day
    of 30 runs, and all five status words occur among them (so each branch is checked), as do
    the events that move a status: calls, agreements in principle, extensions and lapses."""
    seen, kinds = set(), set()
    for m in many_runs(baseline):
        assert m.columns["status"] == explain_statuses(m)
        seen |= set(m.columns["status"])
        kinds |= {e.kind for e in m.entries}
    assert seen == set(STATUSES)
    assert {"talks restart", "agreement in principle", "extension", "lapse", "measure"} <= kinds


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


def trusting(base, trust: float = 0.5, **per_side: float):
    """``base`` with both sides starting at ``trust`` (or a side's own value in ``per_side``)."""
    return scripted(base, {a: {"initial_trust": per_side.get(a, trust)} for a in base.actors})


def status_on(base, day: int, history, trust: float = 0.5, **per_side: float) -> str:
    """The talks status on ``day`` of a model (sides trusting as in ``trusting``) whose truce
    went through ``history`` (a function calling the truce's public methods, each with its
    own day)."""
    m = NegotiationModel(trusting(base, trust, **per_side), seed=1, day=day)
    history(m.truce)
    return m.talks_status()


def quiet(base, day: int = 0, trust: float | None = None, sides=("us", "china"),
          **behaviour: float) -> NegotiationModel:
    """A model on ``day`` whose ``sides`` start at ``trust`` (if given), with ``behaviour``
    values, and feel no pressure (``feel``); no call has given them a mandate yet."""
    values = dict(behaviour, **({} if trust is None else {"initial_trust": trust}))
    m = NegotiationModel(scripted(base, dict.fromkeys(sides, values)), seed=1, day=day)
    for side in sides:
        m.negotiators[side].feel(0.0)
    return m


def signed_on(day: int, follows: Agreement | None = None):
    """A truce history: an agreement signed on ``day``."""
    return lambda truce: truce.sign(Agreement("geneva", day, 90, {}, {}, follows))


def _measure(m: NegotiationModel, why: str) -> None:
    """The US tightens its chip controls today (a new measure)."""
    chips = m.levers["us.chip_controls"]
    m.negotiators["us"].impose(chips, chips.spec.value_at(chips.restrictiveness + 0.1), why)


def test_a_measure_stalls_a_truce_for_exactly_fourteen_days(baseline):
    m = NegotiationModel(trusting(baseline), seed=1, day=20)
    signed_on(10)(m.truce)
    _measure(m, "a new restriction")  # a measure taken on day 20 is remembered as that day's
    assert m.truce.last_measure_day == 20 and m.talks_status() == "stalled"

    def measured(truce):
        signed_on(10)(truce)
        truce.measure_taken(20)
    stalled = [status_on(baseline, day, measured) == "stalled" for day in range(20, 40)]
    assert stalled == [True] * (MEASURE_MEMORY_DAYS + 1) + [False] * 5
    assert status_on(baseline, 39, measured) == "truce"


def test_a_measure_before_the_signing_does_not_stall_it(baseline):
    m = NegotiationModel(trusting(baseline), seed=1, day=9)
    _measure(m, "a restriction before the deal")
    signed_on(10)(m.truce)
    assert m.truce.last_measure_day == 9

    def measured_before(truce):
        truce.measure_taken(9)
        signed_on(10)(truce)
    assert status_on(baseline, 12, measured_before) == "truce"


@pytest.mark.parametrize("trust, expected", [(STALL_TRUST - 0.001, "stalled"),
                                             (STALL_TRUST, "truce")])
def test_trust_below_the_stall_line_on_either_side_stalls(baseline, trust, expected):
    for side in ("us", "china"):
        assert status_on(baseline, 30, signed_on(10), **{side: trust}) == expected, side


def test_a_later_agreement_is_a_framework_and_a_call_after_it_restarts_talks(baseline):
    first = Agreement("geneva", 5, 90, {}, {})
    framework = signed_on(30, follows=first)
    assert status_on(baseline, 40, framework) == "framework_agreed"

    def called(day):
        def history(truce):
            framework(truce)
            truce.promise_talks(day, 60)
        return history
    # a call on the signing day does not restart talks ...
    assert status_on(baseline, 40, called(30)) == "framework_agreed"
    # ... one the day after does, while its freeze runs ...
    assert status_on(baseline, 40, called(31)) == "talks_restarted"
    assert status_on(baseline, 60, called(31)) == "talks_restarted"
    # ... and no longer: the agreement's own status returns
    assert status_on(baseline, 61, called(31)) == "framework_agreed"


def test_without_an_agreement_a_call_restarts_talks_until_one_is_signed(baseline):
    m = NegotiationModel(baseline, seed=1)
    assert m.status == m.talks_status() == "escalating"
    m = NegotiationModel(baseline, seed=1, day=3)
    m.call_held("leaders_call", "Leaders' call", 30)
    assert (m.truce.last_call_day, m.truce.freeze_until) == (3, 33)
    assert m.talks_pending() and m.talks_status() == "talks_restarted"

    def on(day, lapsed=False):
        m = NegotiationModel(baseline, seed=1, day=day)
        m.truce.promise_talks(3, 33)
        if lapsed:  # an agreement signed the same day, since lapsed
            signed_on(3)(m.truce)
            m.truce.lapse()
        return m.talks_pending(), m.talks_status()
    assert on(33) == (True, "talks_restarted")  # the last day of the freeze ...
    assert on(34) == (False, "escalating")  # ... after it, without an agreement, escalating
    assert on(10, lapsed=True) == (False, "escalating")


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
    """A first agreement runs days = max(15, round(min over sides of commitment_days x own
    trust / 15) x 15), trust as the day began (talks are held before the negotiators' daily
    step); a later one amends it and keeps its clock (London does not restart Geneva's)."""
    terms = set()
    for commitment in (240, 60):
        s = scripted(baseline, {"us": {"commitment_days": commitment}})
        m = run(s, seed=2)
        first, *later = entries(m, "agreement")
        proposals = [m.negotiators[a].behaviour.commitment_days
                     * m.columns[f"{a}.trust"][first.day - 1] for a in ("us", "china")]
        days = max(15, round(min(proposals) / 15) * 15)
        assert f"agreement for {days} days (to {m.date_of(first.day + days)})" in first.why
        terms.add(days)
        assert later, commitment
        for a in later:  # the clock: Geneva's term, or the end of its latest extension
            ends = [m.date_of(first.day + days)] + [
                re.search(r", to (\S+):", e.why).group(1)
                for e in entries(m, "extension") if e.day <= a.day]
            assert (f"amends the Geneva talks agreement, whose clock still runs to "
                    f"{ends[-1]}") in a.why, (commitment, a.why)
    assert len(terms) == 2  # the shorter commitment shortened the term


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
    assert "China stays away (willingness 0.00, below the 0.45 it takes: trust 0.00 + " \
        "pressure sensitivity 0.00 x pressure " in absent[0].why  # the numbers it speaks of
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
    assert all(e.actor == "china" and "China's leader does not take part" in e.why
               for e in declined)
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


def test_measures_come_from_grievance_an_interval_apart_and_never_in_a_calls_freeze(baseline):
    """Without threats or decision points, every measure is retaliation: it names the fallen
    trust that moved it (a new restriction, or a halted easing when the deal binds every lever);
    a side's measures are at least its ``measure_interval`` (7 days) apart; none falls inside a
    call's freeze (from the call to the day its "talks restart" names, unless signed since)."""
    hawkish = scripted(baseline, {"us": {"restraint": 0.0, "reciprocity": 1.0},
                                  "china": {"restraint": 0.0, "reciprocity": 1.0}})
    total = 0
    for seed in range(1, 6):
        m = run(hawkish, seed)
        measures = entries(m, "measure")
        total += len(measures)
        for actor in ("us", "china"):
            interval = m.negotiators[actor].behaviour.measure_interval
            days = [e.day for e in measures if e.actor == actor]
            assert all(b - a >= interval for a, b in zip(days, days[1:], strict=False))
        freezes = [(e.day, m.columns["date"].index(dt.date.fromisoformat(
            re.search(r"wait until (\S+)$", e.why).group(1)))) for e in entries(m, "talks restart")]
        signs = [e.day for e in entries(m, "agreement")]
        for e in measures:
            frozen = [c for c, end in freezes if c <= e.day <= end
                      and not any(c <= s <= e.day for s in signs)]
            assert not frozen, (seed, e.day)
            assert re.search(r"(tightens .* from .* to .*|halts its implementation of .* at .* "
                             r"\(agreed .*\)): trust in \w+ fell to", e.why), e.why
    assert total >= 10


def test_a_measure_tightens_the_lever_it_names(baseline):
    m = run(scripted(baseline, {"us": {"restraint": 0.0, "reciprocity": 1.0}}), seed=3)
    labels = {lv.label: lv for lv in baseline.levers}
    measures = [e for e in entries(m, "measure") if " tightens " in e.why]
    assert measures
    for e in measures:
        label = next(name for name in labels if f"tightens {name} " in e.why)
        lever = labels[label]
        column = m.columns[lever.id]
        before, after = column[e.day - 1], column[e.day]
        tighter = after > before if lever.restrictive == "high" else after < before
        assert tighter, (e.why, before, after)


def test_a_halt_stops_an_agreed_easing_where_it_stands(baseline):
    """A side whose levers the deal binds entirely escalates by halting an easing it agreed:
    the lever named stays where it stood (its order is its current value) until a new text."""
    m = NegotiationModel(_short_deal(baseline, 240), seed=1)
    while not entries(m, "agreement"):
        m.step()
    china = m.negotiators["china"]
    open_terms = [k for k, target in m.agreement.terms.items()
                  if k in china.levers and china.levers[k].value != target]
    assert open_terms
    china.halt(m.agreement, "trust in US fell to 0.10")
    halt = entries(m, "measure")[-1]
    lever_id = next(k for k in open_terms if m.levers[k].spec.label in halt.why)
    lever = m.levers[lever_id]
    assert halt.actor == "china" and lever_id in china.halted
    assert halt.why.startswith(f"China halts its implementation of {lever.spec.label} at ")
    assert lever.order == lever.value != m.agreement.terms[lever_id]
    m.sign("again", {lever_id: lever.restrictiveness})
    assert not china.halted  # a new text resets deliberate slow-downs


def test_a_side_that_never_complies_slow_walks_from_its_third_day(baseline):
    s = scripted(baseline, {"china": {"compliance": 0.0}}, meetings=[meeting(baseline, "geneva")])
    m = run(s, seed=1)
    signed = entries(m, "agreement")[0].day
    walks = entries(m, "slow-walk")
    assert walks and all(e.actor == "china" for e in walks)
    assert {e.day for e in walks} == {signed + delivery.SLOW_WALK_DAYS - 1}
    assert not entries(m, "implement")
    assert all("China holds back on" in e.why for e in walks)


def test_a_side_that_starts_complying_again_says_it_resumes(baseline):
    """China half complies (its trust aside): held back by the day's draws for five days after
    the signing, then implementing again on the sixth, it says it resumes."""
    s = scripted(baseline, {"china": {"compliance": 0.5, "reciprocity": 0.0},
                            "us": {"compliance": 1.0, "reciprocity": 0.0}},
                 meetings=[meeting(baseline, "geneva")])
    m = NegotiationModel(s, seed=1, draws=_Draw())
    while not entries(m, "agreement"):
        m.step()
    signed = m.day
    m.random.fix(0.9)  # above China's willingness to implement (0.5): it holds back
    for _ in range(5):
        m.step()
    assert {e.actor for e in entries(m, "slow-walk")} == {"china"}
    m.random.fix(0.0)  # below it: China implements again
    m.step()
    resumed = entries(m, "implement")
    assert {e.day for e in resumed} == {signed + 6}
    assert all(e.actor == "china" and "resumes implementing" in e.why for e in resumed)


def _short_deal(baseline, days: int = 10):
    """Geneva only, with both sides committing for at most ``days`` (the floor is 15)."""
    return scripted(baseline, {"us": {"commitment_days": days},
                               "china": {"commitment_days": days}},
                    meetings=[meeting(baseline, "geneva")])


def test_willing_satisfied_sides_extend_an_agreement_the_day_it_expires(baseline):
    """At expiry, both willing, both better off with the terms than with their lapse and
    neither wanting much more: the terms are extended for a new agreed term from that day, on
    the same agreement (signed stays; the clock restarts), each side's reason logged."""
    m = NegotiationModel(_short_deal(baseline), seed=1)
    while not entries(m, "agreement"):
        m.step()
    signed = m.day
    first = m.agreement
    assert "agreement for 15 days" in entries(m, "agreement")[0].why
    while m.day < signed + 15:
        m.step()
    extension = entries(m, "extension")
    assert [e.day for e in extension] == [signed + 15]
    assert extension[0].why.startswith(
        f"the Geneva talks terms are extended for 15 days, to {m.date_of(signed + 30)}: ")
    assert re.search(r"US values the terms \([\d.]+\) above their lapse \([\d.]+\); China "
                     r"values the terms", extension[0].why)
    assert m.agreement is first and first.signed == signed
    assert (first.clock_start, first.expires) == (signed + 15, signed + 30)
    assert not entries(m, "lapse") and not entries(m, "no agreement")


def test_a_deal_says_which_measures_it_suspends_and_which_it_drops(baseline):
    """The baseline's tariffs are layers (tests/test_layers.py): Geneva's cut is logged per side,
    the newest measures first."""
    m = NegotiationModel(_short_deal(baseline), seed=1)
    while not entries(m, "agreement"):
        m.step()
    cuts = entries(m, "layers")
    assert sorted(e.actor for e in cuts) == ["china", "us"]
    assert all(e.why.startswith("Geneva talks cuts ") and "dropped" in e.why for e in cuts)


def test_a_side_that_may_ease_lifts_a_measure_when_pressed_at_home(baseline):
    """``easing`` 1, pressure 1, a draw below any chance: at a decision point the US eases the
    measure China minds most (tests/test_pressing_and_easing.py has the rest)."""
    m = NegotiationModel(scripted(baseline, {"us": {"easing": 1.0, "pressure_sensitivity": 1.0}}),
                         seed=1, draws=_Draw())
    m.negotiators["us"].feel(1.0)
    m.random.fix(0.0)
    m.apply(coercion.consider(m, m.negotiators["us"], "US review"))
    [e] = entries(m, "easing")
    assert e.actor == "us" and e.why.startswith("US review: US eases US tariff on Chinese goods")


def test_a_side_no_longer_willing_walks_out_of_talks_promised_without_an_end(baseline):
    """``freeze: open`` (tests/test_open_ended.py): the freeze lasts until a side walks out."""
    m = quiet(baseline, day=20, trust=0.0)
    m.call_held("leaders_call", "Leaders' call", truce_mod.OPEN)
    m.apply(coercion.consider(m, m.negotiators["us"], "US review"))
    [e] = entries(m, "talks end")
    assert e.actor == "us" and not m.talks_pending()


def test_an_unwilling_side_lets_it_lapse_and_suspended_measures_return(baseline):
    m = NegotiationModel(_short_deal(baseline), seed=1)
    while not entries(m, "agreement"):
        m.step()
    geneva, signed, at_signing = m.agreement, m.day, dict(m.agreement.at_signing)
    # the day before it expires, Geneva's terms in force, China unwilling: no trust left, deaf to
    # pressure (a model started that day, from the same world with China's values changed)
    unwilling = scripted(_short_deal(baseline), {"china": {"initial_trust": 0.0,
                                                           "pressure_sensitivity": 0.0}})
    m = NegotiationModel(unwilling, seed=1, day=signed + 14)
    m.truce.sign(geneva)
    m.step()
    lapse = entries(m, "lapse")
    assert [(e.day, e.actor) for e in lapse] == [(signed + 15, "china")]
    assert "China is unwilling to renew" in lapse[0].why
    assert m.agreement is None and m.status == "escalating"
    tariff = m.levers["us.tariff_on_china"]
    assert tariff.order == at_signing["us.tariff_on_china"] == 145  # snaps back
    m.step()
    assert tariff.value == 145


def logged_kinds() -> tuple[set[str], int]:
    """The kinds the engine's ``log(`` calls can write, and how many calls were not read.

    A kind is a string literal, ``self.kind`` (a meeting class's ``kind``: call, summit) or the
    f-string ``f"{self.kind} declined"``; any other call is counted as unread.
    """
    logged, unread = set(), 0
    meeting_kinds = re.findall(r'^    kind = "([^"]+)"', open(events.__file__).read(), re.M)
    assert meeting_kinds == ["call", "summit"]
    assert {p.stem for p in ENGINE_FILES} >= {"model", "agents", "events", "clock", "coercion"}
    for path in ENGINE_FILES:
        text = path.read_text(encoding="utf-8")
        for first in re.findall(r"\.log\([^,()]+,\s*([^,]+),", text):
            if literal := re.fullmatch(r'"([^"{}]+)"', first):
                logged.add(literal.group(1))
            elif first == "self.kind":
                logged |= set(meeting_kinds)
            elif first == 'f"{self.kind} declined"':
                logged |= {f"{k} declined" for k in meeting_kinds}
            else:
                unread += 1
        # every call was seen by the pattern above (none with an actor it cannot parse)
        assert text.count(".log(") == len(re.findall(r"\.log\([^,()]+,", text)), path.name
    return logged, unread


def test_every_event_kind_is_reached_by_these_tests(baseline):
    """The kinds listed here are all the engine can log, and each is looked for by name in a
    test of this module (``entries(m, "<kind>")``): a new kind must get its own test."""
    logged, unread = logged_kinds()
    assert unread == 0 and logged == EVENT_KINDS
    source = open(__file__, encoding="utf-8").read()
    looked_for = set(re.findall(r'entries\(\w+, "([^"]+)"\)', source))
    assert EVENT_KINDS <= looked_for, sorted(EVENT_KINDS - looked_for)


def test_a_commitment_cut_short_or_due_is_accounted_for():
    """How far a commitment got (``Delivery.account``): its horizon over, or the terms lapsing
    first (tests/test_commitment_account.py has the reasons); the baseline has none."""
    war = load_scenario(Path(__file__).resolve().parent.parent / "scenarios" /
                        "trade_war_2018.yaml")
    m = run(war, seed=2020)
    assert any("are over" in e.why for e in entries(m, "commitment"))
    cut = NegotiationModel(war, seed=2020)  # the same run, its terms made to lapse early
    while not (cut.agreement and any(cut.levers[k].commitment for k in cut.agreement.terms)):
        cut.step()
    for _ in range(60):  # two months into the commitments
        cut.step()
    cut.lapse(cut.agreement, clock.snapback(cut, cut.agreement), "a test", "us")
    assert any("terms lapse" in e.why for e in entries(cut, "commitment"))


def test_a_lapsing_framework_returns_each_lever_to_the_layers_its_deals_suspended(baseline):
    """A lapse restores what the deals in the chain suspended (tests/test_layers.py), never what
    they dropped: the tariff (restrictive high) to its fentanyl and reciprocal layers, not the
    145 % peak; licences (restrictive low, one base layer, suspended) to their level before."""
    tariff, licences = "us.tariff_on_china", "china.rare_earth_licensing"
    m = quiet(baseline, day=35, trust=0.0)
    t, li = m.levers[tariff].spec, m.levers[licences].spec
    m.sign("geneva", {tariff: t.restrictiveness(30), licences: li.restrictiveness(0.5)})
    m.sign("london", {tariff: t.restrictiveness(20), licences: li.restrictiveness(0.6)})
    m.levers[tariff].set(20)  # implemented as agreed
    m.levers[licences].set(0.6)
    m.agreement.extend(m.day - m.agreement.days, m.agreement.days)  # its clock has run out
    m.clock_runs()
    assert entries(m, "lapse") and m.agreement is None
    assert m.levers[tariff].order == pytest.approx(54) and m.levers[licences].order == 0.2


def test_an_agreement_runs_until_its_last_day(baseline):
    m = quiet(baseline, day=14, trust=0.0)
    m.truce.sign(Agreement("geneva", 0, 15, {}, {}))
    m.clock_runs()
    assert m.agreement is not None and not m.entries
    m = quiet(baseline, day=15, trust=0.0)
    m.truce.sign(Agreement("geneva", 0, 15, {}, {}))
    m.clock_runs()
    assert m.agreement is None and [e.kind for e in m.entries] == ["lapse"]


def _call_model(baseline, initiator, day=0, **quietly):
    m = quiet(baseline, day, **quietly) if quietly else NegotiationModel(baseline, seed=1, day=day)
    spec = meeting(baseline, "leaders_call", initiator=initiator)
    return m, events.LeadersCall(spec)


def test_a_taken_call_logs_both_sides_and_good_news_and_gives_a_mandate(baseline):
    m, call = _call_model(baseline, "us", day=10)
    for n, pressure in zip(m.negotiators.values(), (0.2, 0.9), strict=True):
        n.feel(pressure)  # China more pressed, but the US is the caller
    assert m.hold(call).held is True
    assert [(e.kind, e.actor, e.meeting) for e in m.entries] == [
        ("call", "us", "leaders_call"), ("call", "china", "leaders_call"),
        ("talks restart", "", "leaders_call")]
    assert all("(US called)" in e.why for e in m.entries[:2])
    assert m.entries[2].why == ("after the Leaders' call, both teams are to meet again; new "
                                "measures wait until 2025-05-24")  # day 10 + freeze_days 30
    assert m.truce.freeze_until == 10 + meeting(baseline, "leaders_call").freeze_days
    assert m.news == pytest.approx(0.3) and m.truce.last_call_day == 10
    for n in m.negotiators.values():
        assert n.mandate == pytest.approx(n.behaviour.pressure_sensitivity * n.pressure * 0.1)


def test_without_an_initiator_the_most_pressed_side_calls(baseline):
    m, call = _call_model(baseline, None)
    m.negotiators["us"].feel(0.1)
    m.negotiators["china"].feel(0.7)
    assert m.hold(call).held is True
    assert "(China called)" in m.entries[0].why


def test_a_callee_exactly_at_the_answer_threshold_takes_the_call_and_below_declines(baseline):
    for trust, taken in ((events.ANSWER_THRESHOLD, True), (events.ANSWER_THRESHOLD - 1e-9, False)):
        m, call = _call_model(baseline, "us", trust=trust, sides=("china",))
        assert m.hold(call).held is taken
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
    m = NegotiationModel(baseline, seed=1, day=20)
    tariff = m.levers["us.tariff_on_china"]
    m.sign("geneva", {tariff.spec.id: 0.2}, "Geneva talks")
    assert m.agreement.meeting == "geneva" and m.agreement.signed == 20
    assert entries(m, "agreement")[-1].why.startswith("Geneva talks: agreement for ")
    assert m.news == pytest.approx(abs(0.2 - tariff.restrictiveness))
    geneva = m.agreement
    m = NegotiationModel(baseline, seed=1, day=40)  # later, Geneva's terms in force
    m.truce.sign(geneva)
    tariff, licences = m.levers["us.tariff_on_china"], m.levers["china.rare_earth_licensing"]
    m.sign("london", {licences.spec.id: 0.3}, "London talks")
    assert m.agreement.follows.meeting == "geneva"
    assert set(m.agreement.terms) == {tariff.spec.id, licences.spec.id}
    assert m.agreement.at_signing[tariff.spec.id] == 145
    assert m.news == pytest.approx(abs(0.3 - licences.restrictiveness))


def test_a_side_exactly_at_the_attendance_threshold_attends_and_below_stays_away(baseline):
    for trust, held in ((events.ATTEND_THRESHOLD, True), (events.ATTEND_THRESHOLD - 1e-9, False)):
        m = quiet(baseline, trust=trust)
        assert m.hold(events.Talks(meeting(baseline, "geneva"))).held is held
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


# -- the new engine's kinds: signing, summits, decisions, threats, suspension, extension -----------
class _Draw(random.Random):
    """A model's source of draws (``NegotiationModel(..., draws=)``): seeded, until ``fix`` sets
    every uniform draw to one value (0: below any chance, so the chance event happens;
    0.999..: above any chance short of 1)."""

    def __init__(self, seed: int = 1):
        super().__init__(seed)
        self.value: float | None = None

    def fix(self, value: float) -> None:
        self.value = value

    def random(self) -> float:
        return super().random() if self.value is None else self.value


def test_an_agreement_in_principle_is_signed_later_and_binds_from_entry_into_force(baseline):
    """With ``signing_days`` 5 and ``in_force_days`` 3: agreed in principle on the talks day,
    talks count as restarted (measures wait for the signature) until the signing, the signed
    agreement's clock starts at entry into force, and the levers move from that day only."""
    geneva = meeting(baseline, "geneva", signing_days=5, in_force_days=3)
    m = run(scripted(baseline, meetings=[geneva]), seed=1)
    talks = day_of(baseline, dt.date(2025, 5, 10))
    principle, signed = entries(m, "agreement in principle"), entries(m, "agreement")
    assert [e.day for e in principle] == [talks] and [e.day for e in signed] == [talks + 5]
    assert principle[0].why.startswith("Geneva talks: agreed in principle, to be signed on "
                                       "2025-05-15: US tariff on Chinese goods 145 % -> ")
    days = int(re.search(r"agreement for (\d+) days", signed[0].why).group(1))
    assert signed[0].why.startswith(f"Geneva talks (signed): agreement for {days} days (to "
                                    f"{m.date_of(talks + 8 + days)}), in force from 2025-05-18")
    status, tariff = m.columns["status"], m.columns["us.tariff_on_china"]
    assert status[talks - 1] == "escalating"
    assert set(status[talks:talks + 5]) == {"talks_restarted"} and status[talks + 5] == "truce"
    assert set(tariff[:talks + 8]) == {145} and tariff[talks + 8] < 145


def _summit(baseline, m, initiator="us"):
    spec = replace(meeting(baseline, "geneva"), kind="summit", name="summit", label="Summit",
                   initiator=initiator)
    return events.Summit(spec)


def test_a_summit_reassures_both_leaders_then_they_settle_terms_themselves(baseline):
    m = NegotiationModel(baseline, seed=1, day=20)
    before = {a: n.trust for a, n in m.negotiators.items()}
    assert m.hold(_summit(baseline, m)).held is True
    summit = entries(m, "summit")
    assert [(e.actor, e.meeting) for e in summit] == [("us", "summit"), ("china", "summit")]
    for e in summit:
        goodwill = m.negotiators[e.actor].behaviour.goodwill
        start = before[e.actor]
        assert f"Summit (US invited): {m.negotiators[e.actor].label}'s trust rises from " \
               f"{start:.2f} to {start + goodwill * (1 - start) * 0.6:.2f}" in e.why
    kinds = [e.kind for e in m.entries if e.kind != "layers"]  # a deal's cuts follow it
    assert kinds[:2] == ["summit", "summit"] and set(kinds[2:-1]) == {"offer"}
    assert kinds[-1] == "agreement" and m.agreement.meeting == "summit"


def test_a_summit_that_settles_nothing_promises_talks_like_a_call(baseline):
    # resolve 0.5: no package beats no deal
    m = NegotiationModel(scripted(baseline, dict.fromkeys(baseline.actors, {"resolve": 0.5})),
                         seed=1, day=20)
    assert m.hold(_summit(baseline, m)).held is True
    assert [e.kind for e in m.entries][-2:] == ["no agreement", "talks restart"]
    assert entries(m, "no agreement")[0].why.startswith("Summit ends without terms: ")
    assert m.truce.freeze_until == 20 + 30 and m.talks_status() == "talks_restarted"


def test_a_summit_the_other_leader_will_not_attend_is_declined(baseline):
    m = quiet(baseline, trust=events.ANSWER_THRESHOLD - 0.01, sides=("china",))
    china = m.negotiators["china"]
    assert m.hold(_summit(baseline, m)).held is False
    declined = entries(m, "summit declined")
    assert [(e.actor, e.meeting) for e in m.entries] == [("china", "summit")] == \
        [(e.actor, e.meeting) for e in declined]
    assert declined[0].why == ("China's leader does not take part (willingness 0.24, below the "
                               "0.25 it takes: trust 0.24 + pressure sensitivity "
                               f"{china.behaviour.pressure_sensitivity:.2f} x pressure 0.00)")
    assert m.news == pytest.approx(-0.2) and m.agreement is None


def _decision(baseline, m, actor="us"):
    spec = replace(meeting(baseline, "geneva"), kind="decision", name="review",
                   label="Review", initiator=actor)
    return events.DecisionPoint(spec)


def _coercer(baseline, threat_days=0, day=20, **behaviour):
    """A model on ``day`` whose US presses hard (full resolve, no sensitivity to pain), or
    has the ``behaviour`` values given."""
    values = dict(resolve=agents.RESOLVE_MAX, pressure_sensitivity=0.0, threat_days=threat_days)
    m = NegotiationModel(scripted(baseline, {"us": values | behaviour}), seed=1, day=day,
                         draws=_Draw())
    return m, m.negotiators["us"]


def test_a_decision_point_logs_why_a_side_holds(baseline):
    """Holding is logged with its reason: talks promised, its own threat pending, or the
    balance of gain, cost at home and expected retaliation (the draw above the chance)."""
    m, us = _coercer(baseline)
    m.random.fix(0.999999)
    m.hold(_decision(baseline, m))
    m.call_held("leaders_call", "Leaders' call", 30)
    m.hold(_decision(baseline, m))
    m.truce.promise_talks(m.day, m.day - 1)  # the freeze is over
    m.truce.announce(Threat("us", "us.chip_controls", 1.0, 20, 30, 0.7))
    m.hold(_decision(baseline, m))
    why = [e.why for e in entries(m, "decision")]
    assert re.fullmatch(r"Review: US holds \(\d+ % of its demands unmet, expected gain [\d.]+, "
                        r"cost at home [\d.]+, expected retaliation [\d.]+\)", why[0])
    assert why[1:] == ["Review: US holds: the leaders promised talks",
                       "Review: US holds: its threat is pending"]
    assert all(e.actor == "us" and e.meeting == "review" for e in entries(m, "decision"))
    assert not entries(m, "measure") and us.last_review_day == 20


def test_a_side_whose_demands_are_met_holds_at_a_decision_point(baseline):
    m, us = _coercer(baseline)
    for lever_id, _ in us._wants:
        m.levers[lever_id].command(m.levers[lever_id].spec.value_at(0.0))
        m.levers[lever_id].set(m.levers[lever_id].order)
    assert us.demand_gap() < coercion.DEMANDS_MET
    m.hold(_decision(baseline, m))
    assert [e.why for e in entries(m, "decision")] == ["Review: US holds: its demands are met"]


def test_a_decision_to_escalate_without_notice_is_a_measure(baseline):
    m, us = _coercer(baseline)
    m.random.fix(0.0)
    m.hold(_decision(baseline, m))
    assert not entries(m, "decision") and not entries(m, "threat")
    [measure] = entries(m, "measure")
    assert measure.actor == "us" and measure.meeting == "review"
    assert re.search(r"^US tightens .* from .* to .*: Review: to press China \(\d+ % of its "
                     r"demands unmet", measure.why)


def test_a_side_that_gives_notice_threatens_with_a_deadline(baseline):
    m, us = _coercer(baseline, threat_days=10)
    m.random.fix(0.0)
    m.hold(_decision(baseline, m))
    [threat] = entries(m, "threat")
    assert threat.actor == "us" and not entries(m, "measure")
    assert re.search(r"^Review: US announces .* \(now .*\) from 2025-05-14 unless China meets "
                     r"its demands \(\d+ % of its demands unmet", threat.why)  # day 20 + 10
    [pending] = m.truce.threats
    assert (pending.actor, pending.announced, pending.due) == ("us", 20, 30)
    assert us.threats_issued == 1 and m.news < 0


def _announced(baseline) -> Threat:
    """The threat the US announces, with 10 days' notice, at a decision point on day 20."""
    m, _ = _coercer(baseline, threat_days=10)
    m.random.fix(0.0)
    m.hold(_decision(baseline, m))
    [threat] = m.truce.threats
    return threat


def _due_threat(baseline, threat: Threat | None = None, day: int | None = None,
                draw: float = 0.0, **behaviour):
    """A model on ``day`` (the threat's deadline unless given) with ``threat`` (``_announced``
    unless given) pending, announced through the model as a decision point announces it; its
    random draws all ``draw``; the US with ``_coercer``'s behaviour (or these values)."""
    threat = threat or _announced(baseline)
    m, us = _coercer(baseline, 10, day=threat.due if day is None else day, **behaviour)
    m.random.fix(draw)
    m.apply(coercion.Decision("us", coercion.THREATEN, "announced", threat=threat))
    return m, us, threat


def test_a_threat_due_while_talks_are_promised_or_scheduled_is_postponed_twice_at_most(baseline):
    m, us, threat = _due_threat(baseline)
    m.call_held("leaders_call", "Leaders' call", 5)  # talks promised: to the freeze's end + 1
    m.threats_fall_due()
    assert threat.due == m.day + 6 and threat.postponed == 1
    postponed = entries(m, "threat postponed")
    # later, the freeze over: dated London talks (9 June) are within 14 days of 1 June
    june_1 = day_of(baseline, dt.date(2025, 6, 1))
    m, us, threat = _due_threat(baseline, replace(threat, due=june_1))
    m.threats_fall_due()
    london = day_of(baseline, dt.date(2025, 6, 9))
    assert threat.due == london + 1 and threat.postponed == 2
    postponed += entries(m, "threat postponed")
    assert [e.why.rsplit(": ", 1)[1] for e in postponed] == ["talks are promised",
                                                             "talks are scheduled"]
    m, us, threat = _due_threat(baseline, replace(threat, due=threat.due - 7))
    m.threats_fall_due()  # a third time it is decided, talks or not
    assert not entries(m, "threat postponed") and threat not in m.truce.threats


def test_a_threat_is_withdrawn_when_demands_are_met_or_dropped_at_a_cost(baseline):
    # met: the other side eased enough before the deadline
    m, us, threat = _due_threat(baseline)
    for lever_id, _ in us._wants:
        lever = m.levers[lever_id]
        lever.set(lever.spec.value_at(0.0))
        lever.order = lever.value
    m.threats_fall_due()
    [withdrawn] = entries(m, "threat withdrawn")
    assert "is withdrawn: China met enough of its demands (0 % unmet, from" in withdrawn.why
    assert not m.truce.threats and us.audience == 0.0 and not entries(m, "measure")
    # dropped: the draw above the chance (the threatener's gain and audience cost)
    m, us, threat = _due_threat(baseline, draw=0.999999, resolve=0.0, audience_cost=0.2)
    m.threats_fall_due()
    [dropped] = entries(m, "threat withdrawn")
    assert "is dropped at its deadline: US backs down" in dropped.why
    assert dropped.why.endswith("and pays at home (0.20 of pressure)")
    assert us.audience == pytest.approx(0.2) and us.credibility == pytest.approx(1 / 3)
    # carried out: a measure, and credibility rises
    m, us, threat = _due_threat(baseline)
    m.threats_fall_due()
    assert not entries(m, "threat withdrawn") and [e.actor for e in entries(m, "measure")] == \
        ["us"]
    assert "the deadline passed" in entries(m, "measure")[0].why
    assert us.credibility == pytest.approx(2 / 3)


def test_a_deal_suspends_pending_threats_and_they_return_if_its_terms_lapse(baseline):
    threat = _announced(baseline)
    m, us, threat = _due_threat(baseline, threat, day=threat.due - 1)
    m.sign("geneva", {"us.tariff_on_china": 0.2}, "Geneva talks")
    [suspension] = entries(m, "suspension")
    assert suspension.actor == "us" and suspension.meeting == "geneva"
    assert suspension.why.startswith("Geneva talks suspends the threatened ")
    assert suspension.why.endswith(f"(due {m.date_of(threat.due)}): it returns if the terms "
                                   "lapse")
    assert not m.truce.threats and m.agreement.suspended == [threat]
    lever = m.levers[threat.lever_id]
    assert clock.snapback(m, m.agreement)[threat.lever_id] == threat.value != lever.value


def test_a_side_that_wants_more_at_expiry_renegotiates_on_a_new_clock(baseline, monkeypatch):
    """At expiry a side whose unmet demands x resolve share exceed ``RENEGOTIATE_AT`` asks for
    review talks (here the bar is lowered so one does); new terms are signed as a renewal, on a
    new clock from that day, and logged as an extension that says why."""
    monkeypatch.setattr(clock, "RENEGOTIATE_AT", -1.0)
    # the renewal this seed reaches is one China's home would not ratify (it gives more than it
    # gets back: tests/test_ratification.py); the clock's mechanics are what is held here
    monkeypatch.setattr(negotiation.Side, "ratifiable", lambda side, package: True)
    m = NegotiationModel(_short_deal(baseline), seed=1)
    while not entries(m, "agreement"):
        m.step()
    signed, first = m.day, m.agreement
    while m.day < signed + 15:
        m.step()
    assert [e.day for e in entries(m, "extension")] == [signed + 15]
    review = [e for e in m.entries if e.meeting == "geneva_review"]
    assert review and {e.day for e in review} == {signed + 15}
    renewal, extension = entries(m, "agreement")[-1], entries(m, "extension")[0]
    assert renewal.why.startswith("Review of the Geneva talks terms: agreement for ")
    assert m.agreement.follows is first and m.agreement.clock_start == signed + 15
    assert extension.why.startswith(f"the Geneva talks terms are renegotiated and run "
                                    f"{m.agreement.days} more days, to "
                                    f"{m.date_of(m.agreement.expires)}: ")
    assert "wants more: the terms leave" in extension.why

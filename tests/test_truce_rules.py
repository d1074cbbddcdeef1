"""The truce and agreement code at its edges: how threats press their target, review talks at an
expiry, summits that settle or promise talks, signings, talks that fail, and what each logs.

Written against the survivors of the mutation run in docs/testing.md (``sim.engine.coercion``,
``sim.engine.events``, ``sim.engine.clock``). ``news`` is asserted where it is set: it is what
moves the markets the next day (``Market.step``), so a wrong sign or size changes the run.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt

import pytest

from sim.engine import clock, events, negotiation
from sim.engine.model import NegotiationModel
from sim.engine.spec import ShockSpec, Trigger
from sim.engine.truce import Agreement, Signing, Threat


def _meeting(base, name: str, **changes):
    return dataclasses.replace(next(m for m in base.meetings if m.name == name), **changes)


def _entries(m: NegotiationModel, kind: str) -> list:
    return [e for e in m.entries if e.kind == kind]


def _scripted(base, behaviour: dict[str, dict] | None = None, **actor_changes: dict):
    """A copy of ``base`` with some sides' behaviour values set (``behaviour``: actor -> values)
    and/or other fields of their actor spec (``actor_changes``: actor -> field -> value)."""
    s = copy.copy(base)
    actors = dict(base.actors)
    for actor, values in (behaviour or {}).items():
        actors[actor] = dataclasses.replace(
            actors[actor], behaviour=actors[actor].behaviour.with_values(**values))
    for actor, changes in actor_changes.items():
        actors[actor] = dataclasses.replace(actors[actor], **changes)
    s.actors = actors
    return s


def _both(base, **values) -> dict[str, dict]:
    """The same behaviour values for every side."""
    return dict.fromkeys(base.actors, values)


def _stubborn(base, **values):
    """``base`` with both sides so resolved that no package beats no deal (and ``values``)."""
    return _scripted(base, _both(base, resolve=0.5, **values))


# -- threats press their target --------------------------------------------------------------------
def test_threats_press_their_target_by_rise_times_its_weight_times_credibility(baseline):
    """Each pending threat by the other side adds its rise in restrictiveness x the target's
    weight on the lever (relative to its top weight) x the threatener's credibility; its own
    threats, easings and levers it does not care about add nothing; the total is capped at 1."""
    # top weight 2; visas not wanted
    wants = {"us.tariff_on_china": 2.0, "us.chip_controls": 1.4}
    m = NegotiationModel(_scripted(baseline, china={"priorities": wants}), seed=1)
    china, us = m.negotiators["china"], m.negotiators["us"]
    assert china.utility.wants == wants
    for _ in range(2):  # two threats, both carried out: credibility (2 + 1) / (2 + 2)
        us.threatened()
        us.carried_out()
    chips, visas = m.levers["us.chip_controls"], m.levers["us.visa_restrictions"]
    tariff = m.levers["us.tariff_on_china"]
    assert chips.restrictiveness == pytest.approx(0.4)
    for threat in [Threat("china", "china.tariff_on_us", 200.0, 0, 9, 0.5),  # its own
                   Threat("us", chips.spec.id, chips.spec.value_at(0.9), 0, 9, 0.5),
                   Threat("us", visas.spec.id, visas.spec.value_at(0.9), 0, 9, 0.5),
                   Threat("us", tariff.spec.id, tariff.spec.value_at(0.1), 0, 9, 0.5)]:  # easing
        m.truce.announce(threat)
    assert m.negotiators["china"].threat_pressure() == pytest.approx(0.5 * 1.4 / 2.0 * 0.75)
    m.truce.sign(Agreement("geneva", 0, 90, {}, {}))  # clears the threats
    for _ in range(4):
        m.truce.announce(Threat("us", chips.spec.id, chips.spec.value_at(1.0), 0, 9, 0.5))
    assert m.negotiators["china"].threat_pressure() == 1.0  # 4 x 0.6 x 0.7 x 0.75 = 1.26, capped


def test_a_side_that_wants_nothing_is_pressed_by_no_threat(baseline):
    m = NegotiationModel(_scripted(baseline, china={"priorities": {}}), seed=1)
    assert not m.negotiators["china"].utility.wants
    chips = m.levers["us.chip_controls"]
    m.truce.announce(Threat("us", chips.spec.id, chips.spec.value_at(1.0), 0, 9, 0.5))
    assert m.negotiators["china"].threat_pressure() == 0.0


# -- talks that fail, summits, signings ------------------------------------------------------------
def test_talks_that_end_without_agreement_took_place_and_are_bad_news(baseline):
    """Held but failed talks return True (a triggered meeting is not tried again), log 'no
    agreement' with the reason, and weigh -0.3 on the markets."""
    m = NegotiationModel(_stubborn(baseline, initial_trust=0.9), seed=1)  # both attend
    assert m.hold(events.Talks(_meeting(baseline, "geneva"))).held is True
    [failed] = _entries(m, "no agreement")
    assert failed.meeting == "geneva" and failed.why.startswith("Geneva talks ends without "
                                                                "agreement: ")
    assert m.news == pytest.approx(-0.3) and m.agreement is None


def _summit(baseline, initiator):
    spec = dataclasses.replace(_meeting(baseline, "geneva"), kind="summit", name="summit",
                               label="Summit", initiator=initiator)
    return events.Summit(spec)


@pytest.mark.parametrize("initiator, pressures, first", [
    ("us", (0.1, 0.7), "us"),  # the host opens, even when the other side is more pressed
    (None, (0.1, 0.7), "china"),  # without a host, the more pressed side opens
    (None, (0.7, 0.1), "us"),
])
def test_the_summits_host_or_else_the_most_pressed_leader_makes_the_first_offer(
        baseline, initiator, pressures, first):
    m = NegotiationModel(baseline, seed=1, day=20)
    m.negotiators["us"].feel(pressures[0])
    m.negotiators["china"].feel(pressures[1])
    assert m.hold(_summit(baseline, initiator)).held is True
    assert _entries(m, "offer")[0].actor == first


def test_a_summit_that_settles_nothing_is_mild_bad_news_then_promises_talks(baseline):
    m = NegotiationModel(_stubborn(baseline), seed=1, day=20)
    assert m.hold(_summit(baseline, "us")).held is True
    failed, restart = _entries(m, "no agreement"), _entries(m, "talks restart")
    assert [(e.meeting, e.day) for e in failed + restart] == [("summit", 20), ("summit", 20)]
    assert restart[0].why == ("after the Summit, both teams are to meet again; new measures "
                              f"wait until {m.date_of(50)}")
    assert m.news == pytest.approx(-0.1 + 0.3)  # the failed summit, then the promise of talks


def test_an_agreement_signed_later_is_filed_under_its_talks(baseline):
    m = NegotiationModel(baseline, seed=1, day=25)
    spec = _meeting(baseline, "geneva", signing_days=5)
    m.truce.schedule(Signing(25, spec, {"us.tariff_on_china": 0.2}))
    m.hold_meetings()
    assert m.agreement.meeting == "geneva" and _entries(m, "agreement")[0].meeting == "geneva"
    assert _entries(m, "agreement")[0].why.startswith("Geneva talks (signed): agreement for ")


def test_a_shock_logs_its_change_in_percent(baseline):
    m = NegotiationModel(baseline, seed=1)
    spec = ShockSpec("selloff", "Sell-off", baseline.start, "us.stock_market", -0.125)
    m.shock(spec)
    assert [(e.kind, e.meeting, e.why) for e in m.entries] == [
        ("shock", "selloff", "Sell-off: us.stock_market changes by -12 %")]


# -- review talks at an expiry ---------------------------------------------------------------------
def _expiring(baseline) -> tuple[NegotiationModel, Agreement]:
    """Day 30, Geneva's terms just signed (``baseline`` may be a scripted copy)."""
    m = NegotiationModel(baseline, seed=1, day=30)
    m.sign("geneva", {"us.tariff_on_china": 0.2}, "Geneva talks")
    return m, m.agreement


def test_review_talks_bargain_over_the_terms_and_what_the_asking_side_wants(baseline,
                                                                             monkeypatch):
    """The agenda: the levers the agreement covers, then those the asking side wants eased
    (each once); the asking side opens; offers and the new terms carry the review's label."""
    m, agreement = _expiring(baseline)
    seen = {}
    original = events.alternate_offers

    def spy(first, second, agenda, now, rounds, label=""):
        seen.update(first=first.actor, agenda=list(agenda), rounds=rounds)
        return original(first, second, agenda, now, rounds, label)

    monkeypatch.setattr(events, "alternate_offers", spy)
    monkeypatch.setattr(clock, "REVIEW_ROUNDS", 6)
    # the terms this seed reaches would not pass at home on the US side (tests/
    # test_ratification.py); what is held here is the review's agenda, order and labels
    monkeypatch.setattr(negotiation.Side, "ratifiable", lambda side, package: True)
    m.review(agreement, clock.Expiry(clock.RENEGOTIATE, "china", "China wants more", {}))
    assert seen == {"first": "china", "rounds": 6, "agenda": [
        "us.tariff_on_china", "us.chip_controls", "us.visa_restrictions"]}
    offers = [e for e in m.entries if e.kind == "offer"]
    assert offers and all(e.meeting == "geneva_review" for e in offers)
    assert offers[0].why.startswith("Review of the Geneva talks terms, round 1: China proposes")
    assert m.agreement.meeting == "geneva_review" and m.agreement.follows is agreement


def test_review_talks_that_find_no_new_terms_are_bad_news_and_sign_nothing(baseline):
    m, agreement = _expiring(_stubborn(baseline))
    news = m.news
    spec, outcome = events.review_talks(m, agreement, "us", 6)
    assert outcome is None and spec.name == "geneva_review"
    [failed] = _entries(m, "no agreement")
    assert failed.meeting == "geneva_review"
    assert failed.why.startswith("Review of the Geneva talks terms ends without new terms: ")
    assert m.news - news == pytest.approx(-0.3) and m.agreement is agreement



# -- the decision at expiry (clock.expiry_choice) --------------------------------------------------
def _at_expiry(baseline, terms: dict[str, float], trust: float = 0.9, model=NegotiationModel,
               **behaviour: dict):
    """Day 30, an agreement with ``terms`` (lever id -> value) in force, the US willing (its
    ``trust``, no pressure); ``behaviour``: actor -> behaviour values; ``model``: the class."""
    values = {"us": {"initial_trust": trust}} | behaviour
    if "us" in behaviour:
        values["us"] = {"initial_trust": trust} | behaviour["us"]
    m = model(_scripted(baseline, values), seed=1, day=30)
    m.truce.sign(Agreement("geneva", 15, 15, dict(terms), {k: m.levers[k].value for k in terms}))
    us = m.negotiators["us"]
    us.feel(0.0)
    return m, us


def test_at_expiry_a_side_exactly_at_the_attendance_threshold_is_willing_to_renew(baseline):
    m, us = _at_expiry(baseline, {}, trust=clock.ATTEND_THRESHOLD)
    assert us.willingness() == clock.ATTEND_THRESHOLD
    assert clock.expiry_choice(m, us, {})[0] != "lapse"
    m, us = _at_expiry(baseline, {}, trust=clock.ATTEND_THRESHOLD - 1e-9)
    assert clock.expiry_choice(m, us, {})[0] == "lapse"


def test_at_expiry_a_side_lets_terms_lapse_only_when_strictly_better_off_without_them(baseline):
    """Indifferent (the lapse changes nothing): not a reason to lapse; better off with the
    measures back: lapse, and ``check_expiry`` carries it out and says why."""
    m, us = _at_expiry(baseline, {})
    assert clock.expiry_choice(m, us, {})[0] in ("extend", "renegotiate")
    chips = m.levers["us.chip_controls"]  # the US holds it and values holding it
    better = {chips.spec.id: chips.spec.value_at(1.0)}
    choice, why = clock.expiry_choice(m, us, better)
    assert choice == "lapse" and why.startswith("US is better off with the measures back")


def test_at_expiry_the_unmet_demands_are_counted_as_if_the_terms_were_delivered(baseline,
                                                                                monkeypatch):
    """Terms that open everything the US wants leave nothing to renegotiate, however closed
    those levers still are; the bar (``RENEGOTIATE_AT``) must be exceeded, not met."""
    open_all = {"china.rare_earth_licensing": 1.0, "china.tariff_on_us": 0.0}
    m, us = _at_expiry(baseline, open_all, us={"resolve": clock.RENEGOTIATE_AT * 10})
    assert us.demand_gap() > 0.5 and us.demand_gap(open_all) == 0.0
    assert clock.expiry_choice(m, us, {}) == ("extend", clock.expiry_choice(m, us, {})[1])
    unwanted = {"us.tariff_on_china": 30.0}  # terms on a lever the US does not want eased
    m, us = _at_expiry(baseline, unwanted, us={"resolve": 0.5})
    gap = us.demand_gap(unwanted)
    assert gap == pytest.approx((1.0 * 0.8 + 0.6 * 0.625) / 1.6)  # as unmet as today
    choice, why = clock.expiry_choice(m, us, {})
    assert choice == "renegotiate"
    assert why == "US wants more: the terms leave 73 % of its demands unmet"
    monkeypatch.setattr(clock, "RENEGOTIATE_AT", us.resolve_share() * gap)
    assert clock.expiry_choice(m, us, {})[0] == "extend"


def test_a_lapse_is_bad_news_for_the_markets(baseline):
    m, _ = _at_expiry(baseline, {"us.tariff_on_china": 30.0})
    news = m.news
    m.lapse(m.agreement, {}, "a test", "us")
    assert [(e.kind, e.actor, e.meeting) for e in m.entries] == [("lapse", "us", "geneva")]
    assert m.news - news == pytest.approx(-0.5) and m.agreement is None


def test_triggered_talks_are_held_on_the_first_day_their_trigger_fires(baseline):
    trigger = Trigger("us", "trust", None, 2.0, dt.date(2025, 5, 1), dt.date(2025, 6, 30))
    scenario = copy.copy(baseline)
    scenario.meetings = [_meeting(baseline, "geneva", date=None, trigger=trigger)]
    m = NegotiationModel(scenario, seed=1).run_to_end()
    first = next(e for e in m.entries if e.meeting == "geneva")
    assert first.day == (dt.date(2025, 5, 1) - baseline.start).days


def test_review_talks_that_fail_at_expiry_keep_the_terms_both_prefer_saying_who_asked_and_why(
        baseline, monkeypatch):
    """A side asks for a review only when neither side prefers the terms' lapse
    (``clock.at_expiry``): talks that find nothing better leave the terms in force, on a new
    clock, and nothing returns."""
    monkeypatch.setattr(clock, "RENEGOTIATE_AT", -1.0)  # every side asks for new terms
    m, us = _at_expiry(baseline, {}, **_both(baseline, resolve=0.5, initial_trust=0.9))
    agreement, tariff = m.agreement, m.levers["us.tariff_on_china"].value
    news = m.news
    m.clock_runs()
    assert not _entries(m, "lapse") and m.agreement is agreement
    assert m.news - news == pytest.approx(-0.3)  # the failed talks' news; keeping terms: none
    assert agreement.expires > m.day and m.levers["us.tariff_on_china"].value == tariff
    [kept] = _entries(m, "extension")
    assert kept.actor == "us" and kept.meeting == agreement.meeting
    assert kept.why.startswith("the review talks end without new terms (US wants more: the "
                               "terms leave 73 % of its demands unmet); ")
    assert "both sides prefer the Geneva talks terms to their lapse, so they stay in force " \
        "for " in kept.why


def test_review_talks_bargain_against_the_terms_as_they_stand_not_their_lapse(baseline,
                                                                                monkeypatch):
    """Without a deal the terms stay, so no fallback is passed to the bargaining: what each side
    compares offers with is today's state."""
    m, agreement = _expiring(baseline)
    seen = {}
    original = events.bargain

    def spy(model, spec, order, fallback=None):
        seen["fallback"] = fallback
        return original(model, spec, order, fallback)

    monkeypatch.setattr(events, "bargain", spy)
    events.review_talks(m, agreement, "us", 6)
    assert seen == {"fallback": None}


# -- what a lapse brings back (clock.snapback) -----------------------------------------------------
def test_a_lapse_brings_back_suspended_threats_at_their_tighter_end_and_skips_commitments(
        baseline):
    """Delivered commitments stay (a commitment lever is skipped, whatever follows it); each
    suspended threat returns at the tighter of the threatened value and the lever's lapse
    value: the higher for a tariff (restrictive high), the lower for licences (restrictive
    low), starting from the lapse value when the agreement covers that lever."""
    us = baseline.actors["us"]  # the visa restrictions made a commitment lever
    levers = tuple(dataclasses.replace(lv, horizon_days=30) if lv.id == "us.visa_restrictions"
                   else lv for lv in us.levers)
    m = NegotiationModel(_scripted(baseline, us={"levers": levers}), seed=1)
    visas, tariff = m.levers["us.visa_restrictions"], "us.tariff_on_china"
    licences = m.levers["china.rare_earth_licensing"]
    assert visas.spec.commitment
    first = Agreement("geneva", 0, 15, {tariff: 30.0, licences.spec.id: 0.5},
                      {visas.spec.id: 0.1, tariff: 145.0, licences.spec.id: 0.2})
    licences.set(0.6)  # eased since
    for threat in [Threat("us", tariff, 200.0, 0, 9, 0.5),
                   Threat("china", licences.spec.id, 0.3, 0, 9, 0.5),
                   Threat("us", "us.chip_controls", 0.7, 0, 9, 0.5)]:
        first.suspend(threat)
    assert clock.snapback(m, first) == {tariff: 200.0, licences.spec.id: 0.2,
                                        "us.chip_controls": 0.7}


# -- the news an expiry makes (clock.check_expiry) -------------------------------------------------
class _Recording(NegotiationModel):
    """A model that also records (kind, meeting, news) of every line it logs from now on."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.seen: list[tuple[str, str, float]] = []

    def log(self, actor, kind, why, meeting="", news=0.0):
        self.seen.append((kind, meeting, news))
        super().log(actor, kind, why, meeting=meeting, news=news)


@pytest.mark.parametrize("renegotiate_at", [clock.RENEGOTIATE_AT, -1.0])
def test_an_extension_or_renegotiation_is_good_news_filed_under_the_agreement(
        baseline, monkeypatch, renegotiate_at):
    monkeypatch.setattr(clock, "RENEGOTIATE_AT", renegotiate_at)
    # resolve 0: any new terms will do
    m, _ = _at_expiry(baseline, {}, model=_Recording,
                      **_both(baseline, resolve=0.0, initial_trust=0.9))
    m.seen.clear()
    seen = m.seen
    m.clock_runs()
    assert [s for s in seen if s[0] == "extension"] == [("extension", "geneva", 0.2)]
    assert ("review" in m.agreement.meeting) == (renegotiate_at < 0)


def test_an_agreement_in_principle_is_good_news_filed_under_its_talks(baseline):
    m = NegotiationModel(baseline, seed=1, day=20)
    spec = _meeting(baseline, "geneva", signing_days=5)
    outcome = events.Outcome(True, {"us.tariff_on_china": 0.2}, [], "china accepts in round 1")
    m.conclude(spec, outcome)
    [principle] = _entries(m, "agreement in principle")
    assert principle.meeting == "geneva" and m.news == pytest.approx(0.2)
    assert m.agreement is None and [s.day for s in m.truce.signings] == [25]


def test_a_meeting_the_scenario_does_not_list_is_labelled_by_its_name(baseline):
    m = NegotiationModel(baseline, seed=1)
    assert m.meeting_label("geneva") == "Geneva talks"
    assert m.meeting_label("geneva_review") == "geneva_review"


def test_terms_signed_at_the_table_are_logged_under_the_talks_label_and_bind_later(baseline):
    m = NegotiationModel(baseline, seed=1, day=20)
    spec = _meeting(baseline, "geneva", in_force_days=3)
    outcome = events.Outcome(True, {"us.tariff_on_china": 0.2}, [], "china accepts in round 1")
    m.conclude(spec, outcome)
    [signed] = _entries(m, "agreement")
    assert signed.why.startswith("Geneva talks: agreement for ")
    assert f"in force from {m.date_of(23)}" in signed.why
    assert (m.agreement.meeting, m.agreement.signed, m.agreement.in_force) == ("geneva", 20, 23)


def test_a_measure_on_the_signing_day_stalls_the_new_truce(baseline):
    """Measures since the signing count, the signing day included (a side that signs and
    tightens the same day has not settled); a measure the day before does not."""
    for measured, status in ((20, "stalled"), (19, "truce")):
        m = NegotiationModel(_scripted(baseline, _both(baseline, initial_trust=0.9)), seed=1,
                             day=25)
        m.truce.measure_taken(measured)
        m.truce.sign(Agreement("geneva", 20, 60, {}, {}))
        assert m.talks_status() == status, measured


def test_each_threat_a_deal_suspends_is_mild_good_news(baseline):
    m = _Recording(baseline, seed=1, day=20)
    m.truce.announce(Threat("us", "us.chip_controls", 0.9, 10, 30, 0.5))
    m.truce.announce(Threat("china", "china.tariff_on_us", 150.0, 12, 32, 0.5))
    seen = m.seen
    m.sign("geneva", {"us.tariff_on_china": 0.2}, "Geneva talks")
    assert [s for s in seen if s[0] == "suspension"] == [("suspension", "geneva", 0.1)] * 2


def test_terms_may_run_up_to_ten_years(baseline):
    """A side that commits for ten years at full trust agrees a term of ten years (in whole
    half-months) with one that does the same: arrangements longer than two years can be said."""
    ten_years = _both(baseline, commitment_days=3650, initial_trust=1.0)
    m = NegotiationModel(_scripted(baseline, ten_years), seed=1, day=30)
    agreement = m.sign("geneva", {"us.tariff_on_china": 0.2}, "Geneva talks")
    assert agreement.days == 3645 and agreement.days > 730


def test_a_side_without_constituencies_feels_no_pressure(baseline):
    """A side whose constituencies weigh nothing in all (here: none) feels no pressure, rather
    than dividing by a total weight of zero."""
    m = NegotiationModel(_scripted(baseline, us={"constituencies": ()}), seed=1)
    m.update_pressure()
    assert m.negotiators["us"].pressure == 0.0

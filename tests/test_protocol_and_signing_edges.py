"""The protocol and the signing code at the edges the second mutation run found unguarded: the
round logged when a controlled side walks away, what an unlabelled talk shows a controller, and
how ``sign`` turns a package into terms, dates and a log entry.

Written against the survivors of the mutation run in docs/testing.md (``sim.engine.negotiation``,
``sim.engine.clock.sign``, ``NegotiationModel.sign``/``log``/``next_talks_day``).
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt

from sim.engine.model import NegotiationModel
from sim.engine.negotiation import Side, Utility, alternate_offers
from sim.engine.spec import MeetingSpec

NOW = {"a.x": 0.8, "b.y": 0.6}
AGENDA = ["a.x", "b.y"]


def side(actor: str, reservation: float = 0.0, controller=None) -> Side:
    own, theirs = ("a.x", "b.y") if actor == "a" else ("b.y", "a.x")
    return Side(actor, Utility({theirs: 1.0}, {own: 0.3}), Utility({own: 1.0}, {theirs: 0.3}),
                frozenset({own}), reservation, 0.5, 0.0, controller=controller)


class Answers:
    """A controller that proposes the model's suggestion and plays back fixed answers."""

    def __init__(self, answers):
        self.answers, self.labels = list(answers), []

    def propose(self, turn):
        self.labels.append(turn.meeting)
        return turn.suggestion

    def accepts(self, turn):
        self.labels.append(turn.meeting)
        return self.answers.pop(0)


# -- the protocol ----------------------------------------------------------------------------------
def test_the_round_a_responder_walks_out_of_is_logged_as_the_rejection_it_would_have_been():
    """Walking away (None) in round 3 ends the talks, not agreed (False, not merely falsy), and
    logs round 3 exactly as a rejection there would: its number, proposer, package, both
    utilities and the responder's aim."""
    walked = alternate_offers(side("a"), side("b", -1.0, Answers([False, None])), AGENDA, NOW,
                              rounds=6)
    rejected = alternate_offers(side("a"), side("b", -1.0, Answers([False, False, False])),
                                AGENDA, NOW, rounds=6)
    assert walked.agreed is False and walked.reason == "b walks away in round 3"
    assert len(walked.rounds) == 3 and walked.rounds == rejected.rounds[:3]
    last = walked.rounds[-1]
    assert (last.number, last.proposer, last.accepted) == (3, "a", False)
    assert last.package and None not in (last.proposer_utility, last.responder_utility,
                                         last.responder_aim)


def test_talks_given_no_label_show_their_controllers_an_empty_label():
    script = Answers([True])
    alternate_offers(side("a"), side("b", controller=script), AGENDA, NOW, rounds=3)
    assert script.labels == [""]


# -- signing ---------------------------------------------------------------------------------------
def test_a_signed_agreement_logs_the_moves_of_its_terms_in_words(baseline):
    m = NegotiationModel(baseline, seed=1, day=20)
    tariff = m.levers["us.tariff_on_china"]
    before = tariff.spec.describe(tariff.value)
    m.sign("geneva", {"us.tariff_on_china": 0.2}, "Geneva talks")
    [entry] = [e for e in m.entries if e.kind == "agreement"]
    assert entry.why.endswith(f": {tariff.spec.label} {before} -> "
                              f"{tariff.spec.describe(tariff.spec.value_at(0.2))}")


def test_a_move_of_half_a_point_of_restrictiveness_or_less_is_no_term(baseline):
    """The rule is strict: a lever exactly 0.005 from its value is left out of the terms (a 1 %
    tariff on a 0..200 % scale opened to 0 %), one a little further is a term."""
    m = NegotiationModel(baseline, seed=1)
    tariff, chips = m.levers["us.tariff_on_china"], m.levers["us.chip_controls"]
    tariff.set(tariff.spec.value_at(0.005))
    assert abs(0.0 - tariff.restrictiveness) == 0.005  # exactly on the boundary
    chips.set(chips.spec.value_at(0.4))
    m.sign("geneva", {"us.tariff_on_china": 0.0, "us.chip_controls": 0.394}, "Geneva talks")
    assert set(m.agreement.terms) == {"us.chip_controls"}


def test_an_agreement_signed_without_a_label_is_logged_under_its_meeting_name(baseline):
    m = NegotiationModel(baseline, seed=1)
    m.sign("geneva", {"us.tariff_on_china": 0.2})
    [entry] = [e for e in m.entries if e.kind == "agreement"]
    assert entry.why.startswith("geneva: agreement for ")


# -- the next talks, which postpone a threat's deadline (coercion.check_threats) ---------------
def _dated(base, kind: str, day: int) -> MeetingSpec:
    """A meeting of ``kind`` on model day ``day``."""
    return dataclasses.replace(base.meetings[0], kind=kind, name=f"{kind}_{day}",
                               date=base.start + dt.timedelta(days=day))


def _pending(base, *meetings: MeetingSpec) -> NegotiationModel:
    """A model on day 30 of a scenario whose meetings are ``meetings`` (all still pending)."""
    s = copy.copy(base)
    s.meetings = list(meetings)
    return NegotiationModel(s, seed=1, day=30)


def test_the_next_talks_are_dated_talks_or_summits_after_today_and_within_the_window(baseline):
    """Talks dated today are not 'next' (they are held or retried today); talks exactly
    ``within`` days ahead are; a summit counts as talks, a leaders' call does not."""
    today, call = _dated(baseline, "talks", 30), _dated(baseline, "call", 35)
    assert _pending(baseline, today, call).next_talks_day(14) is None
    m = _pending(baseline, today, call, _dated(baseline, "talks", 44))
    assert m.next_talks_day(14) == 44 and m.next_talks_day(13) is None
    m = _pending(baseline, _dated(baseline, "talks", 44), _dated(baseline, "summit", 40))
    assert m.next_talks_day(14) == 40


def test_an_event_logged_without_a_meeting_is_filed_under_none(baseline):
    """What events.csv shows in its meeting column for a measure, a threat, a decision."""
    m = NegotiationModel(baseline, seed=1)
    m.log("us", "measure", "a new measure")
    assert m.entries[-1].meeting == "" and m.entries[-1].actor == "us"

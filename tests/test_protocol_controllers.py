"""The protocol's two controller hooks (``sim.engine.control``): what a controlled side is shown
when it proposes or answers, how its package is kept to the agenda and never adds restrictions,
and what walking away does to the talks.

Written against the mutation run in docs/testing.md, where no test of the fast subset reached
``negotiation._turn``, ``_controlled_offer`` or ``_controlled_answer``.
"""

from __future__ import annotations

import pytest

from sim.engine.control import TalksTurn
from sim.engine.negotiation import Side, Utility, alternate_offers

NOW = {"a.x": 0.8, "b.y": 0.6, "c.z": 0.5}  # c.z is off the agenda
AGENDA = ["a.x", "b.y"]


def side(actor: str, reservation: float = 0.0, controller=None) -> Side:
    own, theirs = ("a.x", "b.y") if actor == "a" else ("b.y", "a.x")
    return Side(actor, Utility({theirs: 1.0}, {own: 0.3}), Utility({own: 1.0}, {theirs: 0.3}),
                frozenset({own}), reservation, 0.5, 0.0, controller=controller)


def demanding(actor: str) -> Side:
    """A side that talks but accepts nothing short of its best package."""
    probe = side(actor)
    probe.frontier(AGENDA, NOW)
    s = side(actor, reservation=probe.best)
    s.frontier(AGENDA, NOW)
    return s


class Script:
    """A controller that records what it is shown and plays back fixed answers (then the
    model's suggestion, and rejection)."""

    def __init__(self, proposals=(), answers=()):
        self.proposals, self.answers = list(proposals), list(answers)
        self.seen: list[TalksTurn] = []  # turns it was asked to propose in
        self.answered: list[TalksTurn] = []  # turns it was asked to answer in

    def propose(self, turn):
        self.seen.append(turn)
        return self.proposals.pop(0) if self.proposals else turn.suggestion

    def accepts(self, turn):
        self.answered.append(turn)
        return self.answers.pop(0) if self.answers else False


def test_a_controlled_proposer_is_shown_the_talks_and_the_models_suggestion():
    script = Script(proposals=[{"a.x": 0.8, "b.y": 0.6}], answers=[])
    a, b = side("a", controller=script), side("b")
    out = alternate_offers(a, b, AGENDA, NOW, rounds=1, label="Geneva talks")
    [turn] = script.seen
    a_free = side("a")
    a_free.frontier(AGENDA, NOW)
    suggestion = a_free.offer_at(a_free.target(0, 1, 0.0))[1]
    assert turn == TalksTurn("Geneva talks", "a", 1, 1, AGENDA, NOW, suggestion, None, [])
    assert out.rounds[0].package == {"a.x": 0.8, "b.y": 0.6, "c.z": 0.5}
    assert out.rounds[0].proposer_utility == pytest.approx(a.utility.of(out.rounds[0].package))


def test_a_controlled_package_is_kept_to_the_agenda_and_never_adds_restrictions():
    """Levers off the agenda stay where they are, asks above today are cut back to today,
    below 0 to 0, and agenda levers the package leaves out stay at today's value."""
    script = Script(proposals=[{"a.x": 0.95, "b.y": -0.4, "c.z": 0.0}, {"b.y": "0.25"}])
    out = alternate_offers(side("a", controller=script), demanding("b"), AGENDA, NOW,
                           rounds=3)
    assert [r.proposer for r in out.rounds] == ["a", "b", "a"] and not out.agreed
    assert out.rounds[0].package == {"a.x": 0.8, "b.y": 0.0, "c.z": 0.5}
    assert out.rounds[2].package == {"a.x": 0.8, "b.y": 0.25, "c.z": 0.5}


def test_a_controlled_proposer_that_walks_away_ends_the_talks_in_that_round():
    out = alternate_offers(side("a", controller=Script(proposals=[None])), side("b"), AGENDA,
                           NOW, rounds=4)
    assert (out.agreed, out.package, out.rounds) == (False, {}, [])
    assert out.reason == "a walks away in round 1"
    out = alternate_offers(demanding("b"), side("a", controller=Script([None])),
                           AGENDA, NOW, rounds=4)
    assert [r.proposer for r in out.rounds] == ["b"] and out.package == {}
    assert out.reason == "a walks away in round 2"


def test_a_controlled_responder_is_shown_the_offer_and_its_own_next_offer():
    script = Script(answers=[True])
    a, b = side("a"), side("b", controller=script)
    out = alternate_offers(a, b, AGENDA, NOW, rounds=5, label="London talks")
    [turn] = script.answered
    b_free = side("b")
    b_free.frontier(AGENDA, NOW)
    suggestion = b_free.offer_at(b_free.target(1, 5, 0.0))[1]
    assert turn == TalksTurn("London talks", "b", 1, 5, AGENDA, NOW, suggestion,
                             out.rounds[0].package, [])
    assert out.agreed and out.reason == "b accepts in round 1" and out.rounds[0].accepted


def test_a_controlled_responder_decides_acceptance_and_may_walk_away():
    """Its answer overrides the model's rule: False rejects an offer the model would take;
    None ends the talks, the walked-out round logged as not accepted."""
    script = Script(answers=[False, None])
    out = alternate_offers(side("a"), side("b", reservation=-1.0, controller=script), AGENDA,
                           NOW, rounds=6)
    assert [r.accepted for r in out.rounds] == [False, False, False]
    assert [r.proposer for r in out.rounds] == ["a", "b", "a"]
    assert out.reason == "b walks away in round 3" and not out.agreed and out.package == {}
    assert [t.round for t in script.answered] == [1, 3]
    assert [len(t.history) for t in script.answered] == [0, 2]


def test_a_controlled_responder_is_suggested_its_own_next_offer_by_its_clock_and_mirror():
    """The suggestion is what the side would itself ask next round (capped at the last round),
    from its clock and its mirror with nothing yet conceded, in every round it answers."""
    def mirroring_side(controller=None) -> Side:
        s = side("b", controller=controller)
        s.concession, s.mirroring = 1.0, 0.5
        return s

    script = Script(answers=[False, False])
    out = alternate_offers(mirroring_side(script), demanding("a"), AGENDA, NOW, rounds=4)
    assert [r.proposer for r in out.rounds] == ["b", "a", "b", "a"] and not out.agreed
    free = mirroring_side()
    free.frontier(AGENDA, NOW)
    for turn, t in zip(script.answered, (1, 3), strict=True):  # 3: the last round
        assert turn.suggestion == free.offer_at(free.target(min(t + 1, 3), 4, 0.0))[1]
    assert script.answered[0].suggestion != script.answered[1].suggestion

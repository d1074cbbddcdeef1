"""Meetings and shocks: talks, leaders' calls and outside events, at dates or on triggers.

A scenario says when these happen; what they lead to is up to the negotiators.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.engine.negotiation import Side, alternate_offers

if TYPE_CHECKING:
    from sim.engine.agents import Negotiator
    from sim.engine.model import NegotiationModel
    from sim.engine.spec import MeetingSpec, ShockSpec

ATTEND_THRESHOLD = 0.45  # assumption: below this willingness a side stays away from talks
ANSWER_THRESHOLD = 0.25  # assumption: below this a leader does not take the other's call
RETRY_DAYS = 7  # assumption: a triggered meeting that did not take place is tried again a week on


class Talks:
    """Negotiating rounds between the two teams: alternating package offers until a deadline."""

    def __init__(self, spec: MeetingSpec):
        self.spec = spec
        self.not_before = 0  # model day before which a triggered retry may not happen

    def run(self, model: NegotiationModel) -> bool:
        """Hold the talks; False if a side stayed away (they did not take place)."""
        spec = self.spec
        absent = [n for n in model.negotiators.values() if n.willingness() < ATTEND_THRESHOLD]
        if absent:
            who = absent[0]
            model.log(who.actor, "talks not held", f"{spec.label}: {who.label} stays away "
                      f"(trust {who.trust:.2f}, pressure {who.pressure:.2f})", meeting=spec.name,
                      news=-0.3)
            return False
        agenda = list(spec.agenda) if spec.agenda else list(model.levers)
        now = {k: lever.restrictiveness for k, lever in model.levers.items()}
        order = self.opening_order(model)
        sides = [self.side(model, n, now) for n in order]
        outcome = alternate_offers(sides[0], sides[1], agenda, now, spec.rounds, spec.label)
        for r in outcome.rounds:
            responder = model.negotiators[model.spec.other(r.proposer)]
            model.log(r.proposer, "offer", f"{spec.label}, round {r.number}: "
                      f"{model.negotiators[r.proposer].label} proposes {model.describe(r.package)}"
                      f"; {responder.label} {'accepts' if r.accepted else 'rejects'} (worth "
                      f"{r.responder_utility:.3f} to it, it aims for {r.responder_aim:.3f})",
                      meeting=spec.name)
        for n in model.negotiators.values():
            n.mandate = 0.0
        if not outcome.agreed:
            model.log(None, "no agreement", f"{spec.label} ends without agreement: "
                      f"{outcome.reason}", meeting=spec.name, news=-0.3)
            return True
        model.sign(spec.name, outcome.package, spec.label)
        return True

    def opening_order(self, model: NegotiationModel) -> list[Negotiator]:
        names = list(model.negotiators)
        if self.spec.initiator:
            first = self.spec.initiator
        else:
            first = model.random.choice(names)
        return [model.negotiators[first], model.negotiators[model.spec.other(first)]]

    def side(self, model: NegotiationModel, n: Negotiator, now: dict[str, float]) -> Side:
        b = n.behaviour
        belief = n.other.utility.noisy(model.random, b.misperception)
        return Side(n.actor, n.utility, belief, frozenset(n.levers),
                    n.reservation(n.utility.of(now)), n.concession_pace(), b.mirroring,
                    controller=model.controllers.get(n.actor))  # hook: engine.control


class LeadersCall:
    """A call between the leaders: it restores trust and gives the teams a mandate to settle."""

    def __init__(self, spec: MeetingSpec, initiator: str | None = None):
        self.spec = spec
        self.initiator = initiator or spec.initiator
        self.not_before = 0

    def run(self, model: NegotiationModel) -> bool:
        """Hold the call; False if the other leader does not take it."""
        caller = model.negotiators[self.initiator or self.most_pressed(model)]
        callee = caller.other
        if callee.willingness() < ANSWER_THRESHOLD:
            model.log(callee.actor, "call declined", f"{callee.label}'s leader does not take the "
                      f"call (trust {callee.trust:.2f}, pressure {callee.pressure:.2f})",
                      meeting=self.spec.name, news=-0.2)
            return False
        for n in (caller, callee):
            before = n.trust
            n.trust += n.behaviour.goodwill * (1.0 - n.trust) * 0.6
            n.mandate = n.behaviour.pressure_sensitivity * n.pressure * 0.1
            model.log(n.actor, "call", f"{self.spec.label} ({caller.label} called): "
                      f"{n.label}'s trust rises from {before:.2f} to {n.trust:.2f}; its team gets "
                      f"room to settle ({n.mandate:.3f})", meeting=self.spec.name)
        model.call_held(self.spec.name, self.spec.label)
        return True

    @staticmethod
    def most_pressed(model: NegotiationModel) -> str:
        return max(model.negotiators.values(), key=lambda n: n.pressure).actor


class Shock:
    """An outside event hitting a constituency: a market fall, a supply disruption."""

    def __init__(self, spec: ShockSpec):
        self.spec = spec

    def run(self, model: NegotiationModel) -> bool:
        for agent in model.constituents[self.spec.target]:
            agent.shock(self.spec.change)
        model.log(None, "shock", f"{self.spec.label}: {self.spec.target} changes by "
                  f"{100 * self.spec.change:+.0f} %", meeting=self.spec.name)
        return True


def build(spec: MeetingSpec) -> Talks | LeadersCall:
    return Talks(spec) if spec.kind == "talks" else LeadersCall(spec)

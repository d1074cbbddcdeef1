"""Meetings and shocks: talks, leaders' calls, summits, decision points and outside events, at
dates or on triggers; and the signing of agreements reached in principle.

A scenario says when these happen; what they lead to is up to the negotiators.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sim.engine import coercion
from sim.engine.agents import ATTEND_THRESHOLD
from sim.engine.negotiation import Agreement, Outcome, Side, alternate_offers
from sim.engine.spec import MeetingSpec

if TYPE_CHECKING:
    from sim.engine.agents import Negotiator
    from sim.engine.model import NegotiationModel
    from sim.engine.spec import ShockSpec

ANSWER_THRESHOLD = 0.25  # assumption: below this a leader does not take the other's call
RETRY_DAYS = 7  # assumption: a triggered meeting that did not take place is tried again a week on
GOODWILL_REACH = 0.6  # assumption: full goodwill closes 60 % of the gap to full trust
MANDATE_REACH = 0.1  # assumption: full pressure x sensitivity gives the team 0.1 utility of room


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
        outcome = bargain(model, spec, self.opening_order(model))
        if not outcome.agreed:
            model.log(None, "no agreement", f"{spec.label} ends without agreement: "
                      f"{outcome.reason}", meeting=spec.name, news=-0.3)
            return True
        conclude(model, spec, outcome)
        return True

    def opening_order(self, model: NegotiationModel) -> list[Negotiator]:
        names = list(model.negotiators)
        if self.spec.initiator:
            first = self.spec.initiator
        else:
            first = model.random.choice(names)
        return [model.negotiators[first], model.negotiators[model.spec.other(first)]]


def conclude(model: NegotiationModel, spec: MeetingSpec, outcome: Outcome) -> None:
    """Sign agreed terms at the table, or agree them in principle and sign them later."""
    if spec.signing_days:
        day = model.day + spec.signing_days
        model.signings.append(Signing(day, spec, outcome.package))
        model.last_call_day, model.freeze_until = model.day, day  # measures wait for the signing
        model.log(None, "agreement in principle", f"{spec.label}: agreed in principle, to be "
                  f"signed on {model.date_of(day)}: {model.describe(outcome.package)}",
                  meeting=spec.name, news=0.2)
        return
    model.sign(spec.name, outcome.package, spec.label, spec.in_force_days)


def bargain(model: NegotiationModel, spec: MeetingSpec, order: list[Negotiator],
            fallback: dict[str, float] | None = None) -> Outcome:
    """The rounds of offers on the meeting's agenda, logged offer by offer. ``fallback`` (lever
    id -> value) is what happens without a deal when that differs from today (a lapse)."""
    agenda = list(spec.agenda) if spec.agenda else list(model.levers)
    now = {k: lever.restrictiveness for k, lever in model.levers.items()}
    disagreement = dict(now)
    for lever_id, value in (fallback or {}).items():
        disagreement[lever_id] = model.levers[lever_id].spec.restrictiveness(value)
    sides = [side(model, n, now, disagreement) for n in order]
    outcome = alternate_offers(sides[0], sides[1], agenda, now, spec.rounds, spec.label)
    for r in outcome.rounds:
        responder = model.negotiators[r.proposer].other
        model.log(r.proposer, "offer", f"{spec.label}, round {r.number}: "
                  f"{model.negotiators[r.proposer].label} proposes {model.describe(r.package)}"
                  f"; {responder.label} {'accepts' if r.accepted else 'rejects'} (worth "
                  f"{r.responder_utility:.3f} to it, it aims for {r.responder_aim:.3f})",
                  meeting=spec.name)
    for n in model.negotiators.values():
        n.mandate = 0.0
    return outcome


def side(model: NegotiationModel, n: Negotiator, now: dict[str, float],
         disagreement: dict[str, float]) -> Side:
    b = n.behaviour
    belief = n.other.utility.noisy(model.random, b.misperception)
    return Side(n.actor, n.utility, belief, frozenset(n.levers),
                n.reservation(n.utility.of(disagreement)), n.concession_pace(), b.mirroring,
                controller=model.controllers.get(n.actor))  # hook: engine.control


def review_talks(model: NegotiationModel, agreement: Agreement, asking: str, rounds: int,
                 fallback: dict[str, float]) -> Outcome | None:
    """Talks held at an agreement's expiry because a side asked for new terms: on the levers
    the agreement covers and those the asking side wants eased, with the lapse (``fallback``)
    as what happens without a deal. New terms, if any, run on a new clock; None if none."""
    n = model.negotiators[asking]
    agenda = tuple(dict.fromkeys([*agreement.terms, *n.utility.wants]))
    label = f"Review of the {model.meeting_label(agreement.first.meeting)} terms"
    spec = MeetingSpec(f"{agreement.first.meeting}_review", "talks", label, None, None, rounds,
                       agenda, asking)
    outcome = bargain(model, spec, [n, n.other], fallback)
    if not outcome.agreed:
        model.log(None, "no agreement", f"{label} ends without new terms: {outcome.reason}",
                  meeting=spec.name, news=-0.3)
        return None
    model.sign(spec.name, outcome.package, label, renewal=True)
    return outcome


class LeadersCall:
    """A call between the leaders: it restores trust and gives the teams a mandate to settle;
    new measures wait for the talks it promises, for at most ``freeze_days``."""

    kind = "call"

    def __init__(self, spec: MeetingSpec, initiator: str | None = None):
        self.spec = spec
        self.initiator = initiator or spec.initiator
        self.not_before = 0

    def run(self, model: NegotiationModel) -> bool:
        """Hold the call; False if the other leader does not take it."""
        if not self.reassure(model):
            return False
        model.call_held(self.spec.name, self.spec.label, self.spec.freeze_days)
        return True

    def reassure(self, model: NegotiationModel) -> bool:
        caller = model.negotiators[self.initiator or self.most_pressed(model)]
        callee = caller.other
        if callee.willingness() < ANSWER_THRESHOLD:
            model.log(callee.actor, f"{self.kind} declined", f"{callee.label}'s leader does not "
                      f"take part (trust {callee.trust:.2f}, pressure {callee.pressure:.2f})",
                      meeting=self.spec.name, news=-0.2)
            return False
        for n in (caller, callee):
            before = n.trust
            n.trust += n.behaviour.goodwill * (1.0 - n.trust) * GOODWILL_REACH
            n.mandate = n.behaviour.pressure_sensitivity * n.pressure * MANDATE_REACH
            model.log(n.actor, self.kind, f"{self.spec.label} ({caller.label} "
                      f"{'called' if self.kind == 'call' else 'invited'}): {n.label}'s trust "
                      f"rises from {before:.2f} to {n.trust:.2f}; its team gets room to settle "
                      f"({n.mandate:.3f})", meeting=self.spec.name)
        return True

    @staticmethod
    def most_pressed(model: NegotiationModel) -> str:
        return max(model.negotiators.values(), key=lambda n: n.pressure).actor


class Summit(LeadersCall):
    """Leaders meet in person: the reassurance of a call, then rounds of offers they conclude
    themselves (Putnam's level I at the top); if they do not settle, talks are promised."""

    kind = "summit"

    def run(self, model: NegotiationModel) -> bool:
        if not self.reassure(model):
            return False
        caller = model.negotiators[self.initiator or self.most_pressed(model)]
        outcome = bargain(model, self.spec, [caller, caller.other])
        if outcome.agreed:
            conclude(model, self.spec, outcome)
        else:
            model.log(None, "no agreement", f"{self.spec.label} ends without terms: "
                      f"{outcome.reason}", meeting=self.spec.name, news=-0.1)
            model.call_held(self.spec.name, self.spec.label, self.spec.freeze_days)
        return True


class DecisionPoint:
    """A date on which one side decides whether to escalate to press the other (a review, a
    statutory deadline): the scenario gives the date, never the decision."""

    def __init__(self, spec: MeetingSpec):
        self.spec = spec
        self.not_before = 0

    def run(self, model: NegotiationModel) -> bool:
        n = model.negotiators[self.spec.initiator]
        n.last_review_day = model.day
        coercion.consider(model, n, self.spec.label, self.spec.name)
        return True


@dataclass
class Signing:
    """An agreement reached in principle, to be signed on a later day."""

    day: int
    spec: MeetingSpec
    package: dict[str, float]

    def run(self, model: NegotiationModel) -> bool:
        model.sign(self.spec.name, self.package, f"{self.spec.label} (signed)",
                   self.spec.in_force_days)
        return True


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


Meeting = Talks | LeadersCall | Summit | DecisionPoint
KINDS = {"talks": Talks, "call": LeadersCall, "summit": Summit, "decision": DecisionPoint}


def build(spec: MeetingSpec) -> Meeting:
    return KINDS[spec.kind](spec)

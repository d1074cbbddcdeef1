"""Meetings and shocks: talks, leaders' calls, summits, decision points and outside events, at
dates or on triggers; and the signing of agreements reached in principle.

A scenario says when these happen; what they lead to is up to the negotiators.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sim.engine import coercion
from sim.engine.agents import ATTEND_THRESHOLD, Negotiator
from sim.engine.control import Controller
from sim.engine.negotiation import Outcome, Side, Utility, alternate_offers, plurilateral_offers
from sim.engine.negotiation import stances as stances_of
from sim.engine.spec import MeetingSpec, ShockSpec
from sim.engine.truce import Agreement

if TYPE_CHECKING:
    from sim.engine.world import World

ANSWER_THRESHOLD = 0.25  # assumption: below this a leader does not take the other's call
RETRY_DAYS = 7  # assumption: a triggered meeting that did not take place is tried again a week on
GOODWILL_REACH = 0.6  # assumption: full goodwill closes 60 % of the gap to full trust
MANDATE_REACH = 0.1  # assumption: full pressure x sensitivity gives the team 0.1 utility of room


@dataclass(frozen=True)
class Held:
    """What a meeting came to, for the model to apply: whether it took place, the package agreed
    (if any), whether leaders promised talks (a freeze on new measures), and a side's decision
    (a decision point). ``talks``: the talks' outcome when they ended without agreement (read
    only by explanations: each side's reservation and best offer received)."""

    held: bool
    agreed: Outcome | None = None
    talks_promised: bool = False
    decision: coercion.Decision | None = None
    talks: Outcome | None = None


NOT_HELD = Held(False)


class Occasion:
    """A meeting of some kind on its date or trigger; a triggered one that did not take place is
    tried again after ``not_before``."""

    def __init__(self, spec: MeetingSpec):
        self.spec = spec
        self.initiator = spec.initiator
        self.not_before = 0  # model day before which a triggered retry may not happen

    def retry_after(self, day: int) -> None:
        self.not_before = day

    def called_by(self, actor: str) -> None:
        """A trigger watching ``actor`` fired: that side places the call (unless one is named)."""
        self.initiator = self.initiator or actor

    def run(self, model: World) -> Held:
        raise NotImplementedError


class Talks(Occasion):
    """Negotiating rounds between the two teams: alternating package offers until a deadline."""

    def run(self, model: World) -> Held:
        """Hold the talks (not held if a side stays away)."""
        spec = self.spec
        absent = [n for n in parties(model, spec) if n.willingness() < ATTEND_THRESHOLD]
        if absent:
            who = absent[0]
            model.log(who.actor, "talks not held", f"{spec.label}: {who.label} stays away "
                      f"({willingness_why(model, who, ATTEND_THRESHOLD)})", meeting=spec.name,
                      news=-0.3)
            return NOT_HELD
        outcome = bargain(model, spec, self.opening_order(model))
        if not outcome.agreed:
            model.log(None, "no agreement", f"{spec.label} ends without agreement: "
                      f"{outcome.reason}{short_of(model, outcome)}", meeting=spec.name,
                      news=-0.3)
            return Held(True, talks=outcome)
        return Held(True, outcome)

    def opening_order(self, model: World) -> list[Negotiator]:
        names = list(self.spec.parties)
        if self.spec.initiator:
            first = self.spec.initiator
        else:
            first = model.random.choice(names)
        return [model.negotiators[first], *(model.negotiators[a] for a in names if a != first)]


def parties(model: World, spec: MeetingSpec) -> list[Negotiator]:
    """The sides at a meeting (every side when the scenario names none)."""
    return [model.negotiators[a] for a in spec.parties]


def bargain(model: World, spec: MeetingSpec, order: list[Negotiator],
            fallback: dict[str, float] | None = None) -> Outcome:
    """The rounds of offers on the meeting's agenda, logged offer by offer. ``fallback`` (lever
    id -> value) is what happens without a deal when that differs from today (a lapse)."""
    at_table = {n.actor for n in order}
    agenda = (list(spec.agenda) if spec.agenda else
              [k for k, lever in model.levers.items() if lever.spec.actor in at_table])
    now = {k: lever.restrictiveness for k, lever in model.levers.items()}
    disagreement = dict(now)
    for lever_id, value in (fallback or {}).items():
        disagreement[lever_id] = model.levers[lever_id].spec.restrictiveness(value)
    sides = [side(model, n, [o for o in order if o is not n], now, disagreement) for n in order]
    if len(sides) == 2:
        outcome = alternate_offers(sides[0], sides[1], agenda, now, spec.rounds, spec.label)
    else:
        outcome = plurilateral_offers(sides, agenda, now, spec.rounds, spec.label)
    several = len(order) > 2
    for r in outcome.rounds:
        responders = " and ".join(n.label for n in order if n.actor != r.proposer)
        answer = ("accept" if r.accepted else "reject") + ("" if several else "s")
        whom = "the least satisfied" if several else "it"
        model.log(r.proposer, "offer", f"{spec.label}, round {r.number}: "
                  f"{model.negotiators[r.proposer].label} proposes {model.describe(r.package)}"
                  f"; {responders} {answer} (worth {r.responder_utility:.3f} to {whom}, it aims "
                  f"for {r.responder_aim:.3f})", meeting=spec.name)
    outcome.stances = stances_of(sides, outcome.rounds)
    for n in order:
        n.mandate_used()
    return outcome


def willingness_why(model: World, n: Negotiator, threshold: float) -> str:
    """A side's willingness to take part, below ``threshold``, with the terms it is made of
    (``Negotiator.willingness``)."""
    b = n.behaviour
    threat = n.threat_pressure() if model.truce.threats else 0.0
    felt = f"pressure {n.pressure:.2f}" + (f" + threats {threat:.2f}" if threat else "")
    felt = f"({felt})" if threat else felt
    room = f" + room to settle {n.mandate:.2f}" if n.mandate else ""
    return (f"willingness {n.willingness():.2f}, below the {threshold:.2f} it takes: trust "
            f"{n.trust:.2f} + pressure sensitivity {b.pressure_sensitivity:.2f} x {felt}{room}")


def short_of(model: World, outcome: Outcome) -> str:
    """How far each side's best offer received fell short of its reservation, for the log
    ("; the best offer China received was worth 0.412 to it, its reservation 0.455 ...")."""
    parts = []
    for actor, s in outcome.stances.items():
        if s.received is None:
            continue
        label = model.negotiators[actor].label
        parts.append(f"the best offer {label} received was worth {s.received:.3f} to it, its "
                     f"reservation {s.reservation:.3f}"
                     + (f" ({s.gap:.3f} short)" if s.gap > 0 else ""))
    return "; " + "; ".join(parts) if parts else ""


def side(model: World, n: Negotiator, others: list[Negotiator], now: dict[str, float],
         disagreement: dict[str, float]) -> Side:
    """``n`` at the table with ``others``: its belief of what they want is its reading of their
    utilities (added up when there are several), off by its misperception."""
    b = n.behaviour
    if len(others) == 1:
        theirs = others[0].utility
    else:
        wants: dict[str, float] = {}
        holds: dict[str, float] = {}
        for o in others:
            for k, w in o.utility.wants.items():
                wants[k] = wants.get(k, 0.0) + w
            for k, w in o.utility.holds.items():
                holds[k] = holds.get(k, 0.0) + w
        theirs = Utility(wants, holds)
    belief = theirs.noisy(model.random, b.misperception)
    controller: Controller | None = model.controllers.get(n.actor)  # hook: engine.control
    status_quo = n.utility.of(disagreement)
    return Side(n.actor, n.utility, belief, frozenset(n.levers), n.reservation(status_quo),
                n.concession_pace(), b.mirroring, controller=controller,
                no_deal=None if controller is not None else disagreement)


def review_talks(model: World, agreement: Agreement, asking: str,
                 rounds: int) -> tuple[MeetingSpec, Outcome | None]:
    """Talks held at an agreement's expiry because a side asked for new terms: on the levers
    the agreement covers and those the asking side wants eased, with the terms as they stand
    as what happens without a deal (a side that preferred their lapse would have chosen it, so
    failed talks leave them in force). Returns the talks and the package agreed (None if
    none): new terms, if any, run on a new clock."""
    n = model.negotiators[asking]
    agenda = tuple(dict.fromkeys([*agreement.terms, *n.utility.wants]))
    label = f"Review of the {model.meeting_label(agreement.first.meeting)} terms"
    spec = MeetingSpec(f"{agreement.first.meeting}_review", "talks", label, None, None, rounds,
                       agenda, asking, tuple(model.negotiators), freeze_days=0, signing_days=0,
                       in_force_days=0)
    outcome = bargain(model, spec, [n, *n.others])
    if not outcome.agreed:
        model.log(None, "no agreement", f"{label} ends without new terms: {outcome.reason}"
                  f"{short_of(model, outcome)}", meeting=spec.name, news=-0.3)
        return spec, None
    return spec, outcome


class LeadersCall(Occasion):
    """A call between the leaders: it restores trust and gives the teams a mandate to settle;
    new measures wait for the talks it promises, for at most ``freeze_days``."""

    kind = "call"

    def run(self, model: World) -> Held:
        """Hold the call (not held if the other leader does not take it)."""
        if not self.reassure(model):
            return NOT_HELD
        return Held(True, talks_promised=True)

    def reassure(self, model: World) -> bool:
        caller = model.negotiators[self.initiator or self.most_pressed(model)]
        callees = [n for n in parties(model, self.spec) if n is not caller]
        for callee in callees:
            if callee.willingness() < ANSWER_THRESHOLD:
                model.log(callee.actor, f"{self.kind} declined", f"{callee.label}'s leader does "
                          f"not take part ({willingness_why(model, callee, ANSWER_THRESHOLD)})",
                          meeting=self.spec.name, news=-0.2)
                return False
        met = tuple(self.spec.parties)
        for n in (caller, *callees):
            before = n.reassured(GOODWILL_REACH, MANDATE_REACH,
                                 tuple(a for a in met if a != n.actor))
            model.log(n.actor, self.kind, f"{self.spec.label} ({caller.label} "
                      f"{'called' if self.kind == 'call' else 'invited'}): {n.label}'s trust "
                      f"rises from {before:.2f} to {n.trust:.2f}; its team gets room to settle "
                      f"({n.mandate:.3f})", meeting=self.spec.name)
        return True

    def most_pressed(self, model: World) -> str:
        return max(parties(model, self.spec), key=lambda n: n.pressure).actor


class Summit(LeadersCall):
    """Leaders meet in person: the reassurance of a call, then rounds of offers they conclude
    themselves (Putnam's level I at the top); if they do not settle, talks are promised."""

    kind = "summit"

    def run(self, model: World) -> Held:
        if not self.reassure(model):
            return NOT_HELD
        caller = model.negotiators[self.initiator or self.most_pressed(model)]
        others = [n for n in parties(model, self.spec) if n is not caller]
        outcome = bargain(model, self.spec, [caller, *others])
        if outcome.agreed:
            return Held(True, outcome)
        model.log(None, "no agreement", f"{self.spec.label} ends without terms: "
                  f"{outcome.reason}{short_of(model, outcome)}", meeting=self.spec.name,
                  news=-0.1)
        return Held(True, talks_promised=True, talks=outcome)


class DecisionPoint(Occasion):
    """A date on which one side decides whether to escalate to press the other (a review, a
    statutory deadline): the scenario gives the date, never the decision."""

    def run(self, model: World) -> Held:
        n = model.negotiators[self.spec.initiator]
        n.reviewed(model.day)
        return Held(True, decision=coercion.consider(model, n, self.spec.label, self.spec.name,
                                                     self.spec.agenda))


def shock_line(spec: ShockSpec) -> str:
    """The narrative line of an outside event hitting a constituency."""
    return f"{spec.label}: {spec.target} changes by {100 * spec.change:+.0f} %"


# every kind of meeting a scenario may write, by its `kind:` (the language reads its kinds here)
KINDS: dict[str, type[Occasion]] = {"talks": Talks, "call": LeadersCall, "summit": Summit,
                                    "decision": DecisionPoint}


def build(spec: MeetingSpec) -> Occasion:
    return KINDS[spec.kind](spec)

"""What a run's meetings and decisions came to, with the engine's own numbers: where each side
stood when talks ended (its reservation, the best offer it received, the gap between them), who
stayed away and by how much (its willingness against the threshold), and what each decision
point decided and why. ``Recorder`` is the model keeping what each meeting returned
(``events.Held``, with each side's ``negotiation.Stance``) and each side's willingness as the
meeting began; replaying a run with it (same scenario, same seed) gives the same run.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sim.engine import coercion, events
from sim.engine.agents import ATTEND_THRESHOLD, HANDS_TIED, Negotiator
from sim.engine.behaviour import PARAMS
from sim.engine.model import NegotiationModel
from sim.engine.spec import Scenario

AGREED, NO_AGREEMENT, NOT_HELD, HELD = "agreed", "no agreement", "not held", "held"
# how far a meeting got, to say whether a change moved it on
RANK = {NOT_HELD: 0, NO_AGREEMENT: 1, HELD: 1, AGREED: 2}


@dataclass(frozen=True)
class Presence:
    """A side as a meeting began: its willingness to take part and the terms it is made of
    (``Negotiator.willingness``), against the threshold the meeting asks; and the parts of its
    reservation that pressure does not move (``Negotiator.reservation``): the status quo's
    utility to it, its resolve, and its hands tied by its own pending threat."""

    actor: str
    label: str
    willingness: float
    threshold: float
    trust: float
    sensitivity: float
    pressure: float
    threats: float
    mandate: float
    status_quo: float = 0.0
    resolve: float = 0.0
    tied: float = 0.0


@dataclass(frozen=True)
class Standing:
    """Where a side stood when talks ended (``negotiation.Stance``), in its own utility."""

    actor: str
    label: str
    reservation: float
    best: float  # its own best package on the agenda
    received: float | None  # the best offer the others made it (None: none reached it)
    asked: float | None  # what it asked in the round it got that offer
    gap: float  # reservation less the best it could get (0 or less: no gap)
    status_quo: float = 0.0  # the reservation's parts (``Presence``)
    resolve: float = 0.0
    tied: float = 0.0

    @property
    def relief(self) -> float:
        """What pressure, threats and a leaders' mandate took off its reservation."""
        return self.status_quo + self.resolve + self.tied - self.reservation


@dataclass(frozen=True)
class Change:
    """A behaviour value that, moved alone and re-run on the run's seed, changes what a meeting
    came to: ``result`` is what it came to then."""

    actor: str
    label: str
    param: str
    was: float
    value: float
    result: str

    @property
    def key(self) -> str:
        """The key to set in the scenario (also an override path)."""
        return f"actors.{self.actor}.behaviour.{self.param}"

    @property
    def size(self) -> float:
        """How far the value moved, as a share of its range."""
        info = PARAMS[self.param]
        return abs(self.value - self.was) / ((info.high - info.low) or 1.0)


@dataclass
class Happening:
    """One meeting or decision in the run, what it came to and why, with the numbers."""

    date: dt.date
    name: str  # the meeting's name ("" for a side's periodic review)
    label: str
    kind: str  # talks | call | summit | decision
    result: str  # agreed | no agreement | not held | held | a decision's action
    reason: str
    sides: list[Standing] = field(default_factory=list)
    absent: list[Presence] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    together: list[Change] = field(default_factory=list)  # moved at once, when none alone

    @property
    def fell_short(self) -> bool:
        """A meeting that did not take place, or talks that did not agree."""
        return self.kind != "decision" and RANK.get(self.result, 2) < self.goal

    @property
    def goal(self) -> int:
        return RANK[HELD] if self.kind == "call" else RANK[AGREED]


@dataclass
class Explanation:
    """What `sim explain` says of one run."""

    scenario: Scenario
    seed: int
    happenings: list[Happening]
    day: dt.date | None = None  # only that day's meetings and decisions
    probe_runs: int = 0  # runs the probe made (0: not probed)
    behaviour: dict[str, dict[str, float]] = field(default_factory=dict)  # as drawn in the run
    note: str = ""  # anything the reader should know about the replay
    told: str = field(default="", repr=False)  # the replay's events.csv


class Recorder(NegotiationModel):
    """The model, keeping what each meeting returned and who was willing to come."""

    def __init__(self, scenario: Scenario, seed: int | None = None):
        super().__init__(scenario, seed=seed)
        self.kept: list[tuple[int, events.Occasion, events.Held, list[Presence]]] = []
        self.reviews: list[tuple[int, coercion.Decision]] = []

    def hold(self, meeting: events.Occasion) -> events.Held:
        spec = meeting.spec
        threshold = ATTEND_THRESHOLD if spec.kind == "talks" else events.ANSWER_THRESHOLD
        present = [presence(self, self.negotiators[a], threshold) for a in spec.parties]
        held = super().hold(meeting)
        self.kept.append((self.day, meeting, held, present))
        return held

    def apply(self, decision: coercion.Decision) -> None:
        if not decision.meeting and decision.action in (coercion.HOLD, coercion.THREATEN,
                                                        coercion.IMPOSE):
            self.reviews.append((self.day, decision))  # a side's own periodic review
        super().apply(decision)


def presence(model: NegotiationModel, n: Negotiator, threshold: float) -> Presence:
    threats = n.threat_pressure() if model.truce.threats else 0.0
    b = n.behaviour
    now = {k: lever.restrictiveness for k, lever in model.levers.items()}
    tied = HANDS_TIED * b.audience_cost * model.truce.threatening(n.actor)
    return Presence(n.actor, n.label, n.willingness(), threshold, n.trust,
                    b.pressure_sensitivity, n.pressure, threats, n.mandate,
                    n.utility.of(now), b.resolve, tied)


def replay(scenario: Scenario, seed: int) -> Recorder:
    """The run again, keeping what each meeting came to."""
    return Recorder(scenario, seed=seed).run_to_end()


def happenings(model: Recorder) -> list[Happening]:
    """Each meeting and decision of a replayed run, in the order they happened."""
    out = []
    for day, meeting, held, present in model.kept:
        spec = meeting.spec
        date = model.spec.start + dt.timedelta(days=day)
        h = Happening(date, spec.name, spec.label, spec.kind, HELD, "")
        talks = held.agreed or held.talks
        if held.decision is not None:
            h.result, h.reason = held.decision.action, held.decision.why
        elif not held.held:
            h.result = NOT_HELD
            initiator = meeting.initiator
            h.absent = [p for p in present if p.willingness < p.threshold
                        and (spec.kind == "talks" or p.actor != initiator)]
        elif talks is not None:
            h.result = AGREED if held.agreed is not None else NO_AGREEMENT
            h.reason = talks.reason
            at = {p.actor: p for p in present}
            h.sides = [Standing(a, model.negotiators[a].label, s.reservation, s.best,
                                s.received, s.asked, s.gap, at[a].status_quo, at[a].resolve,
                                at[a].tied) if a in at else
                       Standing(a, model.negotiators[a].label, s.reservation, s.best,
                                s.received, s.asked, s.gap)
                       for a, s in talks.stances.items()]
        out.append(h)
    for day, d in model.reviews:
        date = model.spec.start + dt.timedelta(days=day)
        out.append(Happening(date, "", f"{model.negotiators[d.actor].label}'s periodic review",
                             "decision", d.action, d.why))
    return sorted(out, key=lambda h: h.date)

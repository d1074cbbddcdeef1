"""What the engine runs: a scenario's actors, levers, meetings and shocks as plain frozen data.

The scenario language (``sim.scenario``) reads YAML and builds these; the engine reads nothing else.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from sim.engine.levers import LeverSpec


@dataclass(frozen=True)
class ConstituencySpec:
    """A domestic group whose state becomes pressure on its actor (firms, a stock market)."""

    id: str  # "<actor>.<name>"
    actor: str
    kind: str  # "firms" or "market"
    label: str
    weight: float
    params: dict


@dataclass(frozen=True)
class Trigger:
    """Fire an event the first day a side's state crosses a threshold, within a date window."""

    actor: str
    quantity: str  # "pressure" or "trust"
    above: float | None
    below: float | None
    not_before: dt.date
    not_after: dt.date


@dataclass(frozen=True)
class MeetingSpec:
    """A dated or triggered occasion: talks (rounds of alternating offers), a leaders' call, a
    summit (leaders who can agree terms themselves) or a decision point (a review date, a
    statutory deadline) at which one side decides whether to escalate.

    The scenario says when it happens and how long its formalities take (signing, entry into
    force, a call's freeze on new measures); what it decides is up to the negotiators.
    """

    name: str
    kind: str  # a key of sim.engine.events.KINDS
    label: str
    date: dt.date | None
    trigger: Trigger | None
    rounds: int
    agenda: tuple[str, ...] | None  # lever ids on the table; None: every lever
    initiator: str | None  # opens talks, places a call, or decides at a decision point
    freeze_days: int  # call or summit: days new measures wait for the promised talks
    signing_days: int  # talks or summit: agreement in principle -> signing
    in_force_days: int  # signing -> entry into force (the clock starts then)


@dataclass(frozen=True)
class ShockSpec:
    """Something from outside the negotiation, e.g. a market fall on a date."""

    name: str
    label: str
    date: dt.date
    target: str  # a constituency id
    change: float


@dataclass(frozen=True)
class ActorSpec:
    """A side: its levers, its negotiator's behaviour, what it wants and who presses it."""

    id: str
    label: str
    colour: str
    levers: tuple[LeverSpec, ...]
    behaviour: dict  # preset + parameters, distributions drawn per run
    priorities: dict[str, float]  # other side's lever id -> how much it wants it eased
    holds: dict[str, float]  # own lever id -> how much it values keeping it
    constituencies: tuple[ConstituencySpec, ...]


@dataclass
class Scenario:
    """A whole scenario, checked and ready to run."""

    name: str
    title: str
    description: str
    seed: int
    start: dt.date
    end: dt.date
    actors: dict[str, ActorSpec]
    meetings: list[MeetingSpec]
    shocks: list[ShockSpec]
    file: Path | None = None
    sha256: str = ""
    data: dict = field(default_factory=dict)
    # the record YAML this scenario is scored against (its `record:` key); None: it names none.
    # Never read by the engine: the record is an input of scoring only.
    record_file: Path | None = None

    @property
    def levers(self) -> list[LeverSpec]:
        return [lever for actor in self.actors.values() for lever in actor.levers]

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def other(self, actor: str) -> str:
        return next(a for a in self.actors if a != actor)

"""Controllers: someone other than the model deciding for one side (a student, a script, a test).

By default (no controller) every side follows its scenario behaviour and nothing here is used.
A model built with ``controllers={actor_id: controller}`` asks that controller instead of the
side's behaviour at exactly three points, and nowhere else:

* talks, when the side proposes  ``Controller.propose`` (``negotiation.alternate_offers``)
* talks, when the side answers   ``Controller.accepts``  (same loop)
* each day between meetings      ``Controller.daily``    (``Negotiator.implement`` and
  ``Negotiator.consider_measure`` in ``sim.engine.agents``)

Everything else (the other side, constituencies, trust, pressure, the calendar) runs as usual, so
a controlled side lives with the consequences of its choices. A controller may block (a terminal
prompt, a web page waiting for a click): the model simply waits inside ``step()``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

IMPLEMENT = "implement"  # work towards what was agreed, fully
HOLD = "hold"  # keep own levers where they are
MEASURE = "measure"  # tighten one own lever (a new measure)
MEASURE_STEP = 0.25  # assumption: a player's measure tightens a lever by a quarter of its range


@dataclass
class TalksTurn:
    """What a controlled side sees when it must propose or answer in talks.

    Packages map each agenda lever to its restrictiveness (0 open .. 1 closed), as in
    ``sim.engine.negotiation``; ``describe`` turns one into words with the model's lever labels.
    """

    meeting: str  # label of the talks
    actor: str  # the controlled side
    round: int  # 1-based
    rounds: int  # the deadline
    agenda: list[str]
    now: dict[str, float]  # restrictiveness of every lever when the talks opened
    suggestion: dict[str, float]  # what the model would propose for this side in this round
    offer: dict[str, float] | None = None  # the other side's offer being answered, if any
    history: list = field(default_factory=list)  # earlier Rounds of these talks


@dataclass
class Choice:
    """A controlled side's decision for today between meetings."""

    action: str = IMPLEMENT  # IMPLEMENT, HOLD or MEASURE
    lever: str | None = None  # the own lever to tighten, for MEASURE


class Controller(Protocol):
    """Decides for one side in place of its behaviour (see the module doc for the hook points)."""

    def propose(self, turn: TalksTurn) -> dict[str, float] | None:
        """The package to offer (restrictiveness per agenda lever), or None to walk away."""

    def accepts(self, turn: TalksTurn) -> bool | None:
        """True to accept ``turn.offer``, False to reject it, None to walk away."""

    def daily(self, model, actor: str) -> Choice:
        """Today's choice between meetings: implement, hold back, or take a measure."""


class WalkAway(Exception):  # noqa: N818  (a decision, not a failure)
    """Raised inside the talks loop when a controlled side leaves the table."""


def measure_target(restrictiveness: float) -> float:
    """Restrictiveness after a student's measure on a lever now at ``restrictiveness``."""
    return min(1.0, restrictiveness + MEASURE_STEP)


MEASURE_NEWS = 0.25  # assumption: the news weight of a player's measure (a quarter-range step)


def carry_out(side, choice: Choice, agreement) -> None:
    """Carry out a controller's choice for ``side`` (a Negotiator): implement fully, hold back,
    or tighten one of its levers (a measure, logged with its reason)."""
    if agreement and choice.action in (IMPLEMENT, HOLD):
        for lever_id, target in agreement.terms.items():
            lever = side.levers.get(lever_id)
            if lever is not None and lever.value != target:
                lever.command(target if choice.action == IMPLEMENT else lever.value)
    lever = side.levers.get(choice.lever or "")
    if choice.action == MEASURE and lever is not None and lever.restrictiveness < 1.0:
        old = lever.value
        lever.command(lever.spec.value_at(measure_target(lever.restrictiveness)))
        side.last_measure_day = side.model.day
        side.model.log(side.actor, "measure", f"{side.label} tightens {lever.spec.label} "
                       f"from {lever.spec.describe(old)} to "
                       f"{lever.spec.describe(lever.order)} (the player's decision)",
                       news=-MEASURE_NEWS)

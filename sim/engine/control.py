"""Controllers: someone other than the model deciding for one side (a student, a script, a test).

By default (no controller) every side follows its scenario behaviour and nothing here is used.
A model built with ``controllers={actor_id: controller}`` asks that controller instead of the
side's behaviour at exactly three points, and nowhere else:

* talks, when the side proposes  ``Controller.propose`` (``negotiation.alternate_offers``)
* talks, when the side answers   ``Controller.accepts``  (same loop)
* each day between meetings      ``Controller.daily``    (in place of ``Negotiator.step``;
  the model carries the choice out with ``Negotiator.follow``)

Everything else (the other side, constituencies, trust, pressure, the calendar) runs as usual, so
a controlled side lives with the consequences of its choices. A controller may block (a terminal
prompt): the model simply waits inside ``step()``.
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


def measure_target(restrictiveness: float) -> float:
    """Restrictiveness after a student's measure on a lever now at ``restrictiveness``."""
    return min(1.0, restrictiveness + MEASURE_STEP)

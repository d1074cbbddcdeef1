"""What the parts of the engine may read of the model: ``World``.

Negotiators, meetings, the clock and coercion are handed the model as a ``World``: they read the
day, the levers and their history, the truce and the other sides, and they write one thing, the
log. They change nothing else on it: state changes go through the methods of the state's owner
(``Truce``, ``Negotiator``, ``Lever``), applied by the model (``NegotiationModel.step``).

A protocol rather than the model's class, so that no part imports the model (the model imports
every part; the parts import only what lies below them).
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any, Protocol

from sim.engine.control import Controller
from sim.engine.levers import Lever
from sim.engine.memory import LeverMemory
from sim.engine.spec import Scenario
from sim.engine.truce import Truce


class World(Protocol):
    """The model as its parts see it (``sim.engine.model.NegotiationModel`` implements it)."""

    day: int
    news: float  # the day's news so far (markets move on it)
    random: random.Random
    spec: Scenario
    levers: dict[str, Lever]
    memory: LeverMemory  # the levers' history and what is read from it
    truce: Truce
    # actor id -> its negotiator (``sim.engine.agents.Negotiator``; named loosely here, since the
    # negotiator module reads this protocol)
    negotiators: Mapping[str, Any]
    controllers: Mapping[str, Controller]  # actor id -> who decides for it instead (none: its
    # behaviour)

    def log(self, actor: str | None, kind: str, why: str, meeting: str = "",
            news: float = 0.0) -> None:
        """Append a line to the narrative and add ``news`` to the day's news; nothing else."""

    def date_of(self, day: int) -> str: ...

    def describe(self, package: dict[str, float], only: dict | None = None) -> str: ...

    def meeting_label(self, meeting: str) -> str: ...

    def next_talks_day(self, within: int) -> int | None: ...

    def talks_pending(self) -> bool: ...

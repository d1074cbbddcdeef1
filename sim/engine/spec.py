"""What the engine runs: a scenario's actors, levers, meetings and shocks as plain frozen data.

The scenario language (``sim.scenario``) reads YAML and builds these; the engine reads nothing else.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from sim.engine.levers import LeverSpec
from sim.engine.trade import TradeSpec

DISTRIBUTIONS = ("uniform", "normal", "choice")


@dataclass(frozen=True)
class Draw:
    """A number as written (``kind`` "fixed"), or a distribution drawn once per run:
    ``uniform`` [low, high], ``normal`` [mean, sd] or ``choice`` [values]."""

    kind: str
    args: tuple[float, ...]

    @classmethod
    def of(cls, written: float | Mapping[str, list[float]]) -> Draw:
        """From the scenario's form: ``0.3`` or ``{uniform: [0.2, 0.4]}``."""
        if isinstance(written, Mapping):
            (kind, args), = written.items()
            if kind not in DISTRIBUTIONS:
                raise ValueError(f"unknown distribution {kind}")
            return cls(kind, tuple(args))
        return cls("fixed", (written,))

    @property
    def written(self) -> float | dict[str, list[float]]:
        """Back in the scenario's form."""
        return self.args[0] if self.kind == "fixed" else {self.kind: list(self.args)}

    def sample(self, rng: random.Random) -> float:
        """One value (a fixed number uses no draw)."""
        if self.kind == "uniform":
            return rng.uniform(self.args[0], self.args[1])
        if self.kind == "normal":
            return rng.gauss(self.args[0], self.args[1])
        if self.kind == "choice":
            return rng.choice(list(self.args))
        return float(self.args[0])


@dataclass(frozen=True)
class BehaviourSpec(Mapping[str, object]):
    """A side's behaviour as the scenario writes it: a named preset (or none) and the parameters
    it sets itself, each a number or a distribution. Read as a mapping it gives the written
    form (``behaviour["patience"]`` is ``0.3`` or ``{"uniform": [0.2, 0.4]}``)."""

    preset: str | None
    values: tuple[tuple[str, Draw], ...]

    @classmethod
    def written(cls, data: Mapping[str, object]) -> BehaviourSpec:
        preset = data.get("preset")
        return cls(None if preset is None else str(preset),
                   tuple((k, Draw.of(v)) for k, v in data.items() if k != "preset"))

    def with_values(self, **values: float | Mapping[str, list[float]]) -> BehaviourSpec:
        """The same with some parameters set (or replaced)."""
        kept = tuple((k, d) for k, d in self.values if k not in values)
        return BehaviourSpec(self.preset, kept + tuple((k, Draw.of(v)) for k, v in values.items()))

    def _form(self) -> dict[str, object]:
        form: dict[str, object] = {} if self.preset is None else {"preset": self.preset}
        form.update((k, d.written) for k, d in self.values)
        return form

    def __getitem__(self, key: str) -> object:
        return self._form()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._form())

    def __len__(self) -> int:
        return len(self.values) + (self.preset is not None)


@dataclass(frozen=True)
class FirmsParams:
    """Firms that run down a stock while a lever they need is restricted."""

    depends_on: str  # the lever id they need open
    count: int
    stock_days: Draw  # days of supply each holds at the start (drawn per firm)
    comfort_days: float


@dataclass(frozen=True)
class MarketParams:
    """A stock market that moves on the day's news."""

    news_sensitivity: float
    volatility: float
    initial_drawdown: float
    pain_drawdown: float


@dataclass(frozen=True)
class LossesParams:
    """A group that feels its losses in money (``sim.engine.economy``): which loss, from which
    sectors, as a share of what, and the share at which it presses with full force."""

    loss: str  # "lost_exports", "buyers_loss" or "net"
    sectors: tuple[str, ...]  # trade sector names
    relative_to: str  # "flow" or "gdp"
    painful: float
    window_days: int
    levers: tuple[str, ...] = ()  # the levers that move its sectors (tariffs, caps, commitments)


@dataclass(frozen=True)
class ProtectedParams:
    """Producers a lever of their own side protects: content once it restricts as much as
    ``content_at`` (0-1 of its range), pressing harder the more open it is."""

    protected_by: str  # a lever id of its own side
    content_at: float


@dataclass(frozen=True)
class ConstituencySpec:
    """A domestic group whose state becomes pressure on its actor (firms, a stock market)."""

    id: str  # "<actor>.<name>"
    actor: str
    kind: str  # "firms", "market", "losses" or "protected"
    label: str
    weight: float
    params: FirmsParams | MarketParams | LossesParams | ProtectedParams
    # "settle": its pressure pushes its side toward a deal; "escalate": toward new measures and
    # a harder bargain (a group that gains from the dispute's measures)
    direction: str = "settle"
    origin: str = ""  # "source: ..." or "assumption: ..." as the scenario gives it

    @property
    def depends_on(self) -> str | None:
        """The lever its firms need open (None: a market or a group feeling losses)."""
        return self.params.depends_on if isinstance(self.params, FirmsParams) else None

    @property
    def moved_by(self) -> tuple[str, ...]:
        """The levers whose restriction hurts it: its firms' lever, or those that move the
        sectors it feels its losses in (none: a market, which moves on news, and producers a
        lever protects, whom its restriction helps)."""
        if isinstance(self.params, FirmsParams):
            return (self.params.depends_on,)
        return self.params.levers if isinstance(self.params, LossesParams) else ()


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
    parties: tuple[str, ...]  # the sides that meet (every side: the whole dispute)
    freeze_days: int  # call or summit: days new measures wait for the promised talks
    signing_days: int  # talks or summit: agreement in principle -> signing
    in_force_days: int  # signing -> entry into force (the clock starts then)
    open_term: bool = False  # talks or summit: its agreement has no term (ends by a decision)


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
    behaviour: BehaviourSpec  # preset + parameters, distributions drawn per run
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
    data: dict[str, object] = field(default_factory=dict)  # the checked YAML, as written
    # the record YAML this scenario is scored against (its `record:` key); None: it names none.
    # Never read by the engine: the record is an input of scoring only.
    record_file: Path | None = None
    # its `trade:` section (None: none): what levers do to flows and prices, in money
    trade: TradeSpec | None = None

    @property
    def levers(self) -> list[LeverSpec]:
        return [lever for actor in self.actors.values() for lever in actor.levers]

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def other(self, actor: str) -> str:
        return next(a for a in self.actors if a != actor)

"""Levers: the policy instruments an actor sets (a tariff rate, an export-control index, ...)."""

from __future__ import annotations

from dataclasses import dataclass

from sim.engine.layers import InstrumentSpec, LayerSpec, Stack


@dataclass(frozen=True)
class CommitmentTerms:
    """What a side commits to when a deal covers this lever, where it differs from its own
    dispositions: how fully it delivers (``compliance``), how far its delivery waits on the
    other side's verified delivery (``linkage``), and how old the evidence is by which the other
    sides verify this delivery (``verification_days``: they judge a shortfall on what they
    could see that many days ago). None: the side's own value."""

    compliance: float | None = None
    linkage: float | None = None
    verification_days: int | None = None
    source: str = ""


@dataclass(frozen=True)
class LeverSpec:
    """One policy instrument as the scenario defines it: bounds, unit and which end restricts.

    ``restrictive`` says which end of the range hurts the other side: ``high`` for a tariff or an
    export-control index, ``low`` for a share of export licences approved. ``speed`` is the share of
    an ordered change that takes effect per day (1 = by decree at once; 0.05 = a bureaucracy that
    works through applications over weeks): a property of the instrument, not of the will behind it.
    ``horizon_days`` > 0 makes it a commitment lever (see ``commitment``).
    """

    id: str  # "<actor>.<lever>", the column name in timeline.csv
    actor: str
    name: str
    label: str
    unit: str
    min: float
    max: float
    initial: float
    restrictive: str = "high"
    speed: float = 1.0
    source: str = ""  # "doc 004: 'quote'" or "assumption: why"
    horizon_days: int = 0  # > 0: a commitment (an amount delivered over this many days)
    aimed_at: tuple[str, ...] = ()  # the sides its restriction is aimed at (empty: every other)
    aligns_with: str = ""  # a coalition partner's lever this one is aligned with, if any
    unit_label: str = ""  # the unit in words ("USD bn"); empty: said from `unit`
    layers: tuple[LayerSpec, ...] = ()  # the measures the initial value is made of (bottom first)
    instruments: tuple[InstrumentSpec, ...] = ()  # the measures prepared on it, in order of use
    terms: CommitmentTerms | None = None  # its own delivery terms when a deal covers it

    @property
    def commitment(self) -> bool:
        """An amount to be delivered over a horizon (purchases): its value is what has been
        delivered so far, which never falls; less delivered is more restrictive."""
        return self.horizon_days > 0

    def restrictiveness(self, value: float) -> float:
        """Where ``value`` sits between fully open (0) and fully restrictive (1)."""
        share = (value - self.min) / (self.max - self.min)
        return share if self.restrictive == "high" else 1.0 - share

    def value_at(self, restrictiveness: float) -> float:
        """The lever value that has the given restrictiveness (inverse of ``restrictiveness``)."""
        share = restrictiveness if self.restrictive == "high" else 1.0 - restrictiveness
        return self.min + share * (self.max - self.min)

    def clip(self, value: float) -> float:
        return min(self.max, max(self.min, value))

    def describe(self, value: float) -> str:
        """Plain-language value for the narrative: '30 %', '0.42', or '12.5 USD bn' when the
        scenario names the unit."""
        if self.unit_label and self.unit not in ("percent", "share"):
            return f"{value:.1f} {self.unit_label}" if self.unit == "amount" else (
                f"{value:.2f} {self.unit_label}")
        if self.unit == "percent":
            return f"{value:.0f} %"
        if self.unit == "share":
            return f"{100 * value:.0f} %"
        if self.unit == "amount":
            return f"{value:.1f}"
        return f"{value:.2f}"


    def describe_amount(self, amount: float) -> str:
        """A change or a layer in words: percentage points for a percent or a share, else as
        ``describe`` says a value."""
        if self.unit == "percent":
            return f"{amount:.0f} points"
        if self.unit == "share":
            return f"{100 * amount:.0f} points"
        return self.describe(amount)


class Lever:
    """The current setting of one instrument, moved only by its owner's decisions."""

    __slots__ = ("spec", "value", "restrictiveness", "order", "_min", "_max", "_span", "_high",
                 "_speed", "commitment", "stack", "used")

    def __init__(self, spec: LeverSpec):
        self.spec = spec
        self.order: float | None = None  # the value the owner has ordered, reached at spec.speed
        # read many times a day by negotiators and firms: the spec's formulas, inlined
        self._min, self._max, self._span = spec.min, spec.max, spec.max - spec.min
        self._high = spec.restrictive == "high"
        self._speed = spec.speed
        self.commitment = spec.commitment
        # what the law says (its measures, those a deal suspended): a lapse returns to it
        self.stack = Stack(spec.initial, self._high, spec.min, spec.max, spec.layers)
        self.used = 0  # how many of its prepared instruments its owner has imposed (or announced)
        self.set(spec.initial)

    def set(self, value: float) -> None:
        """The value, at once: as an ordered change takes effect (``advance``), or a state built
        by hand (tests, what-ifs). ``value`` is a plain attribute, read many times a day; set
        it only through here, which keeps ``restrictiveness`` with it (read about four times as
        often as the value is set)."""
        self.value = value
        share = (value - self._min) / self._span
        self.restrictiveness = share if self._high else 1.0 - share

    def if_lapsed(self) -> float:
        """Where a lapse of the deals in force would take it: the layers they suspended back in
        force, never easing it (``clock.snapback``'s rule for one lever)."""
        restored = self.stack.restored_level()
        return max(self.value, restored) if self._high else min(self.value, restored)

    def next_instrument(self) -> InstrumentSpec | None:
        """The next measure its owner has prepared on it (None: none left, or none written)."""
        instruments = self.spec.instruments
        return instruments[self.used] if self.used < len(instruments) else None

    def take(self, name: str) -> InstrumentSpec | None:
        """Its owner imposes (or announces) the prepared instrument ``name``, if it is the next
        one; a prepared measure announced and then dropped is not prepared again."""
        instrument = self.next_instrument()
        if instrument is None or instrument.name != name:
            return None
        self.used += 1
        return instrument

    def instrument_named(self, name: str) -> InstrumentSpec | None:
        """Its prepared instrument called ``name`` (None: no name, or none of that name)."""
        return next((i for i in self.spec.instruments if i.name == name), None) if name else None

    def with_instrument(self, instrument: InstrumentSpec) -> float:
        """The value ``instrument`` in force takes it to: its amount on top of the legal level
        (which includes a measure just ordered), towards the restrictive end."""
        return self._clip(self.stack.level
                          + (instrument.amount if self._high else -instrument.amount))

    def command(self, target: float) -> None:
        """The owner orders a new value; it takes effect at the instrument's speed."""
        self.order = self._clip(target)

    def _clip(self, value: float) -> float:
        """``min(max, max(min, value))`` with comparisons (it runs several times a day); a
        value equal to a bound gives the bound itself, as min and max do (an int from YAML)."""
        value = value if value > self._min else self._min
        return value if value < self._max else self._max

    def advance(self) -> None:
        """One day of an ordered change taking effect."""
        if self.order is None:
            return
        gap = self.order - self.value
        if abs(gap) <= 1e-9 * self._span:
            self.set(self.order)
            self.order = None
        else:
            self.set(self._clip(self.value + self._speed * gap))

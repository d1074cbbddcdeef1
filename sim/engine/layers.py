"""Layered measures: a lever's legal level as a stack of measures, and what a deal does to them.

A tariff of 145 % is not one decision but several: a base, a measure added in February, a
"reciprocal" rate in April, counter-measures on top. A deal that cuts the rate cuts the newest
layers first (the last measure taken is the first given up), and each layer's legal form says
what a cut does to it: a layer that is ``suspend``-ed is set aside for the agreement's term and
returns if the terms lapse; one that is ``drop``-ped is gone (a counter-measure revoked). How
much a deal cuts is bargained at the table; only the form of each measure is written in the
scenario, as a fact about the instrument before any run.

``Stack`` is owned by its ``Lever`` (one per lever): the lever's value is where the instrument
stands today (moving at its speed); the stack is what the law says (``level``), which a lapse
returns to. Amounts are in the lever's unit, measured towards its restrictive end.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import fsum

SUSPEND, DROP = "suspend", "drop"
BASE = "base"  # the part of the level below every named layer
MEASURE = "measure"  # a layer a side added during the run (its own measure)


@dataclass(frozen=True)
class LayerSpec:
    """A measure the starting value is made of, as the scenario writes it: its name, how much
    restriction it adds (in the lever's unit), what a deal's cut does to it (``if_cut``) and
    where that comes from."""

    name: str
    amount: float
    if_cut: str = SUSPEND
    source: str = ""


@dataclass(frozen=True)
class InstrumentSpec:
    """A measure a side has prepared on one of its levers, as the scenario writes it: a rate in
    law or a list adopted in advance. Each time the side tightens the lever it imposes the next
    one in full, as a layer of that name and legal form; ``after_days`` > 0 schedules it: it is
    announced, to take effect that many days after the one before it, when that one is imposed
    (a second stage adopted with the first), and is decided at its date like any deadline."""

    name: str
    amount: float
    if_cut: str = SUSPEND
    after_days: int = 0
    source: str = ""


@dataclass
class Layer:
    """One measure on the stack: its name, the restriction it adds today and what a cut does
    to it."""

    name: str
    amount: float
    if_cut: str = SUSPEND


@dataclass(frozen=True)
class Cut:
    """What one cut did to one layer: how much of it was suspended or dropped."""

    layer: str
    amount: float
    action: str  # SUSPEND or DROP


class Stack:
    """A lever's measures in force (bottom first) and those suspended by the agreement in force.

    ``level`` is the lever's legal value: the base plus every layer in force, on the lever's
    restrictive side (added for ``restrictive: high``, taken off for ``low``).
    """

    __slots__ = ("layers", "suspended", "dropped", "_sign", "_origin")

    def __init__(self, initial: float, restrictive_high: bool, lowest: float, highest: float,
                 specs: tuple[LayerSpec, ...] = ()) -> None:
        self._sign = 1.0 if restrictive_high else -1.0
        self._origin = lowest if restrictive_high else highest  # fully open: no layer at all
        named = sum(s.amount for s in specs)
        base = abs(initial - self._origin) - named
        self.layers = [Layer(BASE, base)] if base > 1e-12 else []
        self.layers += [Layer(s.name, s.amount, s.if_cut) for s in specs]
        self.suspended: list[Layer] = []
        self.dropped = 0.0  # what the deals in force revoked: gone in law, not out of reach

    @property
    def level(self) -> float:
        """The legal value: the fully open end plus every layer in force."""
        # rounded: layers that add back up to a value written in the scenario give that value
        return round(self._origin + self._sign * fsum(la.amount for la in self.layers), 12)

    @property
    def suspended_amount(self) -> float:
        return sum(layer.amount for layer in self.suspended)

    def add(self, name: str, amount: float, if_cut: str = SUSPEND) -> None:
        """A new measure of ``amount`` (towards restrictive) on top of the stack."""
        if amount > 1e-9:
            self.layers.append(Layer(name, amount, if_cut))

    def move_to(self, value: float, name: str, if_cut: str = SUSPEND) -> None:
        """A measure ordered outside any deal: a rise adds a layer (of ``if_cut``'s legal form);
        a fall (an easing decision) drops from the top."""
        change = self._sign * (value - self.level)
        if change > 0:
            self.add(name, change, if_cut)
        elif change < 0:
            self.take_off(-change, by_deal=False)

    def cut_to(self, value: float) -> list[Cut]:
        """A deal sets the level to ``value``: the newest layers are cut first, each as its form
        says (suspended layers return at a lapse). A rise adds a layer instead."""
        change = self._sign * (value - self.level)
        if change > 0:
            self.add("agreed", change)
            return []
        return self.take_off(-change, by_deal=True)

    def take_off(self, amount: float, by_deal: bool) -> list[Cut]:
        """Remove ``amount`` from the top down; a deal suspends or drops each layer by its form,
        a side's own easing drops."""
        cuts = []
        while amount > 1e-9 and self.layers:
            top = self.layers[-1]
            part = min(amount, top.amount)
            action = top.if_cut if by_deal else DROP
            if action == SUSPEND:
                self.suspended.append(Layer(top.name, part, top.if_cut))
            elif by_deal:
                self.dropped += part
            cuts.append(Cut(top.name, part, action))
            top.amount -= part
            amount -= part
            if top.amount <= 1e-9:
                self.layers.pop()
        return cuts

    def restore(self) -> float:
        """The terms lapsed: every suspended layer returns (newest suspension on top, where it
        was). Returns the legal level after."""
        while self.suspended:
            self.layers.append(self.suspended.pop())
        self.dropped = 0.0  # a new chapter: what comes back now is a new measure
        return self.level

    def restored_level(self) -> float:
        """The level a lapse would restore, without restoring it."""
        return round(self.level + self._sign * self.suspended_amount, 12)

    def re_escalated_level(self) -> float:
        """The level if the terms lapsed and its owner also re-imposed what the deals revoked
        (what the other side fears from a lapse, as far as it expects retaliation)."""
        return round(self.restored_level() + self._sign * self.dropped, 12)

    def reinstate(self, name: str | None = None) -> float:
        """A side re-imposes a suspended layer early (the newest measure among them, or the one
        named): returns the restriction it adds back (0: nothing suspended)."""
        for i, layer in enumerate(self.suspended):  # cut top first: the newest measure first
            if name is None or layer.name == name:
                self.layers.append(self.suspended.pop(i))
                return layer.amount
        return 0.0

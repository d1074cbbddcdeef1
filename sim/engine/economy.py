"""Pressure in money: the dispute's trade stepped with the model's days, and the groups at home
that feel what it costs them.

``Economy`` owns the trade layer's state during a run: each day, after the ordered lever changes
take effect, the levers' values move each sector's flows (``sim.engine.trade.step``, the same
arithmetic a finished run's replay uses). A ``Payers`` group (a constituency of kind ``losses``)
adds up its loss over a rolling window of days (its exporters' lost sales, its buyers' extra
spending, or the side's net loss) and presses its negotiator in proportion to that loss as a share
of the flow without the dispute, or of its side's GDP at a yearly rate, reaching full force at the
share the scenario calls painful (an assumption the scenario labels).

Nothing here names a side, a sector or a lever: the scenario's `trade:` section and its
constituencies say which.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from typing import TYPE_CHECKING

import mesa

from sim.engine.trade import Flow, TradeSpec, start, step

if TYPE_CHECKING:
    from sim.engine.levers import Lever
    from sim.engine.spec import ConstituencySpec, LossesParams
    from sim.engine.world import World

YEAR_DAYS = 365.25  # definition: a GDP is a year's; a day's share of it is GDP / 365.25


class Economy:
    """The dispute's trade during a run: each sector's lagged tariff, cap and commitment level,
    and today's flows (currency per day), moved once a day by the levers' values."""

    def __init__(self, spec: TradeSpec, levers: dict[str, Lever], first: dt.date):
        self.spec = spec
        ids = {ref.id for s in spec.sectors for ref in (s.duty, s.cap, s.commitment) if ref}
        self._levers = [(i, levers[i]) for i in sorted(ids)]
        values = self.values()
        self.state = start(spec, values)
        self.flows: tuple[Flow, ...] = ()
        self.step(first)  # day 0 is a day of trade too, as in a finished run's replay

    def values(self) -> dict[str, float]:
        """The levers the sectors follow, at their values now."""
        return {i: lever.value for i, lever in self._levers}

    def step(self, day: dt.date) -> tuple[Flow, ...]:
        """One day of trade at today's lever values; returns (and keeps) today's flows."""
        self.state, self.flows = step(self.spec, self.state, day, self.values())
        return self.flows


class Payers(mesa.Agent):
    """A group at home that pays for the dispute in money (farmers who lose their buyers,
    importers who pay a tariff, a whole economy): its pressure is its loss over the last
    ``window_days`` days as a share of what it is measured against, over the share it finds
    painful, between 0 and 1. A gain presses for nothing (pressure 0)."""

    def __init__(self, model: World, spec: ConstituencySpec, params: LossesParams,
                 trade: TradeSpec):
        super().__init__(model)
        self.constituency = spec.id
        self.painful = params.painful
        self.window: deque[tuple[float, float]] = deque()
        self.days = params.window_days
        self.lost = 0.0    # the window's loss (currency)
        self.against = 0.0  # the window's flow without the dispute, or its days of GDP
        self.pressure = 0.0
        names = set(params.sectors)
        actor, loss = spec.actor, params.loss
        # (sector index, counts the buyers' side, counts the exporters' side): only sectors in
        # which it has the loss it feels (the scenario's checks allow no other)
        ends = [(i, loss != "lost_exports" and s.importer == actor,
                 loss != "buyers_loss" and s.exporter == actor)
                for i, s in enumerate(trade.sectors) if s.name in names]
        self.parts = [(i, buyers, exporters) for i, buyers, exporters in ends
                      if buyers or exporters]
        self.net = loss == "net"
        gdp = trade.gdp_of(actor) if params.relative_to == "gdp" else None
        self.gdp_day = gdp / YEAR_DAYS if gdp else None

    def feel(self, flows: tuple[Flow, ...]) -> float:
        """Add today's flows to the window and return the group's pressure."""
        lost = against = 0.0
        for i, buyers, exporters in self.parts:
            f = flows[i]
            if buyers:
                lost += f.buyers_loss - f.extra_revenue if self.net else f.buyers_loss
            if exporters:
                lost += f.lost_exports
            against += f.counterfactual
        if self.gdp_day is not None:
            against = self.gdp_day
        self.window.append((lost, against))
        self.lost += lost
        self.against += against
        if len(self.window) > self.days:
            old_lost, old_against = self.window.popleft()
            self.lost -= old_lost
            self.against -= old_against
        share = self.lost / self.against if self.against > 0 else 0.0
        pressure = share / self.painful
        self.pressure = 0.0 if pressure < 0.0 else (pressure if pressure < 1.0 else 1.0)
        return self.pressure

    def shock(self, change: float) -> None:
        raise ValueError(f"{self.constituency} feels losses in money, which only levers move: "
                         "a shock cannot hit it")

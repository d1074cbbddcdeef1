"""The constituencies: firms and markets whose state becomes pressure on their side's negotiator."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

if TYPE_CHECKING:
    from sim.engine.levers import Lever
    from sim.engine.spec import ConstituencySpec, FirmsParams, MarketParams, ProtectedParams
    from sim.engine.world import World

REFILL = 2.0  # assumption: with half its usual supply a firm just keeps its stock level


class Firm(mesa.Agent):
    """A firm that depends on a lever being open: one the other side controls (rare earths, a
    market, chips) or one its own side sets (importers who pay their own side's tariff).

    Its stock (days of cover) runs down while supply is restricted and refills when it opens;
    its pressure is how far the stock sits below the cover it is comfortable with.
    """

    def __init__(self, model: World, spec: ConstituencySpec, params: FirmsParams, stock: float):
        super().__init__(model)
        self.constituency = spec.id
        self.lever_id = params.depends_on
        self.comfort = float(params.comfort_days)
        self.stock = stock
        self.pressure = 0.0

    def step(self) -> None:
        """One day on its own (the model steps a constituency's firms together: ``restock``)."""
        restock([self], REFILL * (1.0 - self.model.levers[self.lever_id].restrictiveness))

    def shock(self, change: float) -> None:
        self.stock = min(self.comfort, max(0.0, self.stock * (1.0 + change)))
        self.pressure = 1.0 - self.stock / self.comfort


def restock(firms: list[Firm], inflow: float) -> float:
    """One day for a constituency's firms: each stock gains ``inflow`` days of cover (``REFILL``
    times their lever's supply, 1 - restrictiveness) and a day of use is gone; each firm's
    pressure follows its stock. Returns the firms' mean pressure (the constituency's).

    One loop for the group rather than a method call per firm, which also gathers the pressures
    for the mean: this runs for every firm every day.
    """
    comfort = firms[0].comfort  # one constituency, one spec: the same for all its firms
    pressures = []
    for firm in firms:
        stock = firm.stock + inflow - 1.0  # plain comparisons rather than min/max (hot path)
        if stock < 0.0:
            stock = 0.0
        elif stock > comfort:
            stock = comfort
        firm.stock = stock
        firm.pressure = pressure = 1.0 - stock / comfort
        pressures.append(pressure)
    return sum(pressures) / len(firms)


class Market(mesa.Agent):
    """A stock market that moves on the day's news (deals up, new measures down) and on noise.

    Its pressure is the fall from its peak, as a share of a fall that leaders find painful.
    """

    def __init__(self, model: World, spec: ConstituencySpec, params: MarketParams):
        super().__init__(model)
        self.constituency = spec.id
        self.sensitivity = float(params.news_sensitivity)
        self.volatility = float(params.volatility)
        self.pain = float(params.pain_drawdown)
        self.peak = 100.0
        self.index = 100.0 * (1.0 - float(params.initial_drawdown))
        self.pressure = min(1.0, (1.0 - self.index / self.peak) / self.pain)

    def step(self) -> None:
        model = self.model
        noise = self.volatility * model.random.gauss(0, 1)
        change = self.sensitivity * model.news + noise
        # ``shock``, inlined with comparisons for min and max (same results): it runs every day
        self.index = index = self.index * (1.0 + change)
        peak = self.peak
        if index > peak:
            self.peak = peak = index
        pressure = (1.0 - index / peak) / self.pain
        self.pressure = pressure if pressure < 1.0 else 1.0

    def shock(self, change: float) -> None:
        self.index *= 1.0 + change
        self.peak = max(self.peak, self.index)
        self.pressure = min(1.0, (1.0 - self.index / self.peak) / self.pain)


class ProtectedProducers(mesa.Agent):
    """Producers at home whom a lever of their own side protects from the other side's goods
    (steelmakers behind a tariff): content while the lever restricts at least ``content_at``
    of its range, pressing in proportion to the shortfall below it (1 when the lever is wide
    open). Which way that pressure pushes is the constituency's ``direction``."""

    def __init__(self, model: World, spec: ConstituencySpec, params: ProtectedParams,
                 lever: Lever):
        super().__init__(model)
        self.constituency = spec.id
        self.lever = lever
        self.content_at = params.content_at
        self.pressure = 0.0
        self.feel()

    def feel(self) -> float:
        """Today's pressure, from how far its lever restricts."""
        short = self.content_at - self.lever.restrictiveness
        self.pressure = short / self.content_at if short > 0.0 else 0.0
        return self.pressure

    def step(self) -> None:
        self.feel()

    def shock(self, change: float) -> None:
        raise ValueError(f"{self.constituency} feels only its lever: a shock cannot hit it")

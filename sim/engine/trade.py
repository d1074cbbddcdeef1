"""The trade layer: what levers do to bilateral trade flows and prices, in currency.

A dispute's trade is a few *sectors*, each a flow of goods from an exporting side to an importing
side, worth a documented amount at a base year, month by month. Levers move a sector three ways:

* a **tariff** (a lever in percent; ``duty`` below, an ad valorem duty) raises the price the
  importer's buyers pay by the pass-through share and cuts the volume they buy by the
  import-demand elasticity;
* a **cap** (an export licence or control, any lever read as a 0-1 restrictiveness) withholds that
  share of the flow;
* a **commitment** (a lever read as the 0-1 share of a promised purchase delivered so far) adds
  each day's newly delivered share of the promised amount.

Responses follow the lever with a lag (a partial adjustment whose mean delay is ``lag_days``).
Everything is computed per day, the model's step, and summed into months for the record's series.
Outputs are money: the flow's value at the border, tariff revenue, the loss to the importer's
buyers (extra spending on what they still buy plus the lost surplus on what they no longer buy),
and the exporter's lost sales against the flow without the dispute.

Nothing here names a side, a lever or a year: the scenario's `trade:` section says which lever a
sector follows and gives every number with its source (``sim.scenario.trade``). ``step`` is what the
engine calls each day when a group feels its losses in money (``sim.engine.economy``);
``sim.engine.trade_replay.consequences`` replays a finished run's lever paths.
The formulas and their sources are in docs/economics.md.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import NamedTuple


@dataclass(frozen=True)
class LeverRef:
    """A lever a sector follows, with what is needed to read its value: its range, its unit and
    which end restricts trade."""

    id: str
    low: float
    high: float
    unit: str = "percent"
    restrictive_high: bool = True

    def rate(self, value: float) -> float:
        """The value as an ad valorem rate (a lever in percent: 25 -> 0.25)."""
        return value / 100.0 if self.unit == "percent" else value

    def share(self, value: float) -> float:
        """The value as a 0-1 position in the lever's range, 1 at the restrictive end."""
        span = self.high - self.low
        x = (value - self.low) / span if span > 0 else 0.0
        x = min(1.0, max(0.0, x))
        return x if self.restrictive_high else 1.0 - x

    def level(self, value: float) -> float:
        """The value as a 0-1 position in the lever's range, 1 at the top (for a commitment
        lever: the share of the promised amount delivered)."""
        span = self.high - self.low
        return min(1.0, max(0.0, (value - self.low) / span)) if span > 0 else 0.0


@dataclass(frozen=True)
class Sector:
    """One bilateral flow of goods: who exports, who imports, its value each month of the base
    year (currency per month), and how it responds to levers."""

    name: str
    exporter: str
    importer: str
    monthly: tuple[float, ...]          # Jan..Dec of the base year, currency per month
    base_year: int
    elasticity: float = 2.5             # import demand: % fall in volume per % rise in price
    pass_through: float = 1.0           # share of a tariff rise borne by the importer's buyers
    base_duty: float = 0.0            # the rate already paid in the base year (0.03 = 3 %)
    growth: float = 0.0                 # yearly growth of the flow without the dispute
    lag_days: float = 0.0               # mean delay of the response to a lever
    duty: LeverRef | None = None
    cap: LeverRef | None = None
    commitment: LeverRef | None = None
    commitment_amount: float = 0.0      # currency delivered when the commitment lever is at 1
    label: str = ""
    # (year, month) -> the flow per day that month without the dispute (``counterfactual``):
    # a cache, not part of the sector's value
    _per_day: dict[tuple[int, int], float] = field(default_factory=dict, init=False,
                                                   compare=False, repr=False)

    def __post_init__(self) -> None:
        if len(self.monthly) != 12:
            raise ValueError(f"sector {self.name}: 12 monthly values expected")
        if self.elasticity < 0 or not 0 <= self.pass_through <= 1 or self.lag_days < 0:
            raise ValueError(f"sector {self.name}: elasticity >= 0, pass-through 0-1, lag >= 0")

    def counterfactual(self, day: dt.date) -> float:
        """The flow on ``day`` without the dispute (currency per day): the base year's month,
        spread evenly over its days, grown at ``growth`` a year."""
        key = (day.year, day.month)
        per_day = self._per_day.get(key)
        if per_day is None:  # the same for every day of a month: worked out once per month
            per_day = self.monthly[day.month - 1] / calendar.monthrange(day.year, day.month)[1]
            per_day *= (1.0 + self.growth) ** (day.year - self.base_year)
            self._per_day[key] = per_day
        return per_day


@dataclass(frozen=True)
class TradeSpec:
    """A dispute's trade: its sectors, the unit of its money, and each side's GDP (currency per
    year, the same unit) for shares of GDP."""

    sectors: tuple[Sector, ...]
    currency: str = "USD million"
    gdp: tuple[tuple[str, float], ...] = ()

    def gdp_of(self, actor: str) -> float | None:
        return dict(self.gdp).get(actor)


@dataclass(frozen=True)
class Response:
    """How one sector responds to an effective tariff rate: indices relative to the flow without
    the dispute (1 = unchanged)."""

    price: float        # duty-inclusive price the importer's buyers pay
    border_price: float  # price the exporter receives (ex-tariff)
    volume: float       # quantity bought


def respond(sector: Sector, rate: float) -> Response:
    """The price and volume response to a tariff at ``rate`` (0.25 = 25 %).

    With ``d = ln(1 + rate) - ln(1 + base_duty)``: the buyers' price moves by
    ``pass_through * d`` (in logs), the exporter's price by ``(pass_through - 1) * d``, and the
    volume by ``-elasticity * pass_through * d`` (a constant-elasticity import demand).
    """
    d = math.log1p(rate) - math.log1p(sector.base_duty)
    return Response(price=math.exp(sector.pass_through * d),
                    border_price=math.exp((sector.pass_through - 1.0) * d),
                    volume=math.exp(-sector.elasticity * sector.pass_through * d))


class Flow(NamedTuple):
    """One sector over one day or month, in currency: the value at the border, the value without
    the dispute, what moved it and who paid. (A named tuple rather than a frozen dataclass: a
    run that feels money builds one per sector per day, and a tuple is three times cheaper to
    build; ``+`` adds the amounts, it does not join tuples.)"""

    sector: str
    exporter: str
    importer: str
    value: float = 0.0            # at the border, ex-tariff (what customs statistics record)
    counterfactual: float = 0.0   # the same without the dispute
    duty_revenue: float = 0.0   # collected by the importer's government
    extra_revenue: float = 0.0    # above what the base-year tariff would have collected
    buyers_loss: float = 0.0      # importer's buyers: extra spending plus lost surplus
    lost_exports: float = 0.0     # exporter's sales below the counterfactual
    committed: float = 0.0        # added by a purchase commitment
    withheld: float = 0.0         # held back by a cap (licence, control)

    def __add__(self, other: Flow) -> Flow:  # type: ignore[override]
        return Flow(self.sector, self.exporter, self.importer, self.value + other.value,
                    self.counterfactual + other.counterfactual,
                    self.duty_revenue + other.duty_revenue,
                    self.extra_revenue + other.extra_revenue,
                    self.buyers_loss + other.buyers_loss, self.lost_exports + other.lost_exports,
                    self.committed + other.committed, self.withheld + other.withheld)


@dataclass(frozen=True)
class TradeState:
    """What the trade layer carries from one day to the next: each sector's effective (lagged)
    tariff rate and cap share, and its commitment level yesterday."""

    rates: tuple[float, ...]
    caps: tuple[float, ...]
    delivered: tuple[float, ...]


def _lever(levers: Mapping[str, float], ref: LeverRef | None, default: float) -> float:
    if ref is None:
        return default
    return float(levers[ref.id])


def start(spec: TradeSpec, levers: Mapping[str, float]) -> TradeState:
    """The state on the first day: effective levels equal to the levers' values then."""
    return TradeState(
        rates=tuple(s.duty.rate(_lever(levers, s.duty, 0)) if s.duty else s.base_duty
                    for s in spec.sectors),
        caps=tuple(s.cap.share(_lever(levers, s.cap, 0)) if s.cap else 0.0
                   for s in spec.sectors),
        delivered=tuple(s.commitment.level(_lever(levers, s.commitment, 0)) if s.commitment
                        else 0.0 for s in spec.sectors))


def _adjust(previous: float, target: float, lag_days: float) -> float:
    # partial adjustment: each day closes 1/(1+lag) of the gap, a mean delay of lag_days
    return previous + (target - previous) / (1.0 + lag_days)


def step(spec: TradeSpec, state: TradeState, day: dt.date,
         levers: Mapping[str, float]) -> tuple[TradeState, tuple[Flow, ...]]:
    """One day: the levers' values today move each sector's effective levels; returns the new
    state and each sector's flows that day (currency per day). Pure: the engine calls it once a
    day with its levers' values; ``consequences`` calls it along a finished run."""
    rates, caps, delivered, flows = [], [], [], []
    for i, s in enumerate(spec.sectors):
        duty, capped, commitment = s.duty, s.cap, s.commitment
        rate = _adjust(state.rates[i], duty.rate(levers[duty.id]), s.lag_days) if duty \
            else s.base_duty
        cap = _adjust(state.caps[i], capped.share(levers[capped.id]), s.lag_days) if capped \
            else 0.0
        level = commitment.level(levers[commitment.id]) if commitment else 0.0
        rates.append(rate)
        caps.append(cap)
        delivered.append(level)
        newly = level - state.delivered[i]
        flows.append(_day_flow(s, day, rate, cap, newly if newly > 0.0 else 0.0))
    return TradeState(tuple(rates), tuple(caps), tuple(delivered)), tuple(flows)


def _day_flow(s: Sector, day: dt.date, rate: float, cap: float, newly_delivered: float) -> Flow:
    base = s.counterfactual(day)
    # ``respond``, inlined (the engine steps this every day of a run that feels money)
    d = math.log1p(rate) - math.log1p(s.base_duty)
    price = math.exp(s.pass_through * d)
    r_volume = math.exp(-s.elasticity * s.pass_through * d)
    traded = base * math.exp((s.pass_through - 1.0) * d) * r_volume
    withheld = traded * cap
    committed = newly_delivered * s.commitment_amount
    value = traded - withheld + committed
    spending = base * (1.0 + s.base_duty)  # what buyers paid, duty included, without dispute
    volume = r_volume * (1.0 - cap)
    # buyers' loss: extra paid on what they still buy, plus half the price rise on what they
    # stopped buying (the lost surplus, a straight-line demand between the two points)
    buyers_loss = spending * (price - 1.0) * (volume + 0.5 * (1.0 - volume))
    revenue = rate * value  # goods bought under a commitment pay the duty too
    return Flow(s.name, s.exporter, s.importer, value=value, counterfactual=base,
                duty_revenue=revenue, extra_revenue=revenue - s.base_duty * base,
                buyers_loss=buyers_loss, lost_exports=base - value, committed=committed,
                withheld=withheld)


@dataclass(frozen=True)
class Month:
    """One calendar month of one sector's flows (currency per month)."""

    month: dt.date  # the first day of the month
    flow: Flow


@dataclass(frozen=True)
class Consequences:
    """A run's trade consequences: each sector's flows month by month, and totals by side."""

    spec: TradeSpec
    months: tuple[Month, ...]
    first: dt.date
    last: dt.date
    days: int = 0

    def series(self, sector: str, what: str = "value") -> list[tuple[dt.date, float]]:
        """``[(first day of month, amount)]`` of one sector's ``what`` (a Flow field)."""
        return [(m.month, getattr(m.flow, what)) for m in self.months if m.flow.sector == sector]

    def total(self, sector: str) -> Flow:
        """One sector's flows summed over the whole period."""
        flows = [m.flow for m in self.months if m.flow.sector == sector]
        out = flows[0]
        for f in flows[1:]:
            out = out + f
        return out

    def who_paid(self, start: dt.date | None = None,
                 end: dt.date | None = None) -> dict[str, dict[str, float]]:
        """By side, over the months from ``start`` to ``end`` (default: all), in currency: what
        its buyers lost, what its government collected above the base-year tariff, what its
        exporters lost, and the net; each also per year as a share of GDP when the scenario
        gives GDP."""
        out: dict[str, dict[str, float]] = {}
        first = (start or self.first).replace(day=1)
        last = min(end or self.last, self.last)
        kept = [m for m in self.months if first <= m.month <= last]
        for m in kept:
            f = m.flow
            imp = out.setdefault(f.importer, _zero())
            exp = out.setdefault(f.exporter, _zero())
            imp["buyers_loss"] += f.buyers_loss
            imp["extra_duty_revenue"] += f.extra_revenue
            exp["lost_exports"] += f.lost_exports
        days = (last - max(first, self.first)).days + 1
        years = max(days, 1) / 365.25
        for actor, row in out.items():
            row["net_loss"] = row["buyers_loss"] - row["extra_duty_revenue"] \
                + row["lost_exports"]
            gdp = self.spec.gdp_of(actor)
            if gdp:
                for key in list(row):
                    row[f"{key}_share_of_gdp"] = row[key] / (gdp * years)
        return out


def _zero() -> dict[str, float]:
    return {"buyers_loss": 0.0, "extra_duty_revenue": 0.0, "lost_exports": 0.0}


__all__ = ["Consequences", "Flow", "LeverRef", "Month", "Response", "Sector", "TradeSpec",
           "TradeState", "respond", "start", "step"]

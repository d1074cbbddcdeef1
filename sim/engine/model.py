"""NegotiationModel: two negotiators, their levers and constituencies, day by day."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache, partial

import mesa

from sim.engine import clock, coercion, events
from sim.engine.agents import Negotiator
from sim.engine.behaviour import draw, make_behaviour
from sim.engine.constituents import REFILL, Firm, Market, restock
from sim.engine.levers import Lever
from sim.engine.negotiation import Agreement
from sim.engine.spec import Scenario

STALL_TRUST = 0.3  # definition: below this trust on either side, talks count as stalled
MEASURE_MEMORY_DAYS = 14  # definition: how long a new measure keeps talks counted as stalled
STATUSES = ("escalating", "truce", "stalled", "talks_restarted", "framework_agreed")


@lru_cache(maxsize=64)
def calendar(start: dt.date, days: int) -> tuple[dt.date, ...]:
    """The date of each model day 0..days: the same for every run of a scenario, so built once
    (building it took about 2 % of a run)."""
    return tuple(start + dt.timedelta(days=d) for d in range(days + 1))


@dataclass
class LogEntry:
    """One line of events.csv: a decision, an offer, a meeting's end, with its plain reason."""

    day: int
    actor: str
    kind: str
    meeting: str
    why: str


class NegotiationModel(mesa.Model):
    """Two sides' negotiators, their levers and constituencies, stepped one calendar day at a time.

    Each day: scheduled meetings and shocks happen; each negotiator implements, observes and may
    retaliate; ordered lever changes take effect; firms and markets respond and press their side.
    """

    def __init__(self, scenario: Scenario, seed: int | None = None, run: int = 0,
                 controllers: dict | None = None):
        super().__init__(rng=scenario.seed if seed is None else seed)
        # actor id -> sim.engine.control.Controller deciding for that side (none: behaviour)
        self.controllers = dict(controllers or {})
        # kept as `spec`: Mesa 3.5 reserves `Model.scenario` for its own experiment Scenario
        self.spec = scenario
        self._dates = calendar(scenario.start, scenario.days)
        self.run_id = run
        self.day = 0
        self.news = 0.0
        self.entries: list[LogEntry] = []
        self.agreement: Agreement | None = None
        self.last_call_day = -1
        self.last_sign_day = -1
        self.last_measure_day = -10**6
        self.freeze_until = -1  # last day of the freeze on new measures a call or summit set
        self.lapsed_day = -1  # day the last agreement lapsed
        self.threats: list[coercion.Threat] = []
        self.signings: list[events.Signing] = []  # agreements in principle awaiting signature
        self._at_signing_of: Agreement | None = None  # the agreement _at_signing_h is for
        self._at_signing_h: dict[str, float] = {}
        # id of an observer's watched levers -> (agreement, its references: ``since_signing``)
        self._since_signing: dict[int, tuple[Agreement, list]] = {}
        self.levers = {spec.id: Lever(spec) for spec in scenario.levers}
        self.history: dict[str, list[float]] = {k: [] for k in self.levers}
        self._history_columns = [(self.history[k], lever) for k, lever in self.levers.items()]
        self.negotiators: dict[str, Negotiator] = {}
        self.constituents: dict[str, list[Firm | Market]] = {}
        for actor in scenario.actors.values():
            behaviour = make_behaviour(actor.behaviour, self.random)
            own = {lv.id: self.levers[lv.id] for lv in actor.levers}
            self.negotiators[actor.id] = Negotiator(self, actor, behaviour, own)
        self._negotiator_list = list(self.negotiators.values())  # in creation order
        for actor in scenario.actors.values():
            for spec in actor.constituencies:
                self.constituents[spec.id] = self._constituency(spec)
        self.pending = [events.build(m) for m in scenario.meetings]
        self.shocks = [events.Shock(s) for s in scenario.shocks]
        # stepped as plain lists (firms first, then markets): cheaper than AgentSet.do each day;
        # a constituency's firms share one lever, so its supply is worked out once for them all
        self.firm_groups = [(self.levers[g[0].lever_id], cid, g)
                            for cid, g in self.constituents.items() if isinstance(g[0], Firm)]
        self.markets = [(cid, a) for cid, g in self.constituents.items() for a in g
                        if isinstance(a, Market)]
        self.pressure_sources = [self._pressure_source(actor) for actor in scenario.actors.values()]
        # each constituency's pressure (the mean of its agents'), set as they are stepped
        self.group_pressure = {cid: sum([a.pressure for a in agents]) / len(agents)
                               for cid, agents in self.constituents.items()}
        self.columns: dict[str, list] = {name: [] for name in self.column_names()}
        self._column_sources()
        self.update_pressure()
        self.status = "escalating"
        self.collect()
        # For mesa.batch_run: the end state, collected once when the run ends (cheap, pure).
        self.datacollector = mesa.DataCollector(model_reporters=self.end_reporters())

    def _constituency(self, spec) -> list[Firm | Market]:
        if spec.kind == "market":
            return [Market(self, spec)]
        count = int(spec.params.get("count", 10))
        cover = spec.params.get("stock_days", 60)
        return [Firm(self, spec, max(0.0, draw(cover, self.random))) for _ in range(count)]

    def _pressure_source(self, actor) -> tuple[Negotiator, list[tuple[str, float]], float]:
        """A side's negotiator, its constituencies (id, weight) and their total weight: fixed
        for the run, read by ``update_pressure`` every day."""
        weight = 0.0
        for spec in actor.constituencies:
            weight += spec.weight  # added in order, one by one (sum() rounds differently)
        groups = [(spec.id, spec.weight) for spec in actor.constituencies]
        return self.negotiators[actor.id], groups, weight

    @property
    def date(self) -> dt.date:
        return self._dates[self.day]

    # --- the day -----------------------------------------------------------------------------
    def step(self) -> None:
        """One calendar day of the story."""
        self.day += 1
        self.news = 0.0
        for history, lever in self._history_columns:
            history.append(lever.restrictiveness)
        self.hold_meetings()
        if self.threats:
            coercion.check_threats(self)
        for negotiator in self.shuffled_negotiators():
            negotiator.step()
        for lever in self.levers.values():
            lever.advance()
        for lever, cid, firms in self.firm_groups:  # firms, then markets, in creation order
            self.group_pressure[cid] = restock(firms, REFILL * (1.0 - lever.restrictiveness))
        for cid, market in self.markets:
            market.step()
            self.group_pressure[cid] = market.pressure  # a market is its constituency
        self.update_pressure()
        if self.agreement is not None and self.day >= self.agreement.expires:
            clock.check_expiry(self)
        self.status = self.talks_status()
        self.collect()
        if self.date >= self.spec.end:
            self.running = False
            self.datacollector.collect(self)

    def shuffled_negotiators(self) -> list[Negotiator]:
        """The negotiators in a fresh random order, as ``agents_by_type[Negotiator].shuffle_do``
        orders them (same draws, same order), without its weak-reference bookkeeping."""
        order = list(self._negotiator_list)
        self.random.shuffle(order)
        return order

    def hold_meetings(self) -> None:
        """Run today's shocks and meetings: those dated today and those whose trigger fires."""
        for shock in self.shocks:
            if shock.spec.date == self.date:
                shock.run(self)
        if self.signings:
            for signing in [s for s in self.signings if s.day == self.day]:
                self.signings.remove(signing)
                signing.run(self)
        due = [m for m in self.pending if self.is_due(m)]
        for meeting in due:
            self.pending.remove(meeting)
            if meeting.spec.trigger and meeting.spec.kind == "call":
                meeting.initiator = meeting.initiator or meeting.spec.trigger.actor
            if not meeting.run(self) and meeting.spec.trigger:
                meeting.not_before = self.day + events.RETRY_DAYS
                self.pending.append(meeting)

    def is_due(self, meeting: events.Meeting) -> bool:
        spec = meeting.spec
        if spec.date is not None:
            return spec.date == self.date
        if self.day < meeting.not_before:
            return False
        t = spec.trigger
        if not t.not_before <= self.date <= t.not_after:
            return False
        value = getattr(self.negotiators[t.actor], t.quantity)
        return value > t.above if t.above is not None else value < t.below

    def update_pressure(self) -> None:
        """Each side's pressure: the weighted mean of its constituencies' pressure (as they left
        it today: ``group_pressure``), plus the fading domestic cost of any threat it backed
        down from (capped at 1)."""
        group_pressure = self.group_pressure
        for n, groups, weight in self.pressure_sources:
            total = 0.0
            for cid, group_weight in groups:
                total += group_weight * group_pressure[cid]
            n.pressure = total / weight if weight else 0.0
            if n.audience:
                n.audience *= coercion.AUDIENCE_DECAY
                n.pressure = min(1.0, n.pressure + n.audience)

    # --- agreements and calendar ------------------------------------------------------------
    def sign(self, meeting: str, package: dict[str, float], label: str = "",
             in_force_days: int = 0, renewal: bool = False) -> None:
        """Turn an accepted package into an agreement (see ``clock.sign``)."""
        clock.sign(self, meeting, package, label, in_force_days, renewal)

    def review(self, agreement: Agreement, asking: str, rounds: int,
               fallback: dict[str, float]) -> object:
        """Talks at an agreement's expiry (see ``events.review_talks``)."""
        return events.review_talks(self, agreement, asking, rounds, fallback)

    def meeting_label(self, meeting: str) -> str:
        return next((m.label for m in self.spec.meetings if m.name == meeting), meeting)

    def date_of(self, day: int) -> str:
        return (self.spec.start + dt.timedelta(days=day)).isoformat()

    def next_talks_day(self, within: int) -> int | None:
        """The model day of the next dated talks or summit within ``within`` days, if any."""
        days = [(m.spec.date - self.spec.start).days for m in self.pending
                if m.spec.kind in ("talks", "summit") and m.spec.date is not None]
        days = [d for d in days if self.day < d <= self.day + within]
        return min(days, default=None)

    def call_held(self, meeting: str, label: str, freeze_days: int) -> None:
        self.last_call_day = self.day
        self.freeze_until = self.day + freeze_days
        self.log(None, "talks restart", f"after the {label}, both teams are to meet again; new "
                 f"measures wait until {self.date_of(self.freeze_until)}", meeting=meeting,
                 news=0.3)

    def talks_pending(self) -> bool:
        """Leaders have promised talks that have not yet produced an agreement, and the freeze
        they set on new measures still runs."""
        return self.last_call_day > self.last_sign_day and self.day <= self.freeze_until

    def new_restrictions(self, watching: list[tuple[str, Lever, float]]) -> float:
        """Tightening of the watched levers since the agreement (or in the last 14 days).

        ``watching`` lists (lever id, lever, observer's weight relative to its top weight) for
        the other side's levers an observer wants eased; the result is the largest tightening
        over them, each scaled by that relative weight.
        """
        agreement = self.agreement
        if agreement is not None and self.day > agreement.signed:
            references = self.since_signing(agreement, watching)
        else:
            references = [(lever, scale, self.reference(lever_id, lever, agreement))
                          for lever_id, lever, scale in watching]
        out = 0.0
        for lever, scale, ref in references:
            rise = lever.restrictiveness - ref
            if rise > 0.0:  # a lever eased or unchanged adds nothing
                out = max(out, scale * rise)
        return out

    def reference(self, lever_id: str, lever: Lever, agreement: Agreement | None) -> float:
        """The restrictiveness a new restriction on a lever is measured from: its level at the
        agreement's signing, or 14 days ago without an agreement."""
        if agreement is not None:
            signed = self.at_signing(agreement)
            if lever_id in signed:
                return signed[lever_id]
            hist = self.history[lever_id]
            return hist[min(len(hist) - 1, agreement.signed)] if hist else lever.restrictiveness
        hist = self.history[lever_id]
        return hist[max(0, len(hist) - MEASURE_MEMORY_DAYS)] if hist else lever.restrictiveness

    def since_signing(self, agreement: Agreement, watching: list[tuple[str, Lever, float]],
                      ) -> list[tuple[Lever, float, float]]:
        """(lever, weight, reference) for an observer's watched levers under ``agreement``.

        Pure in the agreement once the history holds its signing day (from the day after it):
        worked out then for each observer, not every day.
        """
        key = id(watching)
        cached = self._since_signing.get(key)
        if cached is None or cached[0] is not agreement:
            cached = agreement, [(lever, scale, self.reference(lever_id, lever, agreement))
                                 for lever_id, lever, scale in watching]
            self._since_signing[key] = cached
        return cached[1]

    def at_signing(self, agreement: Agreement) -> dict[str, float]:
        """Restrictiveness of each lever in ``agreement.at_signing`` (its value at signing).

        Pure in the agreement, whose values at signing never change once signed: worked out the
        first day it is read, not every day.
        """
        if self._at_signing_of is not agreement:
            self._at_signing_h = {k: self.levers[k].spec.restrictiveness(v)
                                  for k, v in agreement.at_signing.items()}
            self._at_signing_of = agreement
        return self._at_signing_h

    # --- reading the state --------------------------------------------------------------------
    def talks_status(self) -> str:
        """Derived each day from state: never set by the scenario."""
        a = self.agreement
        if a is None:  # before any deal, or after one lapsed
            return "talks_restarted" if self.talks_pending() else "escalating"
        if self.last_call_day > a.signed and self.day <= self.freeze_until:
            return "talks_restarted"
        recent = (self.last_measure_day >= a.signed
                  and self.day - self.last_measure_day <= MEASURE_MEMORY_DAYS)
        if recent or min([n.trust for n in self._negotiator_list]) < STALL_TRUST:
            return "stalled"
        return "framework_agreed" if a.follows is not None else "truce"

    def log(self, actor: str | None, kind: str, why: str, meeting: str = "",
            news: float = 0.0) -> None:
        self.entries.append(LogEntry(self.day, actor or "", kind, meeting, why))
        self.news += news
        if kind == "measure":
            self.last_measure_day = self.day
        elif kind == "agreement":
            self.last_sign_day = self.day

    def describe(self, package: dict[str, float], only: dict | None = None) -> str:
        """'US tariff on Chinese goods 145 % -> 30 %, ...' for the levers a package moves."""
        parts = []
        for lever_id, h in package.items():
            if only is not None and lever_id not in only:
                continue
            lever = self.levers[lever_id]
            if abs(h - lever.restrictiveness) > 0.005:
                parts.append(f"{lever.spec.label} {lever.spec.describe(lever.value)} -> "
                             f"{lever.spec.describe(lever.spec.value_at(h))}")
        return "; ".join(parts) or "no change"

    def column_names(self) -> list[str]:
        names = ["date", "run", *self.levers]
        for actor in self.spec.actors:
            names += [f"{actor}.trust", f"{actor}.pressure"]
        for cid, agents in self.constituents.items():
            names.append(cid if isinstance(agents[0], Market) else f"{cid}.pressure")
        return [*names, "status"]

    def collect(self) -> None:
        """Append today's row to the timeline (plain lists: cheap, and pure)."""
        c = self.columns
        c["date"].append(self.date)
        c["run"].append(self.run_id)
        for column, lever in self._lever_columns:
            column.append(lever.value)
        for trust, pressure, n in self._side_columns:
            trust.append(n.trust)
            pressure.append(n.pressure)
        for column, market in self._market_columns:
            column.append(market.index)
        for column, cid in self._group_columns:
            column.append(self.group_pressure[cid])
        c["status"].append(self.status)

    def _column_sources(self) -> None:
        """Pair each timeline column with what it reads, once, so ``collect`` formats no names."""
        c = self.columns
        self._lever_columns = [(c[k], lever) for k, lever in self.levers.items()]
        self._side_columns = [(c[f"{a}.trust"], c[f"{a}.pressure"], n)
                              for a, n in self.negotiators.items()]
        self._market_columns = [(c[cid], agents[0]) for cid, agents in self.constituents.items()
                                if isinstance(agents[0], Market)]
        self._group_columns = [(c[f"{cid}.pressure"], cid)
                               for cid, agents in self.constituents.items()
                               if not isinstance(agents[0], Market)]

    def end_reporters(self) -> dict:
        """Model reporters for a run's end state: each lever, each side's trust, the status."""
        reporters: dict = {k: partial(_lever_value, lever_id=k) for k in self.levers}
        reporters.update({f"{a}.trust": partial(_trust, actor=a) for a in self.negotiators})
        reporters["status"] = _status
        reporters["agreements"] = _agreements
        return reporters

    def run_to_end(self) -> NegotiationModel:
        while self.running:
            self.step()
        return self


# DataCollector reporters: module-level functions (picklable for batch_run), bound by partial,
# since Mesa calls other callables without the model.
def _lever_value(model: NegotiationModel, lever_id: str) -> float:
    return model.levers[lever_id].value


def _trust(model: NegotiationModel, actor: str) -> float:
    return model.negotiators[actor].trust


def _status(model: NegotiationModel) -> str:
    return model.status


def _agreements(model: NegotiationModel) -> int:
    return sum(1 for e in model.entries if e.kind == "agreement")

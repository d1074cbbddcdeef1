"""NegotiationModel: the sides' negotiators, their levers and constituencies, day by day.

The model owns the calendar, the levers' history and the narrative; ``Truce`` owns the
agreements, signings, threats and freezes; each negotiator owns its own state. Meetings, the clock
and coercion decide and return their decisions; ``step`` applies them, in named phases that read
as the day's story.
"""

from __future__ import annotations

import datetime as dt
import random
from functools import lru_cache

import mesa

from sim.engine import clock, coercion, events
from sim.engine.agents import Negotiator
from sim.engine.agreements_in_force import AgreementsInForce
from sim.engine.behaviour import make_behaviour
from sim.engine.constituents import REFILL, Firm, Market, ProtectedProducers, restock
from sim.engine.control import Controller
from sim.engine.economy import Economy, Payers
from sim.engine.levers import Lever
from sim.engine.meeting_calendar import MeetingCalendar
from sim.engine.memory import LeverMemory
from sim.engine.spec import (
    ConstituencySpec,
    LossesParams,
    MarketParams,
    ProtectedParams,
    Scenario,
    ShockSpec,
)
from sim.engine.timeline import LogEntry, Timeline
from sim.engine.truce import Agreement, Truce

STATUSES = ("escalating", "truce", "stalled", "talks_restarted", "framework_agreed")


@lru_cache(maxsize=64)
def calendar(start: dt.date, days: int) -> tuple[dt.date, ...]:
    """The date of each model day 0..days: the same for every run of a scenario, so built once
    (building it took about 2 % of a run)."""
    return tuple(start + dt.timedelta(days=d) for d in range(days + 1))


def _feels_money(scenario: Scenario) -> bool:
    return any(isinstance(c.params, LossesParams)
               for a in scenario.actors.values() for c in a.constituencies)


class NegotiationModel(MeetingCalendar, AgreementsInForce, Timeline, mesa.Model):
    """The sides' negotiators, their levers and constituencies, stepped one calendar day at a time.

    Each day (``step``): shocks, signings and meetings happen; threats reach their deadlines; each
    side implements, observes and may retaliate or review; ordered lever changes take effect;
    firms and markets respond and press their side; an agreement's clock may run out.
    """

    def __init__(self, scenario: Scenario, seed: int | None = None, run: int = 0,
                 controllers: dict[str, Controller] | None = None, day: int = 0,
                 draws: random.Random | None = None):
        """For building states (tests, what-ifs): ``day``, the day the calendar starts on (0 for
        a run; nothing before it happened); ``draws``, the run's source of draws in place of the
        one seeded from ``seed`` (one with fixed draws makes a chance event happen or not)."""
        super().__init__(rng=scenario.seed if seed is None else seed)
        if draws is not None:
            self.random = draws
        # actor id -> the controller deciding for that side (none: its behaviour)
        self.controllers = dict(controllers or {})
        # kept as `spec`: Mesa 3.5 reserves `Model.scenario` for its own experiment Scenario
        self.spec = scenario
        self._dates = calendar(scenario.start, scenario.days)
        self.run_id = run
        self.day = day
        self.news = 0.0
        self.entries: list[LogEntry] = []
        self.truce = Truce()
        self.levers = {spec.id: Lever(spec) for spec in scenario.levers}
        self.negotiators: dict[str, Negotiator] = {}
        self.constituents: dict[str, list[Firm | Market | Payers | ProtectedProducers]] = {}
        # the dispute's trade, stepped each day when a constituency feels its losses in money
        self.economy = Economy(scenario.trade, self.levers, scenario.start) \
            if scenario.trade is not None and _feels_money(scenario) else None
        for actor in scenario.actors.values():
            behaviour = make_behaviour(actor.behaviour, self.random)
            own = {lv.id: self.levers[lv.id] for lv in actor.levers}
            self.negotiators[actor.id] = Negotiator(self, actor, behaviour, own)
        self._negotiator_list = list(self.negotiators.values())  # in creation order
        for actor in scenario.actors.values():
            for spec in actor.constituencies:
                self.constituents[spec.id] = self._constituency(spec)
        self.pending = [events.build(m) for m in scenario.meetings]
        self._meeting_dates = {m.date for m in scenario.meetings}  # None: a trigger, any day
        # stepped as plain lists (firms first, then markets): cheaper than AgentSet.do each day;
        # a constituency's firms share one lever, so its supply is worked out once for them all
        self.firm_groups = [(self.levers[g[0].lever_id], cid, g)
                            for cid, g in self.constituents.items() if isinstance(g[0], Firm)]
        self.markets = [(cid, a) for cid, g in self.constituents.items() for a in g
                        if isinstance(a, Market)]
        self.payers = [(cid, g[0]) for cid, g in self.constituents.items()
                       if isinstance(g[0], Payers)]
        self.protected = [(cid, g[0]) for cid, g in self.constituents.items()
                          if isinstance(g[0], ProtectedProducers)]
        for _, payers in self.payers:  # they feel day 0's trade, as it was before the run
            payers.feel(self.economy.flows)
        self.pressure_sources = [self._pressure_source(actor) for actor in scenario.actors.values()]
        # each constituency's pressure (the mean of its agents'), set as they are stepped
        self.group_pressure = {cid: sum([a.pressure for a in agents]) / len(agents)
                               for cid, agents in self.constituents.items()}
        self.columns: dict[str, list] = {name: [] for name in self.column_names()}
        self.memory = LeverMemory(self.levers, self.columns, day)  # reads the lever columns
        self._column_sources()
        self.update_pressure()
        self.status = "escalating"
        self.collect()
        # For mesa.batch_run: the end state, collected once when the run ends (cheap, pure).
        self.datacollector = mesa.DataCollector(model_reporters=self.end_reporters())

    def _constituency(self, spec: ConstituencySpec) -> list:
        p = spec.params
        if isinstance(p, MarketParams):
            return [Market(self, spec, p)]
        if isinstance(p, LossesParams):
            return [Payers(self, spec, p, self.spec.trade)]
        if isinstance(p, ProtectedParams):
            return [ProtectedProducers(self, spec, p, self.levers[p.protected_by])]
        return [Firm(self, spec, p, max(0.0, p.stock_days.sample(self.random)))
                for _ in range(p.count)]

    def _pressure_source(self, actor) -> tuple[Negotiator, list[tuple[str, float]], float,
                                                list[tuple[str, float]]]:
        """A side's negotiator, its constituencies that push it to settle (id, weight), the
        total weight of all its constituencies, and those that push it to escalate: fixed for
        the run, read by ``update_pressure`` every day."""
        weight = 0.0
        for spec in actor.constituencies:
            weight += spec.weight  # added in order, one by one (sum() rounds differently)
        settle = [(spec.id, spec.weight) for spec in actor.constituencies
                  if spec.direction == "settle"]
        escalate = [(spec.id, spec.weight) for spec in actor.constituencies
                    if spec.direction == "escalate"]
        return self.negotiators[actor.id], settle, weight, escalate

    @property
    def date(self) -> dt.date:
        return self._dates[self.day]

    @property
    def agreement(self) -> Agreement | None:
        """The agreement in force (``truce.agreement``)."""
        return self.truce.agreement

    # --- the day -----------------------------------------------------------------------------
    def step(self) -> None:
        """One calendar day of the story."""
        truce = self.truce  # a phase with nothing to do today is not entered (calls add up)
        self.begin_day()
        self.hold_meetings()
        if truce.threats:
            self.threats_fall_due()
        self.sides_act()
        for lever in self.levers.values():  # ordered changes take effect (most days: none)
            if lever.order is not None:
                lever.advance()
        self.constituencies_respond()
        self.update_pressure()
        if truce.agreement is not None and self.day >= truce.agreement.expires:
            self.clock_runs()
        self.end_day()

    def begin_day(self) -> None:
        self.day += 1
        self.news = 0.0

    def threats_fall_due(self) -> None:
        """Each threat whose deadline is today: its author decides, the model applies."""
        if not self.truce.threats:
            return
        for threat in self.truce.due_threats(self.day):
            self.apply(coercion.at_deadline(self, self.negotiators[threat.actor], threat))

    def sides_act(self) -> None:
        """Each side in a fresh random order: its own day (or its controller's choice), then,
        on its review days, whether to escalate for leverage."""
        agreement = self.truce.agreement
        controllers = self.controllers
        for n in self.shuffled_negotiators():
            controller = controllers.get(n.actor) if controllers else None
            if controller is not None:  # hook: a controlled side decides today (engine.control)
                n.follow(controller.daily(self, n.actor), agreement)
                n.observe(agreement)
                continue
            n.step()
            if n.review_days and n.review_due():  # a side without periodic reviews: not asked
                self.apply(coercion.consider(self, n, f"{n.label}'s periodic review"))

    def constituencies_respond(self) -> None:
        """Firms restock at their lever's supply; a day of trade passes and groups that pay for
        it in money feel their losses; then markets move on the day's news."""
        group_pressure = self.group_pressure
        for lever, cid, firms in self.firm_groups:  # firms, then markets, in creation order
            group_pressure[cid] = restock(firms, REFILL * (1.0 - lever.restrictiveness))
        for cid, producers in self.protected:
            group_pressure[cid] = producers.feel()
        if self.economy is not None:
            flows = self.economy.step(self._dates[self.day])
            for cid, payers in self.payers:
                group_pressure[cid] = payers.feel(flows)
        for cid, market in self.markets:
            market.step()
            group_pressure[cid] = market.pressure  # a market is its constituency

    def end_day(self) -> None:
        self.status = self.talks_status()
        self.collect()
        if self._dates[self.day] >= self.spec.end:  # the calendar, not the ``date`` property
            self.running = False
            self.datacollector.collect(self)

    def shuffled_negotiators(self) -> list[Negotiator]:
        """The negotiators in a fresh random order, as ``agents_by_type[Negotiator].shuffle_do``
        orders them (same draws, same order), without its weak-reference bookkeeping."""
        order = list(self._negotiator_list)
        self.random.shuffle(order)
        return order

    def shock(self, shock: ShockSpec) -> None:
        """An outside event hits a constituency (a market fall, a supply disruption)."""
        for agent in self.constituents[shock.target]:
            agent.shock(shock.change)
        self.log(None, "shock", events.shock_line(shock), meeting=shock.name)

    def update_pressure(self) -> None:
        """Each side feels the weighted mean of its constituencies' pressure (as they left it
        today: ``group_pressure``): those that want a deal as pressure, those that gain from the
        dispute as a push to escalate (each weighed against all of the side's groups)."""
        group_pressure = self.group_pressure
        for n, groups, weight, pushing in self.pressure_sources:
            total = 0.0
            for cid, group_weight in groups:
                total += group_weight * group_pressure[cid]
            n.feel(total / weight if weight else 0.0)
            if pushing:  # groups that gain from the dispute push the other way (none: most)
                push = 0.0
                for cid, group_weight in pushing:
                    push += group_weight * group_pressure[cid]
                n.pushed(push / weight)

    # --- applying decisions --------------------------------------------------------------------
    def apply(self, decision: coercion.Decision) -> None:
        """Carry out what a side decided at a decision point or a threat's deadline."""
        d = decision
        n = self.negotiators[d.actor]
        if d.action == coercion.HOLD:
            self.log(d.actor, "decision", d.why, meeting=d.meeting)
        elif d.action == coercion.THREATEN:
            self.truce.announce(d.threat)
            if d.threat.instrument:  # a prepared measure announced is spent either way
                self.levers[d.lever_id].take(d.threat.instrument)
            n.threatened()
            self.log(d.actor, "threat", d.why, meeting=d.meeting, news=d.news)
        elif d.action == coercion.IMPOSE:
            if d.layer:  # pressing with a bound lever: the suspended measure is back in force
                self.levers[d.lever_id].stack.reinstate(d.layer)
            lever = self.levers[d.lever_id]
            n.impose(lever, d.value, d.why, d.meeting,
                     instrument=lever.take(d.instrument) if d.instrument else None)
        elif d.action == coercion.HALT:
            n.halt(self.truce.agreement, d.why)
        elif d.action == coercion.EASE:
            n.ease(self.levers[d.lever_id], d.value, d.why, d.meeting)
        elif d.action == coercion.END:
            a = self.truce.agreement
            self.lapse(a, clock.snapback(self, a), d.why, d.actor)
        elif d.action == coercion.WALK_OUT:
            self.truce.end_talks(self.day)
            self.log(d.actor, "talks end", d.why, meeting=d.meeting, news=d.news)
        elif d.action == coercion.POSTPONE:
            d.threat.put_off(d.due)
            self.log(d.actor, "threat postponed", d.why)
        else:  # a threat's deadline settled it
            self.truce.close(d.threat)
            if d.action == coercion.CARRY_OUT:
                n.carried_out()
                lever = self.levers[d.lever_id]
                n.impose(lever, d.value, d.why,
                         instrument=lever.instrument_named(d.threat.instrument))
                return
            if d.action == coercion.BACK_DOWN:
                n.backed_down()
            self.log(d.actor, "threat withdrawn", d.why, news=d.news)

    # --- reading the state --------------------------------------------------------------------
    def talks_status(self) -> str:
        """Derived each day from the truce's state (``Truce.status``): never set by the
        scenario."""
        lowest = 1.0e300  # the lowest trust: min() of a list, without the list (daily)
        for n in self._negotiator_list:
            if n.trust < lowest:
                lowest = n.trust
        return self.truce.status(self.day, lowest)

    def run_to_end(self) -> NegotiationModel:
        while self.running:
            self.step()
        return self



"""The run's record: the narrative of decisions, offers and meetings with their reasons; and one
row a day of every lever, each side's trust and pressure, each
constituency's pressure (a market's index), and the talks status; and the end state Mesa's
``batch_run`` collects. Recording is pure: it reads the model and changes nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from sim.engine.constituents import Firm, Market
from sim.engine.levers import Lever
from sim.engine.spec import Scenario


@dataclass
class LogEntry:
    """One line of events.csv: a decision, an offer, a meeting's end, with its plain reason."""

    day: int
    actor: str
    kind: str
    meeting: str
    why: str


class Timeline:
    """The run's record, a part of ``NegotiationModel`` (a base class): the narrative
    (``entries``, written by ``log``) and the daily rows (``columns``). What it reads of the model
    is declared here."""

    spec: Scenario
    run_id: int
    status: str
    levers: dict[str, Lever]
    negotiators: Mapping[str, Any]  # actor id -> sim.engine.agents.Negotiator
    constituents: dict[str, list[Firm | Market]]
    group_pressure: dict[str, float]
    columns: dict[str, list]
    entries: list[LogEntry]
    date: dt.date
    _dates: tuple[dt.date, ...]  # the date of each model day (``model.calendar``)

    news: float
    day: int

    # --- the narrative (events.csv) -------------------------------------------------------------
    def log(self, actor: str | None, kind: str, why: str, meeting: str = "",
            news: float = 0.0) -> None:
        """A line of the narrative, and its weight in the day's news (what markets move on)."""
        self.entries.append(LogEntry(self.day, actor or "", kind, meeting, why))
        self.news += news

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

    def date_of(self, day: int) -> str:
        return (self.spec.start + dt.timedelta(days=day)).isoformat()

    # --- the daily rows (timeline.csv) ---------------------------------------------------------
    def column_names(self) -> list[str]:
        names = ["date", "run", *self.levers]
        # a lever whose scenario names its layers: where a lapse of the deals in force would take
        # it (its layers the deals suspended back in force), in the lever's unit
        names += [f"{k}.if_lapsed" for k, lever in self.levers.items() if lever.spec.layers]
        for actor, spec in self.spec.actors.items():
            names += [f"{actor}.trust", f"{actor}.pressure"]
            if any(k.direction == "escalate" for k in spec.constituencies):
                names.append(f"{actor}.push")  # only a side with groups pushing to escalate
        for cid, agents in self.constituents.items():
            names.append(cid if isinstance(agents[0], Market) else f"{cid}.pressure")
        return [*names, "status"]

    def collect(self) -> None:
        """Append today's row to the timeline (plain lists: cheap, and pure)."""
        dates, runs, statuses = self._day_columns
        dates.append(self._dates[self.day])  # the calendar itself: cheaper than ``date``
        runs.append(self.run_id)
        for column, lever in self._lever_columns:
            column.append(lever.value)
        for column, lever in self._layer_columns:
            column.append(lever.if_lapsed())
        for trust, pressure, n in self._side_columns:
            trust.append(n.trust)
            pressure.append(n.pressure)
        for column, n in self._push_columns:
            column.append(n.push)
        for column, market in self._market_columns:
            column.append(market.index)
        for column, cid in self._group_columns:
            column.append(self.group_pressure[cid])
        statuses.append(self.status)

    def _column_sources(self) -> None:
        """Pair each timeline column with what it reads, once, so ``collect`` formats no names."""
        c = self.columns
        self._day_columns = c["date"], c["run"], c["status"]
        self._lever_columns = [(c[k], lever) for k, lever in self.levers.items()]
        self._layer_columns = [(c[f"{k}.if_lapsed"], lever)
                               for k, lever in self.levers.items() if lever.spec.layers]
        self._side_columns = [(c[f"{a}.trust"], c[f"{a}.pressure"], n)
                              for a, n in self.negotiators.items()]
        self._push_columns = [(c[f"{a}.push"], n) for a, n in self.negotiators.items()
                              if f"{a}.push" in c]
        self._market_columns = [(c[cid], agents[0]) for cid, agents in self.constituents.items()
                                if isinstance(agents[0], Market)]
        self._group_columns = [(c[f"{cid}.pressure"], cid)
                               for cid, agents in self.constituents.items()
                               if not isinstance(agents[0], Market)]

    def end_reporters(self) -> dict[str, Callable[[Timeline], object]]:
        """Model reporters for a run's end state: each lever, each side's trust, the status."""
        reporters: dict[str, Callable[[Timeline], object]] = {
            k: partial(_lever_value, lever_id=k) for k in self.levers}
        reporters.update({f"{a}.trust": partial(_trust, actor=a) for a in self.negotiators})
        reporters["status"] = _status
        reporters["agreements"] = _agreements
        return reporters


# DataCollector reporters: module-level functions (picklable for batch_run), bound by partial,
# since Mesa calls other callables without the model.
def _lever_value(model: Timeline, lever_id: str) -> float:
    return model.levers[lever_id].value


def _trust(model: Timeline, actor: str) -> float:
    return model.negotiators[actor].trust


def _status(model: Timeline) -> str:
    return model.status


def _agreements(model: Timeline) -> int:
    return sum(1 for e in model.entries if e.kind == "agreement")

"""Ensembles: many seeded runs of a scenario, each reduced as it finishes to compact arrays, and
the aggregates read from them (quantiles per day, status shares, outcome statistics, hit rates).

Seeds. Run ``i`` of an ensemble with base seed ``b`` (the scenario's ``seed:`` or ``--seed``) uses
the integer ``SeedSequence(b, spawn_key=(i,)).generate_state(1)[0]``, which is the same as
``SeedSequence(b).spawn(N)[i]`` for any ``N > i``: run ``i`` does not depend on how many runs there
are, on ``--jobs``, or on which process ran it. ``runs.csv`` lists every run's seed, so
``sim run SCENARIO --seed S`` replays it alone.

Memory. Each run is reduced, as it finishes, to compact arrays (the per-day value of every numeric
column as float32, the status as one byte a day, one float64 per outcome, one byte per observation
and move mark) written into arrays preallocated for all runs and indexed by run number. 10,000
baseline runs take 10,000 x 13 x 124 x 4 B = 64 MB of per-day values; quantiles are exact and, since
every aggregate reads the arrays in run order, identical whatever order the runs finished in.


Running the runs (one process or a pool) is ``sim.experiments.executors``; the files an ensemble
writes are ``sim.experiments.ensemble_files``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from sim.engine.model import STATUSES, NegotiationModel
from sim.engine.spec import Scenario
from sim.errors import UserError
from sim.experiments.limits import MAX_RUNS  # noqa: F401  (checked by the executors)
from sim.experiments.runs import events_csv, events_of, timeline_csv
from sim.record import documents as record_mod
from sim.record import outcomes as oc
from sim.record import scorecard
from sim.record.lookup import record_for
from sim.record.series_score import add_series_columns, with_series

QUANTILES = (0.1, 0.25, 0.5, 0.75, 0.9)
QUANTILE_NAMES = ("p10", "p25", "p50", "p75", "p90")
SEED_RULE = ("run i uses the integer SeedSequence(base, spawn_key=(i,)).generate_state(1)[0] "
             "(= SeedSequence(base).spawn(N)[i]); every run's seed is in runs.csv")
OTHER_STATUS = len(STATUSES)  # code for a status word the model does not list (never expected)
Z95 = 1.959964

Progress = Callable[[int, int], None]


def seed_for(base: int, index: int) -> int:
    """The seed of run ``index`` of an ensemble with base seed ``base`` (see the module doc)."""
    if base < 0:
        raise UserError("--seed", f"an ensemble's base seed must be 0 or more, found {base}")
    return int(np.random.SeedSequence(base, spawn_key=(index,)).generate_state(1)[0])


# -- one run, reduced -----------------------------------------------------------------------------
@dataclass
class Plan:
    """What every run of a scenario needs, shipped once to each worker process."""

    scenario: Scenario
    quantities: list[str]  # numeric timeline columns, in timeline order
    days: int
    dates: list
    outcomes: list[oc.Outcome]
    record: record_mod.Record
    timelines: Path | None = None


def make_plan(scenario: Scenario, rec: record_mod.Record | None = None,
              timelines: Path | None = None) -> Plan:
    probe = NegotiationModel(scenario, seed=0)  # only to read the column names
    names = [n for n in probe.columns if n not in ("date", "run", "status")]
    dates = [scenario.start + dt.timedelta(days=d) for d in range(scenario.days)]
    return Plan(scenario, names, scenario.days, dates, oc.outcome_list(scenario),
                with_series(rec or record_for(scenario), scenario), timelines)


@dataclass
class RunSummary:
    """One finished run, compactly: what the aggregates need and nothing more."""

    index: int
    seed: int
    values: np.ndarray  # float32, (quantities, days)
    status: np.ndarray  # uint8, (days,)
    outcomes: np.ndarray  # float64, (outcomes,)
    hits: np.ndarray  # int8, (observations,): 1 hit, 0 missed, -1 not scored
    marks: np.ndarray  # int8, (moves, 3): direction, size, timing; -1 not scored


_STATUS_CODE = {s: k for k, s in enumerate(STATUSES)}


def _flag(value: bool | None) -> int:
    return -1 if value is None else int(bool(value))


def simulate(plan: Plan, index: int, seed: int) -> RunSummary:
    """Run ``index`` of the ensemble with ``seed``, scored against the record and reduced."""
    return reduce_run(plan, index, seed,
                      NegotiationModel(plan.scenario, seed=seed, run=index).run_to_end())


def reduce_run(plan: Plan, index: int, seed: int, model: NegotiationModel) -> RunSummary:
    """A finished run scored against the record and reduced to compact arrays."""
    cols = model.columns
    if len(cols["date"]) != plan.days:
        raise RuntimeError(f"run {index} has {len(cols['date'])} days, expected {plan.days}")
    values = np.array([cols[q] for q in plan.quantities], dtype=np.float32)
    status = np.array([_STATUS_CODE.get(s, OTHER_STATUS) for s in cols["status"]], dtype=np.uint8)
    obs, moves = scorecard.score_run(plan.record, add_series_columns(plan.record, cols))
    fit = scorecard.summarise(obs, moves).fit
    hits = np.array([_flag(s.hit) for s in obs], dtype=np.int8)
    marks = np.array([[_flag(m.direction_hit), _flag(m.size_hit), _flag(m.timing_hit)]
                      for m in moves], dtype=np.int8).reshape(len(moves), 3)
    result = np.array(oc.outcome_values(model, plan.outcomes, fit), dtype=np.float64)
    if plan.timelines is not None:
        stem = plan.timelines / f"run-{index:05d}"
        stem.with_name(stem.name + ".timeline.csv").write_text(timeline_csv(cols), encoding="utf-8")
        stem.with_name(stem.name + ".events.csv").write_text(events_csv(events_of(model, index)),
                                                           encoding="utf-8")
    return RunSummary(index, seed, values, status, result, hits, marks)


# -- the aggregates -------------------------------------------------------------------------------
@dataclass
class Ensemble:
    """Every finished run of one scenario, in arrays indexed by run number."""

    plan: Plan
    base_seed: int
    runs: int
    seeds: np.ndarray = field(init=False)
    values: np.ndarray = field(init=False)
    status: np.ndarray = field(init=False)
    outcomes: np.ndarray = field(init=False)
    hits: np.ndarray = field(init=False)
    marks: np.ndarray = field(init=False)
    done: np.ndarray = field(init=False)
    partial: bool = False
    seconds: float = 0.0
    jobs: int = 1
    start_method: str = "none"

    def __post_init__(self) -> None:
        p, n = self.plan, self.runs
        self.seeds = np.array([seed_for(self.base_seed, i) for i in range(n)], dtype=np.int64)
        # np.empty: pages are only touched (and counted in memory) as runs fill them.
        self.values = np.empty((n, len(p.quantities), p.days), dtype=np.float32)
        self.status = np.empty((n, p.days), dtype=np.uint8)
        self.outcomes = np.full((n, len(p.outcomes)), np.nan)
        self.hits = np.empty((n, len(p.record.observations)), dtype=np.int8)
        self.marks = np.empty((n, len(p.record.moves), 3), dtype=np.int8)
        self.done = np.zeros(n, dtype=bool)

    @property
    def scenario(self) -> Scenario:
        return self.plan.scenario

    @property
    def finished(self) -> int:
        return int(self.done.sum())

    def add(self, r: RunSummary) -> None:
        i = r.index
        self.values[i], self.status[i], self.outcomes[i] = r.values, r.status, r.outcomes
        self.hits[i], self.marks[i] = r.hits, r.marks
        self.done[i] = True  # last: a run interrupted while being stored does not count

    def _rows(self) -> np.ndarray:
        return np.flatnonzero(self.done)

    def day_quantiles(self, q: int) -> tuple[np.ndarray, np.ndarray]:
        """Per-day mean and the ``QUANTILES`` of quantity number ``q``: (days,), (5, days)."""
        rows = self._rows()
        if not len(rows):
            nan = np.full(self.plan.days, np.nan)
            return nan, np.tile(nan, (len(QUANTILES), 1))
        data = self.values[rows, q, :].astype(np.float64)
        return data.mean(axis=0), np.quantile(data, QUANTILES, axis=0)

    def status_shares(self) -> dict[str, np.ndarray]:
        rows = self._rows()
        codes = self.status[rows]
        n = max(1, len(rows))
        return {s: (codes == k).sum(axis=0) / n for k, s in enumerate(STATUSES)}

    def outcome_column(self, outcome_id: str) -> np.ndarray | None:
        """One value per run (nan where not applicable or not finished), or None if unknown."""
        ids = [o.id for o in self.plan.outcomes]
        if outcome_id not in ids:
            return None
        col = self.outcomes[:, ids.index(outcome_id)].copy()
        col[~self.done] = np.nan
        return col

    def outcome_stats(self) -> list[dict]:
        return [stats(o, self.outcome_column(o.id)) for o in self.plan.outcomes]

    def hit_rates(self) -> dict[str, float]:
        """Share of runs hitting each observation, via ``scorecard.ensemble_hit_rates``."""
        ids = [o.id for o in self.plan.record.observations]
        return scorecard.ensemble_hit_rates(
            [_Hit(ids[k], None if f < 0 else bool(f)) for k, f in enumerate(self.hits[i])]
            for i in self._rows())

    def mark_rates(self) -> dict[str, dict[str, float]]:
        ids = [m.id for m in self.plan.record.moves]
        return scorecard.ensemble_mark_rates(
            [_Marks(ids[k], row) for k, row in enumerate(self.marks[i])] for i in self._rows())


@dataclass(frozen=True)
class _Hit:
    id: str
    hit: bool | None


@dataclass(frozen=True)
class _Marks:
    id: str
    flags: np.ndarray

    def marks(self) -> dict[str, bool]:
        return {m: bool(f) for m, f in zip(scorecard.MARKS, self.flags, strict=True) if f >= 0}


def stats(outcome: oc.Outcome, values: np.ndarray) -> dict:
    """n, mean, standard error and (for values) quantiles of one outcome over the runs."""
    v = values[np.isfinite(values)]
    n = len(v)
    out = {"id": outcome.id, "kind": outcome.kind, "description": outcome.description, "n": n,
           "mean": float(v.mean()) if n else math.nan, "se": math.nan}
    if outcome.kind == oc.PROBABILITY and n:
        p = out["mean"]
        out["se"] = math.sqrt(p * (1 - p) / n)
    elif n > 1:
        out["se"] = float(v.std(ddof=1) / math.sqrt(n))
    qs = np.quantile(v, QUANTILES) if n and outcome.kind == oc.VALUE else [math.nan] * 5
    out.update({name: float(q) for name, q in zip(QUANTILE_NAMES, qs, strict=True)})
    return out

"""Sweeps: a scenario run over the cells of a design, each cell on the same seeds.

Common random numbers. Every cell runs the same seeds (run ``i`` uses ``seed_for(base, i)``, the
ensemble's rule), so two cells differ only by what the design changed, not by luck.

Streaming. Each task is a block of runs of one cell; a worker applies the cell's overrides to
the scenario (well under a millisecond), runs the block and returns one row of outcomes per run.
The parent fills the cell's small array (runs x outcomes) and, as soon as a cell and every cell
before it are complete, writes its row of ``sweep.csv`` and forgets its runs: memory holds only
the cells in flight, whatever the size of the design, and rows are always in cell order, so the
file is byte-identical whatever the executor, the worker count or the order results arrive in.
"""

from __future__ import annotations

import csv
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import IO

import numpy as np

from sim.engine.model import NegotiationModel
from sim.engine.spec import Scenario
from sim.errors import UserError
from sim.experiments.design import Factor, overrides_of
from sim.experiments.ensemble import Z95, seed_for, stats
from sim.record import documents as record_mod
from sim.record import outcomes as oc
from sim.record import scorecard
from sim.record.lookup import record_for
from sim.record.series_score import add_series_columns, with_series
from sim.scenario.language import apply_overrides

BLOCK = 10  # runs per task: a few tens of milliseconds, small enough to balance the workers
VALUE_QUANTILES = ("p10", "p50", "p90")


@dataclass
class CellPlan:
    """What every worker needs to run any cell: the base scenario, the record, the outcomes."""

    base: Scenario
    record: record_mod.Record
    outcomes: list[oc.Outcome]


def make_cell_plan(base: Scenario) -> CellPlan:
    # the record with its series (a scenario with a trade layer): a cell's fit is `sim run`'s
    return CellPlan(base, with_series(record_for(base), base), oc.outcome_list(base))


def outcomes_of(plan: CellPlan, model: NegotiationModel) -> list[float]:
    """A finished run's outcomes (``plan.outcomes`` order), its fit to the record included."""
    cols = add_series_columns(plan.record, model.columns)
    fit = scorecard.summarise(*scorecard.score_run(plan.record, cols)).fit
    return oc.outcome_values(model, plan.outcomes, fit)


def run_block(plan: CellPlan, task: tuple) -> tuple[int, int, np.ndarray]:
    """Runs ``first...`` of one cell: ``task`` is (cell, overrides, first run, seeds)."""
    cell, overrides, first, seeds = task
    try:
        scenario = apply_overrides(plan.base, overrides) if overrides else plan.base
        out = np.empty((len(seeds), len(plan.outcomes)))
        for k, seed in enumerate(seeds):
            out[k] = outcomes_of(plan, NegotiationModel(scenario, seed=seed, run=first + k)
                                 .run_to_end())
    except Exception as exc:  # the traceback stays in the worker: say how to replay the cell
        raise RuntimeError(f"cell {cell} ({overrides}) failed at runs {first}+: {exc!r}") from exc
    return cell, first, out


def check_values(base: Scenario, factors: Sequence[Factor]) -> None:
    """Apply each factor's extremes (a range) or every listed value once here, so that a bad key
    or value is a one-paragraph error before any work starts, not a failure in a worker."""
    for factor in factors:
        values = (factor.low, factor.high) if factor.numeric else factor.values
        for value in dict.fromkeys(values):
            apply_overrides(base, factor.override(value))


def tasks_for(factors: Sequence[Factor], cells: Sequence[tuple], seeds: Sequence[int]):
    for c, cell in enumerate(cells):
        overrides = overrides_of(list(factors), cell)
        for first in range(0, len(seeds), BLOCK):
            yield c, overrides, first, list(seeds[first:first + BLOCK])


def _num(x: float) -> str:
    return "" if x is None or not math.isfinite(x) else f"{x:.6f}"


def _value_text(value: object) -> str:
    return f"{value:.6g}" if isinstance(value, float) else str(value)


def band(outcome: oc.Outcome, s: dict) -> tuple[float, float, float]:
    """(mean, low, high) for plots: 10-90 % of runs for values, a 95 % interval of the mean for
    probabilities."""
    if outcome.kind == oc.PROBABILITY:
        half = Z95 * s["se"] if math.isfinite(s["se"]) else math.nan
        return s["mean"], max(0.0, s["mean"] - half), min(1.0, s["mean"] + half)
    return s["mean"], s["p10"], s["p90"]


@dataclass
class SweepResult:
    """What a finished (or interrupted) sweep keeps: per cell, the varied values and, for the
    outcomes to draw, the mean and band; the rest is in sweep.csv."""

    factors: list[Factor]
    cells: list[tuple]
    outcomes: list[oc.Outcome]
    keep: list[str]  # outcome ids kept for the figures
    runs: int
    base_seed: int
    summary: dict[str, np.ndarray] = field(default_factory=dict)  # id -> (cells, 3)
    means: np.ndarray | None = None  # (cells, outcomes): each outcome's mean per cell
    written: int = 0  # cells written, in order
    partial: bool = False
    seconds: float = 0.0
    executor: str = "none"


def pick_outcomes(outcomes: list[oc.Outcome], wanted: list[str],
                    default_kinds: tuple[str, ...] = ("agreement",)) -> list[oc.Outcome]:
    """The outcomes named by --outcome, or by default every outcome of ``default_kinds``
    (``agreement.<talks>``, ``final.<lever>``) and the fit: chosen by kind, never by name."""
    by_id = {o.id: o for o in outcomes}
    for w in wanted:
        if w not in by_id:
            raise UserError("--outcome", f"no outcome `{w}`; the scenario's outcomes are: "
                            f"{', '.join(by_id)}")
    if wanted:
        return [by_id[w] for w in dict.fromkeys(wanted)]
    return [o for o in outcomes if o.id.partition(".")[0] in default_kinds or o.id == "fit"]


class CellWriter:
    """Collects blocks of runs per cell and writes each cell's row as soon as it can."""

    def __init__(self, result: SweepResult, stream: IO[str]):
        self.r, self.stream = result, stream
        self.csv = csv.writer(stream, lineterminator="\n")
        self.pending: dict[int, tuple[np.ndarray, int]] = {}
        self.header()
        n = len(result.cells)
        result.summary = {k: np.full((n, 3), np.nan) for k in result.keep}
        result.means = np.full((n, len(result.outcomes)), np.nan)

    def header(self) -> None:
        cols = ["cell", *(f.key for f in self.r.factors), "runs"]
        for o in self.r.outcomes:
            extra = VALUE_QUANTILES if o.kind == oc.VALUE else ("se",)
            cols += [f"{o.id}.mean", *(f"{o.id}.{q}" for q in extra)]
        self.csv.writerow(cols)

    def add(self, cell: int, first: int, block: np.ndarray) -> None:
        data, count = self.pending.get(cell, (None, 0))
        if data is None:
            data = np.full((self.r.runs, len(self.r.outcomes)), np.nan)
        data[first:first + len(block)] = block
        self.pending[cell] = (data, count + len(block))
        while self.r.written in self.pending and \
                self.pending[self.r.written][1] == self.r.runs:
            self._write(self.r.written, self.pending.pop(self.r.written)[0])
            self.r.written += 1

    def _write(self, c: int, data: np.ndarray) -> None:
        r = self.r
        row = [c, *(_value_text(v) for v in r.cells[c]), r.runs]
        for k, o in enumerate(r.outcomes):
            s = stats(o, data[:, k])
            r.means[c, k] = s["mean"]
            row += [_num(s["mean"]), *(_num(s[q]) for q in VALUE_QUANTILES)] \
                if o.kind == oc.VALUE else [_num(s["mean"]), _num(s["se"])]
            if o.id in r.summary:
                r.summary[o.id][c] = band(o, s)
        self.csv.writerow(row)
        self.stream.flush()  # a row on disk is a row kept, whatever happens next


def run_sweep(base: Scenario, factors: list[Factor], cells: list[tuple], runs: int,
              stream: IO[str], workers, *, seed: int | None = None, keep: Sequence[str] = (),
              progress: Callable[[int, int], None] | None = None,
              plan: CellPlan | None = None) -> SweepResult:
    """Run every cell ``runs`` times on common seeds with ``workers`` (an executor whose context
    is ``plan``), streaming ``sweep.csv`` rows to ``stream``. Ctrl-C keeps the rows written;
    before the first row it goes on to the caller (nothing to keep)."""
    if runs < 1:
        raise UserError("--runs", f"must be at least 1, found {runs}")
    plan = plan or workers.plans
    base_seed = base.seed if seed is None else seed
    seeds = [seed_for(base_seed, i) for i in range(runs)]
    result = SweepResult(list(factors), list(cells), plan.outcomes, list(keep), runs, base_seed,
                         executor=workers.method)
    writer = CellWriter(result, stream)
    total, done = runs * len(cells), 0
    started = time.perf_counter()
    try:
        for cell, first, block in workers.map(run_block, tasks_for(factors, cells, seeds)):
            writer.add(cell, first, block)
            done += len(block)
            if progress:
                progress(done, total)
    except KeyboardInterrupt:  # a signal or a lost worker
        workers.stop()
        if not result.written:  # nothing to keep: the caller writes nothing and says so
            raise
        result.partial = True
    result.seconds = time.perf_counter() - started
    return result

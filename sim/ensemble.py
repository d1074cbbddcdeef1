"""Ensembles: many seeded runs of a scenario, their fan charts and outcome probabilities, and the
side-by-side comparison of scenarios on the same seeds (common random numbers).

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

Parallelism. ``--jobs J`` runs a multiprocessing pool of J processes (fork where available and
the process has no other threads: the children inherit the loaded modules and start in
milliseconds; else forkserver or spawn); runs are handed out in chunks of at most 4 and each result
is stored at its own index. The same processes then draw the figures in parallel. Children ignore
Ctrl-C; the parent stops them, keeps the finished runs and writes aggregates marked
``"partial": true`` (exit code 130).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import multiprocessing
import signal
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from sim import outcomes as oc
from sim import record as record_mod
from sim import scorecard
from sim.errors import UserError
from sim.model import STATUSES, NegotiationModel
from sim.runs import events_csv, events_of, manifest, staged_output, timeline_csv
from sim.scenario import Scenario

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
                rec or record_mod.load_record(), timelines)


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
    model = NegotiationModel(plan.scenario, seed=seed, run=index).run_to_end()
    cols = model.columns
    if len(cols["date"]) != plan.days:
        raise RuntimeError(f"run {index} has {len(cols['date'])} days, expected {plan.days}")
    values = np.array([cols[q] for q in plan.quantities], dtype=np.float32)
    status = np.array([_STATUS_CODE.get(s, OTHER_STATUS) for s in cols["status"]], dtype=np.uint8)
    obs = scorecard.score_observations(plan.record, cols)
    moves = scorecard.score_moves(plan.record, cols)
    fit = scorecard.summarise(obs, moves).fit
    hits = np.array([_flag(s.hit) for s in obs], dtype=np.int8)
    marks = np.array([[_flag(m.direction_hit), _flag(m.size_hit), _flag(m.timing_hit)]
                      for m in moves], dtype=np.int8).reshape(len(moves), 3)
    result = np.array(oc.outcome_values(model, plan.outcomes, fit), dtype=np.float64)
    if plan.timelines is not None:
        stem = plan.timelines / f"run-{index:05d}"
        stem.with_name(stem.name + ".timeline.csv").write_text(timeline_csv(cols))
        stem.with_name(stem.name + ".events.csv").write_text(events_csv(events_of(model, index)))
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


# -- running --------------------------------------------------------------------------------------
_PLANS: list[Plan] = []


def _init_worker(plans: list[Plan]) -> None:
    global _PLANS
    _PLANS = plans
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C


def _work(task: tuple[int, int, int]) -> tuple[int, RunSummary]:
    which, index, seed = task
    plan = _PLANS[which]
    try:
        return which, simulate(plan, index, seed)
    except Exception as exc:  # the traceback stays in the worker: say how to replay the run
        raise RuntimeError(f"run {index} of {plan.scenario.name} failed ({exc!r}); replay it "
                           f"with: sim run {plan.scenario.file} --seed {seed}") from exc


def default_start_method() -> str:
    """fork (fast: children inherit the loaded modules) unless this process runs threads, for
    which fork is unsafe (e.g. inside the web app): then forkserver, or spawn."""
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return "fork"
    return "forkserver" if "forkserver" in methods else "spawn"


class Workers:
    """The processes that run an ensemble (none for one job), kept for drawing its figures too.

    With the fork start method the children inherit every module the parent has loaded, so the
    parent loads matplotlib first when figures will be drawn.
    """

    def __init__(self, plans: list[Plan], jobs: int, start_method: str | None = None,
                 plots: bool = False):
        self.plans, self.jobs = plans, jobs
        self.method = "none" if jobs == 1 else (start_method or default_start_method())
        self.pool = None
        if plots and self.method == "fork":
            import sim.plots  # noqa: F401  (inherited by the children)

    def __enter__(self) -> Workers:
        if self.jobs > 1:
            ctx = multiprocessing.get_context(self.method)
            self.pool = ctx.Pool(self.jobs, initializer=_init_worker, initargs=(self.plans,))
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def stop(self) -> None:
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()
            self.pool = None

    def results(self, tasks: list[tuple[int, int, int]]):
        """(scenario number, run summary) for every task, in the order they finish."""
        if self.pool is None:
            for which, index, seed in tasks:
                yield which, simulate(self.plans[which], index, seed)
            return
        chunk = max(1, min(4, len(tasks) // (self.jobs * 16)))  # small: short idle tail
        yield from self.pool.imap_unordered(_work, tasks, chunksize=chunk)

    def render(self, figures: list[tuple]) -> None:
        """Draw and save figures ``(function name in sim.plots, args, path)``, in parallel."""
        if self.pool is None:
            for job in figures:
                _render(*job)
            return
        for pending in [self.pool.apply_async(_render, job) for job in figures]:
            pending.get()


def _render(function: str, args: tuple, path: Path) -> None:
    from sim import plots

    plots.save(getattr(plots, function)(*args), path)


def run_ensembles(scenarios: Sequence[Scenario], runs: int, *, seed: int | None = None,
                  jobs: int = 1, progress: Progress | None = None,
                  timelines: Sequence[Path | None] | None = None,
                  start_method: str | None = None, workers: Workers | None = None
                  ) -> list[Ensemble]:
    """``runs`` runs of each scenario on the same seeds, interleaved run by run.

    The base seed is ``seed`` or the first scenario's. ``progress(done, total)`` is called after
    every finished run (total = runs x scenarios). Ctrl-C (KeyboardInterrupt, also when raised by
    ``progress``) stops the work: the ensembles keep the runs already finished and are marked
    partial, and the worker processes are stopped. ``workers`` (from ``start``) keeps the
    processes for drawing figures afterwards; by default they are stopped at the end.
    """
    if workers is None:
        with start(scenarios, runs, jobs=jobs, timelines=timelines,
                   start_method=start_method) as workers:
            return run_ensembles(scenarios, runs, seed=seed, progress=progress,
                                 workers=workers)
    plans = workers.plans
    base = scenarios[0].seed if seed is None else seed
    ensembles = [Ensemble(p, base, runs) for p in plans]
    tasks = [(j, i, int(ensembles[j].seeds[i])) for i in range(runs) for j in range(len(plans))]
    total, count = len(tasks), 0
    started = time.perf_counter()
    try:
        for which, summary in workers.results(tasks):
            ensembles[which].add(summary)
            count += 1
            if progress:
                progress(count, total)
    except KeyboardInterrupt:
        workers.stop()  # unfinished runs are dropped; figures are then drawn here
        for e in ensembles:
            e.partial = True
    seconds = time.perf_counter() - started
    for e in ensembles:
        e.seconds, e.jobs, e.start_method = seconds, workers.jobs, workers.method
    return ensembles


def start(scenarios: Sequence[Scenario], runs: int, *, jobs: int = 1,
          timelines: Sequence[Path | None] | None = None, start_method: str | None = None,
          plots: bool = False) -> Workers:
    """Check the arguments, load the record, and prepare the workers (a context manager)."""
    if runs < 1:
        raise UserError("--runs", f"must be at least 1, found {runs}")
    if jobs < 1:
        raise UserError("--jobs", f"must be at least 1, found {jobs}")
    rec = record_mod.load_record()
    timelines = list(timelines or [None] * len(scenarios))
    plans = [make_plan(s, rec, t) for s, t in zip(scenarios, timelines, strict=True)]
    return Workers(plans, min(jobs, runs * len(scenarios)), start_method, plots)


def run_ensemble(scenario: Scenario, runs: int, **kwargs) -> Ensemble:
    """``runs`` runs of one scenario (keywords as ``run_ensembles``; ``timelines`` one folder)."""
    timelines = kwargs.pop("timelines", None)
    return run_ensembles([scenario], runs, timelines=[timelines], **kwargs)[0]


class ProgressBar:
    """A plain-text progress bar on stderr, redrawn at most ten times a second on a terminal;
    silent elsewhere, except for the final line written by ``finish``."""

    def __init__(self, label: str, stream=None, width: int = 30):
        self.label, self.width = label, width
        self.stream = stream or sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.started = time.perf_counter()
        self.last = 0.0

    def __call__(self, done: int, total: int) -> None:
        if not self.tty:
            return
        now = time.perf_counter()
        if now - self.last < 0.1 and done < total:
            return
        self.last = now
        elapsed = now - self.started
        filled = int(self.width * done / total) if total else self.width
        eta = elapsed / done * (total - done) if done else 0.0
        self.stream.write(f"\r{self.label} [{'#' * filled}{'.' * (self.width - filled)}] "
                          f"{done}/{total} {elapsed:5.1f} s, {eta:5.1f} s left ")
        self.stream.flush()

    def finish(self, done: int, total: int, partial: bool) -> None:
        if self.tty:
            self.stream.write("\r" + " " * (self.width + len(self.label) + 40) + "\r")
        elapsed = time.perf_counter() - self.started
        note = f" - interrupted: partial result from {done} of {total}" if partial else ""
        self.stream.write(f"{self.label}: {done} runs in {elapsed:.1f} s{note}\n")
        self.stream.flush()


# -- files ----------------------------------------------------------------------------------------
def _num(x: float) -> str:
    return "" if x is None or not math.isfinite(x) else f"{x:.6f}"


def _json_num(x: float) -> float | None:
    return None if x is None or not math.isfinite(x) else round(float(x), 6)


def _csv(rows: list[list]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def ensemble_csv(ens: Ensemble) -> str:
    """Per day and quantity: number of runs, mean and the quantiles (long format)."""
    n = ens.finished
    rows: list[list] = [["date", "quantity", "runs", "mean", *QUANTILE_NAMES]]
    per_q = [ens.day_quantiles(q) for q in range(len(ens.plan.quantities))]
    for d, date in enumerate(ens.plan.dates):
        for name, (mean, qs) in zip(ens.plan.quantities, per_q, strict=True):
            rows.append([date.isoformat(), name, n, _num(mean[d]), *(_num(v) for v in qs[:, d])])
    return _csv(rows)


def status_csv(ens: Ensemble) -> str:
    shares = ens.status_shares()
    rows: list[list] = [["date", "runs", *shares]]
    for d, date in enumerate(ens.plan.dates):
        rows.append([date.isoformat(), ens.finished, *(_num(v[d]) for v in shares.values())])
    return _csv(rows)


OUTCOME_FIELDS = ["outcome", "kind", "n", "mean", "se", *QUANTILE_NAMES, "description"]


def outcomes_csv(table: list[dict]) -> str:
    rows: list[list] = [OUTCOME_FIELDS]
    for s in table:
        rows.append([s["id"], s["kind"], s["n"], _num(s["mean"]), _num(s["se"]),
                     *(_num(s[q]) for q in QUANTILE_NAMES), s["description"]])
    return _csv(rows)


def outcomes_json(ens: Ensemble, table: list[dict]) -> str:
    doc = {
        "scenario": ens.scenario.name, "runs": ens.finished, "runs_requested": ens.runs,
        "partial": ens.partial, "base_seed": ens.base_seed,
        "definitions": (oc.__doc__ or "").strip(),
        "outcomes": {s["id"]: {k: (_json_num(v) if isinstance(v, float) else v)
                               for k, v in s.items() if k != "id"} for s in table},
    }
    return json.dumps(doc, indent=2) + "\n"


def runs_csv(ens: Ensemble) -> str:
    """One row per finished run: its number, its seed and its outcomes."""
    ids = [o.id for o in ens.plan.outcomes]
    events = [o.kind == oc.PROBABILITY for o in ens.plan.outcomes]
    rows: list[list] = [["run", "seed", *ids]]
    for i in np.flatnonzero(ens.done):
        rows.append([int(i), int(ens.seeds[i]),
                     *(str(int(v)) if event and math.isfinite(v) else _num(v)
                       for v, event in zip(ens.outcomes[i], events, strict=True))])
    return _csv(rows)


def scorecard_csv(ens: Ensemble) -> str:
    """Each observation's hit rate and each move's mark rates over the finished runs."""
    hits, marks = ens.hit_rates(), ens.mark_rates()
    rows: list[list] = [["record_type", "id", "date", "quantity", "expected", "hit_rate",
                         "direction_rate", "size_rate", "timing_rate", "doc"]]
    for o in ens.plan.record.observations:
        if o.id in hits:
            rows.append(["observation", o.id, o.date_text(), o.quantity, o.expected_text(),
                         _num(hits[o.id]), "", "", "", o.doc])
    for m in ens.plan.record.moves:
        r = marks.get(m.id, {})
        rows.append(["move", m.id, m.window_text(), m.quantity, m.expected_text(), "",
                     *(_num(r.get(k, math.nan)) for k in scorecard.MARKS), m.doc])
    return _csv(rows)


def ensemble_manifest(ens: Ensemble, extra: dict | None = None) -> dict:
    info = {
        "runs_requested": ens.runs, "runs": ens.finished, "partial": ens.partial,
        "jobs": ens.jobs, "start_method": ens.start_method, "base_seed": ens.base_seed,
        "seeds": SEED_RULE, "quantiles": list(QUANTILES),
        "aggregates": "exact per-day quantiles over all finished runs, from float32 values",
        **(extra or {}),
    }
    return manifest(ens.scenario, ens.base_seed, ens.seconds,
                    {"partial": ens.partial, "ensemble": info})


def _series(ens: Ensemble, q: int, label: str, colour: str, ls: str = "-") -> dict:
    _, qs = ens.day_quantiles(q)
    return {"label": label, "colour": colour, "dates": ens.plan.dates, "low": qs[0],
            "q25": qs[1], "median": qs[2], "q75": qs[3], "high": qs[4], "ls": ls}


def _lever_panel(lever, series: list[dict]) -> dict:
    span = lever.max - lever.min
    return {"title": lever.label, "quantity": lever.id, "series": series,
            "ylabel": {"percent": "%", "share": "share", "index": "index"}.get(lever.unit, ""),
            "ylim": (lever.min - 0.05 * span, lever.max + 0.05 * span)}


def _state_panels(scenario: Scenario, series_of: Callable[[str], list[dict]]) -> list[dict]:
    panels = []
    for kind in ("trust", "pressure"):
        for actor, spec in scenario.actors.items():
            text = "trust in the other side" if kind == "trust" else "domestic pressure"
            panels.append({"title": f"{spec.label}: {text}", "quantity": f"{actor}.{kind}",
                           "ylabel": kind, "ylim": (0, 1),
                           "series": series_of(f"{actor}.{kind}")})
    return panels


def figure_jobs(ens: Ensemble, folder: Path) -> list[tuple]:
    """The ensemble's figures as ``(function in sim.plots, args, path)``, for ``Workers.render``:
    levers.png (fan of every lever), trust_pressure.png and status.png."""
    from sim import plots

    s, p = ens.scenario, ens.plan
    obs = list(p.record.observations)
    label = f"{ens.finished} runs"
    panels = [_lever_panel(lv, [_series(ens, p.quantities.index(lv.id), label,
                                        plots.actor_colour(s, lv.actor))]) for lv in s.levers]
    state = _state_panels(s, lambda q: [_series(ens, p.quantities.index(q), label,
                                                plots.actor_colour(s, q.split(".")[0]))])
    return [
        ("fan_figure", (panels, s, obs, f"{s.title}: levers, median and 25-75 / 10-90 % of "
                        f"{label}"), folder / "levers.png"),
        ("fan_figure", (state, s, obs, f"{s.title}: trust and pressure, {label}"),
         folder / "trust_pressure.png"),
        ("status_share_figure", (p.dates, ens.status_shares(), s,
                                 f"{s.title}: talks status across {label}"),
         folder / "status.png"),
    ]


def write_ensemble(ens: Ensemble, folder: Path, plots: bool = True, extra: dict | None = None,
                   workers: Workers | None = None) -> list[str]:
    """Every aggregate file of ``ens`` into ``folder``; returns the names written.

    Figures are drawn by ``workers`` (in parallel) when given, else here."""
    folder.mkdir(parents=True, exist_ok=True)
    table = ens.outcome_stats()
    files = {"ensemble.csv": ensemble_csv(ens), "status.csv": status_csv(ens),
             "outcomes.csv": outcomes_csv(table), "outcomes.json": outcomes_json(ens, table),
             "runs.csv": runs_csv(ens), "scorecard.csv": scorecard_csv(ens),
             "manifest.json": json.dumps(ensemble_manifest(ens, extra), indent=2) + "\n"}
    jobs = figure_jobs(ens, folder) if plots and ens.finished else []
    for name, text in files.items():
        (folder / name).write_text(text)
    (workers or Workers([], 1)).render(jobs)
    return list(files) + [path.name for _, _, path in jobs]


# -- the terminal ---------------------------------------------------------------------------------
def _fmt_value(x: float) -> str:
    return "n/a" if not math.isfinite(x) else f"{x:.3g}"


def summary(ens: Ensemble, table: list[dict] | None = None) -> str:
    """The headline outcomes in a few lines."""
    s = ens.scenario
    table = table or ens.outcome_stats()
    head = (f"{s.title}: {ens.finished} runs (base seed {ens.base_seed}, {ens.jobs} job"
            f"{'s' if ens.jobs > 1 else ''}, {ens.seconds:.1f} s)")
    if ens.partial:
        head += f"  PARTIAL: interrupted after {ens.finished} of {ens.runs} runs"
    lines = [head]
    shown = [t for t in table if not t["id"].startswith(("held.", "final_status."))]
    for t in shown:
        if t["kind"] == oc.PROBABILITY:
            text = f"{t['mean']:.3f} ± {t['se']:.3f}" if t["n"] else "n/a"
            text += f" (n={t['n']})" if t["n"] != ens.finished else ""
        else:
            text = (f"median {_fmt_value(t['p50'])} (10-90 %: {_fmt_value(t['p10'])} to "
                    f"{_fmt_value(t['p90'])}), mean {_fmt_value(t['mean'])}" if t["n"] else "n/a")
            text += f" (n={t['n']})" if t["n"] != ens.finished else ""
        lines.append(f"  {t['description'][:52]:<52} {text}")
    rates = ens.hit_rates()
    if rates:
        half = sum(r >= 0.5 for r in rates.values())
        lines.append(f"  record: {half} of {len(rates)} observations hit in at least half of the "
                     f"runs (mean hit rate {sum(rates.values()) / len(rates):.2f})")
    return "\n".join(lines)


def run_command(scenario: Scenario, args, out: Path, progress: Progress | None = None) -> int:
    """`sim run --runs N`: the ensemble's files and a summary; exit 130 after Ctrl-C.

    ``progress(done, total)`` replaces the progress bar (tests raise KeyboardInterrupt from it).
    """
    runs = args.runs
    bar = None
    if progress is None:
        bar = progress = ProgressBar(f"{scenario.name}")
    with staged_output(out) as folder:
        timelines = folder / "timelines" if args.timelines else None
        if timelines:
            timelines.mkdir()
        with start([scenario], runs, jobs=args.jobs, timelines=[timelines],
                   plots=not args.no_plots) as workers:
            ens, = run_ensembles([scenario], runs, seed=args.seed, progress=progress,
                                 workers=workers)
            if bar:
                bar.finish(ens.finished, runs, ens.partial)
            table = ens.outcome_stats()
            names = write_ensemble(ens, folder, plots=not args.no_plots, workers=workers,
                                   extra={"timelines": bool(args.timelines)})
    print(summary(ens, table))
    print(f"  wrote {out}/: {', '.join(names)}" + (", timelines/" if args.timelines else ""))
    return 130 if ens.partial else 0


# -- comparing scenarios --------------------------------------------------------------------------
def paired_difference(a: np.ndarray, b: np.ndarray) -> dict:
    """B - A over runs with the same seed. Paired (mean and standard error of the per-run
    differences) when both are defined on the same runs; otherwise (conditional outcomes, e.g.
    days to the first agreement) the difference of the two means with an unpaired error."""
    fa, fb = np.isfinite(a), np.isfinite(b)
    both = fa & fb
    out = {"pairs": int(both.sum()), "difference": math.nan, "difference_se": math.nan,
           "method": "paired"}
    if not fa.any() or not fb.any():
        return out
    if np.array_equal(fa, fb):
        d = b[both] - a[both]
        out["difference"] = float(d.mean())
        out["difference_se"] = float(d.std(ddof=1) / math.sqrt(len(d))) if len(d) > 1 \
            else math.nan
    else:
        va, vb = a[fa], b[fb]
        out["method"] = "unpaired"
        out["difference"] = float(vb.mean() - va.mean())
        if len(va) > 1 and len(vb) > 1:
            out["difference_se"] = math.sqrt(va.var(ddof=1) / len(va)
                                             + vb.var(ddof=1) / len(vb))
    return out


def _names(scenarios: Sequence[Scenario]) -> list[str]:
    names: list[str] = []
    for s in scenarios:
        name, k = s.name, 2
        while name in names:
            name, k = f"{s.name}_{k}", k + 1
        names.append(name)
    return names


def compare_table(ensembles: Sequence[Ensemble], names: Sequence[str]) -> list[dict]:
    """One row per outcome and scenario: its mean and, from the second on, B - A (the first)."""
    ref = ensembles[0]
    common = np.logical_and.reduce([e.done for e in ensembles])
    outcomes: dict[str, oc.Outcome] = {}
    for e in ensembles:
        for o in e.plan.outcomes:
            outcomes.setdefault(o.id, o)
    rows = []
    for o in outcomes.values():
        a = ref.outcome_column(o.id)
        for e, name in zip(ensembles, names, strict=True):
            col = e.outcome_column(o.id)
            row = {"outcome": o.id, "kind": o.kind, "description": o.description,
                   "scenario": name, "reference": names[0]}
            if col is None:
                row.update(stats(o, np.array([])))
                row["n"] = 0
            else:
                row.update(stats(o, np.where(common, col, np.nan)))
            if e is not ref:
                if a is None or col is None:
                    diff = {"pairs": 0, "difference": math.nan, "difference_se": math.nan,
                            "method": "n/a"}
                else:
                    diff = paired_difference(np.where(common, a, np.nan),
                                             np.where(common, col, np.nan))
                row.update(diff)
                row["ci95_low"] = diff["difference"] - Z95 * diff["difference_se"]
                row["ci95_high"] = diff["difference"] + Z95 * diff["difference_se"]
            rows.append(row)
    return rows


COMPARE_FIELDS = ["outcome", "scenario", "reference", "kind", "n", "mean", "se", "difference",
                  "difference_se", "ci95_low", "ci95_high", "pairs", "method", "description"]


def compare_csv(rows: list[dict]) -> str:
    out: list[list] = [COMPARE_FIELDS]
    for r in rows:
        ref = r["scenario"] == r["reference"]
        out.append([r["outcome"], r["scenario"], r["reference"], r["kind"], r["n"],
                    _num(r["mean"]), _num(r["se"]),
                    *(["", "", "", "", "", ""] if ref else
                      [_num(r["difference"]), _num(r["difference_se"]), _num(r["ci95_low"]),
                       _num(r["ci95_high"]), r["pairs"], r["method"]]),
                    r["description"]])
    return _csv(out)


def _short(x: float, kind: str) -> str:
    if not math.isfinite(x):
        return "n/a"
    return f"{x:.2f}" if kind == oc.PROBABILITY else f"{x:.3g}"


def _signed(x: float, kind: str) -> str:
    if not math.isfinite(x):
        return "n/a"
    return f"{x:+.2f}" if kind == oc.PROBABILITY else f"{x:+.3g}"


def compare_markdown(rows: list[dict], names: Sequence[str], runs: int, partial: bool) -> str:
    """A Markdown table: each scenario's mean, and B - A with a 95 % interval."""
    head = ["outcome", names[0]]
    for n in names[1:]:
        head += [n, f"{n} − {names[0]} (95 % CI)"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    by_outcome: dict[str, list[dict]] = {}
    for r in rows:
        by_outcome.setdefault(r["outcome"], []).append(r)
    for group in by_outcome.values():
        kind = group[0]["kind"]
        label = group[0]["description"]
        if len(label) > 70:
            label = label[:67] + "..."
        cells = [(label + ("" if kind == oc.PROBABILITY else ", mean")).replace("|", "\\|"),
                 _short(group[0]["mean"], kind)]
        for r in group[1:]:
            diff = _signed(r["difference"], kind)
            ci = (f" [{_signed(r['ci95_low'], kind)}, {_signed(r['ci95_high'], kind)}]"
                  if math.isfinite(r["ci95_low"]) else "")
            mark = {"paired": "", "unpaired": " (unpaired)"}.get(r["method"],
                                                                 " (not in both)")
            cells += [_short(r["mean"], kind), f"{diff}{ci}{mark}"]
        lines.append("| " + " | ".join(cells) + " |")
    note = (f"\n{runs} runs per scenario on the same seeds (common random numbers); B − A is the "
            "mean of the per-run differences, 95 % CI = ± 1.96 standard errors of those "
            "differences (unpaired where an outcome applies to different runs).")
    if partial:
        note += "\n**PARTIAL**: interrupted; only runs finished for every scenario are compared."
    return "\n".join(lines) + "\n" + note + "\n"


def compare_figure_jobs(ensembles: Sequence[Ensemble], names: Sequence[str],
                        folder: Path) -> list[tuple]:
    """levers.png and trust_pressure.png: each scenario's fan side by side in every panel."""
    from sim import plots

    ref = ensembles[0].scenario
    obs = list(ensembles[0].plan.record.observations)
    styles = ["-", "--", "-.", ":"]
    levers: dict[str, object] = {}
    for e in ensembles:
        for lv in e.scenario.levers:
            levers.setdefault(lv.id, lv)

    def series_of(q: str) -> list[dict]:
        out = []
        for k, (e, name) in enumerate(zip(ensembles, names, strict=True)):
            if q in e.plan.quantities and e.finished:
                series = _series(e, e.plan.quantities.index(q), name,
                                 plots.OKABE_ITO[k % len(plots.OKABE_ITO)], styles[k % 4])
                series.update(q25=None, q75=None, edges=True)  # one band each: less clutter
                out.append(series)
        return out

    title = " vs ".join(names)
    panels = [_lever_panel(lv, series_of(lid)) for lid, lv in levers.items()]
    return [("fan_figure", (panels, ref, obs, f"{title}: levers, median and 10-90 % of runs "
                            "(meetings of the first scenario)"), folder / "levers.png"),
            ("fan_figure", (_state_panels(ref, series_of), ref, obs,
                            f"{title}: trust and pressure"), folder / "trust_pressure.png")]


def compare_command(args, progress: Progress | None = None) -> int:
    """`sim compare A B ...`: all scenarios on the same seeds; table, panels; 130 after Ctrl-C."""
    from sim.scenario import load_scenario

    if len(args.scenarios) < 2:
        raise UserError("sim compare", "needs at least two scenario files")
    scenarios = [load_scenario(p) for p in args.scenarios]
    names = _names(scenarios)
    out = args.out or Path("results") / ("compare-" + "-".join(names))
    bar = None
    if progress is None:
        bar = progress = ProgressBar("compare " + " vs ".join(names))
    with start(scenarios, args.runs, jobs=args.jobs, plots=True) as workers, \
            staged_output(out) as folder:
        ensembles = run_ensembles(scenarios, args.runs, seed=args.seed, progress=progress,
                                  workers=workers)
        partial = ensembles[0].partial
        common = int(np.logical_and.reduce([e.done for e in ensembles]).sum())
        if bar:
            bar.finish(sum(e.finished for e in ensembles), args.runs * len(scenarios), partial)
        rows = compare_table(ensembles, names)
        md = compare_markdown(rows, names, common, partial)
        (folder / "compare.csv").write_text(compare_csv(rows))
        (folder / "compare.md").write_text(f"# {' vs '.join(names)}\n\n" + md)
        figures = compare_figure_jobs(ensembles, names, folder) if common else []
        workers.render(figures)
        written = ["compare.csv", "compare.md", *(path.name for _, _, path in figures)]
        for e, name in zip(ensembles, names, strict=True):
            write_ensemble(e, folder / name, plots=False)
        info = {"partial": partial, "scenarios": names, "runs_requested": args.runs,
                "runs_compared": common, "jobs": ensembles[0].jobs,
                "start_method": ensembles[0].start_method, "base_seed": ensembles[0].base_seed,
                "seeds": SEED_RULE + "; the same seeds for every scenario (common random "
                "numbers)", "scenario_sha256": {n: e.scenario.sha256
                                                for n, e in zip(names, ensembles, strict=True)}}
        (folder / "manifest.json").write_text(json.dumps(
            manifest(scenarios[0], ensembles[0].base_seed, ensembles[0].seconds,
                     {"partial": partial, "compare": info}), indent=2) + "\n")
    status = "PARTIAL (interrupted) " if partial else ""
    print(f"{status}comparison of {', '.join(names)} on {common} common seeds "
          f"(base seed {ensembles[0].base_seed})")
    print(md)
    print(f"wrote {out}/: {', '.join(written)}, and one folder of aggregates per scenario")
    return 130 if partial else 0

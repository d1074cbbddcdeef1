"""Executors: where an ensemble's runs happen, one process or a pool of them.

Parallelism. ``--jobs J`` runs a multiprocessing pool of J processes (fork where available and
the process has no other threads: the children inherit the loaded modules and start in
milliseconds; else forkserver or spawn); runs are handed out in chunks of at most 4 and each result
is stored at its own index. The same processes then draw the figures in parallel. Children ignore
Ctrl-C; the parent stops them, keeps the finished runs and writes aggregates marked
``"partial": true`` (exit code 130).
"""

from __future__ import annotations

import importlib
import multiprocessing
import signal
import threading
import time
from collections.abc import Sequence
from pathlib import Path

from sim.engine.spec import Scenario
from sim.errors import UserError
from sim.experiments.ensemble import Ensemble, Plan, Progress, RunSummary, make_plan, simulate
from sim.record.lookup import record_for

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
        if plots and self.method == "fork":  # loaded once here, inherited by the children
            importlib.import_module("sim.views.plots")

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
    """Draw ``function`` ("module:name", a figure maker) with ``args`` and save it to ``path``.

    Named by string so that experiments never import the views: the worker imports them."""
    module, name = function.split(":")
    plots = importlib.import_module("sim.views.plots")
    plots.save(getattr(importlib.import_module(module), name)(*args), path)


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
    """Check the arguments, read each scenario's record, prepare the workers (a context manager)."""
    if runs < 1:
        raise UserError("--runs", f"must be at least 1, found {runs}")
    if jobs < 1:
        raise UserError("--jobs", f"must be at least 1, found {jobs}")
    timelines = list(timelines or [None] * len(scenarios))
    plans = [make_plan(s, record_for(s), t) for s, t in zip(scenarios, timelines, strict=True)]
    return Workers(plans, min(jobs, runs * len(scenarios)), start_method, plots)


def run_ensemble(scenario: Scenario, runs: int, **kwargs) -> Ensemble:
    """``runs`` runs of one scenario (keywords as ``run_ensembles``; ``timelines`` one folder)."""
    timelines = kwargs.pop("timelines", None)
    return run_ensembles([scenario], runs, timelines=[timelines], **kwargs)[0]

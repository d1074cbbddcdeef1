"""Executors: where an ensemble's runs happen, one process or a pool of them.

Parallelism. ``--jobs J`` runs a multiprocessing pool of J processes (fork where available and
the process has no other threads: the children inherit the loaded modules and start in
milliseconds; else forkserver or spawn); runs are handed out in chunks of at most 4 and each result
is stored at its own index. The same processes then draw the figures in parallel. Children ignore
Ctrl-C; the parent stops them, keeps the finished runs and writes aggregates marked
``"partial": true`` (exit code 130).

Executors share one shape (after EMA Workbench's evaluators): a context manager holding a
*context* shipped once to every worker (an ensemble's plans, a sweep's plan), whose ``map(fn,
tasks)`` yields ``fn(context, task)`` for every task in the order they finish; callers store each
result at its own index, so results never depend on arrival order. ``Workers`` here runs local
processes; ``sim.experiments.dask_executor.DaskWorkers`` (imported only for ``--dask``) runs on a
Dask cluster. ``open_workers`` picks one.
"""

from __future__ import annotations

import importlib
import multiprocessing
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence, Sized
from pathlib import Path
from typing import Any

from sim.engine.spec import Scenario
from sim.errors import UserError
from sim.experiments import interrupts
from sim.experiments.ensemble import Ensemble, Plan, Progress, make_plan
from sim.experiments.limits import MAX_RUNS
from sim.experiments.tasks import render_figure, simulate_task
from sim.record.lookup import record_for

# -- running --------------------------------------------------------------------------------------
_CONTEXT: Any = None


def _init_worker(context: Any) -> None:
    global _CONTEXT
    _CONTEXT = context
    # The parent handles Ctrl-C and SIGHUP, which reach the whole process group. SIGTERM keeps
    # its default (the pool stops its workers with it); if one reaches a worker drawing a figure,
    # ``render`` notices and draws the rest in the parent.
    interrupts.ignore_in_worker()


def _call(job: tuple[Callable, Any]) -> Any:
    fn, task = job
    return fn(_CONTEXT, task)


def default_start_method() -> str:
    """fork (fast: children inherit the loaded modules) unless this process runs threads, for
    which fork is unsafe (e.g. inside the web app): then forkserver, or spawn."""
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return "fork"
    return "forkserver" if "forkserver" in methods else "spawn"


class Workers:
    """The local processes that run an ensemble or a sweep (none for one job), kept for drawing
    its figures too. ``plans`` is the context every worker gets once (any picklable object).

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

    def map(self, fn: Callable[[Any, Any], Any], tasks: Iterable) -> Iterator:
        """``fn(context, task)`` for every task, in the order they finish (``fn`` must be a
        module-level function: it is sent to the workers by name). ``tasks`` may be a generator:
        the pool reads it only as fast as its pipe to the workers drains."""
        if self.pool is None:
            for task in tasks:
                yield fn(self.plans, task)
            return
        size = len(tasks) if isinstance(tasks, Sized) else 0
        chunk = max(1, min(4, size // (self.jobs * 16)))  # small: short idle tail
        yield from self.pool.imap_unordered(_call, ((fn, t) for t in tasks), chunksize=chunk)

    def results(self, tasks: list[tuple[int, int, int]]) -> Iterator:
        """(scenario number, run summary) for every task, in the order they finish."""
        return self.map(simulate_task, tasks)

    def render(self, figures: list[tuple]) -> None:
        """Draw and save figures ``(function name in sim.plots, args, path)``, in parallel."""
        if self.pool is None:
            for job in figures:
                render_figure(*job)
            return
        pending = [self.pool.apply_async(render_figure, job) for job in figures]
        for k, result in enumerate(pending):
            while not result.ready():
                result.wait(0.2)
                if interrupts.pending():  # workers may have been signalled too
                    self.stop()
                    for job in figures[k:]:
                        render_figure(*job)
                    return
            result.get()


def run_ensembles(scenarios: Sequence[Scenario], runs: int, *, seed: int | None = None,
                  jobs: int = 1, progress: Progress | None = None,
                  timelines: Sequence[Path | None] | None = None,
                  start_method: str | None = None, workers: Workers | None = None,
                  dask: str | None = None) -> list[Ensemble]:
    """``runs`` runs of each scenario on the same seeds, interleaved run by run.

    The base seed is ``seed`` or the first scenario's. ``progress(done, total)`` is called after
    every finished run (total = runs x scenarios). Ctrl-C (KeyboardInterrupt, also when raised by
    ``progress``) stops the work: the ensembles keep the runs already finished and are marked
    partial, and the worker processes are stopped. ``workers`` (from ``start``) keeps the
    processes for drawing figures afterwards; by default they are stopped at the end.
    """
    if workers is None:
        with start(scenarios, runs, jobs=jobs, timelines=timelines,
                   start_method=start_method, dask=dask) as workers:
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


def open_workers(context: Any, jobs: int = 1, *, dask: str | None = None,
                 start_method: str | None = None, plots: bool = False):
    """Local processes (``Workers``), or a Dask cluster when ``dask`` is ``"local"`` (a
    ``LocalCluster`` of ``jobs`` processes) or a scheduler address (``tcp://HOST:8786``)."""
    if dask:
        from sim.experiments.dask_executor import DaskWorkers  # only with --dask

        return DaskWorkers(context, jobs, dask, plots=plots)
    return Workers(context, jobs, start_method, plots)


def start(scenarios: Sequence[Scenario], runs: int, *, jobs: int = 1,
          timelines: Sequence[Path | None] | None = None, start_method: str | None = None,
          plots: bool = False, dask: str | None = None) -> Workers:
    """Check the arguments, read each scenario's record, prepare the workers (a context manager);
    ``dask``: see ``open_workers``."""
    if not 1 <= runs <= MAX_RUNS:
        raise UserError("--runs", f"must be between 1 and {MAX_RUNS:,}, found {runs:,}")
    if jobs < 1:
        raise UserError("--jobs", f"must be at least 1, found {jobs}")
    timelines = list(timelines or [None] * len(scenarios))
    plans = [make_plan(s, record_for(s), t) for s, t in zip(scenarios, timelines, strict=True)]
    if dask and any(timelines):
        raise UserError("--timelines", "cannot be combined with --dask (workers on other "
                        "machines cannot write into this folder)")
    return open_workers(plans, min(jobs, runs * len(scenarios)), dask=dask,
                        start_method=start_method, plots=plots)


def run_ensemble(scenario: Scenario, runs: int, **kwargs) -> Ensemble:
    """``runs`` runs of one scenario (keywords as ``run_ensembles``; ``timelines`` one folder)."""
    timelines = kwargs.pop("timelines", None)
    return run_ensembles([scenario], runs, timelines=[timelines], **kwargs)[0]

"""Executors: where an ensemble's runs happen, one process or a pool of them.

Parallelism. ``--jobs J`` runs J worker processes (``sim.experiments.pool``: the standard
library's ``ProcessPoolExecutor``, workers that ignore Ctrl-C, SIGTERM and SIGHUP and are stopped
by the parent, so a stop cannot hang); runs are handed out in chunks of at most 4 and each result
is stored at its own index. The same processes then draw the figures in parallel. After a signal
the parent stops the workers, keeps the finished runs and writes aggregates marked
``"partial": true`` (exit code 128 + the signal's number); a signal before any run finished
writes nothing. A worker that dies on its own (``kill -9``, out of memory) stops the ensemble the
same way, with exit code 3 (``interrupts.LOST_WORKER_EXIT``).

Executors share one shape (after EMA Workbench's evaluators): a context manager holding a
*context* shipped once to every worker (an ensemble's plans, a sweep's plan), whose ``map(fn,
tasks)`` yields ``fn(context, task)`` for every task in the order they finish; callers store each
result at its own index, so results never depend on arrival order. ``Workers`` here runs local
processes; ``sim.experiments.dask_executor.DaskWorkers`` (imported only for ``--dask``) runs on a
Dask cluster. ``open_workers`` picks one.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence, Sized
from pathlib import Path
from typing import Any

from sim.engine.spec import Scenario
from sim.errors import UserError
from sim.experiments import interrupts
from sim.experiments.ensemble import Ensemble, Progress, make_plan
from sim.experiments.limits import MAX_RUNS
from sim.experiments.pool import ProcessPool, default_start_method
from sim.experiments.tasks import simulate_task
from sim.record.lookup import record_for

__all__ = ["Workers", "default_start_method", "open_workers", "run_ensembles", "start"]

# matplotlib's modules, loaded once in the forkserver when workers will draw figures
FIGURE_MODULES = ("matplotlib.figure", "matplotlib.backends.backend_agg")
Job = tuple[Callable[..., Any], tuple]  # a figure to draw: a module-level function and its args


# -- running --------------------------------------------------------------------------------------
def draw_all(jobs: Iterable[Job]) -> None:
    for fn, args in jobs:
        fn(*args)


class Workers:
    """The local processes that run an ensemble or a sweep (none for one job), kept for drawing
    its figures too. ``plans`` is the context every worker gets once (any picklable object)."""

    def __init__(self, plans: Any, jobs: int, start_method: str | None = None,
                 plots: bool = False):
        self.plans, self.jobs = plans, jobs
        self.method = "none" if jobs == 1 else (start_method or default_start_method())
        self.preload = FIGURE_MODULES if plots else ()
        self.pool: ProcessPool | None = None

    def __enter__(self) -> Workers:
        if self.jobs > 1:
            pool = ProcessPool(self.plans, self.jobs, self.method, self.preload)
            self.pool = pool.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def stop(self) -> None:
        """Stop the worker processes (at once, bounded: see ``sim.experiments.pool``)."""
        pool, self.pool = self.pool, None
        if pool is not None:
            pool.stop()

    def map(self, fn: Callable[[Any, Any], Any], tasks: Iterable) -> Iterator:
        """``fn(context, task)`` for every task, in the order they finish (``fn`` must be a
        module-level function: it is sent to the workers by reference). ``tasks`` may be a
        generator: only a bounded number of tasks is in flight. A signal held back
        (``interrupts.held``) is raised between results."""
        if self.pool is None:
            for task in tasks:
                interrupts.check()
                yield fn(self.plans, task)
            return
        size = len(tasks) if isinstance(tasks, Sized) else 0
        chunk = max(1, min(4, size // (self.jobs * 16)))  # small: short idle tail
        yield from self.pool.map(fn, tasks, chunk)

    def results(self, tasks: list[tuple[int, int, int]]) -> Iterator:
        """(scenario number, run summary) for every task, in the order they finish."""
        return self.map(simulate_task, tasks)

    def render(self, figures: Sequence[Job]) -> None:
        """Draw and save figures, each ``(function, args)`` with ``function`` a module-level
        callable (sent by reference) that draws and saves one file, in parallel. Signals are not
        looked at (the folder is being completed); figures a lost worker did not draw are drawn
        here."""
        if self.pool is None:
            draw_all(figures)
            return
        futures = [self.pool.submit(fn, *args) for fn, args in figures]
        for k, future in enumerate(futures):
            try:
                self.pool.result(future, check=False)
            except interrupts.WorkerLost:
                self.stop()
                draw_all(figures[k:])
                return


def run_ensembles(scenarios: Sequence[Scenario], runs: int, *, seed: int | None = None,
                  jobs: int = 1, progress: Progress | None = None,
                  timelines: Sequence[Path | None] | None = None,
                  start_method: str | None = None, workers: Workers | None = None,
                  dask: str | None = None) -> list[Ensemble]:
    """``runs`` runs of each scenario on the same seeds, interleaved run by run.

    The base seed is ``seed`` or the first scenario's. ``progress(done, total)`` is called after
    every finished run (total = runs x scenarios). Ctrl-C (KeyboardInterrupt, also when raised by
    ``progress``) or a lost worker stops the work: the ensembles keep the runs already finished
    and are marked partial, and the worker processes are stopped; if a scenario had no finished
    run, the KeyboardInterrupt goes on to the caller (there is nothing to keep). ``workers`` (from
    ``start``) keeps the processes for drawing figures afterwards; by default they are stopped
    at the end.
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
        workers.stop()  # unfinished runs are dropped
        if not min(e.finished for e in ensembles):  # a scenario without runs: nothing to
            raise  # keep (or compare); the caller writes nothing and says so
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

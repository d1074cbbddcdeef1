"""Map a function over tasks in this process or a pool: ``fn(context, task)`` for every task.

The shape of the sweeps executors (``Workers.map``): a context shipped once to every worker, a
module-level function named by reference, results in the order they finish (callers store each at
its own index, so nothing depends on arrival order). Children ignore Ctrl-C; the parent's
KeyboardInterrupt stops the pool and keeps what finished.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator
from typing import Any

from sim.experiments import interrupts
from sim.experiments.executors import default_start_method

_CONTEXT: Any = None


def _init(context: Any) -> None:
    global _CONTEXT
    _CONTEXT = context
    interrupts.ignore_in_worker()  # the parent handles Ctrl-C; SIGTERM ends a worker quietly


def _call(job: tuple[Callable, Any]) -> Any:
    fn, task = job
    return fn(_CONTEXT, task)


def mapper(jobs: int, dask: str | None = None) -> Callable[[Callable, Any, list], Iterator]:
    """A ``map(fn, context, tasks)`` over ``jobs`` processes (1: this process), or over a Dask
    cluster when ``dask`` is given (``"local"`` or a scheduler address, as for the sweeps)."""
    if dask:
        return _dask_mapper(jobs, dask)

    def run(fn: Callable, context: Any, tasks: list) -> Iterator:
        if jobs <= 1:
            for task in tasks:
                yield fn(context, task)
            return
        ctx = multiprocessing.get_context(default_start_method())
        pool = ctx.Pool(jobs, initializer=_init, initargs=(context,))
        try:
            chunk = max(1, min(4, len(tasks) // (jobs * 16)))
            yield from pool.imap_unordered(_call, [(fn, t) for t in tasks], chunksize=chunk)
        finally:
            pool.terminate()
            pool.join()

    return run


def _dask_mapper(jobs: int, address: str) -> Callable[[Callable, Any, list], Iterator]:
    """One Dask client for each ``map`` call (a generation of a calibration, a validation):
    the context is scattered once per call; results come back in any order, as above."""

    def run(fn: Callable, context: Any, tasks: list) -> Iterator:
        from sim.experiments.dask_executor import DaskWorkers  # only with --dask

        with DaskWorkers(context, jobs, address) as workers:
            yield from workers.map(fn, tasks)

    return run

"""Map a function over tasks in this process or a pool: ``fn(context, task)`` for every task.

The shape of the sweeps executors (``Workers.map``): a context shipped once to every worker, a
module-level function named by reference, results in the order they finish (callers store each at
its own index, so nothing depends on arrival order). The pool is ``sim.experiments.pool``'s
(workers that ignore signals, stopped by the parent within a bounded time); the parent's
KeyboardInterrupt stops it and keeps what finished.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from sim.experiments import interrupts
from sim.experiments.pool import ProcessPool


def mapper(jobs: int, dask: str | None = None) -> Callable[[Callable, Any, list], Iterator]:
    """A ``map(fn, context, tasks)`` over ``jobs`` processes (1: this process), or over a Dask
    cluster when ``dask`` is given (``"local"`` or a scheduler address, as for the sweeps)."""
    if dask:
        return _dask_mapper(jobs, dask)

    def run(fn: Callable, context: Any, tasks: list) -> Iterator:
        if jobs <= 1:
            for task in tasks:
                interrupts.check()
                yield fn(context, task)
            return
        with ProcessPool(context, jobs) as pool:
            yield from pool.map(fn, tasks, chunk=max(1, min(4, len(tasks) // (jobs * 16))))

    return run


def _dask_mapper(jobs: int, address: str) -> Callable[[Callable, Any, list], Iterator]:
    """One Dask client for each ``map`` call (a generation of a calibration, a validation):
    the context is scattered once per call; results come back in any order, as above."""

    def run(fn: Callable, context: Any, tasks: list) -> Iterator:
        from sim.experiments.dask_executor import DaskWorkers  # only with --dask

        with DaskWorkers(context, jobs, address) as workers:
            yield from workers.map(fn, tasks)

    return run

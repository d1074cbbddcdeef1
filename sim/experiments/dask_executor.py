"""The Dask executor: ensembles, sweeps and sensitivity analyses on a Dask cluster.

``--dask local`` starts a ``distributed.LocalCluster`` of ``--jobs`` worker processes on this
machine; ``--dask tcp://HOST:8786`` connects to a running scheduler (``dask scheduler`` on one
machine, ``dask worker tcp://HOST:8786`` on each machine that lends its cores; every worker needs
this package installed, at the same version). Imported only when ``--dask`` is given, so plain
runs never load Dask.

Same results as local processes. Each task carries its run index and its seed, and the caller
stores each result at its index, so neither the order in which results arrive nor the number of
workers changes a byte of the output. A worker lost mid-task (killed, out of memory, its machine
gone) is retried by the scheduler on another worker (Dask's ``allowed-failures``, 3 by default);
a task that keeps killing workers (``KilledWorker``), or a cluster left with no workers for
``NO_WORKERS_SECONDS``, stops the work as a lost worker (``interrupts.WorkerLost``: the finished
runs are kept). Nothing is waited on for ever. Tasks are sent in batches (a Dask task costs about a
millisecond of scheduling, a run a few), and only a bounded number of batches is in flight, so
the scheduler's memory stays flat however large the design. Figures are drawn on this machine:
workers elsewhere cannot write into its folders.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from sim.errors import UserError
from sim.experiments import interrupts
from sim.experiments.tasks import simulate_task

BATCH_SECONDS = 0.25  # aim: each Dask task runs about this long (scheduling overhead < 1 %)
IN_FLIGHT_PER_WORKER = 4  # batches queued per worker thread: enough to keep it busy
CONNECT_TIMEOUT = "10s"  # how long to wait for a scheduler at an address
POLL_SECONDS = 0.2  # how often a waiting client looks for a signal held back
NO_WORKERS_SECONDS = 30.0  # a cluster without workers this long is reported, not waited on


def _hold(context: Any) -> Any:
    return context


def _run_batch(fn: Callable[[Any, Any], Any], context: Any, tasks: list) -> list:
    return [fn(context, task) for task in tasks]


class DaskWorkers:
    """A Dask client (and, for ``"local"``, the LocalCluster it started) running tasks with a
    context sent once (as a task the workers share); used like ``executors.Workers``."""

    def __init__(self, plans: Any, jobs: int, address: str, plots: bool = False,
                 processes: bool = True):
        self.plans, self.jobs, self.address = plans, max(1, jobs), address
        self.processes = processes
        self.method = "dask local" if address == "local" else f"dask {address}"
        self.client = self.cluster = self._context = None
        self.batch = 1
        self._since = 0.0  # when the runs' cluster was ready (time.time(), as its events)

    def __enter__(self) -> DaskWorkers:
        try:
            from distributed import Client, LocalCluster
        except ImportError as exc:
            raise UserError("--dask", "needs Dask: pip install -e '.[dask]'") from exc
        self._since = time.time()
        if self.address == "local":
            try:
                # distributed's own logs silenced below CRITICAL, in this process (the
                # scheduler) and in the workers: a lost worker is retried and said in our words;
                # its log lines (tracebacks of heartbeats and connections to a killed worker,
                # timing-dependent) are not for the user
                self.cluster = LocalCluster(n_workers=self.jobs, threads_per_worker=1,
                                            processes=self.processes, dashboard_address=None,
                                            silence_logs=logging.CRITICAL)
            except RuntimeError as exc:  # "Nanny failed to start worker process": killed
                raise interrupts.WorkerLost(f"a Dask worker process ended while the local "
                                            f"cluster started ({exc})") from None
            self.client = Client(self.cluster)
        else:
            try:
                self.client = Client(self.address, timeout=CONNECT_TIMEOUT)
            except (OSError, TimeoutError) as exc:
                raise UserError("--dask", f"no Dask scheduler answers at {self.address} "
                                f"({exc}); start one with `dask scheduler` and workers with "
                                f"`dask worker {self.address}`") from exc
        try:
            self.client.wait_for_workers(1, timeout=30)
        except TimeoutError as exc:
            self.stop()
            raise UserError("--dask", f"the scheduler at {self.address} has no workers; start "
                            f"some with `dask worker {self.address}`") from exc
        self._context = self._send_context()
        return self

    def _send_context(self) -> Any:
        """The runs' context as a task's result, not scattered data: a worker lost while it
        holds it (or while it is sent) is not data lost for good, as the scheduler keeps the
        task and computes it again on another worker (scattered data has no such lineage,
        and a worker killed during a scatter broke the run with a traceback)."""
        return self.client.submit(_hold, self.plans, pure=False)

    def __exit__(self, exc_type, *exc) -> None:
        if exc_type is None and self.client is not None:
            self._say_lost()
        self.stop()

    def _say_lost(self) -> None:
        """One sentence when workers went away during a run that still finished: the
        scheduler ran their tasks again on the others. Read from the scheduler's own events
        (a worker removed without being asked to close), which no timing can miss."""
        try:
            events = self.client.get_events("all")
        except Exception:  # noqa: BLE001 - a note on lost workers never fails finished runs
            return
        lost = len({msg.get("worker") for stamp, msg in events
                    if stamp >= self._since and isinstance(msg, dict)
                    and msg.get("action") == "remove-worker" and not msg.get("expected")})
        if lost:
            which = ("1 Dask worker", "its") if lost == 1 else (f"{lost} Dask workers", "their")
            print(f"{which[0]} ended during the runs (killed or out of memory); the scheduler "
                  f"ran {which[1]} runs again on the others, so every run is there and the same "
                  "as without the loss", file=sys.stderr)

    def stop(self) -> None:
        if self.client is not None:
            self.client.close()
            self.client = None
        if self.cluster is not None:
            self.cluster.close()
            self.cluster = None

    def threads(self) -> int:
        info = self.client.scheduler_info() if self.client else {}
        return max(1, sum(w.get("nthreads", 1) for w in info.get("workers", {}).values()))

    def map(self, fn: Callable[[Any, Any], Any], tasks: Iterable) -> Iterator:
        """``fn(context, task)`` for every task, in the order batches finish."""
        tasks = iter(tasks)
        first = _take(tasks, 1)
        if not first:
            return
        # Measure one task here to size the batches (its result is used, not thrown away).
        started = time.perf_counter()
        yield fn(self.plans, first[0])
        size = max(1, int(BATCH_SECONDS / max(time.perf_counter() - started, 1e-4)))
        window = self.threads() * IN_FLIGHT_PER_WORKER
        pending = iter(lambda: _take(tasks, size), [])  # batches, read from tasks as needed
        running = {self._submit(fn, b) for b in _take(pending, window)}
        try:
            while running:
                done, running = self._wait(running)
                for future in done:
                    for more in _take(pending, 1):
                        running.add(self._submit(fn, more))
                    yield from self._result(future)
        finally:
            for future in running:
                future.cancel()

    def _wait(self, running: set) -> tuple[set, set]:
        """(finished, still running), looking for held-back signals and for workers."""
        from distributed import wait

        alone_since = None
        while True:
            interrupts.check()
            try:
                done, rest = wait(running, timeout=POLL_SECONDS, return_when="FIRST_COMPLETED")
                return set(done), set(rest)
            except TimeoutError:
                pass
            if self.client.scheduler_info().get("workers"):
                alone_since = None
            elif alone_since is None:
                alone_since = time.monotonic()
            elif time.monotonic() - alone_since > NO_WORKERS_SECONDS:
                raise interrupts.WorkerLost(f"the Dask cluster at {self.address} has had no "
                                            f"workers for {NO_WORKERS_SECONDS:.0f} s")

    @staticmethod
    def _result(future) -> list:
        from distributed import KilledWorker

        try:
            return future.result()
        except KilledWorker as exc:
            raise interrupts.WorkerLost(f"Dask workers kept dying while running a task "
                                        f"({exc})") from None

    def _submit(self, fn: Callable, batch: list):
        return self.client.submit(_run_batch, fn, self._context, batch, pure=False)

    def results(self, tasks: list[tuple[int, int, int]]) -> Iterator:
        return self.map(simulate_task, tasks)

    def render(self, figures: list[tuple]) -> None:
        """Figures are drawn here (workers elsewhere cannot write into this machine's folders)."""
        for fn, args in figures:
            fn(*args)


def _take(it: Iterator, n: int) -> list:
    out = []
    for _ in range(n):
        try:
            out.append(next(it))
        except StopIteration:
            break
    return out

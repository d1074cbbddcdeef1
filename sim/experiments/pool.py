"""Local worker processes that cannot hang: the standard library's ``ProcessPoolExecutor``, whose
workers ignore the stop signals and are stopped by their parent.

Why. ``multiprocessing.Pool`` hung for ever (about one SIGTERM in 24) when a worker died holding its
task queue's lock: ``Pool.terminate`` then waits on that lock. Here no signal from outside ends a
worker: Ctrl-C, SIGTERM and SIGHUP sent to the whole process group (a terminal, a job scheduler, a
container stop) are ignored in the workers and handled by the parent alone, which then stops the
workers itself with SIGKILL and a bounded join (what they were running is thrown away; the
executor's own shutdown, which can wait for ever on a worker after another died, is not used).
Workers ignore the signals from birth: a forked worker starts with them blocked (blocked in the
parent while it forks) and ignores them in its initializer; the forkserver loads ``worker_signals``
first, so it and every worker it forks ignore them (the forkserver is ended when this process
exits). The parent never sets them to "ignored" itself: a signal sent to the process group may be
delivered to any of its threads, and would be lost. A worker that dies on its own (``kill -9``, out
of memory) breaks the executor (``BrokenProcessPool``), reported as ``interrupts.WorkerLost``:
callers keep what finished. On Linux a worker also dies with its parent (``PR_SET_PDEATHSIG``), so a
``kill -9`` of `sim` leaves no orphan running.

Start method: fork (children inherit the loaded modules, start in milliseconds) only when this
process runs no other thread, for which fork is unsafe (the interpreter warns "multi-threaded
process, fork()"); else forkserver with `sim`'s modules preloaded, or spawn.
"""

from __future__ import annotations

import atexit
import ctypes
import multiprocessing
import os
import signal
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from sim.experiments import interrupts

POLL_SECONDS = 0.2  # how often a waiting parent looks for a signal held back
IN_FLIGHT_PER_WORKER = 4  # chunks queued per worker: enough to keep it busy
LOST_LOOKS, LOST_LOOK_SECONDS = 10, 0.1  # how long to look for a dead worker's exit code
# loaded once in the forkserver; worker_signals first: it makes the forkserver and its workers
# ignore the stop signals from birth
PRELOAD = ["sim.experiments.worker_signals", "sim.experiments.tasks"]

_CONTEXT: Any = None  # in a worker: the context its pool was started with


def threads_running() -> int:
    """Threads of this process as the kernel counts them (numpy's BLAS threads included)."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        import threading

        return threading.active_count()


def default_start_method() -> str:
    """fork when this process has a single thread, else forkserver (or spawn)."""
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threads_running() == 1:
        return "fork"
    return "forkserver" if "forkserver" in methods else "spawn"


def _die_with_parent() -> None:
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass


def _watch_forkserver() -> None:
    """Once the forkserver runs: make sure it ends when this process does (see below)."""
    from multiprocessing import forkserver

    pid = getattr(forkserver._forkserver, "_forkserver_pid", None)
    if pid is not None and pid not in _WATCHED:
        _WATCHED.add(pid)
        atexit.register(_end_forkserver, pid)


_WATCHED: set[int] = set()


def _end_forkserver(pid: int) -> None:
    """At exit: end the forkserver this process started. It ignores the stop signals and would
    otherwise leave only when it notices this process has gone, after it has finished loading
    ``PRELOAD`` (seconds on a busy machine)."""
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass


def _init(context: Any) -> None:
    global _CONTEXT
    _CONTEXT = context
    interrupts.ignore_in_worker()
    _die_with_parent()


def _unblock_manager(executor: ProcessPoolExecutor) -> None:
    """After the workers were killed: the executor's manager thread notices and ends; if one
    was killed half-way through sending a result, the thread waits for the rest of it, which
    closing this process's end of the result pipe ends (all its writers are then gone)."""
    thread = getattr(executor, "_executor_manager_thread", None)
    if thread is None:
        return
    thread.join(1.0)
    if thread.is_alive():
        executor._result_queue._writer.close()
        thread.join(1.0)
    if thread.is_alive():  # never seen; do not let the interpreter wait for it at exit
        from concurrent.futures import process

        process._threads_wakeups.pop(thread, None)


def _chunk(fn: Callable[[Any, Any], Any], tasks: list) -> list:
    return [fn(_CONTEXT, task) for task in tasks]


def _apply(fn: Callable, args: tuple) -> Any:
    return fn(*args)


class ProcessPool:
    """``jobs`` worker processes, each given ``context`` once; a context manager."""

    def __init__(self, context: Any, jobs: int, method: str | None = None,
                 preload: Sequence[str] = ()):
        self.context, self.jobs = context, jobs
        self.method = method or default_start_method()
        self.preload = [*PRELOAD, *preload]
        self.executor: ProcessPoolExecutor | None = None
        self.processes: list = []

    def __enter__(self) -> ProcessPool:
        ctx = multiprocessing.get_context(self.method)
        if self.method == "forkserver":
            ctx.set_forkserver_preload(self.preload)
        failed = None
        try:
            with interrupts.blocked():  # no signal reaches a worker before it ignores them
                try:
                    self.executor = ProcessPoolExecutor(
                        self.jobs, mp_context=ctx, initializer=_init, initargs=(self.context,))
                    # every worker starts now (submit starts them), signals blocked
                    for _ in range(self.jobs):
                        self.executor.submit(_apply, os.getpid, ())
                    self.processes = list(self.executor._processes.values())
                    if self.method == "forkserver":
                        _watch_forkserver()
                except Exception as exc:  # e.g. the forkserver killed from outside
                    failed = exc
        except BaseException:  # a signal, delivered when the block ended
            self.stop()
            raise
        if failed is not None:
            self.stop()
            interrupts.check()
            if interrupts.received():
                raise interrupts.Interrupted(interrupts.received()) from None
            raise failed
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def stop(self) -> None:
        """Stop the workers: SIGKILL, then a bounded join. Called when every result wanted is
        in (the workers are idle) or after an interruption (what they run would be thrown
        away), so killing loses nothing, and it cannot wait on anything a worker holds: the
        executor's own shutdown is not called, as it takes a lock that its manager thread keeps
        while it waits for the workers after one died (they ignore its SIGTERM). The manager
        thread then sees the workers gone and ends. Returns within about 3 s."""
        executor, self.executor = self.executor, None
        if executor is None:
            return
        processes = list(executor._processes.values()) if executor._processes else []
        processes += [p for p in self.processes if p not in processes]
        for p in processes:
            if p.exitcode is None:
                p.kill()
        for p in processes:
            p.join(1.0)
        _unblock_manager(executor)

    def lost(self) -> str:
        """What ended a worker that died on its own, for the message. The executor's manager
        thread may be reaping the dead worker at this very moment (then our own ``waitpid``
        finds nothing and ``exitcode`` reads None until the manager stores it), so look a few
        times over about a second before saying the cause is unknown."""
        known = list(self.processes)
        if self.executor is not None and self.executor._processes:  # started on demand later
            known += [p for p in self.executor._processes.values() if p not in known]
        for _ in range(LOST_LOOKS):
            for p in known:
                code = p.exitcode
                if code is not None and code < 0:
                    return f"a worker process was killed by {signal.Signals(-code).name}"
                if code:
                    return f"a worker process exited with status {code}"
            time.sleep(LOST_LOOK_SECONDS)
        return "a worker process ended unexpectedly"

    def submit(self, fn: Callable, *args) -> Future:
        return self.executor.submit(_apply, fn, args)

    def map(self, fn: Callable[[Any, Any], Any], tasks: Iterable, chunk: int = 1) -> Iterator:
        """``fn(context, task)`` for every task, in the order chunks finish. Only a bounded
        number of chunks is in flight, so ``tasks`` may be a long generator."""
        tasks = iter(tasks)
        window = self.jobs * IN_FLIGHT_PER_WORKER
        pending: set[Future] = set()
        exhausted = False
        while True:
            while not exhausted and len(pending) < window:
                part = [t for _, t in zip(range(chunk), tasks, strict=False)]
                if not part:
                    exhausted = True
                    break
                pending.add(self.executor.submit(_chunk, fn, part))
            if not pending:
                return
            done, pending = wait(pending, POLL_SECONDS, FIRST_COMPLETED)
            for future in done:
                yield from self.result(future)
            interrupts.check()

    def result(self, future: Future, check: bool = True) -> Any:
        """A future's result; a lost worker raises ``interrupts.WorkerLost``. ``check``: raise a
        signal held back while waiting (``interrupts.check``)."""
        while True:
            try:
                return future.result(POLL_SECONDS)
            except TimeoutError:
                if check:
                    interrupts.check()
            except BrokenProcessPool:
                if interrupts.received():  # a signal that arrived with the breakage wins
                    raise interrupts.Interrupted(interrupts.received()) from None
                raise interrupts.WorkerLost(self.lost()) from None

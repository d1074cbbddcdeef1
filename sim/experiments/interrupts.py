"""Interruptions: Ctrl-C (SIGINT), SIGTERM (`kill`, `timeout`) and SIGHUP (a closed terminal) all
stop a command the same way, so that it keeps what finished.

``installed()`` (used by the `sim` command) turns each of the three signals into an ``Interrupted``
exception, a ``KeyboardInterrupt``, which the ensemble loop already catches to keep the finished
runs. While ``polled()`` a signal is only noted, and a loop waiting for runs asks ``check()``
between results (and at least every 0.2 s), which raises it there: a run is never half-stored and
no moment falls between two answers. While files are being written (``held()``) a signal is only
noted: the folder is completed first, a second signal changes nothing, and the command then ends
with the signal's exit code (128 + its number).

A worker process that dies on its own (``kill -9``, out of memory, a lost Dask node) is
``WorkerLost``, handled like an interruption (the finished runs are kept) but ending with its own
exit code, ``LOST_WORKER_EXIT`` (3).
"""

from __future__ import annotations

import contextlib
import signal
import sys
from collections.abc import Iterator

SIGNALS = tuple(s for s in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGHUP", None))
                if s is not None)


LOST_WORKER_EXIT = 3  # exit status when a worker process died on its own


class Interrupted(KeyboardInterrupt):
    """A stop asked for by a signal; ``signum`` says which."""

    def __init__(self, signum: int = signal.SIGINT):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


class WorkerLost(Interrupted):
    """A worker process died on its own; ``cause`` says how ("a worker process was killed by
    SIGKILL"). An ``Interrupted`` so that every loop keeps its finished work the same way."""

    def __init__(self, cause: str):
        KeyboardInterrupt.__init__(self, cause)
        self.signum, self.cause = 0, cause
        global _lost
        _lost = _lost or cause


_held = 0  # depth of nested held() and polled() blocks
_writing = 0  # depth of nested held() blocks (files being written: check() raises nothing)
_pending: int | None = None  # a signal that arrived while held, not yet acted on
_received: int | None = None  # the first signal received, for the exit code
_lost: str | None = None  # how a worker process was lost, if one was
_previous_hook = sys.unraisablehook


def _handler(signum: int, frame) -> None:
    global _pending, _received
    _received = _received or signum
    if _held:
        _pending = _pending or signum
        return
    raise Interrupted(signum)


@contextlib.contextmanager
def installed() -> Iterator[None]:
    """Route SIGINT, SIGTERM and SIGHUP through ``_handler`` while the block runs (main thread
    only; elsewhere, e.g. in the web page's threads, signals are left as they are)."""
    global _pending, _received, _lost
    _pending = _received = _lost = None
    try:
        old = {s: signal.signal(s, _handler) for s in SIGNALS}
    except ValueError:  # not the main thread
        old = {}
    global _previous_hook
    _previous_hook = hook = sys.unraisablehook
    if old:
        sys.unraisablehook = _unraisable
    try:
        yield
    finally:
        for s, handler in old.items():
            signal.signal(s, handler)
        sys.unraisablehook = hook


def _unraisable(info) -> None:
    """A signal's exception raised where Python cannot pass it on (a weak reference's callback,
    a ``__del__``, which happen at any moment) would be printed and lost: keep it as a signal
    held back instead, raised by the next ``check()`` (between results), said at the end."""
    global _pending
    if isinstance(info.exc_value, Interrupted):
        _pending = _pending or info.exc_value.signum
        return
    _previous_hook(info)


def ignore_in_worker() -> None:
    """In a worker process: ignore all three signals (the parent decides, and stops it), then
    let them through again (they were blocked while the worker started)."""
    for s in SIGNALS:
        signal.signal(s, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, SIGNALS)


@contextlib.contextmanager
def blocked() -> Iterator[None]:
    """Block the three signals in this thread while the block runs (processes started meanwhile
    inherit the mask); one that arrives is delivered when the block ends."""
    old = signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def check() -> None:
    """Raise the signal held back since the last check, if any (loops waiting for runs call
    this between results; nothing calls it while files are written)."""
    global _pending
    if _pending and not _writing:
        signum, _pending = _pending, None
        raise Interrupted(signum)


@contextlib.contextmanager
def held() -> Iterator[None]:
    """Hold signals back while the block runs (writing a folder must not stop half-way):
    ``check()`` does not raise them either."""
    global _held, _writing
    _held += 1
    _writing += 1
    try:
        yield
    finally:
        _held -= 1
        _writing -= 1


@contextlib.contextmanager
def polled() -> Iterator[None]:
    """Hold signals back while the block runs, except where ``check()`` raises them: between
    the results of a loop waiting for runs (never half-way through storing one)."""
    global _held
    _held += 1
    try:
        yield
    finally:
        _held -= 1


def pending() -> int | None:
    """A signal that arrived while held back (the files were completed), or None."""
    return _pending


def received() -> int | None:
    """The first signal received since ``installed()``, or None."""
    return _received


def exit_code(signum: int) -> int:
    return 128 + int(signum)


def lost() -> str | None:
    """How a worker process was lost since ``installed()``, or None."""
    return _lost


def stop_status() -> tuple[str, int]:
    """Why the work stopped, as the start of a sentence, and the exit status to end with:
    a signal ("stopped by SIGTERM", 143) or a lost worker (its cause, ``LOST_WORKER_EXIT``)."""
    if _lost and not _received:
        return f"stopped because {_lost}", LOST_WORKER_EXIT
    signum = _received or signal.SIGINT
    return f"stopped by {name(signum)}", exit_code(signum)


def name(signum: int) -> str:
    return signal.Signals(signum).name

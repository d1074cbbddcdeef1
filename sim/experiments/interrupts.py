"""Interruptions: Ctrl-C (SIGINT), SIGTERM (`kill`, `timeout`) and SIGHUP (a closed terminal) all
stop a command the same way, so that it keeps what finished.

``installed()`` (used by the `sim` command) turns each of the three signals into an ``Interrupted``
exception, a ``KeyboardInterrupt``, which the ensemble loop already catches to keep the finished
runs. While files are being written (``held()``) a signal is only noted: the folder is completed
first, and the command then ends with the signal's exit code (128 + its number).
"""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator

SIGNALS = tuple(s for s in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGHUP", None))
                if s is not None)


class Interrupted(KeyboardInterrupt):
    """A stop asked for by a signal; ``signum`` says which."""

    def __init__(self, signum: int = signal.SIGINT):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


_held = 0  # depth of nested held() blocks
_pending: int | None = None  # a signal that arrived while held, not yet acted on
_received: int | None = None  # the first signal received, for the exit code


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
    global _pending, _received
    _pending = _received = None
    try:
        old = {s: signal.signal(s, _handler) for s in SIGNALS}
    except ValueError:  # not the main thread
        old = {}
    try:
        yield
    finally:
        for s, handler in old.items():
            signal.signal(s, handler)


def ignore_in_worker() -> None:
    """In a worker process: ignore Ctrl-C and SIGHUP (the parent decides); SIGTERM stops it."""
    for s in SIGNALS:
        signal.signal(s, signal.SIG_DFL if s == signal.SIGTERM else signal.SIG_IGN)


@contextlib.contextmanager
def held() -> Iterator[None]:
    """Hold signals back while the block runs (writing a folder must not stop half-way)."""
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


def name(signum: int) -> str:
    return signal.Signals(signum).name

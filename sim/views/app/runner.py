"""One browser session's run: its model, a worker thread that steps it, and the student's turn.

Each session owns one ``Runner``; nothing in it is shared with other sessions. Steps run on the
runner's own worker thread, never on the thread that handles the page's events, because a
student's side (``WebController``) blocks inside ``model.step()`` until the student answers, and
the page must stay responsive meanwhile. The worker exits after a minute idle and whenever the
session closes (``close``), so closed sessions leave no thread behind (issue 18).
"""

from __future__ import annotations

import itertools
import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from sim.engine.control import HOLD, IMPLEMENT, MEASURE, Choice, TalksTurn

LOG = logging.getLogger("sim.app")
IDLE_EXIT_S = 60.0
PLAY_DAYS_PER_S = 8.0  # Play's pace: about two months in eight seconds


class Closed(Exception):  # noqa: N818  (a state, not a failure)
    """Raised inside the worker when the session closed while the model waited for a student."""


@dataclass
class Question:
    """What the student is asked now: ``kind`` "propose" or "answer" (talks) or "daily"."""

    kind: str
    turn: TalksTurn | None = None
    day: int = 0
    actor: str = ""  # the side asked (two students share one run)
    seq: int = 0  # numbered by the runner: the page keys each turn by it (an id() is reused)


class WebController:
    """A side played from the page: asks the student through the runner and waits for the answer.

    Between meetings it asks once a week, and on the day after anything happened to this side
    (an agreement, a measure by the other side); on other days it repeats the standing choice.
    """

    def __init__(self, runner: Runner, actor: str):
        self.runner, self.actor = runner, actor
        self.standing = Choice(IMPLEMENT)
        self.seen = 0
        self.counter: dict[str, float] | None = None  # a counter-offer made while answering

    def propose(self, turn: TalksTurn) -> dict[str, float] | None:
        if self.counter is not None:
            package, self.counter = self.counter, None
            return package
        return self.runner.ask(Question("propose", turn, actor=self.actor))

    def accepts(self, turn: TalksTurn) -> bool | None:
        answer = self.runner.ask(Question("answer", turn, actor=self.actor))
        if isinstance(answer, dict):  # "Propose" while answering: reject, offer this next
            self.counter = answer
            return False
        return answer

    def daily(self, model, actor: str) -> Choice:
        news = [e for e in model.entries[self.seen:] if e.kind in ("agreement", "measure", "lapse")
                and e.actor != actor]
        self.seen = len(model.entries)
        if model.day % 7 == 1 or news:
            answer = self.runner.ask(Question("daily", day=model.day, actor=actor))
            if isinstance(answer, Choice):
                self.standing = answer if answer.action != MEASURE else Choice(HOLD)
                return answer
        return self.standing


class Runner:
    """The session's model and the thread that advances it; ``on_change`` redraws the page."""

    def __init__(self, make_model: Callable[[Runner], object], on_change: Callable[[], None]):
        self.make_model, self.on_change = make_model, on_change
        self.model = make_model(self)
        self.playing = False
        self.error: str | None = None
        self.question: Question | None = None
        self._answers: queue.Queue = queue.Queue()
        self._jobs: queue.Queue = queue.Queue()
        self._worker: threading.Thread | None = None
        self._closed = False
        self._lock = threading.Lock()
        self.working = False  # the worker is running a job
        self._asked = itertools.count(1)

    # --- asked from the page ------------------------------------------------------------------
    def step(self, days: int = 1) -> None:
        self.working = True  # the buttons grey out at once, before the worker picks it up
        self._submit(("step", days))
        self.on_change()

    def play(self) -> None:
        self.playing = True
        self._submit(("play", 0))
        self.on_change()

    def pause(self) -> None:
        self.playing = False
        self.on_change()

    def reset(self, make_model: Callable[[Runner], object] | None = None) -> None:
        """A fresh model (from ``make_model`` if given); a pending question is abandoned."""
        self.playing = False
        self._abandon()
        self._submit(("reset", make_model))

    def answer(self, value: object) -> None:
        """The student's answer to the pending question."""
        self.question = None
        self._answers.put(value)
        self.on_change()

    def close(self) -> None:
        """The session closed: stop playing, release a waiting model, end the worker."""
        self._closed = True
        self.playing = False
        self._answers.put(Closed)
        self._jobs.put(None)

    @property
    def busy(self) -> bool:
        return self.working or not self._jobs.empty() or self.question is not None

    # --- called from the model, on the worker -------------------------------------------------
    def ask(self, question: Question) -> object:
        if self._closed:
            raise Closed
        question.seq = next(self._asked)
        self.question = question  # Play waits here too, and carries on after the answer
        self.on_change()
        answer = self._answers.get()
        if answer is Closed:
            raise Closed
        return answer

    # --- the worker ---------------------------------------------------------------------------
    def _abandon(self) -> None:
        if self.question is not None:
            self.question = None
            self._answers.put(Closed)

    def _submit(self, job: tuple) -> None:
        if self._closed:
            return
        self._jobs.put(job)
        with self._lock:
            if self._worker is None or not self._worker.is_alive():
                self._worker = threading.Thread(target=self._work, daemon=True,
                                                name="sim-session-worker")
                self._worker.start()

    def _work(self) -> None:
        while not self._closed:
            try:
                job = self._jobs.get(timeout=IDLE_EXIT_S)
            except queue.Empty:
                return
            if job is None:
                return
            try:
                self._do(*job)
            except Closed:
                if self._closed:
                    return
                self._answers = queue.Queue()  # a reset abandoned the question
            except Exception as exc:  # isolate: this session shows it, the server carries on
                self.playing = False
                self.error = f"{type(exc).__name__}: {exc}"
                LOG.exception("session %s: the model failed", getattr(self, "session", "?"))
            self.working = not self._jobs.empty()
            self.on_change()

    def _do(self, kind: str, arg) -> None:
        if kind == "reset":
            self._answers = queue.Queue()
            self.error = None
            if arg is not None:
                self.make_model = arg
            self.model = self.make_model(self)
        elif kind == "step":
            for _ in range(arg):
                if self.model.running:
                    self.model.step()
        elif kind == "play":
            while self.playing and self.model.running and not self._closed:
                t0 = time.monotonic()
                self.model.step()
                self.on_change()
                time.sleep(max(0.0, 1.0 / PLAY_DAYS_PER_S - (time.monotonic() - t0)))
            self.playing = False

"""One browser session's run: its model, the student's turn, and Play's pace.

Each session owns one ``Runner``; nothing in it is shared with other sessions. A student's side
is one more policy that answers when asked (``WebController``): when the model asks and the
student has not answered yet, it raises ``Pending`` and the step stops there; the page shows the
question. The answer is kept, and the run is made again from its start, every earlier answer
given in order, up to where it was going: a seed fixes everything else, so the replay is the run
the student is playing, now with the answer known (a replay of a scenario's few hundred days
takes milliseconds). So no thread waits for a student: steps run on the thread that handles the
click, and Play advances one day per short timer, which ends with the session (``close``).
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from sim.engine.control import HOLD, IMPLEMENT, MEASURE, Choice, TalksTurn

LOG = logging.getLogger("sim.app")
PLAY_DAYS_PER_S = 8.0  # Play's pace: about two months in eight seconds


@dataclass
class Question:
    """What the student is asked now: ``kind`` "propose" or "answer" (talks) or "daily"."""

    kind: str
    turn: TalksTurn | None = None
    day: int = 0
    actor: str = ""  # the side asked (two students share one run)
    seq: int = 0  # numbered by the runner: the page keys each turn by it (an id() is reused)


class Pending(Exception):  # noqa: N818  (a state, not a failure)
    """Raised inside ``model.step()`` when a student's answer is not known yet."""

    def __init__(self, question: Question):
        super().__init__(question.kind)
        self.question = question


class WebController:
    """A side played from the page: answers from the student's answers so far, or asks.

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
    """The session's model, the student's answers so far, and Play; ``on_change`` redraws."""

    def __init__(self, make_model: Callable[[Runner], object], on_change: Callable[[], None]):
        self.make_model, self.on_change = make_model, on_change
        self.answers: list[object] = []  # every answer the students gave, in the order asked
        # (actor, day, words) of each answer, for the page: kept here, not on the model, as
        # every answer makes the model again
        self.decisions: list[tuple[str, int, str]] = []
        self._given = 0  # answers handed to the model being run
        self._asked = itertools.count(1)
        self._lock = threading.RLock()  # a click and Play's timer never step at once
        self._timer: threading.Timer | None = None
        self._closed = False
        self.playing = False
        self.error: str | None = None
        self.question: Question | None = None
        self.working = False  # kept for the page: steps finish before a click returns
        self.target = 0  # the day the run is going to
        self.model = make_model(self)

    # --- asked from the page ------------------------------------------------------------------
    def step(self, days: int = 1) -> None:
        with self._lock:
            self.target = self.model.day + days
            self._advance()
        self.on_change()

    def play(self) -> None:
        self.playing = True
        self.on_change()
        self._tick()

    def pause(self) -> None:
        self.playing = False
        self._cancel()
        self.on_change()

    def reset(self, make_model: Callable[[Runner], object] | None = None) -> None:
        """A fresh model (from ``make_model`` if given); answers and a pending question go."""
        self.playing = False
        self._cancel()
        with self._lock:
            if make_model is not None:
                self.make_model = make_model
            self.answers, self.question, self.error, self.target = [], None, None, 0
            self.decisions = []
            self._given = 0
            self.model = self.make_model(self)
        self.on_change()

    def answer(self, value: object, words: str = "") -> None:
        """The student's answer to the pending question: the run is made again with it.
        ``words``: what the student decided, kept with the side and day in ``decisions``."""
        with self._lock:
            if self.question is None:
                return
            if words:
                self.decisions.append((self.question.actor, self.model.day, words))
            self.question = None
            self.answers.append(value)
            self._given = 0
            self.model = self.make_model(self)
            self._advance()
        self.on_change()
        if self.playing:
            self._schedule()

    def close(self) -> None:
        """The session closed: stop playing."""
        self._closed = True
        self.playing = False
        self._cancel()

    @property
    def busy(self) -> bool:
        return self.question is not None

    # --- called from the model ----------------------------------------------------------------
    def ask(self, question: Question) -> object:
        """The student's answer, if given already (a replay); else the step stops here."""
        if self._given < len(self.answers):
            self._given += 1
            return self.answers[self._given - 1]
        question.seq = next(self._asked)
        raise Pending(question)

    # --- running ------------------------------------------------------------------------------
    def _advance(self) -> None:
        """Step until the target day, a question, the end, or an error."""
        try:
            while self.model.running and self.model.day < self.target:
                self.model.step()
        except Pending as pending:
            self.question = pending.question
        except Exception as exc:  # isolate: this session shows it, the server carries on
            self.playing = False
            self.error = f"{type(exc).__name__}: {exc}"
            LOG.exception("session %s: the model failed", getattr(self, "session", "?"))

    def _tick(self) -> None:
        if not self.playing or self._closed:
            return
        with self._lock:
            if self.question is None and self.model.running:
                self.target = self.model.day + 1
                self._advance()
            if not self.model.running:
                self.playing = False
        self.on_change()
        if self.question is None:
            self._schedule()

    def _schedule(self) -> None:
        if self.playing and not self._closed:
            self._timer = threading.Timer(1.0 / PLAY_DAYS_PER_S, self._tick)
            self._timer.daemon = True
            self._timer.start()

    def _cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

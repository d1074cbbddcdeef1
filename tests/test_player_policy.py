"""A human player is one more policy that answers when asked: the page's runner holds no thread
that waits for a student. A question stops the step; the answer replays the run from its start
with every answer so far, which a seed makes the same run."""

from __future__ import annotations

import threading

from sim.engine.control import HOLD, Choice
from sim.engine.model import NegotiationModel
from sim.views.app.runner import Runner, WebController


def _runner(baseline, side: str = "us") -> Runner:
    def make(runner: Runner) -> NegotiationModel:
        return NegotiationModel(baseline, seed=3, controllers={side: WebController(runner, side)})
    return Runner(make, lambda: None)


def _answer_everything(runner: Runner, days: int) -> None:
    """Step ``days`` days, answering each question the way a cautious student would."""
    runner.step(days)
    while runner.question is not None:
        q = runner.question
        if q.kind == "daily":
            runner.answer(Choice(HOLD))
        elif q.kind == "answer":
            runner.answer(True)
        else:
            runner.answer(dict(q.turn.suggestion))


def test_a_question_stops_the_step_and_no_thread_waits_for_the_answer(baseline):
    before = threading.active_count()
    runner = _runner(baseline)
    runner.step(3)
    assert runner.question is not None and runner.question.kind == "daily"
    assert runner.busy and runner.model.day < 3
    assert threading.active_count() == before  # the step returned; nothing is left waiting


def test_an_answer_replays_the_run_and_carries_on_to_where_it_was_going(baseline):
    runner = _runner(baseline)
    _answer_everything(runner, 30)
    assert runner.model.day == 30 and runner.question is None
    answers = list(runner.answers)
    assert answers and all(a is not None for a in answers)
    # the same answers, given to a fresh run, make the same run (the seed fixes the rest)
    again = _runner(baseline)
    again.answers = answers
    again.step(30)
    assert again.question is None and again.model.columns == runner.model.columns
    assert [e.why for e in again.model.entries] == [e.why for e in runner.model.entries]


def test_reset_forgets_the_answers(baseline):
    runner = _runner(baseline)
    _answer_everything(runner, 10)
    runner.reset()
    assert runner.answers == [] and runner.model.day == 0 and runner.question is None

"""The student's side of the page: their turn at the talks, their weekly choice, the end screen.

A question stops the step until the student answers (``app.runner.WebController``); these panels
show the question and send the answer back. At the talks: the other side's offer, Accept / Walk
away, or sliders (each showing the value it sets) and Propose. Between meetings: implement what was
agreed, hold back, or take a measure. At the end: the student's outcome against the record and
against the model-vs-model ensemble (``sim.experiments.play``).
"""

from __future__ import annotations

import html
import threading
from functools import lru_cache

import solara

from sim.engine.control import HOLD, IMPLEMENT, MEASURE, Choice
from sim.experiments.play import compare, ensemble
from sim.views.app.model import _mtime, load, observations
from sim.views.app.runner import Runner
from sim.views.app.state import side, tick
from sim.views.plots import actor_colour

_ENSEMBLE_LOCK = threading.Lock()
PAGE_RUNS = 100


@lru_cache(maxsize=8)
def _ensemble(path: str, mtime: float, runs: int) -> dict:
    return ensemble(load(path), runs)


def page_ensemble(path: str, runs: int = PAGE_RUNS) -> dict:
    """Model-vs-model outcomes of the scenario file, once per file (shared, read-only)."""
    with _ENSEMBLE_LOCK:
        return _ensemble(path, _mtime(path), runs)


def package_rows(model, package: dict[str, float], now: dict[str, float], agenda) -> str:
    rows = []
    for lever_id, h in package.items():
        if lever_id not in agenda:
            continue
        lever = model.levers[lever_id].spec
        colour = actor_colour(model.spec, lever.actor)
        moved = abs(h - now[lever_id]) > 0.005
        rows.append(f"<tr><td style='color:{colour};font-weight:600'>{html.escape(lever.label)}"
                    f"</td><td>{lever.describe(lever.value_at(now[lever_id]))}"
                    f"{' &rarr; <b>' + lever.describe(lever.value_at(h)) + '</b>' if moved else ''}"
                    "</td></tr>")
    return "<table>" + "".join(rows) + "</table>"


@solara.component
def TalksTurn(runner: Runner, question):
    turn = question.turn
    model = runner.model
    me = model.spec.actors[turn.actor].label
    other = model.spec.actors[model.spec.other(turn.actor)].label
    package, set_package = solara.use_state(dict(turn.suggestion))
    with solara.Div(classes=["sim-turn", "sim-talks-turn", f"sim-q-{question.seq}"]):
        solara.HTML(tag="h3", unsafe_innerHTML=html.escape(
            f"{turn.meeting}, round {turn.round} of {turn.rounds}: your move ({me})"))
        if turn.offer is not None:
            solara.HTML(tag="div", classes=["sim-offer"], unsafe_innerHTML=(
                f"<b>{html.escape(other)} offers:</b>" + package_rows(model, turn.offer, turn.now,
                                                                      turn.agenda)))
            with solara.Row():
                solara.Button("Accept", on_click=lambda: runner.answer(True), color="success",
                              classes=["sim-btn"])
                solara.Button("Walk away", on_click=lambda: runner.answer(None),
                              classes=["sim-btn"])
            solara.HTML(tag="div", classes=["sim-hint"],
                        unsafe_innerHTML="Or make a counter-offer:")
        for lever_id in turn.agenda:
            lever = model.levers[lever_id].spec
            h = package.get(lever_id, turn.now[lever_id])
            solara.SliderFloat(
                label=f"{lever.label}: {lever.describe(lever.value_at(h))}", value=h,
                min=0.0, max=max(0.01, round(turn.now[lever_id], 2)), step=0.01,
                thumb_label=False,
                on_value=lambda v, k=lever_id: set_package({**package, k: v}))
        with solara.Row():
            solara.Button("Propose", color="primary", classes=["sim-btn"],
                          on_click=lambda: runner.answer(dict(package)))
            if turn.offer is None:
                solara.Button("Walk away", on_click=lambda: runner.answer(None),
                              classes=["sim-btn"])


@solara.component
def DailyTurn(runner: Runner, question):
    model = runner.model
    actor = side.value
    n = model.negotiators[actor]
    own = [(lv.id, lv.label) for lv in model.spec.levers if lv.actor == actor]
    lever, set_lever = solara.use_state(own[0][1] if own else "")
    with solara.Div(classes=["sim-turn", "sim-daily-turn", f"sim-q-{question.seq}"]):
        solara.HTML(tag="h3", unsafe_innerHTML=html.escape(
            f"{model.date:%d %B}: what does {n.label} do this week?"))
        solara.HTML(tag="div", classes=["sim-hint"], unsafe_innerHTML=(
            f"Your trust in {html.escape(n.other.label)} {n.trust:.2f}, pressure at home "
            f"{n.pressure:.2f}; theirs {n.other.trust:.2f} and {n.other.pressure:.2f}. "
            + ("An agreement is in force." if model.agreement else "No agreement in force.")))
        with solara.Row(style="flex-wrap: wrap"):
            if model.agreement:
                solara.Button("Implement", color="primary", classes=["sim-btn"],
                              on_click=lambda: runner.answer(Choice(IMPLEMENT)))
            solara.Button("Hold back", classes=["sim-btn"],
                          on_click=lambda: runner.answer(Choice(HOLD)))
        if own:
            ids = dict((label, lid) for lid, label in own)
            solara.Select(label="A new measure on", values=[label for _, label in own],
                          value=lever, on_value=set_lever)
            solara.Button("Take a measure", classes=["sim-btn"],
                          on_click=lambda: runner.answer(Choice(MEASURE, ids.get(lever))))


@solara.component
def PlayPanel(runner: Runner):
    tick.get()
    question = runner.question
    if question is None or not side.value:
        return
    if question.actor and question.actor != side.value:  # two students: the other one's turn
        other = runner.model.spec.actors[question.actor].label
        solara.HTML(tag="div", classes=["sim-turn", "sim-waiting"],
                    unsafe_innerHTML=f"Waiting for {html.escape(other)} to decide ...")
        return
    if question.kind == "daily":
        DailyTurn(runner, question).key(f"turn-{question.seq}")  # a fresh turn, fresh sliders
    else:
        TalksTurn(runner, question).key(f"turn-{question.seq}")


@solara.component
def EndPanel(runner: Runner):
    """At the end of a played game: the student's outcomes, the record, the model runs."""
    tick.get()
    model = runner.model
    if not side.value or model.running:
        return
    rows = compare(model, page_ensemble(model.scenario_file), observations())
    body = "".join(
        f"<tr><td>{html.escape(r.label)}</td><td><b>{html.escape(r.yours)}</b></td>"
        f"<td>{r.percentile:.0f} %</td><td>{html.escape(r.model_median)}</td>"
        f"<td>{html.escape(r.record) or '-'}</td></tr>" for r in rows)
    solara.HTML(tag="div", classes=["sim-end", "sim-turn"], unsafe_innerHTML=(
        "<h3>The end: your game against the record and 100 model runs</h3><table><tr><th></th>"
        "<th>yours</th><th>model runs below yours</th><th>model median</th><th>record</th></tr>"
        + body + "</table>"))

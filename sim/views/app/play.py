"""The student's side of the page: their turn at the talks, their weekly choice, the end screen.

A question stops the step until the student answers (``app.runner.WebController``); these panels
show the question and send the answer back. At the talks: the other side's offer, Accept / Walk
away, or sliders and Propose. Each slider runs in its lever's own unit and direction (a share of
licences from today's 20 % up to 100 %, a tariff from 0 % up to today's), from the most open
value to today's: an offer can only open, as in the model's own offers. Between meetings: carry
on, implement what was agreed, hold back, or take a measure. Every answer is kept as the
student's decisions, shown under the question and at the end. At the end: the student's outcome
and fit against the record, the model-vs-model runs and the class's own games
(``sim.experiments.play``; ``classroom.py``).
"""

from __future__ import annotations

import datetime as dt
import html
import threading
from functools import lru_cache

import solara

from sim.engine.control import HOLD, IMPLEMENT, MEASURE, Choice
from sim.experiments.play import compare, ensemble, from_shown, observations_of, shown
from sim.views.app.classroom import end_html, record_game
from sim.views.app.model import _mtime, load
from sim.views.app.runner import Runner
from sim.views.app.state import side, tick
from sim.views.app.who_paid_panel import end_html as who_paid_end
from sim.views.plots import actor_colour

_ENSEMBLE_LOCK = threading.Lock()
PAGE_RUNS = 100
RECENT_DECISIONS = 4


@lru_cache(maxsize=8)
def _ensemble(path: str, mtime: float, runs: int) -> dict:
    del mtime  # only the cache's key: a changed file is read again
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


# --- the student's decisions ------------------------------------------------------------------
def decide(runner: Runner, words: str, answer: object) -> None:
    """Send ``answer`` and keep ``words`` (what the student decided) with the side and day, on
    the runner: every answer makes the run again, and a Reset's fresh run starts with none."""
    runner.answer(answer, words)


def decisions_of(runner: Runner, actor: str) -> list[tuple[int, str]]:
    """(day, words) of the decisions the student playing ``actor`` took in this run."""
    return [(day, words) for who, day, words in runner.decisions if who == actor]


def grouped(decisions: list[tuple[int, str]]) -> list[tuple[int, int, str, int]]:
    """Runs of the same decision as (first day, last day, words, times): "carried on" for ten
    weeks is one line, not ten."""
    out: list[tuple[int, int, str, int]] = []
    for day, words in decisions:
        if out and out[-1][2] == words:
            first, _, _, times = out[-1]
            out[-1] = (first, day, words, times + 1)
        else:
            out.append((day, day, words, 1))
    return out


def decisions_html(runner: Runner, actor: str, last: int | None = RECENT_DECISIONS) -> str:
    """The student's decisions, newest first (the latest ``last``; all of them if None)."""
    mine = grouped(decisions_of(runner, actor))
    if not mine:
        return ""
    start = runner.model.spec.start

    def when(first: int, end: int) -> str:
        a, b = start + dt.timedelta(days=first), start + dt.timedelta(days=end)
        return f"{a:%d %b}" if first == end else f"{a:%d %b}&ndash;{b:%d %b}"

    shown_ = mine if last is None else mine[-last:]
    items = "".join(f"<li><span class='when'>{when(a, b)}</span> {html.escape(w)}"
                    f"{f' ({n} times)' if n > 1 else ''}</li>" for a, b, w, n in reversed(shown_))
    more = f" (the latest {last} of {len(mine)})" if last is not None and len(mine) > last else ""
    return f"<div class='sim-decisions'><b>Your decisions{more}</b><ul>{items}</ul></div>"


# --- the talks --------------------------------------------------------------------------------
def offer_range(spec, restrictiveness_now: float) -> tuple[float, float, float]:
    """(low, high, step) of a lever's offer slider in its shown unit, always low < high: from
    its most open value to today's, so the slider runs the way the lever's number does."""
    now = shown(spec, spec.value_at(restrictiveness_now))
    open_end = shown(spec, spec.min if spec.restrictive == "high" else spec.max)
    low, high = sorted((now, open_end))
    step = 1.0 if spec.unit in ("percent", "share") else (
        0.01 if spec.unit == "index" else round((spec.max - spec.min) / 100, 6) or 0.01)
    return low, max(high, low + step), step


@solara.component
def OfferSlider(spec, h: float, now: float, on_restrictiveness):
    """One lever of a counter-offer: its label and value on a line, the slider under it."""
    low, high, step = offer_range(spec, now)
    value = min(high, max(low, shown(spec, spec.value_at(h))))
    with solara.Div(classes=["sim-offer-slider"]):
        solara.HTML(tag="div", classes=["sim-slider-label"], unsafe_innerHTML=(
            f"{html.escape(spec.label)}: <b>{spec.describe(spec.value_at(h))}</b> "
            f"<span class='range'>(now {spec.describe(spec.value_at(now))})</span>"))
        solara.SliderFloat(label="", value=value, min=low, max=high, step=step,
                           thumb_label=False, disabled=now <= 1e-9,  # already fully open
                           on_value=lambda v: on_restrictiveness(
                               spec.restrictiveness(from_shown(spec, v))))


@solara.component
def TalksTurn(runner: Runner, question):
    turn = question.turn
    model = runner.model
    me = model.spec.actors[turn.actor].label
    other = model.spec.actors[model.spec.other(turn.actor)].label
    package, set_package = solara.use_state(dict(turn.suggestion))
    where = f"{turn.meeting}, round {turn.round}"
    with solara.Div(classes=["sim-turn", "sim-talks-turn", f"sim-q-{question.seq}"]):
        solara.HTML(tag="h3", unsafe_innerHTML=html.escape(
            f"{turn.meeting}, round {turn.round} of {turn.rounds}: your move ({me})"))
        if turn.offer is not None:
            solara.HTML(tag="div", classes=["sim-offer"], unsafe_innerHTML=(
                f"<b>{html.escape(other)} offers:</b>" + package_rows(model, turn.offer, turn.now,
                                                                      turn.agenda)))
            with solara.Row(style="flex-wrap: wrap"):
                solara.Button("Accept", color="success", classes=["sim-btn"], on_click=lambda: (
                    decide(runner, f"accepted {other}'s offer ({where})", True)))
                solara.Button("Walk away", classes=["sim-btn"], on_click=lambda: decide(
                    runner, f"walked away ({where})", None))
            solara.HTML(tag="div", classes=["sim-hint"],
                        unsafe_innerHTML="Or make a counter-offer:")
        for lever_id in turn.agenda:
            OfferSlider(model.levers[lever_id].spec, package.get(lever_id, turn.now[lever_id]),
                        turn.now[lever_id],
                        lambda r, k=lever_id: set_package({**package, k: r}))
        with solara.Row(style="flex-wrap: wrap"):
            solara.Button("Propose", color="primary", classes=["sim-btn"], on_click=lambda: decide(
                runner, f"proposed {model.describe(package, turn.agenda)}"
                f" ({where})", dict(package)))
            if turn.offer is None:
                solara.Button("Walk away", classes=["sim-btn"], on_click=lambda: decide(
                    runner, f"walked away ({where})", None))


# --- between meetings -------------------------------------------------------------------------
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
            # neutral: last week's choice again (before any agreement: nothing new)
            solara.Button("Carry on", color="primary", classes=["sim-btn"], on_click=lambda: (
                decide(runner, "carried on", "carry on")))
            if model.agreement:
                solara.Button("Implement", classes=["sim-btn"], on_click=lambda: decide(
                    runner, "implemented what was agreed", Choice(IMPLEMENT)))
                solara.Button("Hold back", classes=["sim-btn"], on_click=lambda: decide(
                    runner, "held back", Choice(HOLD)))
        if own:
            ids = dict((label, lid) for lid, label in own)
            solara.Select(label="A new measure on", values=[label for _, label in own],
                          value=lever, on_value=set_lever)
            solara.Button("Take a measure", classes=["sim-btn"], on_click=lambda: decide(
                runner, f"took a measure on {lever}", Choice(MEASURE, ids.get(lever))))


@solara.component
def PlayPanel(runner: Runner):
    tick.get()
    question = runner.question
    if not side.value:
        return
    mine = decisions_html(runner, side.value)
    if question is None:
        if mine and runner.model.running:
            solara.HTML(tag="div", unsafe_innerHTML=mine)
        return
    if question.actor and question.actor != side.value:  # two students: the other one's turn
        other = runner.model.spec.actors[question.actor].label
        solara.HTML(tag="div", classes=["sim-turn", "sim-waiting"],
                    unsafe_innerHTML=f"Waiting for {html.escape(other)} to decide ...")
    elif question.kind == "daily":
        DailyTurn(runner, question).key(f"turn-{question.seq}")  # a fresh turn, fresh sliders
    else:
        TalksTurn(runner, question).key(f"turn-{question.seq}")
    if mine:
        solara.HTML(tag="div", unsafe_innerHTML=mine)


# --- the end ----------------------------------------------------------------------------------
@solara.component
def EndPanel(runner: Runner):
    """At the end of a played game: the student's outcome and fit against the record, the model
    runs and the class's games; who paid, for a scenario with a trade layer; then the student's
    decisions."""
    tick.get()
    model = runner.model
    if not side.value or model.running:
        return
    runs = page_ensemble(model.scenario_file)
    rows = compare(model, runs, observations_of(model.spec))
    mates = record_game(model, side.value, rows)
    solara.HTML(tag="div", classes=["sim-end", "sim-turn"], unsafe_innerHTML=(
        end_html(model, side.value, rows, runs, mates)
        + who_paid_end(model, model.spec.actors[side.value].label)
        + decisions_html(runner, side.value, last=None)))

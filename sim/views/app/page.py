"""The classroom page: status strip, charts, the why panel, settings, and the student's side.

One page for three screens: a projector (1280x720 to 1920x1080 at 100-150 % zoom: strip on top,
charts left, why panel right, all on the first screen), a student's phone (390 px: one column,
date, why line and a chart first, touch-sized buttons), and anything between. The layout is CSS
grid with one breakpoint; no framework controls are left on the page.

Sessions: every browser tab is a solara kernel with its own ``Runner`` (model + worker thread),
held in solara reactives, which solara scopes to the kernel and frees when it is culled
(``SOLARA_KERNEL_CULL_TIMEOUT``, set by the launcher). An exception in a panel shows a short
message in that panel of that session only and is logged once with the session id.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
from importlib.resources import files
from pathlib import Path

import markdown as mdlib
import solara
from solara.server import kernel_context

import sim.views.app.panels as panels
import sim.views.app.rooms as rooms
from sim.views.app.explain_panel import ExplainPanel
from sim.views.app.folded import Folded
from sim.views.app.model import (
    ClassroomModel,
    baseline_band,
    default_scenario,
    load,
    model_params,
    play_side,
    scenario_files,
)
from sim.views.app.play import EndPanel, PlayPanel
from sim.views.app.runner import Runner, WebController
from sim.views.app.state import room, session, settings, side, tick, view
from sim.views.app.style import CSS
from sim.views.app.who_paid_panel import WhoPaidPanel

LOG = logging.getLogger("sim.app")
ABOUT_FILE = Path(str(files("sim.views") / "about.md"))  # package data: docs/about.md

def Md(text: str, classes: tuple[str, ...] = ()):
    """Markdown shown without solara.Markdown (which always fetches KaTeX from a CDN)."""
    body = mdlib.markdown(text, extensions=["tables", "sane_lists"])
    return solara.HTML(tag="div", unsafe_innerHTML=body, classes=list(classes))


def guarded(name: str, build) -> None:
    """Render ``build()``; if it fails, a short message here only, logged once per session."""
    try:
        build()
    except Exception as exc:  # isolate: other panels and other sessions carry on
        runner = session.value
        seen = runner.logged if runner is not None else set()
        key = (name, type(exc).__name__, str(exc))
        if key not in seen:
            seen.add(key)
            LOG.exception("session %s: the %s panel failed", _session_id(), name)
        solara.HTML(tag="div", classes=["sim-error"], unsafe_innerHTML=(
            f"The {name} panel could not be drawn ({type(exc).__name__}). The rest of the page "
            "carries on; <b>Reset</b> starts a fresh run."))


def _session_id() -> str:
    try:
        return kernel_context.get_current_context().id
    except Exception:  # outside a server (tests)
        return "-"


def new_model_factory(values: dict, player: str | list[str]):
    """A function building this session's model from the settings; the students' sides, if any,
    decided through the runner (``WebController``)."""
    players = [player] if isinstance(player, str) and player else list(player or [])

    def make(runner: Runner) -> ClassroomModel:
        controllers = {p: WebController(runner, p) for p in players} or None
        return ClassroomModel(**values, controllers=controllers)
    return make


def defaults(path: str | Path) -> dict:
    return {k: (v["value"] if isinstance(v, dict) else v) for k, v in model_params(path).items()}


@contextlib.contextmanager
def one_update():
    """Several reactive changes shown as one render: no half-changed page in between (e.g. "You
    play US" before the room's code is there)."""
    try:
        rc = kernel_context.get_current_context().app_object  # this tab's render context
    except Exception:  # outside a server (tests)
        rc = None
    if rc is None:
        yield
        return
    with rc:  # reacton holds re-renders until the outermost block ends
        yield


def _redraw():
    """This tab's kernel context, its id, and a thread-safe "redraw this tab" callback."""
    try:
        ctx = kernel_context.get_current_context()
    except Exception:  # solara.render in tests: no kernel
        ctx = None
    counter = itertools.count(tick.peek() + 1)  # unique values: no redraw lost between threads

    def on_change() -> None:
        if ctx is None:
            tick.set(next(counter))
            return
        try:
            with ctx:
                tick.set(next(counter))
        except Exception:  # the session closed meanwhile: nothing to redraw
            pass
    return ctx, (ctx.id if ctx is not None else "-"), on_change


def release(runner: Runner | None, session_id: str) -> None:
    """This tab is done with ``runner``: leave its room, or close it if it is the tab's own."""
    if runner is None:
        return
    if getattr(runner, "room", ""):
        rooms.leave(runner.room, session_id)
    else:
        runner.close()


def start_session(path: str | Path | None = None, player: str | None = None) -> Runner:
    """This tab's runner for the scenario at ``path`` (default: the one `sim app` opened)."""
    values = defaults(path or default_scenario())
    player = play_side() if player is None else player
    ctx, sid, on_change = _redraw()
    release(session.peek(), sid)
    runner = Runner(new_model_factory(values, player), on_change)
    runner.logged, runner.session, runner.room = set(), sid, ""
    if ctx is not None:
        ctx.on_close(runner.close)
    with one_update():
        settings.set(values)
        side.set(player)
        room.set("")
        session.set(runner)
    return runner


def start_room(path: str | Path) -> Runner:
    """A run for two students: this tab takes the first side and gets the join code."""
    values = defaults(path)
    sides = list(load(path).actors)

    def make_runner(notify) -> Runner:
        runner = Runner(new_model_factory(values, sides), notify)
        runner.logged, runner.session = set(), "room"
        return runner
    new = rooms.open_room(make_runner, sides)
    new.runner.room = new.code
    with one_update():
        settings.set(values)
        return join_room(new.code) or new.runner


def join_room(code: str) -> Runner | None:
    """Join the room with ``code`` on its free side; None if there is no such room or it is full."""
    ctx, sid, on_change = _redraw()
    joined = rooms.join(code, sid, on_change)
    if joined is None:
        return None
    shared, my_side = joined
    old = session.peek()
    if old is not shared.runner:
        release(old, sid)
    if ctx is not None:
        ctx.on_close(lambda: rooms.leave(shared.code, sid))
    with one_update():
        side.set(my_side)
        room.set(shared.code)
        session.set(shared.runner)
    return shared.runner


@solara.component
def Strip(runner: Runner):
    """The status strip: date, day, talks status, each side's trust and pressure, the buttons."""
    tick.get()
    model = runner.model
    with solara.Div(classes=["sim-strip"]):
        with solara.Div(classes=["sim-when"]):
            solara.HTML(tag="div", unsafe_innerHTML=f"{model.date:%d %B %Y}",
                        classes=["sim-date-big"])
            solara.Text(f"{model.date:%Y-%m-%d}", classes=["sim-date"])
        solara.HTML(tag="div", unsafe_innerHTML=panels.status_html(model), classes=["sim-status"])
        with solara.Div(classes=["sim-buttons"]):
            idle = model.running and not runner.playing and not runner.busy
            solara.Button("Step", on_click=lambda: runner.step(1), disabled=not idle,
                          color="primary", classes=["sim-btn"])
            solara.Button("Week", on_click=lambda: runner.step(7), disabled=not idle,
                          classes=["sim-btn"])
            if runner.playing and model.running:
                solara.Button("Pause", on_click=runner.pause, classes=["sim-btn"])
            else:
                solara.Button("Play", on_click=runner.play, disabled=not idle,
                              classes=["sim-btn"])
            players = list(model.spec.actors) if room.value else side.value
            solara.Button("Reset", on_click=lambda: runner.reset(
                new_model_factory(settings.value, players)), classes=["sim-btn"])
            solara.Button("About", on_click=lambda: view.set("about"), text=True,
                          classes=["sim-btn"])
        if side.value:
            label = model.spec.actors[side.value].label
            code = f"Room {room.value} · " if room.value else ""
            solara.HTML(tag="div", classes=["sim-you"], unsafe_innerHTML=f"{code}You play {label}")
        if runner.error:
            solara.HTML(tag="div", classes=["sim-error"], unsafe_innerHTML=(
                f"This run stopped: {runner.error}. Press <b>Reset</b> to start again."))


@solara.component
def Charts(runner: Runner):
    tick.get()
    model = runner.model

    def build():
        band = baseline_band(model.scenario_file)
        solara.HTML(tag="div", unsafe_innerHTML=panels.charts_html(model, band),
                    classes=["sim-charts-body"])
    guarded("charts", build)


@solara.component
def ModelHtml(runner: Runner, html, css: str):
    """A panel of HTML drawn from the session's model by ``html(model)``, redrawn each tick."""
    tick.get()
    model = runner.model
    guarded("why", lambda: solara.HTML(tag="div", unsafe_innerHTML=html(model), classes=[css]))


def now_of(runner: Runner) -> panels.Now:
    """What the session's run is doing now (a question waiting, Play, a step)."""
    return panels.Now(runner.question, runner.busy, runner.playing)


def Why(runner: Runner):
    """The why panel: what is happening now, and what happened and why, day by day."""
    return ModelHtml(runner, lambda m: panels.narrative_html(m, now=now_of(runner)),
                     "sim-narrative")


def WhyLine(runner: Runner):
    """The one-line why under the date (the phone's first screen)."""
    return ModelHtml(runner, lambda m: panels.why_line(m, now_of(runner)), "sim-why-line")


@solara.component
def Settings(runner: Runner):
    """The settings, folded: the body's widgets are built only once it is opened, so a tab that
    never opens it (most of a room) costs the server and the browser ~25 widgets less."""
    Folded("Scenario, players and behaviour (then Reset)", lambda: SettingsBody(runner),
           start_open=bool(room.value))


@solara.component
def SettingsBody(runner: Runner):
    """Scenario, who plays, and the behaviour sliders (each showing its value); Reset applies."""
    files = solara.use_memo(lambda: scenario_files(runner.model.scenario_file), [])
    code, set_code = solara.use_state("")
    path = runner.model.scenario_file
    by_path = {str(p): t for t, p in files.items()}
    values = settings.value
    params = model_params(path)
    scenario = load(path)

    def pick(title: str) -> None:
        if title in files:
            start_session(files[title], side.value)

    def pick_side(label: str) -> None:
        ids = {a.label: a.id for a in scenario.actors.values()}
        start_session(path, ids.get(label, ""))

    def setter(key):
        return lambda v: settings.set({**settings.value, key: v})

    solara.Select(label="Scenario", values=list(files), value=by_path.get(path, ""),
                  on_value=pick)
    solara.HTML(tag="div", classes=["sim-hint"], unsafe_innerHTML=scenario.description)
    roles = ["Watch both sides"] + [a.label for a in scenario.actors.values()]
    current = scenario.actors[side.value].label if side.value else roles[0]
    solara.Select(label="Who plays", values=roles, value=current, on_value=pick_side)
    with solara.Row(style="flex-wrap: wrap; align-items: center"):
        solara.Button("Two students: start a room", classes=["sim-btn"],
                      on_click=lambda: start_room(path))
        solara.InputText("Join code", value=code, on_value=set_code, continuous_update=True)
        solara.Button("Join", classes=["sim-btn"], on_click=lambda: join_room(code)
                      or set_code(f"no open room {code.upper()}"))
    for key, spec in params.items():
        if not isinstance(spec, dict):
            continue
        value = values.get(key, spec["value"])
        if spec["type"] == "Checkbox":
            solara.Checkbox(label=spec["label"], value=bool(value), on_value=setter(key))
        else:
            shown = f"{value:+d}" if spec["type"] == "SliderInt" and key == "call_shift" \
                else (f"{value}" if spec["type"] == "SliderInt" else f"{value:.2f}")
            slider = solara.SliderInt if spec["type"] == "SliderInt" else solara.SliderFloat
            slider(label=f"{spec['label']}: {shown}", value=value, min=spec["min"],
                   max=spec["max"], step=spec["step"], on_value=setter(key),
                   thumb_label=False)
    solara.HTML(tag="div", classes=["sim-hint", "sim-meetings"],
                unsafe_innerHTML=panels.meetings_html(runner.model))


@solara.component
def AboutPage():
    try:
        text = ABOUT_FILE.read_text(encoding="utf-8")
    except OSError:
        text = "# About this model\n\n(docs/about.md is missing.)"
    solara.Button("Back to the simulation", on_click=lambda: view.set("sim"), color="primary",
                  classes=["sim-btn"])
    Md(text, classes=("about-page",))


@solara.component
def Page():
    """The whole page for one browser tab."""
    solara.Style(CSS)
    runner = session.value or start_session()
    solara.Title(runner.model.spec.title)  # the scenario's own title, whatever the episode
    sid = runner.session if not getattr(runner, "room", "") else _session_id()
    solara.use_effect(lambda: (lambda: release(runner, sid)), [runner])  # tab closes: let go
    if view.value == "about":
        AboutPage()
        return
    with solara.Div(classes=["sim-page"]):
        Strip(runner)
        with solara.Div(classes=["sim-end-area"]):
            EndPanel(runner)
        with solara.Div(classes=["sim-play"]):
            PlayPanel(runner)
        with solara.Div(classes=["sim-whyline"]):
            WhyLine(runner)
        with solara.Div(classes=["sim-whybox"]):
            Why(runner)
        with solara.Div(classes=["sim-charts"]):
            Charts(runner)
        with solara.Div(classes=["sim-settings"]):
            ExplainPanel(runner)
            WhoPaidPanel(runner)
            Settings(runner)

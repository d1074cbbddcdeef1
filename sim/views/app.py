"""Classroom mode: the negotiation as a Mesa SolaraViz page, for a projector and no internet.

    sim app                                   # http://127.0.0.1:8765/
    sim app --port 8765 --scenario scenarios/no_call.yaml
    solara run sim.app                        # the same page, solara's own launcher

The page: a scenario picker, sliders for each side's main behaviour parameters (built from the
scenario's actors), a switch to remove or move the leaders' call, Mesa's Reset / Step / Play with
its play-interval (speed) slider, the date in large type, charts that grow day by day with the
documented record, the meeting dates and a faint band of the unmodified scenario (10-90 % of 30
seeds) behind, the plain-language "why" of the latest decisions, and an About page.

Offline rules (see docs/solara-notes.md): markdown is rendered here with python-markdown and shown
with ``solara.HTML`` (``solara.Markdown`` always fetches KaTeX from a CDN); the launcher points
solara's CDN at a closed loopback port and turns telemetry and the version check off.

The model stays a plain Mesa model: ``ClassroomModel`` is a thin subclass whose keyword arguments
are the slider values, so SolaraViz's Reset can rebuild it, and ``mesa.batch_run`` can drive it.
"""

from __future__ import annotations

import datetime as dt
import html
import os
import subprocess
import sys
import time
import urllib.request
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # the server has no display; before anything imports pyplot

import markdown as mdlib  # noqa: E402  python-markdown, a dependency of solara
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import solara  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from mesa.visualization import SolaraViz  # noqa: E402
from mesa.visualization import solara_viz as _solara_viz  # noqa: E402
from mesa.visualization.utils import update_counter  # noqa: E402

from sim.engine.behaviour import PARAMS, PRESETS, Behaviour  # noqa: E402
from sim.engine.model import NegotiationModel  # noqa: E402
from sim.errors import UserError  # noqa: E402
from sim.scenario.bundled import scenarios_dir  # noqa: E402
from sim.scenario.language import Scenario, apply_overrides, load_scenario  # noqa: E402
from sim.views.date_axes import date_tick_labels  # noqa: E402
from sim.views.plots import (  # noqa: E402
    STATUS_COLOURS,
    STYLE,
    actor_colour,
    mark_meetings,
    overlay_record,
)

ROOT = Path(__file__).resolve().parent.parent.parent
SCENARIO_DIR = scenarios_dir()
ABOUT_FILE = Path(str(files("sim.views") / "about.md"))  # package data: docs/about.md
ENV_SCENARIO = "SIM_APP_SCENARIO"  # set by `sim app --scenario`: the scenario opened first
MAIN_PARAMS = ("patience", "compliance", "reciprocity", "pressure_sensitivity", "concession")
BAND_RUNS = 30
NARRATIVE_LINES = 12
SHIFT_RANGE = (-21, 21)  # days the leaders' call may be moved by
CALL_NAME = "leaders_call"


# --- scenarios and the classroom model --------------------------------------------------------
def scenario_files(extra: str | Path | None = None) -> dict[str, Path]:
    """Every readable scenario in scenarios/*.yaml (plus ``extra``), keyed by its title.

    Files that do not load are left out: the page must open even if one file is broken.
    """
    paths = sorted(SCENARIO_DIR.glob("*.yaml"))
    if extra is not None and Path(extra).resolve() not in {p.resolve() for p in paths}:
        paths.append(Path(extra))
    out: dict[str, Path] = {}
    for path in paths:
        try:
            title = _load(str(path.resolve()), _mtime(path)).title
        except (UserError, OSError):
            continue
        out[title if title not in out else f"{title} ({path.stem})"] = path.resolve()
    return out


def default_scenario() -> Path:
    chosen = os.environ.get(ENV_SCENARIO)
    return Path(chosen).resolve() if chosen else (SCENARIO_DIR / "baseline.yaml").resolve()


def _mtime(path: str | Path) -> float:
    return Path(path).stat().st_mtime


@lru_cache(maxsize=64)
def _load(path: str, mtime: float) -> Scenario:
    return load_scenario(path)


def load(path: str | Path) -> Scenario:
    """The scenario at ``path``, cached until the file changes."""
    return _load(str(Path(path).resolve()), _mtime(path))


def call_meetings(scenario: Scenario) -> list:
    """The leaders' call(s) the switch acts on: the meeting named leaders_call, else every call."""
    named = [m for m in scenario.meetings if m.name == CALL_NAME]
    return named or [m for m in scenario.meetings if m.kind == "call"]


def effective_value(behaviour: dict, name: str) -> float:
    """What a behaviour parameter is before any slider: scenario value, else preset, else default.

    A distribution counts as its centre (uniform midpoint, normal mean, mean of the choices).
    """
    if name in behaviour:
        spec = behaviour[name]
        if isinstance(spec, dict):
            (kind, args), = spec.items()
            value = (args[0] + args[1]) / 2 if kind == "uniform" else (
                args[0] if kind == "normal" else sum(args) / len(args))
        else:
            value = float(spec)
    elif behaviour.get("preset") and name in PRESETS[behaviour["preset"]].values:
        value = PRESETS[behaviour["preset"]].values[name]
    else:
        value = getattr(Behaviour(), name)
    info = PARAMS[name]
    return min(info.high, max(info.low, float(value)))


def slider_defaults(scenario: Scenario) -> dict[str, float]:
    """``{"us.patience": 0.3, ...}``: each actor's main parameters as the scenario sets them."""
    return {f"{actor.id}.{name}": _snap(effective_value(actor.behaviour, name), name)
            for actor in scenario.actors.values() for name in MAIN_PARAMS}


def _slider_range(name: str) -> tuple[float, float, float]:
    if name == "concession":  # Faratin's e: 0.05-10 in principle, the interesting part is < 5
        return 0.05, 5.0, 0.05
    info = PARAMS[name]
    return info.low, info.high, 0.05


def _snap(value: float, name: str) -> float:
    low, high, step = _slider_range(name)
    return round(min(high, max(low, round(value / step) * step)), 2)


def build_scenario(path: str | Path, leaders_call: bool = True, call_shift: int = 0,
                   behaviour: dict[str, float] | None = None) -> Scenario:
    """The scenario at ``path`` with the classroom's changes applied, on copies.

    ``behaviour`` maps ``"<actor>.<parameter>"`` to a value; a value equal to the slider's default
    leaves the scenario's own spec (which may be a distribution) untouched.
    """
    base = load(path)
    defaults = slider_defaults(base)
    overrides: dict[str, object] = {}
    for key, value in (behaviour or {}).items():
        actor_id, _, name = key.partition(".")
        if actor_id not in base.actors or name not in PARAMS:
            raise ValueError(f"unknown behaviour parameter `{key}`")
        if key not in defaults or abs(float(value) - defaults[key]) >= 1e-9:
            overrides[f"actors.{actor_id}.behaviour.{name}"] = float(value)
    for m in call_meetings(base):
        if not leaders_call:
            overrides[f"meetings.{m.name}"] = None
        elif call_shift and m.date is not None:
            moved = m.date + dt.timedelta(days=int(call_shift))
            overrides[f"meetings.{m.name}.date"] = min(base.end, max(base.start, moved))
    return apply_overrides(base, overrides) if overrides else base


class ClassroomModel(NegotiationModel):
    """NegotiationModel built from a scenario file plus the page's slider values.

    Keyword arguments only, so SolaraViz's Reset can call ``ClassroomModel(**params)``:
    ``scenario_file``, ``leaders_call`` (False removes the call), ``call_shift`` (days),
    ``draw`` (seed offset from the scenario's seed) and ``"<actor>.<parameter>"`` values.
    """

    def __init__(self, scenario_file: str | None = None, leaders_call: bool = True,
                 call_shift: int = 0, draw: int = 0, scenario: object = None,
                 **behaviour: float):
        # `scenario` is Mesa's own experiment Scenario, handed back by SolaraViz on Reset; the
        # seed comes from the scenario file and `draw` instead, so it is not used.
        path = Path(scenario_file) if scenario_file else default_scenario()
        scenario = build_scenario(path, leaders_call, call_shift, behaviour)
        super().__init__(scenario, seed=scenario.seed + int(draw))
        self.scenario_file = str(path)
        self.settings = {"leaders_call": leaders_call, "call_shift": int(call_shift),
                         "draw": int(draw), **behaviour}


def model_params(path: str | Path) -> dict:
    """SolaraViz inputs for the scenario at ``path``: built from its actors, never hard-coded."""
    scenario = load(path)
    params: dict = {"scenario_file": str(Path(path).resolve())}  # fixed: kept by Reset
    calls = call_meetings(scenario)
    dated = next((m for m in calls if m.date is not None), None)
    call_label = calls[0].label if calls else "Leaders' call"
    params["leaders_call"] = {"type": "Checkbox", "value": bool(calls),
                              "label": f"{call_label} happens" if calls
                              else "Leaders' call (none in this scenario)"}
    params["call_shift"] = {
        "type": "SliderInt", "value": 0, "min": SHIFT_RANGE[0], "max": SHIFT_RANGE[1], "step": 1,
        "label": f"Move the call by (days; planned {dated.date:%d %b})" if dated
        else "Move the call by (days; no dated call)"}
    for key, value in slider_defaults(scenario).items():
        actor_id, _, name = key.partition(".")
        low, high, step = _slider_range(name)
        params[key] = {"type": "SliderFloat", "value": value, "min": low, "max": high,
                       "step": step, "label": f"{scenario.actors[actor_id].label}: "
                       f"{name.replace('_', ' ')}"}
    params["draw"] = {"type": "SliderInt", "value": 0, "min": 0, "max": BAND_RUNS - 1, "step": 1,
                      "label": "Random draw (0: the scenario's seed)"}
    return params


# --- the baseline band: the unmodified scenario over 30 seeds, once per file ------------------
def band_columns(scenario: Scenario) -> list[str]:
    return [lv.id for lv in scenario.levers] + [f"{a}.{q}" for a in scenario.actors
                                                 for q in ("trust", "pressure")]


@lru_cache(maxsize=16)
def _band(path: str, mtime: float, runs: int) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    scenario = load(path)
    names = band_columns(scenario)
    series = {k: [] for k in names}
    for i in range(runs):
        model = NegotiationModel(scenario, seed=scenario.seed + i, run=i).run_to_end()
        for k in names:
            series[k].append(model.columns[k])
    out = {}
    for k, rows in series.items():
        arr = np.asarray(rows, dtype=float)
        out[k] = (np.percentile(arr, 10, axis=0), np.percentile(arr, 90, axis=0))
    return out


def baseline_band(path: str | Path, runs: int = BAND_RUNS) -> dict:
    """10th and 90th percentile per day of each lever, trust and pressure, over ``runs`` seeds
    of the unmodified scenario; computed once per file and cached."""
    return _band(str(Path(path).resolve()), _mtime(path), runs)


@lru_cache(maxsize=1)
def observations() -> tuple:
    """The documented record, for overlays only (the model never reads it)."""
    from sim.record.reader import load_record
    try:
        return tuple(load_record().observations)
    except (UserError, OSError):
        return ()


# --- figures ----------------------------------------------------------------------------------
def _dates(scenario: Scenario) -> list[dt.date]:
    return [scenario.start + dt.timedelta(days=i) for i in range(scenario.days)]


@lru_cache(maxsize=16)
def _ticks(start: dt.date, end: dt.date) -> tuple[list, list]:
    """Month starts as fixed ticks (every few months, with years, on long runs): matplotlib's
    date locators cost ~0.3 s a figure."""
    months, labels = date_tick_labels(start, end, most=4)  # the page's panels are narrow
    return list(mdates.date2num(months)), labels


def _date_axis(ax, scenario: Scenario) -> None:
    major, labels = _ticks(scenario.start, scenario.end)
    ax.set_xlim(scenario.start, scenario.end)
    ax.set_xticks(major, labels)  # no weekly minor ticks: they cost a tenth of the redraw


def _today(ax, model: NegotiationModel) -> None:
    ax.axvline(model.date, color="#000000", lw=1.5, alpha=0.5, zorder=1)


def lever_chart(model: NegotiationModel, band: dict | None = None) -> Figure:
    """Each lever so far, in its side's colour, over the whole scenario's dates (it grows)."""
    scenario, cols = model.spec, model.columns
    levers = scenario.levers
    ncols = 3
    nrows = (len(levers) + ncols - 1) // ncols
    with plt.rc_context(STYLE):
        fig = Figure(figsize=(13, 3.3 * nrows), dpi=80)
        fig.subplots_adjust(left=0.05, right=0.99, top=0.93, bottom=0.07, hspace=0.3, wspace=0.2)
        axes = fig.subplots(nrows, ncols, sharex=True, squeeze=False)
        all_dates = _dates(scenario)
        for ax, lever in zip(axes.flat, levers, strict=False):
            colour = actor_colour(scenario, lever.actor)
            span = lever.max - lever.min
            ax.set_ylim(lever.min - 0.05 * span, lever.max + 0.05 * span)
            if band and lever.id in band:
                low, high = band[lever.id]
                ax.fill_between(all_dates, low, high, color=colour, alpha=0.15, lw=0,
                                label="unmodified scenario, 10-90 %")
            ax.plot(cols["date"], cols[lever.id], color=colour, lw=3, label="this run")
            ax.set_title(lever.label, loc="left", color=colour, fontweight="bold")
            ax.set_ylabel({"percent": "%", "share": "share", "index": "index"}[lever.unit])
            mark_meetings(ax, scenario, labels=False)
            _today(ax, model)
            overlay_record(ax, observations(), lever.id)
            _date_axis(ax, scenario)
        legend_ax = axes.flat[len(levers)] if len(levers) < nrows * ncols else None
        for ax in list(axes.flat)[len(levers):]:
            ax.set_axis_off()
        if legend_ax is not None:
            _key(legend_ax, scenario, axes.flat[0])
    return fig


def _key(ax, scenario: Scenario, example) -> None:
    """The spare panel: the legend and the meeting dates, once, in large type."""
    handles, labels = example.get_legend_handles_labels()
    lines = [f"{m.date:%d %b}  {m.label}" for m in scenario.meetings if m.date is not None]
    ax.legend(handles, labels, loc="upper left", frameon=False, fontsize=12)
    ax.text(0.02, 0.45, "dashed: talks, dotted: call\n" + "\n".join(lines), va="top",
            transform=ax.transAxes, fontsize=12, color="#444444")


def trust_pressure_chart(model: NegotiationModel, band: dict | None = None) -> Figure:
    """Each side's trust in the other and its domestic pressure, with the band and the record."""
    scenario, cols = model.spec, model.columns
    with plt.rc_context(STYLE):
        fig = Figure(figsize=(13, 3.4), dpi=80)
        fig.subplots_adjust(left=0.05, right=0.86, top=0.88, bottom=0.12, wspace=0.15)
        axes = fig.subplots(1, 2, sharex=True)
        all_dates = _dates(scenario)
        for ax, quantity, title in zip(axes, ("trust", "pressure"),
                                       ("Trust in the other side", "Domestic pressure"),
                                       strict=True):
            ax.set_ylim(0, 1)
            for actor in scenario.actors:
                key, colour = f"{actor}.{quantity}", actor_colour(scenario, actor)
                if band and key in band:
                    ax.fill_between(all_dates, *band[key], color=colour, alpha=0.15, lw=0)
                ax.plot(cols["date"], cols[key], color=colour, lw=3,
                        label=scenario.actors[actor].label)
                overlay_record(ax, observations(), key)
            ax.set_title(title, loc="left")
            mark_meetings(ax, scenario, labels=False)
            _today(ax, model)
            _date_axis(ax, scenario)
        handles = {}
        for ax in axes:
            for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
                handles.setdefault(label, handle)
        fig.legend(handles.values(), handles.keys(), loc="upper right", frameon=False,
                   fontsize=12)
    return fig


# --- components -------------------------------------------------------------------------------
CSS = """
.v-application { font-size: 17px; }
.v-application .v-label, .v-application .v-input { font-size: 16px; }
.v-application .v-card__title { font-size: 1.35rem; }
.sim-narrative { font-size: 17px; line-height: 1.35; }
.sim-narrative ul { padding-left: 0; list-style: none; margin: 0; }
.sim-narrative li { margin-bottom: 6px; }
.sim-narrative .who { font-weight: 700; }
.sim-narrative .when { color: #555; font-variant-numeric: tabular-nums; }
.sim-now table { border-collapse: collapse; font-size: 17px; }
.sim-now td { padding: 1px 10px 1px 0; }
.sim-now td + td { white-space: nowrap; }
.about-page { font-size: 19px; max-width: 62rem; line-height: 1.5; padding: 8px 24px; }
.about-page h1 { font-size: 2.2rem; } .about-page h2 { font-size: 1.6rem; margin-top: 1.2em; }
.sim-hint { font-size: 15px; color: #444; }
.vue-grid-item { overflow-y: auto; }
"""


def Md(text: str, classes: tuple[str, ...] = ()):
    """Markdown shown without solara.Markdown (which always fetches KaTeX from a CDN)."""
    body = mdlib.markdown(text, extensions=["tables", "sane_lists"])
    return solara.HTML(tag="div", unsafe_innerHTML=body, classes=list(classes))


def _chip(text: str, colour: str) -> str:
    return (f"<span style='background:{colour};color:#fff;border-radius:6px;padding:2px 10px;"
            f"font-weight:600'>{html.escape(text)}</span>")


@solara.component
def DateStatus(model: NegotiationModel):
    """The date in large type, the talks status and each lever's value now."""
    update_counter.get()
    scenario = model.spec
    status = model.status
    rows = "".join(
        f"<tr><td style='color:{actor_colour(scenario, lv.actor)};font-weight:600'>"
        f"{html.escape(lv.label)}</td><td>{html.escape(lv.describe(model.levers[lv.id].value))}"
        "</td></tr>" for lv in scenario.levers)
    with solara.Column(gap="4px"):
        solara.HTML(tag="div", unsafe_innerHTML=f"{model.date:%d %B %Y}",
                    style="font-size: 3.2rem; font-weight: 700; line-height: 1.1",
                    classes=["sim-date-big"])
        solara.Text(f"{model.date:%Y-%m-%d}", classes=["sim-date"],
                    style="font-size: 15px; color: #555")
        solara.HTML(tag="div", classes=["sim-status"], unsafe_innerHTML=(
            f"day {model.day} of {scenario.days - 1} &nbsp; "
            + _chip(status.replace("_", " "), STATUS_COLOURS.get(status, "#777777"))),
            style="font-size: 20px")
        solara.HTML(tag="div", unsafe_innerHTML=f"<table>{rows}</table>", classes=["sim-now"])
        solara.HTML(tag="div", unsafe_innerHTML=meetings_html(scenario), classes=["sim-meetings"],
                    style="font-size: 15px; color: #444; margin-top: 4px")


def meetings_html(scenario: Scenario) -> str:
    """The meetings of this run: dated ones with their date, triggered ones with their rule."""
    parts = []
    for m in scenario.meetings:
        if m.date is not None:
            when = f"{m.date:%d %b}"
        else:
            t = m.trigger
            sign = f"&gt; {t.above:g}" if t.above is not None else f"&lt; {t.below:g}"
            who = scenario.actors[t.actor].label
            when = f"when {html.escape(who)} {t.quantity} {sign}"
        parts.append(f"{html.escape(m.label)} ({when})")
    return "Meetings: " + (" · ".join(parts) if parts else "none")


@solara.component
def LeverChart(model: NegotiationModel):
    update_counter.get()
    band = baseline_band(model.scenario_file) if hasattr(model, "scenario_file") else None
    solara.FigureMatplotlib(lever_chart(model, band), format="png")


@solara.component
def TrustPressureChart(model: NegotiationModel):
    update_counter.get()
    band = baseline_band(model.scenario_file) if hasattr(model, "scenario_file") else None
    solara.FigureMatplotlib(trust_pressure_chart(model, band), format="png")


def narrative_html(model: NegotiationModel, lines: int = NARRATIVE_LINES) -> str:
    """The latest decisions and meeting rounds, newest first, each with its plain reason."""
    scenario = model.spec
    items = []
    for e in reversed(model.entries[-lines:]):
        when = scenario.start + dt.timedelta(days=e.day)
        if e.actor in scenario.actors:
            who = (f"<span class='who' style='color:{actor_colour(scenario, e.actor)}'>"
                   f"{html.escape(scenario.actors[e.actor].label)}</span>")
        else:
            who = "<span class='who'>Both</span>"
        items.append(f"<li><span class='when'>{when:%d %b}</span> {who} "
                     f"<em>{html.escape(e.kind)}</em>: {html.escape(e.why)}</li>")
    if not items:
        items.append("<li>Nothing has happened yet: press <b>Step</b> or <b>▶</b>.</li>")
    return "<h3 style='margin:0 0 6px'>Why: the latest decisions</h3><ul>" + "".join(items) \
        + "</ul>"


@solara.component
def Narrative(model: NegotiationModel):
    update_counter.get()
    solara.HTML(tag="div", unsafe_innerHTML=narrative_html(model), classes=["sim-narrative"])


def about_text() -> str:
    try:
        return ABOUT_FILE.read_text(encoding="utf-8")
    except OSError:
        return "# About this model\n\n(docs/about.md is missing.)"


@solara.component
def AboutPage():
    solara.Style(CSS)
    Md(about_text(), classes=("about-page",))


# SolaraViz lays components out in a draggable grid of half-width, 10-row cells; the charts
# need the full width to be legible on a projector. Mesa offers no option, so our page's layout
# is supplied here (12 columns, 30 px rows); other component counts keep Mesa's layout.
_mesa_layout = _solara_viz.make_initial_grid_layout
PAGE_LAYOUT = [
    {"i": 0, "x": 0, "y": 0, "w": 4, "h": 11, "moved": False},   # date, status, values now
    {"i": 1, "x": 4, "y": 0, "w": 8, "h": 11, "moved": False},   # narrative
    {"i": 2, "x": 0, "y": 11, "w": 12, "h": 15, "moved": False},  # levers
    {"i": 3, "x": 0, "y": 26, "w": 12, "h": 8, "moved": False},  # trust and pressure
]
COMPONENTS = [(DateStatus, 0), (Narrative, 0), (LeverChart, 0), (TrustPressureChart, 0)]


def _layout(num_components: int) -> list[dict]:
    if num_components == len(PAGE_LAYOUT):
        return [dict(item) for item in PAGE_LAYOUT]
    return _mesa_layout(num_components)


_solara_viz.make_initial_grid_layout = _layout

# Per browser session (solara scopes module-level reactives to the session): the open scenario
# and the model, kept when the user visits the About page and comes back.
current_path = solara.reactive(None)
current_model = solara.reactive(None)


def open_scenario(path: str | Path) -> None:
    """Switch this session to the scenario at ``path``: a fresh model with its defaults."""
    path = str(Path(path).resolve())
    params = model_params(path)
    kwargs = {k: (v["value"] if isinstance(v, dict) else v) for k, v in params.items()}
    current_model.set(ClassroomModel(**kwargs))
    current_path.set(path)


@solara.component
def ScenarioPicker():
    files = solara.use_memo(lambda: scenario_files(current_path.value), [])
    by_path = {str(p): t for t, p in files.items()}
    title = by_path.get(current_path.value, next(iter(files), ""))

    def pick(new_title: str) -> None:
        if new_title in files:
            open_scenario(files[new_title])

    with solara.Card("Scenario"):
        solara.Select(label="Scenario", values=list(files), value=title, on_value=pick)
        description = load(current_path.value).description if current_path.value else ""
        solara.HTML(tag="div", unsafe_innerHTML=html.escape(description), classes=["sim-hint"])
        solara.HTML(tag="div", classes=["sim-hint"], unsafe_innerHTML=(
            "Move sliders or the call switch below, then press <b>Reset</b> to start a new run "
            "with them. The faint band is the unmodified scenario (10-90 % of 30 runs)."))


@solara.component
def SimPage():
    """The simulation: picker, Mesa's controls and parameters, and the four panels."""
    if current_model.value is None:
        open_scenario(default_scenario())
    path = current_path.value
    solara.Style(CSS)
    with solara.Sidebar():
        ScenarioPicker()
    # keyed by the file: picking a scenario remounts SolaraViz, so the sliders show its values
    SolaraViz(current_model, components=COMPONENTS, model_params=model_params(path),
              name="US-China trade talks, 2025", play_interval=150).key(path)


routes = [
    solara.Route(path="/", component=SimPage, label="Simulation"),
    solara.Route(path="about", component=AboutPage, label="About this model"),
]
page = SimPage  # `solara run sim.app` uses `routes`; `page` is the simulation alone


# --- the launcher -----------------------------------------------------------------------------
def server_env(scenario: str | Path | None = None) -> dict[str, str]:
    """Environment for an offline, quiet solara server."""
    env = dict(os.environ)
    env.update(SOLARA_TELEMETRY_MIXPANEL_ENABLE="False",  # no phoning home
               SOLARA_ASSETS_CDN="http://127.0.0.1:9/",  # a missing asset fails fast, locally
               MPLBACKEND="Agg")
    if scenario is not None:
        env[ENV_SCENARIO] = str(Path(scenario).resolve())
    return env


def server_command(port: int, host: str = "127.0.0.1") -> list[str]:
    return [sys.executable, "-m", "solara", "run", "sim.views.app", "--port", str(port),
            "--host", host, "--production", "--no-open", "--no-check-version",
            "--log-level", "warning"]


def wait_ready(proc: subprocess.Popen, url: str, timeout: float = 60.0) -> float:
    """Seconds until ``url``/readyz answers; raises if the server exits or takes too long."""
    t0 = time.monotonic()
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"the page server stopped (exit code {proc.returncode})")
        try:
            with urllib.request.urlopen(url + "/readyz", timeout=2) as r:
                if r.status == 200:
                    return time.monotonic() - t0
        except OSError:
            pass
        if time.monotonic() - t0 > timeout:
            raise TimeoutError(f"the page server did not start within {timeout:.0f} s")
        time.sleep(0.2)


def serve(args) -> int:
    """`sim app`: start the page on ``args.host:args.port``, print its address, run until Ctrl+C."""
    if args.scenario is not None:
        load_scenario(args.scenario)  # a broken file is reported here, with its line
    host = args.host or "127.0.0.1"
    url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{args.port}"
    print(f"starting the classroom page on {url}/ ...", flush=True)
    proc = subprocess.Popen(server_command(args.port, host), env=server_env(args.scenario),
                            cwd=ROOT, stdin=subprocess.DEVNULL)
    try:
        wait_ready(proc, url)
        print(f"open {url}/ in a browser (works offline); press Ctrl+C to stop", flush=True)
        return proc.wait()
    except KeyboardInterrupt:
        return 0
    except (RuntimeError, TimeoutError) as exc:
        print(exc, file=sys.stderr)
        return 1
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

"""The classroom page's model side: scenarios on offer, the model a session runs, the band.

Nothing here draws or holds a session: every function takes plain values, and the only
module-level caches are per scenario file (shared, bounded, read-only once built), never per
session, so a closed session leaves nothing behind (issue 18).
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from functools import lru_cache
from pathlib import Path

import numpy as np

from sim.engine.behaviour import PARAMS, PRESETS, Behaviour
from sim.engine.model import NegotiationModel
from sim.errors import UserError
from sim.scenario.bundled import scenarios_dir
from sim.scenario.language import Scenario, apply_overrides, load_scenario

SCENARIO_DIR = scenarios_dir()
ENV_SCENARIO = "SIM_APP_SCENARIO"  # set by `sim app --scenario`: the scenario opened first
ENV_PLAY = "SIM_APP_PLAY"  # set by `sim app --play SIDE`: the side a student plays
MAIN_PARAMS = ("patience", "compliance", "reciprocity", "pressure_sensitivity", "concession")
BAND_RUNS = 30
SHIFT_RANGE = (-21, 21)  # days the leaders' call may be moved by
CALL_NAME = "leaders_call"
_BAND_LOCK = threading.Lock()  # thirty sessions opening at once compute each band once


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


def play_side() -> str:
    """The side `sim app --play SIDE` gave the students ("" = everyone watches)."""
    return os.environ.get(ENV_PLAY, "")


def _mtime(path: str | Path) -> float:
    return Path(path).stat().st_mtime


@lru_cache(maxsize=64)
def _load(path: str, mtime: float) -> Scenario:
    del mtime  # only the cache's key: a changed file is read again
    return load_scenario(path)


def load(path: str | Path) -> Scenario:
    """The scenario at ``path``, cached until the file changes."""
    return _load(str(Path(path).resolve()), _mtime(path))


def call_meetings(scenario: Scenario) -> list:
    """The leaders' meetings the switch acts on: the meeting named leaders_call, else every call,
    else (a scenario whose leaders meet in person) every summit."""
    named = [m for m in scenario.meetings if m.name == CALL_NAME]
    return (named or [m for m in scenario.meetings if m.kind == "call"]
            or [m for m in scenario.meetings if m.kind == "summit"])


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

    Keyword arguments only (the page's Reset calls ``ClassroomModel(**params)``):
    ``scenario_file``, ``leaders_call`` (False removes the call), ``call_shift`` (days),
    ``draw`` (seed offset from the scenario's seed) and ``"<actor>.<parameter>"`` values.
    """

    def __init__(self, scenario_file: str | None = None, leaders_call: bool = True,
                 call_shift: int = 0, draw: int = 0, controllers: dict | None = None,
                 **behaviour: float):
        path = Path(scenario_file) if scenario_file else default_scenario()
        scenario = build_scenario(path, leaders_call, call_shift, behaviour)
        super().__init__(scenario, seed=scenario.seed + int(draw), controllers=controllers)
        self.seed_used = scenario.seed + int(draw)  # what `sim explain`'s replay needs
        self.scenario_file = str(path)
        self.settings = {"leaders_call": leaders_call, "call_shift": int(call_shift),
                         "draw": int(draw), **behaviour}


def model_params(path: str | Path) -> dict:
    """The page's inputs for the scenario at ``path``: built from its actors, never hard-coded.

    A dict of name -> value (fixed) or {"type", "value", "min", "max", "step", "label"}.
    """
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
    del mtime  # only the cache's key: a changed file is read again
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
    with _BAND_LOCK:
        return _band(str(Path(path).resolve()), _mtime(path), runs)


@lru_cache(maxsize=1)
def observations() -> tuple:
    """The documented record, for overlays only (the model never reads it)."""
    from sim.record.reader import load_record
    try:
        return tuple(load_record().observations)
    except (UserError, OSError):
        return ()

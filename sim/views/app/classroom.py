"""The class's games: every finished game of a scenario and side on this server, and the end
screen that places one student's game among them, the model's runs and the record.

The server keeps, per scenario file and side, the outcomes of the last ``KEPT`` finished games
(numbers only, no session): the one thing besides rooms that outlives a session, bounded so
that a server open all term does not grow (issue 18).
"""

from __future__ import annotations

import html
import threading
from collections import deque

import numpy as np

from sim.experiments.play import Row, latest_observation, observations_of
from sim.views import svg_charts as svg
from sim.views.plots import actor_colour

KEPT = 200  # games kept per scenario file and side
_LOCK = threading.Lock()
_GAMES: dict[tuple[str, str], deque] = {}


def record_game(model, actor: str, rows: list[Row]) -> list[dict[str, float]]:
    """Add this finished game (once per run and side) to the class; return the class's other
    games of the same scenario file and side, oldest first."""
    key = (model.scenario_file, actor)
    recorded = model.__dict__.setdefault("class_games", {})  # on the run: gone with it
    with _LOCK:
        games = _GAMES.setdefault(key, deque(maxlen=KEPT))
        if actor not in recorded:
            recorded[actor] = {r.key: r.value for r in rows}
            games.append(recorded[actor])
        return [g for g in games if g is not recorded[actor]]


def class_games(path: str, actor: str) -> int:
    """How many games of ``path`` played as ``actor`` the server holds."""
    with _LOCK:
        return len(_GAMES.get((path, actor), ()))


def _scale(model, key: str, values: list[float]) -> tuple[float, float]:
    lever = model.levers.get(key)
    if lever is not None:
        return lever.spec.min, lever.spec.max
    if key == "agreements":
        return 0.0, max(1.0, *values)
    return 0.0, 1.0  # trust and fit


def _median(values: list[float], describe) -> str:
    return describe(float(np.median(values))) if values else "-"


def end_html(model, actor: str, rows: list[Row], runs: dict, mates: list[dict]) -> str:
    """The end screen: the fit first, then each outcome in words and on a strip (model runs,
    the class, the record, this game), readable on a phone and on a projector."""
    scenario = model.spec
    colour = actor_colour(scenario, actor)
    observations = observations_of(scenario)
    n_runs = len(next(iter(runs.values())))
    parts = [f"<h3>The end: your game as {html.escape(scenario.actors[actor].label)}, the "
             f"record, {n_runs} model runs and your class ({len(mates)} other "
             f"game{'s' if len(mates) != 1 else ''})</h3>"]
    by_key = {r.key: r for r in rows}
    if "fit" in by_key:
        fit = by_key["fit"]
        parts.append(f"<p class='sim-fit'>Fit to the documented record: <b>{fit.yours}</b> "
                     f"(1 = the record's path; model runs' median {fit.model_median}), "
                     f"{fit.placement()}.</p>")
    parts.append(svg.strip_legend(colour))
    for row in rows:
        model_values = [float(v) for v in runs[row.key]]
        class_values = [g[row.key] for g in mates if row.key in g]
        low, high = _scale(model, row.key, [*model_values, *class_values, row.value])
        obs = latest_observation(scenario, row.key, observations)
        describe = (model.levers[row.key].spec.describe if row.key in model.levers
                    else (lambda v: f"{v:.0f}") if row.key == "agreements"
                    else (lambda v: f"{v:.2f}"))
        words = [f"model median {html.escape(row.model_median)}"]
        if class_values:
            words.append(f"class median {_median(class_values, describe)}")
        if row.record:
            words.append(f"record {html.escape(row.record)}")
        parts.append(
            f"<div class='sim-outcome'><div><b>{html.escape(row.label)}: "
            f"{html.escape(row.yours)}</b> &ndash; {row.placement()}"
            f"<span class='sim-hint'> &middot; {' &middot; '.join(words)}</span></div>"
            + svg.strip(svg.Strip(low, high, model_values, class_values, row.value,
                                  obs.value if obs is not None else None, colour,
                                  (describe(low), describe(high))))
            + "</div>")
    return "".join(parts)

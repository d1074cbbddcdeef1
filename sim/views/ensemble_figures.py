"""An ensemble's figures (fans of every lever, trust and pressure, status shares) and the folder of
files it leaves; the same for a comparison of scenarios."""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable, Sequence
from pathlib import Path

from sim.engine.spec import Scenario
from sim.experiments.ensemble import Ensemble
from sim.experiments.ensemble_files import (
    ensemble_csv,
    ensemble_manifest,
    outcomes_csv,
    outcomes_json,
    runs_csv,
    scorecard_csv,
    status_csv,
)
from sim.experiments.executors import Workers
from sim.views import plots

FAN = "sim.views.plots:fan_figure"
STATUS_SHARES = "sim.views.plots:status_share_figure"


def draw_file(function: str, args: tuple, path: Path) -> None:
    """Draw one figure job (``"module:function"``, args, path) and save it: module level, so that
    ``Workers.render`` sends it to a worker process by reference."""
    module, name = function.split(":")
    plots.save(getattr(importlib.import_module(module), name)(*args), path)


def _series(ens: Ensemble, q: int, label: str, colour: str, ls: str = "-") -> dict:
    _, qs = ens.day_quantiles(q)
    return {"label": label, "colour": colour, "dates": ens.plan.dates, "low": qs[0],
            "q25": qs[1], "median": qs[2], "q75": qs[3], "high": qs[4], "ls": ls}


def _lever_panel(lever, series: list[dict]) -> dict:
    return {"title": lever.label, "quantity": lever.id, "series": series,
            "ylabel": plots.UNITS.get(lever.unit, ""), "ylim": plots.lever_limits(lever)}


def _state_panels(scenario: Scenario, series_of: Callable[[str], list[dict]]) -> list[dict]:
    panels = []
    for kind in ("trust", "pressure"):
        for actor, spec in scenario.actors.items():
            text = "trust in the other side" if kind == "trust" else "domestic pressure"
            panels.append({"title": f"{spec.label}: {text}", "quantity": f"{actor}.{kind}",
                           "ylabel": kind, "ylim": (0, 1),
                           "series": series_of(f"{actor}.{kind}")})
    return panels


def figure_jobs(ens: Ensemble, folder: Path) -> list[tuple]:
    """The ensemble's figures as ``("module:function", args, path)``, for ``Workers.render``:
    levers.png (fan of every lever), trust_pressure.png and status.png."""
    s, p = ens.scenario, ens.plan
    obs = list(p.record.observations)
    label = f"{ens.finished} runs"

    def side(actor: str) -> str:
        return s.actors[actor].label

    panels = [_lever_panel(lv, [_series(ens, p.quantities.index(lv.id), side(lv.actor),
                                        plots.actor_colour(s, lv.actor))]) for lv in s.levers]
    state = _state_panels(s, lambda q: [_series(ens, p.quantities.index(q), side(q.split(".")[0]),
                                                plots.actor_colour(s, q.split(".")[0]))])
    docs = {k: d.headline for k, d in p.record.documents.items()}
    return [
        (FAN, (panels, s, obs, f"{s.title}: levers, median and 25-75 / 10-90 % of "
                        f"{label}", 2, None, docs), folder / "levers.png"),
        (FAN, (state, s, obs, f"{s.title}: trust and pressure, {label}", 2, None, docs),
         folder / "trust_pressure.png"),
        (STATUS_SHARES, (p.dates, ens.status_shares(), s,
                                 f"{s.title}: talks status across {label}"),
         folder / "status.png"),
    ]


def write_ensemble(ens: Ensemble, folder: Path, plots: bool = True, extra: dict | None = None,
                   workers: Workers | None = None) -> list[str]:
    """Every aggregate file of ``ens`` into ``folder``; returns the names written.

    Figures are drawn by ``workers`` (in parallel) when given, else here."""
    folder.mkdir(parents=True, exist_ok=True)
    table = ens.outcome_stats()
    # the runs' own data first: if the disk fills up, what was written first is kept
    files = {"runs.csv": runs_csv(ens), "ensemble.csv": ensemble_csv(ens),
             "status.csv": status_csv(ens),
             "outcomes.csv": outcomes_csv(table), "outcomes.json": outcomes_json(ens, table),
             "scorecard.csv": scorecard_csv(ens),
             "manifest.json": json.dumps(ensemble_manifest(ens, extra), indent=2) + "\n"}
    jobs = figure_jobs(ens, folder) if plots and ens.finished else []
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    (workers or Workers([], 1)).render([(draw_file, job) for job in jobs])
    return list(files) + [path.name for _, _, path in jobs]


def compare_figure_jobs(ensembles: Sequence[Ensemble], names: Sequence[str],
                        folder: Path) -> list[tuple]:
    """levers.png and trust_pressure.png: each scenario's fan side by side in every panel."""
    ref = ensembles[0].scenario
    obs = list(ensembles[0].plan.record.observations)
    styles = ["-", "--", "-.", ":"]
    colours = plots.compare_colours(e.scenario for e in ensembles)
    meetings = [(e.scenario, c) for e, c in zip(ensembles, colours, strict=True)]
    docs = {k: d.headline for k, d in ensembles[0].plan.record.documents.items()}
    levers: dict[str, object] = {}
    for e in ensembles:
        for lv in e.scenario.levers:
            levers.setdefault(lv.id, lv)

    def series_of(q: str) -> list[dict]:
        out = []
        for k, (e, name) in enumerate(zip(ensembles, names, strict=True)):
            if q in e.plan.quantities and e.finished:
                series = _series(e, e.plan.quantities.index(q), name, colours[k], styles[k % 4])
                series.update(q25=None, q75=None, edges=True)  # one band each: less clutter
                out.append(series)
        return out

    title = " vs ".join(names)
    panels = [_lever_panel(lv, series_of(lid)) for lid, lv in levers.items()]
    return [(FAN, (panels, ref, obs, f"{title}: levers, median and 10-90 % of runs", 2,
                   meetings, docs), folder / "levers.png"),
            (FAN, (_state_panels(ref, series_of), ref, obs, f"{title}: trust and pressure",
                   2, meetings, docs), folder / "trust_pressure.png")]

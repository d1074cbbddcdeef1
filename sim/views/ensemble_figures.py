"""An ensemble's figures (fans of every lever, trust and pressure, status shares) and the folder of
files it leaves; the same for a comparison of scenarios."""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from sim.engine.spec import Scenario
from sim.experiments.ensemble import QUANTILES, Ensemble
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
from sim.views.futures import BROKE, HELD, NO_AGREEMENT, Future, futures, stepped, typical_run
from sim.views.words import axis_unit

FAN = "sim.views.plots:fan_figure"
STATUS_SHARES = "sim.views.plots:status_share_figure"
WHO_PAID = "sim.views.who_paid_figures:ensemble_figure"


def draw_file(function: str, args: tuple, path: Path) -> None:
    """Draw one figure job (``"module:function"``, args, path) and save it: module level, so that
    ``Workers.render`` sends it to a worker process by reference."""
    module, name = function.split(":")
    plots.save(getattr(importlib.import_module(module), name)(*args), path)


def _series(ens: Ensemble, q: int, label: str, colour: str, ls: str = "-",
            rows: np.ndarray | None = None, path_run: int | None = None) -> dict:
    """A fan of quantity ``q`` over ``rows`` (default: every finished run), with the path of
    run ``path_run`` as its centre line when given."""
    if rows is None:
        _, qs = ens.day_quantiles(q)
    else:
        qs = np.quantile(ens.values[rows, q, :].astype(np.float64), QUANTILES, axis=0)
    series = {"label": label, "colour": colour, "dates": ens.plan.dates, "low": qs[0],
              "q25": qs[1], "median": qs[2], "q75": qs[3], "high": qs[4], "ls": ls}
    if path_run is not None:
        series["path"] = ens.values[path_run, q, :].astype(np.float64)
        series["path_label"] = "typical run"
    return series


def _lever_panel(lever, series: list[dict]) -> dict:
    return {"title": lever.label, "quantity": lever.id, "series": series,
            "ylabel": axis_unit(lever), "ylim": plots.lever_limits(lever)}


def _state_panels(scenario: Scenario, series_of: Callable[[str], list[dict]]) -> list[dict]:
    panels = []
    for kind in ("trust", "pressure"):
        for actor, spec in scenario.actors.items():
            text = "trust in the other side" if kind == "trust" else "domestic pressure"
            panels.append({"title": f"{spec.label}: {text}", "quantity": f"{actor}.{kind}",
                           "ylabel": f"{kind} (0-1)", "ylim": (0, 1),
                           "series": series_of(f"{actor}.{kind}")})
    return panels


# a future's colour: green for a truce that held, purple where it broke down, orange without a
# deal (none of them the record's near-black); a side's colour is swapped for a free one
FUTURE_COLOURS = {HELD: "#009E73", BROKE: "#CC79A7", NO_AGREEMENT: "#E69F00"}


def future_colours(scenario: Scenario, groups: list[Future]) -> list[str]:
    sides = {plots.actor_colour(scenario, a).lower() for a in scenario.actors}
    spare = [c for c in plots.COMPARE_COLOURS if c.lower() not in sides
             and c not in FUTURE_COLOURS.values()]
    out = []
    for g in groups:
        colour = FUTURE_COLOURS.get(g.name, "#56B4E9")
        out.append(colour if colour.lower() not in sides else spare.pop(0))
    return out


def _future_series(ens: Ensemble, groups: list[Future], q: int, stepped_lever: bool) -> list:
    """One fan per future drawn (its own runs' 10-90 % band and its typical run or median)."""
    colours = future_colours(ens.scenario, groups)
    out = []
    for g, colour, ls in zip(groups, colours, ("-", "--", ":"), strict=False):
        series = _series(ens, q, g.label(), colour, ls, g.rows,
                         g.typical if stepped_lever else None)
        series.update(q25=None, q75=None, edges=True)  # one band each: less clutter
        if stepped_lever:
            series["path_label"] = "typical run"
        out.append(series)
    return out


def figure_jobs(ens: Ensemble, folder: Path) -> list[tuple]:
    """The ensemble's figures as ``("module:function", args, path)``, for ``Workers.render``:
    levers.png (fan of every lever), trust_pressure.png, status.png and, for a scenario with a
    `trade:` section, who_paid.png. Where the runs split into futures
    (``sim.views.futures``), each future is drawn with its share."""
    s, p = ens.scenario, ens.plan
    obs = [*p.record.observations, *p.record.moves]
    label = f"{ens.finished} runs"
    groups = [g for g in futures(ens) if g.drawn]
    typical = typical_run(ens, np.flatnonzero(ens.done)) if ens.finished else None

    def side(actor: str) -> str:
        return s.actors[actor].label

    def lever_series(lv) -> list[dict]:
        q = p.quantities.index(lv.id)
        if groups:
            return _future_series(ens, groups, q, stepped(lv))
        return [_series(ens, q, side(lv.actor), plots.actor_colour(s, lv.actor),
                        path_run=typical if stepped(lv) else None)]

    def state_series(q: str) -> list[dict]:
        if groups:
            return _future_series(ens, groups, p.quantities.index(q), False)
        return [_series(ens, p.quantities.index(q), side(q.split(".")[0]),
                        plots.actor_colour(s, q.split(".")[0]))]

    panels = [_lever_panel(lv, lever_series(lv)) for lv in s.levers]
    docs = {k: d.headline for k, d in p.record.documents.items()}
    if groups:
        split = ", ".join(g.label() for g in groups)
        what = f"{len(groups)} futures of {label}: {split}"
        lever_title = f"{s.title}: levers\n{what}"
        state_title = f"{s.title}: trust and pressure\n{what}"
    else:
        lever_title = f"{s.title}: levers\nmedian or typical run, 25-75 % and 10-90 % of {label}"
        state_title = f"{s.title}: trust and pressure\nmedian, 25-75 % and 10-90 % of {label}"
    return [
        (FAN, (panels, s, obs, lever_title, 2, None, docs), folder / "levers.png"),
        (FAN, (_state_panels(s, state_series), s, obs, state_title, 2, None, docs),
         folder / "trust_pressure.png"),
        (STATUS_SHARES, (p.dates, ens.status_shares(), s,
                         f"{s.title}: talks status across {label}", obs),
         folder / "status.png"),
        *who_paid_jobs(ens, folder),
    ]


def who_paid_jobs(ens: Ensemble, folder: Path) -> list[tuple]:
    """who_paid.png (the runs' medians and 10-90 % ranges) for a scenario with a `trade:`
    section; none for one without."""
    from sim.views.report import WHO_PAID_FIGURE
    from sim.views.who_paid import ensemble_who_paid

    paid = ensemble_who_paid(ens)
    return [] if paid is None else [(WHO_PAID, (paid, ens.scenario), folder / WHO_PAID_FIGURE)]


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
    rec = ensembles[0].plan.record
    obs = [*rec.observations, *rec.moves]
    styles = ["-", "--", "-.", ":"]
    colours = plots.compare_colours(e.scenario for e in ensembles)
    meetings = [(e.scenario, c) for e, c in zip(ensembles, colours, strict=True)]
    docs = {k: d.headline for k, d in ensembles[0].plan.record.documents.items()}
    levers: dict[str, object] = {}
    for e in ensembles:
        for lv in e.scenario.levers:
            levers.setdefault(lv.id, lv)

    typical = [typical_run(e, np.flatnonzero(e.done)) if e.finished else None
               for e in ensembles]

    def series_of(q: str) -> list[dict]:
        out = []
        lever = levers.get(q)
        for k, (e, name) in enumerate(zip(ensembles, names, strict=True)):
            if q in e.plan.quantities and e.finished:
                run = typical[k] if lever is not None and stepped(lever) else None
                series = _series(e, e.plan.quantities.index(q), name, colours[k], styles[k % 4],
                                 path_run=run)
                series.update(q25=None, q75=None, edges=True)  # one band each: less clutter
                out.append(series)
        return out

    title = " vs ".join(names)
    panels = [_lever_panel(lv, series_of(lid)) for lid, lv in levers.items()]
    return [(FAN, (panels, ref, obs, f"{title}: levers\nmedian or typical run, and 10-90 % of "
                   "runs", 2,
                   meetings, docs), folder / "levers.png"),
            (FAN, (_state_panels(ref, series_of), ref, obs, f"{title}: trust and pressure\n"
                   "median and 10-90 % of runs", 2, meetings, docs),
             folder / "trust_pressure.png")]

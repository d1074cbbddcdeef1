"""Figures of designed experiments: a sweep's heatmap (two varied keys), lines with bands (one),
small multiples (more, or a sampled design), and a sensitivity analysis's ranked bars.

Every figure reads without the README: axes name what varies in words (the side's label and the
disposition, with its meaning underneath), colour bars and y axes say what is measured and in
which unit, and the caption says how many runs each point stands for.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from sim.engine.behaviour import PARAMS
from sim.engine.spec import Scenario
from sim.experiments.design import Factor
from sim.record import outcomes as oc
from sim.views.plots import OKABE_ITO, STYLE


def key_label(key: str, scenario: Scenario) -> str:
    """A scenario key in words: ``actors.us.behaviour.patience`` -> "US patience"."""
    parts = key.split(".")
    if parts[0] == "actors" and len(parts) > 1 and parts[1] in scenario.actors:
        actor, rest = scenario.actors[parts[1]].label, parts[2:]
        if rest[:1] == ["behaviour"] and len(rest) == 2:
            name = "behaviour preset" if rest[1] == "preset" else rest[1].replace("_", " ")
            return f"{actor} {name}"
        levers = {lv.id: lv.label for lv in scenario.levers}
        for k in range(1, len(rest)):
            lever = ".".join(rest[k:k + 2])
            if lever in levers:
                return f"{actor} {' '.join(rest[:k])} for {levers[lever]}".replace("_", " ")
        return f"{actor} {' '.join(rest)}".replace("_", " ")
    if parts[0] in ("meetings", "shocks") and len(parts) > 1:
        labels = {m.name: m.label for m in scenario.meetings}
        name = labels.get(parts[1], parts[1].replace("_", " "))
        return " ".join([name, *parts[2:]]).replace("_", " ") if parts[2:] else name
    return " ".join(parts).replace("_", " ")


def key_meaning(key: str, scenario: Scenario) -> str:
    """One line saying what the key means, when the language documents it."""
    name = key.rsplit(".", 1)[-1]
    if ".behaviour." in key and name in PARAMS:
        info = PARAMS[name]
        return f"{key_label(key, scenario)}: {info.doc} (range {info.low:g}-{info.high:g})"
    if key.startswith("meetings.") and key.count(".") == 1:
        return f"{key_label(key, scenario)}: present = as in the scenario, absent = removed"
    return ""


def value_axis(outcome: oc.Outcome, runs: int) -> str:
    """What a colour bar or y axis shows, with its unit."""
    if outcome.kind == oc.PROBABILITY:
        return f"{outcome.description}\nshare of {runs} runs (0-1)"
    return f"{outcome.description}\nmean of {runs} runs"


def _caption(fig: Figure, lines: Sequence[str]) -> None:
    """Notes under the figure, wrapped to its width, with room kept for them below the axes."""
    w, h = fig.get_size_inches()
    width = max(40, int(w * 13))  # characters of 9.5 pt text per line
    text = "\n".join(textwrap.fill(line, width) for line in lines if line)
    fig.text(0.01, 0.005, text, ha="left", va="bottom", fontsize=9.5, color="#333333")
    bottom = min(0.45, (text.count("\n") + 1.6) * 0.165 / h)
    fig.get_layout_engine().set(rect=(0, bottom, 1, 1 - bottom))


def _ticks(values: Sequence) -> list[str]:
    return [f"{v:.3g}" if isinstance(v, float) else str(v) for v in values]


def heatmap_figure(scenario: Scenario, factors: Sequence[Factor], grid: np.ndarray,
                   outcome: oc.Outcome, runs: int, notes: Sequence[str] = ()) -> Figure:
    """``grid[i, j]``: the outcome's mean where factor 0 takes value i and factor 1 value j."""
    fx, fy = factors[0], factors[1]
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(10, 8.2), layout="constrained")
        lims = (0.0, 1.0) if outcome.kind == oc.PROBABILITY or outcome.id == "fit" else (
            np.nanmin(grid) if np.isfinite(grid).any() else 0,
            np.nanmax(grid) if np.isfinite(grid).any() else 1)
        image = ax.imshow(grid.T, origin="lower", aspect="auto", cmap="viridis",
                          vmin=lims[0], vmax=lims[1])
        ax.set_xticks(range(len(fx.values)), _ticks(fx.values))
        ax.set_yticks(range(len(fy.values)), _ticks(fy.values))
        ax.set_xlabel(key_label(fx.key, scenario))
        ax.set_ylabel(key_label(fy.key, scenario))
        if grid.size <= 225:
            mid = (lims[0] + lims[1]) / 2
            for (i, j), v in np.ndenumerate(grid):
                if math.isfinite(v):
                    ax.text(i, j, f"{v:.2f}" if abs(v) < 10 else f"{v:.0f}", ha="center",
                            va="center", fontsize=10, color="white" if v < mid else "black")
        bar = fig.colorbar(image, ax=ax)
        bar.set_label(value_axis(outcome, runs))
        ax.set_title(f"{scenario.title}\n{outcome.description}", loc="left")
        _caption(fig, [*(key_meaning(f.key, scenario) for f in factors), *notes])
    return fig


def lines_figure(scenario: Scenario, factors: Sequence[Factor], panels: Sequence[dict],
                 outcome: oc.Outcome, runs: int, notes: Sequence[str] = ()) -> Figure:
    """One panel per factor: the outcome against the factor's values, a line (numbers) or points
    (listed values) with a band. Each panel dict: ``x`` (values), ``mean``, ``low``, ``high``,
    ``band`` (what the band is), optionally ``points`` ((x, y) of every cell, for samples)."""
    n = len(panels)
    ncols = min(3, n)
    nrows = (n + ncols - 1) // ncols
    band_text = ""
    with plt.rc_context(STYLE):
        fig, axes = plt.subplots(nrows, ncols, figsize=(max(10, 6.2 * ncols), 4.6 * nrows + 1.6),
                                 squeeze=False, sharey=True, layout="constrained")
        for ax, factor, panel in zip(axes.flat, factors, panels, strict=False):
            x = np.arange(len(panel["x"])) if not factor.numeric else np.array(panel["x"], float)
            if panel.get("points") is not None:
                px, py = panel["points"]
                ax.scatter(px, py, s=14, alpha=0.5, color=OKABE_ITO[0], lw=0,
                           label="one cell (mean of its runs)")
            if factor.numeric and panel.get("points") is None:
                ax.fill_between(x, panel["low"], panel["high"], color=OKABE_ITO[0], alpha=0.2,
                                lw=0, label=panel["band"])
                ax.plot(x, panel["mean"], color=OKABE_ITO[0], lw=2.5, marker="o", label="mean")
            elif panel.get("points") is None:
                err = [np.subtract(panel["mean"], panel["low"]),
                       np.subtract(panel["high"], panel["mean"])]
                ax.errorbar(x, panel["mean"], yerr=err, fmt="o", ms=8, capsize=6,
                            color=OKABE_ITO[0], label=f"mean, bars: {panel['band']}")
                ax.set_xticks(x, _ticks(panel["x"]))
            band_text = panel["band"]
            ax.set_xlabel(key_label(factor.key, scenario))
            if outcome.kind == oc.PROBABILITY or outcome.id == "fit":
                ax.set_ylim(-0.03, 1.03)
            ax.legend(loc="best", frameon=False, fontsize=9)
        for ax in axes[:, 0]:
            ax.set_ylabel(value_axis(outcome, runs))
        for ax in list(axes.flat)[n:]:
            ax.set_visible(False)
        fig.suptitle(f"{scenario.title}\n{outcome.description}", fontsize=15, x=0.01,
                     ha="left")
        _caption(fig, [*(key_meaning(f.key, scenario) for f in factors),
                       f"Band: {band_text}." if band_text else "", *notes])
    return fig


def tornado_figure(scenario: Scenario, rows: Sequence[dict], outcome: oc.Outcome,
                   index: str, conf: str, index_text: str, notes: Sequence[str] = ()) -> Figure:
    """Ranked horizontal bars of one outcome's sensitivity index, largest on top, with the 95 %
    confidence interval; ``rows`` hold ``label``, ``index`` and ``conf`` values."""
    rows = sorted(rows, key=lambda r: -np.nan_to_num(r[index], nan=-1.0))
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(10, 1.6 + 0.34 * len(rows)), layout="constrained")
        y = np.arange(len(rows))[::-1]
        values = np.array([r[index] for r in rows], dtype=float)
        errs = np.array([r[conf] for r in rows], dtype=float)
        errs = np.nan_to_num(errs)
        lower = np.minimum(errs, values) if index_text.startswith("μ*") else errs  # μ* >= 0
        ax.barh(y, values, xerr=[lower, errs], color=OKABE_ITO[0], alpha=0.85,
                error_kw={"ecolor": "#333333", "capsize": 3, "lw": 1})
        ax.set_yticks(y, [r["label"] for r in rows])
        ax.set_xlabel(index_text)
        ax.axvline(0, color="#333333", lw=0.8)
        ax.set_title(f"{scenario.title}\nWhat moves {outcome.description}", loc="left")
        _caption(fig, ["Bars: the index; whiskers: its 95 % confidence interval "
                       "(bootstrap). Longer bar = the outcome depends more on that value.",
                       *notes])
    return fig


def _band_text(outcome: oc.Outcome) -> str:
    return ("95 % interval of the share" if outcome.kind == oc.PROBABILITY
            else "10-90 % of runs")


def sweep_figure(result, scenario: Scenario, outcome: oc.Outcome, design: str) -> Figure:
    """The figure for one outcome of a sweep (``sim.experiments.sweep.SweepResult``): a heatmap
    for two varied keys, lines with bands for one, small multiples beyond or for samples."""
    factors, cells = result.factors, result.cells
    summary = result.summary[outcome.id]
    notes = [f"Each cell: {result.runs} runs on the same seeds as every other cell (common "
             f"random numbers, base seed {result.base_seed})."]
    if result.partial:
        notes.append(f"INTERRUPTED: {result.written} of {len(cells)} cells finished; the rest "
                     "are blank.")
    if design == "full" and len(factors) == 2:
        grid = summary[:, 0].reshape(len(factors[0].values), len(factors[1].values))
        return heatmap_figure(scenario, factors, grid, outcome, result.runs, notes)
    panels = []
    for k, factor in enumerate(factors):
        column = [cell[k] for cell in cells]
        if design != "full":
            xs = column if factor.numeric else [factor.values.index(v) for v in column]
            panels.append({"x": factor.values, "mean": [], "low": [], "high": [], "band": "",
                           "points": (np.array(xs, dtype=float), summary[:, 0])})
            continue
        rows = [[c for c, v in enumerate(column) if v == value] for value in factor.values]
        if len(factors) == 1:
            mean, low, high = (summary[[r[0] for r in rows], j] for j in range(3))
            band = _band_text(outcome)
        else:  # main effect: the mean over the other keys' values, band their range
            means = [summary[r, 0] for r in rows]
            mean = [np.nanmean(m) if np.isfinite(m).any() else np.nan for m in means]
            low = [np.nanmin(m) if np.isfinite(m).any() else np.nan for m in means]
            high = [np.nanmax(m) if np.isfinite(m).any() else np.nan for m in means]
            band = "lowest to highest cell over the other keys' values"
        panels.append({"x": factor.values, "mean": mean, "low": low, "high": high,
                       "band": band})
    if design != "full":
        notes.append(f"Latin-hypercube design: {len(cells)} cells, each point one cell.")
    return lines_figure(scenario, factors, panels, outcome, result.runs, notes)

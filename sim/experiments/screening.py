"""Screening before a calibration: which free values move the distance at all (Morris, SALib).

A record of a few weeks cannot see every disposition; a value it cannot see can be neither
estimated nor tested by it, and fitting it anyway only spreads the sampler's runs over directions
that do not matter (the ABC-SMC weights then collapse). So `sim calibrate` first runs a Morris
screen (elementary effects, Morris 1991, with Campolongo's mu*, as `sim sensitivity --method
morris` does) over every free value's prior, on the calibration's own distance (the mean over
episodes of ``1 - behaviour fit``), and fits only the values whose mu* is distinguishable from
zero: the lower end of its 95 % bootstrap interval (SALib's) is above zero. The others stay at
their scenario values and are listed with their mu*.

Noise: each point is the mean of ``runs`` runs on the same run numbers as every other point
(common random numbers), so a value that changes nothing has elementary effects of exactly zero.
The screen's runs use run numbers from ``SCREEN_OFFSET`` on, which the sampler never uses.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sim.experiments.abc_smc import Problem, evaluate
from sim.experiments.sensitivity import MORRIS_LEVELS, RESAMPLES

INSET = 0.01  # Morris's levels include the bounds; a weight of exactly 0 on every priority is
# not a scenario, so the screen's levels stand a hundredth of the range inside them
SCREEN_OFFSET = 2_000_000  # run numbers of the screen: disjoint from the fit's and the checks'
FILE = "screen.csv"


@dataclass(frozen=True)
class ScreenRow:
    """One free value's Morris indices on the distance, and whether the calibration fits it."""

    key: str
    mu_star: float
    mu_star_conf: float
    sigma: float
    kept: bool


def _point(problem: Problem, task: tuple) -> tuple[int, float]:
    p, theta, runs = task
    d = [evaluate(problem, (SCREEN_OFFSET + j, theta, np.inf, None))[1] for j in range(runs)]
    return p, float(np.mean(d))


def runs_needed(values: int, trajectories: int, runs: int) -> int:
    """Evaluations a screen of ``values`` values takes."""
    return (values + 1) * trajectories * runs


def screen(problem: Problem, *, trajectories: int, runs: int, mapper, seed: int,
           progress=None) -> list[ScreenRow]:
    """Morris indices of every free value of ``problem`` on its distance (module doc)."""
    from SALib.analyze import morris as analyse
    from SALib.sample import morris as sample

    names = [p.key for p in problem.priors]
    salib = {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}
    unit = sample.sample(salib, N=trajectories, num_levels=MORRIS_LEVELS, seed=seed)
    low = np.array([p.low for p in problem.priors])
    high = np.array([p.high for p in problem.priors])
    inset = INSET + (1 - 2 * INSET) * unit
    tasks = [(i, tuple(low + u * (high - low)), runs) for i, u in enumerate(inset)]
    y = np.empty(len(tasks))
    for done, (i, value) in enumerate(mapper(_point, problem, tasks), start=1):
        y[i] = value
        if progress:
            progress(done * runs, len(tasks) * runs)
    res = analyse.analyze(salib, unit, y, num_resamples=RESAMPLES, conf_level=0.95,
                          num_levels=MORRIS_LEVELS, seed=seed)
    return [ScreenRow(k, float(res["mu_star"][i]), float(res["mu_star_conf"][i]),
                      float(res["sigma"][i]),
                      bool(res["mu_star"][i] - res["mu_star_conf"][i] > 0))
            for i, k in enumerate(names)]


def save(folder: Path, rows: list[ScreenRow]) -> None:
    """``screen.csv``, most influential first (written whole, then renamed)."""
    tmp = folder / (FILE + ".tmp")
    with tmp.open("w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["key", "mu_star", "mu_star_conf", "sigma", "kept"])
        for r in sorted(rows, key=lambda r: -r.mu_star):
            w.writerow([r.key, repr(r.mu_star), repr(r.mu_star_conf), repr(r.sigma),
                        int(r.kept)])
    tmp.replace(folder / FILE)


def load(folder: Path) -> list[ScreenRow] | None:
    """The screen a calibration in ``folder`` ran already (None if none)."""
    path = folder / FILE
    if not path.exists():
        return None
    with path.open() as fh:
        return [ScreenRow(r["key"], float(r["mu_star"]), float(r["mu_star_conf"]),
                          float(r["sigma"]), r["kept"] == "1") for r in csv.DictReader(fh)]


def report(rows: list[ScreenRow]) -> str:
    """Lines for the terminal: what is fitted and what stays at the scenario's value."""
    kept = [r for r in rows if r.kept]
    fixed = sorted((r for r in rows if not r.kept), key=lambda r: -r.mu_star)
    out = [f"screen (Morris, mu* of the distance, 95 % interval): {len(kept)} of {len(rows)} "
           "values move the distance and are fitted"]
    if fixed:
        out.append("  kept at their scenario values (mu* not distinguishable from zero): "
                   + ", ".join(f"{r.key} ({r.mu_star:.3f} ± {r.mu_star_conf:.3f})"
                               for r in fixed))
    return "\n".join(out)

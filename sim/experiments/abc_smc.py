"""Approximate Bayesian computation by sequential Monte Carlo (ABC-SMC), over the executors.

The algorithm is Beaumont et al. (2009) "adaptive ABC-PMC" with the tolerance schedule of Del
Moral et al. (2012) reduced to its usual form:

1. Generation 0: ``population`` draws from the uniform priors (``sim.experiments.priors``).
2. The tolerance of generation g is the ``QUANTILE`` of the accepted distances of generation g-1
   (when ties keep it at g-1's tolerance, the largest of g-1's distances below that: ``tolerance``).
3. Generation g proposes by picking a particle of g-1 by weight and moving it with a Gaussian
   kernel of twice the weighted variance of g-1 (per value; a value stepping outside its prior is
   stepped again, so the kernel is truncated per value; its normalising constant is left out of
   the weights, the usual approximation); a proposal is accepted when its run's distance is
   within the tolerance.
4. Weights: prior density over the kernel mixture density; the priors are uniform, so
   ``w ∝ 1 / Σ_j w_j K(θ | θ_j)``.
5. Stop when the budget (total runs) is spent; the posterior is the last complete generation.

Distance: ``1 - behaviour fit`` of one run (``sim.record.behaviour_score``) on the record given
(``--until`` passes only the observations and moves that end before the date), or the adaptive
distance, over one episode or several (``sim.experiments.distance``). With the adaptive distance,
generation g's weights come from generation g-1's accepted summaries and its tolerance is the
``QUANTILE`` of g-1's distances recomputed under them (the weights change, so the tie rule below
is not needed); generation 0's distances are computed after it under its own weights.

Reproducible: proposals of batch b of generation g are drawn from ``SeedSequence([base, g, b])``
and run k (counting every run of the calibration) uses ``ensemble.seed_for(base, k)``; results are
stored by index, so serial and parallel give the same posterior. Each finished generation is
written to ``DIR/generations/gen-NNN.csv`` at once: Ctrl-C keeps them, and a second call with the
same folder resumes after the last one (the "database").
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from sim.engine.spec import Scenario
from sim.experiments import distance as dist
from sim.experiments.priors import Prior
from sim.record.documents import Record

QUANTILE = 0.5


@dataclass
class Problem:
    """What every worker needs: the scenario, the free values and the record to fit; or, for a
    calibration over several episodes, the episodes (``scenario`` and ``record`` are then the
    first episode's); and which distance (``sim.experiments.distance.KINDS``)."""

    scenario: Scenario
    priors: list[Prior]
    record: Record
    episodes: list[dist.Episode] = field(default_factory=list)
    kind: str = "fit"

    def parts(self) -> list[dist.Episode]:
        """The episodes, cheapest (fewest days) first; one episode when none were given."""
        if not self.episodes:
            self.episodes = [dist.Episode(self.scenario.name, self.scenario, self.record,
                                          tuple(p.key for p in self.priors))]
        return sorted(self.episodes, key=lambda ep: ep.scenario.days)


@dataclass
class Generation:
    """One population: parameters (particles x values), weights, distances, tolerance."""

    index: int
    theta: np.ndarray
    weights: np.ndarray
    distances: np.ndarray
    epsilon: float
    runs_used: int  # runs spent in total up to and including this generation
    summaries: np.ndarray | None = None  # (particles, misses) of ``distance.misses``
    fits: np.ndarray | None = None  # (particles, episodes): each episode's behaviour fit


def distance(problem: Problem, task: tuple[int, tuple[float, ...]]) -> tuple[int, float]:
    """Run every episode with one parameter vector (run number ``task[0]``): the mean over
    episodes of 1 - behaviour fit."""
    k, theta = task
    return k, dist.evaluate(problem.parts(), (k, theta, np.inf, None))[1]


def evaluate(problem: Problem, task: tuple) -> tuple:
    """``distance.evaluate`` over the problem's episodes (what the workers run)."""
    return dist.evaluate(problem.parts(), task)


Mapper = Callable[[Callable, Problem, list], object]


def scales(problem: Problem, gens: list[Generation]) -> np.ndarray | None:
    """The adaptive distance's weights for the next generation (None: the ``fit`` distance, or
    generation 0, whose weights come from its own summaries once it is complete)."""
    if problem.kind != "adaptive" or not gens:
        return None
    return dist.scales_from(problem.parts(), gens[-1].summaries)


def tolerance(gens: list[Generation], problem: Problem | None = None,
              weights: np.ndarray | None = None) -> float:
    """The next generation's tolerance: the ``QUANTILE`` of the last accepted distances; when
    ties at the last tolerance keep it from falling (the score takes few distinct values), the
    largest last distance below it. Under adaptive ``weights``: the quantile of the last
    generation's distances recomputed with them."""
    if not gens:
        return np.inf
    if weights is not None and problem is not None:
        d = dist.distances(problem.parts(), gens[-1].summaries, gens[-1].fits, weights)
        return float(np.quantile(d, QUANTILE))
    d = gens[-1].distances
    eps = float(np.quantile(d, QUANTILE))
    if eps >= gens[-1].epsilon and np.any(d < gens[-1].epsilon):
        eps = float(d[d < gens[-1].epsilon].max())
    return eps


def _prior_draw(priors: list[Prior], rng: np.random.Generator, n: int) -> np.ndarray:
    low = np.array([p.low for p in priors])
    high = np.array([p.high for p in priors])
    return rng.uniform(low, high, size=(n, len(priors)))


def _propose(prev: Generation, priors: list[Prior], rng: np.random.Generator, n: int
             ) -> np.ndarray:
    low = np.array([p.low for p in priors])
    high = np.array([p.high for p in priors])
    sd = np.sqrt(2 * _weighted_var(prev.theta, prev.weights)) + 1e-12
    base = prev.theta[rng.choice(len(prev.weights), size=n, p=prev.weights)]
    out = base + rng.normal(0, sd, size=base.shape)
    bad = (out < low) | (out > high)
    while bad.any():  # each value outside its prior is stepped again (truncated kernel)
        rows, cols = np.nonzero(bad)
        out[rows, cols] = base[rows, cols] + rng.normal(0, sd[cols])
        bad = (out < low) | (out > high)
    return out


def _weighted_var(theta: np.ndarray, w: np.ndarray) -> np.ndarray:
    mean = w @ theta
    return w @ (theta - mean) ** 2


def _weights(theta: np.ndarray, prev: Generation) -> np.ndarray:
    sd = np.sqrt(2 * _weighted_var(prev.theta, prev.weights)) + 1e-12
    z = (theta[:, None, :] - prev.theta[None, :, :]) / sd
    kernel = np.exp(-0.5 * (z ** 2).sum(axis=2))  # the constant cancels on normalising
    w = 1.0 / (kernel @ prev.weights)
    return w / w.sum()


def run(problem: Problem, *, budget: int, population: int, mapper: Mapper, folder: Path,
        progress: Callable[[int, int], None] | None = None) -> tuple[list[Generation], bool]:
    """ABC-SMC within ``budget`` runs (module doc); resumes from ``folder``. Returns the
    generations and whether Ctrl-C stopped it."""
    gens = load_generations(folder, problem.priors)
    used = gens[-1].runs_used if gens else 0
    base = problem.scenario.seed
    try:
        while used + population <= budget:
            g = len(gens)
            weights = scales(problem, gens)
            eps = tolerance(gens, problem, weights)
            thetas, dists, sums, fits, batch = [], [], [], [], 0
            while len(thetas) < population and used + population <= budget:
                rng = np.random.default_rng(np.random.SeedSequence([base, g, batch]))
                cand = (_prior_draw(problem.priors, rng, population) if not gens
                        else _propose(gens[-1], problem.priors, rng, population))
                tasks = [(used + i, tuple(c), eps, weights) for i, c in enumerate(cand)]
                d = np.empty(population)
                found: list = [None] * population
                for done, (k, dk, sk, fk) in enumerate(mapper(evaluate, problem, tasks), 1):
                    d[k - used], found[k - used] = dk, (sk, fk)
                    if progress:
                        progress(used + done, budget)
                used += population
                batch += 1
                keep = d <= eps
                thetas += list(cand[keep])
                dists += list(d[keep])
                sums += [found[i][0] for i in np.flatnonzero(keep)]
                fits += [found[i][1] for i in np.flatnonzero(keep)]
            if len(thetas) < population:
                break  # the budget ran out inside this generation: it is not complete
            theta = np.array(thetas[:population])
            summ, fit = np.array(sums[:population]), np.array(fits[:population])
            dd = np.array(dists[:population])
            if problem.kind == "adaptive" and not gens:  # generation 0: its own weights
                dd = dist.distances(problem.parts(), summ, fit,
                                    dist.scales_from(problem.parts(), summ))
            w = (np.full(population, 1 / population) if not gens
                 else _weights(theta, gens[-1]))
            gen = Generation(g, theta, w, dd, eps, used, summ, fit)
            save_generation(folder, problem.priors, gen)
            gens.append(gen)
    except KeyboardInterrupt:
        return gens, True
    return gens, False


# -- the database: one CSV per finished generation -------------------------------------------------
def _path(folder: Path, g: int) -> Path:
    return folder / "generations" / f"gen-{g:03d}.csv"


def _side(folder: Path, g: int, what: str) -> Path:
    return folder / "generations" / f"gen-{g:03d}-{what}.csv"


def save_generation(folder: Path, priors: list[Prior], gen: Generation) -> None:
    """Write one generation (written to a temporary name first: a half file is never read)."""
    path = _path(folder, gen.index)
    path.parent.mkdir(parents=True, exist_ok=True)
    for what, data in (("summaries", gen.summaries), ("fits", gen.fits)):
        if data is not None:  # written before the generation: a generation file means both
            side = _side(folder, gen.index, what)
            np.savetxt(side.with_suffix(".tmp"), data, fmt="%.17g", delimiter=",")
            side.with_suffix(".tmp").replace(side)
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["weight", "distance", "epsilon", "runs_used", *(p.key for p in priors)])
        for theta, weight, dd in zip(gen.theta, gen.weights, gen.distances, strict=True):
            w.writerow([repr(float(weight)), repr(float(dd)), repr(gen.epsilon),
                        gen.runs_used, *(repr(float(v)) for v in theta)])
    tmp.replace(path)


def load_generations(folder: Path, priors: list[Prior]) -> list[Generation]:
    """The generations already in ``folder`` (none if it is new); they must match ``priors``."""
    gens: list[Generation] = []
    while _path(folder, len(gens)).exists():
        with _path(folder, len(gens)).open() as fh:
            rows = list(csv.reader(fh))
        keys = rows[0][4:]
        if keys != [p.key for p in priors]:
            from sim.errors import UserError

            raise UserError(str(folder), "holds a calibration of other free values; use a new "
                            "--out folder or the same priors")
        data = np.array([[float(v) for v in r] for r in rows[1:]])
        side = [np.loadtxt(_side(folder, len(gens), what), delimiter=",", ndmin=2)
                if _side(folder, len(gens), what).exists() else None
                for what in ("summaries", "fits")]
        gens.append(Generation(len(gens), data[:, 4:], data[:, 0], data[:, 1],
                               float(data[0, 2]), int(data[0, 3]), *side))
    return gens

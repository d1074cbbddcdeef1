"""ABC-SMC through pyabc (the optional extra ``calibrate``: ``pip install -e '.[calibrate]'``).

pyabc (Schälte et al. 2022, "pyABC: Efficient and robust easy-to-use approximate Bayesian
computation", JOSS) runs the algorithm: the uniform priors, its default multivariate normal
transition (Silverman bandwidth, refitted every generation),
``QuantileEpsilon`` at the weighted median of the previous generation's distances (starting at
infinity, so generation 0 is the prior and no separate calibration sample is spent; with the
built-in sampler's rule for ties), its
importance weights, and its SQLite database (``DIR/pyabc.db``), which holds every finished
generation: ``ABCSMC.load`` continues a calibration from it (``--resume``).

*Bounded values, unbounded kernel.* pyabc proposes a whole vector and draws again when any value
falls outside its prior; with 35 values near their bounds almost every proposal does, and a
generation never ends. So pyabc works on ``z = logit((θ - low) / (high - low))`` with the prior
``Logistic(0, 1)``: if θ is uniform on [low, high], z is exactly logistic, so the prior (and the
posterior of θ) is the same, and every proposal is valid. The database holds z; ``generations``
turns it back into θ.

What is the project's own is the sampler (``SeededSampler``), for two reasons:

* *Reproducible for a seed whatever ``--jobs``.* pyabc's multicore and mapping samplers reseed
  every worker from the operating system, so two calibrations with the same seed differ and
  ``--jobs`` changes them (principle 5). Here evaluation ``i`` of generation ``t`` seeds numpy's
  global generator (which pyabc draws proposals from) with ``SeedSequence([base, t + 1, i])``,
  the model's run seed is drawn from it, results are kept by index, and the population is the
  first ``n`` accepted evaluations in index order: serial and parallel give the same database.
* *The budget is a budget.* pyabc checks ``max_total_nr_simulations`` between generations only;
  the sampler stops inside a generation that would overrun it (the generation is not stored:
  the same rule as the built-in sampler).

Evaluations run in batches over one process pool kept for the whole calibration (started
before pyabc, so it forks cleanly); Ctrl-C stops the pool and leaves the finished generations
in the database.
"""

from __future__ import annotations

import importlib.util
import logging
import math
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np

from sim.experiments import interrupts
from sim.experiments.abc_smc import Generation, Problem, distance
from sim.experiments.pool import ProcessPool

DB_NAME = "pyabc.db"
CORRELATED = 4  # particles per free value needed to use pyabc's joint (correlated) kernel


def available() -> bool:
    """Whether pyabc is installed (it is an optional extra)."""
    return importlib.util.find_spec("pyabc") is not None


class Model:
    """The model pyabc calls with a parameter dict: one run, summarised by its distance
    (``1 - behaviour fit``, ``sim.experiments.abc_smc.distance``). The run's seed comes from
    numpy's global generator, which ``SeededSampler`` seeds per evaluation."""

    def __init__(self, problem: Problem):
        self.problem = problem

    def __call__(self, par) -> dict:
        k = int(np.random.randint(0, 2**62))  # the run number that seeds this run
        z = np.array([float(par[p.key]) for p in self.problem.priors])
        return {"d": distance(self.problem, (k, tuple(to_theta(self.problem, z))))[1]}


def to_theta(problem: Problem, z: np.ndarray) -> np.ndarray:
    """Values from pyabc's logit scale (module doc), per column of ``z``."""
    low = np.array([p.low for p in problem.priors])
    high = np.array([p.high for p in problem.priors])
    return low + (high - low) / (1.0 + np.exp(-z))


def _distance(x: dict, x0: dict) -> float:
    return float(x["d"])


def _evaluate(job: tuple[bytes, int, int, list[int]]) -> list[tuple[int, object]]:
    """Worker side: evaluations ``ids`` of pyabc's ``simulate_one``, each with its own seed."""
    import cloudpickle

    blob, base, t, ids = job
    fn = cloudpickle.loads(blob)
    out = []
    for i in ids:
        seed = np.random.SeedSequence([base, t + 1, i]).generate_state(1)[0]
        np.random.seed(int(seed))
        out.append((i, fn()))
    return out


def _evaluate_chunk(context: None, job: tuple[bytes, int, int, list[int]]) -> list:
    return _evaluate(job)


def _pool(jobs: int) -> ProcessPool | None:
    """One process pool for the whole calibration (started before pyabc starts anything; its
    workers ignore signals and are stopped by this process: ``sim.experiments.pool``)."""
    if jobs <= 1:
        return None
    return ProcessPool(None, jobs).__enter__()


def _map(pool, blob: bytes, base: int, t: int, ids: list[int]):
    """Every evaluation of ``ids``, in chunks (the pickled ``simulate_one`` travels once per
    chunk), in the order they finish."""
    if pool is None:
        for i in ids:
            interrupts.check()  # a signal held back (interrupts.polled) stops here
            yield from _evaluate((blob, base, t, [i]))
        return
    size = max(1, min(8, len(ids) // (pool.jobs * 4)))
    chunks = [(blob, base, t, ids[k:k + size]) for k in range(0, len(ids), size)]
    for part in pool.map(_evaluate_chunk, chunks):
        yield from part


def seeded_sampler(base: int, pool, jobs: int, budget: int, used: int,
                   progress: Callable[[int, int], None] | None = None):
    """A pyabc sampler over ``jobs`` processes, reproducible for ``base`` (module doc), that
    stops a generation that would take the runs past ``budget`` (``used`` spent already)."""
    import cloudpickle
    from pyabc.sampler import Sampler

    class SeededSampler(Sampler):
        """pyabc's sampler interface over the project's process pool: evaluation ``i`` of
        generation ``t`` is seeded from ``(base, t, i)``; the population is the first ``n``
        accepted in index order; a generation that would overrun the budget is abandoned."""

        def __init__(self):
            super().__init__()
            self.used = used

        def sample_until_n_accepted(self, n, simulate_one, t, *, max_eval=np.inf,
                                    all_accepted=False, ana_vars=None):
            del all_accepted, ana_vars  # pyabc's interface: not used by this sampler
            blob = cloudpickle.dumps(simulate_one)
            sample = self._create_empty_sample()
            accepted = start = 0
            rate = 1.0
            while accepted < n:
                size = max(jobs, math.ceil((n - accepted) / max(rate, 0.02)))
                size = int(min(size, budget - self.used - start, max_eval - start))
                if size <= 0:
                    sample.ok = False
                    break
                results: list = [None] * size
                ids = list(range(start, start + size))
                for done, (i, particle) in enumerate(_map(pool, blob, base, t, ids), start=1):
                    results[i - start] = particle
                    if progress:
                        progress(self.used + start + done, budget)
                for particle in results:  # index order: the same whatever finished first
                    if accepted == n:
                        break
                    sample.append(particle)
                    accepted += bool(particle.accepted)
                start += size
                rate = max(accepted / start, 1e-9)
            self.nr_evaluations_ = start
            self.used += start
            return sample

    return SeededSampler()


def run(problem: Problem, *, budget: int, population: int, jobs: int, folder: Path,
        resume: bool, progress: Callable[[int, int], None] | None = None
        ) -> tuple[list[Generation], bool]:
    """ABC-SMC through pyabc within ``budget`` runs, its database in ``folder``; continues the
    database when ``resume``. Returns the finished generations and whether Ctrl-C stopped it."""
    import pyabc

    # pyabc logs every step at INFO, and warns that the total weight is near zero: expected here,
    # as the kernel density is used without its constant (weights are normalised after); our own
    # effective-sample-size line says when the weights really degenerate
    logging.getLogger("ABC").setLevel(logging.ERROR)
    db = folder / DB_NAME
    url = f"sqlite:///{db.resolve()}"
    prior = pyabc.Distribution(**{p.key: pyabc.RV("logistic", 0, 1) for p in problem.priors})
    used = 0
    if resume:
        history = pyabc.History(url)
        _check_keys(history, problem, folder)
        used = int(history.total_nr_simulations)
    pool = _pool(jobs)
    sampler = seeded_sampler(problem.scenario.seed, pool, jobs, budget, used, progress)
    abc = pyabc.ABCSMC(Model(problem), prior, _distance, population_size=population,
                       transitions=transition(problem, population),
                       eps=tolerance_schedule(),
                       sampler=sampler)
    if resume:
        abc.load(url, 1)
    else:
        abc.new(url, {"d": 0.0})
    stopped = False
    try:
        if used + population <= budget:
            with warnings.catch_warnings():  # pyabc compares generation 0's infinite tolerance
                warnings.simplefilter("ignore", RuntimeWarning)
                abc.run(max_total_nr_simulations=budget)
    except KeyboardInterrupt:
        stopped = True
    finally:
        if pool is not None:
            pool.stop()
    return generations(pyabc.History(url), problem), stopped


def tolerance_schedule():
    """pyabc's ``QuantileEpsilon`` at the weighted median, starting at infinity, with the
    built-in sampler's rule for ties (``sim.experiments.abc_smc.tolerance``): when many runs
    score the same distance the median equals the last tolerance and would stay there for
    generation after generation; then the largest distance below it is taken."""
    import pyabc

    class TiedQuantileEpsilon(pyabc.QuantileEpsilon):
        """The weighted median of the last distances, moved below the last tolerance on ties."""

        def _update(self, t, weighted_distances):
            super()._update(t, weighted_distances)
            prev = self._look_up.get(t - 1)
            d = weighted_distances.distance.to_numpy(dtype=float)
            if prev is not None and np.isfinite(prev) and self._look_up[t] >= prev \
                    and np.any(d < prev):
                self._look_up[t] = float(d[d < prev].max())

    return TiedQuantileEpsilon(initial_epsilon=np.inf, alpha=0.5)


def transition(problem: Problem, population: int):
    """pyabc's multivariate normal kernel when the population is large enough to estimate a
    covariance of every value (``CORRELATED`` particles per value); otherwise one normal kernel
    per value (``AggregatedTransition``), as the built-in sampler does: with fewer particles
    than values the joint covariance is singular and the importance weights are undefined."""
    import pyabc

    if population >= CORRELATED * len(problem.priors):
        return normal_transition()
    return pyabc.AggregatedTransition({p.key: normal_transition() for p in problem.priors})


def normal_transition():
    """pyabc's ``MultivariateNormalTransition`` with its covariance factored once per
    generation. pyabc draws each proposal with ``np.random.multivariate_normal``, which takes a
    singular value decomposition of the covariance on every call: with 40-odd values that cost
    several times the model run itself. The factor is the one numpy computes
    (``sqrt(s) * vh`` of ``svd(cov)``), applied to the same standard normal draws.

    Its density leaves out the normal's constant ``(2 pi)^(-d/2) det(cov)^(-1/2)``: with 40-odd
    values and a narrow kernel that constant under- or overflows a float, the importance weights
    (prior density over kernel density) become 0/0, and pyabc stops on "total weight nan". The
    constant is the same for every particle of a generation, so normalised weights are
    unchanged."""
    import pandas as pd
    import pyabc

    class FactoredNormalTransition(pyabc.MultivariateNormalTransition):
        """The same kernel; the factor of its covariance kept from ``fit``."""

        def fit(self, X: pd.DataFrame, w: np.ndarray) -> None:
            super().fit(X, w)
            _, s, vh = np.linalg.svd(self.cov)
            self._factor = np.sqrt(s)[:, None] * vh
            self._whiten = vh.T / np.sqrt(np.maximum(s, 1e-300))

        def pdf(self, x):
            single = isinstance(x, pyabc.Parameter | pd.Series)
            arr = (np.array([[x[k] for k in self.X.columns]]) if single
                   else x[self.X.columns].to_numpy())
            dens = np.concatenate([self._density(arr[k:k + 64])
                                   for k in range(0, len(arr), 64)])
            return float(dens[0]) if single else dens

        def _density(self, rows: np.ndarray) -> np.ndarray:
            z = (rows[:, None, :] - self._X_arr[None, :, :]) @ self._whiten
            return np.exp(-0.5 * (z ** 2).sum(axis=2)) @ self.w

        def rvs_single(self):
            sample = self.X.iloc[np.random.choice(self._range, p=self.w, replace=True)]
            step = np.random.standard_normal(self._factor.shape[0]) @ self._factor
            return pyabc.Parameter(sample + step)

    return FactoredNormalTransition()


def _check_keys(history, problem: Problem, folder: Path) -> None:
    if history.max_t < 0:
        return
    df, _ = history.get_distribution(m=0, t=0)
    if sorted(df.columns) != sorted(p.key for p in problem.priors):
        from sim.errors import UserError

        raise UserError(str(folder), "holds a calibration of other free values; use a new "
                        "--out folder or the same priors")


def generations(history, problem: Problem) -> list[Generation]:
    """The finished generations in a pyabc database, as the built-in sampler's ``Generation``."""
    if history.max_t < 0:
        return []
    pops = history.get_all_populations()
    pops = pops[pops["t"] >= 0].sort_values("t")
    keys = [p.key for p in problem.priors]
    out, used = [], 0
    for row in pops.itertuples():
        t = int(row.t)
        df, w = history.get_distribution(m=0, t=t)
        d = history.get_weighted_distances(t=t)
        used += int(row.samples)
        theta = to_theta(problem, df[keys].to_numpy(dtype=float))
        out.append(Generation(t, theta, np.asarray(w, dtype=float),
                              d["distance"].to_numpy(dtype=float), float(row.epsilon), used))
    return out


def database_has_generations(folder: Path) -> bool:
    """Whether ``folder`` holds a pyabc database (a calibration to resume or keep)."""
    return (folder / DB_NAME).exists()

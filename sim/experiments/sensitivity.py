"""Global sensitivity analysis with SALib: which dispositions (or structural choices) move which
outcomes, over their whole ranges at once.

Factors. By default every behaviour parameter of every side, over the range the engine documents
for it (``sim.engine.behaviour.PARAMS``). ``--params`` names others: a behaviour key alone (its
documented range), ``KEY=LOW:HIGH``, or ``KEY=V1,V2,...`` for listed values, such as
``meetings.leaders_call=present,absent`` (a structural factor). SALib works in the unit cube;
each factor maps its coordinate ``u`` to a value (``design.Factor.at``): numbers linearly, listed
values in equal shares of [0, 1].

Methods. ``morris`` (elementary effects, Morris 1991, with Campolongo's mu*): ``samples``
trajectories of k + 1 points; mu* is the mean absolute change in the outcome when a factor moves
across its whole range (in the outcome's units), sigma the spread of that change (non-linearity
and interactions). ``sobol`` (Saltelli's scheme, first-order and total indices, no second
order): ``samples`` x (k + 2) points; S1 is the share of the outcome's variance a factor explains
on its own, ST the share it is involved in with interactions. Confidence intervals (95 %) come
from SALib's bootstrap.

Noise. The model is stochastic: each sample point is the mean of ``runs`` runs on the same seeds
as every other point (common random numbers), so the differences between points come from the
factors, not from luck. Points are run with the sweep machinery (streamed ``samples.csv``, any
executor).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from sim.engine.behaviour import PARAMS
from sim.engine.spec import Scenario
from sim.errors import UserError
from sim.experiments.design import Factor, parse_factor
from sim.record import outcomes as oc

METHODS = ("morris", "sobol")
MORRIS_LEVELS = 4
RESAMPLES = 1000
INDICES = {"morris": ("mu_star", "mu_star_conf", "mu", "sigma"),
           "sobol": ("ST", "ST_conf", "S1", "S1_conf")}
MAIN = {"morris": ("mu_star", "mu_star_conf"), "sobol": ("ST", "ST_conf")}


def default_params(scenario: Scenario) -> list[Factor]:
    """Every behaviour parameter of every side, over its documented range."""
    return [Factor(f"actors.{actor}.behaviour.{name}", (info.low, info.high), info.low,
                   info.high) for actor in scenario.actors for name, info in PARAMS.items()]


def parse_params(items: list[str], scenario: Scenario) -> list[Factor]:
    """``--params`` items as factors (module doc); the defaults when there are none."""
    if not items:
        return default_params(scenario)
    out = []
    for item in items:
        if "=" in item:
            out.append(parse_factor(item, "--params"))
            continue
        name = item.rsplit(".", 1)[-1]
        if ".behaviour." not in item or name not in PARAMS:
            raise UserError("--params", f"`{item}` has no documented range: give one as "
                            f"{item}=LOW:HIGH, or values as {item}=V1,V2")
        info = PARAMS[name]
        out.append(Factor(item, (info.low, info.high), info.low, info.high))
    keys = [f.key for f in out]
    dup = next((k for k in keys if keys.count(k) > 1), None)
    if dup:
        raise UserError("--params", f"`{dup}` is named twice")
    if len(out) < 2:
        raise UserError("--params", "a sensitivity analysis needs at least two factors")
    return out


def problem(factors: list[Factor]) -> dict:
    return {"num_vars": len(factors), "names": [f.key for f in factors],
            "bounds": [[0.0, 1.0]] * len(factors)}


def sample(method: str, factors: list[Factor], samples: int, seed: int) -> np.ndarray:
    """The design's points in the unit cube (rows), reproducible from ``seed``."""
    if method not in METHODS:
        raise UserError("--method", f"must be one of {', '.join(METHODS)}, found {method!r}")
    if samples < 2:
        raise UserError("--samples", f"must be at least 2, found {samples}")
    if method == "morris":
        from SALib.sample import morris

        return morris.sample(problem(factors), N=samples, num_levels=MORRIS_LEVELS, seed=seed)
    from SALib.sample import sobol

    if samples & (samples - 1):
        raise UserError("--samples", f"Sobol sampling needs a power of two, found {samples} "
                        f"(try {1 << samples.bit_length()})")
    return sobol.sample(problem(factors), samples, calc_second_order=False, seed=seed)


def cells_of(factors: list[Factor], points: np.ndarray) -> list[tuple]:
    return [tuple(f.at(float(u)) for f, u in zip(factors, row, strict=True)) for row in points]


@dataclass
class Indices:
    """One outcome's indices for every factor (arrays in factor order), or why there are none."""

    outcome: oc.Outcome
    values: dict[str, np.ndarray] = field(default_factory=dict)
    skipped: str = ""  # why not analysed (undefined in some points, or constant)


def analyse(method: str, factors: list[Factor], points: np.ndarray, y: np.ndarray,
            outcome: oc.Outcome, seed: int) -> Indices:
    """SALib's indices of one outcome (``y``: its mean at every point)."""
    if not np.isfinite(y).all():
        return Indices(outcome, skipped="not defined at every point (e.g. conditional on an "
                       "agreement)")
    if float(np.ptp(y)) == 0.0:
        return Indices(outcome, skipped=f"the same ({y[0]:.3g}) at every point")
    if method == "morris":
        from SALib.analyze import morris

        res = morris.analyze(problem(factors), points, y, num_resamples=RESAMPLES,
                             conf_level=0.95, num_levels=MORRIS_LEVELS, seed=seed)
    else:
        from SALib.analyze import sobol

        res = sobol.analyze(problem(factors), y, calc_second_order=False,
                            num_resamples=RESAMPLES, conf_level=0.95, seed=seed)
    return Indices(outcome, {k: np.asarray(res[k], dtype=float) for k in INDICES[method]})


def ranked(method: str, ind: Indices) -> list[int]:
    """Factor numbers from the most to the least influential (main index, ties by order)."""
    main = ind.values[MAIN[method][0]]
    return sorted(range(len(main)), key=lambda k: (-np.nan_to_num(main[k], nan=-1.0), k))


def rows(method: str, factors: list[Factor], results: list[Indices]) -> list[list]:
    """sensitivity.csv: one row per analysed outcome and factor, ranked within the outcome."""
    head = ["outcome", "parameter", "rank", *INDICES[method], "outcome_description"]
    out: list[list] = [head]
    for ind in results:
        if ind.skipped:
            continue
        for rank, k in enumerate(ranked(method, ind), start=1):
            out.append([ind.outcome.id, factors[k].key, rank,
                        *(_num(ind.values[name][k]) for name in INDICES[method]),
                        ind.outcome.description])
    return out


def _num(x: float) -> str:
    return "" if not math.isfinite(x) else f"{x:.6f}"

"""What a calibration found: posterior summaries, identifiability, the calibrated scenario, and the
in-sample and out-of-sample scores of the posterior against the record split in time."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from pathlib import Path

import numpy as np
import yaml

from sim.engine.behaviour import PARAMS
from sim.engine.model import NegotiationModel
from sim.experiments.abc_smc import Generation, Problem
from sim.experiments.ensemble import seed_for
from sim.experiments.priors import Prior
from sim.record import behaviour_score, scorecard
from sim.record.documents import Record
from sim.record.series_score import add_series_columns
from sim.scenario.language import apply_overrides

CHECK_OFFSET = 1_000_000  # predictive runs use seeds the fit never used
CONSTRAINED = 0.5  # posterior sd below half the prior sd: the record constrains the value


def split(record: Record, until: dt.date | None) -> tuple[Record, Record]:
    """(observations and moves ending before ``until``, the rest); all and none without it."""
    if until is None:
        return record, dataclasses.replace(record, observations=[], moves=[])
    before = dataclasses.replace(
        record, observations=[o for o in record.observations if o.end < until],
        moves=[m for m in record.moves if m.end < until])
    after = dataclasses.replace(
        record, observations=[o for o in record.observations if o.end >= until],
        moves=[m for m in record.moves if m.end >= until])
    return before, after


def summary(priors: list[Prior], gen: Generation) -> list[dict]:
    """Per free value: prior, posterior mean, sd and 5-95 %, and the sd ratio posterior/prior."""
    w = gen.weights
    rows = []
    for k, p in enumerate(priors):
        x = gen.theta[:, k]
        mean = float(w @ x)
        sd = float(np.sqrt(w @ (x - mean) ** 2))
        order = np.argsort(x)
        cum = np.cumsum(w[order])
        q05, q95 = (float(x[order][np.searchsorted(cum, q)]) for q in (0.05, 0.95))
        ratio = sd / p.sd if p.sd else float("nan")
        rows.append({"key": p.key, "scenario_value": p.value, "prior_low": p.low,
                     "prior_high": p.high, "prior_sd": float(p.sd), "posterior_mean": mean,
                     "posterior_sd": sd, "posterior_q05": q05, "posterior_q95": q95,
                     "sd_ratio": ratio, "constrained": ratio < CONSTRAINED})
    return rows


def calibrated_yaml(original: Path | None, rows: list[dict], until: dt.date | None,
                    folder: Path, method: str = "builtin") -> str:
    """A scenario that ``extends`` the original with the posterior: behaviour values as
    ``{normal: [mean, sd]}`` (drawn per run, so runs carry the parameter uncertainty; the
    engine clips them to their range), weights and assumed initial values at their posterior
    mean (the language takes numbers there). Correlations between values are not kept."""
    data: dict = {}
    for row in rows:
        parts = row["key"].split(".")
        actor, section = parts[1], parts[2]
        node = data.setdefault("actors", {}).setdefault(actor, {}).setdefault(section, {})
        mean, sd = round(row["posterior_mean"], 4), round(row["posterior_sd"], 4)
        if section == "behaviour" and parts[3] in PARAMS:
            node[parts[3]] = {"normal": [mean, sd]}
        elif section == "levers":
            node.setdefault(parts[3], {})["initial"] = mean
        else:
            node[".".join(parts[3:])] = mean
    parent = os.path.relpath(original, folder) if original else "baseline"
    head = (f"# Calibrated by `sim calibrate` (ABC-SMC, {method} sampler) against the record"
            f"{f' before {until}' if until else ''}.\n# Behaviour values: posterior mean and sd, "
            "drawn per run; weights and assumed initial values: posterior means.\n")
    return head + yaml.safe_dump({"extends": parent, **data}, sort_keys=False)


def resample(gen: Generation, n: int, seed: int) -> np.ndarray:
    """``n`` parameter vectors drawn from the last generation by weight."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, 7919]))
    return gen.theta[rng.choice(len(gen.weights), size=n, p=gen.weights)]


def check_task(problem: Problem, task: tuple) -> tuple[int, float, float, float, float]:
    """One predictive run: the behaviour fit of the posterior draw and of the scenario as
    written, on the fitted part of the record and on the held-out part (nan when empty)."""
    k, theta, fitted, held = task
    seed = seed_for(problem.scenario.seed, CHECK_OFFSET + k)
    over = {p.key: float(v) for p, v in zip(problem.priors, theta, strict=True)}
    out = []
    for scenario in (apply_overrides(problem.scenario, over), problem.scenario):
        cols = NegotiationModel(scenario, seed=seed, run=k).run_to_end().columns
        cols = add_series_columns(fitted, cols)  # both parts carry the same series (``split``)
        for rec in (fitted, held):
            if not rec.observations and not rec.moves:
                out.append(float("nan"))
                continue
            obs = behaviour_score.observation_scores(rec, cols)
            out.append(scorecard.summarise(obs, scorecard.score_moves(rec, cols)).fit)
    return (k, *out)  # type: ignore[return-value]

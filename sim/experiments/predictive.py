"""Posterior predictive check: how many of the record's intervals the 80 % band covers.

Runs of a calibrated scenario (its behaviour values drawn per run from the posterior) are
reduced to what the record documents as an interval:

* a value observation: the run's mean over the observation's window; the record's interval is
  ``value ± tolerance`` (the reading error of the report);
* a level observation: the same window mean; the record's interval is the half-line its wording
  implies (``below 0.5``);
* a documented move: the day by which half the change was made (the scorecard's); the record's
  interval is the move's window widened by its timing tolerance. Runs in which the move does
  not happen have no day; when fewer than half of the runs make it, it is not covered.

An interval is *covered* when it meets the band between the 10th and 90th percentiles of the
runs. A calibrated model whose band covers far fewer than 80 % of the intervals is
overconfident or wrong; one that covers all of them may be too vague to say anything.
Directions and status words are events, not intervals: the Brier score judges those.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np

from sim.engine.model import NegotiationModel
from sim.engine.spec import Scenario
from sim.experiments.ensemble import seed_for
from sim.record import behaviour_score, scorecard
from sim.record.documents import Record
from sim.record.series_score import add_series_columns

BAND = (0.1, 0.9)
CHECK_OFFSET = 3_000_000  # run numbers the fit and the screen never use


@dataclass(frozen=True)
class Covered:
    """One record interval, the predictive band, and whether they meet."""

    id: str
    kind: str
    low: float
    high: float
    band_low: float
    band_high: float
    covered: bool


def _task(context: tuple[Scenario, Record], k: int) -> tuple[int, list[float], list[float]]:
    scenario, record = context
    cols = add_series_columns(record, NegotiationModel(
        scenario, seed=seed_for(scenario.seed, CHECK_OFFSET + k), run=k).run_to_end().columns)
    means = behaviour_score.window_means(record, cols)
    for i, obs in enumerate(record.observations):  # levels are read as window means too
        if obs.kind == "level" and obs.quantity in cols:
            d0 = scorecard._as_date(cols["date"][0])
            a, b = (obs.start - d0).days, (obs.end - d0).days
            if 0 <= a <= b < len(cols["date"]):
                means[i] = float(np.mean(np.asarray(list(cols[obs.quantity])[a:b + 1], float)))
    days = [math.nan if m.date is None else float(m.date.toordinal())
            for m in scorecard.score_moves(record, cols)]
    return k, means, days


def coverage(scenario: Scenario, record: Record, runs: int, mapper) -> list[Covered]:
    """Every record interval of ``record`` and whether ``runs`` runs' 80 % band covers it."""
    results = sorted(mapper(_task, (scenario, record), list(range(runs))))
    means = np.array([r[1] for r in results], dtype=float).reshape(runs, -1)
    days = np.array([r[2] for r in results], dtype=float).reshape(runs, -1)
    out = []
    for i, obs in enumerate(record.observations):
        x = means[:, i][np.isfinite(means[:, i])]
        if obs.kind == "value" and obs.tolerance is not None:
            low, high = obs.value - obs.tolerance, obs.value + obs.tolerance  # type: ignore
        elif obs.kind == "level":
            side, threshold = obs.level  # type: ignore[misc]
            low, high = (-math.inf, threshold) if side == "below" else (threshold, math.inf)
        else:
            continue
        out.append(_cover(obs.id, obs.kind, low, high, x))
    for j, move in enumerate(record.moves):
        x = days[:, j][np.isfinite(days[:, j])]
        tol = dt.timedelta(days=move.timing_tolerance_days)
        low, high = ((move.start - tol).toordinal(), (move.end + tol).toordinal())
        cov = _cover(move.id, "move date", low, high, x)
        if len(x) < runs / 2:
            cov = Covered(move.id, "move date", low, high, math.nan, math.nan, False)
        out.append(cov)
    return out


def _cover(item: str, kind: str, low: float, high: float, x: np.ndarray) -> Covered:
    if not len(x):
        return Covered(item, kind, low, high, math.nan, math.nan, False)
    a, b = (float(v) for v in np.quantile(x, BAND))
    return Covered(item, kind, low, high, a, b, a <= high and b >= low)


def share(items: list[Covered]) -> float:
    """The share of intervals covered (nan when there are none)."""
    return sum(c.covered for c in items) / len(items) if items else math.nan

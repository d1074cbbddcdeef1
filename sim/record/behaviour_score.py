"""The behaviour scorecard: the record's observations scored so that only behaviour can earn marks,
and ensembles scored with proper scoring rules. The classic fit (``scorecard.summarise``) is kept
unchanged beside it, so old figures stay reproducible.

Observation-error model (``ERROR_MODEL``): how far a run may be from what a document says and
still agree with it. Each observation states its own tolerance in the record; the table says what
that tolerance stands for, and is also the scale of the proper score:

* ``value``: ``tolerance`` in the quantity's unit is the reading error of a news report (headline
  rates are rounded and leave out exclusions and stacked duties: the record uses 5 points on a
  tariff). The interval score and CRPS of a value are divided by it, so 1 means "one reading
  error off".
* ``level``: the threshold is the least a report's wording implies ("restricted": under half);
  no further error.
* ``direction``: ``min_change`` is the smallest change a report's verb ("tightened", "fell")
  implies on that scale; smaller changes are noise.
* ``status``: a status word is a claim about the state over its window, so it is hit when the
  word holds on at least ``STATUS_SHARE`` of the window's days, not on one matching day.
* moves: the record's ``size_tolerance`` and ``timing_tolerance_days``, as in the scorecard.

Proper scores of an ensemble against the record (lower is better; both are strictly proper, so
they cannot be gamed by stating a false spread):

* quantities: the CRPS of the runs' window means against the documented value, in reading errors
  (``crps``), and the 80 % interval score (``interval_score``, Gneiting and Raftery 2007) likewise;
* events (level, direction, status, move marks): the Brier score ``(1 - p)^2`` of the share of runs
  ``p`` that produce what the record documents (the record documents what happened: outcome 1).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np

from sim.record import scorecard
from sim.record.documents import Observation, Record

STATUS_SHARE = 0.5
INTERVAL_ALPHA = 0.2  # the 80 % central interval
ERROR_MODEL = {
    "value": "tolerance: the reading error of a report (the record states it per observation)",
    "level": "threshold: the least the report's wording implies; no further error",
    "direction": "min_change: the smallest change the report's verb implies",
    "status": f"the word holds on at least {STATUS_SHARE:.0%} of the window's days",
    "move": "size_tolerance and timing_tolerance_days, per move in the record",
}


def observation_scores(record: Record, columns: Mapping[str, Sequence]
                       ) -> list[scorecard.ObservationScore]:
    """The scorecard's observation scores, with status words scored over their window."""
    out = []
    for obs, s in zip(record.observations, scorecard.score_observations(record, columns),
                      strict=True):
        if obs.kind == "status" and s.hit is not None:
            share = _status_share(obs, columns)
            s = scorecard.ObservationScore(s.id, s.date, s.quantity, s.expected, share,
                                           share >= STATUS_SHARE - 1e-9, None, s.weight,
                                           s.doc, s.confidence)
        out.append(s)
    return out


def _status_share(obs: Observation, columns: Mapping[str, Sequence]) -> float:
    start = scorecard._as_date(columns["date"][0])
    i, j = (obs.start - start).days, (obs.end - start).days
    window = [str(w) for w in list(columns["status"])[i:j + 1]]
    return sum(w == obs.status for w in window) / max(1, len(window))


def window_means(record: Record, columns: Mapping[str, Sequence]) -> list[float]:
    """For each observation, the run's mean of its quantity over its window (nan if none)."""
    start = scorecard._as_date(columns["date"][0])
    n = len(columns["date"])
    out = []
    for obs in record.observations:
        i, j = (obs.start - start).days, (obs.end - start).days
        if obs.kind != "value" or obs.quantity not in columns or i < 0 or j >= n:
            out.append(math.nan)
            continue
        out.append(float(np.mean(np.asarray(list(columns[obs.quantity])[i:j + 1], float))))
    return out


# -- proper scores -------------------------------------------------------------------------------
def crps(samples: np.ndarray, y: float) -> float:
    """CRPS of the empirical distribution of ``samples`` at ``y``: E|X - y| - E|X - X'| / 2."""
    x = np.sort(np.asarray(samples, float))
    n = len(x)
    if not n:
        return math.nan
    spread = np.sum((2 * np.arange(1, n + 1) - n - 1) * x) / (n * n)  # = E|X - X'| / 2
    return float(np.mean(np.abs(x - y)) - spread)


def interval_score(samples: np.ndarray, y: float, alpha: float = INTERVAL_ALPHA) -> float:
    """Width of the central (1 - alpha) interval plus 2/alpha times how far ``y`` falls outside."""
    low, high = np.quantile(np.asarray(samples, float), [alpha / 2, 1 - alpha / 2])
    return float(high - low + 2 / alpha * (max(low - y, 0.0) + max(y - high, 0.0)))


def proper_scores(record: Record, hits: np.ndarray, means: np.ndarray, marks: np.ndarray,
                  keep: set[str] | None = None) -> dict[str, float]:
    """Brier, CRPS and interval score of an ensemble (module doc).

    ``hits``: (runs, observations) 1/0/-1 (not scored); ``means``: (runs, observations) window
    means, nan where none; ``marks``: (runs, moves, 3) 1/0/-1. ``keep``: observation ids to score
    (default all)."""
    briers, crpss, intervals = [], [], []
    for k, obs in enumerate(record.observations):
        if keep is not None and obs.id not in keep:
            continue
        if obs.kind == "value" and obs.tolerance:
            x = means[:, k][np.isfinite(means[:, k])]
            if len(x):
                crpss.append(crps(x, obs.value) / obs.tolerance)  # type: ignore[arg-type]
                intervals.append(interval_score(x, obs.value) / obs.tolerance)  # type: ignore
            continue
        scored = hits[:, k][hits[:, k] >= 0]
        if len(scored):
            briers.append((1 - scored.mean()) ** 2)
    for flags in marks.reshape(len(marks), -1).T if marks.size else []:
        scored = flags[flags >= 0]
        if len(scored):
            briers.append((1 - scored.mean()) ** 2)
    nan = math.nan
    return {"brier": float(np.mean(briers)) if briers else nan,
            "crps": float(np.mean(crpss)) if crpss else nan,
            "interval_score": float(np.mean(intervals)) if intervals else nan}

"""The distance a calibration minimises, over one episode or several at once.

A calibration fits a parameter vector ``theta``; an *episode* (one scenario and its record) reads
some of its entries under its own scenario keys (``Episode.keys``): a value *shared* by several
episodes is one entry read by each, a value *per episode* is an entry only its episode reads.
One evaluation runs every episode once with its values and compares each run with its record.

Two distances (``KINDS``; docs/calibration.md says which one is used and why, by measurement):

* ``fit``: ``1 - behaviour fit`` of each episode's run (``sim.record.behaviour_score``), the
  distance `sim calibrate` always had.
* ``adaptive``: each run summarised as a vector of *misses*, one per record item, each the
  single-run proper score of that item: a value observation's absolute error in reading errors
  (the CRPS of a one-run ensemble), ``1 - hit`` of an event (its Brier score), and for every
  documented move its direction, ``|size error|`` in size tolerances and ``|days off|`` in timing
  tolerances, so *when* a move happens counts on a continuous scale, not only whether it fell in
  its window. Misses are capped at ``CAP``. The distance is a weighted sum of misses whose
  weights adapt each generation (Prangle 2017, pyabc's ``AdaptivePNormDistance`` with p = 1):
  one over the spread of the miss in the previous population (``scales``), so items every
  particle already gets right or wrong do not drown the ones that still tell particles apart.

Episodes weigh the same whatever their number of observations: ``fit`` is a share already, and
the adaptive weights are normalised to sum to one within each episode; the calibration's
distance is the mean over episodes (``Episode.weight`` = 1 / episodes). Each episode's part is
at least zero, so an evaluation stops as soon as its running sum passes the tolerance (early
rejection): cheap episodes run first.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sim.engine.model import NegotiationModel
from sim.engine.spec import Scenario
from sim.experiments.ensemble import seed_for
from sim.record import behaviour_score, scorecard
from sim.record.documents import Record
from sim.record.series_score import add_series_columns
from sim.scenario.language import apply_overrides

KINDS = ("fit", "adaptive")
CAP = 3.0  # a miss counts at most three tolerances: one far-off item does not decide alone
FLOOR = 0.1  # spreads below this (in tolerances) are taken as this: no weight is infinite


@dataclass
class Episode:
    """One episode of a calibration: its scenario and record, its share of the distance, and
    for each entry of the parameter vector the scenario key it sets here (None: not read)."""

    name: str
    scenario: Scenario
    record: Record
    keys: tuple[str | None, ...]
    weight: float = 1.0

    def overrides(self, theta) -> dict[str, float]:
        """The scenario overrides a parameter vector means for this episode."""
        return {k: float(v) for k, v in zip(self.keys, theta, strict=True) if k is not None}

    def size(self) -> int:
        """Entries of this episode's summary vector (``misses``)."""
        return len(self.record.observations) + 3 * len(self.record.moves)


def columns(episode: Episode, theta, k: int) -> dict:
    """Run ``episode`` with ``theta`` as run number ``k`` (its seed: ``seed_for(seed, k)``):
    its timeline, with the quantities its record's series are scored on (the trade layer's
    flows, ``add_series_columns``) when the record has any."""
    scenario = apply_overrides(episode.scenario, episode.overrides(theta))
    cols = NegotiationModel(scenario, seed=seed_for(episode.scenario.seed, k), run=k
                            ).run_to_end().columns
    return add_series_columns(episode.record, cols)


def fit(record: Record, cols: dict) -> float:
    """The behaviour fit of one run's ``cols`` on ``record``."""
    return score(record, cols)[0]


def misses(record: Record, cols: dict) -> np.ndarray:
    """The run's miss on every record item (module doc): observations, then 3 per move."""
    return score(record, cols)[1]


def score(record: Record, cols: dict) -> tuple[float, np.ndarray]:
    """The run's behaviour fit and its misses, from one scoring of its columns."""
    out = []
    means = behaviour_score.window_means(record, cols)
    obs_scores = behaviour_score.observation_scores(record, cols)
    move_scores = scorecard.score_moves(record, cols)
    for obs, s, mean in zip(record.observations, obs_scores, means, strict=True):
        if obs.kind == "value" and obs.tolerance and not math.isnan(mean):
            out.append(min(abs(mean - obs.value) / obs.tolerance, CAP))  # type: ignore[operator]
        else:
            out.append(0.0 if s.hit is None else float(not s.hit))
    for move, m in zip(record.moves, move_scores, strict=True):
        out.append(float(not m.direction_hit))
        if move.size is None:
            out.append(0.0)
        elif m.change is None or not m.direction_hit:
            out.append(CAP)
        else:
            out.append(min(abs(m.change - move.size) / max(move.size_tolerance or 0.0, 1e-9),
                           CAP))
        out.append(CAP if m.days_off is None else
                   min(abs(m.days_off) / max(move.timing_tolerance_days, 1), CAP))
    return scorecard.summarise(obs_scores, move_scores).fit, np.array(out, dtype=float)


def scales_from(episodes: list[Episode], summaries: np.ndarray) -> np.ndarray:
    """Adaptive weights from a population's summary vectors (rows): one over each miss's spread
    (at least ``FLOOR``), normalised to sum to each episode's weight (module doc)."""
    w = 1.0 / np.maximum(np.nanstd(summaries, axis=0), FLOOR)
    start = 0
    for ep in episodes:
        part = slice(start, start + ep.size())
        total = w[part].sum()
        w[part] = w[part] / total * ep.weight if total else 0.0
        start += ep.size()
    return w


def evaluate(episodes: list[Episode], task: tuple) -> tuple[int, float, np.ndarray, np.ndarray]:
    """One evaluation ``task = (k, theta, eps, scales)``: every episode run with ``theta``
    (run number ``k``), cheapest first, until the distance passes ``eps``. ``scales`` None: the
    ``fit`` distance; else the adaptive weights. Returns (k, distance, the summary vector (nan
    where an episode was not run), each episode's behaviour fit (nan likewise)); the distance is
    infinite when the evaluation stopped early."""
    k, theta, eps, scales = task
    summary = np.full(sum(ep.size() for ep in episodes), np.nan)
    fits = np.full(len(episodes), np.nan)
    total, start = 0.0, 0
    for i, ep in enumerate(episodes):
        cols = columns(ep, theta, k)
        part = slice(start, start + ep.size())
        fits[i], summary[part] = score(ep.record, cols)
        total += (ep.weight * (1.0 - fits[i]) if scales is None
                  else float(scales[part] @ summary[part]))
        start += ep.size()
        if total > eps and i < len(episodes) - 1:
            return k, math.inf, summary, fits
    return k, total, summary, fits


def distances(episodes: list[Episode], summaries: np.ndarray, fits: np.ndarray,
              scales: np.ndarray | None) -> np.ndarray:
    """The distance of every row of a population (its summaries and fits) under ``scales``."""
    if scales is None:
        return (1.0 - fits) @ np.array([ep.weight for ep in episodes])
    return summaries @ scales

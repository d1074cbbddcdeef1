"""The behaviour scorecard: status words over their window, and proper scoring rules."""

from __future__ import annotations

import datetime as dt

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.record import behaviour_score as bs
from sim.record import scorecard
from sim.record.documents import Observation, Record


def _record(*observations: Observation) -> Record:
    return Record(title="t", description="", documents={}, observations=list(observations),
                  moves=[], conflicts=[], file=None)


DAY = dt.date(2020, 1, 1)


def _columns(status: list[str], x: list[float]) -> dict:
    return {"date": [DAY + dt.timedelta(days=k) for k in range(len(status))],
            "status": status, "a.x": x}


def test_status_word_must_hold_over_its_window_not_one_day():
    obs = Observation("s", "status", DAY, DAY + dt.timedelta(days=3), "000", "q", "high",
                      status="truce")
    once = _columns(["truce", "escalating", "escalating", "escalating"], [0.0] * 4)
    mostly = _columns(["truce", "truce", "escalating", "truce"], [0.0] * 4)
    rec = _record(obs)
    assert scorecard.score_observations(rec, once)[0].hit  # the classic rule: any day
    assert not bs.observation_scores(rec, once)[0].hit
    assert bs.observation_scores(rec, mostly)[0].hit


def test_crps_of_a_point_is_the_absolute_error_and_spread_is_rewarded():
    assert bs.crps(np.array([3.0]), 1.0) == 2.0
    assert bs.crps(np.array([0.0, 2.0]), 1.0) == 0.5  # E|X-y| 1, minus half of E|X-X'| 1
    assert bs.crps(np.array([1.0, 1.0]), 1.0) == 0.0


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(-100, 100), min_size=1, max_size=30), st.floats(-100, 100))
def test_crps_matches_its_pairwise_definition(xs, y):
    x = np.array(xs)
    pairwise = np.mean(np.abs(x - y)) - 0.5 * np.mean(np.abs(x[:, None] - x[None, :]))
    assert abs(bs.crps(x, y) - pairwise) < 1e-9


def test_interval_score_penalises_a_miss_by_two_over_alpha():
    x = np.linspace(0, 10, 1001)
    inside = bs.interval_score(x, 5.0)
    assert abs(inside - 8.0) < 1e-6  # 10-90 % of 0..10
    assert abs(bs.interval_score(x, 11.0) - (8.0 + 2 / 0.2 * 2.0)) < 1e-6


def test_proper_scores_brier_of_events_and_crps_in_reading_errors():
    value = Observation("v", "a.x", DAY, DAY, "000", "q", "high", value=10.0, tolerance=5.0)
    level = Observation("l", "a.x", DAY, DAY, "000", "q", "high", level=("above", 0.0))
    rec = _record(value, level)
    hits = np.array([[-1, 1], [-1, 0]], dtype=np.int8)
    means = np.array([[15.0, np.nan], [15.0, np.nan]])
    out = bs.proper_scores(rec, hits, means, np.zeros((2, 0, 3), dtype=np.int8))
    assert out["brier"] == 0.25  # p = 0.5
    assert out["crps"] == 1.0  # 5 off, one reading error

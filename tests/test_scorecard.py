"""The scorecard on hand-made timelines: the documented sequence, late, and the wrong way round."""

from __future__ import annotations

import csv
import datetime as dt
from itertools import pairwise

import numpy as np
import pytest

from sim.record.reader import load_record
from sim.record.scorecard import (
    ObservationScore,
    ensemble_hit_rates,
    ensemble_mark_rates,
    format_summary,
    score_moves,
    score_observations,
    summarise,
    write_scorecard_csv,
)

START, END = dt.date(2025, 4, 14), dt.date(2025, 8, 15)
DAYS = [START + dt.timedelta(days=k) for k in range((END - START).days + 1)]


def day(mm_dd: str) -> dt.date:
    return dt.date.fromisoformat(f"2025-{mm_dd}")


def series(*knots: tuple[str, float]) -> list[float]:
    """Straight lines between (MM-DD, value) knots, flat before the first and after the last."""
    points = [(day(d), v) for d, v in knots]
    out = []
    for today in DAYS:
        if today <= points[0][0]:
            out.append(points[0][1])
        elif today >= points[-1][0]:
            out.append(points[-1][1])
        else:
            (d0, v0), (d1, v1) = next(p for p in pairwise(points) if today <= p[1][0])
            out.append(v0 + (v1 - v0) * (today - d0).days / (d1 - d0).days)
    return out


def status(today: dt.date) -> str:
    for first_day, word in (("06-10", "framework_agreed"), ("06-05", "talks_restarted"),
                            ("05-26", "stalled"), ("05-11", "truce")):
        if today >= day(first_day):
            return word
    return "escalating"


def reference_run() -> dict[str, list]:
    """The documented sequence, by hand: Geneva cuts on 12 May, late-May US measures and the
    rare-earth slow walk, the call on 5 June, the London framework from 10 June."""
    trust = series(("05-19", 0.7), ("06-01", 0.3), ("06-05", 0.3), ("06-06", 0.5))
    return {
        "date": list(DAYS),
        "us.tariff_on_china": series(("05-11", 145), ("05-12", 30)),
        "china.tariff_on_us": series(("05-11", 125), ("05-12", 10)),
        "china.rare_earth_licensing": series(("05-25", 0.1), ("05-26", 0.2), ("06-12", 0.2),
                                             ("06-22", 0.8)),
        "us.chip_controls": series(("05-27", 0.3), ("05-28", 0.5), ("06-19", 0.5),
                                   ("06-20", 0.3)),
        "us.visa_restrictions": series(("05-27", 0.1), ("05-28", 0.6)),
        "us.trust": trust,
        "china.trust": list(trust),
        "us.pressure": series(("05-19", 0.2), ("05-26", 0.6)),
        "china.pressure": series(("04-14", 0.3)),
        "us.stock_market": series(("06-04", 100.0), ("06-05", 101.0)),
        "status": [status(d) for d in DAYS],
    }


def shifted(run: dict[str, list], days: int) -> dict[str, list]:
    """The same run, everything happening ``days`` later."""
    return {k: v if k == "date" else [v[0]] * days + v[:-days] for k, v in run.items()}


def mirrored(run: dict[str, list]) -> dict[str, list]:
    """Every numeric series reflected about its first value: each move goes the other way."""
    return {k: v if k in ("date", "status") else [2 * v[0] - x for x in v]
            for k, v in run.items()}


@pytest.fixture(scope="module")
def record():
    return load_record()


def scores(record, run):
    return score_observations(record, run), score_moves(record, run)


def test_the_documented_sequence_gets_full_marks(record):
    obs, moves = scores(record, reference_run())
    missed = [s.id for s in obs if s.hit is False]
    assert missed == []
    assert [s.id for s in obs if s.hit is None] == [o.id for o in record.observations
                                                     if o.is_context]
    assert all(all(m.marks().values()) and m.direction_hit for m in moves)
    summary = summarise(obs, moves)
    assert summary.fit == pytest.approx(1.0)
    assert summary.observations_hit == len(record.scorable())
    assert summary.move_marks == len(moves) * 2 + sum(m.size is not None for m in record.moves)


def test_geneva_cut_is_found_on_its_day_with_its_size(record):
    moves = {m.id: m for m in score_moves(record, reference_run())}
    cut = moves["geneva_us_tariff_cut"]
    assert cut.change == -115 and cut.date == day("05-12") and cut.days_off == 0
    london = moves["london_rare_earth_licensing_up"]
    assert london.date == day("06-17") and london.change == pytest.approx(0.6)


def test_a_week_late_loses_timing_but_keeps_direction(record):
    moves = {m.id: m for m in score_moves(record, shifted(reference_run(), 7))}
    for key in ("geneva_us_tariff_cut", "geneva_china_tariff_cut"):
        assert moves[key].direction_hit and moves[key].size_hit
        assert moves[key].timing_hit is False and moves[key].days_off == 5
    assert moves["market_up_on_call"].timing_hit is False
    obs = {s.id: s for s in score_observations(record, shifted(reference_run(), 7))}
    assert obs["talks_restarted_after_call"].hit is False
    assert obs["market_up_on_call_day"].hit is False
    on_time = summarise(*scores(record, reference_run()))
    late = summarise(*scores(record, shifted(reference_run(), 7)))
    assert late.mark_shares["timing"] < on_time.mark_shares["timing"] == 1.0
    assert late.fit < on_time.fit


def test_moves_the_wrong_way_lose_direction_marks(record):
    obs, moves = scores(record, mirrored(reference_run()))
    assert [m.id for m in moves if m.direction_hit] == []
    assert all(m.timing_hit is False for m in moves)
    assert {m.id for m in moves if m.size_hit is False} == {"geneva_us_tariff_cut",
                                                           "geneva_china_tariff_cut"}
    by_id = {s.id: s for s in obs}
    assert by_id["chip_controls_up_late_may"].hit is False
    assert by_id["us_trust_down_late_may"].error == pytest.approx((0.05 + 0.4) / 0.05)
    assert summarise(obs, moves).move_share == 0.0


def test_value_error_is_in_tolerances_and_ranges_need_every_day(record):
    run = reference_run()
    run["us.tariff_on_china"] = [33.0 if x == 30 else x for x in run["us.tariff_on_china"]]
    by_id = {s.id: s for s in score_observations(record, run)}
    assert by_id["us_tariff_truce"].hit and by_id["us_tariff_truce"].error == pytest.approx(0.6)
    run["us.tariff_on_china"][DAYS.index(day("06-01"))] = 40.0
    by_id = {s.id: s for s in score_observations(record, run)}
    assert by_id["us_tariff_truce"].hit is False
    assert by_id["us_tariff_truce"].simulated == "33..40"
    assert by_id["us_tariff_truce"].error == pytest.approx(2.0)


def test_missing_columns_and_days_outside_the_run_are_not_scored(record):
    run = reference_run()
    del run["us.pressure"]
    short = {k: v[: DAYS.index(day("06-30")) + 1] for k, v in run.items()}
    by_id = {s.id: s for s in score_observations(record, short)}
    assert by_id["us_pressure_up_late_may"].hit is None
    assert by_id["us_tariff_kept_after_call"].hit is None
    assert by_id["us_tariff_kept_after_call"].simulated == "not in run"
    assert by_id["us_tariff_truce"].hit is True
    summary = summarise(list(by_id.values()), [])
    assert summary.move_share is None and 0 < summary.fit <= 1


def test_status_hits_on_any_day_of_the_range(record):
    run = reference_run()
    late_may = slice(DAYS.index(day("05-26")), DAYS.index(day("06-04")))
    run["status"][late_may] = ["escalating"] * (late_may.stop - late_may.start)
    by_id = {s.id: s for s in score_observations(record, run)}
    assert by_id["stalled_late_may"].hit is True
    run["status"][DAYS.index(day("06-04"))] = "escalating"
    by_id = {s.id: s for s in score_observations(record, run)}
    assert by_id["stalled_late_may"].hit is False
    assert by_id["stalled_late_may"].simulated == "truce/escalating"


def test_dates_may_be_numpy_and_must_be_consecutive(record):
    run = reference_run()
    run["date"] = np.array(DAYS, dtype="datetime64[D]")
    assert all(s.hit is not False for s in score_observations(record, run))
    run["date"] = DAYS[:10] + DAYS[11:] + [END + dt.timedelta(days=1)]
    with pytest.raises(ValueError, match="consecutive"):
        score_observations(record, run)


def test_summary_weights_observations():
    def obs(key, hit, weight, error=None):
        return ObservationScore(key, "2025-06-05", "us.trust", "up", 0.0, hit, error, weight)

    summary = summarise([obs("a", True, 1.0, 0.0), obs("b", False, 0.5, 9.0),
                         obs("c", None, 1.0)], [])
    assert summary.observation_share == pytest.approx(1 / 1.5)
    assert summary.weighted_error == pytest.approx(0.5 * 5.0 / 1.5)  # capped at 5
    closeness = 1 / (1 + 0.5 * 5.0 / 1.5)
    assert summary.fit == pytest.approx((0.5 * (1 / 1.5) + 0.2 * closeness) / 0.7)
    assert summary.observations_unscored == 1
    assert summarise([], []).fit == 0.0


def test_csv_and_summary_text(record, tmp_path):
    obs, moves = scores(record, shifted(reference_run(), 7))
    path = write_scorecard_csv(tmp_path / "out" / "scorecard.csv", obs, moves)
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    assert len(rows) == len(obs) + len(moves)
    cut = next(r for r in rows if r["id"] == "geneva_us_tariff_cut")
    assert (cut["record_type"], cut["timing_hit"], cut["simulated_date"]) == (
        "move", "False", "2025-05-19")
    text = format_summary(summarise(obs, moves))
    assert text.startswith("fit ") and "observations:" in text and "timing" in text


def test_ensemble_rates(record):
    runs = [reference_run(), shifted(reference_run(), 7)]
    rates = ensemble_hit_rates(score_observations(record, run) for run in runs)
    assert rates["us_tariff_before_geneva"] == 1.0
    assert rates["market_up_on_call_day"] == 0.5
    assert "trade_deficit_reported" not in rates
    marks = ensemble_mark_rates(score_moves(record, run) for run in runs)
    assert marks["geneva_us_tariff_cut"] == {"direction": 1.0, "size": 1.0, "timing": 0.5}


# -- the pruned search for the largest change equals the exhaustive one -------------------------
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from sim.record.change_search import EPS, largest_change  # noqa: E402


def _largest_change_exhaustive(values, sign, span):
    best = (0.0, 0, 0)
    for j in range(1, len(values)):
        for i in range(max(0, j - span) if span else 0, j):
            change = sign * (values[j] - values[i])
            if change > best[0] + EPS:
                best = (change, i, j)
    return best


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from([0.0, 0.5, 1.0, 1.0 + 5e-10, 145.0]),
                          st.floats(-200, 200, allow_nan=False)), min_size=1, max_size=40),
       st.sampled_from([1, -1]), st.one_of(st.none(), st.integers(1, 12)))
def test_largest_change_matches_the_exhaustive_search(values, sign, span):
    assert largest_change(values, sign, span) == _largest_change_exhaustive(values, sign, span)

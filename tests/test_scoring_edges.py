"""The scoring's remaining edges: the fit bridge, the behaviour scorecard's status windows and
proper scores, the outcome list and its definitions, and the timeline lookup.

Written against the survivors of the mutation run in docs/testing.md: each test pins one rule
of ``sim.record.fit``, ``sim.record.behaviour_score``, ``sim.record.outcomes`` or
``sim.record.scorecard`` at the point where a plausible slip would change a score.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import warnings
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from sim.record import behaviour_score as bs
from sim.record import fit, outcomes, scorecard
from sim.record.documents import Observation, Record
from sim.record.lookup import record_for
from sim.scenario.language import load_scenario

ROOT = Path(__file__).resolve().parent.parent
DAY = dt.date(2020, 1, 1)


def _record(observations=(), moves=()) -> Record:
    return Record(Path("r.yaml"), "t", {}, tuple(observations), tuple(moves))


def _columns(status: list[str], x: list[float] | None = None) -> dict:
    n = len(status)
    return {"date": [DAY + dt.timedelta(days=k) for k in range(n)], "status": status,
            "a.x": list(x if x is not None else [0.0] * n)}


def _status_obs(start: int, end: int, word: str = "truce") -> Observation:
    return Observation("s", "status", DAY + dt.timedelta(days=start),
                       DAY + dt.timedelta(days=end), "007", "q", "medium", status=word)


# -- the fit bridge (sim.record.fit) ---------------------------------------------------------------
def test_a_fit_is_scored_against_the_record_the_scenario_names(baseline):
    """Without an explicit record the fit reads the scenario's own (here the 2018 record, not
    the shipped 2025 default), and hands its observations on for overlays."""
    scenario = dataclasses.replace(baseline,
                                   record_file=ROOT / "scenarios/record/us_china_2018.yaml")
    rec = record_for(scenario)
    assert rec.observations != record_for(baseline).observations
    result = fit.score(_columns(["escalating"] * 3), scenario)
    assert result.observations == list(rec.observations)
    assert [s.id for s in result.observation_scores] == [o.id for o in rec.observations]


def test_a_fit_names_the_scored_quantities_a_run_does_not_provide():
    """The text is the summary, then one line naming the record's quantities the run lacks
    (so an author knows why observations went unscored); none when nothing is missing."""
    value = Observation("v", "a.x", DAY, DAY, "000", "q", "high", value=1.0, tolerance=1.0)
    other = Observation("w", "b.y", DAY, DAY, "000", "q", "high", value=1.0, tolerance=1.0)
    rec = _record([value, other])
    full = fit.score({**_columns(["truce"]), "b.y": [1.0]}, None, rec)
    assert full.text == scorecard.format_summary(full.summary)
    short = fit.score(_columns(["truce"]), None, rec)
    assert short.text == (scorecard.format_summary(short.summary) + "\nnot scored: the record "
                          "scores b.y, which this run does not provide")
    two = fit.score({"date": [DAY], "status": ["truce"]}, None, rec)
    assert two.text.endswith("the record scores a.x, b.y, which this run does not provide")


# -- the behaviour scorecard (sim.record.behaviour_score) ------------------------------------------
def test_a_status_word_is_scored_by_its_share_of_the_window_with_the_rest_of_the_score_kept():
    """Status: the share of the window's days on which the word holds replaces the classic
    'simulated' field, hit when the share is at least one half (exactly half hits); every other
    field is the classic score's."""
    obs = _status_obs(0, 3)
    half = _columns(["truce", "escalating", "truce", "escalating"])
    classic = scorecard.score_observations(_record([obs]), half)[0]
    [s] = bs.observation_scores(_record([obs]), half)
    assert s == scorecard.ObservationScore(classic.id, classic.date, classic.quantity,
                                           classic.expected, 0.5, True, None, classic.weight,
                                           classic.doc, classic.confidence)
    below = _columns(["truce", "escalating", "escalating", "escalating"])
    assert bs.observation_scores(_record([obs]), below)[0].hit is False


def test_a_status_share_counts_only_the_days_of_its_window():
    """A two-day window: the day after it does not count; a one-day window holding is 1."""
    after = _columns(["truce", "escalating", "truce", "truce"])
    assert bs.observation_scores(_record([_status_obs(0, 1)]), after)[0].simulated == 0.5
    assert bs.observation_scores(_record([_status_obs(2, 2)]), after)[0].simulated == 1.0


def test_observations_other_than_status_words_keep_their_classic_score():
    value = Observation("v", "a.x", DAY, DAY + dt.timedelta(days=1), "000", "q", "high",
                        value=1.0, tolerance=0.5)
    columns = _columns(["truce", "truce"], [1.2, 0.9])
    assert bs.observation_scores(_record([value]), columns) == \
        scorecard.score_observations(_record([value]), columns)


def _value(oid: str = "v", tolerance: float | None = 5.0) -> Observation:
    return Observation(oid, "a.x", DAY, DAY, "000", "q", "high", value=10.0, tolerance=tolerance)


def _level(oid: str = "l") -> Observation:
    return Observation(oid, "a.x", DAY, DAY, "000", "q", "high", level=("above", 0.0))


def test_the_interval_score_of_values_is_in_reading_errors():
    rec = _record([_value()])
    means = np.array([[10.0], [20.0], [30.0]])
    out = bs.proper_scores(rec, np.full((3, 1), -1, np.int8), means, np.zeros((3, 0, 3)))
    assert out["interval_score"] == pytest.approx(bs.interval_score(means[:, 0], 10.0) / 5.0)
    assert out["crps"] == pytest.approx(bs.crps(means[:, 0], 10.0) / 5.0)


def test_a_value_without_tolerance_is_scored_as_an_event_by_its_hits():
    rec = _record([_value(tolerance=None)])
    hits = np.array([[1], [0]], np.int8)
    out = bs.proper_scores(rec, hits, np.array([[np.nan], [np.nan]]), np.zeros((2, 0, 3)))
    assert out["brier"] == 0.25 and math.isnan(out["crps"])


def test_only_the_kept_observations_are_scored():
    """``keep`` selects observations by id, wherever they stand in the record."""
    rec = _record([_level("a"), _level("b"), _level("c")])
    hits = np.array([[0, 1, 1], [0, 1, 0]], np.int8)
    empty = np.zeros((2, 0, 3))
    nan = np.full((2, 3), np.nan)
    assert bs.proper_scores(rec, hits, nan, empty, keep={"b"})["brier"] == 0.0
    assert bs.proper_scores(rec, hits, nan, empty, keep={"c"})["brier"] == 0.25
    assert bs.proper_scores(rec, hits, nan, empty, keep={"a", "c"})["brier"] == \
        pytest.approx((1.0 + 0.25) / 2)


def test_move_marks_are_scored_by_the_brier_score_of_their_hit_share():
    """Each (move, mark) is an event: Brier (1 - p)^2 of the share p of runs that earn it,
    among the runs that score it (a mark of -1 is not scored)."""
    marks = np.array([[[1, 0, -1]], [[1, 1, -1]], [[0, 1, 1]], [[1, 1, -1]]], np.int8)
    out = bs.proper_scores(_record(), np.zeros((4, 0)), np.zeros((4, 0)), marks)
    briers = [(1 - 3 / 4) ** 2, (1 - 3 / 4) ** 2, (1 - 1.0) ** 2]
    assert out["brier"] == pytest.approx(np.mean(briers))
    assert math.isnan(out["crps"]) and math.isnan(out["interval_score"])


def test_an_ensemble_with_nothing_to_score_gets_nan_quietly():
    """No runs, or nothing scored: every score is nan (not None, no numpy warning)."""
    rec = _record([_value(), _level()])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = bs.proper_scores(rec, np.zeros((0, 2), np.int8), np.zeros((0, 2)),
                               np.zeros((0, 1, 3), np.int8))
    assert set(out) == {"brier", "crps", "interval_score"}
    assert all(isinstance(v, float) and math.isnan(v) for v in out.values())


# -- outcomes (sim.record.outcomes) ----------------------------------------------------------------
def test_the_outcome_list_has_agreements_for_talks_and_summits_and_nothing_for_decisions():
    scenario = load_scenario(ROOT / "scenarios" / "escalation_from_peace.yaml")
    ids = [o.id for o in outcomes.outcome_list(scenario)]
    kinds = {m.name: m.kind for m in scenario.meetings}
    decisions = [name for name, kind in kinds.items() if kind == "decision"]
    assert decisions and not any(name in i for i in ids for name in decisions)
    for name, kind in kinds.items():
        if kind in ("talks", "summit"):
            assert ids.count(f"agreement.{name}") == ids.count(f"held.{name}") == 1
        elif kind == "call":
            assert f"call.{name}" in ids
    assert "summit" in kinds.values()


def test_talks_agreed_in_principle_count_as_held_and_measures_are_counted(baseline):
    defs = outcomes.outcome_list(baseline)
    run = SimpleNamespace(
        entries=[SimpleNamespace(day=d, kind=k, meeting=m, actor=a) for d, k, m, a in [
            (1, "measure", "", "us"), (2, "agreement in principle", "geneva", ""),
            (3, "measure", "", "china"), (4, "offer", "geneva", "us"),
            (4, "offer", "geneva", "china"), (5, "shock", "selloff", "")]],
        columns={"status": ["escalating"] * 5, **{lv.id: [1.0] for lv in baseline.levers}})
    values = dict(zip([o.id for o in defs], outcomes.outcome_values(run, defs), strict=True))
    assert values["held.geneva"] == 1 and values["agreement.geneva"] == 0
    assert values["measures"] == 2
    assert values["escalates.us"] == values["escalates.china"] == 1


# -- the timeline lookup (sim.record.scorecard._Timeline) -----------------------------------------
def test_a_timeline_accepts_consecutive_days_in_any_date_type():
    """Dates as dates, datetimes, ISO strings or numpy datetime64 all read as the same days;
    non-dates are converted, not taken as they are."""
    days = [DAY + dt.timedelta(days=k) for k in range(3)]
    for raw in (days, [dt.datetime(d.year, d.month, d.day, 12) for d in days],
                [d.isoformat() for d in days], np.array(days, dtype="datetime64[D]")):
        t = scorecard._Timeline({"date": raw, "q": [1.0, 2.0, 3.0]})
        assert t.dates == days
        assert t.values("q", days[1], days[2]) == [2.0, 3.0]


@pytest.mark.parametrize("gap, row", [
    ([0, 1, 3], 2),  # a day missing
    ([0, 2, 2], 1),  # the right span, but not one day apart
    ([0, 1, 1, 3], 2),  # a repeated day
    ([0, 2, 4], 1),  # increasing, two days apart
])
def test_a_timeline_with_gaps_or_repeats_is_refused_naming_the_first_bad_row(gap, row):
    dates = [DAY + dt.timedelta(days=k) for k in gap]
    with pytest.raises(ValueError, match=f"consecutive days; {dates[row]} is at row {row}$"):
        scorecard._Timeline({"date": dates})


def test_a_timeline_of_consecutive_days_is_accepted():
    scorecard._Timeline({"date": [DAY + dt.timedelta(days=k) for k in range(5)]})
    scorecard._Timeline({"date": [DAY]})


def test_a_timeline_reads_a_window_from_any_sequence_type():
    """Columns may be lists, tuples, numpy arrays or pandas-like sequences: the same window."""
    days = [DAY + dt.timedelta(days=k) for k in range(4)]
    for column in ([1.0, 2.0, 3.0, 4.0], (1.0, 2.0, 3.0, 4.0), np.array([1.0, 2.0, 3.0, 4.0]),
                   range(1, 5)):
        t = scorecard._Timeline({"date": days, "q": column})
        assert t.values("q", days[1], days[2]) == [2.0, 3.0]


def test_a_window_with_an_infinite_value_is_not_scored():
    days = [DAY + dt.timedelta(days=k) for k in range(3)]
    t = scorecard._Timeline({"date": days, "q": [1.0, math.inf, 2.0], "r": [1.0, 2.0, 3.0]})
    assert t.values("q", days[0], days[2]) is None
    assert t.values("r", days[0], days[2]) == [1.0, 2.0, 3.0]
    huge = scorecard._Timeline({"date": days[:2], "q": [1e308, 1e308]})  # the sum overflows
    assert huge.values("q", days[0], days[1]) == [1e308, 1e308]


def test_window_means_average_a_values_window_and_are_nan_elsewhere():
    """The mean of the quantity over each value observation's window (both ends included);
    nan for other kinds, quantities the run lacks and windows outside the run."""
    def at(oid, start, end, quantity="a.x", **kw):
        return Observation(oid, quantity, DAY + dt.timedelta(days=start),
                           DAY + dt.timedelta(days=end), "000", "q", "high", **kw)

    rec = _record([at("v", 1, 2, value=1.0, tolerance=1.0),
                   at("first", 0, 0, value=1.0, tolerance=1.0),
                   at("last", 3, 3, value=1.0, tolerance=1.0),
                   at("l", 1, 2, level=("above", 0.0)),
                   at("missing", 1, 2, quantity="b.y", value=1.0, tolerance=1.0),
                   at("before", -1, 1, value=1.0, tolerance=1.0),
                   at("after", 2, 4, value=1.0, tolerance=1.0)])
    means = bs.window_means(rec, _columns(["truce"] * 4, [1.0, 2.0, 4.0, 8.0]))
    assert means[:3] == [3.0, 1.0, 8.0]
    assert all(math.isnan(v) for v in means[3:]) and len(means) == 7

"""The scorecard's rules at their edges, on tiny hand-made records and timelines.

Each rule of the module docstring of ``sim.record.scorecard`` (tolerances inclusive, levels strict,
search regions that stop at the neighbouring move, the first largest change, the halfway day, the
marks) is pinned at its boundary, so that an off-by-one or a flipped comparison fails a test.
Written against the mutation survivors listed in docs/testing.md.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from sim.record import outcomes
from sim.record.documents import Move, Observation, Record
from sim.record.scorecard import (
    EPS,
    MoveScore,
    ObservationScore,
    format_summary,
    score_moves,
    score_observations,
    summarise,
    write_scorecard_csv,
)

START = dt.date(2025, 1, 1)


def day(k: int) -> dt.date:
    return START + dt.timedelta(days=k)


def timeline(values: list[float], name: str = "q") -> dict[str, list]:
    return {"date": [day(k) for k in range(len(values))], name: list(values),
            "status": ["escalating"] * len(values)}


def obs(**kw) -> Observation:
    base = dict(id="o", quantity="q", start=day(1), end=day(2), doc="000", quote="...",
                confidence="high")
    return Observation(**{**base, **kw})


def move(**kw) -> Move:
    base = dict(id="m", quantity="q", direction="down", start=day(3), end=day(4),
                timing_tolerance_days=1, doc="000", quote="...", confidence="high",
                search_days=2)
    return Move(**{**base, **kw})


def record(observations=(), moves=()) -> Record:
    return Record(Path("r.yaml"), "t", {}, tuple(observations), tuple(moves))


def one_obs(o: Observation, values: list[float]) -> ObservationScore:
    return score_observations(record([o]), timeline(values))[0]


def one_move(m: Move, values: list[float], others=()) -> MoveScore:
    return score_moves(record(moves=[m, *others]), timeline(values))[0]


# -- observations --------------------------------------------------------------------------------
def test_a_value_exactly_at_the_tolerance_hits_and_just_beyond_misses():
    at = one_obs(obs(value=10.0, tolerance=2.0), [0, 12.0, 8.0, 0])
    assert at == ObservationScore("o", "2025-01-02 to 2025-01-03", "q", "10 ± 2", "8..12", True,
                                  1.0, 1.0, "000", "high")
    beyond = one_obs(obs(value=10.0, tolerance=2.0), [0, 12.5, 10.0, 0])
    assert beyond.hit is False and beyond.error == pytest.approx(1.25)


def test_a_value_without_tolerance_must_be_exact():
    assert one_obs(obs(value=10.0), [0, 10.0, 10.0, 0]).hit is True
    missed = one_obs(obs(value=10.0), [0, 10.5, 10.0, 0])
    assert missed.hit is False and missed.simulated == "10..10.5"


def test_one_value_over_the_range_is_reported_as_a_number():
    assert one_obs(obs(value=10.0, tolerance=1.0), [0, 10.0, 10.0, 0]).simulated == 10.0


@pytest.mark.parametrize("side, values, hit, error", [
    ("above", [2.5, 3.0], True, 0.0),
    ("above", [2.0, 3.0], False, 0.0),      # on the threshold is not above it
    ("above", [1.5, 3.0], False, 0.25),     # error: the distance below, over |threshold|
    ("below", [1.0, 1.9], True, 0.0),
    ("below", [1.0, 2.0], False, 0.0),
    ("below", [1.0, 3.0], False, 0.5),
])
def test_a_level_is_strictly_above_or_below_on_every_day(side, values, hit, error):
    score = one_obs(obs(level=(side, 2.0)), [0, *values, 0])
    assert (score.hit, score.error) == (hit, pytest.approx(error))


def test_a_change_of_exactly_min_change_counts_as_a_direction():
    assert one_obs(obs(direction="up", min_change=0.5), [0, 1.0, 1.5, 0]).hit is True
    assert one_obs(obs(direction="down", min_change=0.5), [0, 1.5, 1.0, 0]).hit is True
    assert one_obs(obs(direction="up", min_change=0.5), [0, 1.0, 1.4, 0]).hit is False


def test_a_range_ending_on_the_last_day_is_scored_and_one_past_it_is_not():
    assert one_obs(obs(value=1.0, start=day(2), end=day(3)), [0, 0, 1.0, 1.0]).hit is True
    late = one_obs(obs(value=1.0, start=day(2), end=day(4)), [0, 0, 1.0, 1.0])
    assert (late.hit, late.simulated) == (None, "not in run")


def test_a_day_without_a_finite_number_leaves_the_observation_unscored():
    assert one_obs(obs(value=1.0), [0, 1.0, math.nan, 0]).hit is None


def test_context_and_missing_quantities_are_reported_as_such():
    context = one_obs(obs(quantity="context"), [0, 1, 2, 3])
    assert (context.simulated, context.hit, context.error) == ("context", None, None)
    absent = one_obs(obs(quantity="nowhere", value=1.0), [0, 1, 2, 3])
    assert (absent.simulated, absent.hit, absent.error) == ("not in run", None, None)


def test_dates_may_be_iso_text_or_numpy_nanosecond_datetimes():
    values = [0, 10.0, 10.0, 0]
    for dates in ([d.isoformat() for d in timeline(values)["date"]],
                  list(np.array([np.datetime64(d, "ns") for d in timeline(values)["date"]]))):
        columns = {**timeline(values), "date": dates}
        assert score_observations(record([obs(value=10.0)]), columns)[0].hit is True


def test_an_empty_timeline_is_refused_with_a_reason():
    with pytest.raises(ValueError, match="^the timeline has no dates$"):
        score_observations(record([obs(value=1.0)]), {"date": [], "q": []})


# -- moves ---------------------------------------------------------------------------------------
def test_a_scored_move_reports_its_change_day_and_marks():
    m = move(size=-10.0, size_tolerance=1.0)
    got = one_move(m, [20, 20, 20, 20, 10, 10, 10, 10])
    assert got == MoveScore("m", "q", "2025-01-04 to 2025-01-05 ± 1 d", "down -10 ± 1", -10.0,
                            day(4), 0, True, True, True)


def test_a_move_outside_the_run_is_not_scored():
    for m in (move(start=day(30), end=day(31)), move(start=day(7), end=day(7), search_days=0)):
        got = one_move(m, [20, 20, 20, 20, 10, 10, 10, 10])
        assert got == MoveScore("m", "q", m.window_text(), m.expected_text(), None, None, None,
                                None, None, None)


def test_the_search_region_stops_the_day_before_and_after_a_neighbouring_move():
    """A neighbour ending on day 2 and one starting on day 6: only days 3-5 are searched."""
    before = move(id="before", direction="up", start=day(0), end=day(2))
    after = move(id="after", direction="up", start=day(6), end=day(7))
    m = move(direction="down", start=day(3), end=day(5), search_days=10)
    # drops that straddle the region's edges must not count; inside, a drop of 1
    values = [50, 50, 40, 40, 39, 39, 0, 0]
    got = score_moves(record(moves=[before, m, after]), timeline(values))[1]
    assert got.change == -1.0 and got.date == day(4)


def test_the_region_reaches_the_first_and_the_last_day_of_the_run():
    first = one_move(move(start=day(0), end=day(1)), [30, 20, 20, 20, 20])
    assert (first.change, first.date) == (-10.0, day(1))
    last = one_move(move(start=day(3), end=day(4)), [20, 20, 20, 20, 10])
    assert (last.change, last.date) == (-10.0, day(4))


def test_a_change_between_the_first_two_days_of_the_region_is_found():
    got = one_move(move(start=day(0), end=day(1)), [30, 20, 30, 30, 30])
    assert (got.change, got.date) == (-10.0, day(1))


def test_a_neighbour_sharing_a_day_with_the_window_does_not_cut_the_region():
    """Only a neighbour wholly before (or after) the window cuts the search region."""
    before = move(id="before", direction="up", start=day(0), end=day(3))
    after = move(id="after", direction="up", start=day(4), end=day(6))
    m = move(direction="down", start=day(3), end=day(4), search_days=3)
    values = [50, 40, 30, 30, 30, 10, 10, 10]
    got = score_moves(record(moves=[before, m, after]), timeline(values))[1]
    assert got.change == -40.0 and got.date == day(2)


def test_span_days_limits_how_far_apart_the_two_days_may_be():
    values = [20, 18, 16, 14, 12, 10, 10, 10]
    wide = one_move(move(start=day(0), end=day(5)), values)
    narrow = one_move(move(start=day(0), end=day(5), span_days=2), values)
    assert wide.change == -10.0 and narrow.change == -4.0
    assert narrow.date == day(1)  # the first of the equal two-day drops, half done a day in


def test_of_equal_changes_the_first_is_taken():
    got = one_move(move(start=day(0), end=day(7), search_days=0), [20, 10, 20, 10, 20, 20])
    assert (got.change, got.date) == (-10.0, day(1))


def test_the_move_date_is_the_first_day_half_of_the_change_is_made():
    got = one_move(move(direction="up", start=day(0), end=day(6), search_days=0),
                   [10, 0, 2, 4, 6, 8, 10])
    assert (got.change, got.date) == (10.0, day(4))


@pytest.mark.parametrize("change, moved", [(-4.0, False), (-5.0, True), (-6.0, True)])
def test_direction_needs_half_the_documented_size(change, moved):
    got = one_move(move(size=-10.0, size_tolerance=20.0), [20, 20, 20, 20, 20 + change, 0][:5])
    assert got.direction_hit is moved
    assert got.size_hit is moved  # within a generous tolerance, but never without direction


def test_without_size_or_min_change_any_move_in_the_direction_counts():
    assert one_move(move(), [20, 20, 20, 20, 19.9]).direction_hit is True
    assert one_move(move(), [20, 20, 20, 20, 20]).direction_hit is False


def test_min_change_replaces_half_the_size():
    assert one_move(move(size=-10.0, size_tolerance=1.0, min_change=2.0),
                    [20, 20, 20, 20, 18]).direction_hit is True


@pytest.mark.parametrize("size_tolerance, change, hit", [
    (1.0, -11.0, True), (1.0, -9.0, True), (1.0, -11.5, False), (0.0, -10.0, True),
    (0.0, -10.5, False)])
def test_size_tolerance_is_inclusive_and_zero_means_exact(size_tolerance, change, hit):
    got = one_move(move(size=-10.0, size_tolerance=size_tolerance),
                   [20, 20, 20, 20, 20 + change])
    assert got.size_hit is hit


@pytest.mark.parametrize("step_day, off, timing", [(1, -2, False), (2, -1, True), (5, 1, True),
                                                   (6, 2, False)])
def test_timing_tolerance_is_inclusive_on_both_sides(step_day, off, timing):
    values = [20.0] * step_day + [10.0] * (10 - step_day)
    got = one_move(move(search_days=5), values)
    assert (got.date, got.days_off, got.timing_hit) == (day(step_day), off, timing)


# -- summary and files ---------------------------------------------------------------------------
def _scores():
    o = [ObservationScore("a", "2025-01-02", "q", "1 ± 1", 1.5, True, 0.5, 2.0, "000", "high"),
         ObservationScore("b", "2025-01-03", "q", "above 2", 1.0, False, 0.5, 1.0),
         ObservationScore("c", "2025-01-03", "context", "(context)", "context", None, None)]
    m = [MoveScore("m", "q", "2025-01-04 ± 1 d", "down", -3.0, day(3), -1, True, None, True),
         MoveScore("n", "q", "2025-01-05 ± 1 d", "up +1 ± 1", 1.0, day(4), 0, True, False,
                   True)]
    return o, m


def test_the_summary_counts_what_was_scored():
    s = summarise(*_scores())
    assert (s.observations_scored, s.observations_hit, s.observations_unscored) == (2, 1, 1)
    assert (s.move_marks, s.move_marks_hit) == (5, 4)
    assert s.mark_shares == {"direction": 1.0, "size": 0.0, "timing": 1.0}


def test_the_summary_text_names_every_part_and_says_when_weights_are_rescaled():
    text = format_summary(summarise(*_scores()))
    assert text == (
        "fit 0.71 = 0.5 × observations 0.67 + 0.3 × move marks 0.80 + 0.2 × closeness 0.67\n"
        "observations: 1 of 2 hit (weighted share 0.67); 1 not scored (context or not in the "
        "run)\n"
        "moves: 4 of 5 marks (direction 1.00, size 0.00, timing 1.00)\n"
        "weighted normalised error 0.50")
    o, _ = _scores()
    text = format_summary(summarise(o, []))
    assert text.splitlines()[0] == ("fit 0.67 = 0.5 × observations 0.67 + 0.2 × closeness 0.67"
                                    ", weights rescaled to the parts scored")
    assert text.splitlines()[2] == "moves: 0 of 0 marks (none)"
    empty = format_summary(summarise([], []))
    assert empty.splitlines()[0] == "fit 0.00 (nothing to score)"
    assert "weighted share n/a" in empty and empty.endswith("weighted normalised error n/a")


def test_the_scorecard_csv_has_one_row_per_observation_and_move(tmp_path):
    o, m = _scores()
    path = write_scorecard_csv(tmp_path / "new" / "deeper" / "scorecard.csv", o, m)
    assert path.read_text(encoding="utf-8").splitlines() == [
        "record_type,id,date,quantity,expected,simulated,hit,error,weight,direction_hit,"
        "size_hit,timing_hit,simulated_date,days_off",
        "observation,a,2025-01-02,q,1 ± 1,1.5,True,0.5,2,,,,,",
        "observation,b,2025-01-03,q,above 2,1,False,0.5,1,,,,,",
        "observation,c,2025-01-03,context,(context),context,,,1,,,,,",
        "move,m,2025-01-04 ± 1 d,q,down,-3,,,,True,,True,2025-01-04,-1",
        "move,n,2025-01-05 ± 1 d,q,up +1 ± 1,1,,,,True,False,True,2025-01-05,0",
    ]
    write_scorecard_csv(path, o[:1], [])  # rewriting an existing file in an existing folder
    assert len(list(csv.DictReader(path.open(encoding="utf-8")))) == 1


# -- outcomes --------------------------------------------------------------------------------------
def _fake(entries, status, levers):
    """A run with these (day, kind, meeting[, actor]) events, statuses and lever columns."""
    return SimpleNamespace(entries=[SimpleNamespace(day=e[0], kind=e[1], meeting=e[2],
                                                    actor=e[3] if len(e) > 3 else "")
                                    for e in entries],
                           columns={"status": status, **levers})


def test_outcomes_count_measures_read_the_last_day_and_the_first_agreement(baseline):
    defs = outcomes.outcome_list(baseline)
    ids = [o.id for o in defs]
    levers = {lv.id: [1.0, 2.0, 3.0, 4.0] for lv in baseline.levers}
    run = _fake([(1, "measure", "", "china"), (2, "measure", "", "china"),
                 (3, "offer", "geneva", "us"), (3, "threat", "", "us")],
                ["escalating", "escalating", "stalled", "truce"], levers)
    got = dict(zip(ids, outcomes.outcome_values(run, defs), strict=True))
    assert got["measures"] == 2 and got["any_agreement"] == 0
    # escalates.<actor>: that side took a measure; a threat or an offer is not one
    assert got["escalates.china"] == 1 and got["escalates.us"] == 0
    assert got["final.us.tariff_on_china"] == 4.0
    assert got["final_status.truce"] == 1 and got["final_status.stalled"] == 0
    assert math.isnan(got["fit"])


def test_an_unknown_outcome_is_refused_by_name(baseline):
    run = _fake([], ["escalating"], {})
    with pytest.raises(ValueError, match="^unknown outcome nope.x$"):
        outcomes.outcome_values(run, [outcomes.Outcome("nope.x", "value", "")])


def test_the_outcome_list_of_the_baseline(baseline):
    got = [(o.id, o.kind, o.description) for o in outcomes.outcome_list(baseline)]
    p, v = "probability", "value"
    assert got == [
        ("agreement.geneva", p, "P(agreement at Geneva talks)"),
        ("held.geneva", p, "P(Geneva talks held, both sides attending)"),
        ("call.leaders_call", p, "P(Leaders' call takes place)"),
        ("agreement.london", p, "P(agreement at London talks)"),
        ("held.london", p, "P(London talks held, both sides attending)"),
        ("any_agreement", p, "P(at least one agreement)"),
        ("collapse", p, "P(truce collapses before the end)"),
        ("collapse_given_truce", p, "P(truce collapses, given an agreement)"),
        ("days_to_first_agreement", v, "days to the first agreement (runs with one)"),
        ("measures", v, "new measures taken (both sides)"),
        ("escalates.us", p, "P(US takes a new measure)"),
        ("escalates.china", p, "P(China takes a new measure)"),
        ("final.us.tariff_on_china", v, "final US tariff on Chinese goods (percent)"),
        ("final.us.chip_controls", v, "final US chip export controls (index)"),
        ("final.us.visa_restrictions", v, "final US student-visa restrictions (index)"),
        ("final.china.tariff_on_us", v, "final China tariff on US goods (percent)"),
        ("final.china.rare_earth_licensing", v, "final China rare-earth licences approved "
                                                "(share)"),
        ("final_status.escalating", p, "P(final status escalating)"),
        ("final_status.truce", p, "P(final status truce)"),
        ("final_status.stalled", p, "P(final status stalled)"),
        ("final_status.talks_restarted", p, "P(final status talks restarted)"),
        ("final_status.framework_agreed", p, "P(final status framework agreed)"),
        ("fit", v, "fit to the documented record (0-1)"),
    ]


def test_eps_is_tiny():
    assert 0 < EPS < 1e-6

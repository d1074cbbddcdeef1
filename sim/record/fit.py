"""Bridge from a finished run to the documented record: score it and write the scorecard.

Only comparison code reads the record; the model never does (a test guards this).
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.record import scorecard
from sim.record.lookup import NO_RECORD_TITLE, record_for
from sim.record.series_score import add_series_columns, series_lines, with_series
from sim.scenario.bundled import NO_RECORD
from sim.scenario.language import Scenario


@dataclass
class Fit:
    """A run's comparison with the record: scores, a printable summary, what to overlay."""

    observations: list  # record observations, for overlays
    observation_scores: list
    move_scores: list
    summary: scorecard.FitSummary
    text: str


def score(columns: dict[str, list], scenario: Scenario, rec=None) -> Fit:
    """Score a run's ``columns`` against ``rec`` (default: the scenario's record), with the
    record's series when it has some and the scenario a `trade:` section: their periods are
    observations on columns the trade layer computes from the run's levers
    (``sim.record.series_score``)."""
    rec = with_series(rec or record_for(scenario), scenario)
    columns = add_series_columns(rec, columns)
    obs = scorecard.score_observations(rec, columns)
    moves = scorecard.score_moves(rec, columns)
    summary = scorecard.summarise(obs, moves)
    if not rec.observations and not rec.moves and rec.title == NO_RECORD_TITLE:
        text = (f"nothing to score against: this scenario names no record ({NO_RECORD}; add "
                "`record: FILE` to compare its runs with a documented record)")
        return Fit([], obs, moves, summary, text)
    text = "\n".join([scorecard.format_summary(summary), *series_lines(rec, obs)])
    missing = [q for q in rec.scored_quantities() if q not in columns]
    if missing:  # say why observations went unscored, so a new scenario's author can add them
        text += (f"\nnot scored: the record scores {', '.join(missing)}, which this run does "
                 "not provide")
    return Fit(list(rec.observations), obs, moves, summary, text)

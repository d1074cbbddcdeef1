"""Bridge from a finished run to the documented record: score it and write the scorecard.

Only comparison code reads the record; the model never does (a test guards this).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sim import plots, record, scorecard
from sim.scenario import Scenario


@dataclass
class Fit:
    """A run's comparison with the record: scores, a printable summary, what to overlay."""

    observations: list  # record observations, for overlays
    observation_scores: list
    move_scores: list
    summary: object
    text: str


def score(columns: dict[str, list], scenario: Scenario, rec=None) -> Fit:
    rec = rec or record.load_record()
    obs = scorecard.score_observations(rec, columns)
    moves = scorecard.score_moves(rec, columns)
    summary = scorecard.summarise(obs, moves)
    return Fit(list(rec.observations), obs, moves, summary, scorecard.format_summary(summary))


def score_and_write(columns: dict[str, list], scenario: Scenario, folder: Path,
                    figure: bool = True) -> Fit:
    fit = score(columns, scenario)
    scorecard.write_scorecard_csv(folder / "scorecard.csv", fit.observation_scores,
                                  fit.move_scores)
    if figure:
        plots.save(plots.scorecard_figure(fit, scenario), folder / "scorecard.png")
    return fit

"""One run: ``sim.run`` and the ``Run`` it returns."""

from __future__ import annotations

import os
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import sim.api.frames as frames
from sim.api.loading import ScenarioLike, as_scenario
from sim.engine.spec import Scenario
from sim.experiments import interrupts, space
from sim.experiments.output import default_folder, staged_output
from sim.experiments.runs import RunResult, run_once
from sim.record import outcomes as oc
from sim.record.fit import Fit, score

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

EVENT_COLUMNS = ["date", "run", "actor", "kind", "meeting", "why"]


def run(scenario: ScenarioLike, seed: int | None = None) -> Run:
    """Run ``scenario`` once, from its start to its end, with ``seed`` (default: its ``seed:``).

    ``scenario`` is a name, a path or a loaded ``Scenario`` (see ``sim.load``). The same seed
    gives the same run, byte for byte.
    """
    return Run(run_once(as_scenario(scenario), seed=seed))


class Run:
    """One finished run of a scenario: its day-by-day timeline, its decisions, the outcomes it
    came to and how it compares with the documented record."""

    def __init__(self, result: RunResult):
        self._result = result

    @property
    def scenario(self) -> Scenario:
        """The scenario that was run."""
        return self._result.scenario

    @property
    def seed(self) -> int:
        """The seed the run used; ``sim.run(scenario, seed=...)`` repeats it exactly."""
        return self._result.seed

    @cached_property
    def scored(self) -> Fit:
        """The run scored against its record (observations, moves, summary)."""
        return score(self._result.columns, self.scenario)

    @property
    def fit(self) -> float:
        """The run's fit to the documented record, 0 (nothing matches) to 1."""
        return self.scored.summary.fit

    @property
    def timeline(self) -> pd.DataFrame:
        """One row per day: ``date``, ``run``, every lever (``<actor>.<lever>``), each side's
        ``trust`` and ``pressure``, each constituency, and the talks ``status``."""
        columns = self._result.columns
        rows = [dict(zip(columns, values, strict=True)) for values in zip(*columns.values(),
                                                                          strict=True)]
        return frames.frame(rows, list(columns), dates=["date"])

    @property
    def events(self) -> pd.DataFrame:
        """Every decision and meeting round, with a plain-language ``why``."""
        return frames.frame(self._result.events, EVENT_COLUMNS, dates=["date"])

    @property
    def outcomes(self) -> pd.DataFrame:
        """What the run came to: one row per outcome (``outcome``, ``kind``, ``value``,
        ``description``); the definitions are in ``sim.record.outcomes``."""
        defs = oc.outcome_list(self.scenario)
        values = oc.outcome_values(self._result, defs, self.fit)
        rows = [{"outcome": o.id, "kind": o.kind, "value": v, "description": o.description}
                for o, v in zip(defs, values, strict=True)]
        return frames.frame(rows, ["outcome", "kind", "value", "description"])

    @property
    def scorecard(self) -> pd.DataFrame:
        """Each observation hit or missed and each documented move's marks, as ``scorecard.csv``
        (``hit`` is ``<NA>`` where an observation cannot be scored, e.g. context)."""
        return frames.scorecard_frame(self.scored)

    def plot(self, kind: str = "overview") -> Figure:
        """A matplotlib figure: ``"overview"`` (the whole story), ``"levers"`` (each lever with
        the record overlaid) or ``"scorecard"`` (each observation hit or missed)."""
        plots = "sim.views.plots"
        from sim.views.run_files import record_items

        cols, s = self._result.columns, self.scenario
        obs = record_items(self.scored, s)
        return frames.pick(kind, {
            "overview": lambda: frames.draw(f"{plots}:overview_figure", (cols, s, obs)),
            "levers": lambda: frames.draw(f"{plots}:lever_figure", (cols, s, obs)),
            "scorecard": lambda: frames.draw("sim.views.scorecard_figure:scorecard_figure",
                                                 (self.scored, s))})

    def save(self, folder: str | os.PathLike | None = None, *, figures: bool = True) -> Path:
        """Write the files `sim run` writes into ``folder`` (default ``results/<name>``):
        report.html, timeline.csv, events.csv, manifest.json, scorecard.csv and, with
        ``figures``, overview.png, scorecard.png; with a `trade:` section also consequences.csv
        and (with ``figures``) who_paid.png. An existing folder is replaced only if `sim` wrote
        it (else ``UserError``). Returns the folder."""
        from sim.views.run_files import write_run_folder

        out = Path(folder) if folder is not None else default_folder(self.scenario.name, "run")
        # interruptions wait until the folder is complete: it is small and quick to write
        needs = space.run_bytes(self.scenario.days, figures)
        with interrupts.held(), staged_output(out, "run", needs) as scratch:
            write_run_folder(self._result, self.scored, scratch, figures)
        return out

    def summary(self) -> str:
        """What `sim run` prints: the meetings and measures, final values, the fit."""
        from sim.views.run_files import summary

        return summary(self._result) + "\n" + self.scored.text

    def __repr__(self) -> str:
        return f"<Run {self.scenario.name} seed={self.seed} fit={self.fit:.2f}>"

    def _repr_html_(self) -> str:
        s = self.scenario
        summary = self.scored.summary
        facts = [f"seed {self.seed}", f"{s.start} to {s.end}",
                 f"final status {self._result.columns['status'][-1]}", f"fit {self.fit:.2f}",
                 f"{summary.observations_hit} of {summary.observations_scored} observations hit"]
        card = self.scorecard
        card = card[(card["record_type"] == "observation") & card["hit"].notna()]
        shown = card[["id", "date", "quantity", "expected", "simulated", "hit"]]
        return frames.html_block(f"{s.title}: one run", facts, [("scorecard", shown)])

"""The model built from a scenario file, for Mesa's own tools (``mesa.batch_run`` and others).

The engine's ``NegotiationModel`` takes a parsed scenario and never reads files (the layers
forbid it); ``ScenarioModel`` is the same model built from a scenario path or a shipped
scenario's name, plus plain overrides::

    import mesa
    from sim.experiments.mesa_model import ScenarioModel

    rows = mesa.batch_run(ScenarioModel, {
        "scenario": "scenarios/baseline.yaml",
        "overrides": [{}, {"meetings.leaders_call": None}],         # each dict is one variant
        "actors.us.behaviour.patience": [0.2, 0.8],                 # or dotted keys directly
    }, rng=[1, 2, 3], number_processes=1)

Overrides use the dotted paths of ``sim.scenario.language.apply_overrides`` (``None`` removes a
key or a meeting). Each row holds, at the run's end, every lever, each side's trust, the talks
status, the number of agreements, and every outcome of ``sim.record.outcomes`` (agreement and
attendance of each meeting, collapse, final levers, the fit to the record...), under their ids.
Scenario files are parsed once per process; overrides cost well under a millisecond. Every
variant reports the outcomes of the scenario as written (a meeting removed by an override reports
0), so all rows have the same columns.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import partial
from pathlib import Path

import mesa

from sim.engine.model import NegotiationModel
from sim.engine.spec import Scenario
from sim.record import outcomes as oc
from sim.record import scorecard
from sim.record.lookup import record_for
from sim.record.series_score import add_series_columns, with_series
from sim.scenario.bundled import scenarios_dir
from sim.scenario.language import apply_overrides, load_scenario

_CACHE: dict[str, Scenario] = {}


def resolve_scenario(scenario: str | Path | Scenario,
                     overrides: Mapping[str, object] | None = None) -> tuple[Scenario, Scenario]:
    """(the scenario, the scenario with ``overrides``) from a path, a shipped scenario's name
    (``"baseline"``) or a Scenario; files are parsed once per process."""
    if isinstance(scenario, Scenario):
        base = scenario
    else:
        path = Path(scenario)
        if not path.exists() and path.suffix == "" and \
                (scenarios_dir() / f"{path}.yaml").exists():
            path = scenarios_dir() / f"{path}.yaml"
        key = json.dumps([str(path.resolve()), path.stat().st_mtime if path.exists() else 0])
        if key not in _CACHE:
            _CACHE[key] = load_scenario(path)
        base = _CACHE[key]
    return base, apply_overrides(base, dict(overrides)) if overrides else base


class ScenarioModel(NegotiationModel):
    """``NegotiationModel`` built from a scenario path or name plus overrides, reporting every
    outcome at the run's end (for ``mesa.batch_run``)."""

    def __init__(self, scenario: str | Path | Scenario = "baseline",
                 overrides: Mapping[str, object] | None = None, seed: int | None = None,
                 run: int = 0, **dotted: object):
        base, spec = resolve_scenario(scenario, {**(overrides or {}), **dotted})
        super().__init__(spec, seed=seed, run=run)
        # the outcomes of the scenario as written, so that every variant reports the same
        # columns (a meeting removed by an override reports 0, as in sweeps)
        self.outcome_list = oc.outcome_list(base)
        self._outcomes: dict[str, float] | None = None
        reporters = self.end_reporters()
        reporters.update({o.id: partial(_outcome, outcome_id=o.id) for o in self.outcome_list})
        self.datacollector = mesa.DataCollector(model_reporters=reporters)

    def outcomes(self) -> dict[str, float]:
        """Every outcome of this (finished) run, by id; computed once."""
        if self._outcomes is None:
            # the scenario's record (read once per process: record_for), with its series
            rec = with_series(record_for(self.spec), self.spec)
            cols = add_series_columns(rec, self.columns)
            fit = scorecard.summarise(*scorecard.score_run(rec, cols)).fit
            values = oc.outcome_values(self, self.outcome_list, fit)
            self._outcomes = dict(zip((o.id for o in self.outcome_list), values, strict=True))
        return self._outcomes


def _outcome(model: ScenarioModel, outcome_id: str) -> float:
    return model.outcomes()[outcome_id]

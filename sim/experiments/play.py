"""A game where one side is played by a student: the end comparison with the record and the
model-vs-model ensemble, shared by `sim play` (terminal) and `sim app --play` (page).

The ensemble is the same scenario with both sides played by the model, over ``runs`` seeds
(``scenario.seed + i``, as the page's band); the student's outcome is placed among those runs as
a percentile ("higher than 80 % of model runs"). The record is read only here, for comparison.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.engine.model import NegotiationModel
from sim.scenario.language import Scenario

ENSEMBLE_RUNS = 100


@dataclass
class Row:
    """One line of the end screen: an outcome, the student's value, the record, the ensemble."""

    key: str
    label: str
    yours: str
    record: str  # "" when the record says nothing about it
    percentile: float  # share of model runs below the student's value (ties count half), 0-100
    model_median: str

    def sentence(self) -> str:
        rec = f"; the record: {self.record}" if self.record else ""
        return (f"{self.label}: {self.yours} - higher than {self.percentile:.0f} % of model runs "
                f"(their median {self.model_median}){rec}")


def outcomes(model: NegotiationModel) -> dict[str, float]:
    """The numbers a game ends with: each lever, each side's trust, how many agreements."""
    out = {lv: model.levers[lv].value for lv in model.levers}
    out.update({f"{a}.trust": n.trust for a, n in model.negotiators.items()})
    out["agreements"] = float(sum(e.kind == "agreement" for e in model.entries))
    return out


def ensemble(scenario: Scenario, runs: int = ENSEMBLE_RUNS) -> dict[str, np.ndarray]:
    """``outcomes`` of ``runs`` model-vs-model runs of ``scenario``, as arrays."""
    rows = [outcomes(NegotiationModel(scenario, seed=scenario.seed + i, run=i).run_to_end())
            for i in range(runs)]
    return {k: np.array([r[k] for r in rows]) for k in rows[0]}


def _describe(scenario: Scenario, key: str, value: float) -> tuple[str, str]:
    lever = next((lv for lv in scenario.levers if lv.id == key), None)
    if lever is not None:
        return lever.label, lever.describe(value)
    if key == "agreements":
        return "Agreements signed", f"{value:.0f}"
    actor, _, _ = key.partition(".")
    return f"{scenario.actors[actor].label}'s trust", f"{value:.2f}"


def _record(scenario: Scenario, key: str, observations) -> str:
    """The latest documented value or level of ``key`` within the scenario's dates."""
    found = [o for o in observations if o.quantity == key and o.start <= scenario.end
             and (o.value is not None or o.level is not None)]
    if not found:
        return ""
    obs = max(found, key=lambda o: o.end)
    lever = next((lv for lv in scenario.levers if lv.id == key), None)
    show = lever.describe if lever else (lambda v: f"{v:.2f}")
    what = show(obs.value) if obs.value is not None else f"{obs.level[0]} {show(obs.level[1])}"
    return f"{what} ({obs.end:%d %b}, doc {obs.doc})"


def compare(model: NegotiationModel, runs: dict[str, np.ndarray], observations=()) -> list[Row]:
    """The student's outcomes against the ensemble ``runs`` and the record ``observations``."""
    rows = []
    for key, value in outcomes(model).items():
        values = runs[key]
        below = float(np.mean(values < value - 1e-9)) + 0.5 * float(
            np.mean(np.abs(values - value) <= 1e-9))
        label, yours = _describe(model.spec, key, value)
        rows.append(Row(key, label, yours, _record(model.spec, key, observations),
                        100.0 * below, _describe(model.spec, key, float(np.median(values)))[1]))
    return rows

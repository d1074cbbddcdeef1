"""A game where one side is played by a student: the end comparison with the record and the
model-vs-model ensemble, shared by `sim play` (terminal) and `sim app --play` (page).

The ensemble is the same scenario with both sides played by the model, over ``runs`` seeds
(``scenario.seed + i``, as the page's band); the student's outcome is placed among those runs
("higher than 80 % of model runs", "below every model run"). The record is read only here, for
comparison.

One unit everywhere: a lever is typed in the unit it is shown in (``typed_value``): a share of
licences shown as "20 %" is typed as 20 (or 20 %), a tariff in percent as 30, an index as 0.4;
a value outside the lever's range is refused with the range, never clipped.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.engine.levers import LeverSpec
from sim.engine.model import NegotiationModel
from sim.record import scorecard
from sim.record.lookup import has_record, record_for
from sim.scenario.language import Scenario

ENSEMBLE_RUNS = 100
SHOWN_SCALE = {"share": 100.0}  # a share (0-1) is shown, typed and drawn as a percentage
TIE = 1e-9


# --- one unit: shown as typed -----------------------------------------------------------------
def shown(spec: LeverSpec, value: float) -> float:
    """``value`` (the model's number) in the unit the student sees: a share 0.2 is 20."""
    return value * SHOWN_SCALE.get(spec.unit, 1.0)


def from_shown(spec: LeverSpec, number: float) -> float:
    """The model's number for ``number`` in the unit the student sees (inverse of ``shown``)."""
    return number / SHOWN_SCALE.get(spec.unit, 1.0)


def shown_range(spec: LeverSpec) -> str:
    """The lever's range in the unit the student sees: '0 % to 100 %', '0.00 to 1.00'."""
    return f"{spec.describe(spec.min)} to {spec.describe(spec.max)}"


def typed_value(spec: LeverSpec, text: str) -> float:
    """The model's value of ``text`` typed in the lever's shown unit ('50', '50 %', '0.4').

    Raises ValueError with a sentence naming the range when it is not a number or outside it."""
    raw = text.strip().removesuffix("%").strip()
    try:
        number = float(raw)
    except ValueError:
        raise ValueError(f"`{text}` is not a number: {spec.label} takes {shown_range(spec)}"
                         ) from None
    value = from_shown(spec, number)
    if not spec.min - TIE <= value <= spec.max + TIE or not np.isfinite(value):
        raise ValueError(f"{text.strip()} is outside the range of {spec.label}: "
                         f"{shown_range(spec)}")
    return min(spec.max, max(spec.min, value))


# --- the end comparison -----------------------------------------------------------------------
@dataclass
class Row:
    """One line of the end screen: an outcome, the student's value, the record, the ensemble."""

    key: str
    label: str
    yours: str
    record: str  # "" when the record says nothing about it
    percentile: float  # share of model runs below the student's value (ties count half), 0-100
    model_median: str
    below: float = 0.0  # share of model runs strictly below the student's value, 0-1
    same: float = 0.0  # share of model runs equal to it, 0-1
    value: float = float("nan")  # the student's value, as the model holds it

    def placement(self) -> str:
        """Where the student's value sits among the model runs, in words that are true at the
        ends too (never "higher than 0 %" for a value below every run)."""
        if self.same >= 1.0:
            return "the same as every model run"
        if self.below + self.same <= 0.0:
            return "below every model run"
        if self.below >= 1.0:
            return "above every model run"
        return f"higher than {self.percentile:.0f} % of model runs"

    def sentence(self) -> str:
        rec = f"; the record: {self.record}" if self.record else ""
        return (f"{self.label}: {self.yours} - {self.placement()} "
                f"(their median {self.model_median}){rec}")


def fit(model: NegotiationModel) -> float | None:
    """The run's fit to its scenario's record (0-1; ``sim.record.scorecard``), None without one."""
    if not has_record(model.spec):
        return None
    return scorecard.summarise(*scorecard.score_run(record_for(model.spec), model.columns)).fit


def outcomes(model: NegotiationModel) -> dict[str, float]:
    """The numbers a game ends with: each lever, each side's trust, how many agreements, and the
    fit to the record when the scenario has one."""
    out = {lv: model.levers[lv].value for lv in model.levers}
    out.update({f"{a}.trust": n.trust for a, n in model.negotiators.items()})
    out["agreements"] = float(sum(e.kind == "agreement" for e in model.entries))
    score = fit(model)
    if score is not None:
        out["fit"] = score
    return out


def ensemble(scenario: Scenario, runs: int = ENSEMBLE_RUNS) -> dict[str, np.ndarray]:
    """``outcomes`` of ``runs`` model-vs-model runs of ``scenario``, as arrays."""
    rows = [outcomes(NegotiationModel(scenario, seed=scenario.seed + i, run=i).run_to_end())
            for i in range(runs)]
    return {k: np.array([r[k] for r in rows]) for k in rows[0]}


def describe(scenario: Scenario, key: str, value: float) -> tuple[str, str]:
    """(label, value in words) of an outcome of ``outcomes``."""
    lever = next((lv for lv in scenario.levers if lv.id == key), None)
    if lever is not None:
        return lever.label, lever.describe(value)
    if key == "agreements":
        return "Agreements signed", f"{value:.0f}"
    if key == "fit":
        return "Fit to the record (0-1)", f"{value:.2f}"
    actor, _, _ = key.partition(".")
    return f"{scenario.actors[actor].label}'s trust", f"{value:.2f}"


def observations_of(scenario: Scenario) -> tuple:
    """The record ``scenario`` is compared with (its ``record:``), or nothing."""
    return tuple(record_for(scenario).observations) if has_record(scenario) else ()


def latest_observation(scenario: Scenario, key: str, observations):
    """The latest documented value or level of ``key`` within the scenario's dates, or None."""
    found = [o for o in observations if o.quantity == key and o.start <= scenario.end
             and (o.value is not None or o.level is not None)]
    return max(found, key=lambda o: o.end) if found else None


def _record(scenario: Scenario, key: str, observations) -> str:
    """The latest documented value or level of ``key``, in words with its date and document."""
    obs = latest_observation(scenario, key, observations)
    if obs is None:
        return ""
    lever = next((lv for lv in scenario.levers if lv.id == key), None)
    show = lever.describe if lever else (lambda v: f"{v:.2f}")
    what = show(obs.value) if obs.value is not None else f"{obs.level[0]} {show(obs.level[1])}"
    return f"{what} ({obs.end:%d %b}, doc {obs.doc})"


def compare(model: NegotiationModel, runs: dict[str, np.ndarray], observations=()) -> list[Row]:
    """The student's outcomes against the ensemble ``runs`` and the record ``observations``."""
    rows = []
    for key, value in outcomes(model).items():
        values = runs[key]
        below = float(np.mean(values < value - TIE))
        same = float(np.mean(np.abs(values - value) <= TIE))
        label, yours = describe(model.spec, key, value)
        rows.append(Row(key, label, yours, _record(model.spec, key, observations),
                        100.0 * (below + 0.5 * same),
                        describe(model.spec, key, float(np.median(values)))[1], below, same,
                        value))
    return rows


def side_named(scenario: Scenario, name: str) -> str | None:
    """The actor id ``name`` means, by id or label in any case (`China`, `CHINA`, `china`)."""
    wanted = name.strip().casefold()
    return next((a.id for a in scenario.actors.values()
                 if wanted in (a.id.casefold(), a.label.casefold())), None)

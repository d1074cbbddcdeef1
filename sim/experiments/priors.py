"""The free values of a scenario and their priors, for calibration.

What can be estimated, and its documented range, is found from the scenario itself
(``sim.scenario.calibration.slots``; nothing here names an actor, a lever or a year). By default
every *free* value is estimated, uniform over its range: behaviour values set as numbers,
priority and hold weights, initial values labelled ``assumption:``.

The scenario's ``calibrate:`` section (checked with line numbers when the scenario loads,
inherited through ``extends``) and, after it, a side file (``--priors FILE``, same keys, kept for
one-off runs) change that: ``priors: {KEY: [low, high]}`` narrows a free value or adds a
documented initial value, ``priors: {KEY: fixed}`` keeps the scenario's value, ``only: [KEY, ...]``
keeps just those keys. (The side file writes the priors at its top level, beside ``only``.)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sim.engine.spec import Scenario
from sim.errors import UserError
from sim.scenario.calibration import WEIGHT_RANGE, slots

__all__ = ["WEIGHT_RANGE", "Prior", "apply_priors_file", "apply_section", "free_values",
           "scenario_priors"]


@dataclass(frozen=True)
class Prior:
    """One free value: its dotted scenario key, the scenario's own value and a uniform prior."""

    key: str
    value: float
    low: float
    high: float
    why: str

    @property
    def sd(self) -> float:
        """The standard deviation of the uniform prior."""
        return (self.high - self.low) / np.sqrt(12)


def free_values(scenario: Scenario) -> list[Prior]:
    """Every free value of ``scenario`` with its documented-range prior (module doc)."""
    return [Prior(s.key, s.value, s.low, s.high, s.why)
            for s in slots(scenario.data).values() if s.free and s.value is not None]


def scenario_priors(scenario: Scenario) -> list[Prior]:
    """The free values as the scenario's ``calibrate:`` section sets them."""
    section = scenario.data.get("calibrate") or {}
    where = scenario.file.name if scenario.file else "the scenario"
    return apply_section(scenario, free_values(scenario), section.get("priors") or {},
                         section.get("only"), f"calibrate: in {where}")


def apply_section(scenario: Scenario, priors: list[Prior], given: dict, only: list | None,
                  origin: str, fail: Callable[[tuple, str], Exception] | None = None
                  ) -> list[Prior]:
    """``priors`` with ``given`` ({KEY: [low, high] | "fixed"}) and ``only`` applied. Keys were
    checked already for a `calibrate:` section; ``fail(path, message)`` checks a side file's.
    A key whose value is not a number in this scenario (a distribution, as in a calibrated
    scenario) is not estimated."""
    known = slots(scenario.data)
    by_key = {p.key: p for p in priors}
    for key, spec in given.items():
        s = known.get(key)
        if fail and (s is None or (spec != "fixed" and key not in by_key and s.value is None)):
            raise fail((key,), f"`{key}` is not a free value of this scenario; free values: "
                       f"{', '.join(by_key)}")
        if s is None or s.value is None:
            continue
        if spec == "fixed":
            by_key.pop(key, None)
        elif fail and not (isinstance(spec, list) and len(spec) == 2 and all(
                isinstance(v, int | float) for v in spec) and s.low <= spec[0] < spec[1] <= s.high):
            raise fail((key,), f"`{key}`: expected [low, high] with {s.low:g} <= low < high <= "
                       f"{s.high:g}, or `fixed`, found {spec!r}")
        else:
            by_key[key] = Prior(key, s.value, float(spec[0]), float(spec[1]), origin)
    if only is not None:
        missing = [k for k in only if k not in known]
        if fail and missing:
            raise fail(("only",), f"`only` names unknown keys: {', '.join(missing)}")
        by_key = {k: by_key[k] for k in only if k in by_key}
    return list(by_key.values())


def apply_priors_file(scenario: Scenario, priors: list[Prior], path: Path | None
                      ) -> list[Prior]:
    """``priors`` changed by the side file at ``path`` (module doc); checked, exit 2 on error."""
    if path is None:
        return priors
    from sim.scenario.yamlio import load_yaml  # the scenario layer's YAML reader, with lines

    doc = load_yaml(path, UserError)
    data = dict(doc.data) if isinstance(doc.data, dict) else None
    if data is None:
        raise doc.error((), "a priors file is a mapping of scenario keys to [low, high]")
    only = data.pop("only", None)
    return apply_section(scenario, priors, data, only, path.name, fail=doc.error)

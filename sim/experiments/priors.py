"""The free values of a scenario and their priors, for calibration.

Found from the scenario itself (nothing here names an actor, a lever or a year):

* every behaviour value a side sets as a number (``actors.A.behaviour.K``): uniform over the
  documented range of ``K`` (``sim.engine.behaviour.PARAMS``);
* every weight a side gives to a lever it wants eased or holds (``actors.A.priorities.L``,
  ``actors.A.holds.L``): uniform over the language's documented range, 0 to 10;
* every lever's initial value labelled ``assumption:`` (no document gives it):
  uniform over the lever's ``min`` to ``max``.

A priors file (YAML, ``--priors FILE``) narrows or fixes them: ``{KEY: [low, high]}`` sets a
uniform prior, ``{KEY: fixed}`` leaves the scenario's value alone, and ``only: [KEY, ...]`` keeps
just those keys. (A typed ``calibrate:`` section of the scenario is planned once the scenario
language is rewritten; until then the side file holds the priors.)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sim.engine.behaviour import PARAMS
from sim.engine.spec import Scenario
from sim.errors import UserError

WEIGHT_RANGE = (0.0, 10.0)  # the language's documented range for priorities and holds


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
    out: list[Prior] = []
    for actor, spec in scenario.data.get("actors", {}).items():
        for name, value in (spec.get("behaviour") or {}).items():
            if name in PARAMS and isinstance(value, int | float):
                info = PARAMS[name]
                out.append(Prior(f"actors.{actor}.behaviour.{name}", float(value), info.low,
                                 info.high, "behaviour range"))
        for section in ("priorities", "holds"):
            for lever, value in (spec.get(section) or {}).items():
                out.append(Prior(f"actors.{actor}.{section}.{lever}", float(value),
                                 *WEIGHT_RANGE, "weight range"))
        for name, lever in (spec.get("levers") or {}).items():
            if isinstance(lever, dict) and lever.get("assumption"):
                out.append(Prior(f"actors.{actor}.levers.{name}.initial",
                                 float(lever["initial"]), float(lever["min"]),
                                 float(lever["max"]), "assumed initial value: lever range"))
    return out


def apply_priors_file(priors: list[Prior], path: Path | None) -> list[Prior]:
    """``priors`` narrowed by the side file at ``path`` (module doc); checked, exit 2 on error."""
    if path is None:
        return priors
    from sim.scenario.yamlio import load_yaml  # the scenario layer's YAML reader, with lines

    doc = load_yaml(path, UserError)
    data = dict(doc.data) if isinstance(doc.data, dict) else None
    if data is None:
        raise doc.error((), "a priors file is a mapping of scenario keys to [low, high]")
    by_key = {p.key: p for p in priors}
    only = data.pop("only", None)
    for key, spec in data.items():
        if key not in by_key:
            raise doc.error((key,), f"`{key}` is not a free value of this scenario; free "
                            f"values: {', '.join(by_key)}")
        if spec == "fixed":
            del by_key[key]
        elif (isinstance(spec, list) and len(spec) == 2
              and all(isinstance(v, int | float) for v in spec) and spec[0] < spec[1]):
            p = by_key[key]
            by_key[key] = Prior(key, p.value, float(spec[0]), float(spec[1]), f"{path.name}")
        else:
            raise doc.error((key,), f"`{key}`: expected [low, high] with low < high, or "
                            f"`fixed`, found {spec!r}")
    if only is not None:
        missing = [k for k in only if k not in by_key]
        if missing:
            raise doc.error(("only",), f"`only` names unknown keys: {', '.join(missing)}")
        by_key = {k: by_key[k] for k in only}
    return list(by_key.values())

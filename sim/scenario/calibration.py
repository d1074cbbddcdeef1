"""The values of a scenario that `sim calibrate` can estimate, and the check of its `calibrate:`
section (found from the scenario's data: nothing here names an actor, a lever or a year).

A *slot* is a value with a documented range:

* a behaviour value a side sets (``actors.A.behaviour.K``): the range of ``K`` in
  ``sim.engine.behaviour.PARAMS``; *free* (estimated by default) when it is a number;
* a weight a side gives to a lever it wants eased or holds (``actors.A.priorities.L``,
  ``actors.A.holds.L``): 0 to 10, the language's range; always free;
* a lever's initial value (``actors.A.levers.L.initial``): the lever's ``min`` to ``max``; free
  when labelled ``assumption:`` (no document gives it), and added to the estimate only when the
  `calibrate:` section gives it a prior.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.engine.behaviour import PARAMS

WEIGHT_RANGE = (0.0, 10.0)  # the language's documented range for priorities and holds


@dataclass(frozen=True)
class Slot:
    """One value that can be estimated: its dotted key, its value in the scenario (None when it
    is a distribution), its documented range, where the range comes from, and whether it is
    estimated by default."""

    key: str
    value: float | None
    low: float
    high: float
    why: str
    free: bool


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) \
        else None


def slots(data: dict) -> dict[str, Slot]:
    """Every value of the scenario ``data`` that can be estimated, by dotted key (module doc)."""
    out: dict[str, Slot] = {}
    for actor, spec in (data.get("actors") or {}).items():
        for name, value in (spec.get("behaviour") or {}).items():
            if name in PARAMS:
                info, v = PARAMS[name], _number(value)
                key = f"actors.{actor}.behaviour.{name}"
                out[key] = Slot(key, v, info.low, info.high, "behaviour range", v is not None)
        for section in ("priorities", "holds"):
            for lever, value in (spec.get(section) or {}).items():
                key = f"actors.{actor}.{section}.{lever}"
                out[key] = Slot(key, float(value), *WEIGHT_RANGE, "weight range", True)
        for name, lever in (spec.get("levers") or {}).items():
            key = f"actors.{actor}.levers.{name}.initial"
            assumed = bool(lever.get("assumption"))
            out[key] = Slot(key, float(lever["initial"]), float(lever["min"]),
                            float(lever["max"]),
                            "assumed initial value: lever range" if assumed
                            else "documented initial value: lever range", assumed)
    return out


def check_section(data: dict, fail) -> None:
    """Check the `calibrate:` section of the whole (merged) scenario ``data``: every key names a
    slot, every prior lies inside the slot's range. ``fail(path, message)`` makes the error (it
    names the file and line where the value was written)."""
    section = data.get("calibrate") or {}
    known = slots(data)

    def slot(key: str, path: tuple) -> Slot:
        if key not in known:
            from sim.errors import did_you_mean

            raise fail(path, f"`{key}` is not a value `sim calibrate` can estimate"
                       f"{did_you_mean(key, known)}; such values are behaviour values, "
                       "priority and hold weights and levers' initial values, e.g. "
                       f"{', '.join(list(known)[:3])}")
        return known[key]

    for key, prior in (section.get("priors") or {}).items():
        s = slot(key, ("calibrate", "priors", key))
        if prior != "fixed" and not (s.low <= prior[0] and prior[1] <= s.high):
            raise fail(("calibrate", "priors", key),
                       f"the prior [{prior[0]:g}, {prior[1]:g}] of `{key}` leaves its "
                       f"documented range {s.low:g} to {s.high:g} ({s.why})")
        if prior == "fixed" and not s.free and s.value is not None:
            raise fail(("calibrate", "priors", key), f"`{key}` is not estimated unless given "
                       "a prior: `fixed` changes nothing; give `[low, high]` or leave it out")
    for i, key in enumerate(section.get("only") or []):
        slot(key, ("calibrate", "only", i))


"""A side's levers as the engine reads them: bounds in the unit's range, the measures the initial
value is made of (``layers``), and each commitment's own delivery terms (``commitments``).
Part of ``sim.scenario.build``, which calls it for each side."""

from __future__ import annotations

from dataclasses import replace
from typing import Protocol

from pydantic_core import PydanticCustomError

import sim.scenario.models as m
from sim.engine.layers import InstrumentSpec, LayerSpec
from sim.engine.levers import CommitmentTerms, LeverSpec
from sim.scenario.types import Number


class Build(Protocol):
    """What of the scenario build these functions use: its error at a path, and its check that
    a name is one of the valid ones (``sim.scenario.build._Build``)."""

    def fail(self, path: tuple, message: str) -> Exception: ...

    def reference(self, name: str, path: tuple, valid: set[str], what: str) -> str: ...


def origin(b: Build, spec: dict, path: tuple, what: str, why: str = "why it is there") -> str:
    """Where a part comes from, as the engine carries it ("source: ..." or "assumption: ...");
    a part with neither fails at ``path``, saying that ``what`` must say where it comes from."""
    if "source" in spec:
        return f"source: {spec['source']}"
    if "assumption" in spec:
        return f"assumption: {spec['assumption']}"
    raise b.fail(path, f"{what} from: give `source` (document and quote) or `assumption` ({why})")


def with_terms(b: Build, commitments: dict, path: tuple, levers: tuple[LeverSpec, ...],
                own: set[str]) -> tuple[LeverSpec, ...]:
    """Each commitment's own delivery terms, on the lever of this side it names."""
    terms = {}
    for lever_id, c in commitments.items():
        b.reference(lever_id, (*path, lever_id), own,
                    "one of its own levers (a side commits to what it controls)")
        where = origin(b, c, (*path, lever_id), "a commitment's terms say where they come",
                       "why")
        terms[lever_id] = CommitmentTerms(
            c.get("compliance"), c.get("linkage"),
            None if c.get("verification_days") is None else int(c["verification_days"]), where)
    return tuple(replace(lv, terms=terms[lv.id]) if lv.id in terms else lv for lv in levers)


def lever_spec(b: Build, actor: str, name: str, spec: dict, path: tuple) -> LeverSpec:
    low, high = spec["min"], spec["max"]
    unit_low, unit_high = m.UNITS[spec["unit"]]
    for end in ("min", "max"):
        try:
            Number(unit_low, unit_high).check(spec[end])
        except PydanticCustomError:  # the unit's range, said in the unit's words
            raise b.fail((*path, end), f"a {spec['unit']} lies "
                         + ("from 0 to 1 (write 0.3 for 30 %)" if spec["unit"] == "share"
                            else "at 0 or above") + f"; found {end} {spec[end]:g}") from None
    if high <= low:
        raise b.fail((*path, "max"), f"max ({high:g}) must be above min ({low:g})")
    if spec.get("horizon_days") and spec.get("restrictive", "high") != "low":
        raise b.fail((*path, "restrictive"), "a commitment lever (`horizon_days`) restricts "
                     "when little is delivered: give `restrictive: low`")
    try:
        initial = Number(low, high).check(spec["initial"])
    except PydanticCustomError as exc:
        raise b.fail((*path, "initial"), exc.context["m"]) from None
    if ("source" in spec) == ("assumption" in spec):
        raise b.fail(path, m.Lever.alternatives[("source", "assumption")])
    origin = (f"source: {spec['source']}" if "source" in spec
              else f"assumption: {spec['assumption']}")
    fields = m.Lever.model_fields
    return LeverSpec(
        id=f"{actor}.{name}", actor=actor, name=name, label=str(spec.get("label", name)),
        unit=spec["unit"], unit_label=str(spec.get("unit_label", "")), min=low, max=high,
        initial=initial,
        restrictive=spec.get("restrictive", fields["restrictive"].default),
        speed=spec.get("speed", fields["speed"].default), source=origin,
        horizon_days=int(spec.get("horizon_days", 0)),
        aimed_at=tuple(spec.get("aimed_at") or ()), aligns_with=spec.get("aligns_with", ""),
        layers=layers_of(b, spec, path, initial),
        instruments=instruments_of(b, spec, path))


def instruments_of(b: Build, spec: dict, path: tuple) -> tuple[InstrumentSpec, ...]:
    """The measures prepared on the lever, in order of use. A commitment has none (what is
    delivered is not imposed); the first cannot be scheduled (nothing before it is imposed
    with it: a date alone would set the lever, which only its side's decision may do)."""
    instruments = spec.get("instruments") or {}
    if instruments and spec.get("horizon_days"):
        raise b.fail((*path, "instruments"), "a commitment lever (`horizon_days`) has no "
                     "prepared instruments: it is delivered, not imposed")
    out = []
    for i, (name, inst) in enumerate(instruments.items()):
        where = (*path, "instruments", name)
        said = origin(b, inst, where, "a prepared instrument says where it comes")
        span = spec["max"] - spec["min"]
        if float(inst["amount"]) > span:
            raise b.fail((*where, "amount"), f"an instrument adds at most the lever's whole range "
                         f"(max - min = {span:g} {spec['unit']}); found {inst['amount']:g}"
                         + (" (a share is written 0.44 for 44 %)" if spec["unit"] == "share"
                            else ""))
        if i == 0 and inst.get("after_days"):
            raise b.fail((*where, "after_days"), "the first prepared instrument cannot be "
                         "scheduled: `after_days` counts from the instrument before it, which "
                         "announces it when imposed (the first comes only by its side's "
                         "decision)")
        out.append(InstrumentSpec(name, float(inst["amount"]), inst.get("if_cut", "suspend"),
                                  int(inst.get("after_days") or 0), said))
    return tuple(out)


def layers_of(b: Build, spec: dict, path: tuple, initial: float) -> tuple[LayerSpec, ...]:
    """The measures the initial value is made of, oldest first, up to the initial value: a
    scenario that ``extends`` another and lowers the value keeps the oldest layers, and the
    newest ones that no longer fit are not in force at the start (said in the key's meaning). A
    commitment has none (it is delivered, not laid)."""
    layers = spec.get("layers") or {}
    if layers and spec.get("horizon_days"):
        raise b.fail((*path, "layers"), "a commitment lever (`horizon_days`) has no layers: "
                     "what is delivered is not a measure a deal suspends")
    said = {name: origin(b, layer, (*path, "layers", name), "a layer says where it comes")
            for name, layer in layers.items()}
    open_end = spec["min"] if spec.get("restrictive", "high") == "high" else spec["max"]
    room, out = abs(initial - open_end), []
    for name, layer in layers.items():
        amount = min(float(layer["amount"]), room)
        room -= amount
        if amount > 0:
            out.append(LayerSpec(name, amount, layer.get("if_cut", "suspend"), said[name]))
    return tuple(out)

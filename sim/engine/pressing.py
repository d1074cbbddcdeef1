"""Pressing with what a deal binds: how a side re-opens a truce that left it no free instrument.

When every lever a side could press with is bound by the agreement in force, a real side is not
out of moves: it can re-impose early a measure the deal only suspended, widen a control the deal
covers, or stop implementing its own agreed easing. Each is a breach, or close to one, so each
is priced against what it gains (as a new measure would: Schelling's compellence) and what it
risks: the retaliation it expects from a side the breach frees (Fearon: its belief learnt from
past answers) and what the deal is worth to it (the terms it keeps over their lapse), since the
other side may let the deal go. The best priced option is the chance it acts.

Only a side with no free instrument left weighs these (``coercion.consider`` asks): a new
measure on a lever the deal leaves free breaches nothing and is preferred.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sim.engine import clock
from sim.engine.agents import Negotiator
from sim.engine.levers import Lever
from sim.engine.pricing import RETALIATION_WEIGHT, balance
from sim.engine.truce import Agreement

if TYPE_CHECKING:
    from sim.engine.world import World

DEAL_AT_RISK = 1.0  # assumption: a breach puts the whole worth of the deal at risk
HALT_AT_RISK = 0.5  # assumption: halting its own easing (the letter allows it) risks half

REINSTATE, WIDEN, HALT = "reinstate", "widen", "halt"


@dataclass(frozen=True)
class Option:
    """One way to press with a bound lever: what it is, the lever, the value it orders (for
    ``halt``: where the lever stays), the suspended layer it re-imposes, and its priced parts."""

    kind: str
    lever: Lever
    value: float
    layer: str
    net: float
    why: str


def deal_worth(model: World, n: Negotiator) -> float:
    """What the agreement in force is worth to ``n``: its utility with the terms delivered (as
    far as they ease; a term that tightens is not counted), over the utility of their lapse (0
    when it would rather have the lapse)."""
    agreement = model.truce.agreement
    if agreement is None:
        return 0.0
    kept, lapsed = clock.kept_and_lapsed(model, n, clock.snapback(model, agreement),
                                          delivered=True)
    return max(0.0, kept - lapsed)


def options(model: World, n: Negotiator, agreement: Agreement) -> list[Option]:
    """Each way ``n`` can press with a lever the deal binds, priced (best first)."""
    b = n.behaviour
    worth = deal_worth(model, n)
    # it presses for what the deal leaves unmet once delivered, not for what it already promises
    # (a shortfall in delivery is a grievance, answered by retaliation: ``consider_measure``)
    gap = n.demand_gap(agreement.terms)
    freed = n.retaliation_exposure(None) - n.retaliation_exposure(agreement)
    out = []
    for lever_id, lever in n.levers.items():
        if lever_id not in agreement.terms or lever.commitment:
            continue
        suspended = lever.stack.suspended
        if suspended:
            kind, layer = REINSTATE, suspended[0].name  # the law's level with it back
            value = lever.spec.clip(lever.stack.level + (
                suspended[0].amount if lever.spec.restrictive == "high" else -suspended[0].amount))
        elif lever.restrictiveness < 1.0 - 0.005:
            kind, layer = WIDEN, ""
            step = min(1.0 - lever.restrictiveness, b.escalation_step * gap)
            value = lever.spec.value_at(lever.restrictiveness + step)
        else:
            continue
        new_h = lever.spec.restrictiveness(value)
        if new_h - lever.restrictiveness <= 0.005:
            continue
        out.append(_priced(model, n, kind, lever, value, layer, DEAL_AT_RISK * worth, freed,
                           balance(model, n, lever, new_h, gap)))
    for lever_id, target in agreement.terms.items():  # its own easing not yet complete
        lever = n.levers.get(lever_id)
        if lever is None or lever.commitment or lever_id in n.halted:
            continue
        if abs(lever.value - target) > 1e-6 and lever.spec.restrictiveness(target) < \
                lever.restrictiveness:
            out.append(_priced(model, n, HALT, lever, lever.value, "", HALT_AT_RISK * worth,
                               freed, balance(model, n, lever, lever.restrictiveness, gap)))
    return sorted(out, key=lambda o: -o.net)


def _priced(model: World, n: Negotiator, kind: str, lever: Lever, value: float, layer: str,
            at_risk: float, freed: float, parts: tuple[float, float, float]) -> Option:
    gain, own, retaliation = parts
    retaliation += RETALIATION_WEIGHT * n.expected_retaliation() * freed
    net = gain - own - retaliation - at_risk
    what = {REINSTATE: f"re-impose the suspended {layer} layer of {lever.spec.label} early",
            WIDEN: f"tighten {lever.spec.label} beyond the agreed "
                   f"{lever.spec.describe(model.truce.agreement.terms[lever.spec.id])}",
            HALT: f"stop implementing its agreed easing of {lever.spec.label}"}[kind]
    why = (f"{what}: expected gain {gain:.2f}, cost at home {own:.2f}, expected retaliation "
           f"{retaliation:.2f}, the deal's worth at risk {at_risk:.2f}")
    return Option(kind, lever, value, layer, net, why)

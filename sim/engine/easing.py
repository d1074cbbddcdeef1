"""Easing as a decision: a side lifts one of its own measures a step, unilaterally.

Sanctions are lifted in steps, a suspension is granted at a deadline, a control is relaxed as a
goodwill gesture: easing is as much a decision as escalating. At a decision point a side that
may ease (its ``easing`` disposition above 0) weighs it on the measure the other side minds
most. What asks for it: the pressure its constituencies put on it to settle (Putnam's level II),
and the other side's delivery it wants to reward (its trust, as far as its demands are met:
reciprocity). What holds it back: the leverage it gives up (its unmet demands times its resolve),
the value it puts on keeping that lever, and the groups at home that gain from the measure
(their push). The balance times its ``easing`` is the chance; the step grows with the reasons.
A side's own easing drops the measure from the top of the lever's stack (``layers``): a later
lapse does not bring it back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.engine.agents import Negotiator
from sim.engine.levers import Lever

if TYPE_CHECKING:
    from sim.engine.world import World

SMALLEST_STEP = 0.01  # definition: an easing of less than this share of the range is none


def reasons(n: Negotiator) -> tuple[float, float]:
    """What asks ``n`` to ease: pressure at home to settle, and the other side's compliance to
    reward (trust, as far as its demands are met)."""
    b = n.behaviour
    return b.pressure_sensitivity * n.pressure, b.goodwill * n.trust * (1.0 - n.demand_gap())


def candidate(n: Negotiator) -> Lever | None:
    """The own measure the other side minds most that is not fully open (a commitment is a
    delivery, not a measure)."""
    wants = n.wanted()
    levers = [lv for k, lv in n.levers.items()
              if not lv.commitment and lv.restrictiveness > SMALLEST_STEP and wants.get(k, 0.0)]
    return max(levers, key=lambda lv: wants[lv.spec.id]) if levers else None


def consider(model: World, n: Negotiator) -> tuple[Lever, float, str] | None:
    """Whether ``n`` eases a step today: (lever, new value, why), or None."""
    lever = candidate(n)
    if lever is None:
        return None
    b = n.behaviour
    home, reward = reasons(n)
    top = max(n.utility.holds.values(), default=0.0) or 1.0
    kept = n.utility.holds.get(lever.spec.id, 0.0) / top * lever.restrictiveness
    leverage = n.resolve_share() * n.demand_gap()
    protect = b.pressure_sensitivity * n.push
    chance = b.easing * max(0.0, min(1.0, home + reward - leverage - kept - protect))
    if model.random.random() >= chance:
        return None
    # from where the law stands, if a deal has set it below where the lever still is
    h = min(lever.restrictiveness, lever.spec.restrictiveness(lever.stack.level))
    step = min(h, b.escalation_step * (home + reward))
    if step < SMALLEST_STEP:
        return None
    value = lever.spec.value_at(h - step)
    why = (f"{n.label} eases {lever.spec.label} from {lever.spec.describe(lever.value)} to "
           f"{lever.spec.describe(value)}: pressure at home {home:.2f} and the other side's "
           f"delivery to reward {reward:.2f}, against leverage given up {leverage:.2f}, its "
           f"value of the measure {kept:.2f} and groups that gain from it {protect:.2f}")
    return lever, value, why

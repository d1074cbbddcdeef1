"""Pricing a measure: what pressing the other side on one lever is worth to a side, and costs it.

Schelling's compellence, priced: the expected gain is its unmet demands, times its resolve, times
how much the side aimed at minds the lever (plus the push of groups at home that gain from
measures); the cost at home is its pressure plus the pain the tighter lever causes its own
constituencies, times its sensitivity to them; the expected retaliation is its belief, learnt
from how the other side answered its past measures (Fearon), times how much of what it wants the
other side could still tighten. ``coercion`` and ``pressing`` decide with these.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.engine.agents import Negotiator
from sim.engine.levers import Lever

if TYPE_CHECKING:
    from sim.engine.world import World

RETALIATION_WEIGHT = 0.25  # assumption: expected retaliation counts a quarter of its reach


def targets(model: World, n: Negotiator, lever: Lever) -> list[Negotiator]:
    """The sides a restriction on ``lever`` is aimed at (its ``aimed_at``; else every other)."""
    aimed = lever.spec.aimed_at
    return [o for o in n.others if not aimed or o.actor in aimed]


def minded(n: Negotiator, lever_id: str) -> float:
    """How much ``n`` minds a lever, relative to what it minds most (0..1)."""
    wants = n.utility.wants
    top = max(wants.values(), default=0.0) or 1.0
    return wants.get(lever_id, 0.0) / top


def balance(model: World, n: Negotiator, lever: Lever, new_h: float, gap: float | None = None
            ) -> tuple[float, float, float]:
    """The expected gain, the cost at home and the expected retaliation of ``n`` tightening
    ``lever`` to restrictiveness ``new_h`` (retaliation on the levers the deal in force leaves
    free), pressing for its unmet demands (or for ``gap``)."""
    b = n.behaviour
    gap = n.demand_gap() if gap is None else gap
    aimed = targets(model, n, lever)  # the one that minds the lever most
    wants = max(aimed, key=lambda o: minded(o, lever.spec.id)).utility.wants if aimed else {}
    top = max(wants.values(), default=0.0) or 1.0
    gain = gap * n.resolve_share() * wants.get(lever.spec.id, 0.0) / top
    if n.push:  # groups at home that gain from measures want one (protected producers)
        gain += b.pressure_sensitivity * n.push
    own = b.pressure_sensitivity * (n.pressure + n.exposure(lever.spec.id) * new_h)
    retaliation = (RETALIATION_WEIGHT * n.expected_retaliation()
                   * n.retaliation_exposure(model.truce.agreement))
    return gain, own, retaliation


def weigh(model: World, n: Negotiator, lever: Lever, new_h: float) -> tuple[float, str]:
    """The chance (0..1) that ``n`` escalates on ``lever`` to restrictiveness ``new_h``, and why."""
    b = n.behaviour
    gain, own, retaliation = balance(model, n, lever, new_h)
    score = max(0.0, min(1.0, gain - own - retaliation))
    why = (f"{100 * n.demand_gap():.0f} % of its demands unmet, expected gain {gain:.2f}"
           + (f" (of which {b.pressure_sensitivity * n.push:.2f} pressed for at home)"
              if n.push else "")
           + f", cost at home {own:.2f}, expected retaliation {retaliation:.2f}")
    return score, why

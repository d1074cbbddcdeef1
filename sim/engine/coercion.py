"""Coercion: escalating to gain leverage, threats with deadlines, and what becomes of them.

Schelling's compellence: a side with unmet demands may impose a cost on the other side to make it
concede. At a decision point (a date the scenario gives, or its own periodic review) it weighs the
expected gain (its unmet demands, times its resolve, times how much the other side minds the
instrument) against the cost to its own constituencies (its pressure now plus the pain the measure
would cause the groups that depend on its own lever, times its sensitivity to them) and the
retaliation it expects (its belief, learnt from how the other side answered its past measures:
Fearon's bargaining under uncertainty, where costly actions, not words, are the signals). The
balance is the chance it escalates. A side that gives notice (``threat_days``) announces the
measure with a deadline; at the deadline the threat is suspended by a deal, withdrawn if the
demands were met, postponed if talks are imminent, or carried out or dropped. Dropping a public
threat costs the side at home (Fearon's audience cost) and lowers its credibility, which is the
share of its threats it carried out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sim.engine.agents import Negotiator
    from sim.engine.levers import Lever
    from sim.engine.model import NegotiationModel

RETALIATION_WEIGHT = 0.25  # assumption: expected retaliation counts a quarter of its reach
CONCEDED = 0.1  # assumption: a fall of this much in unmet demands meets a threat's conditions
POSTPONE_WINDOW = 14  # assumption: talks this close to a deadline postpone it until after them
MAX_POSTPONEMENTS = 2  # assumption: a deadline is put off at most twice, then decided
DEMANDS_MET = 0.02  # definition: unmet demands below this leave nothing to press for
AUDIENCE_DECAY = 0.97  # assumption: the domestic cost of a climb-down fades over about a month


@dataclass
class Threat:
    """A measure announced to take effect on a date unless the other side meets demands."""

    actor: str
    lever_id: str
    value: float  # the lever value threatened
    announced: int  # model day
    due: int  # model day
    gap: float  # the threatener's unmet demands when announced
    postponed: int = 0


def weigh(model: NegotiationModel, n: Negotiator, lever: Lever, new_h: float
          ) -> tuple[float, str]:
    """The chance (0..1) that ``n`` escalates on ``lever`` to restrictiveness ``new_h``, and why."""
    b = n.behaviour
    gap = n.demand_gap()
    wants = n.other.utility.wants
    top = max(wants.values(), default=0.0) or 1.0
    gain = gap * n.resolve_share() * wants.get(lever.spec.id, 0.0) / top
    own = b.pressure_sensitivity * (n.pressure + n.exposure(lever.spec.id) * new_h)
    retaliation = (RETALIATION_WEIGHT * n.expected_retaliation()
                   * n.retaliation_exposure(model.agreement))
    score = max(0.0, min(1.0, gain - own - retaliation))
    why = (f"{100 * gap:.0f} % of its demands unmet, expected gain {gain:.2f}, cost at home "
           f"{own:.2f}, expected retaliation {retaliation:.2f}")
    return score, why


def consider(model: NegotiationModel, n: Negotiator, occasion: str, meeting: str = "") -> None:
    """At a decision point: escalate to press the other side, or hold (logged either way)."""
    b = n.behaviour
    if model.talks_pending():
        model.log(n.actor, "decision", f"{occasion}: {n.label} holds: the leaders promised "
                  "talks", meeting=meeting)
        return
    if any(t.actor == n.actor for t in model.threats):
        model.log(n.actor, "decision", f"{occasion}: {n.label} holds: its threat is pending",
                  meeting=meeting)
        return
    lever = n.pick_measure(model.agreement)
    if lever is None or n.demand_gap() < DEMANDS_MET:
        model.log(n.actor, "decision", f"{occasion}: {n.label} holds: "
                  + ("its demands are met" if n.demand_gap() < DEMANDS_MET
                     else "no instrument left to press with"), meeting=meeting)
        return
    step = min(1.0 - lever.restrictiveness, b.escalation_step * n.demand_gap())
    new_h = lever.restrictiveness + step
    chance, why = weigh(model, n, lever, new_h)
    if step <= 0.005 or model.random.random() >= chance:
        model.log(n.actor, "decision", f"{occasion}: {n.label} holds ({why})", meeting=meeting)
        return
    value = lever.spec.value_at(new_h)
    if b.threat_days >= 1:
        due = model.day + round(b.threat_days)
        model.threats.append(Threat(n.actor, lever.spec.id, value, model.day, due,
                                    n.demand_gap()))
        n.threats_issued += 1
        model.log(n.actor, "threat", f"{occasion}: {n.label} announces {lever.spec.label} of "
                  f"{lever.spec.describe(value)} (now {lever.spec.describe(lever.value)}) from "
                  f"{model.date_of(due)} unless {n.other.label} meets its demands ({why})",
                  meeting=meeting, news=-step / 2)
        return
    impose(model, n, lever, value, f"{occasion}: to press {n.other.label} ({why})", meeting)


def impose(model: NegotiationModel, n: Negotiator, lever: Lever, value: float, why: str,
           meeting: str = "") -> None:
    """Order a new restriction and log it as a measure."""
    old = lever.value
    step = abs(lever.spec.restrictiveness(value) - lever.restrictiveness)
    lever.command(value)
    n.last_measure_day = model.day
    if n.awaiting is None:
        n.awaiting = model.day
    model.log(n.actor, "measure", f"{n.label} tightens {lever.spec.label} from "
              f"{lever.spec.describe(old)} to {lever.spec.describe(lever.order)}: {why}",
              meeting=meeting, news=-step)


def threat_pressure(model: NegotiationModel, target: str) -> float:
    """How much the threats pending against ``target`` press it: each threatened tightening,
    weighted by how much the target minds the lever and by the threatener's credibility."""
    out = 0.0
    n = model.negotiators[target]
    wants = n.utility.wants
    top = max(wants.values(), default=0.0) or 1.0
    for t in model.threats:
        if t.actor == target:
            continue
        lever = model.levers[t.lever_id]
        rise = max(0.0, lever.spec.restrictiveness(t.value) - lever.restrictiveness)
        out += rise * wants.get(t.lever_id, 0.0) / top * n.other.credibility
    return min(1.0, out)


def check_threats(model: NegotiationModel) -> None:
    """Threats whose deadline is today: withdrawn, postponed, carried out or dropped."""
    for threat in [t for t in model.threats if t.due <= model.day]:
        n = model.negotiators[threat.actor]
        lever = model.levers[threat.lever_id]
        what = f"the threatened {lever.spec.label} of {lever.spec.describe(threat.value)}"
        if n.demand_gap() <= threat.gap - CONCEDED:
            model.threats.remove(threat)
            model.log(n.actor, "threat withdrawn", f"{what} is withdrawn: {n.other.label} met "
                      f"enough of its demands ({100 * n.demand_gap():.0f} % unmet, from "
                      f"{100 * threat.gap:.0f} %)", news=0.1)
            continue
        soon = model.next_talks_day(POSTPONE_WINDOW)
        if (model.talks_pending() or soon is not None) and threat.postponed < MAX_POSTPONEMENTS:
            threat.postponed += 1
            threat.due = (model.freeze_until if model.talks_pending() else soon) + 1
            model.log(n.actor, "threat postponed", f"{what} is put off to "
                      f"{model.date_of(threat.due)}: talks are "
                      + ("promised" if model.talks_pending() else "scheduled"))
            continue
        model.threats.remove(threat)
        new_h = lever.spec.restrictiveness(threat.value)
        chance, why = weigh(model, n, lever, new_h)
        chance = min(1.0, chance + n.behaviour.audience_cost)
        if model.random.random() < chance:
            n.threats_carried += 1
            impose(model, n, lever, threat.value, f"the deadline passed ({why})")
        else:
            n.audience += n.behaviour.audience_cost
            model.log(n.actor, "threat withdrawn", f"{what} is dropped at its deadline: "
                      f"{n.label} backs down ({why}) and pays at home "
                      f"({n.behaviour.audience_cost:.2f} of pressure)", news=0.1)

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

from sim.engine import clock, easing, pressing
from sim.engine.agents import ATTEND_THRESHOLD, Negotiator
from sim.engine.pricing import balance, targets, weigh
from sim.engine.truce import Threat

if TYPE_CHECKING:
    from sim.engine.world import World

CONCEDED = 0.1  # assumption: a fall of this much in unmet demands meets a threat's conditions
POSTPONE_WINDOW = 14  # assumption: talks this close to a deadline postpone it until after them
MAX_POSTPONEMENTS = 2  # assumption: a deadline is put off at most twice, then decided
DEMANDS_MET = 0.02  # definition: unmet demands below this leave nothing to press for

# what a side decides at a decision point or a threat's deadline
HOLD = "hold"  # do nothing new (logged with the reason)
THREATEN = "threaten"  # announce a measure with a deadline
IMPOSE = "impose"  # order a new measure now
WITHDRAW = "withdraw"  # a threat's conditions were met
POSTPONE = "postpone"  # talks are near: the deadline moves after them
CARRY_OUT = "carry out"  # the deadline passed: the measure is imposed
BACK_DOWN = "back down"  # the deadline passed: the threat is dropped, at a cost at home
HALT = "halt"  # stop implementing its own agreed easing (pressing with what a deal binds)
EASE = "ease"  # ease one of its own measures, unilaterally
END = "end"  # end an agreement without a term (it prefers the lapse)
WALK_OUT = "walk out"  # end talks promised without an end date (and the freeze they set)


@dataclass(frozen=True)
class Decision:
    """What a side decided at a decision point or at a threat's deadline, and the sentence that
    says why. Deciding changes nothing: ``NegotiationModel.apply`` carries it out."""

    actor: str
    action: str  # one of the actions above
    why: str
    meeting: str = ""
    news: float = 0.0
    lever_id: str = ""
    value: float = 0.0  # the lever value ordered or threatened
    threat: Threat | None = None  # the threat announced, or the one whose deadline it is
    due: int = 0  # POSTPONE: the new deadline
    layer: str = ""  # IMPOSE: the suspended layer it re-imposes early (none: a new measure)
    instrument: str = ""  # IMPOSE: the prepared instrument it imposes (none: a step)


def consider(model: World, n: Negotiator, occasion: str, meeting: str = "",
             agenda: tuple[str, ...] | None = None) -> Decision:
    """At a decision point: escalate to press the other side, or hold (with ``agenda``: the
    decision is about those of its levers only, as a deadline on one measure is)."""
    b = n.behaviour

    def hold(reason: str) -> Decision:
        return Decision(n.actor, HOLD, f"{occasion}: {n.label} holds{reason}", meeting)

    ended = open_ended(model, n, occasion, meeting)
    if ended is not None:
        return ended
    if model.talks_pending():
        return hold(": the leaders promised talks")
    if model.truce.threatening(n.actor):
        return hold(": its threat is pending")
    aligning = align(model, n, occasion, meeting)
    if aligning is not None:
        return aligning
    eased = easing.consider(model, n) if b.easing else None
    if eased is not None:  # drawn only for a side that may ease (``easing`` above 0)
        lever, value, why = eased
        return Decision(n.actor, EASE, f"{occasion}: {why}", meeting, 0.1, lever.spec.id, value)
    lever = n.pick_measure(model.truce.agreement, agenda)
    if n.demand_gap() < DEMANDS_MET:
        return hold(": its demands are met")
    if lever is None:
        return press_bound(model, n, occasion, meeting, hold)
    instrument = lever.next_instrument()  # a measure prepared in advance is used in full
    if instrument is not None:
        value = lever.with_instrument(instrument)
        step = lever.spec.restrictiveness(value) - lever.restrictiveness
    else:
        step = min(1.0 - lever.restrictiveness, b.escalation_step * n.demand_gap())
        value = lever.spec.value_at(lever.restrictiveness + step)
    new_h = lever.restrictiveness + step
    chance, why = weigh(model, n, lever, new_h)
    if step <= 0.005 or model.random.random() >= chance:
        return hold(f" ({why})")
    named = "" if instrument is None else instrument.name
    what = f" ({named.replace('_', ' ')})" if named else ""
    if b.threat_days >= 1:
        due = model.day + round(b.threat_days)
        aimed = targets(model, n, lever)
        threat = Threat(n.actor, lever.spec.id, value, model.day, due, n.demand_gap(),
                        target=aimed[0].actor if len(aimed) == 1 else None, instrument=named)
        return Decision(n.actor, THREATEN, f"{occasion}: {n.label} announces {lever.spec.label} "
                        f"of {lever.spec.describe(value)}{what} (now "
                        f"{lever.spec.describe(lever.value)}) from {model.date_of(due)} unless "
                        f"{_names(aimed)} meets its demands ({why})", meeting, -step / 2,
                        lever.spec.id, value, threat)
    return Decision(n.actor, IMPOSE, f"{occasion}: to press {_names(targets(model, n, lever))} "
                    f"({why})", meeting, lever_id=lever.spec.id, value=value, instrument=named)


def open_ended(model: World, n: Negotiator, occasion: str, meeting: str) -> Decision | None:
    """What runs without an end date ends by a decision: an agreement without a term when the
    side prefers its lapse (as it would decide at an expiry, ``clock.expiry_choice``), talks
    promised without an end date when it is no longer willing to talk. None: neither."""
    a = model.truce.agreement
    if a is not None and a.open_ended:
        choice, why = clock.expiry_choice(model, n, clock.snapback(model, a))
        if choice == clock.LAPSE:
            return Decision(n.actor, END, f"{occasion}: {n.label} ends the "
                            f"{model.meeting_label(a.first.meeting)} terms: {why}", meeting)
    if model.talks_pending() and model.truce.freeze_open and n.willingness() < ATTEND_THRESHOLD:
        return Decision(n.actor, WALK_OUT, f"{occasion}: {n.label} walks out of the talks "
                        f"(willingness {n.willingness():.2f}, below the {ATTEND_THRESHOLD} it "
                        "takes to talk): new measures no longer wait", meeting, -0.2)
    return None


def press_bound(model: World, n: Negotiator, occasion: str, meeting: str, hold) -> Decision:
    """No free instrument left: weigh pressing with what the deal binds (``pressing``): the best
    priced option is the chance it acts; with notice it threatens the breach first."""
    agreement = model.truce.agreement
    best = pressing.options(model, n, agreement)[:1] if agreement is not None else []
    if not best:
        return hold(": no instrument left to press with")
    o = best[0]
    if model.random.random() >= max(0.0, min(1.0, o.net)):
        return hold(f": no free instrument left, and it would not {o.why}")
    says = f"{occasion}: {n.label} presses with what the deal binds: it chose to {o.why}"
    if o.kind == pressing.HALT:
        return Decision(n.actor, HALT, says, meeting, lever_id=o.lever.spec.id, value=o.value)
    if n.behaviour.threat_days >= 1:
        due = model.day + round(n.behaviour.threat_days)
        aimed = targets(model, n, o.lever)
        threat = Threat(n.actor, o.lever.spec.id, o.value, model.day, due, n.demand_gap(),
                        target=aimed[0].actor if len(aimed) == 1 else None)
        return Decision(n.actor, THREATEN, f"{says}, from {model.date_of(due)} unless "
                        f"{_names(aimed)} meets its demands", meeting, -0.2, o.lever.spec.id,
                        o.value, threat)
    return Decision(n.actor, IMPOSE, says, meeting, lever_id=o.lever.spec.id, value=o.value,
                    layer=o.layer)


def _names(sides: list[Negotiator]) -> str:
    labels = [s.label for s in sides] or ["no one"]
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]


def align(model: World, n: Negotiator, occasion: str, meeting: str) -> Decision | None:
    """A coalition: a side whose lever is aligned with a partner's (``aligns_with``) weighs
    bringing it up to the partner's level. The chance is the gap times its reciprocity (how much
    it follows what others do: an assumption), less the cost at home of the tighter lever
    (its sensitivity times the share of its constituencies that depend on that lever). With
    notice (``threat_days``) it announces the measure for a date; it then takes effect unless a
    deal suspends it. None: no lever of its lags its partner's."""
    b = n.behaviour
    for lever in n.levers.values():
        partner = lever.spec.aligns_with
        if not partner:
            continue
        gap = model.levers[partner].restrictiveness - lever.restrictiveness
        if gap <= DEMANDS_MET:
            continue
        own = b.pressure_sensitivity * n.exposure(lever.spec.id) * (lever.restrictiveness + gap)
        chance = max(0.0, min(1.0, gap * b.reciprocity - own))
        why = (f"aligning with {model.levers[partner].spec.label} ({100 * gap:.0f} points "
               f"behind, cost at home {own:.2f})")
        if model.random.random() >= chance:
            return Decision(n.actor, HOLD, f"{occasion}: {n.label} holds ({why}, not now)",
                            meeting)
        value = lever.spec.value_at(lever.restrictiveness + gap)
        if b.threat_days >= 1:
            due = model.day + round(b.threat_days)
            threat = Threat(n.actor, lever.spec.id, value, model.day, due, 0.0, target=None,
                            aligning=True)
            return Decision(n.actor, THREATEN, f"{occasion}: {n.label} announces "
                            f"{lever.spec.label} of {lever.spec.describe(value)} from "
                            f"{model.date_of(due)}, {why}", meeting, -gap / 2, lever.spec.id,
                            value, threat)
        return Decision(n.actor, IMPOSE, f"{occasion}: {why}", meeting, lever_id=lever.spec.id,
                        value=value)
    return None


def at_deadline(model: World, n: Negotiator, threat: Threat) -> Decision:
    """A threat whose deadline is today: withdrawn, postponed, carried out or dropped."""
    lever = model.levers[threat.lever_id]
    what = f"the threatened {lever.spec.label} of {lever.spec.describe(threat.value)}"
    if threat.aligning:  # an announced alignment takes effect on its date
        return Decision(n.actor, CARRY_OUT, "the announced alignment takes effect",
                        lever_id=threat.lever_id, value=threat.value, threat=threat)
    if n.demand_gap() <= threat.gap - CONCEDED:
        return Decision(n.actor, WITHDRAW, f"{what} is withdrawn: {n.counterpart_label} met "
                        f"enough of its demands ({100 * n.demand_gap():.0f} % unmet, from "
                        f"{100 * threat.gap:.0f} %)", news=0.1, threat=threat)
    soon = model.next_talks_day(POSTPONE_WINDOW)
    pending = model.talks_pending()
    if (pending or soon is not None) and threat.postponed < MAX_POSTPONEMENTS:
        if pending and model.truce.freeze_open:  # talks without an end date: after the next
            due = (soon if soon is not None else model.day + POSTPONE_WINDOW) + 1  # or 2 weeks
        else:
            due = (model.truce.freeze_until if pending else soon) + 1
        return Decision(n.actor, POSTPONE, f"{what} is put off to {model.date_of(due)}: talks "
                        "are " + ("promised" if pending else "scheduled"), threat=threat, due=due)
    new_h = lever.spec.restrictiveness(threat.value)
    chance, why = weigh(model, n, lever, new_h)
    if threat.scheduled:
        # a stage adopted in advance takes effect unless its side stops it: only a net cost of
        # going ahead, beyond what backing down costs it at home, makes it drop the stage
        gain, own, retaliation = balance(model, n, lever, new_h)
        against = own + retaliation - gain - n.behaviour.audience_cost
        chance = 1.0 - max(0.0, min(1.0, against))
    else:
        chance = min(1.0, chance + n.behaviour.audience_cost)
    if model.random.random() < chance:
        return Decision(n.actor, CARRY_OUT, f"the deadline passed ({why})",
                        lever_id=threat.lever_id, value=threat.value, threat=threat)
    return Decision(n.actor, BACK_DOWN, f"{what} is dropped at its deadline: {n.label} backs "
                    f"down ({why}) and pays at home ({n.behaviour.audience_cost:.2f} of "
                    "pressure)", news=0.1, threat=threat)

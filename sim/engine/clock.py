"""Agreements and their clocks: signing, amendment, entry into force, and the decision at expiry.

An agreement runs for a term. Its term is not typed into the scenario: each side proposes the
longest term it commits to without review (its ``commitment_days``) shortened by its distrust of
the other side, and the shorter proposal is agreed (neither side can be held to more than it
offered). A later agreement reached while one is in force amends it: its terms are added, the
clock keeps running (an implementing deal does not restart a truce). At expiry each side decides
from its state whether to extend, renegotiate or let the terms lapse, and the log says why.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.engine.agents import ATTEND_THRESHOLD
from sim.engine.negotiation import Agreement

if TYPE_CHECKING:
    from sim.engine.agents import Negotiator
    from sim.engine.model import NegotiationModel

TERM_ROUNDING = 15  # convention: terms are agreed in whole half-months (15, 30, ..., 90 days)
RENEGOTIATE_AT = 0.25  # assumption: unmet demands x resolve share above this ask for new terms
REVIEW_ROUNDS = 10  # assumption: rounds of the review talks held at an expiry


def proposed_term(n: Negotiator) -> float:
    """The term this side offers: its longest commitment, shortened by its distrust."""
    return n.behaviour.commitment_days * n.trust


def agreed_term(model: NegotiationModel) -> int:
    """The shorter of the two proposals, in whole half-months (at least one)."""
    days = min(proposed_term(n) for n in model.negotiators.values())
    return max(TERM_ROUNDING, round(days / TERM_ROUNDING) * TERM_ROUNDING)


def sign(model: NegotiationModel, meeting: str, package: dict[str, float], label: str = "",
         in_force_days: int = 0, renewal: bool = False) -> Agreement:
    """Turn an accepted package into an agreement; amend the one in force if there is one."""
    terms = {}
    for lever_id, h in package.items():
        lever = model.levers[lever_id]
        if abs(h - lever.restrictiveness) > 0.005:
            terms[lever_id] = lever.spec.value_at(h)
    previous = model.agreement
    day = model.day
    in_force = day + in_force_days
    amends = previous is not None and not renewal
    days = previous.days if amends else agreed_term(model)
    clock = previous.clock_start if amends else in_force
    agreement = Agreement(meeting, day, days, dict(terms),
                          {k: model.levers[k].value for k in terms}, previous, clock, in_force)
    if previous is not None:
        for lever_id, value in previous.terms.items():
            agreement.terms.setdefault(lever_id, value)
            agreement.at_signing.setdefault(lever_id, previous.at_signing[lever_id])
    model.agreement = agreement
    for n in model.negotiators.values():
        n.halted.clear()  # a new text resets deliberate slow-downs
    what = model.describe(package, only=terms)
    if amends:
        first = previous.first
        how = (f"amends the {model.meeting_label(first.meeting)} agreement, whose clock still "
               f"runs to {model.date_of(agreement.expires)}")
    else:
        how = f"agreement for {days} days (to {model.date_of(agreement.expires)})"
    if in_force_days:
        how += f", in force from {model.date_of(in_force)}"
    model.log(None, "agreement", f"{label or meeting}: {how}: {what}", meeting=meeting,
              news=sum(abs(package[k] - model.levers[k].restrictiveness) for k in terms))
    suspend_threats(model, agreement, label or meeting)
    return agreement


def suspend_threats(model: NegotiationModel, agreement: Agreement, label: str) -> None:
    """A deal suspends the measures threatened against either side; they return if it lapses."""
    for threat in list(model.threats):
        model.threats.remove(threat)
        agreement.suspended.append(threat)
        lever = model.levers[threat.lever_id]
        model.log(threat.actor, "suspension", f"{label} suspends the threatened "
                  f"{lever.spec.label} of {lever.spec.describe(threat.value)} (due "
                  f"{model.date_of(threat.due)}): it returns if the terms lapse",
                  meeting=agreement.meeting, news=0.1)


def snapback(model: NegotiationModel, agreement: Agreement) -> dict[str, float]:
    """Lever values if the terms lapse: suspended measures return to their pre-deal level."""
    first = agreement.first
    out = {}
    for lever_id, value in agreement.at_signing.items():
        lever = model.levers[lever_id]
        if lever.spec.commitment:
            continue  # what was delivered stays delivered; delivery simply stops
        before = first.at_signing.get(lever_id, value)
        out[lever_id] = (max(value, before) if lever.spec.restrictive == "high"
                         else min(value, before))
    for threat in agreement.suspended:
        lever = model.levers[threat.lever_id]
        current = out.get(threat.lever_id, lever.value)
        out[threat.lever_id] = (max(current, threat.value) if lever.spec.restrictive == "high"
                                else min(current, threat.value))
    return out


def expiry_choice(model: NegotiationModel, n: Negotiator, lapse: dict[str, float]
                  ) -> tuple[str, str]:
    """What this side wants when the clock runs out: extend, renegotiate or lapse, and why.

    Keeping the terms is valued with every commitment delivered as agreed (the rest of an
    amount is still due if the terms go on, and a lapse stops its delivery): otherwise a side
    would count the other's delivered purchases as kept either way and always prefer its own
    measures back."""
    now = {k: lever.restrictiveness for k, lever in model.levers.items()}
    kept, after = dict(now), dict(now)
    for lever_id, value in model.agreement.terms.items():
        spec = model.levers[lever_id].spec
        if spec.commitment:
            kept[lever_id] = min(now[lever_id], spec.restrictiveness(value))
    for lever_id, value in lapse.items():
        after[lever_id] = model.levers[lever_id].spec.restrictiveness(value)
    u_now, u_lapse = n.utility.of(kept), n.utility.of(after)
    if n.willingness() < ATTEND_THRESHOLD:
        return "lapse", (f"{n.label} is unwilling to renew (trust {n.trust:.2f}, pressure "
                         f"{n.pressure:.2f})")
    if u_lapse > u_now:
        return "lapse", (f"{n.label} is better off with the measures back (worth {u_lapse:.3f} "
                         f"to it, against {u_now:.3f} with the terms)")
    gap = n.demand_gap(model.agreement.terms)  # what the terms leave unmet once delivered
    if n.resolve_share() * gap > RENEGOTIATE_AT:
        return "renegotiate", (f"{n.label} wants more: the terms leave {100 * gap:.0f} % of its "
                               "demands unmet")
    return "extend", (f"{n.label} values the terms ({u_now:.3f}) above their lapse "
                      f"({u_lapse:.3f})")


def check_expiry(model: NegotiationModel) -> None:
    """When the clock runs out, the sides extend, renegotiate or let the terms lapse."""
    a = model.agreement
    if a is None or model.day < a.expires:
        return
    lapse = snapback(model, a)
    choices = {n.actor: expiry_choice(model, n, lapse) for n in model.negotiators.values()}
    label = model.meeting_label(a.first.meeting)
    lapsing = [a_ for a_, (c, _) in choices.items() if c == "lapse"]
    if lapsing:
        return do_lapse(model, a, lapse, choices[lapsing[0]][1], lapsing[0])
    asking = [a_ for a_, (c, _) in choices.items() if c == "renegotiate"]
    if asking:
        outcome = model.review(a, asking[0], REVIEW_ROUNDS, lapse)
        if outcome is None:
            return do_lapse(model, a, lapse, f"{choices[asking[0]][1]}, and the review talks "
                            "end without new terms", asking[0])
        new = model.agreement
        model.log(None, "extension", f"the {label} terms are renegotiated and run "
                  f"{new.days} more days, to {model.date_of(new.expires)}: "
                  f"{choices[asking[0]][1]}", meeting=a.meeting, news=0.2)
        return None
    a.clock_start, a.days = model.day, agreed_term(model)
    reasons = "; ".join(why for _, why in choices.values())
    model.log(None, "extension", f"the {label} terms are extended for {a.days} days, to "
              f"{model.date_of(a.expires)}: {reasons}", meeting=a.meeting, news=0.2)
    return None


def do_lapse(model: NegotiationModel, a: Agreement, lapse: dict[str, float], why: str,
             actor: str) -> None:
    """The terms lapse: suspended measures and tariffs return."""
    label = model.meeting_label(a.first.meeting)
    model.log(actor, "lapse", f"the {label} terms lapse: {why}; suspended measures return",
              meeting=a.meeting, news=-0.5)
    for lever_id, value in lapse.items():
        model.levers[lever_id].command(value)
    model.agreement = None
    model.lapsed_day = model.day

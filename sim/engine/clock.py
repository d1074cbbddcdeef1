"""Agreements and their clocks: signing, amendment, entry into force, and the decision at expiry.

An agreement runs for a term. Its term is not typed into the scenario: each side proposes the
longest term it commits to without review (its ``commitment_days``) shortened by its distrust of
the other side, and the shorter proposal is agreed (neither side can be held to more than it
offered). A later agreement reached while one is in force amends it: its terms are added, the
clock keeps running (an implementing deal does not restart a truce). At expiry each side decides
from its state whether to extend, renegotiate or let the terms lapse, and the log says why.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sim.engine.agents import ATTEND_THRESHOLD, Negotiator
from sim.engine.truce import OPEN, Agreement

if TYPE_CHECKING:
    from sim.engine.world import World

TERM_ROUNDING = 15  # convention: terms are agreed in whole half-months (15, 30, ..., 90 days)
RENEGOTIATE_AT = 0.25  # assumption: unmet demands x resolve share above this ask for new terms
REVIEW_ROUNDS = 10  # assumption: rounds of the review talks held at an expiry

EXTEND, RENEGOTIATE, LAPSE = "extend", "renegotiate", "lapse"


def proposed_term(n: Negotiator) -> float:
    """The term this side offers: its longest commitment, shortened by its distrust."""
    return n.behaviour.commitment_days * n.trust


def agreed_term(negotiators: Iterable[Negotiator]) -> int:
    """The shortest of the sides' proposals, in whole half-months (at least one)."""
    days = min(proposed_term(n) for n in negotiators)
    return max(TERM_ROUNDING, round(days / TERM_ROUNDING) * TERM_ROUNDING)


def draft(model: World, meeting: str, package: dict[str, float], in_force_days: int = 0,
          renewal: bool = False, open_term: bool = False) -> Agreement:
    """The agreement an accepted package makes: its terms (the levers it moves), its term, its
    clock. A package agreed while an agreement is in force amends it (same clock) unless it is
    that agreement's ``renewal`` (a new clock); ``open_term``: no term at all (``OPEN``)."""
    terms = {}
    for lever_id, h in package.items():
        lever = model.levers[lever_id]
        if abs(h - lever.restrictiveness) > 0.005:
            terms[lever_id] = lever.spec.value_at(h)
    previous = model.truce.agreement
    day = model.day
    in_force = day + in_force_days
    amends = previous is not None and not renewal
    days = (previous.days if amends else OPEN if open_term
            else agreed_term(model.negotiators.values()))
    clock = previous.clock_start if amends else in_force
    return Agreement.amending(meeting, day, days, terms,
                              {k: model.levers[k].value for k in terms}, previous, clock,
                              in_force)


def snapback(model: World, agreement: Agreement) -> dict[str, float]:
    """Lever values if the terms lapse: the layers the deals suspended return (a dropped layer
    does not), and so do the threats they suspended. A lever its owner never eased as agreed
    keeps its value (a lapse does not ease)."""
    out = {}
    for lever_id in agreement.terms:
        lever = model.levers[lever_id]
        if lever.spec.commitment:
            continue  # what was delivered stays delivered; delivery simply stops
        out[lever_id] = lever.if_lapsed()
    for threat in agreement.suspended:
        lever = model.levers[threat.lever_id]
        current = out.get(threat.lever_id, lever.value)
        out[threat.lever_id] = (max(current, threat.value) if lever.spec.restrictive == "high"
                                else min(current, threat.value))
    return out


def kept_and_lapsed(model: World, n: Negotiator, lapse: dict[str, float],
                    delivered: bool = False) -> tuple[float, float]:
    """Its utility with the terms kept (every commitment delivered as agreed; with
    ``delivered``, every term) and its expected utility of their lapse (``lapse``: the lever
    values a lapse restores; and, as likely as it expects retaliation, the measures the deals
    revoked on the other sides' levers back too)."""
    now = {k: lever.restrictiveness for k, lever in model.levers.items()}
    kept, after = dict(now), dict(now)
    for lever_id, value in model.truce.agreement.terms.items():
        spec = model.levers[lever_id].spec
        if spec.commitment or delivered:
            kept[lever_id] = min(now[lever_id], spec.restrictiveness(value))
    for lever_id, value in lapse.items():
        after[lever_id] = model.levers[lever_id].spec.restrictiveness(value)
    u_lapse = n.utility.of(after)
    # the other sides' measures the deals revoked are gone in law, but a lapse reopens the
    # dispute: it fears them back as far as it expects retaliation (Fearon: its learnt belief)
    worse, feared = dict(after), False
    for lever_id in model.truce.agreement.terms:
        lever = model.levers[lever_id]
        if lever.spec.actor != n.actor and lever.stack.dropped > 0:
            worse[lever_id] = max(after[lever_id],
                                  lever.spec.restrictiveness(lever.stack.re_escalated_level()))
            feared = True
    if feared:
        p = n.expected_retaliation()
        u_lapse = (1.0 - p) * u_lapse + p * n.utility.of(worse)
    return n.utility.of(kept), u_lapse


def expiry_choice(model: World, n: Negotiator, lapse: dict[str, float]
                  ) -> tuple[str, str]:
    """What this side wants when the clock runs out: extend, renegotiate or lapse, and why.

    Keeping the terms is valued with every commitment delivered as agreed (the rest of an
    amount is still due if the terms go on, and a lapse stops its delivery): otherwise a side
    would count the other's delivered purchases as kept either way and always prefer its own
    measures back."""
    u_now, u_lapse = kept_and_lapsed(model, n, lapse)
    if n.willingness() < ATTEND_THRESHOLD:
        return "lapse", (f"{n.label} is unwilling to renew (trust {n.trust:.2f}, pressure "
                         f"{n.pressure:.2f})")
    if u_lapse > u_now:
        return "lapse", (f"{n.label} is better off with the measures back (worth {u_lapse:.3f} "
                         f"to it, against {u_now:.3f} with the terms)")
    gap = n.demand_gap(model.truce.agreement.terms)  # what the terms leave unmet once delivered
    if n.resolve_share() * gap > RENEGOTIATE_AT:
        return "renegotiate", (f"{n.label} wants more: the terms leave {100 * gap:.0f} % of its "
                               "demands unmet")
    return "extend", (f"{n.label} values the terms ({u_now:.3f}) above their lapse "
                      f"({u_lapse:.3f})")


@dataclass(frozen=True)
class Expiry:
    """What the sides decided when an agreement's clock ran out: ``action`` (extend,
    renegotiate or lapse), the side whose choice decided it (none: both extend), why, and the
    lever values a lapse restores."""

    action: str
    actor: str | None
    why: str
    lapse: dict[str, float]


def at_expiry(model: World) -> Expiry:
    """When the clock runs out, the sides extend, renegotiate or let the terms lapse: one side
    that wants a lapse decides it; else one that wants more asks for review talks."""
    lapse = snapback(model, model.truce.agreement)
    choices = {n.actor: expiry_choice(model, n, lapse) for n in model.negotiators.values()}
    for wanted in (LAPSE, RENEGOTIATE):
        asking = [actor for actor, (c, _) in choices.items() if c == wanted]
        if asking:
            return Expiry(wanted, asking[0], choices[asking[0]][1], lapse)
    return Expiry(EXTEND, None, "; ".join(why for _, why in choices.values()), lapse)

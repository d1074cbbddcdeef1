"""How a side delivers on an agreement: each day it works towards the agreed values of its own
levers (as fully and as fast as its compliance and its trust allow), paces a commitment over its
horizon, ties its easing to the other side's verified delivery (linkage), or deliberately halts
one easing (a measure the deal's letter does not forbid).

``Delivery`` is a part of ``sim.engine.agents.Negotiator`` (a base class of it): the fields it
writes (``held_back``, ``halted``) are the negotiator's own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.engine.levers import Lever
from sim.engine.truce import Agreement

if TYPE_CHECKING:
    from sim.engine.behaviour import Behaviour
    from sim.engine.world import World

SLOW_WALK_DAYS = 3  # days in a row held back before the narrative calls it slow-walking


class Delivery:
    """A negotiator's implementation of the agreement in force (see the module doc)."""

    model: World
    actor: str
    label: str
    behaviour: Behaviour
    levers: dict[str, Lever]
    trust: float

    def __init__(self) -> None:
        self.held_back: dict[str, int] = {}  # lever id -> days in a row not worked on
        self.halted: set[str] = set()  # own agreed easings deliberately stopped (a measure)
        self._own_terms: list[tuple[str, Lever, float]] = []
        self._own_terms_of: Agreement | None = None  # the agreement _own_terms was read from

    def implement(self, agreement: Agreement) -> None:
        """Work towards each agreed value of its own levers, or hold back today."""
        b = self.behaviour
        willing = self.willing_today()
        # its terms already read from this agreement, without a call (most days)
        terms = self._own_terms if self._own_terms_of is agreement else self.own_terms(agreement)
        day = self.model.day
        for lever_id, lever, target in terms:
            if lever.commitment:  # the narrative says how it went, when its horizon is over
                self.account(agreement, lever, target, day)  # (or the run ends first)
            if lever.value == target or lever_id in self.halted:
                continue
            terms = lever.spec.terms  # a commitment with its own terms (most: none)
            if self.model.random.random() < (willing if terms is None
                                             else self.willing_today(lever)):
                linkage = b.linkage if terms is None or terms.linkage is None else terms.linkage
                goal = self.linked(agreement, lever, target, linkage) if linkage else target
                lever.command(self.deliver(agreement, lever, goal) if lever.commitment
                              else goal)
                if self.held_back.pop(lever_id, 0) >= SLOW_WALK_DAYS:
                    self.model.log(self.actor, "implement", f"{self.label} resumes implementing "
                                   f"{lever.spec.label} (now {lever.spec.describe(lever.value)}, "
                                   f"agreed {lever.spec.describe(target)}): trust in "
                                   f"{self.counterpart_label} at {self.trust:.2f}")
            else:
                lever.command(lever.value)
                self.held_back[lever_id] = self.held_back.get(lever_id, 0) + 1
                if self.held_back[lever_id] == SLOW_WALK_DAYS:
                    self.model.log(self.actor, "slow-walk", f"{self.label} holds back on "
                                   f"{lever.spec.label} at {lever.spec.describe(lever.value)} "
                                   f"(agreed {lever.spec.describe(target)}): trust in "
                                   f"{self.counterpart_label}'s compliance is {self.trust:.2f}")

    def own_terms(self, agreement: Agreement) -> list[tuple[str, Lever, float]]:
        """(lever id, lever, agreed value) for the terms on its own levers, in the agreement's
        order: pure in the agreement, so read once, not every day it implements."""
        if self._own_terms_of is not agreement:
            self._own_terms = [(k, self.levers[k], target) for k, target in agreement.terms.items()
                               if k in self.levers]
            self._own_terms_of = agreement
        return self._own_terms

    def willing_today(self, lever: Lever | None = None) -> float:
        """The chance it works on an agreed easing today: its compliance (the commitment's on
        ``lever``, if it has its own), scaled down by its distrust of the other side as far as
        it reciprocates."""
        b = self.behaviour
        return self.compliance(lever) * ((1.0 - b.reciprocity) + b.reciprocity * self.trust)

    def compliance(self, lever: Lever | None = None) -> float:
        """How fully it delivers: the commitment's own compliance on ``lever``, else its own."""
        terms = lever.spec.terms if lever is not None else None
        return (self.behaviour.compliance if terms is None or terms.compliance is None
                else terms.compliance)

    def account(self, agreement: Agreement, lever: Lever, target: float, day: int,
                lapsing: bool = False) -> None:
        """How a commitment went, in the narrative, on the day its horizon is over, on the run's
        last day if that comes first, or on the day the agreement lapses (``lapsing``): how
        much was delivered and, if less than was due, why (the days it held back, at its
        willingness today; a deliberate halt; the ceiling its compliance sets). Nothing
        changes."""
        horizon = lever.spec.horizon_days
        elapsed = day - agreement.in_force
        last_day = day == self.model.spec.days - 1
        if not lapsing and elapsed != horizon and not (elapsed < horizon and last_day):
            return
        start = agreement.at_signing[lever.spec.id]
        owed = target - start
        if owed <= 0.0 or not 0 < elapsed <= horizon:
            return
        spec = lever.spec
        share = (lever.value - start) / owed
        due = elapsed / horizon  # the share due by today at the agreed pace
        agreed = f"the {horizon} days agreed in the {self.model.meeting_label(agreement.meeting)}"
        when = (f"{agreed} are over" if elapsed == horizon else
                f"the {'terms lapse' if lapsing else 'run ends'} {elapsed} days into {agreed} "
                f"({100 * due:.0f} % due by now)")
        line = (f"{spec.label}: {when}, with {100 * share:.0f} % of the agreed amount delivered "
                f"({spec.describe(lever.value)} of {spec.describe(target)})")
        if share < due - 1e-9:
            why = [f"it delivered on about {round(share * horizon)} of {elapsed} days and held "
                   f"back on the rest (its willingness to implement on a given day is "
                   f"{self.willing_today(lever):.2f}: compliance {self.compliance(lever):.2f}, "
                   f"trust in "
                   f"{self.counterpart_label} {self.trust:.2f})"]
            if spec.id in self.halted:
                why.append("it halted this delivery as a measure")
            if share >= self.compliance(lever) - 1e-9:
                why.append(f"it delivers at most {100 * self.compliance(lever):.0f} % of "
                           "a commitment (its compliance)")
            line += ": " + "; ".join(why)
        self.model.log(self.actor, "commitment", line, meeting=agreement.meeting)

    def account_on_lapse(self, agreement: Agreement) -> None:
        """The agreement lapses today: how each of its own commitments went, in the narrative."""
        for _, lever, target in self.own_terms(agreement):
            if lever.commitment:
                self.account(agreement, lever, target, self.model.day, lapsing=True)

    def deliver(self, agreement: Agreement, lever: Lever, target: float) -> float:
        """A commitment lever: one day's delivery at the agreed pace, up to a ceiling of
        ``compliance`` times the agreed amount (a side that half complies delivers half)."""
        start = agreement.at_signing[lever.spec.id]
        ceiling = start + self.compliance(lever) * (target - start)
        pace = (target - start) / lever.spec.horizon_days
        return max(lever.value, min(ceiling, lever.value + pace))

    def linked(self, agreement: Agreement, lever: Lever, target: float,
               linkage: float) -> float:
        """How far it eases a lever when its easing waits (``linkage``) on the other side's
        delivery, as verified ``verification_days`` ago, or as each commitment's own terms say
        (linkage: "controls ease as licences are approved")."""
        start = agreement.at_signing[lever.spec.id]
        lag = round(self.behaviour.verification_days)
        progress = min(n.verified_progress(agreement, lag) for n in self.others)
        share = (1.0 - linkage) + linkage * progress
        return start + share * (target - start)

    def verified_progress(self, agreement: Agreement, lag: int) -> float:
        """Share of its own promised easing delivered ``lag`` days ago (1 if it promised none)."""
        model = self.model
        done = owed = 0.0
        for lever_id, target in agreement.terms.items():
            lever = self.levers.get(lever_id)
            if lever is None:
                continue
            start = lever.spec.restrictiveness(agreement.at_signing[lever_id])
            goal = lever.spec.restrictiveness(target)
            if start - goal <= 1e-6:
                continue
            memory = model.memory
            n = memory.kept(model.day)
            terms = lever.spec.terms  # a commitment verified on its own lag
            days = lag if terms is None or terms.verification_days is None \
                else terms.verification_days
            then = memory.at(lever, max(0, n - 1 - days)) if n else lever.restrictiveness
            owed += start - goal
            done += max(0.0, min(start - goal, start - then))
        return done / owed if owed else 1.0

    def halt(self, agreement: Agreement, why: str) -> None:
        """Stop implementing an agreed easing not yet complete: escalation the deal's letter
        does not forbid (it lasts until the next agreement)."""
        open_terms = [k for k, target in agreement.terms.items()
                      if k in self.levers and k not in self.halted
                      and abs(self.levers[k].value - target) > 1e-6]
        if not open_terms:
            return
        wants = self.wanted()
        lever_id = max(open_terms, key=lambda k: wants.get(k, 0.0))
        lever = self.levers[lever_id]
        self.halted.add(lever_id)
        lever.command(lever.value)
        self.took_measure()
        self.model.log(self.actor, "measure", f"{self.label} halts its implementation of "
                       f"{lever.spec.label} at {lever.spec.describe(lever.value)} (agreed "
                       f"{lever.spec.describe(agreement.terms[lever_id])}): {why}", news=-0.2)

    def new_text(self) -> None:
        """A new agreement was signed: its deliberate slow-downs end."""
        self.halted.clear()

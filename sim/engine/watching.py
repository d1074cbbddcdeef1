"""What a side watches of the other sides: whether they deliver what they promised, and whether
they add restrictions; from that, its grievance and its trust in each of them (per pair).

``Watching`` is a part of ``sim.engine.agents.Negotiator`` (a base class of it): the fields it
writes (``grievance``, ``trust``, ``trust_in``) are the negotiator's own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.engine.levers import Lever
from sim.engine.truce import Agreement

if TYPE_CHECKING:
    from sim.engine.behaviour import Behaviour
    from sim.engine.negotiation import Utility
    from sim.engine.world import World

TRUST_RISE = 0.25  # assumption: trust rises at a quarter of the pace at which it falls
DUE_DAYS = 7.0  # assumption: an agreed easing is due in a straight line over a week...
PATIENCE_DAYS = 28.0  # ...plus up to four more weeks for a fully patient observer


class Watching:
    """A negotiator's watch on the other sides (see the module doc)."""

    model: World
    actor: str
    other_actor: str
    behaviour: Behaviour
    utility: Utility
    trust: float
    trust_in: dict[str, float]
    grievance: float
    _watching: list[tuple[str, Lever, float]]
    _pairs: list[tuple[str, list[tuple[str, Lever, float]]]]
    _two_sided: bool  # a dispute of two sides: one pair (``_pairs`` has one entry)

    def __init__(self) -> None:
        self._promised: list[tuple[Lever, float, float, float, int]] = []
        self._promised_by: Agreement | None = None  # the agreement _promised was read from

    def observe(self, agreement: Agreement | None) -> None:
        """Compare the other side with its promises and its past; update grievance and trust.

        Trust arrives on foot and leaves on horseback (assumption): it rises at a quarter of the
        pace at which it falls. Without an agreement only new restrictions move it.
        """
        model = self.model
        # the lever memory asked directly, not through ``model.new_restrictions`` (one call
        # fewer per side per day: this runs every day)
        memory, day = model.memory, model.day
        if self._two_sided:  # one pair, its trust is the side's trust
            shortfall = self.shortfall(agreement) if agreement else 0.0
            breach = memory.new_restrictions(self._watching, agreement, day)
            grievance = shortfall + self.behaviour.breach_weight * breach
            # min(1, ...) as a comparison, here and below: the same result, and this runs for
            # each side every day
            self.grievance = grievance = grievance if grievance < 1.0 else 1.0
            self.trust = self._learnt(self.trust, grievance, agreement)
            self.trust_in[self.other_actor] = self.trust
            return
        worst = 0.0
        for actor, watching in self._pairs:  # each pair: that side's promises and measures
            shortfall = self.shortfall(agreement, actor) if agreement else 0.0
            breach = memory.new_restrictions(watching, agreement, day)
            grievance = min(1.0, shortfall + self.behaviour.breach_weight * breach)
            self.trust_in[actor] = self._learnt(self.trust_in[actor], grievance, agreement)
            worst = max(worst, grievance)
        self.grievance = worst
        self.trust = sum(self.trust_in.values()) / len(self.trust_in)

    def _learnt(self, trust: float, grievance: float, agreement: Agreement | None) -> float:
        signal = 1.0 - grievance
        if not agreement and trust <= signal:  # min(trust, 1 - grievance)
            signal = trust
        rate = self.behaviour.trust_learning * (TRUST_RISE if signal > trust else 1.0)
        return trust + rate * (signal - trust)

    def shortfall(self, agreement: Agreement, holder: str | None = None) -> float:
        """The other side's worst delay on a promised easing, scaled by how much this side cares.

        A promise counts as due in a straight line over 7 days plus up to four weeks of patience,
        from the day the terms enter into force (nothing is owed between signing and entry into
        force); the shortfall on a lever is the share of the promised move still missing.
        """
        days = self.model.day - agreement.in_force
        grace = DUE_DAYS + PATIENCE_DAYS * self.behaviour.patience
        expected = days / grace
        if expected > 1.0:
            expected = 1.0
        worst = 0.0
        # the promises already read from this agreement, without a call (most days)
        promised = self._promised if self._promised_by is agreement else self.promised(agreement)
        for lever, scale, start, owed, horizon in promised:
            if holder is not None and lever.spec.actor != holder:
                continue
            share = (min(1.0, days / (horizon + grace)) if horizon
                     else expected)  # a commitment is due over its horizon, plus patience
            due = start - share * owed
            behind = (lever.restrictiveness if lever.spec.terms is None
                      else self.seen(lever)) - due
            if behind > 0.0:  # on or ahead of the line adds nothing
                short = scale * (behind / owed)
                if short > worst:
                    worst = short
        return worst

    def seen(self, lever: Lever) -> float:
        """The lever's restrictiveness as this side can verify it: today's, or, for a commitment
        verified with a lag (its ``verification_days``), as it was that many days ago."""
        terms = lever.spec.terms
        if terms is None or terms.verification_days is None:
            return lever.restrictiveness
        memory = self.model.memory
        n = memory.kept(self.model.day)
        return memory.at(lever, max(0, n - 1 - terms.verification_days)) if n \
            else lever.restrictiveness

    def promised(self, agreement: Agreement) -> list[tuple[Lever, float, float, float, int]]:
        """The easings the other side promised in ``agreement`` that this side cares about, as
        (lever, weight relative to its top weight, restrictiveness at signing, promised fall in
        restrictiveness, commitment horizon in days or 0).

        Pure in the agreement's terms, which never change once signed: worked out on the first
        day it is observed, not every day.
        """
        if self._promised_by is not agreement:
            wants = self.utility.wants
            top = max(wants.values(), default=0.0) or 1.0
            promised = []
            for lever_id, target in agreement.terms.items():
                weight = wants.get(lever_id, 0.0)
                lever = self.model.levers[lever_id]
                if not weight or lever.spec.actor == self.actor:
                    continue
                start = lever.spec.restrictiveness(agreement.at_signing[lever_id])
                goal = lever.spec.restrictiveness(target)
                if start - goal <= 1e-6:
                    continue
                horizon = lever.spec.horizon_days if lever.spec.commitment else 0
                promised.append((lever, weight / top, start, start - goal, horizon))
            self._promised, self._promised_by = promised, agreement
        return self._promised


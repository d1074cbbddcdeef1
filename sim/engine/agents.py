"""Each side's negotiator; the constituencies whose state becomes pressure on it are in
``sim.engine.constituents``."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

from sim.engine import coercion
from sim.engine.behaviour import PARAMS, Behaviour
from sim.engine.levers import Lever
from sim.engine.negotiation import Agreement, Utility

if TYPE_CHECKING:
    from sim.engine.model import NegotiationModel
    from sim.engine.spec import ActorSpec

ATTEND_THRESHOLD = 0.45  # assumption: below this willingness a side stays away from talks
PRESSURE_PACE = 2.0  # assumption: at full pressure and sensitivity, concession pace triples
PRESSURE_RESERVE = 0.3  # assumption: full pressure x sensitivity lowers the reservation by 0.3
HANDS_TIED = 0.1  # assumption: own pending threat x audience cost raises the reservation so
RESOLVE_MAX = PARAMS["resolve"].high
SLOW_WALK_DAYS = 3  # days in a row held back before the narrative calls it slow-walking
TRUST_RISE = 0.25  # assumption: trust rises at a quarter of the pace at which it falls
DUE_DAYS = 7.0  # assumption: an agreed easing is due in a straight line over a week...
PATIENCE_DAYS = 28.0  # ...plus up to four more weeks for a fully patient observer
GRIEVANCE_FLOOR = 0.15  # assumption: grievance below this never becomes a measure...
GRIEVANCE_SPAN = 0.7  # ...and full restraint raises that threshold to 0.85
RESPONSE_DAYS = 14  # assumption: a counter-measure within two weeks counts as retaliation


class Negotiator(mesa.Agent):
    """The team that decides one side's measures, offers and acceptances.

    Each day it implements what was agreed (as fully and as fast as its compliance and its trust
    allow), watches the other side against the agreement, updates its trust, and, when aggrieved
    enough, adds a new measure on the lever that hurts the other side most.
    """

    def __init__(self, model: NegotiationModel, spec: ActorSpec, behaviour: Behaviour,
                 levers: dict[str, Lever]):
        super().__init__(model)
        self.actor = spec.id
        self.other_actor = model.spec.other(spec.id)
        self.label = spec.label
        self.spec = spec
        self.behaviour = behaviour
        self.levers = levers  # its own levers, by id
        self.utility = Utility(dict(spec.priorities), dict(spec.holds))
        self.trust = behaviour.initial_trust
        self.mandate = 0.0  # extra room to concede given by a leaders' call, used up by talks
        self.grievance = 0.0
        self.pressure = 0.0
        self.last_measure_day = -10**6
        self.last_review_day = 0
        self.held_back: dict[str, int] = {}  # lever id -> days in a row not worked on
        self.halted: set[str] = set()  # own agreed easings deliberately stopped (a measure)
        self.threats_issued = 0
        self.threats_carried = 0
        self.audience = 0.0  # domestic cost of a climb-down, fading (Fearon's audience cost)
        # its belief that the other side retaliates, as counts of a Beta(1, 1) prior: learnt from
        # what the other side did after its own past measures (costly signals, not words)
        self.answered, self.unanswered = 1, 1
        self.awaiting: int | None = None  # day of its own measure whose answer it awaits
        self._review_days = behaviour.review_days if behaviour.review_days >= 1 else 0.0
        total = sum(spec.weight for spec in spec.constituencies) or 1.0
        # constituencies that depend on a lever of its own (importers pay its tariff): Putnam
        self._exposure = {lv.id: sum(k.weight for k in spec.constituencies
                                     if k.params.get("depends_on") == lv.id) / total
                          for lv in spec.levers}
        wants_total = sum(self.utility.wants.values()) or 1.0
        self._wants = [(k, w / wants_total) for k, w in self.utility.wants.items()]
        # observed every day, so worked out once: each lever of the other side it wants eased,
        # with its weight relative to its top weight
        top = max(self.utility.wants.values(), default=0.0) or 1.0
        self._watching = [(k, model.levers[k], w / top) for k, w in self.utility.wants.items()
                          if model.levers[k].spec.actor == self.other_actor]
        self._promised: list[tuple[Lever, float, float, float, int]] = []
        self._promised_by: Agreement | None = None  # the agreement _promised was read from
        self._own_terms: list[tuple[str, Lever, float]] = []
        self._own_terms_of: Agreement | None = None  # the agreement _own_terms was read from

    @property
    def other(self) -> Negotiator:
        return self.model.negotiators[self.other_actor]

    def step(self) -> None:
        """One day: implement, observe the other side, update trust, perhaps retaliate, and on
        its review days weigh escalating to gain leverage."""
        model = self.model
        agreement = model.agreement
        controller = model.controllers.get(self.actor)
        if controller is not None:  # hook: a controlled side decides today (engine.control)
            self.controlled_day(controller.daily(model, self.actor), agreement)
            self.observe(agreement)
            return
        if self.awaiting is not None:
            self.learn()
        if agreement and model.day >= agreement.in_force:
            self.implement(agreement)
        self.observe(agreement)
        self.consider_measure(agreement)
        review = self._review_days
        if review and model.day - self.last_review_day >= review:
            self.last_review_day = model.day
            coercion.consider(model, self, f"{self.label}'s periodic review")

    def learn(self) -> None:
        """Did the other side answer its last measure? Update its belief in retaliation."""
        if self.other.last_measure_day > self.awaiting:
            self.answered += 1
            self.awaiting = None
        elif self.model.day - self.awaiting > RESPONSE_DAYS:
            self.unanswered += 1
            self.awaiting = None

    def expected_retaliation(self) -> float:
        """Its belief (the Beta mean) that the other side answers a measure with one of its own."""
        return self.answered / (self.answered + self.unanswered)

    # --- what it knows about itself --------------------------------------------------------
    def demand_gap(self, promised: dict[str, float] | None = None) -> float:
        """Its unmet demands: the weighted restrictiveness of the levers it wants eased (0..1);
        with ``promised`` (lever id -> agreed value), as if those promises were delivered."""
        levers = self.model.levers
        if promised:
            return sum(w * (levers[k].spec.restrictiveness(promised[k]) if k in promised
                            else levers[k].restrictiveness) for k, w in self._wants)
        return sum(w * levers[k].restrictiveness for k, w in self._wants)

    def resolve_share(self) -> float:
        """Its resolve as a share of the largest possible (0..1)."""
        return self.behaviour.resolve / RESOLVE_MAX

    def exposure(self, lever_id: str) -> float:
        """Share of its own constituencies' weight that depends on one of its own levers."""
        return self._exposure.get(lever_id, 0.0)

    def retaliation_exposure(self, agreement: Agreement | None) -> float:
        """How much of what it wants the other side could still tighten (0..1): the room left
        on the other side's levers the agreement does not bind, weighted by its priorities."""
        levers = self.model.levers
        bound = agreement.terms if agreement is not None else ()
        return sum(w * (1.0 - levers[k].restrictiveness) for k, w in self._wants
                   if k not in bound)

    @property
    def credibility(self) -> float:
        """The share of its threats it carried out (Laplace's rule: 0.5 with no record)."""
        return (self.threats_carried + 1) / (self.threats_issued + 2)

    def controlled_day(self, choice, agreement: Agreement | None) -> None:
        """Carry out a controller's choice (see ``sim.engine.control.carry_out``)."""
        from sim.engine.control import carry_out
        carry_out(self, choice, agreement)

    def willingness(self) -> float:
        """Readiness to talk: trust in the other side plus the pressure it feels at home, and
        the threats it faces."""
        b = self.behaviour
        threat = coercion.threat_pressure(self.model, self.actor) if self.model.threats else 0.0
        return self.trust + b.pressure_sensitivity * (self.pressure + threat) + self.mandate

    def reservation(self, status_quo: float) -> float:
        """The least utility it will sign for: the status quo plus resolve, less pressure (and
        less the threats it faces, plus its own public threats' audience cost: hands tied)."""
        b = self.behaviour
        model = self.model
        threat = coercion.threat_pressure(model, self.actor) if model.threats else 0.0
        tied = HANDS_TIED * b.audience_cost * any(t.actor == self.actor for t in model.threats)
        return (status_quo + b.resolve + tied
                - b.pressure_sensitivity * (self.pressure + threat) * PRESSURE_RESERVE
                - self.mandate)

    def concession_pace(self) -> float:
        """Faratin's e in talks, raised by pressure (a resource-dependent tactic: a side whose
        firms and markets are hurting concedes sooner)."""
        b = self.behaviour
        return b.concession * (1.0 + PRESSURE_PACE * b.pressure_sensitivity * self.pressure)

    def implement(self, agreement: Agreement) -> None:
        """Work towards each agreed value of its own levers, or hold back today."""
        b = self.behaviour
        willing = b.compliance * ((1.0 - b.reciprocity) + b.reciprocity * self.trust)
        for lever_id, lever, target in self.own_terms(agreement):
            if lever.value == target or lever_id in self.halted:
                continue
            if self.model.random.random() < willing:
                goal = self.linked(agreement, lever, target) if b.linkage else target
                lever.command(self.deliver(agreement, lever, goal) if lever.commitment
                              else goal)
                if self.held_back.pop(lever_id, 0) >= SLOW_WALK_DAYS:
                    self.model.log(self.actor, "implement", f"{self.label} resumes implementing "
                                   f"{lever.spec.label} (now {lever.spec.describe(lever.value)}, "
                                   f"agreed {lever.spec.describe(target)}): trust in "
                                   f"{self.other.label} at {self.trust:.2f}")
            else:
                lever.command(lever.value)
                self.held_back[lever_id] = self.held_back.get(lever_id, 0) + 1
                if self.held_back[lever_id] == SLOW_WALK_DAYS:
                    self.model.log(self.actor, "slow-walk", f"{self.label} holds back on "
                                   f"{lever.spec.label} at {lever.spec.describe(lever.value)} "
                                   f"(agreed {lever.spec.describe(target)}): trust in "
                                   f"{self.other.label}'s compliance is {self.trust:.2f}")

    def own_terms(self, agreement: Agreement) -> list[tuple[str, Lever, float]]:
        """(lever id, lever, agreed value) for the terms on its own levers, in the agreement's
        order: pure in the agreement, so read once, not every day it implements."""
        if self._own_terms_of is not agreement:
            self._own_terms = [(k, self.levers[k], target) for k, target in agreement.terms.items()
                               if k in self.levers]
            self._own_terms_of = agreement
        return self._own_terms

    def deliver(self, agreement: Agreement, lever: Lever, target: float) -> float:
        """A commitment lever: one day's delivery at the agreed pace, up to a ceiling of
        ``compliance`` times the agreed amount (a side that half complies delivers half)."""
        start = agreement.at_signing[lever.spec.id]
        ceiling = start + self.behaviour.compliance * (target - start)
        pace = (target - start) / lever.spec.horizon_days
        return max(lever.value, min(ceiling, lever.value + pace))

    def linked(self, agreement: Agreement, lever: Lever, target: float) -> float:
        """How far it eases a lever when its easing waits on the other side's delivery, as
        verified ``verification_days`` ago (linkage: "controls ease as licences are approved").
        """
        b = self.behaviour
        start = agreement.at_signing[lever.spec.id]
        progress = self.other.verified_progress(agreement, round(b.verification_days))
        share = (1.0 - b.linkage) + b.linkage * progress
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
            hist = model.history[lever_id]
            then = hist[max(0, len(hist) - 1 - lag)] if hist else lever.restrictiveness
            owed += start - goal
            done += max(0.0, min(start - goal, start - then))
        return done / owed if owed else 1.0

    def observe(self, agreement: Agreement | None) -> None:
        """Compare the other side with its promises and its past; update grievance and trust.

        Trust arrives on foot and leaves on horseback (assumption): it rises at a quarter of the
        pace at which it falls. Without an agreement only new restrictions move it.
        """
        shortfall = self.shortfall(agreement) if agreement else 0.0
        breach = self.model.new_restrictions(self._watching)
        self.grievance = min(1.0, shortfall + self.behaviour.breach_weight * breach)
        signal = 1.0 - self.grievance if agreement else min(self.trust, 1.0 - self.grievance)
        rate = self.behaviour.trust_learning * (TRUST_RISE if signal > self.trust else 1.0)
        self.trust += rate * (signal - self.trust)

    def shortfall(self, agreement: Agreement) -> float:
        """The other side's worst delay on a promised easing, scaled by how much this side cares.

        A promise counts as due in a straight line over 7 days plus up to four weeks of patience,
        from the day the terms enter into force (nothing is owed between signing and entry into
        force); the shortfall on a lever is the share of the promised move still missing.
        """
        days = self.model.day - agreement.in_force
        grace = DUE_DAYS + PATIENCE_DAYS * self.behaviour.patience
        expected = min(1.0, days / grace)
        worst = 0.0
        for lever, scale, start, owed, horizon in self.promised(agreement):
            share = (min(1.0, days / (horizon + grace)) if horizon
                     else expected)  # a commitment is due over its horizon, plus patience
            due = start - share * owed
            behind = lever.restrictiveness - due
            if behind > 0.0:  # on or ahead of the line adds nothing
                worst = max(worst, scale * (behind / owed))
        return worst

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
                lever = self.other.levers.get(lever_id)
                if not weight or lever is None:
                    continue
                start = lever.spec.restrictiveness(agreement.at_signing[lever_id])
                goal = lever.spec.restrictiveness(target)
                if start - goal <= 1e-6:
                    continue
                horizon = lever.spec.horizon_days if lever.spec.commitment else 0
                promised.append((lever, weight / top, start, start - goal, horizon))
            self._promised, self._promised_by = promised, agreement
        return self._promised

    def consider_measure(self, agreement: Agreement | None) -> None:
        """When aggrieved past its restraint, add a restriction the other side feels most; if the
        deal binds every lever it has, stop implementing one of its agreed easings instead."""
        b = self.behaviour
        model = self.model
        threshold = GRIEVANCE_FLOOR + GRIEVANCE_SPAN * b.restraint
        if self.grievance <= threshold:
            return
        if model.day - self.last_measure_day < b.measure_interval:
            return
        if model.talks_pending():
            return  # the leaders agreed to talk: measures wait for the talks (or the freeze end)
        if model.random.random() >= b.reciprocity * (self.grievance - threshold):
            return
        lever = self.pick_measure(agreement)
        why = f"trust in {self.other.label} fell to {self.trust:.2f}"
        if lever is None:
            if agreement is not None:
                self.halt(agreement, why)
            return
        step = min(1.0 - lever.restrictiveness, b.escalation_step * self.grievance * b.reciprocity)
        coercion.impose(model, self, lever, lever.spec.value_at(lever.restrictiveness + step), why)

    def halt(self, agreement: Agreement, why: str) -> None:
        """Stop implementing an agreed easing not yet complete: escalation the deal's letter
        does not forbid (it lasts until the next agreement)."""
        open_terms = [k for k, target in agreement.terms.items()
                      if k in self.levers and k not in self.halted
                      and abs(self.levers[k].value - target) > 1e-6]
        if not open_terms:
            return
        wants = self.other.utility.wants
        lever_id = max(open_terms, key=lambda k: wants.get(k, 0.0))
        lever = self.levers[lever_id]
        self.halted.add(lever_id)
        lever.command(lever.value)
        self.last_measure_day = self.model.day
        self.model.log(self.actor, "measure", f"{self.label} halts its implementation of "
                       f"{lever.spec.label} at {lever.spec.describe(lever.value)} (agreed "
                       f"{lever.spec.describe(agreement.terms[lever_id])}): {why}", news=-0.2)

    def pick_measure(self, agreement: Agreement | None) -> Lever | None:
        """An own lever to tighten, drawn with odds by how much the other side minds it.

        Levers bound by the agreement in force are never used (a side that wants to escalate
        picks instruments the deal does not cover), and a lever already tight weighs less.
        """
        wants = self.other.utility.wants
        levers, odds = [], []
        for lever_id, lever in self.levers.items():
            if (agreement is not None and lever_id in agreement.terms) or lever.spec.commitment:
                continue  # bound by the deal, or a delivery that cannot be taken back
            score = wants.get(lever_id, 0.0) * (1.0 - lever.restrictiveness)
            if score > 0.01:
                levers.append(lever)
                odds.append(score)
        if not levers:
            return None
        return self.model.random.choices(levers, weights=odds)[0]

"""Each side's negotiator; the constituencies whose state becomes pressure on it are in
``sim.engine.constituents``."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

from sim.engine import instruments, layers
from sim.engine.behaviour import PARAMS, Behaviour
from sim.engine.control import HOLD, IMPLEMENT, MEASURE, Choice, measure_target
from sim.engine.delivery import Delivery
from sim.engine.layers import InstrumentSpec
from sim.engine.levers import Lever
from sim.engine.negotiation import Utility
from sim.engine.truce import Agreement
from sim.engine.watching import Watching

if TYPE_CHECKING:
    from sim.engine.spec import ActorSpec
    from sim.engine.world import World

ATTEND_THRESHOLD = 0.45  # assumption: below this willingness a side stays away from talks
PRESSURE_PACE = 2.0  # assumption: at full pressure and sensitivity, concession pace triples
PRESSURE_RESERVE = 0.3  # assumption: full pressure x sensitivity lowers the reservation by 0.3
HANDS_TIED = 0.1  # assumption: own pending threat x audience cost raises the reservation so
RESOLVE_MAX = PARAMS["resolve"].high
GRIEVANCE_FLOOR = 0.15  # assumption: grievance below this never becomes a measure...
GRIEVANCE_SPAN = 0.7  # ...and full restraint raises that threshold to 0.85
RESPONSE_DAYS = 14  # assumption: a counter-measure within two weeks counts as retaliation
AUDIENCE_DECAY = 0.97  # assumption: the domestic cost of a climb-down fades over about a month
MEASURE_NEWS = 0.25  # assumption: the news weight of a player's measure (a quarter-range step)


class Negotiator(Delivery, Watching, mesa.Agent):
    """The team that decides one side's measures, offers and acceptances.

    Each day it implements what was agreed (as fully and as fast as its compliance and its trust
    allow), watches the other side against the agreement, updates its trust, and, when aggrieved
    enough, adds a new measure on the lever that hurts the other side most.
    """

    model: World

    def __init__(self, model: World, spec: ActorSpec, behaviour: Behaviour,
                 levers: dict[str, Lever]):
        mesa.Agent.__init__(self, model)
        Delivery.__init__(self)
        Watching.__init__(self)
        self.actor = spec.id
        # every other side: its counterparts (one in a two-sided dispute)
        self.counterparts = tuple(a for a in model.spec.actors if a != spec.id)
        self.other_actor = self.counterparts[0]
        self.label = spec.label
        self.spec = spec
        self.behaviour = behaviour
        # grievance past this becomes a measure (its behaviour is fixed for the run: worked out
        # once, read every day by ``step`` and ``consider_measure``)
        self.measure_threshold = GRIEVANCE_FLOOR + GRIEVANCE_SPAN * behaviour.restraint
        self.levers = levers  # its own levers, by id
        self.utility = Utility(dict(spec.priorities), dict(spec.holds))
        self.trust = behaviour.initial_trust  # its trust overall: the mean over its counterparts
        self.trust_in = dict.fromkeys(self.counterparts, behaviour.initial_trust)  # per pair
        self.mandate = 0.0  # extra room to concede given by a leaders' call, used up by talks
        self.grievance = 0.0
        self.pressure = 0.0
        self.push = 0.0  # from groups that gain from the dispute (``pushed``); most sides: none
        self.last_measure_day = -10**6
        self.last_review_day = 0
        self.threats_issued = 0
        self.threats_carried = 0
        self.audience = 0.0  # domestic cost of a climb-down, fading (Fearon's audience cost)
        # its belief that the other side retaliates, as counts of a Beta(1, 1) prior: learnt from
        # what the other side did after its own past measures (costly signals, not words)
        self.answered, self.unanswered = 1, 1
        self.awaiting: int | None = None  # day of its own measure whose answer it awaits
        # days between its periodic reviews (0: it holds none), read by the model every day
        self.review_days = behaviour.review_days if behaviour.review_days >= 1 else 0.0
        total = sum(spec.weight for spec in spec.constituencies) or 1.0
        # constituencies that depend on a lever of its own (importers pay its tariff): Putnam
        self._exposure = {lv.id: sum(k.weight for k in spec.constituencies
                                     if lv.id in k.moved_by) / total
                          for lv in spec.levers}
        wants_total = sum(self.utility.wants.values()) or 1.0
        self._wants = [(k, w / wants_total) for k, w in self.utility.wants.items()]
        # observed every day, so worked out once: each lever of the other side it wants eased,
        # with its weight relative to its top weight
        top = max(self.utility.wants.values(), default=0.0) or 1.0
        self._watching = [(k, model.levers[k], w / top) for k, w in self.utility.wants.items()
                          if model.levers[k].spec.actor != self.actor]
        # the same, per counterpart that holds them: trust is learnt per pair
        self._pairs = [(a, [w for w in self._watching if w[1].spec.actor == a])
                       for a in self.counterparts]
        self._two_sided = len(self._pairs) == 1

    @property
    def other(self) -> Negotiator:
        """Its counterpart in a two-sided dispute (with more sides: the first other side)."""
        return self.model.negotiators[self.other_actor]

    @property
    def others(self) -> list[Negotiator]:
        """Every other side's negotiator."""
        negotiators = self.model.negotiators
        return [negotiators[a] for a in self.counterparts]

    @property
    def counterpart_label(self) -> str:
        """The other sides' names, for the narrative ("China"; "the US, the Netherlands and
        Japan")."""
        labels = [n.label for n in self.others]
        return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]

    def wanted(self) -> dict[str, float]:
        """How much the other sides want each lever eased (the most any of them wants it)."""
        if len(self.counterparts) == 1:
            return self.other.utility.wants
        out: dict[str, float] = {}
        for n in self.others:
            for k, w in n.utility.wants.items():
                out[k] = max(out.get(k, 0.0), w)
        return out

    def step(self) -> None:
        """One day of its own: learn from the other side, implement, observe, perhaps retaliate.
        (Its periodic review is the model's to run: ``review_due``.)"""
        model = self.model
        agreement = model.truce.agreement
        if self.awaiting is not None:
            self.learn()
        if agreement and model.day >= agreement.in_force:
            self.implement(agreement)
        self.observe(agreement)
        if self.grievance > self.measure_threshold:  # most days it is not aggrieved enough
            self.consider_measure(agreement)

    def review_due(self) -> bool:
        """Is today one of its periodic reviews of whether to escalate? (If so, it is held.)"""
        review = self.review_days
        if review and self.model.day - self.last_review_day >= review:
            self.last_review_day = self.model.day
            return True
        return False

    def reviewed(self, day: int) -> None:
        """A decision point made it review its options today: the next periodic review counts
        from here."""
        self.last_review_day = day

    def learn(self) -> None:
        """Did the other side answer its last measure? Update its belief in retaliation."""
        negotiators = self.model.negotiators  # read directly: no ``others`` list, no generator
        if max([negotiators[a].last_measure_day for a in self.counterparts]) > self.awaiting:
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

    def willingness(self) -> float:
        """Readiness to talk: trust in the other side plus the pressure it feels at home, and
        the threats it faces."""
        b = self.behaviour
        threat = self.threat_pressure() if self.model.truce.threats else 0.0
        return self.trust + b.pressure_sensitivity * (self.pressure + threat) + self.mandate

    def reservation(self, status_quo: float) -> float:
        """The least utility it will sign for: the status quo plus resolve, less pressure (and
        less the threats it faces, plus its own public threats' audience cost: hands tied)."""
        b = self.behaviour
        truce = self.model.truce
        threat = self.threat_pressure() if truce.threats else 0.0
        tied = HANDS_TIED * b.audience_cost * truce.threatening(self.actor)
        return (status_quo + b.resolve + tied
                - b.pressure_sensitivity * (self.pressure + threat - self.push) * PRESSURE_RESERVE
                - self.mandate)

    def concession_pace(self) -> float:
        """Faratin's e in talks, raised by pressure (a resource-dependent tactic: a side whose
        firms and markets are hurting concedes sooner)."""
        b = self.behaviour
        return b.concession * (1.0 + PRESSURE_PACE * b.pressure_sensitivity * self.pressure)

    def consider_measure(self, agreement: Agreement | None) -> None:
        """When aggrieved past its restraint, add a restriction the other side feels most; if the
        deal binds every lever it has, stop implementing one of its agreed easings instead."""
        b = self.behaviour
        model = self.model
        threshold = self.measure_threshold
        if self.grievance <= threshold:
            return
        if model.day - self.last_measure_day < b.measure_interval:
            return
        if model.truce.talks_pending(model.day):
            return  # the leaders agreed to talk: measures wait for the talks (or the freeze end)
        if model.random.random() >= b.reciprocity * (self.grievance - threshold):
            return
        lever = self.pick_measure(agreement)
        why = f"trust in {self.counterpart_label} fell to {self.trust:.2f}"
        if lever is None:
            if agreement is not None:
                self.halt(agreement, why)
            return
        instrument = lever.next_instrument()
        if instrument is not None:  # a measure prepared in advance: imposed in full
            lever.take(instrument.name)
            self.impose(lever, lever.with_instrument(instrument), why, instrument=instrument)
            return
        step = min(1.0 - lever.restrictiveness, b.escalation_step * self.grievance * b.reciprocity)
        self.impose(lever, lever.spec.value_at(lever.restrictiveness + step), why)

    def pick_measure(self, agreement: Agreement | None,
                     only: tuple[str, ...] | None = None) -> Lever | None:
        """An own lever to tighten, drawn with odds by how much the other side minds it (of
        ``only`` those levers, when a decision point is about them).

        Levers bound by the agreement in force are never used (a side that wants to escalate
        picks instruments the deal does not cover), and a lever already tight weighs less.
        """
        wants = self.wanted()
        levers, odds = [], []
        for lever_id, lever in self.levers.items():
            if (agreement is not None and lever_id in agreement.terms) or lever.spec.commitment:
                continue  # bound by the deal, or a delivery that cannot be taken back
            if only is not None and lever_id not in only:
                continue  # the decision is about other levers
            score = wants.get(lever_id, 0.0) * (1.0 - lever.restrictiveness)
            if score > 0.01:
                levers.append(lever)
                odds.append(score)
        if not levers:
            return None
        return self.model.random.choices(levers, weights=odds)[0]

    # --- its own acts and what happens to it (the only writers of its fields) ------------------
    def threat_pressure(self) -> float:
        """How much the threats pending against it press it: each threatened tightening,
        weighted by how much it minds the lever and by the threatener's credibility."""
        out = 0.0
        wants = self.utility.wants
        top = max(wants.values(), default=0.0) or 1.0
        levers = self.model.levers
        negotiators = self.model.negotiators
        for t in self.model.truce.threats:
            if t.actor == self.actor or (t.target is not None and t.target != self.actor):
                continue  # its own threats, and those aimed at another side
            lever = levers[t.lever_id]
            rise = max(0.0, lever.spec.restrictiveness(t.value) - lever.restrictiveness)
            out += rise * wants.get(t.lever_id, 0.0) / top * negotiators[t.actor].credibility
        return min(1.0, out)

    def took_measure(self, awaits_answer: bool = False) -> None:
        """It took a new measure today (and, for a coercive one, waits to see it answered)."""
        day = self.model.day
        self.last_measure_day = day
        if awaits_answer and self.awaiting is None:
            self.awaiting = day
        self.model.truce.measure_taken(day)

    def impose(self, lever: Lever, value: float, why: str, meeting: str = "",
               instrument: InstrumentSpec | None = None) -> None:
        """Order a new restriction on one of its levers, and log it as a measure: a step of
        escalation, or the prepared ``instrument`` it took (whose next one, if scheduled, it
        announces for its date)."""
        old = lever.value
        step = abs(lever.spec.restrictiveness(value) - lever.restrictiveness)
        lever.command(value)
        if instrument is None:
            lever.stack.move_to(lever.order, layers.MEASURE)
        else:
            lever.stack.move_to(lever.order, instrument.name, instrument.if_cut)
        self.took_measure(awaits_answer=True)
        what = "" if instrument is None else f" ({instrument.name.replace('_', ' ')})"
        self.model.log(self.actor, "measure", f"{self.label} tightens {lever.spec.label} from "
                       f"{lever.spec.describe(old)} to {lever.spec.describe(lever.order)}"
                       f"{what}: {why}", meeting=meeting, news=-step)
        stage = None if instrument is None else instruments.next_stage(
            lever, self.actor, self.counterparts, self.model.day, self.demand_gap())
        if stage is not None:  # a stage adopted with this one: announced now for its date
            self.model.truce.announce(stage)
            self.threatened()
            line, news = instruments.announced(self.label, lever, stage,
                                               self.model.date_of(stage.due))
            self.model.log(self.actor, "threat", line, news=news)

    def ease(self, lever: Lever, value: float, why: str, meeting: str = "") -> None:
        """Ease one of its own measures of its own accord: the measure is dropped from the top of
        the lever's stack (a lapse does not bring it back)."""
        step = abs(lever.spec.restrictiveness(value) - lever.restrictiveness)
        lever.command(value)
        lever.stack.move_to(lever.order, "easing")
        self.model.log(self.actor, "easing", why, meeting=meeting, news=step)

    def pushed(self, push: float) -> None:
        """Today's push to escalate from the groups at home that gain from the dispute's
        measures (protected producers): it adds to what pressing is worth to it and to what a
        deal must give it (Putnam's win-set narrowed from home)."""
        self.push = push

    def feel(self, pressure: float) -> None:
        """Today's pressure from its constituencies, plus the fading domestic cost of any threat
        it backed down from (capped at 1)."""
        self.pressure = pressure
        if self.audience:
            self.audience *= AUDIENCE_DECAY
            self.pressure = min(1.0, pressure + self.audience)

    def threatened(self) -> None:
        """It announced a threat."""
        self.threats_issued += 1

    def carried_out(self) -> None:
        """It carried out a threat at its deadline."""
        self.threats_carried += 1

    def backed_down(self) -> None:
        """It dropped a public threat at its deadline: it pays at home (Fearon's audience cost)."""
        self.audience += self.behaviour.audience_cost

    def reassured(self, goodwill_reach: float, mandate_reach: float,
                  met: tuple[str, ...] = ()) -> float:
        """A leaders' call or summit with the sides ``met`` (default: every other side): its
        trust in them recovers by its goodwill and its team gets room to settle in proportion
        to the pressure it feels. Returns its trust before."""
        before = self.trust
        goodwill = self.behaviour.goodwill
        if len(self.counterparts) == 1:
            self.trust += goodwill * (1.0 - self.trust) * goodwill_reach
            self.trust_in[self.other_actor] = self.trust
        else:
            for actor in met or self.counterparts:
                t = self.trust_in[actor]
                self.trust_in[actor] = t + goodwill * (1.0 - t) * goodwill_reach
            self.trust = sum(self.trust_in.values()) / len(self.trust_in)
        self.mandate = self.behaviour.pressure_sensitivity * self.pressure * mandate_reach
        return before

    def mandate_used(self) -> None:
        """Talks used up the room a call gave its team."""
        self.mandate = 0.0

    def follow(self, choice: Choice, agreement: Agreement | None) -> None:
        """Carry out a controller's choice (``sim.engine.control``): implement fully, hold back,
        or tighten one of its levers (a measure, logged with its reason)."""
        if agreement and choice.action in (IMPLEMENT, HOLD):
            for lever_id, target in agreement.terms.items():
                lever = self.levers.get(lever_id)
                if lever is not None and lever.value != target:
                    lever.command(target if choice.action == IMPLEMENT else lever.value)
        lever = self.levers.get(choice.lever or "")
        if choice.action == MEASURE and lever is not None and lever.restrictiveness < 1.0:
            old = lever.value
            lever.command(lever.spec.value_at(measure_target(lever.restrictiveness)))
            lever.stack.move_to(lever.order, layers.MEASURE)
            self.took_measure()
            self.model.log(self.actor, "measure", f"{self.label} tightens {lever.spec.label} "
                           f"from {lever.spec.describe(old)} to "
                           f"{lever.spec.describe(lever.order)} (the player's decision)",
                           news=-MEASURE_NEWS)

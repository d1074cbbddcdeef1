"""The agreements in force, a part of ``NegotiationModel`` (a base class): concluding what talks
agreed, signing it (its terms cut the levers' measures), and the clock at expiry: extend, review
or lapse.

What the terms are is bargained at the table (``sim.engine.negotiation``); what each side
decides at expiry is ``sim.engine.clock``'s; this part applies their decisions to the truce,
the levers' stacks and the log.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.engine import clock, events
from sim.engine.layers import BASE, MEASURE, SUSPEND
from sim.engine.truce import Agreement, Signing, Truce

if TYPE_CHECKING:
    from sim.engine.agents import Negotiator
    from sim.engine.levers import Lever
    from sim.engine.negotiation import Outcome
    from sim.engine.spec import MeetingSpec


class AgreementsInForce:
    """Signing, reviewing and lapsing agreements. What it reads of the model is declared here;
    it calls the model's ``log``, ``describe``, ``meeting_label`` and ``date_of``."""

    day: int
    truce: Truce
    levers: dict[str, Lever]
    _negotiator_list: list[Negotiator]

    def clock_runs(self) -> None:
        """The agreement's clock: at expiry the sides extend, renegotiate or let it lapse."""
        a = self.truce.agreement
        if a is None or self.day < a.expires:
            return
        expiry = clock.at_expiry(self)
        if expiry.action == clock.LAPSE:
            self.lapse(a, expiry.lapse, expiry.why, expiry.actor)
        elif expiry.action == clock.RENEGOTIATE:
            self.review(a, expiry)
        else:
            a.extend(self.day, clock.agreed_term(self._negotiator_list))
            self.log(None, "extension", f"the {self.meeting_label(a.first.meeting)} terms are "
                     f"extended for {a.days} days, to {self.date_of(a.expires)}: {expiry.why}",
                     meeting=a.meeting, news=0.2)

    def conclude(self, spec: MeetingSpec, outcome: Outcome) -> None:
        """Sign terms agreed at the table, or agree them in principle and sign them later."""
        if spec.signing_days:
            day = self.day + spec.signing_days
            self.truce.schedule(Signing(day, spec, outcome.package))
            self.truce.promise_talks(self.day, day)  # measures wait for the signing
            self.log(None, "agreement in principle", f"{spec.label}: agreed in principle, to be "
                     f"signed on {self.date_of(day)}: {self.describe(outcome.package)}",
                     meeting=spec.name, news=0.2)
            return
        self.sign(spec.name, outcome.package, spec.label, spec.in_force_days,
                  open_term=spec.open_term)

    def sign(self, meeting: str, package: dict[str, float], label: str = "",
             in_force_days: int = 0, renewal: bool = False,
             open_term: bool = False) -> Agreement:
        """Turn an accepted package into the agreement in force (``clock.draft``); it suspends
        the pending threats."""
        agreement = clock.draft(self, meeting, package, in_force_days, renewal, open_term)
        previous = agreement.follows
        suspended = self.truce.sign(agreement)
        for n in self._negotiator_list:
            n.new_text()  # a new text resets deliberate slow-downs
        levers = self.levers  # the levers the package moves (its own new terms)
        terms = {k for k, h in package.items() if abs(h - levers[k].restrictiveness) > 0.005}
        what = self.describe(package, only=dict.fromkeys(terms))
        if previous is not None and not renewal:
            how = (f"amends the {self.meeting_label(previous.first.meeting)} agreement, whose "
                   + ("term stays open" if agreement.open_ended
                      else f"clock still runs to {self.date_of(agreement.expires)}"))
        elif agreement.open_ended:
            how = "agreement without a term, while talks go on (it ends when a side ends it)"
        else:
            how = f"agreement for {agreement.days} days (to {self.date_of(agreement.expires)})"
        if in_force_days:
            how += f", in force from {self.date_of(agreement.in_force)}"
        self.log(None, "agreement", f"{label or meeting}: {how}: {what}", meeting=meeting,
                 news=sum(abs(package[k] - self.levers[k].restrictiveness) for k in terms))
        self.cut_layers(agreement, sorted(terms), label or meeting)
        for threat in suspended:
            lever = self.levers[threat.lever_id]
            self.log(threat.actor, "suspension", f"{label or meeting} suspends the threatened "
                     f"{lever.spec.label} of {lever.spec.describe(threat.value)} (due "
                     f"{self.date_of(threat.due)}): it returns if the terms lapse",
                     meeting=agreement.meeting, news=0.1)
        return agreement

    def cut_layers(self, agreement: Agreement, terms: list[str], label: str) -> None:
        """The deal's new terms cut each lever's measures, newest first, as each measure's legal
        form says (``layers.Stack``); the log names the measures a scenario declared."""
        for lever_id in terms:
            lever = self.levers[lever_id]
            if lever.commitment:
                continue
            cuts = lever.stack.cut_to(agreement.terms[lever_id])
            named = [c for c in cuts if c.layer not in (BASE, MEASURE)]
            if named:
                said = "; ".join(f"{c.layer} {lever.spec.describe_amount(c.amount)} "
                                 + ("suspended" if c.action == SUSPEND else "dropped")
                                 for c in named)
                self.log(lever.spec.actor, "layers", f"{label} cuts {lever.spec.label}: {said}",
                         meeting=agreement.meeting)

    def review(self, a: Agreement, expiry: clock.Expiry) -> None:
        """Review talks at an expiry a side asked for: new terms on a new clock; if the talks
        fail, the old terms stay in force on a new clock, since neither side chose their lapse
        (``clock.at_expiry`` asks for a review only when both prefer the terms to none)."""
        spec, outcome = events.review_talks(self, a, expiry.actor, clock.REVIEW_ROUNDS)
        if outcome is None:  # neither side chose a lapse: both prefer these terms to none
            a.extend(self.day, clock.agreed_term(self._negotiator_list))
            self.log(expiry.actor, "extension", f"the review talks end without new terms "
                     f"({expiry.why}); both sides prefer the "
                     f"{self.meeting_label(a.first.meeting)} terms to their lapse, so they stay "
                     f"in force for {a.days} more days, to {self.date_of(a.expires)}",
                     meeting=a.meeting, news=0.0)
            return
        new = self.sign(spec.name, outcome.package, spec.label, renewal=True)
        self.log(None, "extension", f"the {self.meeting_label(a.first.meeting)} terms are "
                 f"renegotiated and run {new.days} more days, to {self.date_of(new.expires)}: "
                 f"{expiry.why}", meeting=a.meeting, news=0.2)

    def lapse(self, a: Agreement, lapse: dict[str, float], why: str, actor: str | None) -> None:
        """The terms lapse: suspended measures and tariffs return."""
        for n in self._negotiator_list:  # the narrative: how far their commitments got
            n.account_on_lapse(a)
        self.log(actor, "lapse", f"the {self.meeting_label(a.first.meeting)} terms lapse: {why}; "
                 "suspended measures return", meeting=a.meeting, news=-0.5)
        for lever_id, value in lapse.items():
            self.levers[lever_id].command(value)
        for lever_id in a.terms:  # the law: the suspended measures are in force again
            self.levers[lever_id].stack.restore()
        self.truce.lapse()


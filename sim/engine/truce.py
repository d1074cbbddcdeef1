"""The state of the dispute's agreements, in one place: the agreement in force and its clock,
agreements awaiting signature, pending threats, and the leaders' promise of talks with its freeze
on new measures.

``Truce`` is the only owner of this state. Meetings, the clock and coercion decide; the model
applies their decisions through the methods here; everything else reads it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sim.engine.spec import MeetingSpec

MEASURE_MEMORY_DAYS = 14  # definition: how long a new measure keeps talks counted as stalled
STALL_TRUST = 0.3  # definition: below this trust on either side, talks count as stalled
OPEN = 10**6  # definition: the days of a term or freeze without an end date ("while talks go on")


@dataclass
class Agreement:
    """Accepted terms (target lever values), when they were agreed, and the clock they run on.

    ``signed`` is the day of this text's signing; ``clock_start`` the day its term began to run
    (an amendment keeps the clock of the agreement it amends); ``in_force`` the day its terms
    start to bind. ``follows`` is the agreement it amends or replaces.
    """

    meeting: str
    signed: int  # model day
    days: int  # the term
    terms: dict[str, float]  # lever id -> agreed value
    at_signing: dict[str, float]  # lever id -> value when signed
    follows: Agreement | None = None
    clock_start: int | None = None
    in_force: int | None = None
    suspended: list[Threat] = field(default_factory=list)  # threats it suspended (lapse: return)

    def __post_init__(self) -> None:
        if self.clock_start is None:
            self.clock_start = self.signed
        if self.in_force is None:
            self.in_force = self.signed

    @classmethod
    def amending(cls, meeting: str, signed: int, days: int, terms: dict[str, float],
                 at_signing: dict[str, float], previous: Agreement | None, clock_start: int,
                 in_force: int) -> Agreement:
        """New terms on top of ``previous`` (if any): its terms the new text does not touch
        carry over, with their values at the earlier signing."""
        agreement = cls(meeting, signed, days, dict(terms), dict(at_signing), previous,
                        clock_start, in_force)
        if previous is not None:
            for lever_id, value in previous.terms.items():
                agreement.terms.setdefault(lever_id, value)
                agreement.at_signing.setdefault(lever_id, previous.at_signing[lever_id])
        return agreement

    @property
    def expires(self) -> int:
        return self.clock_start + self.days

    @property
    def open_ended(self) -> bool:
        """No term: it runs while talks go on, until a side ends it by a decision."""
        return self.days >= OPEN

    @property
    def first(self) -> Agreement:
        """The agreement this chain of amendments began with."""
        first = self
        while first.follows is not None:
            first = first.follows
        return first

    def extend(self, day: int, days: int) -> None:
        """Both sides keep the terms: a new term of ``days`` runs from ``day``."""
        self.clock_start, self.days = day, days

    def suspend(self, threat: Threat) -> None:
        """A threat the signing suspended: it returns if the terms lapse."""
        self.suspended.append(threat)


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
    target: str | None = None  # the side it is aimed at (None: every other side)
    aligning: bool = False  # a coalition's alignment announced for a date, not a demand
    instrument: str = ""  # the prepared instrument it announces (none: a step of escalation)
    scheduled: bool = False  # adopted in advance: in law it takes effect unless its side stops it

    def put_off(self, due: int) -> None:
        self.postponed += 1
        self.due = due


@dataclass(frozen=True)
class Signing:
    """An agreement reached in principle at a meeting, to be signed on a later day."""

    day: int
    spec: MeetingSpec
    package: dict[str, float]


class Truce:
    """Who agreed what and what is pending: the agreement in force, signings, threats, and the
    leaders' promise of talks (with the freeze on new measures it sets).

    The day of the last new measure and of the last signing are kept here too: the talks'
    status is read from them (``status``).
    """

    def __init__(self) -> None:
        self.agreement: Agreement | None = None
        self.signings: list[Signing] = []
        self.threats: list[Threat] = []
        self.last_call_day = -1  # the last day leaders promised talks
        self.last_sign_day = -1
        self.last_measure_day = -10**6
        self.freeze_until = -1  # last day of the freeze on new measures a call or summit set

    # --- reading ------------------------------------------------------------------------------
    def status(self, day: int, lowest_trust: float) -> str:
        """The talks' status on ``day``, derived from the truce's state and the lowest trust of
        any side: never set by the scenario (docs/model.md, "Status from state")."""
        a = self.agreement
        if a is None:  # before any deal, or after one lapsed
            return "talks_restarted" if self.talks_pending(day) else "escalating"
        if self.last_call_day > a.signed and day <= self.freeze_until:
            return "talks_restarted"
        recent = (self.last_measure_day >= a.signed
                  and day - self.last_measure_day <= MEASURE_MEMORY_DAYS)
        if recent or lowest_trust < STALL_TRUST:
            return "stalled"
        return "framework_agreed" if a.follows is not None else "truce"

    @property
    def freeze_open(self) -> bool:
        """The freeze on new measures lasts while talks go on (no end date)."""
        return self.freeze_until - self.last_call_day >= OPEN

    def talks_pending(self, day: int) -> bool:
        """Leaders have promised talks that have not yet produced an agreement, and the freeze
        they set on new measures still runs."""
        return self.last_call_day > self.last_sign_day and day <= self.freeze_until

    def threatening(self, actor: str) -> bool:
        """``actor`` has a threat pending."""
        return any(t.actor == actor for t in self.threats)

    def due_threats(self, day: int) -> list[Threat]:
        return [t for t in self.threats if t.due <= day]

    # --- changing -----------------------------------------------------------------------------
    def promise_talks(self, day: int, until: int) -> None:
        """Leaders promised talks on ``day``: new measures wait until ``until``."""
        self.last_call_day, self.freeze_until = day, until

    def end_talks(self, day: int) -> None:
        """A side walked out of talks promised without an end date: the freeze is over (new
        measures may come from today)."""
        self.freeze_until = day - 1

    def measure_taken(self, day: int) -> None:
        self.last_measure_day = day

    def schedule(self, signing: Signing) -> None:
        self.signings.append(signing)

    def signings_due(self, day: int) -> list[Signing]:
        """The signings dated ``day``, taken off the list."""
        due = [s for s in self.signings if s.day == day]
        for signing in due:
            self.signings.remove(signing)
        return due

    def sign(self, agreement: Agreement) -> list[Threat]:
        """``agreement`` is now in force; the pending threats are suspended by it (returned)."""
        self.agreement = agreement
        self.last_sign_day = agreement.signed
        suspended, self.threats = self.threats, []
        for threat in suspended:
            agreement.suspend(threat)
        return suspended

    def lapse(self) -> None:
        self.agreement = None

    def announce(self, threat: Threat) -> None:
        self.threats.append(threat)

    def close(self, threat: Threat) -> None:
        """A threat withdrawn, carried out or dropped."""
        self.threats.remove(threat)

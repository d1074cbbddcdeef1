"""The meeting calendar, a part of ``NegotiationModel`` (a base class): which shocks, signings and
meetings fall due today, holding them and applying what they come to, and what the sides can read
of the calendar ahead (the next talks, a freeze on new measures after a call).

What a meeting decides is up to the negotiators (``sim.engine.events``); this part only says when.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sim.engine import events
from sim.engine.truce import Truce

if TYPE_CHECKING:
    from sim.engine.spec import Scenario


class MeetingCalendar:
    """The meetings still to come (``pending``) and how a day's are held. What it reads of the
    model, and calls on it, is declared here."""

    spec: Scenario
    day: int
    truce: Truce
    pending: list[events.Occasion]
    _dates: tuple[dt.date, ...]
    _meeting_dates: set[dt.date | None]
    negotiators: dict

    # and it calls the model's ``shock``, ``sign``, ``conclude``, ``apply``, ``log`` and
    # ``date_of`` and reads its ``date`` (not declared here: a stub in this base class would
    # hide the Timeline's own methods, which come after it in the model's bases)

    def hold_meetings(self) -> None:
        """Today's shocks, signings and meetings (those dated today and those whose trigger
        fires), each applied as it ends."""
        date = self._dates[self.day]  # read once, not per shock and meeting (``date`` property)
        for shock in self.spec.shocks:
            if shock.date == date:
                self.shock(shock)
        if self.truce.signings:
            for signing in self.truce.signings_due(self.day):
                spec = signing.spec
                self.sign(spec.name, signing.package, f"{spec.label} (signed)",
                          spec.in_force_days, open_term=spec.open_term)
        if None not in self._meeting_dates and date not in self._meeting_dates:
            return  # no meeting can be due today: the pending ones need not be read
        due = [m for m in self.pending if self.is_due(m)]
        for meeting in due:
            self.pending.remove(meeting)
            spec = meeting.spec
            if spec.trigger and spec.kind == "call":
                meeting.called_by(spec.trigger.actor)
            if not self.hold(meeting).held and spec.trigger:
                meeting.retry_after(self.day + events.RETRY_DAYS)
                self.pending.append(meeting)

    def hold(self, meeting: events.Occasion) -> events.Held:
        """Hold one meeting today and apply what it came to."""
        held = meeting.run(self)
        spec = meeting.spec
        if held.agreed is not None:
            self.conclude(spec, held.agreed)
        if held.talks_promised:
            self.call_held(spec.name, spec.label, spec.freeze_days)
        if held.decision is not None:
            self.apply(held.decision)
        return held

    def is_due(self, meeting: events.Occasion) -> bool:
        spec = meeting.spec
        if spec.date is not None:
            return spec.date == self.date
        if self.day < meeting.not_before:
            return False
        t = spec.trigger
        if not t.not_before <= self.date <= t.not_after:
            return False
        value = getattr(self.negotiators[t.actor], t.quantity)
        return value > t.above if t.above is not None else value < t.below

    def meeting_label(self, meeting: str) -> str:
        return next((m.label for m in self.spec.meetings if m.name == meeting), meeting)

    def next_talks_day(self, within: int) -> int | None:
        """The model day of the next dated talks or summit within ``within`` days, if any."""
        days = [(m.spec.date - self.spec.start).days for m in self.pending
                if m.spec.kind in ("talks", "summit") and m.spec.date is not None]
        days = [d for d in days if self.day < d <= self.day + within]
        return min(days, default=None)

    def call_held(self, meeting: str, label: str, freeze_days: int) -> None:
        """Leaders promised talks: new measures wait for them, ``freeze_days`` at most."""
        self.truce.promise_talks(self.day, self.day + freeze_days)
        until = ("while the talks go on (until a side walks out)" if self.truce.freeze_open
                 else f"until {self.date_of(self.truce.freeze_until)}")
        self.log(None, "talks restart", f"after the {label}, both teams are to meet again; new "
                 f"measures wait {until}", meeting=meeting, news=0.3)

    def talks_pending(self) -> bool:
        """Leaders have promised talks that have not yet produced an agreement, and the freeze
        they set on new measures still runs."""
        return self.truce.talks_pending(self.day)


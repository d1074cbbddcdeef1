"""What the levers were, and the references a new restriction is measured from (the level at the
agreement's signing, or two weeks ago).

The levers' daily path is the timeline's (``Timeline.collect``: each lever's value at the end of
each day, from the day the run starts); the memory reads it there rather than keeping a second
copy, and turns a value into restrictiveness only when it is asked for one (a few reads a day,
against one write per lever per day).
"""

from __future__ import annotations

from collections.abc import Mapping

from sim.engine.levers import Lever
from sim.engine.truce import MEASURE_MEMORY_DAYS, Agreement


class LeverMemory:
    """The levers' history as the sides remember it, and what is read from it: new restrictions
    since a reference level.

    Entry ``i`` of a lever's history is its restrictiveness as day ``first_day + i + 1`` began
    (at the end of day ``first_day + i``); on day ``d`` the history holds ``d - first_day``
    entries (``kept``).
    """

    def __init__(self, levers: dict[str, Lever], paths: Mapping[str, list[float]],
                 first_day: int):
        self.levers = levers
        self._paths = {k: paths[k] for k in levers}  # the timeline's columns: values by day
        self.first_day = first_day
        self._at_signing_of: Agreement | None = None  # the agreement _at_signing_h is for
        self._at_signing_h: dict[str, float] = {}
        # id of an observer's watched levers -> (agreement, its references: ``since_signing``)
        self._since_signing: dict[int, tuple[Agreement, list]] = {}

    def kept(self, day: int) -> int:
        """How many entries the history holds on ``day`` (the days begun since the first)."""
        return day - self.first_day

    def at(self, lever: Lever, i: int) -> float:
        """Entry ``i`` of the lever's history: its restrictiveness at the end of day
        ``first_day + i``."""
        return lever.spec.restrictiveness(self._paths[lever.spec.id][i])

    def new_restrictions(self, watching: list[tuple[str, Lever, float]],
                         agreement: Agreement | None, day: int) -> float:
        """Tightening of the watched levers since the agreement (or in the last 14 days).

        ``watching`` lists (lever id, lever, observer's weight relative to its top weight) for
        the other side's levers an observer wants eased; the result is the largest tightening
        over them, each scaled by that relative weight.
        """
        if agreement is not None and day > agreement.signed:
            cached = self._since_signing.get(id(watching))  # most days: read without a call
            references = (cached[1] if cached is not None and cached[0] is agreement
                          else self.since_signing(agreement, watching, day))
        else:
            references = [(lever, scale, self.reference(lever_id, lever, agreement, day))
                          for lever_id, lever, scale in watching]
        out = 0.0
        for lever, scale, ref in references:
            rise = lever.restrictiveness - ref
            if rise > 0.0:  # a lever eased or unchanged adds nothing
                rise *= scale  # max(out, scale * rise), as a comparison (runs daily)
                if rise > out:
                    out = rise
        return out

    def reference(self, lever_id: str, lever: Lever, agreement: Agreement | None,
                  day: int) -> float:
        """The restrictiveness a new restriction on a lever is measured from on ``day``: its
        level at the agreement's signing, or 14 days ago without an agreement (its level now
        when no day has begun)."""
        if agreement is not None:
            signed = self.at_signing(agreement)
            if lever_id in signed:
                return signed[lever_id]
        n = self.kept(day)
        if not n:
            return lever.restrictiveness
        if agreement is not None:
            return self.at(lever, min(n - 1, agreement.signed))
        return self.at(lever, max(0, n - MEASURE_MEMORY_DAYS))

    def since_signing(self, agreement: Agreement, watching: list[tuple[str, Lever, float]],
                      day: int) -> list[tuple[Lever, float, float]]:
        """(lever, weight, reference) for an observer's watched levers under ``agreement``.

        Pure in the agreement once the history holds its signing day (from the day after it):
        worked out then for each observer, not every day.
        """
        key = id(watching)
        cached = self._since_signing.get(key)
        if cached is None or cached[0] is not agreement:
            cached = agreement, [(lever, scale, self.reference(lever_id, lever, agreement, day))
                                 for lever_id, lever, scale in watching]
            self._since_signing[key] = cached
        return cached[1]

    def at_signing(self, agreement: Agreement) -> dict[str, float]:
        """Restrictiveness of each lever in ``agreement.at_signing`` (its value at signing).

        Pure in the agreement, whose values at signing never change once signed: worked out the
        first day it is read, not every day.
        """
        if self._at_signing_of is not agreement:
            self._at_signing_h = {k: self.levers[k].spec.restrictiveness(v)
                                  for k, v in agreement.at_signing.items()}
            self._at_signing_of = agreement
        return self._at_signing_h

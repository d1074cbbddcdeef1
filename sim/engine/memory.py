"""What the levers were: each lever's daily restrictiveness, and the references a new
restriction is measured from (the level at the agreement's signing, or two weeks ago)."""

from __future__ import annotations

from sim.engine.levers import Lever
from sim.engine.truce import MEASURE_MEMORY_DAYS, Agreement


class LeverMemory:
    """The levers' history (restrictiveness, one value a day from day 1) and what is read from
    it: new restrictions since a reference level."""

    def __init__(self, levers: dict[str, Lever]):
        self.levers = levers
        self.history: dict[str, list[float]] = {k: [] for k in levers}
        self._columns = [(self.history[k], lever) for k, lever in levers.items()]
        self._at_signing_of: Agreement | None = None  # the agreement _at_signing_h is for
        self._at_signing_h: dict[str, float] = {}
        # id of an observer's watched levers -> (agreement, its references: ``since_signing``)
        self._since_signing: dict[int, tuple[Agreement, list]] = {}

    def record(self) -> None:
        """Keep each lever's restrictiveness as the day begins."""
        for history, lever in self._columns:
            history.append(lever.restrictiveness)

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
                          else self.since_signing(agreement, watching))
        else:
            references = [(lever, scale, self.reference(lever_id, lever, agreement))
                          for lever_id, lever, scale in watching]
        out = 0.0
        for lever, scale, ref in references:
            rise = lever.restrictiveness - ref
            if rise > 0.0:  # a lever eased or unchanged adds nothing
                out = max(out, scale * rise)
        return out

    def reference(self, lever_id: str, lever: Lever, agreement: Agreement | None) -> float:
        """The restrictiveness a new restriction on a lever is measured from: its level at the
        agreement's signing, or 14 days ago without an agreement."""
        if agreement is not None:
            signed = self.at_signing(agreement)
            if lever_id in signed:
                return signed[lever_id]
            hist = self.history[lever_id]
            return hist[min(len(hist) - 1, agreement.signed)] if hist else lever.restrictiveness
        hist = self.history[lever_id]
        return hist[max(0, len(hist) - MEASURE_MEMORY_DAYS)] if hist else lever.restrictiveness

    def since_signing(self, agreement: Agreement, watching: list[tuple[str, Lever, float]],
                      ) -> list[tuple[Lever, float, float]]:
        """(lever, weight, reference) for an observer's watched levers under ``agreement``.

        Pure in the agreement once the history holds its signing day (from the day after it):
        worked out then for each observer, not every day.
        """
        key = id(watching)
        cached = self._since_signing.get(key)
        if cached is None or cached[0] is not agreement:
            cached = agreement, [(lever, scale, self.reference(lever_id, lever, agreement))
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

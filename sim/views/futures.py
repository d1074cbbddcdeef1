"""Futures: the groups an ensemble's runs split into by how they ended, and typical runs.

A median over runs that end in different ways (a truce that holds in most runs and lapses in some)
draws a path no run took. So the runs are grouped by their outcomes (no agreement; an agreement
that held to the end; an agreement after which the truce broke down) and, when at least two groups
each hold a real share of the runs, the figures draw each group with its share.

A lever that moves by decree (``speed`` 1) takes discrete levels; the per-day median of such levels
zig-zags between neighbours as runs cross, drawing cuts and re-impositions no run made. Its centre
line is the *typical run* instead: the run closest to the median (mean absolute distance over the
levers, each on its own range), drawn as the steps it took.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MIN_SHARE = 0.05  # a group drawn as a future holds at least this share of the runs...
MIN_RUNS = 2  # ...and at least this many runs
NO_AGREEMENT = "no agreement"
HELD = "agreement held"
BROKE = "agreement broke down"


@dataclass(frozen=True)
class Future:
    """One group of runs that ended the same way: its name, its runs (indices into the
    ensemble's arrays), its share of the finished runs and its typical run."""

    name: str
    rows: np.ndarray
    share: float
    typical: int

    @property
    def runs(self) -> int:
        return len(self.rows)

    @property
    def drawn(self) -> bool:
        """Large enough to be drawn as a future of its own."""
        return self.share >= MIN_SHARE and self.runs >= MIN_RUNS

    def final_median(self, ens, quantity: str) -> float:
        q = ens.plan.quantities.index(quantity)
        return float(np.median(ens.values[self.rows, q, -1]))

    def label(self) -> str:
        return f"{self.name} ({100 * self.share:.0f} % of runs)"

    def description(self) -> str:
        return {NO_AGREEMENT: "no agreement was signed",
                HELD: "an agreement was signed and its truce held to the end",
                BROKE: "an agreement was signed, then the truce broke down (terms lapsed or "
                       "talks fell back to escalation)"}[self.name]


def lever_rows(ens) -> list[int]:
    """Indices (into ``plan.quantities``) of the scenario's levers."""
    return [ens.plan.quantities.index(lv.id) for lv in ens.scenario.levers
            if lv.id in ens.plan.quantities]


def typical_run(ens, rows: np.ndarray) -> int:
    """The run among ``rows`` whose lever paths lie closest to the rows' per-day medians."""
    if len(rows) == 1:
        return int(rows[0])
    cost = np.zeros(len(rows))
    levers = {lv.id: lv for lv in ens.scenario.levers}
    for q in lever_rows(ens):
        lever = levers[ens.plan.quantities[q]]
        span = (lever.max - lever.min) or 1.0
        data = ens.values[rows, q, :].astype(np.float64)
        if not np.isfinite(span):
            span = float(np.nanmax(data) - np.nanmin(data)) or 1.0
        cost += np.abs(data - np.median(data, axis=0)).mean(axis=1) / span
    return int(rows[int(np.argmin(cost))])


def _group_of(agree: float, collapse: float) -> str:
    if agree != 1:
        return NO_AGREEMENT
    return BROKE if collapse == 1 else HELD


def futures(ens) -> list[Future]:
    """Every non-empty group, largest first, when at least two of them are drawn as futures;
    else ``[]`` (the runs did not split: one fan tells it)."""
    agree, collapse = ens.outcome_column("any_agreement"), ens.outcome_column("collapse")
    done = np.flatnonzero(ens.done)
    if agree is None or collapse is None or not len(done):
        return []
    names = np.array([_group_of(agree[i], collapse[i]) for i in done])
    groups = []
    for name in (NO_AGREEMENT, HELD, BROKE):
        rows = done[names == name]
        if len(rows):
            groups.append(Future(name, rows, len(rows) / len(done), typical_run(ens, rows)))
    groups.sort(key=lambda g: -g.runs)
    return groups if sum(g.drawn for g in groups) >= 2 else []


def stepped(lever) -> bool:
    """A lever set by decree (speed 1) takes discrete levels: draw a typical run, not a median."""
    return lever.speed >= 1.0

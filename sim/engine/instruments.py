"""Prepared instruments: the measures a side has ready in law, and stages scheduled in advance.

A real measure is rarely a step of any size: it is a rate in a proclamation, a list adopted with
its date. A lever's ``instruments`` (YAML, in order of use) are such measures: each time its side
tightens the lever, at a decision point or answering a measure, it imposes the next one in full
(``Lever.next_instrument``, ``Lever.with_instrument``), as a layer of that name and legal form;
when none is left its measures are steps again. An instrument with ``after_days`` is a stage
adopted together with the one before it (the EU's second rebalancing stage, "in three years'
time"): imposing that one announces it for its date (``next_stage``), and at that date it is
decided like any deadline (``coercion.at_deadline``: withdrawn if the demands were met, put off
if talks are near, suspended by a deal), except that in law it takes effect unless its side
stops it: only a net cost of going ahead drops it. The scenario writes the instrument (its size
and form, with a source); whether and when a side uses it is its own decision.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.engine.truce import Threat

if TYPE_CHECKING:
    from sim.engine.levers import Lever


def next_stage(lever: Lever, actor: str, others: tuple[str, ...], day: int, gap: float
               ) -> Threat | None:
    """The next prepared instrument on ``lever``, if scheduled (``after_days``), as the threat
    ``actor`` announces on ``day`` (its unmet demands ``gap``): adopted with the one just imposed,
    it falls due ``after_days`` later, aimed at the lever's target (or the one other side).
    The instrument is taken (spent) here. None: nothing scheduled next."""
    following = lever.next_instrument()
    if following is None or following.after_days <= 0:
        return None
    lever.take(following.name)
    aimed = lever.spec.aimed_at or (others if len(others) == 1 else ())
    return Threat(actor, lever.spec.id, lever.with_instrument(following), day,
                  day + following.after_days, gap, target=aimed[0] if len(aimed) == 1 else None,
                  instrument=following.name, scheduled=True)


def announced(label: str, lever: Lever, threat: Threat, due: str) -> tuple[str, float]:
    """The log line of a scheduled stage, and its news (half its rise, as any threat's)."""
    rise = lever.spec.restrictiveness(threat.value) - lever.spec.restrictiveness(lever.order)
    return (f"{label} schedules {lever.spec.label} of {lever.spec.describe(threat.value)} "
            f"({threat.instrument.replace('_', ' ')}) from {due}, adopted with the measure "
            "before it"), -rise / 2

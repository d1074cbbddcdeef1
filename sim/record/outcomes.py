"""What one run's story came to, as numbers an ensemble can average: the outcomes.

Each outcome is one number per run (``nan`` when it does not apply to that run), so that an
ensemble can report probabilities and distributions, and two scenarios run on the same seeds can be
compared run by run. Definitions:

* ``agreement.<talks>``: 1 if those talks ended in an agreement. ``held.<talks>``: 1 if both
  teams attended (agreement or not); talks that never happen (a trigger that did not fire) or
  that a side stayed away from count 0.
* ``call.<call>``: 1 if the leaders' call took place (the other leader took it). A summit counts
  as talks (``agreement.<summit>``, ``held.<summit>``); a decision point has no outcome of its own.
* ``escalates.<actor>``: 1 if that side took at least one new measure (coercive or retaliatory).
* ``any_agreement``: 1 if at least one agreement was signed.
* ``collapse``: 1 if, after the first agreement, the truce collapsed before the end of the run:
  an agreement lapsed (its suspended measures snapped back) or the talks status fell back to
  ``escalating``. Runs without any agreement count 0 (there was no truce to collapse).
  ``collapse_given_truce``: the same among runs with an agreement (``nan`` otherwise).
* ``days_to_first_agreement``: days from the start of the run to the first agreement (``nan``
  when none).
* ``measures``: number of new restrictive measures taken by either side.
* ``final.<lever>``: the lever's value on the last day.
* ``final_status.<status>``: 1 if the run ends in that talks status.

Outcome ids never change; their names (``description``) come from the scenario: meetings, sides
and levers by their labels, the dispute-wide outcomes and the status words from its `wording:`
section (``sim.scenario.wording``), by default the words of the 2025 episode.
* ``fit``: the run's fit to the documented record (``scorecard.summarise``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from sim.engine.model import LogEntry
from sim.record.lookup import has_record
from sim.scenario.language import Scenario
from sim.scenario.wording import outcome_names, status_words

PROBABILITY = "probability"
VALUE = "value"


@dataclass(frozen=True)
class Outcome:
    """One per-run number: its id, whether it is a 0/1 event or a value, and what it means."""

    id: str
    kind: str  # PROBABILITY (0/1 per run) or VALUE
    description: str


def outcome_list(scenario: Scenario) -> list[Outcome]:
    """The outcomes of ``scenario``, in a fixed order (meetings as the scenario lists them)."""
    out: list[Outcome] = []
    for m in scenario.meetings:
        if m.kind == "decision":
            continue
        if m.kind in ("talks", "summit"):
            out.append(Outcome(f"agreement.{m.name}", PROBABILITY,
                               f"P(agreement at {m.label})"))
            out.append(Outcome(f"held.{m.name}", PROBABILITY,
                               f"P({m.label} held, both sides attending)"))
        else:
            out.append(Outcome(f"call.{m.name}", PROBABILITY, f"P({m.label} takes place)"))
    names = outcome_names(scenario)  # the scenario's words, by default the 2025 episode's
    out += [Outcome(name, kind, names[name]) for name, kind in (
        ("any_agreement", PROBABILITY), ("collapse", PROBABILITY),
        ("collapse_given_truce", PROBABILITY), ("days_to_first_agreement", VALUE),
        ("measures", VALUE))]
    for actor in scenario.actors.values():
        out.append(Outcome(f"escalates.{actor.id}", PROBABILITY,
                           f"P({actor.label} takes a new measure)"))
    for lever in scenario.levers:
        out.append(Outcome(f"final.{lever.id}", VALUE, f"final {lever.label} ({lever.unit})"))
    for status, word in status_words(scenario).items():
        out.append(Outcome(f"final_status.{status}", PROBABILITY, f"P(final status {word})"))
    if has_record(scenario):  # without a record there is nothing to fit (not a fit of 0)
        out.append(Outcome("fit", VALUE, names["fit"]))
    return out


class Finished(Protocol):
    """A finished run: a ``NegotiationModel`` at its end, or a run's result kept in memory."""

    @property
    def entries(self) -> Sequence[LogEntry]: ...

    @property
    def columns(self) -> Mapping[str, Sequence]: ...


def outcome_values(model: Finished, outcomes: list[Outcome],
                   fit: float = math.nan) -> list[float]:
    """One number per outcome of ``outcomes`` for a finished ``model`` (``nan``: not applicable)."""
    entries = model.entries
    agreed = {e.meeting for e in entries if e.kind == "agreement"}
    held = agreed | {e.meeting for e in entries if e.kind in ("no agreement",
                                                                "agreement in principle")}
    escalated = {e.actor for e in entries if e.kind == "measure"}
    calls = {e.meeting for e in entries if e.kind == "talks restart"}
    first = min((e.day for e in entries if e.kind == "agreement"), default=None)
    collapsed = False
    if first is not None:
        lapse = any(e.kind == "lapse" and e.day >= first for e in entries)
        status = model.columns["status"]
        collapsed = lapse or any(s == "escalating" for s in status[first + 1:])
    final_status = model.columns["status"][-1]
    nan = math.nan
    special = {
        "any_agreement": float(first is not None),
        "collapse": float(collapsed),
        "collapse_given_truce": nan if first is None else float(collapsed),
        "days_to_first_agreement": nan if first is None else float(first),
        "measures": float(sum(e.kind == "measure" for e in entries)),
        "fit": fit,
    }
    values = []
    for o in outcomes:
        kind, _, name = o.id.partition(".")
        if o.id in special:
            values.append(special[o.id])
        elif kind == "agreement":
            values.append(float(name in agreed))
        elif kind == "held":
            values.append(float(name in held))
        elif kind == "call":
            values.append(float(name in calls))
        elif kind == "escalates":
            values.append(float(name in escalated))
        elif kind == "final":
            values.append(float(model.columns[name][-1]))
        elif kind == "final_status":
            values.append(float(final_status == name))
        else:
            raise ValueError(f"unknown outcome {o.id}")
    return values

"""How a negotiator behaves: dispositions from the scenario, and named presets of them.

Every parameter is a disposition (how patient, how compliant, how reciprocal), never an outcome.
Presets in the spirit of Axelrod's strategies: each is a small class with a name, a description and
the parameter values it stands for; the scenario may override any single parameter afterwards.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, fields
from typing import ClassVar

from sim.engine.spec import BehaviourSpec, Draw
from sim.engine.tactics import Tactic


@dataclass(frozen=True)
class ParamInfo:
    """What a behaviour parameter means and the range it may take."""

    low: float
    high: float
    doc: str


PARAMS: dict[str, ParamInfo] = {
    "concession": ParamInfo(0.05, 10.0, "Faratin's e: below 1 holds out and concedes at the "
                            "deadline (Boulware), above 1 concedes early (conceder)"),
    "mirroring": ParamInfo(0.0, 1.0, "weight of tit-for-tat in talks: concede as much as the other "
                           "side conceded last round, rather than by the clock"),
    "patience": ParamInfo(0.0, 1.0, "how long it gives the other side to deliver before counting a "
                          "shortfall (0: days, 1: about five weeks)"),
    "compliance": ParamInfo(0.0, 1.0, "how fully and how fast it implements what it agreed "
                            "(chance per day of working on each agreed lever)"),
    "reciprocity": ParamInfo(0.0, 1.0, "how much its own compliance and retaliation follow the "
                             "other side's behaviour"),
    "pressure_sensitivity": ParamInfo(0.0, 1.0, "how much domestic pressure lowers what it holds "
                                      "out for"),
    "resolve": ParamInfo(0.0, 0.5, "how much better than the status quo a deal must be before it "
                         "signs (utility units)"),
    "initial_trust": ParamInfo(0.0, 1.0, "trust that the other side complies, at the start"),
    "trust_learning": ParamInfo(0.0, 1.0, "share of the gap between trust and observed compliance "
                                "closed each day"),
    "goodwill": ParamInfo(0.0, 1.0, "how far a leaders' call restores its trust"),
    "restraint": ParamInfo(0.0, 1.0, "reluctance to add new measures when aggrieved"),
    "commitment_days": ParamInfo(7.0, 3650.0, "longest term it commits to without review, at full "
                                 "trust; the term it proposes is this times its trust in the "
                                 "other side, and the shorter proposal is agreed"),
    "misperception": ParamInfo(0.0, 1.0, "noise in its reading of the other side's priorities"),
    "measure_interval": ParamInfo(1.0, 90.0, "fewest days between two of its new measures (its "
                                  "pace of escalation)"),
    "escalation_step": ParamInfo(0.0, 1.0, "size of a new measure, as a share of the lever's range "
                                 "at full grievance (retaliation) or full resolve (coercion)"),
    "breach_weight": ParamInfo(0.0, 20.0, "how many times its size a new restriction by the other "
                               "side weighs in its grievance"),
    "review_days": ParamInfo(0.0, 365.0, "days between its own reviews of whether to escalate for "
                             "leverage (0: only at the scenario's decision points)"),
    "threat_days": ParamInfo(0.0, 180.0, "notice it gives before a coercive measure takes effect "
                             "(0: acts without a threat)"),
    "audience_cost": ParamInfo(0.0, 1.0, "domestic cost of backing down from a public threat "
                               "(Fearon): makes its threats credible and its retreats painful"),
    "linkage": ParamInfo(0.0, 1.0, "how far its own agreed easing waits on the other side's "
                         "verified delivery (0: unconditional, 1: step for step)"),
    "verification_days": ParamInfo(0.0, 90.0, "how old the evidence is by which it verifies the "
                                   "other side's delivery"),
    "easing": ParamInfo(0.0, 1.0, "readiness to ease one of its own measures unilaterally at a "
                        "decision point, when pressure at home or the other side's delivery asks "
                        "for it (0: never)"),
}


@dataclass(frozen=True)
class Behaviour:
    """A negotiator's dispositions, all in the ranges of ``PARAMS``."""

    concession: float = 1.0
    mirroring: float = 0.0
    patience: float = 0.5
    compliance: float = 0.8
    reciprocity: float = 0.5
    pressure_sensitivity: float = 0.5
    resolve: float = 0.05
    initial_trust: float = 0.5
    trust_learning: float = 0.08
    goodwill: float = 0.5
    restraint: float = 0.5
    commitment_days: float = 180.0
    misperception: float = 0.1
    measure_interval: float = 7.0
    escalation_step: float = 0.5
    breach_weight: float = 5.0
    review_days: float = 0.0
    threat_days: float = 0.0
    audience_cost: float = 0.3
    linkage: float = 0.0
    verification_days: float = 14.0
    easing: float = 0.0


BEHAVIOUR_FIELDS = tuple(f.name for f in fields(Behaviour))  # in the order draws are made


class Preset:
    """A named disposition: the parameter values a label like 'hawk' stands for. In talks it is
    a named composition of tactic parts (``tactic``): its concession, offering and acceptance."""

    name: ClassVar[str]
    description: ClassVar[str]
    values: ClassVar[dict[str, float]]

    @classmethod
    def tactic(cls) -> Tactic:
        """The parts it composes in talks, with its values (defaults for the rest)."""
        defaults = Behaviour()
        return Tactic.of(cls.values.get("concession", defaults.concession),
                         cls.values.get("mirroring", defaults.mirroring))


class Linear(Preset):
    name = "linear"
    description = "Concedes at a steady pace between its opening and its reservation."
    values = {"concession": 1.0}


class Boulware(Preset):
    name = "boulware"
    description = "Holds its opening position and concedes only close to the deadline."
    values = {"concession": 0.25}


class Conceder(Preset):
    name = "conceder"
    description = "Concedes much of the way early in the talks."
    values = {"concession": 3.0}


class TitForTat(Preset):
    name = "tit_for_tat"
    description = "Mirrors the other side: concedes as it concedes, complies as it complies, " \
                  "retaliates at once against a breach."
    values = {"concession": 1.0, "mirroring": 0.9, "reciprocity": 1.0, "restraint": 0.0}


class Hawk(Preset):
    name = "hawk"
    description = "Concedes little and late, demands a clear gain, retaliates readily."
    values = {"concession": 0.2, "resolve": 0.15, "restraint": 0.15, "reciprocity": 0.8,
              "pressure_sensitivity": 0.3, "goodwill": 0.2}


class Dove(Preset):
    name = "dove"
    description = "Concedes early, complies fully, forgives breaches, rarely retaliates."
    values = {"concession": 3.0, "resolve": 0.0, "restraint": 0.9, "reciprocity": 0.2,
              "compliance": 1.0, "goodwill": 0.8}


PRESETS: dict[str, type[Preset]] = {p.name: p for p in (Linear, Boulware, Conceder, TitForTat,
                                                         Hawk, Dove)}


def make_behaviour(spec: BehaviourSpec, rng: random.Random) -> Behaviour:
    """Preset values overlaid with the scenario's own values, distributions drawn once per run.

    Draws go in the fixed order of ``PARAMS`` so a run's seed fixes every value.
    """
    values: dict[str, Draw] = {}
    if spec.preset:
        values.update((k, Draw.of(v)) for k, v in PRESETS[spec.preset].values.items())
    values.update(spec.values)
    drawn = {}
    for name in BEHAVIOUR_FIELDS:
        if name in values:
            info = PARAMS[name]
            drawn[name] = min(info.high, max(info.low, values[name].sample(rng)))
    return Behaviour(**drawn)  # the defaults for the rest

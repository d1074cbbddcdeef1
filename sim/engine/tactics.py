"""A negotiator's tactic in talks, made of parts as NegMAS composes its negotiators: a
**concession** part (what it aims for each round), an **offering** part (which package it offers
for that aim) and an **acceptance** part (which offers it takes). Each part is a small class with
metadata, in the manner of Axelrod's strategies; a ``Tactic`` is one of each; the behaviour
presets (``sim.engine.behaviour``) are named compositions of them with their parameter values.

A controlled side (a student, a script: ``sim.engine.control``) replaces the offering and the
acceptance with its own answers when asked; the parts still say what the model would do.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Protocol

OPENING_STEP = 0.01  # assumption: a mirroring side still concedes this much utility a round


class Frontier(Protocol):
    """Packages a side can offer, from most selfish (0) to most generous, with their utility to
    it (``sim.engine.negotiation.Side``)."""

    frontier_size: int

    def offer(self, i: int) -> tuple[float, dict[str, float]]: ...


class Part:
    """One component of a tactic: its role, name, what it does and where it comes from."""

    role: ClassVar[str]  # "concession", "offering" or "acceptance"
    name: ClassVar[str]
    description: ClassVar[str]
    reference: ClassVar[str]


@dataclass(frozen=True)
class TimeDependent(Part):
    """Faratin's time-dependent concession, mixed with mirroring the other side's concessions."""

    role: ClassVar[str] = "concession"
    name: ClassVar[str] = "time_dependent"
    description: ClassVar[str] = (
        "aims from its best package towards its reservation as rounds pass, at pace e (below 1: "
        "Boulware, holds out; above 1: conceder), mixed with tit-for-tat by `mirroring`")
    reference: ClassVar[str] = "Faratin, Sierra & Jennings (1998); Axelrod (1984) for mirroring"

    e: float  # Faratin's e
    mirroring: float  # 0 time-dependent .. 1 tit-for-tat

    def aim(self, best: float, reservation: float, t: int, rounds: int,
            conceded_by_other: float) -> float:
        """Utility aimed for in round ``t`` of ``rounds`` (never below the reservation)."""
        frac = t / max(1, rounds - 1)
        by_clock = best - (best - reservation) * frac ** (1.0 / self.e)
        mirrored = best - conceded_by_other - OPENING_STEP * t
        aim = (1.0 - self.mirroring) * by_clock + self.mirroring * mirrored
        return max(reservation, aim)


@dataclass(frozen=True)
class TradeOff(Part):
    """Offers the package it believes best for the other side among those worth its aim."""

    role: ClassVar[str] = "offering"
    name: ClassVar[str] = "trade_off"
    description: ClassVar[str] = (
        "the most generous package on its frontier (its own utility against its belief of the "
        "other side's) still worth at least its aim")
    reference: ClassVar[str] = "Faratin, Sierra & Jennings (2002), trade-off offers"

    def offer(self, side: Frontier, aim: float) -> tuple[float, dict[str, float]]:
        """The most generous package worth at least ``aim`` to ``side``, with its utility.

        Utility falls monotonically along the frontier, so a bisection finds the last offer
        worth at least ``aim`` (the first offer if none is).
        """
        lo, hi = 0, side.frontier_size  # offers before lo are worth >= aim, from hi on less
        while lo < hi:
            mid = (lo + hi) // 2
            if side.offer(mid)[0] >= aim:
                lo = mid + 1
            else:
                hi = mid
        return side.offer(max(0, lo - 1))


@dataclass(frozen=True)
class AcceptNext(Part):
    """Accepts an offer worth at least what it would ask next round, and its reservation."""

    role: ClassVar[str] = "acceptance"
    name: ClassVar[str] = "accept_next"
    description: ClassVar[str] = ("accepts an offer worth at least its own next aim and at "
                                  "least its reservation value")
    reference: ClassVar[str] = "Baarslag et al. (2014), AC_next"

    def accepts(self, worth: float, next_aim: float, reservation: float) -> bool:
        return worth >= next_aim and worth >= reservation


@dataclass(frozen=True)
class Tactic:
    """One part of each role."""

    concession: TimeDependent
    offering: TradeOff
    acceptance: AcceptNext

    @classmethod
    def of(cls, e: float, mirroring: float) -> Tactic:
        """The tactic every behaviour composes today, with its concession parameters."""
        return cls(TimeDependent(e, mirroring), TradeOff(), AcceptNext())


PARTS: dict[str, type[Part]] = {p.name: p for p in (TimeDependent, TradeOff, AcceptNext)}

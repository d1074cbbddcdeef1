"""Talks between two negotiators: package utilities, offers, and the alternating-offers protocol.

A package sets the restrictiveness (0 open .. 1 closed) of every lever on the agenda. Each side
gains from the other side opening its levers, with diminishing returns (1 - h**2: the first cuts
from an embargo-level tariff matter most), and values holding its own levers, ever more as it has
less left to give (sqrt(h)). These curvatures are modelling assumptions; the weights come from the
scenario's `priorities` (what a side wants) and `holds` (what it keeps).

Offers follow Faratin, Sierra & Jennings (1998): a side's target utility falls from its best
plausible package towards its reservation value as rounds pass, at a pace set by its concession
exponent, optionally mirroring the other side's concessions (tit-for-tat). Among packages that meet
its target it proposes the one it believes best for the other side (a trade-off offer), found in
closed form per lever for a given weight on the other side's utility.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from sim.engine.control import Controller, TalksTurn
from sim.engine.tactics import Tactic

LAMBDAS = [10 ** (-3 + 6 * i / 80) for i in range(81)]  # weight put on the other side's utility


@dataclass
class Utility:
    """One side's valuation of packages: weights over levers it wants eased and levers it holds."""

    wants: dict[str, float]  # other side's lever id -> weight
    holds: dict[str, float]  # own lever id -> weight

    def __post_init__(self) -> None:
        # computed once: `of` runs for every candidate offer in every round of talks
        self.total = sum(self.wants.values()) + sum(self.holds.values()) or 1.0
        self._wants = list(self.wants.items())
        self._holds = list(self.holds.items())

    def of(self, h: dict[str, float]) -> float:
        """Utility in [0, 1] of a world where each lever has restrictiveness ``h[lever]``."""
        gain = sum([w * (1.0 - h[k] * h[k]) for k, w in self._wants])
        keep = sum([w * h[k] ** 0.5 for k, w in self._holds])
        return (gain + keep) / self.total

    def noisy(self, rng: random.Random, noise: float) -> Utility:
        """How another side reads these weights: each off by a relative error of sd ``noise``."""
        def blur(weights: dict[str, float]) -> dict[str, float]:
            return {k: max(0.0, w * (1.0 + noise * rng.gauss(0.0, 1.0)))
                    for k, w in weights.items()}
        return Utility(blur(self.wants), blur(self.holds))


def best_h(own_weight: float, other_weight: float, lam: float, now: float) -> float:
    """Restrictiveness of a lever maximising holder's sqrt(h) plus lam x wanter's (1 - h**2).

    ``own_weight`` is the holder's weight, ``other_weight`` the wanter's, ``lam`` the weight on
    the wanter's side. Closed form of d/dh = 0, clipped to [0, now]: offers never add restrictions.
    """
    denominator = 4.0 * lam * other_weight
    if denominator <= 0.0:  # also when tiny weights underflow to zero
        return now
    if own_weight <= 0:
        return 0.0
    return min(now, (own_weight / denominator) ** (2.0 / 3.0))


@dataclass
class Side:
    """A negotiator as the protocol sees it: its utility, its reading of the other, its tactic."""

    actor: str
    utility: Utility
    belief: Utility  # its estimate of the other side's utility
    own: frozenset[str]  # the levers this side holds
    reservation: float
    concession: float  # Faratin's e
    mirroring: float  # 0 time-dependent .. 1 tit-for-tat
    offers: list[tuple[float, dict[str, float]] | None] = field(default_factory=list)
    agenda: list[str] = field(default_factory=list)
    now: dict[str, float] = field(default_factory=dict)
    controller: Controller | None = None  # deciding in place of the tactic (engine.control)
    tactic: Tactic | None = None  # its parts (sim.engine.tactics); None: made from the numbers
    # the state without a deal (None: no ratification bound, as for a player's side)
    no_deal: dict[str, float] | None = None
    # per agenda lever, set by `frontier`: (lever, own?, holder's weight, wanter's weight, now)
    table: list[tuple[str, bool, float, float, float]] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        if self.tactic is None:
            self.tactic = Tactic.of(self.concession, self.mirroring)

    frontier_size = len(LAMBDAS)

    def frontier(self, agenda: list[str], now: dict[str, float]) -> None:
        """Get ready to offer packages on ``agenda`` from the state ``now``.

        Offers run from most selfish (index 0) to most generous, one per weight in LAMBDAS on
        the other side's utility; each is worked out when first needed (talks use few of them).
        The weights each offer reads are looked up here, once per talks.
        """
        self.agenda, self.now = list(agenda), dict(now)
        self.offers = [None] * len(LAMBDAS)
        self.table = [
            (lever, True, self.utility.holds.get(lever, 0.0), self.belief.wants.get(lever, 0.0),
             now[lever]) if lever in self.own else
            (lever, False, self.belief.holds.get(lever, 0.0), self.utility.wants.get(lever, 0.0),
             now[lever])
            for lever in self.agenda]

    def offer(self, i: int) -> tuple[float, dict[str, float]]:
        """The i-th package on this side's frontier, with its utility to this side."""
        cached = self.offers[i]
        if cached is None:
            lam, h = LAMBDAS[i], dict(self.now)
            for lever, own, hold, want, now in self.table:
                if own:
                    h[lever] = best_h(hold, want, lam, now)
                else:  # the other side's lever: ask as if weighting its hold by lam
                    h[lever] = best_h(lam * hold, want, 1.0, now)
            cached = self.offers[i] = (self.utility.of(h), h)
        return cached

    @property
    def best(self) -> float:
        return self.offer(0)[0]

    def target(self, t: int, rounds: int, conceded_by_other: float) -> float:
        """Utility this side aims for in round ``t`` of ``rounds`` (its concession part)."""
        return self.tactic.concession.aim(self.best, self.reservation, t, rounds,
                                          conceded_by_other)

    def offer_at(self, aim: float) -> tuple[float, dict[str, float]]:
        """The package it offers for ``aim``, with its utility to it (its offering part)."""
        return self.tactic.offering.offer(self, aim)

    def accepts(self, worth: float, next_aim: float) -> bool:
        """Does it take an offer worth ``worth`` to it, when it would ask ``next_aim``?"""
        return self.tactic.acceptance.accepts(worth, next_aim, self.reservation)

    def relief(self, package: dict[str, float]) -> float:
        """What ``package`` gives this side of what it wants: the rise in the wanting part of
        its utility over the state without a deal."""
        wants, base = self.utility.wants, self.no_deal or {}
        return sum(w * (base[k] * base[k] - package[k] * package[k])
                   for k, w in wants.items() if k in package and k in base) / self.utility.total

    def ratifiable(self, package: dict[str, float]) -> bool:
        """Putnam's level II: would ``package`` pass at home? Pressure may take a side below its
        status quo, but only as far as the package relieves what presses it: a package worth
        less than the status quo by more than its relief (a side's levers given away for
        little or nothing) fails at home, however pressed the team is."""
        if self.no_deal is None:
            return True
        status_quo = self.utility.of(self.no_deal)
        return self.utility.of(package) >= status_quo - self.relief(package) - 1e-12


@dataclass
class Round:
    """One offer in the talks and the other side's answer."""

    number: int
    proposer: str
    package: dict[str, float]  # restrictiveness per agenda lever
    proposer_utility: float
    responder_utility: float
    responder_aim: float
    accepted: bool


@dataclass(frozen=True)
class Stance:
    """Where one side stood when talks ended, in its own utility (0..1): its reservation (the
    least it signs for), its best package on the agenda, and the best offer the others made it
    (None: none reached it) with what it asked in that round (None: not known)."""

    reservation: float
    best: float
    received: float | None = None
    asked: float | None = None

    @property
    def gap(self) -> float:
        """How far the best it could get fell short of its reservation (0 or less: no gap):
        the best offer received, or its own best package when no offer reached it."""
        return self.reservation - (self.best if self.received is None else self.received)


@dataclass
class Outcome:
    """How talks ended: the package agreed (restrictiveness per lever) or why not, and where
    each side stood (``stances``, by actor; filled in by whoever holds the talks)."""

    agreed: bool
    package: dict[str, float]
    rounds: list[Round]
    reason: str
    stances: dict[str, Stance] = field(default_factory=dict)


def alternate_offers(first: Side, second: Side, agenda: list[str], now: dict[str, float],
                     rounds: int, label: str = "") -> Outcome:
    """Run up to ``rounds`` offers, sides alternating, until one accepts or the deadline passes.

    A side accepts an offer worth at least what it would itself ask next round (Faratin's AC_next)
    and at least its reservation value.
    """
    for side in (first, second):
        side.frontier(agenda, now)
    for side in (first, second):
        if side.best < side.reservation:
            return Outcome(False, {}, [], no_package(side))
    log: list[Round] = []
    for t in range(rounds):
        proposer, responder = (first, second) if t % 2 == 0 else (second, first)
        conceded = _conceded(proposer, responder, log)
        own_u, package = proposer.offer_at(proposer.target(t, rounds, conceded))
        if proposer.controller is not None:  # hook: a controlled side proposes (engine.control)
            package = _controlled_offer(proposer, package, t, rounds, log, label)
            if package is None:
                return Outcome(False, {}, log, f"{proposer.actor} walks away in round {t + 1}")
            own_u = proposer.utility.of(package)
        their_u = responder.utility.of(package)
        aim = responder.target(min(t + 1, rounds - 1), rounds, _conceded(responder, proposer, log))
        accepted = (responder.accepts(their_u, aim) and responder.ratifiable(package)
                    and proposer.ratifiable(package))
        if responder.controller is not None:  # hook: a controlled side answers (engine.control)
            answer = _controlled_answer(responder, package, t, rounds, log, label)
            if answer is None:
                log.append(Round(t + 1, proposer.actor, package, own_u, their_u, aim, False))
                return Outcome(False, {}, log, f"{responder.actor} walks away in round {t + 1}")
            accepted = answer
        log.append(Round(t + 1, proposer.actor, package, own_u, their_u, aim, accepted))
        if accepted:
            return Outcome(True, package, log, f"{responder.actor} accepts in round {t + 1}")
    return Outcome(False, {}, log, f"no offer was accepted in {rounds} rounds")


def plurilateral_offers(sides: list[Side], agenda: list[str], now: dict[str, float],
                        rounds: int, label: str = "") -> Outcome:
    """Talks among three or more sides: the sides propose in turn; an offer is agreed when every
    other side accepts it (each by its own acceptance part, against its own next aim). A round's
    ``responder_utility`` and ``responder_aim`` are those of the side least satisfied with it.
    A controlled side answers or proposes as in two-sided talks."""
    for side in sides:
        side.frontier(agenda, now)
    for side in sides:
        if side.best < side.reservation:
            return Outcome(False, {}, [], no_package(side))
    log: list[Round] = []
    for t in range(rounds):
        proposer = sides[t % len(sides)]
        others = [s for s in sides if s is not proposer]
        conceded = max(_conceded(proposer, o, log) for o in others)
        own_u, package = proposer.offer_at(proposer.target(t, rounds, conceded))
        if proposer.controller is not None:
            package = _controlled_offer(proposer, package, t, rounds, log, label)
            if package is None:
                return Outcome(False, {}, log, f"{proposer.actor} walks away in round {t + 1}")
            own_u = proposer.utility.of(package)
        answers = []
        for responder in others:
            worth = responder.utility.of(package)
            aim = responder.target(min(t + 1, rounds - 1), rounds,
                                   max(_conceded(responder, o, log) for o in sides
                                       if o is not responder))
            accepted = responder.accepts(worth, aim) and responder.ratifiable(package)
            if responder.controller is not None:
                answer = _controlled_answer(responder, package, t, rounds, log, label)
                accepted = bool(answer)
            answers.append((worth - aim, worth, aim, accepted))
        _, worth, aim, _ = min(answers)
        agreed = all(a[3] for a in answers) and proposer.ratifiable(package)
        log.append(Round(t + 1, proposer.actor, package, own_u, worth, aim, agreed))
        if agreed:
            return Outcome(True, package, log, f"every side accepts in round {t + 1}")
    return Outcome(False, {}, log, f"no offer was accepted by every side in {rounds} rounds")


def no_package(side: Side) -> str:
    """Why talks end before any offer: a side whose best package is worth less than its
    reservation, with both numbers."""
    return (f"{side.actor} sees no package on this agenda better than no deal (its best is "
            f"worth {side.best:.3f} to it, its reservation is {side.reservation:.3f})")


def stances(sides: list[Side], log: list[Round]) -> dict[str, Stance]:
    """Each side's ``Stance`` after the rounds in ``log``: its best offer received is the one
    worth most to it among the others' offers."""
    out = {}
    for s in sides:
        if len(sides) == 2:  # each round records what the offer was worth to its one responder
            received = [(r.responder_utility, r) for r in log if r.proposer != s.actor]
        else:
            received = [(s.utility.of(r.package), r) for r in log if r.proposer != s.actor]
        if not received:
            out[s.actor] = Stance(s.reservation, s.best)
            continue
        worth, r = max(received, key=lambda x: x[0])
        asked = r.responder_aim if len(sides) == 2 else None  # a round keeps one side's aim
        out[s.actor] = Stance(s.reservation, s.best, worth, asked)
    return out


def _turn(side: Side, suggestion: dict[str, float], t: int, rounds: int, log: list[Round],
          label: str, offer: dict[str, float] | None = None) -> TalksTurn:
    return TalksTurn(label, side.actor, t + 1, rounds, list(side.agenda), dict(side.now),
                     dict(suggestion), offer, list(log))


def _controlled_offer(side: Side, suggestion: dict[str, float], t: int, rounds: int,
                      log: list[Round], label: str) -> dict[str, float] | None:
    """The controller's package, on the agenda only and never adding restrictions."""
    package = side.controller.propose(_turn(side, suggestion, t, rounds, log, label))
    if package is None:
        return None
    out = dict(side.now)
    for k in side.agenda:
        out[k] = min(side.now[k], max(0.0, float(package.get(k, side.now[k]))))
    return out


def _controlled_answer(side: Side, offer: dict[str, float], t: int, rounds: int,
                       log: list[Round], label: str) -> bool | None:
    suggestion = side.offer_at(side.target(min(t + 1, rounds - 1), rounds, 0.0))[1]
    return side.controller.accepts(_turn(side, suggestion, t, rounds, log, label, offer))


def _conceded(side: Side, other: Side, log: list[Round]) -> float:
    """How much the other side's offers have improved, measured in this side's utility.

    ``side`` answered each of them, and its round records what the offer was worth to it
    (``responder_utility``), so that is read rather than worked out again every round.
    """
    theirs = [r.responder_utility for r in log if r.proposer == other.actor]
    if len(theirs) < 2:
        return 0.0
    return max(0.0, theirs[-1] - theirs[0])

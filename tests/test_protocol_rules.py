"""The alternating-offers protocol's arithmetic, pinned: utilities, the closed-form offer, the
frontier, the clock and the mirror, the acceptance rule, who proposes when, and what is reported.

Written against the mutation survivors listed in docs/testing.md; each expected number is worked
out from the formula in the docstring of ``sim.engine.negotiation``.
"""

from __future__ import annotations

import random

import pytest

from sim.engine.negotiation import (
    LAMBDAS,
    Round,
    Side,
    Utility,
    _conceded,
    alternate_offers,
    best_h,
)

NOW = {"a.x": 0.8, "b.y": 0.8}


def side(actor: str, reservation: float, concession: float = 1.0, mirroring: float = 0.0,
         hold: float = 0.3) -> Side:
    own, theirs = ("a.x", "b.y") if actor == "a" else ("b.y", "a.x")
    return Side(actor, Utility({theirs: 1.0}, {own: hold}), Utility({own: 1.0}, {theirs: hold}),
                frozenset({own}), reservation, concession, mirroring)


def test_utility_is_weighted_easing_gained_plus_square_root_of_what_is_held():
    u = Utility({"b.y": 1.0}, {"a.x": 0.25})
    # gain 1 x (1 - 0.5^2) = 0.75, keep 0.25 x sqrt(0.64) = 0.2, over total weight 1.25
    assert u.of({"a.x": 0.64, "b.y": 0.5}) == pytest.approx(0.95 / 1.25)


def test_how_another_side_reads_weights_is_each_off_by_relative_gaussian_noise():
    u = Utility({"b.y": 0.5, "b.z": 2.0}, {"a.x": 0.25})
    read = u.noisy(random.Random(3), 0.2)
    rng = random.Random(3)
    expected = {k: max(0.0, w * (1.0 + 0.2 * rng.gauss(0.0, 1.0))) for k, w in u.wants.items()}
    expected_holds = {k: max(0.0, w * (1.0 + 0.2 * rng.gauss(0.0, 1.0)))
                      for k, w in u.holds.items()}
    assert read.wants == pytest.approx(expected) and read.holds == pytest.approx(expected_holds)
    assert u.noisy(random.Random(3), 0.0).wants == u.wants
    assert min(u.noisy(random.Random(k), 5.0).wants["b.y"] for k in range(30)) == 0.0


@pytest.mark.parametrize("own, other, lam, now, expected", [
    (1.0, 1.0, 1.0, 1.0, 0.25 ** (2 / 3)),
    (0.01, 1.0, 0.1, 0.7, (0.01 / 0.4) ** (2 / 3)),   # a denominator below 1 still counts
    (2.0, 1.0, 1.0, 0.9, 0.5 ** (2 / 3)),
    (0.0, 1.0, 1.0, 0.7, 0.0),
])
def test_best_h_is_the_closed_form_clipped_to_now(own, other, lam, now, expected):
    assert best_h(own, other, lam, now) == pytest.approx(expected)


def test_each_frontier_offer_is_the_closed_form_per_lever():
    a = side("a", 0.0)
    a.frontier(list(NOW), NOW)
    for i in (0, 40, 80):
        lam = LAMBDAS[i]
        u, h = a.offer(i)
        assert h["a.x"] == pytest.approx(best_h(0.3, 1.0, lam, 0.8))   # own lever: hold vs give
        assert h["b.y"] == pytest.approx(best_h(lam * 0.3, 1.0, 1.0, 0.8))  # theirs: ask
        assert u == pytest.approx(a.utility.of(h))


def test_levers_nobody_weighs_are_opened_kept_or_asked_for_as_the_weights_say():
    """Own lever not valued: given away (0); own lever the other is not believed to want: kept
    (now); other's lever it does not want: left (now); other's lever believed not valued: asked
    fully open (0)."""
    now = {"a.x": 0.8, "a.w": 0.6, "b.y": 0.8, "b.v": 0.7}
    a = Side("a", Utility({"b.y": 1.0}, {"a.w": 0.4}), Utility({"a.x": 1.0}, {"b.v": 0.5}),
             frozenset({"a.x", "a.w"}), 0.0, 1.0, 0.0)
    a.frontier(list(now), now)
    _, h = a.offer(40)
    assert h["a.x"] == 0.0          # a does not value holding it
    assert h["a.w"] == 0.6          # b is not believed to want it
    assert h["b.v"] == 0.7          # a does not want it
    assert h["b.y"] == 0.0          # b is not believed to value holding it


def test_the_clock_runs_from_best_to_reservation_at_the_concession_pace():
    for concession in (0.5, 1.0, 3.0):
        a = side("a", 0.3, concession=concession)
        a.frontier(list(NOW), NOW)
        best = a.best
        for t, rounds in ((5, 12), (1, 2), (3, 7)):
            frac = t / max(1, rounds - 1)
            expected = best - (best - 0.3) * frac ** (1.0 / concession)
            assert a.target(t, rounds, 0.0) == pytest.approx(max(0.3, expected))
    one = side("a", 0.3)
    one.frontier(list(NOW), NOW)
    assert one.target(0, 1, 0.0) == pytest.approx(one.best)  # a single round: no clock


def test_a_mirror_concedes_what_the_other_conceded_plus_a_small_step_a_round():
    for mirroring in (1.0, 0.5):
        a = side("a", 0.0, mirroring=mirroring)
        a.frontier(list(NOW), NOW)
        by_clock = a.best - a.best * (6 / 11)
        mirrored = a.best - 0.2 - 0.01 * 6
        assert a.target(6, 12, 0.2) == pytest.approx((1 - mirroring) * by_clock
                                                     + mirroring * mirrored)


def test_offer_at_returns_the_most_generous_offer_still_worth_the_aim():
    a = side("a", 0.0)
    a.frontier(list(NOW), NOW)
    values = [a.offer(i)[0] for i in range(len(LAMBDAS))]
    for k in (0, 1, 17, 40, 79, 80):
        aim = values[k]
        expected = max(i for i, v in enumerate(values) if v >= aim)
        assert a.offer_at(aim) == a.offer(expected)
        assert a.offer_at(aim + 1e-12) == a.offer(max(0, max(
            (i for i, v in enumerate(values) if v >= aim + 1e-12), default=0)))
    assert a.offer_at(10.0) == a.offer(0)  # nothing reaches it: the most selfish offer


def test_the_sides_alternate_first_proposing_first_and_rounds_are_numbered_from_one():
    a, b = side("a", 0.0, concession=0.1), side("b", 0.0, concession=0.1)
    out = alternate_offers(a, b, list(NOW), NOW, rounds=7)
    assert [r.number for r in out.rounds] == list(range(1, len(out.rounds) + 1))
    assert [r.proposer for r in out.rounds] == ["a", "b", "a", "b", "a", "b", "a"][
        :len(out.rounds)]


def test_each_answer_is_acceptance_exactly_when_worth_the_next_aim_and_the_reservation():
    a, b = side("a", 0.0, concession=0.3), side("b", 0.0, concession=0.3)
    sq = a.utility.of(NOW)
    for res_a, res_b, mirroring in ((sq, sq, 0.0), (sq + 0.1, sq, 0.0), (sq, sq + 0.12, 0.0),
                                    (sq, sq + 0.05, 0.5), (sq + 0.2, sq + 0.2, 0.5)):
        a = side("a", res_a, concession=0.3, mirroring=mirroring)
        b = side("b", res_b, concession=0.3, mirroring=mirroring)
        out = alternate_offers(a, b, list(NOW), NOW, rounds=12)
        log: list[Round] = []
        for t, r in enumerate(out.rounds):
            proposer, responder = (a, b) if t % 2 == 0 else (b, a)
            aim = responder.target(min(t + 1, 11), 12, _conceded(responder, proposer, log))
            assert r.responder_aim == pytest.approx(aim)
            assert r.responder_utility == pytest.approx(responder.utility.of(r.package))
            assert r.accepted == (r.responder_utility >= aim
                                  and r.responder_utility >= responder.reservation)
            log.append(r)
        assert out.agreed == any(r.accepted for r in out.rounds)
        if out.agreed:
            last = out.rounds[-1]
            assert last.accepted and out.package == last.package
            assert out.reason == f"{'b' if last.proposer == 'a' else 'a'} accepts in round " \
                f"{last.number}"
        else:
            assert (out.agreed, out.package) == (False, {})
            assert out.reason == "no offer was accepted in 12 rounds"


def test_a_reservation_equal_to_the_best_offer_still_allows_talks():
    a = side("a", 0.0)
    a.frontier(list(NOW), NOW)
    out = alternate_offers(side("a", a.best), side("b", 0.0), list(NOW), NOW, rounds=3)
    assert out.rounds


def test_no_package_better_than_no_deal_is_reported_without_rounds():
    a = side("a", 2.0)
    out = alternate_offers(a, side("b", 0.0), list(NOW), NOW, rounds=5)
    assert (out.agreed, out.package, out.rounds) == (False, {}, [])
    assert out.reason == ("a sees no package on this agenda better than no deal (its best is "
                          f"worth {a.best:.3f} to it, its reservation is 2.000)")


def test_concession_seen_is_the_improvement_of_the_others_offers_in_ones_own_utility():
    a, b = side("a", 0.0), side("b", 0.0)
    p0, p1, p2 = {"a.x": 0.8, "b.y": 0.8}, {"a.x": 0.8, "b.y": 0.6}, {"a.x": 0.8, "b.y": 0.3}

    def by_b(number, package):  # b proposes; a answers, and its round records a's utility
        return Round(number, "b", package, 0, a.utility.of(package), 0, False)

    mine = {"a.x": 0.1, "b.y": 0.8}
    log = [by_b(1, p0), Round(2, "a", mine, 0, b.utility.of(mine), 0, False)]
    assert _conceded(a, b, log) == 0.0  # one offer from b: nothing conceded yet
    log.append(by_b(3, p1))
    assert _conceded(a, b, log) == pytest.approx(a.utility.of(p1) - a.utility.of(p0))
    log.append(by_b(5, p2))
    assert _conceded(a, b, log) == pytest.approx(a.utility.of(p2) - a.utility.of(p0))
    worse = [by_b(1, p2), by_b(3, p0)]
    assert _conceded(a, b, worse) == 0.0


def test_in_the_last_round_the_responder_aims_at_its_last_rounds_target():
    sq = side("a", 0).utility.of(NOW)
    a = side("a", sq + 0.05, concession=0.05, mirroring=1.0)
    b = side("b", sq + 0.05, concession=0.05, mirroring=1.0)
    out = alternate_offers(a, b, list(NOW), NOW, rounds=2)
    assert (out.agreed, out.package, len(out.rounds)) == (False, {}, 2)
    assert out.agreed is False
    first, last = out.rounds
    conceded = _conceded(b, a, [first])  # a's improvement seen by b: a made one offer
    assert last.responder_aim == pytest.approx(a.target(1, 2, _conceded(a, b, [first])))
    assert first.responder_aim == pytest.approx(b.target(1, 2, 0.0)) and conceded == 0.0

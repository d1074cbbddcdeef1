"""Each part of a tactic on its own, on small hand-made sides: shared invariants over every part
(metadata), then tables of what each does (Axelrod's style of testing strategies)."""

from __future__ import annotations

import pytest

from sim.engine.behaviour import PRESETS
from sim.engine.negotiation import Side, Utility
from sim.engine.tactics import PARTS, AcceptNext, Tactic, TimeDependent, TradeOff


def _side(reservation: float = 0.3, e: float = 1.0, mirroring: float = 0.0) -> Side:
    side = Side("a", Utility({"b.x": 1.0}, {"a.y": 0.5}), Utility({"a.y": 1.0}, {"b.x": 0.5}),
                frozenset({"a.y"}), reservation, e, mirroring)
    side.frontier(["a.y", "b.x"], {"a.y": 0.9, "b.x": 0.9})
    return side


@pytest.mark.parametrize("part", sorted(PARTS.values(), key=lambda p: p.name))
def test_every_part_says_its_role_name_what_it_does_and_where_it_comes_from(part):
    assert part.role in ("concession", "offering", "acceptance")
    assert part.name and part.description and part.reference
    assert part.__doc__


@pytest.mark.parametrize("e", [0.1, 0.25, 1.0, 3.0, 10.0])
@pytest.mark.parametrize("mirroring", [0.0, 0.5, 1.0])
def test_a_concession_never_rises_and_never_goes_below_the_reservation(e, mirroring):
    part = TimeDependent(e, mirroring)
    aims = [part.aim(0.9, 0.4, t, 10, 0.0) for t in range(10)]
    assert all(a >= 0.4 for a in aims)
    assert all(b <= a + 1e-12 for a, b in zip(aims, aims[1:], strict=False))
    assert aims[0] == pytest.approx(0.9)


@pytest.mark.parametrize("t, boulware_holds_more", [(2, True), (5, True), (8, True)])
def test_a_boulware_aims_higher_than_a_conceder_before_the_deadline(t, boulware_holds_more):
    boulware, conceder = TimeDependent(0.25, 0.0), TimeDependent(3.0, 0.0)
    assert (boulware.aim(0.9, 0.4, t, 10, 0.0) > conceder.aim(0.9, 0.4, t, 10, 0.0)) \
        == boulware_holds_more
    assert boulware.aim(0.9, 0.4, 9, 10, 0.0) == pytest.approx(0.4)  # both reach it at the end


def test_mirroring_concedes_as_much_as_the_other_side_conceded():
    tit_for_tat = TimeDependent(1.0, 1.0)
    assert tit_for_tat.aim(0.9, 0.2, 3, 10, 0.1) == pytest.approx(0.9 - 0.1 - 0.03)


@pytest.mark.parametrize("worth, next_aim, reservation, accepts", [
    (0.6, 0.5, 0.3, True), (0.5, 0.5, 0.3, True), (0.49, 0.5, 0.3, False),
    (0.35, 0.2, 0.4, False), (0.4, 0.2, 0.4, True)])
def test_acceptance_takes_what_beats_its_next_aim_and_its_reservation(worth, next_aim,
                                                                      reservation, accepts):
    assert AcceptNext().accepts(worth, next_aim, reservation) is accepts


@pytest.mark.parametrize("aim", [0.2, 0.4, 0.6])
def test_the_offer_is_the_most_generous_still_worth_the_aim(aim):
    side = _side()
    worth, package = TradeOff().offer(side, aim)
    assert worth >= aim or worth == side.best
    later = [side.offer(i)[0] for i in range(side.frontier_size)]
    i = next(i for i, (u, p) in enumerate(side.offers) if p is package)
    assert all(u < aim for u in later[i + 1:])  # every more generous offer is worth less


def test_a_side_is_its_parts():
    side = _side(e=0.25, mirroring=0.5)
    assert side.tactic == Tactic(TimeDependent(0.25, 0.5), TradeOff(), AcceptNext())
    assert side.target(3, 10, 0.0) == side.tactic.concession.aim(side.best, 0.3, 3, 10, 0.0)


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_each_preset_is_a_named_composition_of_parts(name):
    tactic = PRESETS[name].tactic()
    assert {tactic.concession.role, tactic.offering.role, tactic.acceptance.role} == {
        "concession", "offering", "acceptance"}
    assert tactic.concession.e == PRESETS[name].values.get("concession", 1.0)

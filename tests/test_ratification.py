"""Putnam's bound: a deal must pass at home (sim/engine/negotiation.py, ``Side.ratifiable``).

Pressure, threats and a leaders' mandate lower a side's reservation, possibly below its status
quo; without a bound a pressed side would sign packages that only cut its own levers. A package
passes at home when it is worth no less than the status quo minus what it relieves (what it gives
the side of what it wants): a side may be pressed into a bad bargain, not into a gift. Held by a
table of packages, by an invariant over runs (every signed package passes both homes), and by
the bound's bite: with it switched off, pressed sides sign packages their homes would refuse.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from sim.engine import events, negotiation
from sim.engine.model import NegotiationModel
from sim.engine.negotiation import Side, Utility
from sim.scenario.language import load_scenario

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"


def side(reservation: float = 0.0) -> Side:
    """A side that holds `own` (weight 1) and wants `theirs` eased (weight 1); without a deal
    both stand at restrictiveness 0.8."""
    s = Side("a", Utility({"theirs": 1.0}, {"own": 1.0}), Utility({"own": 1.0}, {"theirs": 1.0}),
             frozenset({"own"}), reservation, 1.0, 0.0, no_deal={"own": 0.8, "theirs": 0.8})
    s.frontier(["own", "theirs"], {"own": 0.8, "theirs": 0.8})
    return s


@pytest.mark.parametrize(("own", "theirs", "passes"), [
    (0.8, 0.8, True),   # nothing changes
    (0.0, 0.8, False),  # its lever given away for nothing
    (0.6, 0.8, False),  # a little given, nothing back
    (0.6, 0.5, True),   # given, and relieved more than the loss
    (0.3, 0.6, True),   # worth less than the status quo, but by less than its relief
    (0.0, 0.7, False),  # everything given for a little relief
    (0.8, 0.0, True),   # relief for nothing given
])
def test_a_package_passes_at_home_if_its_loss_is_no_more_than_its_relief(own, theirs, passes):
    s = side(reservation=-1.0)  # pressed to the floor: it would accept anything
    package = {"own": own, "theirs": theirs}
    assert s.accepts(s.utility.of(package), -1.0)
    assert s.ratifiable(package) is passes


def test_a_side_a_player_controls_has_no_bound():
    s = side()
    s.no_deal = None
    assert s.ratifiable({"own": 0.0, "theirs": 0.8})


def _signed(path: Path, seeds: int, bound: bool, monkeypatch) -> tuple[int, int]:
    """(packages signed in two-sided talks, of which a side's home would refuse), over seeds."""
    check = negotiation.Side.ratifiable
    if not bound:
        monkeypatch.setattr(negotiation.Side, "ratifiable", lambda s, package: True)
    counts = [0, 0]
    original = events.alternate_offers

    def spy(first, second, agenda, now, rounds, label=""):
        out = original(first, second, agenda, now, rounds, label)
        if out.agreed:
            counts[0] += 1
            counts[1] += not (check(first, out.package) and check(second, out.package))
        return out

    monkeypatch.setattr(events, "alternate_offers", spy)
    scenario = load_scenario(path)
    for seed in range(seeds):
        NegotiationModel(scenario, seed=seed).run_to_end()
    monkeypatch.undo()
    return counts[0], counts[1]


@pytest.mark.parametrize("name", ["baseline", "market_sensitive_us"])
def test_every_signed_package_passes_both_homes(name, monkeypatch):
    signed, refused = _signed(SCENARIOS / f"{name}.yaml", 30, True, monkeypatch)
    assert signed > 0 and refused == 0


def test_without_the_bound_pressed_sides_sign_what_their_homes_would_refuse(monkeypatch):
    """A US that feels its market keenly (market_sensitive_us): with the bound switched off, a
    share of its signed packages would not pass at home, at 4 standard errors from none."""
    signed, refused = _signed(SCENARIOS / "market_sensitive_us.yaml", 30, False, monkeypatch)
    p = refused / signed
    assert p >= 4 * math.sqrt(p * (1 - p) / signed), (signed, refused)

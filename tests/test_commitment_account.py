"""How a commitment went, in the narrative (``Delivery.account``): when a commitment's horizon is
over, when the terms lapse first, or when the run ends first, the side that owes it says how
much it delivered and, if less than was due, why. The lines change nothing: the levers' paths
are the same with and without them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sim.engine import clock
from sim.engine.model import NegotiationModel
from sim.scenario.language import load_scenario

WAR = Path(__file__).resolve().parent.parent / "scenarios" / "trade_war_2018.yaml"
SEED = 2020  # a run of the trade war with Phase One signed and its commitments running


@pytest.fixture(scope="module")
def war():
    return load_scenario(WAR)


@pytest.fixture(scope="module")
def run(war):
    return NegotiationModel(war, seed=SEED).run_to_end()


def _accounts(model) -> list[tuple[str, str]]:
    return [(model.date_of(e.day), e.why) for e in model.entries if e.kind == "commitment"]


def test_a_commitment_whose_horizon_is_over_says_how_far_it_got_and_why(run):
    over = [why for _, why in _accounts(run) if "are over" in why]
    assert over, "the reforms' year-long horizon ends in this run"
    line = over[0]
    assert line.startswith("China's reforms sought by the US")
    share = int(re.search(r"with (\d+) % of the agreed amount delivered", line).group(1))
    assert share < 100
    # the reason: the days it held back, at the willingness its compliance and trust give
    assert "held back on the rest" in line and "compliance 0.60" in line
    days = int(re.search(r"delivered on about (\d+) of 365 days", line).group(1))
    assert days == pytest.approx(share / 100 * 365, abs=3)


def _signed_then(war, days: int) -> NegotiationModel:
    """The run of ``SEED`` ``days`` after the first agreement with a commitment is signed."""
    model = NegotiationModel(war, seed=SEED)
    while not (model.agreement and any(
            model.levers[k].commitment for k in model.agreement.terms)):
        model.step()
    for _ in range(days):
        model.step()
    return model


def test_a_commitment_cut_short_by_a_lapse_says_so(war):
    """Terms that lapse before a commitment's horizon (here made to lapse 60 days after the
    signing): the side that owes it says how far it got against what was due, and why."""
    model = _signed_then(war, 60)
    a = model.agreement
    model.lapse(a, clock.snapback(model, a), "a test", "us")
    lapsing = [why for d, why in _accounts(model) if "terms lapse" in why]
    assert lapsing
    for why in lapsing:
        assert why.startswith(("China's extra purchases of US goods", "China's reforms"))
        due = int(re.search(r"\((\d+) % due by now\)", why).group(1))
        got = int(re.search(r"with (\d+) % of the agreed amount", why).group(1))
        assert got < due and "held back" in why


def test_an_account_changes_nothing_but_the_narrative(war):
    """Asked to account for its commitments mid-run, a side logs one line per commitment and
    changes no lever, order, draw, day's news or state of its own."""
    model = _signed_then(war, 60)
    china = model.negotiators["china"]
    before = ([(lv.value, lv.order) for lv in model.levers.values()], model.random.getstate(),
              model.news, china.trust, dict(china.held_back), set(china.halted),
              len(model.entries))
    china.account_on_lapse(model.agreement)
    after = ([(lv.value, lv.order) for lv in model.levers.values()], model.random.getstate(),
             model.news, china.trust, dict(china.held_back), set(china.halted),
             len(model.entries))
    commitments = [k for k in model.agreement.terms if model.levers[k].commitment]
    assert after[:-1] == before[:-1] and after[-1] == before[-1] + len(commitments)
    assert all(e.kind == "commitment" for e in model.entries[before[-1]:])


def test_a_dispute_without_commitments_has_no_accounts():
    base = load_scenario(WAR.parent / "baseline.yaml")
    assert not any(lv.horizon_days for lv in base.levers)
    model = NegotiationModel(base, seed=1).run_to_end()
    assert not _accounts(model)


@pytest.mark.slow
def test_in_the_trade_war_no_purchase_commitment_is_cut_short_by_failed_review_talks(war):
    """Review talks that fail keep the terms both sides prefer (``NegotiationModel.review``):
    over 60 runs of the trade war the purchase commitments run to their horizon or to the run's
    end, and none is cut short by a lapse (before that rule, every one was)."""
    ends = []
    for seed in range(2018, 2078):
        model = NegotiationModel(war, seed=seed).run_to_end()
        ends += [why for _, why in _accounts(model) if why.startswith("China's extra purchases")]
    assert len(ends) >= 10
    assert not [why for why in ends if "terms lapse" in why]
    assert sum("are over" in why for why in ends) > len(ends) / 2

"""Terms per commitment: a side's `commitments:` give one lever its own compliance, linkage and
verification lag, so one deal's two commitments can be delivered, and judged, differently.

Held on the trade war (China's purchases and reforms, both commitments): a purchase commitment
with compliance 0.3 is delivered to 30 % while the reforms go on at China's own 0.6; a purchase
commitment verified 90 days late is judged on what the US could see 90 days ago, and the US
trusts China less for it (direction tests at 4 standard errors). (Bad input:
tests/bad_scenarios/commitment_*.yaml.)
"""

from __future__ import annotations

import copy
import math
import statistics
from pathlib import Path

import pytest

from sim.engine.model import NegotiationModel
from sim.scenario.language import load_scenario, scenario_from_data

WAR = Path(__file__).resolve().parent.parent / "scenarios" / "trade_war_2018.yaml"
PURCHASES, REFORMS = "china.purchases_of_us_goods", "china.reforms"


@pytest.fixture(scope="module")
def war():
    return load_scenario(WAR)


def with_terms(war, lever: str = PURCHASES, trusting: bool = False, **terms):
    """The trade war with China's commitment on ``lever`` given its own ``terms`` (none: as
    shipped); ``trusting``: both sides start at full trust (a long term, no lapse)."""
    data = copy.deepcopy(dict(war.data))
    if terms:
        data["actors"]["china"]["commitments"] = {lever: {**terms, "assumption": "a test"}}
    for side in ("us", "china") if trusting else ():
        data["actors"][side]["behaviour"]["initial_trust"] = 1.0
    return scenario_from_data(data, war.file)


def test_the_terms_belong_to_the_lever_they_name(war):
    s = with_terms(war, compliance=0.3, verification_days=90)
    specs = {lv.id: lv for lv in s.levers}
    assert specs[PURCHASES].terms.compliance == 0.3
    assert specs[PURCHASES].terms.verification_days == 90
    assert specs[PURCHASES].terms.linkage is None  # left out: China's own linkage
    assert specs[REFORMS].terms is None


def _delivered(scenario) -> dict[str, float]:
    """A deal promising purchases and reforms: the share of each promised amount China
    delivers when it works on it every day until it stops (``Delivery.deliver``, its ceiling)."""
    m = NegotiationModel(scenario, seed=1, day=400)
    m.sign("test", {PURCHASES: 0.0, REFORMS: 0.0})  # restrictive low: 0 is all delivered
    china, terms = m.negotiators["china"], dict(m.agreement.terms)
    for lever_id, target in terms.items():
        lever = m.levers[lever_id]
        for _ in range(lever.spec.horizon_days + 1):
            lever.set(china.deliver(m.agreement, lever, target))
    return {k: m.levers[k].value / terms[k] for k in terms}


def test_two_commitments_of_one_deal_are_delivered_each_by_its_own_compliance(war):
    plain, own = _delivered(war), _delivered(with_terms(war, compliance=0.3))
    assert plain[PURCHASES] == pytest.approx(0.6) and plain[REFORMS] == pytest.approx(0.6)
    assert own[PURCHASES] == pytest.approx(0.3) and own[REFORMS] == pytest.approx(0.6)
    m = NegotiationModel(with_terms(war, compliance=0.3), seed=1)
    china = m.negotiators["china"]  # and it works on it on fewer days
    assert china.willing_today(m.levers[PURCHASES]) < china.willing_today(m.levers[REFORMS])


def test_a_lagged_verification_judges_what_could_be_seen_then(war):
    m = NegotiationModel(with_terms(war, verification_days=90), seed=1, day=400)
    m.sign("test", {PURCHASES: 0.0, REFORMS: 0.0})
    for _ in range(200):
        m.step()
    us, lever = m.negotiators["us"], m.levers[PURCHASES]
    history = m.columns[PURCHASES]
    then = {round(lever.spec.restrictiveness(history[-k]), 12) for k in (91, 92)}
    assert round(us.seen(lever), 12) in then  # 90 days before today or yesterday's entry
    assert us.seen(lever) > lever.restrictiveness  # it sees less delivered than there is
    assert us.seen(m.levers[REFORMS]) == m.levers[REFORMS].restrictiveness  # no lag of its own


def _shares(scenario, seeds: int) -> list[float]:
    """Per seed: the share of agreed purchases delivered by the end (runs with a deal)."""
    out = []
    for seed in range(seeds):
        m = NegotiationModel(scenario, seed=seed).run_to_end()
        if m.agreement is not None and PURCHASES in m.agreement.terms:
            out.append(m.levers[PURCHASES].value / m.agreement.terms[PURCHASES])
    return out


def _gap(a: list[float], b: list[float]) -> tuple[float, float]:
    diff = statistics.fmean(a) - statistics.fmean(b)
    se = math.hypot(statistics.stdev(a) / math.sqrt(len(a)),
                    statistics.stdev(b) / math.sqrt(len(b)))
    return diff, se


@pytest.mark.slow
def test_a_lower_compliance_on_one_commitment_delivers_less_of_it_over_runs(war):
    diff, se = _gap(_shares(war, 80), _shares(with_terms(war, compliance=0.3), 80))
    assert diff > 0 and diff >= 4 * se, (diff, se)


@pytest.mark.slow
def test_verifying_late_costs_the_deliverer_trust_over_runs(war):
    """US trust in China in the year after a deal, over runs: lower when China's reforms (what
    the US wants most) are verified 90 days late (it sees less delivered than there is)."""
    def trust(scenario) -> list[float]:
        out = []
        for seed in range(80):
            m = NegotiationModel(scenario, seed=seed).run_to_end()
            signed = next((e.day for e in m.entries if e.kind == "agreement"), None)
            if signed is not None and signed + 365 < len(m.columns["us.trust"]):
                out.append(statistics.fmean(m.columns["us.trust"][signed:signed + 365]))
        return out
    diff, se = _gap(trust(war), trust(with_terms(war, REFORMS, verification_days=90)))
    assert diff > 0 and diff >= 4 * se, (diff, se)

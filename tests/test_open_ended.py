"""What runs without an end date ends by a decision, not a clock.

Talks with `term: open` sign an agreement without a term: no clock runs out, and a side that
prefers its lapse ends it at a decision point. A call or summit with `freeze: open` promises talks
"as long as we are negotiating": new measures wait until a side no longer willing to talk walks
out at a decision point. Direction test: the less a side trusts, the sooner it ends an open truce
(4 standard errors). (Bad input: tests/bad_scenarios/term_open_on_a_call.yaml.)
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import replace
from pathlib import Path

from sim.engine import coercion
from sim.engine.model import NegotiationModel
from sim.engine.truce import OPEN
from tests.test_statuses_and_events import entries, meeting, quiet, scripted

TARIFF = "us.tariff_on_china"


def _open_geneva(baseline, **behaviour):
    """Geneva alone, its agreement without a term; ``behaviour`` for both sides."""
    return scripted(baseline, dict.fromkeys(("us", "china"), behaviour) if behaviour else None,
                    meetings=[meeting(baseline, "geneva", open_term=True)])


def test_an_agreement_without_a_term_never_runs_out(baseline):
    m = NegotiationModel(_open_geneva(baseline), seed=1).run_to_end()
    [signed] = entries(m, "agreement")
    assert "agreement without a term, while talks go on" in signed.why
    assert m.agreement is not None and m.agreement.open_ended and m.agreement.days == OPEN
    assert not entries(m, "extension") and not entries(m, "lapse")


def test_a_side_that_prefers_the_lapse_ends_it_at_a_decision_point(baseline):
    m = NegotiationModel(_open_geneva(baseline), seed=1)
    while m.agreement is None:
        m.step()
    trusting = quiet(_open_geneva(baseline), day=m.day, trust=0.9)
    trusting.truce.sign(m.agreement)
    kept = coercion.consider(trusting, trusting.negotiators["china"], "China review")
    assert kept.action != coercion.END  # willing and better off with the terms: it keeps them
    unwilling = quiet(_open_geneva(baseline), day=m.day, trust=0.0)
    unwilling.truce.sign(m.agreement)
    d = coercion.consider(unwilling, unwilling.negotiators["china"], "China review", "rev")
    assert d.action == coercion.END and d.meeting == "rev"
    assert d.why.startswith("China review: China ends the Geneva talks terms: China is unwilling")
    unwilling.apply(d)
    assert unwilling.agreement is None and entries(unwilling, "lapse")


def _open_call(baseline, day: int = 20, **behaviour):
    m = quiet(baseline, day=day, **behaviour)
    m.call_held("leaders_call", "Leaders' call", OPEN)
    return m


def test_an_open_freeze_holds_measures_until_a_side_walks_out(baseline):
    m = _open_call(baseline)
    assert m.truce.freeze_open and m.talks_pending()
    assert "new measures wait while the talks go on" in entries(m, "talks restart")[0].why
    willing = _open_call(baseline, trust=0.9)
    assert coercion.consider(willing, willing.negotiators["us"], "review").action == \
        coercion.HOLD
    walk = _open_call(baseline, trust=0.0)
    d = coercion.consider(walk, walk.negotiators["us"], "US review", "rev")
    assert d.action == coercion.WALK_OUT and "walks out of the talks" in d.why
    assert d.meeting == "rev" and d.news == -0.2  # bad news, as a declined call
    walk.apply(d)
    assert not walk.talks_pending() and entries(walk, "talks end")


def _ended_within(baseline, trust: float, seeds: int) -> list[bool]:
    """Per seed: an open freeze promised on day 20, monthly decision points for both sides:
    did a side walk out within the run?"""
    london = meeting(baseline, "london")
    reviews = [replace(london, name=f"review_{side}_{k}", kind="decision", initiator=side,
                       label="review", agenda=None, date=baseline.start + dt.timedelta(30 * k + 30))
               for k in range(3) for side in ("us", "china")]
    s = scripted(baseline, dict.fromkeys(("us", "china"), {"initial_trust": trust}),
                 meetings=reviews)
    out = []
    for seed in range(seeds):
        m = NegotiationModel(s, seed=seed, day=20)
        m.call_held("leaders_call", "Leaders' call", OPEN)
        m.run_to_end()
        out.append(bool(entries(m, "talks end")))
    return out


def test_the_less_a_side_trusts_the_sooner_it_walks_out(baseline):
    low, high = _ended_within(baseline, 0.25, 60), _ended_within(baseline, 0.6, 60)
    p_low, p_high = sum(low) / 60, sum(high) / 60
    se = math.hypot(math.sqrt(max(p_low * (1 - p_low), 1e-9) / 60),
                    math.sqrt(max(p_high * (1 - p_high), 1e-9) / 60))
    assert p_low - p_high > 0 and p_low - p_high >= 4 * se, (p_low, p_high)


def test_freeze_open_overrides_a_freeze_days_it_inherits(tmp_path):
    """`extends: baseline` and `freeze: open` on its call (whose `freeze_days: 30` is inherited):
    the freeze is open."""
    from sim.scenario.language import load_scenario

    root = Path(__file__).resolve().parent.parent
    file = tmp_path / "open_call.yaml"
    file.write_text(f"extends: {root / 'scenarios' / 'baseline.yaml'}\nname: open_call\n"
                    "meetings:\n  - {name: leaders_call, freeze: open}\n", encoding="utf-8")
    [call] = [m for m in load_scenario(file).meetings if m.name == "leaders_call"]
    assert call.freeze_days == OPEN

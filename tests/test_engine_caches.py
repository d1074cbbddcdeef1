"""What the engine works out once per agreement must follow the agreement in force.

A side's list of promises it watches (``Negotiator.promised``) and the levers' restrictiveness at
signing (``NegotiationModel.at_signing``) are read from an agreement the first day they are needed
and kept while that agreement lasts: a new text (an amendment or a renewal) must be read afresh.
"""

from __future__ import annotations

from sim.engine.model import NegotiationModel


def _expected_promises(model: NegotiationModel, watcher: str) -> set[str]:
    """From the definition: the other side's agreed easings this side wants, not yet trivial."""
    n = model.negotiators[watcher]
    a = model.agreement
    out = set()
    for lever_id, target in a.terms.items():
        lever = model.levers[lever_id]
        if lever.spec.actor == n.actor or not n.utility.wants.get(lever_id):
            continue
        if lever.spec.restrictiveness(a.at_signing[lever_id]) - lever.spec.restrictiveness(
                target) > 1e-6:
            out.add(lever_id)
    return out


def test_promises_and_levels_at_signing_are_read_again_for_a_new_agreement(baseline):
    model = NegotiationModel(baseline, seed=1)
    us = model.negotiators["us"]
    model.sign("first", {"china.rare_earth_licensing": 0.3})
    first = model.agreement
    assert {lv.spec.id for lv, *_ in us.promised(first)} == _expected_promises(model, "us")
    assert model.at_signing(first) == {"china.rare_earth_licensing": 0.8}

    rare_earths = model.levers["china.rare_earth_licensing"]
    rare_earths.value = 0.5  # delivered in part before the next text is signed
    model.sign("second", {"china.tariff_on_us": 0.1, "china.rare_earth_licensing": 0.2},
               renewal=True)
    second = model.agreement
    assert second is not first
    promised = {lv.spec.id for lv, *_ in us.promised(second)}
    assert promised == _expected_promises(model, "us") == {"china.rare_earth_licensing",
                                                           "china.tariff_on_us"}
    levels = model.at_signing(second)
    assert levels["china.rare_earth_licensing"] == rare_earths.spec.restrictiveness(0.5)
    assert set(levels) == set(second.at_signing)

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
    assert model.memory.at_signing(first) == {"china.rare_earth_licensing": 0.8}

    rare_earths = model.levers["china.rare_earth_licensing"]
    rare_earths.set(0.5)  # delivered in part before the next text is signed
    model.sign("second", {"china.tariff_on_us": 0.1, "china.rare_earth_licensing": 0.2},
               renewal=True)
    second = model.agreement
    assert second is not first
    promised = {lv.spec.id for lv, *_ in us.promised(second)}
    assert promised == _expected_promises(model, "us") == {"china.rare_earth_licensing",
                                                           "china.tariff_on_us"}
    levels = model.memory.at_signing(second)
    assert levels["china.rare_earth_licensing"] == rare_earths.spec.restrictiveness(0.5)
    assert set(levels) == set(second.at_signing)


def test_own_terms_and_references_since_signing_follow_a_new_agreement(baseline):
    """What a side implements (``own_terms``) and what it measures new restrictions from
    (``since_signing``) are read from the agreement in force, afresh for a new text.
    ``since_signing`` is asked directly, on the model's day (``new_restrictions`` asks it from
    the day after the signing); both levers here are in the texts, so no day's history is read."""
    model = NegotiationModel(baseline, seed=1)
    us, china = model.negotiators["us"], model.negotiators["china"]
    model.sign("first", {"china.rare_earth_licensing": 0.3, "us.tariff_on_china": 0.5})
    first = model.agreement
    assert [k for k, _, _ in china.own_terms(first)] == ["china.rare_earth_licensing"]
    refs = model.memory.since_signing(first, us._watching, model.day)
    assert {lever.spec.id: ref for lever, _, ref in refs}["china.rare_earth_licensing"] == 0.8

    model.levers["china.rare_earth_licensing"].set(0.5)
    model.sign("second", {"china.tariff_on_us": 0.1, "china.rare_earth_licensing": 0.2},
               renewal=True)
    second = model.agreement
    assert {k for k, _, _ in china.own_terms(second)} == {"china.rare_earth_licensing",
                                                          "china.tariff_on_us"}
    assert {lever.spec.id: ref for lever, _, ref in model.memory.since_signing(second, us._watching,
                                                                   model.day)
            }["china.rare_earth_licensing"] == model.levers["china.rare_earth_licensing"].spec \
        .restrictiveness(0.5)


def test_a_lever_keeps_its_restrictiveness_with_its_value(baseline):
    """Set by the engine or by hand, a lever's restrictiveness is always that of its value,
    and clipping to a bound gives the bound itself."""
    model = NegotiationModel(baseline, seed=1)
    for lever in model.levers.values():
        for value in (lever.spec.min, lever.spec.max, 0.3 * lever.spec.max):
            lever.set(value)
            assert lever.restrictiveness == lever.spec.restrictiveness(value)
        lever.command(lever.spec.max + 1.0)
        assert lever.order is lever.spec.max
        lever.command(float(lever.spec.min))  # equal to the bound: the bound (an int from YAML)
        assert lever.order is lever.spec.min
        lever.advance()
        assert lever.restrictiveness == lever.spec.restrictiveness(lever.value)

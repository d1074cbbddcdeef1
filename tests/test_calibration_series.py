"""Calibration reads the record's series too (issue 25, item 6): the record a calibration fits
(``record_to_fit``) carries the series beside it when the scenario has a trade layer, and each
calibration run is scored on the trade layer's flows as `sim run` and `sim validate` score
them; a scenario without a trade layer is fitted exactly as before."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from sim.experiments import distance
from sim.record.lookup import record_for, record_to_fit
from sim.record.series_score import PREFIX, SeriesRecord
from sim.scenario.language import load_scenario

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"


@pytest.fixture(scope="module")
def war():
    return load_scenario(SCENARIOS / "trade_war_2018.yaml")


def _series(record) -> list[int]:
    return [i for i, o in enumerate(record.observations) if o.quantity.startswith(PREFIX)]


def test_the_record_a_calibration_fits_has_the_series_of_a_trade_dispute(war):
    record = record_to_fit(war)
    assert isinstance(record, SeriesRecord) and len(_series(record)) > 20
    baseline = load_scenario(SCENARIOS / "baseline.yaml")
    assert record_to_fit(baseline) == record_for(baseline)  # nothing to add: as before


def test_a_calibration_run_is_scored_on_the_series(war):
    record = record_to_fit(war)
    episode = distance.Episode(war.name, war, record, ())
    cols = distance.columns(episode, (), 0)
    assert all(m.quantity in cols for m in record.measured)
    fit, misses = distance.score(record, cols)
    assert len(misses) == episode.size()
    on_series = misses[_series(record)]
    # each a continuous miss in reading errors: some periods within the band, some not
    assert np.all(np.isfinite(on_series)) and (on_series < 1).any() and (on_series > 1).any()
    # the distance moves with the series: the same run scored without them fits differently
    plain = record_for(war)
    assert not math.isclose(fit, distance.fit(plain, {k: cols[k] for k in cols
                                                      if not k.startswith(PREFIX)}))


def test_a_sweep_cell_and_the_mesa_model_fit_as_sim_run_does(war):
    """A sweep's (and so a sensitivity analysis's) fit of a run, and the Mesa interop model's,
    are `sim run`'s fit of the same run: the series included."""
    from sim.engine.model import NegotiationModel
    from sim.experiments.mesa_model import ScenarioModel
    from sim.experiments.sweep import make_cell_plan, outcomes_of
    from sim.record import fit as run_fit

    plan = make_cell_plan(war)
    assert isinstance(plan.record, SeriesRecord)
    model = NegotiationModel(war, seed=7).run_to_end()
    expected = run_fit.score(model.columns, war).summary.fit
    ids = [o.id for o in plan.outcomes]
    assert outcomes_of(plan, model)[ids.index("fit")] == pytest.approx(expected, rel=1e-12)
    interop = ScenarioModel(war, seed=7)
    interop.run_to_end()
    assert interop.outcomes()["fit"] == pytest.approx(expected, rel=1e-12)

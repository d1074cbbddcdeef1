"""Mesa's own tools run the model: mesa.batch_run with a scenario path (or name) and overrides."""

from __future__ import annotations

from pathlib import Path

import mesa

import sim
from sim.engine.model import NegotiationModel
from sim.experiments.mesa_model import ScenarioModel

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "scenarios" / "baseline.yaml"


def test_batch_run_with_a_scenario_path_and_overrides():
    rows = mesa.batch_run(ScenarioModel, {
        "scenario": str(BASELINE),
        "overrides": [{}, {"meetings.leaders_call": None}],
        "actors.us.behaviour.patience": [0.2, 0.8],
    }, rng=[11, 12], number_processes=1, display_progress=False)
    assert len(rows) == 8
    row = rows[0]
    assert row["seed"] == 11 and row["overrides"] == {}
    for key in ("agreement.london", "call.leaders_call", "final.us.tariff_on_china", "fit",
                "status"):
        assert key in row, key
    no_call = [r for r in rows if r["overrides"]]
    assert all(r["call.leaders_call"] == 0.0 for r in no_call)
    assert any(r["call.leaders_call"] == 1.0 for r in rows if not r["overrides"])


def test_same_seed_same_run_as_the_engine_model():
    """Built from a name and an override, the model is the engine's model of that scenario."""
    from sim.scenario.language import apply_overrides, load_scenario

    a = ScenarioModel("baseline", seed=5, **{"actors.us.behaviour.patience": 0.9}).run_to_end()
    spec = apply_overrides(load_scenario(BASELINE), {"actors.us.behaviour.patience": 0.9})
    b = NegotiationModel(spec, seed=5).run_to_end()
    assert a.columns == b.columns
    assert sim.ScenarioModel is ScenarioModel

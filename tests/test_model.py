"""Behaviour of the negotiation model, each test naming the behaviour that would break."""

from __future__ import annotations

import ast
import copy
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from code_scan import code_words

from sim.engine.model import STATUSES, NegotiationModel
from sim.engine.truce import Agreement
from sim.experiments import runs

ROOT = Path(__file__).resolve().parent.parent


def with_behaviour(scenario, actor: str, **params):
    """A copy of ``scenario`` whose ``actor`` has these behaviour parameters."""
    s = copy.copy(scenario)
    spec = scenario.actors[actor]
    behaviour = spec.behaviour.with_values(**params)
    s.actors = {**scenario.actors, actor: replace(spec, behaviour=behaviour)}
    return s


def without_meeting(scenario, name: str):
    s = copy.copy(scenario)
    s.meetings = [m for m in scenario.meetings if m.name != name]
    return s


def test_baseline_runs_end_to_end(baseline):
    model = NegotiationModel(baseline).run_to_end()
    assert model.columns["date"][0] == baseline.start
    assert model.columns["date"][-1] == baseline.end
    assert len(model.columns["date"]) == baseline.days
    assert set(model.columns["status"]) <= set(STATUSES)
    kinds = {e.kind for e in model.entries}
    assert "agreement" in kinds


def test_same_seed_gives_byte_identical_outputs(baseline):
    a, b = runs.run_once(baseline, seed=11), runs.run_once(baseline, seed=11)
    assert runs.timeline_csv(a.columns) == runs.timeline_csv(b.columns)
    assert runs.events_csv(a.events) == runs.events_csv(b.events)


def test_different_seeds_differ(baseline):
    a, b = runs.run_once(baseline, seed=1), runs.run_once(baseline, seed=2)
    assert runs.timeline_csv(a.columns) != runs.timeline_csv(b.columns)


@pytest.mark.parametrize("seed", range(8))
def test_levers_never_leave_their_bounds(baseline, seed):
    scenario = with_behaviour(baseline, "us", preset="hawk", restraint=0.0, reciprocity=1.0)
    model = NegotiationModel(scenario, seed=seed).run_to_end()
    for lever in scenario.levers:
        values = model.columns[lever.id]
        assert min(values) >= lever.min and max(values) <= lever.max, lever.id


def test_more_compliant_side_implements_faster(baseline):
    """With an agreement signed, China's licensing climbs sooner the more compliant it is."""
    def progress(compliance: float) -> float:
        total = 0.0
        for seed in range(10):
            model = NegotiationModel(with_behaviour(baseline, "china", compliance=compliance),
                                     seed=seed)
            lever = model.levers["china.rare_earth_licensing"]
            model.truce.sign(Agreement("test", 0, 90, {lever.spec.id: 0.9},
                                       {lever.spec.id: lever.value}))
            for _ in range(20):
                model.negotiators["china"].implement(model.agreement)
                lever.advance()
            total += lever.value
        return total / 10

    assert progress(1.0) > progress(0.5) > progress(0.1)


def test_a_breach_lowers_trust(baseline):
    """A new restriction during an agreement lowers the other side's trust."""
    model = NegotiationModel(baseline, seed=3)
    chips = model.levers["us.chip_controls"]
    model.truce.sign(Agreement("test", 0, 90, {}, {}))
    china = model.negotiators["china"]
    china.observe(model.agreement)
    before = china.trust
    model.begin_day()  # the next day: the levers as they stood are history
    chips.set(chips.spec.value_at(chips.restrictiveness + 0.3))
    china.observe(model.agreement)
    assert china.trust < before


def test_delivered_promises_raise_trust(baseline):
    model = NegotiationModel(baseline, seed=3)
    us = model.negotiators["us"]
    lever = model.levers["china.rare_earth_licensing"]
    model.truce.sign(Agreement("test", 0, 90, {lever.spec.id: 0.8}, {lever.spec.id: 0.2}))
    lever.set(0.8)
    before = us.trust
    for _ in range(10):
        us.observe(model.agreement)
    assert us.trust > before


def test_removing_the_call_changes_what_follows(baseline):
    with_call = runs.run_once(baseline, seed=5)
    without = runs.run_once(without_meeting(baseline, "leaders_call"), seed=5)
    call_day = next(m.date for m in baseline.meetings if m.name == "leaders_call")
    i = with_call.columns["date"].index(call_day)
    before = [runs.timeline_csv({k: v[:i] for k, v in r.columns.items()})
              for r in (with_call, without)]
    after = [runs.timeline_csv({k: v[i:] for k, v in r.columns.items()})
             for r in (with_call, without)]
    assert before[0] == before[1], "the run must be the same up to the call"
    assert after[0] != after[1], "the call must change what follows"


def test_removing_the_call_lowers_us_trust_before_london_on_every_seed(baseline):
    london = next(m.date for m in baseline.meetings if m.name == "london")
    diffs = []
    for seed in range(10):
        a = runs.run_once(baseline, seed=seed).columns
        b = runs.run_once(without_meeting(baseline, "leaders_call"), seed=seed).columns
        i = a["date"].index(london) - 1
        diffs.append(a["us.trust"][i] - b["us.trust"][i])
    assert min(diffs) > 0


def test_the_baseline_geneva_cut_emerges_from_talks(baseline):
    """No tariff value is typed in: the cut comes from an agreement reached in the talks."""
    model = NegotiationModel(baseline, seed=2025).run_to_end()
    agreements = [e for e in model.entries if e.kind == "agreement"]
    assert agreements and agreements[0].meeting == "geneva"
    assert model.columns["us.tariff_on_china"][-1] < 145


def test_the_geneva_agreement_leaves_visa_restrictions_alone(baseline):
    model = NegotiationModel(baseline, seed=1).run_to_end()
    geneva = next(e for e in model.entries if e.kind == "agreement" and e.meeting == "geneva")
    assert "visa" not in geneva.why


def test_model_code_never_reads_the_record():
    """The documented record is for comparison only: no model module imports it."""
    model_modules = [*sorted((ROOT / "sim" / "engine").glob("*.py")),
                     *sorted((ROOT / "sim" / "scenario").glob("*.py"))]
    for path in model_modules:
        name = path.name
        tree = ast.parse(path.read_text())
        imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        imported |= {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        # the record language (its keys, for the generated docs table) is grammar, not the record
        imported -= {"sim.scenario.record_language"}
        assert not any("record" in m or "scorecard" in m or "comparison" in m for m in imported), \
            name


@pytest.mark.slow  # a fresh Python process
def test_importing_the_model_loads_no_record_module():
    code = ("import sys, sim.engine.model, sim.scenario.language; "
            "print(any(m.startswith('sim.record') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_engine_names_no_country_or_lever():
    """Scenario = data: the engine's code names no actor, place or lever."""
    words = ["china", "chinese", "geneva", "london", "tariff", "rare_earth", "trump", "chip"]
    # scenario.py is left out: its schema carries documentation examples drawn from the baseline
    engine = [*sorted((ROOT / "sim" / "engine").glob("*.py")),
              ROOT / "sim" / "scenario" / "yamlio.py", ROOT / "sim" / "experiments" / "runs.py"]
    for path in engine:
        name = path.stem
        text = code_words(path)
        for word in words:
            assert word not in text, f"{name}.py names `{word}`"


def test_mesa_batch_run_drives_the_model_directly(baseline):
    import mesa

    rows = mesa.batch_run(NegotiationModel, {"scenario": [baseline], "seed": [1, 2]},
                          rng=[None], max_steps=10_000, number_processes=1,
                          data_collection_period=-1, display_progress=False)
    rows = sorted(rows, key=lambda r: r["RunId"])
    assert len(rows) == 2
    alone = NegotiationModel(baseline, seed=rows[0]["seed"]).run_to_end()
    assert rows[0]["us.tariff_on_china"] == alone.columns["us.tariff_on_china"][-1]
    assert rows[0]["status"] == alone.columns["status"][-1]

"""sim validate: null worlds built from the scenario, common seeds, paired intervals, files."""

from __future__ import annotations

import csv

import numpy as np
import pytest

from sim.cli import main
from sim.engine.model import NegotiationModel
from sim.experiments import validation as v
from sim.experiments.task_map import mapper
from sim.record.lookup import record_for
from sim.scenario.bundled import scenarios_dir
from sim.scenario.language import load_scenario


@pytest.fixture(scope="module")
def baseline():
    return load_scenario(scenarios_dir() / "baseline.yaml")


@pytest.fixture(scope="module")
def report(baseline):
    return v.validate(baseline, record_for(baseline), 4, mapper=mapper(1))


def test_worlds_remove_each_meeting_of_the_scenario(baseline):
    names = [w.name for w in v.worlds(baseline)]
    assert names[:4] == ["scenario", "levers_frozen", "calendar_only", "random_dispositions"]
    assert names[4:] == [f"without_{m.name}" for m in baseline.meetings]
    for w in v.worlds(baseline)[4:]:
        assert len(w.scenario.meetings) == len(baseline.meetings) - 1


def test_frozen_world_keeps_every_lever_at_its_initial_value(baseline):
    cols = NegotiationModel(v.frozen(baseline), seed=3).run_to_end().columns
    for lever in baseline.levers:
        assert set(cols[lever.id]) == {lever.initial}, lever.id
    moved = NegotiationModel(baseline, seed=3).run_to_end().columns
    assert any(len(set(moved[lever.id])) > 1 for lever in baseline.levers)


def test_calendar_status_changes_only_on_meeting_days(baseline):
    status = v.calendar_status(baseline)
    assert len(status) == baseline.days and status[0] == "escalating"
    days = {(m.date - baseline.start).days for m in baseline.meetings if m.date}
    changes = {d for d in range(1, len(status)) if status[d] != status[d - 1]}
    assert changes and changes <= days


def test_random_dispositions_differ_from_run_to_run(baseline):
    world = v.random_dispositions(baseline)
    first = [NegotiationModel(world, seed=s).negotiators for s in (1, 2)]
    actor = next(iter(baseline.actors))
    assert first[0][actor].behaviour != first[1][actor].behaviour


def test_scenario_against_itself_is_zero_and_null_worlds_score_worse(report):
    rows = {r["world"]: r for r in report.rows()}
    assert rows["scenario"]["fit_diff"] == 0.0
    # a score that cannot fail would give the frozen world the scenario's score
    for name in ("levers_frozen", "calendar_only"):
        assert rows[name]["fit_low"] > 0.1 and rows[name]["behaviour_fit_low"] > 0.1


def test_fixed_observations_are_those_both_still_worlds_hit(report):
    assert report.fixed  # status words the calendar alone produces
    ids = [o.id for o in report.record.observations]
    frozen = report.scores["fit"][1]
    assert np.all(np.isfinite(frozen))
    assert set(report.fixed) <= set(ids)
    # the behaviour fit leaves them out, so frozen worlds lose more on it
    rows = {r["world"]: r for r in report.rows()}
    assert rows["levers_frozen"]["behaviour_fit"] < rows["levers_frozen"]["fit"]


def test_paired_interval_excludes_zero_only_for_a_consistent_difference():
    a = np.array([0.8, 0.81, 0.79, 0.8])
    assert v.paired(a, a - 0.05)["low"] > 0
    noisy = v.paired(a, a + np.array([0.1, -0.1, 0.1, -0.1]))
    assert noisy["low"] < 0 < noisy["high"]


def test_sim_validate_writes_table_figure_and_manifest(tmp_path, capsys):
    out = tmp_path / "val"
    assert main(["validate", str(scenarios_dir() / "baseline.yaml"), "--runs", "3", "--out",
                 str(out)]) == 0
    rows = list(csv.DictReader((out / "validate.csv").open()))
    assert rows[0]["world"] == "scenario" and len(rows) >= 5
    assert (out / "validate.png").stat().st_size > 10_000
    assert "levers_frozen" in capsys.readouterr().out


def test_sim_validate_needs_two_runs(tmp_path, capsys):
    assert main(["validate", str(scenarios_dir() / "baseline.yaml"), "--runs", "1", "--out",
                 str(tmp_path / "x")]) == 2
    assert "--runs" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()

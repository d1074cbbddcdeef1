"""Ensembles and comparisons: seeds, serial = parallel, reproducible runs, common random numbers,
interrupted ensembles. Small ensembles only; nothing here is timed."""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
import yaml

from sim.cli import compare as cli_compare
from sim.cli import run as cli_run
from sim.experiments import compare, ensemble, ensemble_files, executors
from sim.experiments.runs import run_once, timeline_csv
from sim.record import outcomes
from sim.scenario.language import load_scenario
from sim.views import terminal

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "scenarios" / "baseline.yaml"


@pytest.fixture(scope="module")
def baseline():
    return load_scenario(BASELINE)


@pytest.fixture(scope="module")
def no_call_file(tmp_path_factory) -> Path:
    """The baseline without the leaders' call (independent of scenarios/no_call.yaml)."""
    data = yaml.safe_load(BASELINE.read_text())
    data["name"] = "no_call_test"
    data["record"] = str(BASELINE.parent / data["record"])  # a copy elsewhere: the same record
    data["meetings"] = [m for m in data["meetings"] if m["kind"] != "call"]
    path = tmp_path_factory.mktemp("scenarios") / "no_call_test.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def run_args(**kw) -> argparse.Namespace:
    base = {"runs": 30, "jobs": 1, "seed": None, "timelines": False, "no_plots": True}
    return argparse.Namespace(**{**base, **kw})


def aggregate_texts(ens: ensemble.Ensemble) -> dict[str, str]:
    table = ens.outcome_stats()
    return {"ensemble": ensemble_files.ensemble_csv(ens), "status": ensemble_files.status_csv(ens),
            "outcomes": ensemble_files.outcomes_csv(table), "runs": ensemble_files.runs_csv(ens),
            "scorecard": ensemble_files.scorecard_csv(ens)}


def test_seed_rule_matches_seed_sequence_spawn():
    children = np.random.SeedSequence(2025).spawn(12)
    for i, child in enumerate(children):
        assert ensemble.seed_for(2025, i) == int(child.generate_state(1)[0])
    assert len({ensemble.seed_for(7, i) for i in range(1000)}) == 1000


def test_serial_and_parallel_give_identical_aggregates(baseline):
    serial = executors.run_ensemble(baseline, 40, jobs=1)
    parallel = executors.run_ensemble(baseline, 40, jobs=2)
    assert serial.finished == parallel.finished == 40
    assert parallel.start_method != "none"
    for name in ("values", "status", "outcomes", "hits", "marks", "seeds"):
        assert np.array_equal(getattr(serial, name), getattr(parallel, name), equal_nan=True), name
    assert aggregate_texts(serial) == aggregate_texts(parallel)


def test_command_output_is_byte_identical_for_any_jobs(baseline, tmp_path, capsys):
    folders = {}
    for jobs in (1, 2):
        out = tmp_path / f"jobs{jobs}"
        assert cli_run.ensemble_command(baseline, run_args(runs=24, jobs=jobs, no_plots=False),
                                    out, progress=lambda done, total: None) == 0
        folders[jobs] = out
    names = sorted(p.name for p in folders[1].iterdir())
    assert names == sorted(p.name for p in folders[2].iterdir())
    assert {"ensemble.csv", "outcomes.csv", "outcomes.json", "runs.csv", "scorecard.csv",
            "status.csv", "manifest.json", "levers.png", "trust_pressure.png"} <= set(names)
    for name in names:
        if name not in ("manifest.json", "report.html"):  # they record --jobs and the time
            assert (folders[1] / name).read_bytes() == (folders[2] / name).read_bytes(), name
    info = json.loads((folders[2] / "manifest.json").read_text())
    assert info["partial"] is False
    assert info["ensemble"]["runs"] == 24 and info["ensemble"]["jobs"] == 2
    assert "SeedSequence" in info["ensemble"]["seeds"]
    assert "PARTIAL" not in capsys.readouterr().out


def test_run_i_is_reproducible_alone(baseline, tmp_path):
    timelines = tmp_path / "timelines"
    timelines.mkdir()
    ens = executors.run_ensemble(baseline, 12, jobs=2, timelines=timelines)
    for i in (0, 7, 11):
        seed = ensemble.seed_for(baseline.seed, i)
        assert int(ens.seeds[i]) == seed
        alone = run_once(baseline, seed=seed, run=i)
        assert (timelines / f"run-{i:05d}.timeline.csv").read_text() == \
            timeline_csv(alone.columns)
        values = np.array([alone.columns[q] for q in ens.plan.quantities], dtype=np.float32)
        assert np.array_equal(ens.values[i], values)
    # the run does not depend on the ensemble's size either
    small = executors.run_ensemble(baseline, 8)
    assert np.array_equal(small.values[7], ens.values[7])


def test_runs_csv_lists_the_seed_of_every_run(baseline):
    ens = executors.run_ensemble(baseline, 5, seed=11)
    rows = list(csv.DictReader(io.StringIO(ensemble_files.runs_csv(ens))))
    assert [int(r["seed"]) for r in rows] == [ensemble.seed_for(11, i) for i in range(5)]


def test_compare_uses_common_random_numbers(baseline, no_call_file, tmp_path, capsys):
    out = tmp_path / "cmp"
    args = argparse.Namespace(scenarios=[BASELINE, no_call_file], runs=20, jobs=2, seed=None,
                              out=out)
    assert cli_compare.compare_command(args, progress=lambda done, total: None) == 0
    seeds = {}
    for name in ("baseline", "no_call_test"):
        rows = list(csv.DictReader((out / name / "runs.csv").open()))
        seeds[name] = [int(r["seed"]) for r in rows]
    assert seeds["baseline"] == seeds["no_call_test"] == \
        [ensemble.seed_for(baseline.seed, i) for i in range(20)]
    rows = list(csv.DictReader((out / "compare.csv").open()))
    final = [r for r in rows if r["outcome"] == "final.us.tariff_on_china"
             and r["scenario"] == "no_call_test"]
    assert final and final[0]["method"] == "paired" and final[0]["pairs"] == "20"
    call = [r for r in rows if r["outcome"] == "call.leaders_call"
            and r["scenario"] == "no_call_test"]
    assert call[0]["difference"] == ""  # the call is not in the second scenario
    assert {"compare.md", "levers.png", "trust_pressure.png", "manifest.json"} <= \
        {p.name for p in out.iterdir()}
    printed = capsys.readouterr().out
    assert "no_call_test − baseline (95 % CI)" in printed


def test_a_scenario_compared_with_itself_differs_by_nothing(baseline):
    a, b = executors.run_ensembles([baseline, baseline], 15, jobs=2)
    assert np.array_equal(a.seeds, b.seeds)
    rows = compare.compare_table([a, b], ["a", "b"])
    for row in rows:
        if row["scenario"] == "b" and math.isfinite(row["difference"]):
            assert row["difference"] == 0.0, row["outcome"]


@pytest.mark.parametrize("jobs", [1, 2])
def test_interrupted_ensemble_leaves_a_valid_partial_result(baseline, tmp_path, capsys, jobs):
    def interrupt_after_7(done, total):
        if done == 7:
            raise KeyboardInterrupt

    out = tmp_path / "partial"
    code = cli_run.ensemble_command(baseline, run_args(runs=60, jobs=jobs), out,
                                progress=interrupt_after_7)
    assert code == 130
    info = json.loads((out / "manifest.json").read_text())
    assert info["partial"] is True
    assert info["ensemble"]["runs"] == 7 and info["ensemble"]["runs_requested"] == 60
    result = json.loads((out / "outcomes.json").read_text())
    assert result["partial"] is True and result["runs"] == 7
    rows = list(csv.DictReader((out / "runs.csv").open()))
    assert len(rows) == 7
    for row in rows:  # every kept run is a finished run with its own seed
        assert int(row["seed"]) == ensemble.seed_for(baseline.seed, int(row["run"]))
    quantiles = list(csv.DictReader((out / "ensemble.csv").open()))
    assert quantiles and all(r["runs"] == "7" and r["p50"] != "" for r in quantiles)
    assert "PARTIAL" in capsys.readouterr().out
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no scratch left


def test_interrupted_compare_is_partial(baseline, no_call_file, tmp_path):
    def interrupt(done, total):
        if done == 9:
            raise KeyboardInterrupt

    out = tmp_path / "cmp"
    args = argparse.Namespace(scenarios=[BASELINE, no_call_file], runs=50, jobs=1, seed=3,
                              out=out)
    assert cli_compare.compare_command(args, progress=interrupt) == 130
    info = json.loads((out / "manifest.json").read_text())
    assert info["partial"] is True and info["compare"]["runs_compared"] == 4  # runs 0-3 of both
    assert "PARTIAL" in (out / "compare.md").read_text()


def fake_run(entries, status, levers=None):
    return SimpleNamespace(entries=[SimpleNamespace(day=d, kind=k, meeting=m)
                                    for d, k, m in entries],
                           columns={"status": status, **(levers or {})})


def test_outcome_values_follow_their_definitions_on_scripted_logs(baseline):
    defs = outcomes.outcome_list(baseline)
    ids = [o.id for o in defs]
    lever_columns = {lv.id: [1.0, 2.0] for lv in baseline.levers}

    def values(run):
        return dict(zip(ids, outcomes.outcome_values(run, defs, fit=0.5), strict=True))

    calm = values(fake_run([(3, "agreement", "geneva"), (5, "talks restart", "leaders_call"),
                            (6, "no agreement", "london")],
                           ["escalating"] * 3 + ["truce"] * 5, lever_columns))
    assert calm["agreement.geneva"] == 1 and calm["agreement.london"] == 0
    assert calm["held.london"] == 1 and calm["call.leaders_call"] == 1
    assert calm["collapse"] == 0 and calm["collapse_given_truce"] == 0
    assert calm["days_to_first_agreement"] == 3
    assert calm["final.us.tariff_on_china"] == 2.0 and calm["final_status.truce"] == 1
    lapsed = values(fake_run([(3, "agreement", "geneva"), (9, "lapse", "geneva")],
                             ["escalating"] * 3 + ["truce"] * 7, lever_columns))
    assert lapsed["collapse"] == 1
    relapsed = values(fake_run([(2, "agreement", "geneva")],
                               ["escalating", "escalating", "truce", "escalating"],
                               lever_columns))
    assert relapsed["collapse"] == 1
    never = values(fake_run([(4, "talks not held", "geneva")], ["escalating"] * 6,
                            lever_columns))
    assert never["collapse"] == 0 and math.isnan(never["collapse_given_truce"])
    assert math.isnan(never["days_to_first_agreement"]) and never["held.geneva"] == 0


def test_paired_and_unpaired_differences():
    a = np.array([0.0, 1.0, 0.0, 1.0])
    same = compare.paired_difference(a, a.copy())
    assert same["difference"] == 0 and same["difference_se"] == 0 and same["pairs"] == 4
    d = compare.paired_difference(a, a + np.array([1.0, 0.0, 1.0, 0.0]))
    assert d["method"] == "paired" and d["difference"] == 0.5
    cond = compare.paired_difference(np.array([1.0, np.nan, 3.0]), np.array([2.0, 4.0, np.nan]))
    assert cond["method"] == "unpaired" and cond["difference"] == 1.0


def test_progress_bar_is_silent_off_a_terminal_except_the_last_line():
    stream = io.StringIO()
    bar = terminal.ProgressBar("baseline", stream=stream)
    for k in range(1, 11):
        bar(k, 10)
    assert stream.getvalue() == ""
    bar.finish(10, 10, partial=False)
    assert stream.getvalue().count("\n") == 1 and "10 runs" in stream.getvalue()


def test_bad_arguments_are_user_errors(baseline):
    from sim.errors import UserError

    with pytest.raises(UserError):
        executors.run_ensemble(baseline, 0)
    with pytest.raises(UserError):
        executors.run_ensemble(baseline, 3, jobs=0)
    with pytest.raises(UserError):
        executors.run_ensemble(baseline, 3, seed=-1)

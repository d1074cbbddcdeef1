"""sim calibrate: free values found generically, a small ABC-SMC, resume, outputs, --until."""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest

from sim.cli import main
from sim.errors import UserError
from sim.experiments import abc_smc, posterior, priors
from sim.experiments.task_map import mapper
from sim.record.lookup import record_for
from sim.scenario.bundled import scenarios_dir
from sim.scenario.language import load_scenario

BASELINE = scenarios_dir() / "baseline.yaml"


@pytest.fixture(scope="module")
def baseline():
    return load_scenario(BASELINE)


def test_free_values_come_from_the_scenario_with_documented_ranges(baseline):
    free = {p.key: p for p in priors.free_values(baseline)}
    assumed = [lv for lv in baseline.levers if lv.source.startswith("assumption")]
    assert assumed and all(f"actors.{lv.actor}.levers.{lv.name}.initial" in free
                           for lv in assumed)
    documented = [lv for lv in baseline.levers if not lv.source.startswith("assumption")]
    assert not any(f"actors.{lv.actor}.levers.{lv.name}.initial" in free for lv in documented)
    for p in free.values():
        assert p.low <= p.value <= p.high


def test_priors_file_narrows_fixes_and_names_the_line(baseline, tmp_path):
    free = priors.free_values(baseline)
    key, other = free[0].key, free[1].key
    path = tmp_path / "p.yaml"
    path.write_text(f"{key}: [0.1, 0.2]\n{other}: fixed\n")
    out = {p.key: p for p in priors.apply_priors_file(baseline, free, path)}
    assert (out[key].low, out[key].high) == (0.1, 0.2) and other not in out
    path.write_text(f"{key}: [0.1, 0.2]\nnot.a.key: [0, 1]\n")
    with pytest.raises(UserError) as err:
        priors.apply_priors_file(baseline, free, path)
    assert "p.yaml:2:" in str(err.value) and "not.a.key" in str(err.value)


def _problem(baseline, keys=2):
    free = [p for p in priors.free_values(baseline) if "behaviour" in p.key][:keys]
    return abc_smc.Problem(baseline, free, record_for(baseline))


def test_abc_smc_is_the_same_serial_and_parallel_and_resumes(baseline, tmp_path):
    problem = _problem(baseline)
    one, _ = abc_smc.run(problem, budget=24, population=6, mapper=mapper(1),
                         folder=tmp_path / "a")
    two, _ = abc_smc.run(problem, budget=24, population=6, mapper=mapper(2),
                         folder=tmp_path / "b")
    assert len(one) >= 2
    for g1, g2 in zip(one, two, strict=True):
        assert np.array_equal(g1.theta, g2.theta) and np.array_equal(g1.weights, g2.weights)
    # resuming with a larger budget continues after the last finished generation
    ran = []

    def counting(fn, context, tasks):
        ran.extend(tasks)
        return mapper(1)(fn, context, tasks)

    more, _ = abc_smc.run(problem, budget=60, population=6, mapper=counting,
                          folder=tmp_path / "a")
    assert len(more) > len(one)
    assert len(ran) <= 60 - one[-1].runs_used  # finished generations are not run again
    assert np.array_equal(more[0].theta, one[0].theta)
    assert more[-1].epsilon <= one[-1].epsilon


def test_later_generations_close_in_on_lower_distances(baseline, tmp_path):
    gens, _ = abc_smc.run(_problem(baseline), budget=60, population=10, mapper=mapper(1),
                          folder=tmp_path)
    assert np.median(gens[-1].distances) < np.median(gens[0].distances)
    for prev, gen in zip(gens, gens[1:], strict=False):
        assert gen.epsilon <= np.quantile(prev.distances, abc_smc.QUANTILE)
        assert gen.epsilon < prev.epsilon or np.all(prev.distances >= prev.epsilon)
        assert np.all(gen.distances <= gen.epsilon)  # only runs within the tolerance are kept
    assert abs(gens[-1].weights.sum() - 1) < 1e-9


def test_record_split_in_time(baseline):
    record = record_for(baseline)
    day = max(o.end for o in record.observations)
    before, after = posterior.split(record, day)
    assert len(before.observations) + len(after.observations) == len(record.observations)
    assert all(o.end < day for o in before.observations)
    assert after.observations and all(o.end >= day for o in after.observations)


def test_sim_calibrate_writes_everything_and_the_calibrated_scenario_loads(tmp_path, capsys):
    out = tmp_path / "cal"
    code = main(["calibrate", str(BASELINE), "--budget", "24", "--population", "6",
                 "--checks", "3", "--until", "2025-06-05", "--out", str(out),
                 "--method", "builtin", "--no-screen"])
    assert code == 0
    for name in ("posterior.csv", "identifiability.csv", "marginals.png", "pairs.png",
                 "calibrated.yaml", "summary.json", "predictive/levers.png"):
        assert (out / name).exists(), name
    rows = list(csv.DictReader((out / "identifiability.csv").open()))
    assert {"prior_sd", "posterior_sd", "sd_ratio"} <= set(rows[0])
    scenario = load_scenario(out / "calibrated.yaml")
    assert scenario.name == load_scenario(BASELINE).name
    summary = json.loads((out / "summary.json").read_text())
    assert summary["held_out_observations"] > 0 and "out_post" in summary
    assert 1 <= summary["effective_sample_size"] <= 6 and summary["method"] == "builtin"
    assert "out of sample" in capsys.readouterr().out


@pytest.mark.parametrize("stop", ["SIGINT", "SIGTERM"])
def test_ctrl_c_keeps_finished_generations_and_says_so(tmp_path, stop):
    import signal
    import subprocess
    import sys
    import time

    out = tmp_path / "cal"
    cmd = [sys.executable, "-m", "sim", "calibrate", str(BASELINE), "--budget", "100000",
           "--population", "8", "--checks", "2", "--out", str(out), "--method", "builtin",
           "--no-screen"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    first = out / "generations" / "gen-001.csv"
    for _ in range(600):  # wait (up to a minute) for two finished generations
        if first.exists() or proc.poll() is not None:
            break
        time.sleep(0.1)
    proc.send_signal(getattr(signal, stop))
    stdout, _ = proc.communicate(timeout=120)
    assert proc.returncode == 128 + getattr(signal, stop)  # the signal's own exit status
    assert "PARTIAL" in stdout
    assert first.exists() and (out / "posterior.csv").exists()


def test_sim_calibrate_never_writes_into_a_folder_it_did_not_create(tmp_path, capsys):
    """A calibration writes in place (so it can resume), so it must refuse a user's folder:
    exit 2, the user's file untouched, nothing added; its own folder is marked as sim's."""
    mine = tmp_path / "thesis"
    mine.mkdir()
    (mine / "posterior.csv").write_text("my own data\n")
    args = ["calibrate", str(BASELINE), "--budget", "8", "--population", "2", "--checks", "2",
            "--method", "builtin", "--no-screen"]
    assert main([*args, "--out", str(mine)]) == 2
    assert "not written by `sim`" in capsys.readouterr().err
    assert [p.name for p in mine.iterdir()] == ["posterior.csv"]
    assert (mine / "posterior.csv").read_text() == "my own data\n"
    ours = tmp_path / "cal"
    assert main([*args, "--out", str(ours)]) == 0
    marker = json.loads((ours / ".sim-output.json").read_text())
    assert marker["kind"] == "calibration" and "posterior.csv" in marker["files"]
    assert main([*args, "--budget", "12", "--resume", "--out", str(ours)]) == 0

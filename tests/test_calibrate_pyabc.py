"""`sim calibrate` through pyabc (the optional `calibrate` extra): reproducible for a seed
whatever --jobs, within the budget, resumable from pyabc's database, never overwriting one.

Skipped when pyabc is not installed (CI installs `.[test]`, which leaves it out: it is heavy),
unless SIM_TEST_PYABC is set, which makes a missing pyabc a failure. The built-in sampler is
tested in tests/test_calibrate.py either way."""

from __future__ import annotations

import importlib.util
import os

import numpy as np
import pytest

from sim.cli import main
from sim.experiments import abc_smc, priors
from sim.record.lookup import record_for
from sim.scenario.bundled import scenarios_dir
from sim.scenario.language import load_scenario

BASELINE = scenarios_dir() / "baseline.yaml"

if importlib.util.find_spec("pyabc") is None:
    if os.environ.get("SIM_TEST_PYABC"):
        raise RuntimeError("SIM_TEST_PYABC is set but pyabc is not installed: "
                           "pip install -e '.[calibrate]'")
    pytest.skip("pyabc is not installed (the `calibrate` extra)", allow_module_level=True)

from sim.experiments import abc_pyabc  # noqa: E402


@pytest.fixture(scope="module")
def problem():
    base = load_scenario(BASELINE)
    free = [p for p in priors.free_values(base) if "behaviour" in p.key][:3]
    return abc_smc.Problem(base, free, record_for(base))


def _run(problem, folder, budget, jobs=1, resume=False):
    folder.mkdir(exist_ok=True)
    gens, stopped = abc_pyabc.run(problem, budget=budget, population=8, jobs=jobs,
                                  folder=folder, resume=resume)
    assert not stopped
    return gens


def test_pyabc_is_the_same_serial_and_parallel_and_keeps_the_budget(problem, tmp_path):
    one = _run(problem, tmp_path / "a", 60)
    two = _run(problem, tmp_path / "b", 60, jobs=2)
    assert len(one) >= 3 and one[-1].runs_used <= 60
    for g1, g2 in zip(one, two, strict=True):
        assert np.array_equal(g1.theta, g2.theta) and np.array_equal(g1.weights, g2.weights)
        assert np.array_equal(g1.distances, g2.distances)
    for prev, gen in zip(one, one[1:], strict=False):
        assert np.all(gen.distances <= gen.epsilon)  # pyabc keeps runs within the tolerance
        assert gen.epsilon <= np.quantile(prev.distances, 0.5) + 1e-12
        assert gen.epsilon < prev.epsilon or np.all(prev.distances >= prev.epsilon)  # ties
    low = np.array([p.low for p in problem.priors])
    high = np.array([p.high for p in problem.priors])
    for gen in one:  # the logit scale maps back inside every prior
        assert np.all((gen.theta > low) & (gen.theta < high))
        assert abs(gen.weights.sum() - 1) < 1e-9


def test_pyabc_resumes_from_its_database(problem, tmp_path):
    first = _run(problem, tmp_path / "a", 30)
    more = _run(problem, tmp_path / "a", 60, resume=True)
    assert len(more) > len(first) and more[-1].runs_used <= 60
    for old, new in zip(first, more, strict=False):  # finished generations are kept as they were
        assert np.array_equal(old.theta, new.theta) and old.runs_used == new.runs_used
    # not asserted: that it equals one uninterrupted calibration. pyabc reads the population
    # back from its database in another order, so the proposals that follow differ.


def test_sim_calibrate_with_pyabc_writes_outputs_and_never_overwrites(tmp_path, capsys):
    out = tmp_path / "cal"
    args = ["calibrate", str(BASELINE), "--budget", "24", "--population", "6", "--checks", "3",
            "--out", str(out), "--method", "pyabc", "--distance", "fit", "--no-screen"]
    assert main(args) == 0
    assert (out / "pyabc.db").exists() and (out / "calibrated.yaml").exists()
    assert "pyabc sampler" in capsys.readouterr().out
    assert main(args) == 2  # a calibration is there: continuing it needs --resume
    assert "--resume" in capsys.readouterr().err
    assert main([*args[:2], "--budget", "40", *args[4:], "--resume"]) == 0

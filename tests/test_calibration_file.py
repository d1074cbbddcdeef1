"""Calibration files: several episodes fitted at once, checked with file, line and key; the joint
problem's shared and per-episode values; interrupted and resumed gives the same posterior."""

from __future__ import annotations

import numpy as np
import pytest

from sim.cli import main
from sim.errors import UserError
from sim.experiments import abc_smc, joint
from sim.experiments.task_map import mapper
from sim.scenario.bundled import scenarios_dir
from sim.scenario.calibration_file import load_calibration

SCEN = scenarios_dir()
PATIENCE = "actors.us.behaviour.patience"
TRUST = "actors.china.behaviour.initial_trust"


def _file(tmp_path, body: str, name: str = "cal.yaml"):
    path = tmp_path / name
    path.write_text(body)
    return path


def _good(tmp_path, second: str = "trade_war_2018.yaml"):
    return _file(tmp_path, f"calibration: us_china\nepisodes:\n  y2025: {SCEN / 'baseline.yaml'}\n"
                 f"  other: {SCEN / second}\nshared:\n  - {PATIENCE}\n"
                 f"per_episode:\n  - {TRUST}\n")


def test_a_calibration_file_shares_values_and_fits_others_per_episode(tmp_path):
    cal = load_calibration(_good(tmp_path))
    assert list(cal.episodes) == ["y2025", "other"] and cal.shared == (PATIENCE,)
    problem = joint.problem(cal)
    keys = [p.key for p in problem.priors]
    assert keys == [PATIENCE, f"y2025:{TRUST}", f"other:{TRUST}"]
    reads = {ep.name: ep.keys for ep in problem.parts()}
    assert reads["y2025"] == (PATIENCE, TRUST, None)
    assert reads["other"] == (PATIENCE, None, TRUST)
    assert all(ep.weight == 0.5 for ep in problem.parts())  # each episode weighs the same
    assert [ep.name for ep in problem.parts()] == ["y2025", "other"]  # the shorter runs first
    left = joint.problem(cal, leave_out="y2025")
    assert [p.key for p in left.priors] == [PATIENCE, f"other:{TRUST}"]


def _no_record(tmp_path):
    path = tmp_path / "norecord.yaml"
    text = (SCEN / "baseline.yaml").read_text()
    path.write_text("\n".join(line for line in text.splitlines()
                              if not line.startswith("record:")) + "\n")
    return path


@pytest.mark.parametrize(("body", "line", "words"), [
    (f"episodes:\n  a: {SCEN / 'baseline.yaml'}\nshared:\n  - actors.us.behaviour.patiense\n",
     4, "did you mean"),
    (f"episodes:\n  a: {SCEN / 'baseline.yaml'}\n  b: {SCEN / 'trade_war_2018.yaml'}\n"
     "shared:\n  - actors.us.behaviour.audience_cost\n", 5, "not a number in episode `a`"),
    ("episodes:\n  a: NOREC\n", 2, "names no record"),
    (f"episodes:\n  a: {SCEN / 'baseline.yaml'}\nper_episode:\n  - actors.us.nothing\n", 4,
     "not a value"),
    (f"episodes:\n  a: {SCEN / 'baseline.yaml'}\nsharde: []\n", 3, "did you mean `shared`"),
    ("episodes:\n  a: nowhere.yaml\n", 2, "no scenario"),
])
def test_bad_calibration_files_exit_2_naming_file_line_and_key(tmp_path, capsys, body, line,
                                                              words):
    path = _file(tmp_path, body.replace("NOREC", str(_no_record(tmp_path))), "bad.yaml")
    with pytest.raises(UserError) as err:
        load_calibration(path)
    assert f"bad.yaml:{line}:" in str(err.value) and words in str(err.value)
    assert main(["calibrate", str(path), "--budget", "8", "--out", str(tmp_path / "o")]) == 2
    err_text = capsys.readouterr().err
    assert f"bad.yaml:{line}:" in err_text and "Traceback" not in err_text
    assert not (tmp_path / "o").exists()  # nothing half-written


class Stop:
    """A mapper that raises KeyboardInterrupt (what Ctrl-C raises) after ``after`` tasks."""

    def __init__(self, after: int):
        self.after, self.done = after, 0

    def __call__(self, fn, context, tasks):
        for result in mapper(1)(fn, context, tasks):
            self.done += 1
            if self.done > self.after:
                raise KeyboardInterrupt
            yield result


@pytest.mark.parametrize("kind", ["adaptive", "fit"])
def test_interrupted_and_resumed_gives_the_same_posterior(tmp_path, kind):
    cal = load_calibration(_good(tmp_path, "hawkish_us.yaml"))
    problem = joint.narrowed(joint.problem(cal, kind), [PATIENCE, f"y2025:{TRUST}",
                                                        f"other:{TRUST}"])
    run = dict(budget=20, population=3)  # three generations: 3, 6 and 12 runs used
    whole, stopped = abc_smc.run(problem, mapper=mapper(1), folder=tmp_path / "a", **run)
    assert not stopped and len(whole) >= 3
    part, stopped = abc_smc.run(problem, mapper=Stop(7), folder=tmp_path / "b", **run)
    assert stopped and 0 < len(part) < len(whole)  # Ctrl-C inside a generation
    again, stopped = abc_smc.run(problem, mapper=mapper(2), folder=tmp_path / "b", **run)
    assert not stopped and len(again) == len(whole)
    for g1, g2 in zip(whole, again, strict=True):
        assert np.array_equal(g1.theta, g2.theta) and np.array_equal(g1.weights, g2.weights)
        assert np.array_equal(g1.distances, g2.distances)


@pytest.mark.slow
def test_a_joint_calibration_writes_each_episode_and_validates_the_one_left_out(tmp_path,
                                                                              capsys):
    out = tmp_path / "joint"
    three = _file(tmp_path, f"episodes:\n  y2025: {SCEN / 'baseline.yaml'}\n"
                  f"  hawk: {SCEN / 'hawkish_us.yaml'}\n  call: {SCEN / 'early_call.yaml'}\n"
                  f"shared:\n  - {PATIENCE}\n  - {TRUST}\nper_episode: []\n")
    code = main(["calibrate", str(three), "--budget", "16", "--population", "4", "--checks",
                 "3", "--validate-runs", "3", "--leave-out", "call", "--params", PATIENCE,
                 "--params", TRUST, "--out", str(out)])
    assert code == 0
    text = capsys.readouterr().out
    for name in ("y2025", "hawk"):
        assert (out / name / "calibrated.yaml").exists() and (out / name / "coverage.csv").exists()
    left = out / "left-out-call"
    assert (left / "validate.md").exists() and "random_dispositions" in text
    assert main(["run", str(left / "calibrated.yaml"), "--out", str(tmp_path / "r"),
                 "--no-plots"]) == 0  # calibrated scenarios run as they are
    assert main(["run", str(out / "y2025" / "calibrated.yaml"), "--out",
                 str(tmp_path / "r2"), "--no-plots"]) == 0

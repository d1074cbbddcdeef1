"""The Morris screen before a calibration: values that move the distance are fitted, the others
stay at their scenario values and are listed with their mu*; --params overrides it."""

from __future__ import annotations

import json

import pytest

from sim.cli import main
from sim.experiments import abc_smc, priors, screening
from sim.experiments.task_map import mapper
from sim.record.lookup import record_for
from sim.scenario.bundled import scenarios_dir
from sim.scenario.language import load_scenario

BASELINE = scenarios_dir() / "baseline.yaml"
MATTERS = "actors.china.levers.rare_earth_licensing.initial"  # mu* 0.14 on the 2025 record
IDLE = "actors.us.behaviour.threat_days"  # no threat is made in six weeks of 2025


def test_the_screen_keeps_what_moves_the_distance_and_fixes_the_rest(tmp_path):
    base = load_scenario(BASELINE)
    free = {p.key: p for p in priors.scenario_priors(base)}
    problem = abc_smc.Problem(base, [free[MATTERS], free[IDLE]], record_for(base))
    rows = {r.key: r for r in screening.screen(problem, trajectories=4, runs=2,
                                                mapper=mapper(1), seed=1)}
    assert rows[MATTERS].kept and rows[MATTERS].mu_star > rows[MATTERS].mu_star_conf
    assert not rows[IDLE].kept and rows[IDLE].mu_star == 0.0  # common seeds: exactly no effect
    screening.save(tmp_path, list(rows.values()))
    assert screening.load(tmp_path) == sorted(rows.values(), key=lambda r: -r.mu_star)
    text = screening.report(list(rows.values()))
    assert "1 of 2 values" in text and f"{IDLE} (0.000" in text


@pytest.mark.slow
def test_sim_calibrate_screens_first_and_params_override(tmp_path, capsys):
    out = tmp_path / "cal"
    args = ["calibrate", str(BASELINE), "--budget", "12", "--population", "3", "--checks", "2",
            "--screen-trajectories", "2", "--screen-runs", "1", "--out", str(out)]
    assert main(args) == 0
    text = capsys.readouterr().out
    assert "screen (Morris" in text and "kept at their scenario values" in text
    kept = [line.split(",")[0] for line in (out / "screen.csv").read_text().splitlines()[1:]
            if line.endswith(",1")]
    summary = json.loads((out / "summary.json").read_text())
    assert summary["free_values"] == len(kept) < len(priors.free_values(load_scenario(BASELINE)))
    assert main(["calibrate", str(BASELINE), "--budget", "8", "--population", "2", "--checks",
                 "2", "--params", IDLE, "--out", str(tmp_path / "p")]) == 0
    assert "--params (no screen)" in capsys.readouterr().out
    assert json.loads((tmp_path / "p" / "summary.json").read_text())["free_values"] == 1
    assert main(["calibrate", str(BASELINE), "--budget", "8", "--params", "actors.nope",
                 "--out", str(tmp_path / "q")]) == 2
    assert "--params" in capsys.readouterr().err and not (tmp_path / "q").exists()

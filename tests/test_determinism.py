"""Principle 5 across processes: a seed fixes everything, whichever process runs it.

Determinism tests inside one process cannot see a seed that leaks in from the process itself
(Python's string ``hash()`` changes with ``PYTHONHASHSEED``, ids and addresses change per process,
workers may draw in any order). These run the ``sim`` command in fresh processes.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "scenarios" / "baseline.yaml"
TRIGGERED = ROOT / "scenarios" / "triggered_call.yaml"


def sim(args: list[str], cwd: Path, hash_seed: str) -> None:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    done = subprocess.run([sys.executable, "-m", "sim", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr


def test_a_run_is_byte_identical_in_processes_with_different_string_hashing(tmp_path):
    for scenario in (BASELINE, TRIGGERED):
        outs = []
        for hash_seed in ("1", "2"):
            out = tmp_path / f"{scenario.stem}-{hash_seed}"
            sim(["run", str(scenario), "--seed", "7", "--no-plots", "--out", str(out)],
                tmp_path, hash_seed)
            outs.append(out)
        for name in ("timeline.csv", "events.csv", "scorecard.csv"):
            a, b = ((o / name).read_bytes() for o in outs)
            assert a == b, f"{scenario.stem}: {name}"


def test_an_ensemble_serial_and_with_two_jobs_writes_byte_identical_aggregates(tmp_path):
    """`sim run --runs 8` with one job and with `--jobs 2` (different string hashing, too)."""
    serial, parallel = tmp_path / "serial", tmp_path / "parallel"
    args = ["run", str(BASELINE), "--runs", "8", "--no-plots", "--timelines"]
    sim([*args, "--out", str(serial)], tmp_path, "3")
    sim([*args, "--jobs", "2", "--out", str(parallel)], tmp_path, "4")
    names = sorted(str(p.relative_to(serial)) for p in serial.rglob("*.csv"))
    assert {"ensemble.csv", "outcomes.csv", "runs.csv", "status.csv", "scorecard.csv"} <= \
        set(names)
    assert names == sorted(str(p.relative_to(parallel)) for p in parallel.rglob("*.csv"))
    for name in names:
        assert (serial / name).read_bytes() == (parallel / name).read_bytes(), name

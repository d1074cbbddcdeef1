"""Wall time of a 1,000-run baseline ensemble, fan charts included, at --jobs 1 and --jobs 2.

    /work/venv/bin/python benchmarks/ensemble_speed.py [--runs 1000] [--scenario FILE]

Each figure is the wall time of the whole command `sim run SCENARIO --runs N --jobs J` in a fresh
process (interpreter start-up, imports, runs, scoring, aggregates, three PNG fan charts), the best
of --repeat tries. Then the runs alone (no files), in this process, with the fork and the spawn
start methods. Targets: <= 10 s at 2 jobs, speed-up >= 1.7.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def cli_time(scenario: Path, runs: int, jobs: int, repeat: int) -> tuple[float, float]:
    """Best wall time of the command, and the manifest's time for the runs alone."""
    best, runs_only = float("inf"), 0.0
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "out"
            started = time.perf_counter()
            subprocess.run([sys.executable, "-m", "sim", "run", str(scenario), "--runs", str(runs),
                            "--jobs", str(jobs), "--out", str(out)], check=True,
                           stdout=subprocess.DEVNULL, cwd=tmp)
            wall = time.perf_counter() - started
            if wall < best:
                best = wall
                runs_only = json.loads((out / "manifest.json").read_text())["seconds"]
    return best, runs_only


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--scenario", type=Path, default=ROOT / "scenarios" / "baseline.yaml")
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    print(f"{args.runs} runs of {args.scenario.name}, {os.cpu_count()} CPUs, "
          f"Python {sys.version.split()[0]}, load average before: {os.getloadavg()[0]:.2f} "
          "(other work on the machine slows the 2-job figures most)")
    walls = {}
    for jobs in (1, 2):
        wall, runs_only = cli_time(args.scenario, args.runs, jobs, args.repeat)
        walls[jobs] = wall
        print(f"  sim run --runs {args.runs} --jobs {jobs}: {wall:6.2f} s wall "
              f"(runs and scoring {runs_only:.2f} s, the rest start-up, files and plots)")
    print(f"  speed-up at 2 jobs: {walls[1] / walls[2]:.2f}x (target >= 1.7; <= 10 s at 2 jobs: "
          f"{'yes' if walls[2] <= 10 else 'NO'})")

    from sim.experiments.executors import run_ensemble
    from sim.scenario.language import load_scenario

    scenario = load_scenario(args.scenario)
    for method in ("fork", "spawn"):
        started = time.perf_counter()
        run_ensemble(scenario, args.runs, jobs=2, start_method=method)
        print(f"  runs only, 2 jobs, {method:<5}: {time.perf_counter() - started:6.2f} s")


if __name__ == "__main__":
    main()

"""A single `sim run` of the baseline, start to finish, against the time of importing its
dependencies (the floor no single run can go below).

    .venv/bin/python benchmarks/single_run.py [--repeat 5] [--scenario FILE]

Both are fresh processes, timed alternately (so a change in the machine's load hits both) and
summarised by their medians. The floor is a process that imports what a run needs: mesa (which
brings pandas, scipy and networkx), numpy, pyyaml, pydantic (the scenario language, a declared
dependency since the language moved onto it) and matplotlib's pyplot with the Agg backend.
Target: ratio <= 2.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLOOR = ("import matplotlib; matplotlib.use('Agg'); import matplotlib.pyplot, mesa, numpy, yaml, "
         "pydantic")


def timed(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="pairs of timings (default 5)")
    parser.add_argument("--scenario", default=str(ROOT / "scenarios" / "baseline.yaml"),
                        help="scenario to run (default: the baseline)")
    args = parser.parse_args()
    floor, run = [], []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        command = [sys.executable, "-m", "sim", "run", args.scenario, "--out", str(out)]
        timed(command)  # warm the disk cache and Matplotlib's font cache
        for _ in range(args.repeat):
            floor.append(timed([sys.executable, "-c", FLOOR]))
            run.append(timed(command))
    f, r = statistics.median(floor), statistics.median(run)
    print(f"import floor (mesa, numpy, yaml, pydantic, matplotlib.pyplot): median {f:.2f} s "
          f"(min {min(floor):.2f})")
    print(f"sim run {Path(args.scenario).name} (files, 2 figures, report.html): median {r:.2f} s "
          f"(min {min(run):.2f})")
    print(f"ratio {r / f:.2f} (target <= 2); load average {os.getloadavg()[0]:.1f} on "
          f"{os.cpu_count()} cores")


if __name__ == "__main__":
    main()

"""Peak memory of a 10,000-run baseline ensemble (parent and worker processes together).

    /work/venv/bin/python benchmarks/ensemble_memory.py [--runs 10000] [--jobs 2]

Runs `sim run SCENARIO --runs N --jobs J` (figures and all files) in a child process and samples,
every 50 ms, the memory of that process and of all its children from /proc: the sum of resident
set sizes (RSS; pages shared after fork are counted once per process, so this overstates) and the
sum of proportional set sizes (PSS; shared pages split between the processes that share them).
Reports the peak of each sum, and the peak RSS of the largest single process. Target <= 500 MB.
Linux only.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def children(pid: int) -> list[int]:
    out = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            text = (task / "children").read_text().split()
            out += [int(c) for c in text]
    except OSError:
        pass
    return out


def tree(pid: int) -> list[int]:
    pids, todo = [], [pid]
    while todo:
        p = todo.pop()
        pids.append(p)
        todo += children(p)
    return pids


def kib(path: Path, key: str) -> int:
    try:
        for line in path.read_text().splitlines():
            if line.startswith(key):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", type=Path, default=ROOT / "scenarios" / "baseline.yaml")
    parser.add_argument("--runs", type=int, default=10000)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "sim", "run", str(args.scenario),
                                 "--runs", str(args.runs), "--jobs", str(args.jobs), "--out",
                                 str(Path(tmp) / "out")], stdout=subprocess.DEVNULL, cwd=tmp)
        peak_rss = peak_pss = peak_one = 0
        while proc.poll() is None:
            pids = tree(proc.pid)
            rss = [kib(Path(f"/proc/{p}/status"), "VmRSS:") for p in pids]
            pss = sum(kib(Path(f"/proc/{p}/smaps_rollup"), "Pss:") for p in pids)
            peak_rss, peak_pss = max(peak_rss, sum(rss)), max(peak_pss, pss)
            peak_one = max(peak_one, max(rss, default=0))
            time.sleep(0.05)
        wall = time.perf_counter() - started
        if proc.returncode:
            sys.exit(f"sim run failed with exit code {proc.returncode}")
    print(f"{args.runs} runs of {args.scenario.name} at --jobs {args.jobs}: {wall:.1f} s "
          f"(load average {os.getloadavg()[0]:.2f})")
    print(f"  peak PSS, all processes: {peak_pss / 1024:7.1f} MB  (target <= 500 MB)")
    print(f"  peak RSS, all processes: {peak_rss / 1024:7.1f} MB  (shared pages counted twice)")
    print(f"  peak RSS, one process:   {peak_one / 1024:7.1f} MB")


if __name__ == "__main__":
    main()

"""Old engine against new on the same seeds: are the outcome distributions the same?

    .venv/bin/python benchmarks/equivalence.py --old /path/to/a/checkout/of/the/old/commit \
        [--seeds 500] [--scenarios baseline tit_for_tat ...]

For each two-sided shipped scenario and each seed 0..N-1, both engines run the scenario (the old
one in a subprocess whose ``sys.path`` starts with the old checkout, so it imports its own
``sim``) and report per run: each lever's final value, each side's final trust, the final status,
the number of agreements, the day of the first agreement (-1: none) and a digest of the whole
timeline and narrative. Per outcome the table gives the mean of old and new, the mean paired
difference with its 95 % interval (normal approximation, paired by seed) and whether 0 lies in
it; "identical" counts the runs whose digests agree byte for byte.

Public tools only: the standard library and the project itself.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Runs in either engine: reads scenario names and seeds from argv, prints JSON per run.
PROBE = r"""
import hashlib, json, sys
from pathlib import Path
from sim.engine.model import NegotiationModel
from sim.scenario.language import load_scenario
root, seeds = Path(sys.argv[1]), int(sys.argv[2])
out = {}
for name in sys.argv[3:]:
    scenario = load_scenario(root / "scenarios" / f"{name}.yaml")
    runs = []
    for seed in range(seeds):
        m = NegotiationModel(scenario, seed=seed).run_to_end()
        h = hashlib.sha256(repr(m.columns).encode())
        h.update(repr([(e.day, e.actor, e.kind, e.meeting, e.why) for e in m.entries]).encode())
        agreements = [e.day for e in m.entries if e.kind == "agreement"]
        row = {k: lever.value for k, lever in m.levers.items()}
        row.update({f"{a}.trust": n.trust for a, n in m.negotiators.items()})
        row.update(status=m.status, agreements=len(agreements),
                   first_agreement=agreements[0] if agreements else -1, digest=h.hexdigest())
        runs.append(row)
    out[name] = runs
print(json.dumps(out))
"""


def two_sided() -> list[str]:
    """The shipped scenarios with exactly two sides (the old engine runs no others)."""
    from sim.scenario.language import load_scenario
    return [path.stem for path in sorted((ROOT / "scenarios").glob("*.yaml"))
            if len(load_scenario(path).actors) == 2]


def probe(checkout: Path, seeds: int, names: list[str]) -> dict:
    env = dict(os.environ, PYTHONPATH=str(checkout))
    done = subprocess.run([sys.executable, "-c", PROBE, str(ROOT), str(seeds), *names],
                          cwd=checkout, env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def interval(diffs: list[float]) -> tuple[float, float, float]:
    mean = statistics.fmean(diffs)
    if len(diffs) < 2:
        return mean, mean, mean
    half = 1.96 * statistics.stdev(diffs) / math.sqrt(len(diffs))
    return mean, mean - half, mean + half


def compare(old: list[dict], new: list[dict]) -> list[tuple]:
    rows = []
    for key in old[0]:
        if key == "digest":
            continue
        if key == "status":
            for status in sorted({r["status"] for r in old + new}):
                a = [float(r["status"] == status) for r in old]
                b = [float(r["status"] == status) for r in new]
                rows.append((f"status={status}", a, b))
            continue
        rows.append((key, [float(r[key]) for r in old], [float(r[key]) for r in new]))
    out = []
    for key, a, b in rows:
        mean, low, high = interval([y - x for x, y in zip(a, b, strict=True)])
        out.append((key, statistics.fmean(a), statistics.fmean(b), mean, low, high,
                    low - 1e-12 <= 0.0 <= high + 1e-12))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", type=Path, required=True, help="checkout of the old commit")
    parser.add_argument("--seeds", type=int, default=500)
    parser.add_argument("--scenarios", nargs="*", default=None)
    args = parser.parse_args()
    names = args.scenarios or two_sided()
    old, new = probe(args.old, args.seeds, names), probe(ROOT, args.seeds, names)
    failures = 0
    print("| scenario | outcome | old mean | new mean | paired difference [95 % interval] | "
          "within |")
    print("|---|---|---|---|---|---|")
    for name in names:
        same = sum(a["digest"] == b["digest"] for a, b in zip(old[name], new[name], strict=True))
        for key, a, b, mean, low, high, ok in compare(old[name], new[name]):
            failures += not ok
            print(f"| {name} | {key} | {a:.4g} | {b:.4g} | {mean:+.3g} [{low:+.3g}, {high:+.3g}] "
                  f"| {'yes' if ok else 'NO'} |")
        print(f"| {name} | identical runs (timeline and narrative) | | | {same} of "
              f"{args.seeds} | |")
    digest = hashlib.sha256(json.dumps(new, sort_keys=True).encode()).hexdigest()[:12]
    print(f"\n{failures} outcome(s) outside their interval; new engine's results digest {digest}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

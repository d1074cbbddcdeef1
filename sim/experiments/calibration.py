"""Calibration: sweep dispositions over seeds and see how runs compare with the record.

This is the one place besides the scorecard that reads the record, and only to judge runs: the
values it suggests are written into a scenario by hand, as dispositions, never as results.

    python -m sim.calibration scenarios/baseline.yaml \\
        --set actors.us.holds.us.tariff_on_china=0.35,0.45,0.55 --seeds 20
"""

from __future__ import annotations

import argparse
import itertools
import statistics
from pathlib import Path

from sim.experiments.runs import run_once
from sim.record import fit as comparison
from sim.record.lookup import record_for
from sim.scenario.language import apply_overrides, load_scenario


def sweep(path: Path, grid: dict[str, list[float]], seeds: int) -> list[dict]:
    """For every combination in ``grid``: median fit and median end values over ``seeds`` runs."""
    base = load_scenario(path)
    rec = record_for(base)
    rows = []
    for values in itertools.product(*grid.values()):
        overrides = dict(zip(grid, values, strict=True))
        scenario = apply_overrides(base, overrides)
        fits, ends = [], {lever.id: [] for lever in scenario.levers}
        for seed in range(seeds):
            result = run_once(scenario, seed=seed)
            fits.append(comparison.score(result.columns, scenario, rec).summary.fit)
            for lever_id, series in ends.items():
                series.append(result.columns[lever_id][-1])
        rows.append({**overrides, "fit": statistics.median(fits),
                     **{k: statistics.median(v) for k, v in ends.items()}})
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sim.calibration", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("scenario", type=Path)
    parser.add_argument("--set", action="append", default=[], metavar="KEY=V1,V2,...",
                        help="a dotted scenario key and the values to try")
    parser.add_argument("--seeds", type=int, default=20)
    args = parser.parse_args(argv)
    grid = {}
    for item in args.set:
        key, _, values = item.rpartition("=")
        grid[key] = [float(v) for v in values.split(",")]
    rows = sweep(args.scenario, grid, args.seeds)
    names = list(rows[0]) if rows else []
    print("  ".join(names))
    for row in rows:
        print("  ".join(f"{row[n]:.3g}" for n in names))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

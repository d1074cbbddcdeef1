"""Calibration: sweep dispositions over seeds and see how runs compare with the record.

This is the one place besides the scorecard that reads the record, and only to judge runs: the
values it suggests are written into a scenario by hand, as dispositions, never as results.

    python -m sim.experiments.calibration scenarios/baseline.yaml \\
        --set actors.us.holds.us.tariff_on_china=0.35,0.45,0.55 --seeds 20 [--jobs 2] [--dask local]

Runs go through the executors (local processes, or Dask with ``--dask``); each result is stored
by its combination and seed, so the table is the same whatever runs them.
"""

from __future__ import annotations

import argparse
import itertools
import statistics
from pathlib import Path

from sim.experiments.executors import open_workers
from sim.experiments.runs import run_once
from sim.record import fit as comparison
from sim.record.lookup import record_for
from sim.scenario.language import apply_overrides, load_scenario


def _run(context: tuple, task: tuple) -> tuple[int, int, float, dict[str, float]]:
    """One seed of one combination: (combination, seed, fit, end value of every lever)."""
    base, rec = context
    combo, overrides, seed = task
    scenario = apply_overrides(base, overrides)
    result = run_once(scenario, seed=seed)
    fit = comparison.score(result.columns, scenario, rec).summary.fit
    return combo, seed, fit, {lv.id: result.columns[lv.id][-1] for lv in scenario.levers}


def sweep(path: Path, grid: dict[str, list[float]], seeds: int, jobs: int = 1,
          dask: str | None = None) -> list[dict]:
    """For every combination in ``grid``: median fit and median end values over ``seeds`` runs."""
    base = load_scenario(path)
    combos = [dict(zip(grid, values, strict=True)) for values in itertools.product(*grid.values())]
    tasks = [(c, overrides, seed) for c, overrides in enumerate(combos) for seed in range(seeds)]
    results: dict[tuple[int, int], tuple] = {}
    with open_workers((base, record_for(base)), jobs, dask=dask) as workers:
        for combo, seed, fit, ends in workers.map(_run, tasks):
            results[combo, seed] = (fit, ends)
    rows = []
    for c, overrides in enumerate(combos):
        runs = [results[c, seed] for seed in range(seeds)]  # in seed order, as before
        levers = list(runs[0][1]) if runs else []
        rows.append({**overrides, "fit": statistics.median(r[0] for r in runs),
                     **{k: statistics.median(r[1][k] for r in runs) for k in levers}})
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sim.calibration", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("scenario", type=Path)
    parser.add_argument("--set", action="append", default=[], metavar="KEY=V1,V2,...",
                        help="a dotted scenario key and the values to try")
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--jobs", type=int, default=1, help="parallel processes")
    parser.add_argument("--dask", metavar="ADDRESS", help="`local` or tcp://HOST:8786")
    args = parser.parse_args(argv)
    grid = {}
    for item in args.set:
        key, _, values = item.rpartition("=")
        grid[key] = [float(v) for v in values.split(",")]
    rows = sweep(args.scenario, grid, args.seeds, args.jobs, args.dask)
    names = list(rows[0]) if rows else []
    print("  ".join(names))
    for row in rows:
        print("  ".join(f"{row[n]:.3g}" for n in names))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

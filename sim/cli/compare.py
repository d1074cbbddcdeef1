"""`sim compare`: scenarios on the same seeds, side by side."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from sim.errors import UserError
from sim.experiments.compare import _names, compare_csv, compare_table
from sim.experiments.ensemble import SEED_RULE, Progress
from sim.experiments.executors import run_ensembles, start
from sim.experiments.runs import manifest, staged_output
from sim.views.ensemble_figures import compare_figure_jobs, write_ensemble
from sim.views.terminal import ProgressBar, compare_markdown


def register(sub) -> None:
    compare = sub.add_parser("compare", help="compare scenarios on the same random draws",
                             description="Run several scenarios on the same seeds (common random "
                             "numbers) and compare their outcomes.")
    compare.add_argument("scenarios", type=Path, nargs="+", help="two or more scenario files")
    compare.add_argument("--runs", type=int, default=200, help="runs per scenario (default 200)")
    compare.add_argument("--jobs", type=int, default=1, help="parallel processes")
    compare.add_argument("--dask", metavar="ADDRESS", help="run on Dask (`local`: a "
                         "LocalCluster of --jobs processes; or tcp://HOST:8786)")
    compare.add_argument("--seed", type=int, help="base seed (default: the first scenario's)")
    compare.add_argument("--out", type=Path, help="output folder (default results/compare-...)")
    compare.set_defaults(handler=compare_command)


def compare_command(args, progress: Progress | None = None) -> int:
    """`sim compare A B ...`: all scenarios on the same seeds; table, panels; 130 after Ctrl-C."""
    from sim.scenario.language import load_scenario

    if len(args.scenarios) < 2:
        raise UserError("sim compare", "needs at least two scenario files")
    scenarios = [load_scenario(p) for p in args.scenarios]
    names = _names(scenarios)
    out = args.out or Path("results") / ("compare-" + "-".join(names))
    bar = None
    if progress is None:
        bar = progress = ProgressBar("compare " + " vs ".join(names))
    with start(scenarios, args.runs, jobs=args.jobs, plots=True,
               dask=getattr(args, "dask", None)) as workers, \
            staged_output(out) as folder:
        ensembles = run_ensembles(scenarios, args.runs, seed=args.seed, progress=progress,
                                  workers=workers)
        partial = ensembles[0].partial
        common = int(np.logical_and.reduce([e.done for e in ensembles]).sum())
        if bar:
            bar.finish(sum(e.finished for e in ensembles), args.runs * len(scenarios), partial)
        rows = compare_table(ensembles, names)
        md = compare_markdown(rows, names, common, partial)
        (folder / "compare.csv").write_text(compare_csv(rows))
        (folder / "compare.md").write_text(f"# {' vs '.join(names)}\n\n" + md)
        figures = compare_figure_jobs(ensembles, names, folder) if common else []
        workers.render(figures)
        written = ["compare.csv", "compare.md", *(path.name for _, _, path in figures)]
        for e, name in zip(ensembles, names, strict=True):
            write_ensemble(e, folder / name, plots=False)
        info = {"partial": partial, "scenarios": names, "runs_requested": args.runs,
                "runs_compared": common, "jobs": ensembles[0].jobs,
                "start_method": ensembles[0].start_method, "base_seed": ensembles[0].base_seed,
                "seeds": SEED_RULE + "; the same seeds for every scenario (common random "
                "numbers)", "scenario_sha256": {n: e.scenario.sha256
                                                for n, e in zip(names, ensembles, strict=True)}}
        (folder / "manifest.json").write_text(json.dumps(
            manifest(scenarios[0], ensembles[0].base_seed, ensembles[0].seconds,
                     {"partial": partial, "compare": info}), indent=2) + "\n")
    status = "PARTIAL (interrupted) " if partial else ""
    print(f"{status}comparison of {', '.join(names)} on {common} common seeds "
          f"(base seed {ensembles[0].base_seed})")
    print(md)
    print(f"wrote {out}/: {', '.join(written)}, and one folder of aggregates per scenario")
    return 130 if partial else 0

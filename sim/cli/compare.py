"""`sim compare`: scenarios on the same seeds, side by side."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import numpy as np

from sim.cli import arguments
from sim.cli.run import partial_exit
from sim.errors import UserError
from sim.experiments import interrupts
from sim.experiments.compare import _names, compare_csv, compare_table
from sim.experiments.ensemble import SEED_RULE, Progress
from sim.experiments.executors import run_ensembles, start
from sim.experiments.output import staged_output
from sim.experiments.runs import manifest
from sim.views import report
from sim.views.ensemble_figures import compare_figure_jobs, write_ensemble
from sim.views.terminal import ProgressBar, compare_markdown


def register(sub) -> None:
    compare = sub.add_parser("compare", help="compare scenarios on the same random draws",
                             description="Run several scenarios on the same seeds (common random "
                             "numbers) and compare their outcomes.")
    compare.add_argument("scenarios", type=Path, nargs="+", help="two or more scenario files")
    compare.add_argument("--runs", type=arguments.runs, default=200,
                         help=f"runs per scenario, 1 to {arguments.MAX_RUNS:,} (default 200)")
    compare.add_argument("--jobs", type=arguments.jobs, default=1,
                         help="parallel processes (default 1)")
    compare.add_argument("--seed", type=arguments.seed,
                         help="base seed, 0 or more (default: the first scenario's)")
    compare.add_argument("--out", type=Path,
                         help="output folder (default results/compare-A-B); an existing folder "
                         "is replaced only if an earlier `sim` command wrote it")
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
    # after the runs, signals are held back until the folder is complete (a second Ctrl-C must
    # not leave half a folder); the ExitStack holds them through the folder's final swap too
    with contextlib.ExitStack() as hold, \
            start(scenarios, args.runs, jobs=args.jobs, plots=True) as workers, \
            staged_output(out, "compare") as folder:
        ensembles = run_ensembles(scenarios, args.runs, seed=args.seed, progress=progress,
                                  workers=workers)
        hold.enter_context(interrupts.held())
        partial = ensembles[0].partial
        common = int(np.logical_and.reduce([e.done for e in ensembles]).sum())
        if bar:
            bar.finish(sum(e.finished for e in ensembles), args.runs * len(scenarios), partial)
        rows = compare_table(ensembles, names)
        md = compare_markdown(rows, names, common, partial)
        (folder / "compare.csv").write_text(compare_csv(rows), encoding="utf-8")
        (folder / "compare.md").write_text(f"# {' vs '.join(names)}\n\n" + md, encoding="utf-8")
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
                     {"partial": partial, "compare": info}), indent=2) + "\n", encoding="utf-8")
        written.insert(0, report.compare_report(ensembles, names, rows, folder, written,
                                                partial).name)
    status = "PARTIAL (interrupted) " if partial else ""
    print(f"{status}comparison of {', '.join(names)} on {common} common seeds "
          f"(base seed {ensembles[0].base_seed})")
    print(md)
    print(f"wrote {out}/: {', '.join(written)}, and one folder of aggregates per scenario")
    return partial_exit(partial, f"kept the {common} runs finished for every scenario in "
                        f"{out}/ (marked partial)")

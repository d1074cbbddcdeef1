"""`sim run`: one run of a scenario, or an ensemble with --runs."""

from __future__ import annotations

import argparse
from pathlib import Path

from sim.engine.spec import Scenario
from sim.errors import UserError
from sim.experiments.ensemble import Progress
from sim.experiments.executors import run_ensembles, start
from sim.experiments.runs import run_once, staged_output, write_run
from sim.views import plots
from sim.views.ensemble_figures import write_ensemble
from sim.views.run_files import score_and_write, summary
from sim.views.terminal import ProgressBar
from sim.views.terminal import summary as ensemble_summary


def register(sub) -> None:
    run = sub.add_parser("run", help="run a scenario and write timeline, events, plots, scorecard",
                         description="Run a scenario. One run by default; --runs N for an "
                         "ensemble with fan charts.")
    run.add_argument("scenario", type=Path, help="scenario YAML file")
    run.add_argument("--seed", type=int, help="seed (default: the scenario's `seed:`)")
    run.add_argument("--out", type=Path, help="output folder (default: results/<scenario name>)")
    run.add_argument("--runs", type=int, default=1, help="number of runs (default 1)")
    run.add_argument("--jobs", type=int, default=1, help="parallel processes for --runs")
    run.add_argument("--dask", metavar="ADDRESS", help="with --runs: run on Dask (`local`: a "
                     "LocalCluster of --jobs processes; or tcp://HOST:8786)")
    run.add_argument("--timelines", action="store_true",
                     help="with --runs: also write every run's timeline (large)")
    run.add_argument("--no-plots", action="store_true", help="skip the PNG figures")
    run.set_defaults(handler=cmd_run)


def cmd_run(args: argparse.Namespace) -> int:
    from sim.scenario.language import load_scenario

    scenario = load_scenario(args.scenario)
    if args.runs < 1:
        raise UserError(None, f"--runs must be at least 1, found {args.runs}")
    out = args.out or Path("results") / scenario.name
    if args.runs > 1:
        return ensemble_command(scenario, args, out)
    return single_command(scenario, args, out)


def single_command(scenario: Scenario, args, out: Path) -> int:
    """`sim run` for a single run: files, plots, scorecard, and a summary on the terminal."""
    result = run_once(scenario, seed=args.seed)
    with staged_output(out) as folder:
        write_run(result, folder)
        fit = score_and_write(result.columns, scenario, folder)
        if not args.no_plots:
            plots.write_run_plots(result.columns, scenario, folder, fit.observations)
    print(summary(result))
    print(fit.text)
    print(f"  wrote {out}/: timeline.csv, events.csv, manifest.json, scorecard.csv"
          + ("" if args.no_plots else ", levers.png, overview.png, scorecard.png"))
    return 0


def ensemble_command(scenario: Scenario, args, out: Path, progress: Progress | None = None) -> int:
    """`sim run --runs N`: the ensemble's files and a summary; exit 130 after Ctrl-C.

    ``progress(done, total)`` replaces the progress bar (tests raise KeyboardInterrupt from it).
    """
    runs = args.runs
    bar = None
    if progress is None:
        bar = progress = ProgressBar(f"{scenario.name}")
    with staged_output(out) as folder:
        timelines = folder / "timelines" if args.timelines else None
        if timelines:
            timelines.mkdir()
        with start([scenario], runs, jobs=args.jobs, timelines=[timelines],
                   plots=not args.no_plots, dask=getattr(args, "dask", None)) as workers:
            ens, = run_ensembles([scenario], runs, seed=args.seed, progress=progress,
                                 workers=workers)
            if bar:
                bar.finish(ens.finished, runs, ens.partial)
            table = ens.outcome_stats()
            names = write_ensemble(ens, folder, plots=not args.no_plots, workers=workers,
                                   extra={"timelines": bool(args.timelines)})
    print(ensemble_summary(ens, table))
    print(f"  wrote {out}/: {', '.join(names)}" + (", timelines/" if args.timelines else ""))
    return 130 if ens.partial else 0

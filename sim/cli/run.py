"""`sim run`: one run of a scenario, or an ensemble with --runs."""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path

from sim.cli import arguments
from sim.engine.spec import Scenario
from sim.experiments import interrupts
from sim.experiments.ensemble import Progress
from sim.experiments.executors import run_ensembles, start
from sim.experiments.output import default_folder, staged_output
from sim.experiments.runs import run_once, write_run
from sim.views import plots, report
from sim.views.ensemble_figures import write_ensemble
from sim.views.run_files import score_and_write, summary
from sim.views.terminal import ProgressBar
from sim.views.terminal import summary as ensemble_summary


def register(sub) -> None:
    run = sub.add_parser("run", help="run a scenario and write timeline, events, plots, scorecard",
                         description="Run a scenario. One run by default; --runs N for an "
                         "ensemble with fan charts.")
    run.add_argument("scenario", type=Path, help="scenario YAML file")
    run.add_argument("--seed", type=arguments.seed,
                     help="seed, 0 or more (default: the scenario's `seed:`); with --runs, the "
                     "base seed from which every run's seed is derived")
    run.add_argument("--out", type=Path,
                     help="output folder (default: results/<scenario name> for one run, "
                     "results/<scenario name>-ensemble with --runs); an existing folder is "
                     "replaced only if an earlier `sim` command wrote it")
    run.add_argument("--runs", type=arguments.runs, default=1,
                     help=f"number of runs, 1 to {arguments.MAX_RUNS:,} (default 1)")
    run.add_argument("--jobs", type=arguments.jobs, default=1,
                     help="parallel processes for --runs (default 1)")
    run.add_argument("--timelines", action="store_true",
                     help="with --runs: also write every run's timeline (large)")
    run.add_argument("--no-plots", action="store_true", help="skip the PNG figures")
    run.set_defaults(handler=cmd_run)


def cmd_run(args: argparse.Namespace) -> int:
    from sim.scenario.language import load_scenario

    scenario = load_scenario(args.scenario)
    out = args.out or default_folder(scenario.name, "run" if args.runs == 1 else "ensemble")
    if args.runs > 1:
        return ensemble_command(scenario, args, out)
    return single_command(scenario, args, out)


def single_command(scenario: Scenario, args, out: Path) -> int:
    """`sim run` for a single run: files, plots, scorecard, and a summary on the terminal."""
    result = run_once(scenario, seed=args.seed)
    with interrupts.held(), staged_output(out, "run") as folder:
        write_run(result, folder)
        fit = score_and_write(result.columns, scenario, folder)
        if not args.no_plots:
            plots.write_run_plots(result.columns, scenario, folder, fit.observations)
        report.run_report(result, fit, folder)
    print(summary(result))
    print(fit.text)
    print(f"  wrote {out}/: report.html, timeline.csv, events.csv, manifest.json, scorecard.csv"
          + ("" if args.no_plots else ", overview.png, scorecard.png"))
    return 0


def ensemble_command(scenario: Scenario, args, out: Path, progress: Progress | None = None) -> int:
    """`sim run --runs N`: the ensemble's files and a summary; exit 130 after Ctrl-C.

    ``progress(done, total)`` replaces the progress bar (tests raise KeyboardInterrupt from it).
    """
    runs = args.runs
    bar = None
    if progress is None:
        bar = progress = ProgressBar(f"{scenario.name}")
    # after the runs, signals are held back until the folder is complete (a second Ctrl-C must
    # not leave half a folder); the ExitStack holds them through the folder's final swap too
    with contextlib.ExitStack() as hold, staged_output(out, "ensemble") as folder:
        timelines = folder / "timelines" if args.timelines else None
        if timelines:
            timelines.mkdir()
        with start([scenario], runs, jobs=args.jobs, timelines=[timelines],
                   plots=not args.no_plots) as workers:
            ens, = run_ensembles([scenario], runs, seed=args.seed, progress=progress,
                                 workers=workers)
            hold.enter_context(interrupts.held())
            if bar:
                bar.finish(ens.finished, runs, ens.partial)
            table = ens.outcome_stats()
            names = write_ensemble(ens, folder, plots=not args.no_plots, workers=workers,
                                   extra={"timelines": bool(args.timelines)})
            names.insert(0, report.ensemble_report(ens, folder, names).name)
    print(ensemble_summary(ens, table))
    print(f"  wrote {out}/: {', '.join(names)}" + (", timelines/" if args.timelines else ""))
    return partial_exit(ens.partial, f"kept the {ens.finished} finished runs of {runs} in "
                        f"{out}/ (marked partial)")


def partial_exit(partial: bool, kept: str) -> int:
    """0, or after an interruption one sentence on stderr and the signal's exit code."""
    if not partial:
        return 0
    signum = interrupts.received() or 2
    print(f"stopped by {interrupts.name(signum)}: {kept}.", file=sys.stderr)
    return interrupts.exit_code(signum)

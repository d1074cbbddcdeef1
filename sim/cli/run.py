"""`sim run`: one run of a scenario, or an ensemble with --runs (through ``sim.api``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from sim.cli import arguments

if TYPE_CHECKING:
    from sim.engine.spec import Scenario
    from sim.experiments.ensemble import Progress


def register(sub) -> None:
    run = sub.add_parser("run", help="run a scenario and write timeline, events, plots, scorecard",
                         description="Run a scenario. One run by default; --runs N for an "
                         "ensemble with fan charts.")
    run.add_argument("scenario", help="a scenario file, or the name of a shipped scenario "
                     "(`sim list` shows them)")
    run.add_argument("--seed", type=arguments.seed,
                     help="seed, 0 or more (default: the scenario's `seed:`); with --runs, the "
                     "base seed from which every run's seed is derived")
    run.add_argument("--out", type=Path,
                     help="output folder (default: results/<scenario name> for one run, "
                     "results/<scenario name>-ensemble with --runs); an existing folder is "
                     "replaced only if an earlier `sim` command wrote it")
    run.add_argument("--runs", type=arguments.runs, default=1,
                     help=f"number of runs, 1 to {arguments.MAX_RUNS:,} (default 1)")
    arguments.add_executor_options(run)  # used with --runs
    run.add_argument("--timelines", action="store_true",
                     help="with --runs: also write every run's timeline (large)")
    run.add_argument("--no-plots", action="store_true", help="skip the PNG figures")
    run.set_defaults(handler=cmd_run)


def cmd_run(args: argparse.Namespace) -> int:
    from sim import api
    from sim.experiments.output import default_folder
    from sim.record.against import check_record

    scenario = api.load(args.scenario)
    check_record(scenario)  # refused as `sim check` refuses it, before anything is written
    out = args.out or default_folder(scenario.name, "run" if args.runs == 1 else "ensemble")
    if args.runs > 1:
        return ensemble_command(scenario, args, out)
    return single_command(scenario, args, out)


def single_command(scenario: Scenario, args, out: Path) -> int:
    """`sim run` for a single run: files, plots, scorecard, and a summary on the terminal."""
    from sim import api

    result = api.run(scenario, seed=args.seed)
    result.save(out, figures=not args.no_plots)
    print(result.summary())
    print(f"  wrote {out}/: report.html, timeline.csv, events.csv, manifest.json, scorecard.csv"
          + ("" if args.no_plots else ", overview.png, scorecard.png")
          + (", consequences.csv" if (out / "consequences.csv").is_file() else "")
          + (", who_paid.png" if (out / "who_paid.png").is_file() else ""))
    return 0


def ensemble_command(scenario: Scenario, args, out: Path, progress: Progress | None = None) -> int:
    """`sim run --runs N`: the ensemble's files and a summary; exit 130 after Ctrl-C.

    ``progress(done, total)`` replaces the progress bar (tests raise KeyboardInterrupt from it).
    """
    from sim import api

    result = api.ensemble(scenario, args.runs, seed=args.seed, jobs=args.jobs,
                          progress=progress or True, out=out, figures=not args.no_plots,
                          timelines=args.timelines, dask=getattr(args, "dask", None))
    print(result.summary())
    print(f"  wrote {out}/: {', '.join(result.files)}" + (", timelines/" if args.timelines else ""))
    return partial_exit(result.partial, f"kept the {result.finished} finished runs of "
                        f"{args.runs} in {out}/ (marked partial)")


def partial_exit(partial: bool, kept: str) -> int:
    """0, or after an interruption one sentence on stderr and the signal's exit code."""
    from sim.experiments import interrupts

    if not partial:
        return 0
    why, code = interrupts.stop_status()  # a signal (128 + its number) or a lost worker (3)
    print(f"{why}: {kept}.", file=sys.stderr)
    return code

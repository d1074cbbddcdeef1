"""`sim run`: one run of a scenario, or an ensemble with --runs (through ``sim.api``)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sim.engine.spec import Scenario
    from sim.experiments.ensemble import Progress


def register(sub) -> None:
    run = sub.add_parser("run", help="run a scenario and write timeline, events, plots, scorecard",
                         description="Run a scenario. One run by default; --runs N for an "
                         "ensemble with fan charts.")
    run.add_argument("scenario", help="a scenario file, or the name of a shipped scenario "
                     "(`sim list` shows them)")
    run.add_argument("--seed", type=int, help="seed (default: the scenario's `seed:`)")
    run.add_argument("--out", type=Path, help="output folder (default: results/<scenario name>)")
    run.add_argument("--runs", type=int, default=1, help="number of runs (default 1)")
    run.add_argument("--jobs", type=int, default=1, help="parallel processes for --runs")
    run.add_argument("--timelines", action="store_true",
                     help="with --runs: also write every run's timeline (large)")
    run.add_argument("--no-plots", action="store_true", help="skip the PNG figures")
    run.set_defaults(handler=cmd_run)


def cmd_run(args: argparse.Namespace) -> int:
    from sim import api
    from sim.errors import UserError

    scenario = api.load(args.scenario)
    if args.runs < 1:
        raise UserError(None, f"--runs must be at least 1, found {args.runs}")
    out = args.out or Path("results") / scenario.name
    if args.runs > 1:
        return ensemble_command(scenario, args, out)
    return single_command(scenario, args, out)


def single_command(scenario: Scenario, args, out: Path) -> int:
    """`sim run` for a single run: files, plots, scorecard, and a summary on the terminal."""
    from sim import api

    result = api.run(scenario, seed=args.seed)
    result.save(out, figures=not args.no_plots)
    print(result.summary())
    print(f"  wrote {out}/: timeline.csv, events.csv, manifest.json, scorecard.csv"
          + ("" if args.no_plots else ", levers.png, overview.png, scorecard.png"))
    return 0


def ensemble_command(scenario: Scenario, args, out: Path, progress: Progress | None = None) -> int:
    """`sim run --runs N`: the ensemble's files and a summary; exit 130 after Ctrl-C.

    ``progress(done, total)`` replaces the progress bar (tests raise KeyboardInterrupt from it).
    """
    from sim import api

    result = api.ensemble(scenario, args.runs, seed=args.seed, jobs=args.jobs,
                          progress=progress or True, out=out, figures=not args.no_plots,
                          timelines=args.timelines)
    print(result.summary())
    print(f"  wrote {out}/: {', '.join(result.files)}" + (", timelines/" if args.timelines else ""))
    return 130 if result.partial else 0

"""`sim explain RUN_FOLDER`: why a run came to what it did, in numbers, and which behaviour
values would change it (``sim.experiments.explain``, worded by ``sim.views.explanation``)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path


def day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date YYYY-MM-DD, found {text!r}") from None


def register(sub) -> None:
    cmd = sub.add_parser(
        "explain", help="why a run's meetings agreed or not, and which values would change it",
        description="Explain a run in numbers: for each meeting, each side's reservation, the "
        "best offer it received and the gap between them; for a side that stayed away, its "
        "willingness and the threshold; and the behaviour values that, moved one at a time and "
        "re-run on the run's seed, make a meeting that fell short agree (or a decision point "
        "decide otherwise).")
    cmd.add_argument("folder", type=Path, metavar="RUN_FOLDER",
                     help="the folder `sim run` wrote (it holds manifest.json and events.csv)")
    cmd.add_argument("--day", type=day, metavar="YYYY-MM-DD",
                     help="only that day's meetings and decisions, in full")
    cmd.add_argument("--scenario", type=Path, metavar="FILE",
                     help="the scenario file that made the run, if it is not where the run's "
                     "manifest says (it must be unchanged)")
    cmd.add_argument("--no-probe", action="store_true",
                     help="the numbers only, without re-running the scenario with each "
                     "behaviour value moved")
    cmd.add_argument("--json", action="store_true",
                     help="the same as JSON, every number unrounded (for scripts)")
    cmd.set_defaults(handler=cmd_explain)


def cmd_explain(args: argparse.Namespace) -> int:
    from sim.experiments.explain import explain_folder
    from sim.views.explanation import explanation_json, explanation_text

    def say(line: str) -> None:  # what takes time, said only to a person at a terminal
        if sys.stderr.isatty():
            print(line, file=sys.stderr, flush=True)

    ex = explain_folder(args.folder, args.day, args.scenario, not args.no_probe, say)
    print((explanation_json if args.json else explanation_text)(ex), end="")
    return 0

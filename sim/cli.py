"""The `sim` command: run scenarios, check them, show the record, compare, serve the web page."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from sim.errors import UserError

README_HINT = "See README.md, or `sim COMMAND --help`."


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sim", description="Replay the May-June 2025 US-China trade negotiation as an "
        "agent-based model, vary behaviour in YAML, and compare outcomes with the news record.",
        epilog=README_HINT)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser("run", help="run a scenario and write timeline, events, plots, scorecard",
                         description="Run a scenario. One run by default; --runs N for an "
                         "ensemble with fan charts.")
    run.add_argument("scenario", type=Path, help="scenario YAML file")
    run.add_argument("--seed", type=int, help="seed (default: the scenario's `seed:`)")
    run.add_argument("--out", type=Path, help="output folder (default: results/<scenario name>)")
    run.add_argument("--runs", type=int, default=1, help="number of runs (default 1)")
    run.add_argument("--jobs", type=int, default=1, help="parallel processes for --runs")
    run.add_argument("--timelines", action="store_true",
                     help="with --runs: also write every run's timeline (large)")
    run.add_argument("--no-plots", action="store_true", help="skip the PNG figures")
    run.set_defaults(handler=cmd_run)

    compare = sub.add_parser("compare", help="compare scenarios on the same random draws",
                             description="Run several scenarios on the same seeds (common random "
                             "numbers) and compare their outcomes.")
    compare.add_argument("scenarios", type=Path, nargs="+", help="two or more scenario files")
    compare.add_argument("--runs", type=int, default=200, help="runs per scenario (default 200)")
    compare.add_argument("--jobs", type=int, default=1, help="parallel processes")
    compare.add_argument("--seed", type=int, help="base seed (default: the first scenario's)")
    compare.add_argument("--out", type=Path, help="output folder (default results/compare-...)")
    compare.set_defaults(handler=cmd_compare)

    record = sub.add_parser("record", help="show the documented record",
                            description="The observations taken from the five news documents, "
                            "grouped by date, with their sources and quotes.")
    record.add_argument("--json", action="store_true", help="print a JSON list instead")
    record.add_argument("--file", type=Path, help="another record file")
    record.set_defaults(handler=cmd_record)

    check = sub.add_parser("check", help="validate scenario files (exit 0 if all are valid, 2 if "
                           "not)")
    check.add_argument("scenarios", type=Path, nargs="+")
    check.set_defaults(handler=cmd_check)

    schema = sub.add_parser("schema", help="print the scenario JSON Schema (for editors)")
    schema.set_defaults(handler=cmd_schema)

    new = sub.add_parser("new", help="write a commented starting scenario")
    new.add_argument("file", type=Path, help="the new scenario file")
    new.add_argument("--from", dest="base", default="baseline",
                     help="scenario to build on (default: baseline)")
    new.set_defaults(handler=cmd_new)

    app = sub.add_parser("app", help="start the classroom web page on localhost")
    app.add_argument("--port", type=int, default=8765)
    app.add_argument("--host", default="127.0.0.1")
    app.add_argument("--scenario", type=Path, help="scenario to open first")
    app.set_defaults(handler=cmd_app)
    return parser


def cmd_run(args: argparse.Namespace) -> int:
    from sim import runs
    from sim.scenario import load_scenario

    scenario = load_scenario(args.scenario)
    if args.runs < 1:
        raise UserError(None, f"--runs must be at least 1, found {args.runs}")
    out = args.out or Path("results") / scenario.name
    if args.runs > 1:
        from sim import ensemble
        return ensemble.run_command(scenario, args, out)
    return runs.run_command(scenario, args, out)


def cmd_compare(args: argparse.Namespace) -> int:
    from sim import ensemble
    return ensemble.compare_command(args)


def cmd_record(args: argparse.Namespace) -> int:
    from sim import record
    rec = record.load_record(args.file)
    print(record.to_json(rec) if args.json else record.format_table(rec))
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from sim import authoring
    return authoring.check_command(args)


def cmd_schema(args: argparse.Namespace) -> int:
    from sim import authoring
    return authoring.schema_command(args)


def cmd_new(args: argparse.Namespace) -> int:
    from sim import authoring
    return authoring.new_command(args)


def cmd_app(args: argparse.Namespace) -> int:
    try:
        from sim import app
    except ImportError as exc:
        raise UserError(None, f"the web page needs the `app` extra ({exc.name} is missing): run "
                        "`.venv/bin/pip install -e '.[app]'` and try again") from None
    return app.serve(args)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except UserError as exc:
        print(exc, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `sim schema | head`: the reader left, which is fine
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())

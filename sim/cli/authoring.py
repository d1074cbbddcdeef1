"""`sim check`, `sim schema`, `sim new`: writing and checking scenarios."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(sub) -> None:
    check = sub.add_parser("check", help="validate scenario files (exit 0 if all are valid, 2 if "
                           "not)", description="Check scenario files without running them: "
                           "`ok` for each valid file, a one-paragraph error naming file, line and "
                           "key for each invalid one; exit 0 if all are valid, 2 if not. The "
                           "record a scenario names is checked too: its quantities are the "
                           "run's, its dates inside the scenario's. A record file given on its "
                           "own is checked as a record.")
    check.add_argument("scenarios", type=Path, nargs="+", metavar="SCENARIO",
                       help="scenario (or record) YAML files; every one is checked and reported")
    check.set_defaults(handler=cmd_check)

    schema = sub.add_parser("schema", help="print the scenario JSON Schema (for editors)",
                            description="Print the JSON Schema of scenario files, for editors "
                            "that complete and check YAML: `sim schema > scenario.schema.json`.")
    schema.set_defaults(handler=cmd_schema)

    new = sub.add_parser("new", help="write a commented starting scenario, or a new dispute",
                         description="Write a new scenario file that extends a shipped one, "
                         "with every key you may change commented; or, with --dispute NAME "
                         "--sides A,B, a new dispute of your own (two sides with their own "
                         "levers, a round of talks and a call) and its empty record, "
                         "record/NAME.yaml beside it. Never overwrites a file.")
    new.add_argument("file", type=Path, nargs="?",
                     help="the new scenario file (with --dispute: default NAME.yaml)")
    new.add_argument("--from", dest="base",
                     help="scenario to build on (default: baseline; a shipped name or a file)")
    new.add_argument("--dispute", metavar="NAME",
                     help="start a new dispute named NAME instead of a variant")
    new.add_argument("--sides", metavar="A,B",
                     help="with --dispute: the two sides' ids, e.g. eu,us")
    new.add_argument("--start", metavar="DATE",
                     help="with --dispute: the first simulated day, YYYY-MM-DD (default: the "
                     "first of this month); the period runs four months")
    new.set_defaults(handler=cmd_new)


def cmd_check(args: argparse.Namespace) -> int:
    from sim.record.against import check_record, check_record_file
    from sim.scenario import authoring
    return authoring.check_command(args, also=check_record, record=check_record_file)


def cmd_schema(args: argparse.Namespace) -> int:
    from sim.scenario import authoring
    return authoring.schema_command(args)


def cmd_new(args: argparse.Namespace) -> int:
    from sim.record.against import check_record
    from sim.scenario import authoring
    return authoring.new_command(args, also=check_record)

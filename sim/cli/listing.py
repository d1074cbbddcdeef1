"""`sim list`: the shipped scenarios, by name, with their titles."""

from __future__ import annotations

import argparse
import sys


def register(sub) -> None:
    listing = sub.add_parser("list", help="list the shipped scenarios",
                             description="The scenarios that come with sim. Give a name to "
                             "`sim run`, `sim compare` or `sim new --from`.")
    listing.set_defaults(handler=cmd_list)


def cmd_list(args: argparse.Namespace) -> int:
    from sim.scenario.bundled import scenarios_dir
    from sim.scenario.language import catalogue

    entries = catalogue()
    if not entries:  # a broken installation: say where we looked
        print(f"error: no shipped scenarios in {scenarios_dir()}", file=sys.stderr)
        return 1
    width = max(len(e.name) for e in entries)
    for e in entries:
        print(f"{e.name:<{width}}  {e.title}")
    print(f"\n(in {scenarios_dir()}) run one with `sim run NAME`; start your own from one with "
          "`sim new my.yaml --from NAME` (it writes `extends: NAME`), or a new dispute with "
          "`sim new --dispute NAME --sides A,B`")
    return 0

"""The `sim` command: a thin layer that parses arguments and hands each command to its module.

Adding a command: a module in this package with ``register(subparsers)`` that adds its parser and
sets ``handler``; then one line in ``COMMANDS`` below.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from sim import __version__
from sim.errors import UserError

README_HINT = "See README.md, or `sim COMMAND --help`."

# command modules, in the order `sim --help` lists them
COMMANDS = ["run", "compare", "validate", "calibrate", "listing", "record", "authoring", "app"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sim", description="Replay the May-June 2025 US-China trade negotiation as an "
        "agent-based model, vary behaviour in YAML, and compare outcomes with the news record.",
        epilog=README_HINT)
    parser.add_argument("--version", action="version", version=f"sim {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"sim.cli.{name}").register(sub)
    return parser


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

"""Argument types shared by the commands: each refuses a bad value with a sentence naming what
it accepts (argparse adds the argument's name; `sim.cli.Parser` prints it as one paragraph)."""

from __future__ import annotations

import argparse

from sim.experiments.limits import MAX_RUNS

MAX_SEED = 2**63 - 1  # what the scenario language accepts for `seed:`
MAX_JOBS = 256


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, found {text!r}") from None


def bounded(low: int, high: int, why: str = ""):
    """An integer type accepting ``low`` to ``high``; ``why`` explains the upper bound."""
    def parse(text: str) -> int:
        value = _int(text)
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(
                f"must be between {low:,} and {high:,}, found {value:,}"
                + (why if value > high else ""))
        return value
    parse.__name__ = "number"  # argparse names the type in some messages
    return parse


seed = bounded(0, MAX_SEED)
runs = bounded(1, MAX_RUNS, " (every run's daily values are kept in memory until the "
               "aggregates are written, about 7 kB a run: 100,000 runs take about 0.7 GB)")
jobs = bounded(1, MAX_JOBS)
port = bounded(1, 65535, " (a TCP port number)")


def add_executor_options(parser: argparse.ArgumentParser) -> None:
    """--jobs and --dask, shared by the commands that run many runs."""
    parser.add_argument("--jobs", type=jobs, default=1,
                        help=f"parallel processes, 1 to {MAX_JOBS} (local, or Dask workers with "
                        "--dask local; default 1)")
    parser.add_argument("--dask", metavar="ADDRESS",
                        help="run on Dask: `local` starts a LocalCluster of --jobs processes; "
                        "tcp://HOST:8786 uses a running scheduler")

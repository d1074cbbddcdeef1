"""`sim compare`: scenarios on the same seeds, side by side (through ``sim.api``)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sim.experiments.ensemble import Progress


def register(sub) -> None:
    compare = sub.add_parser("compare", help="compare scenarios on the same random draws",
                             description="Run several scenarios on the same seeds (common random "
                             "numbers) and compare their outcomes.")
    compare.add_argument("scenarios", nargs="+",
                         help="two or more scenario files or shipped scenario names")
    compare.add_argument("--runs", type=int, default=200, help="runs per scenario (default 200)")
    compare.add_argument("--jobs", type=int, default=1, help="parallel processes")
    compare.add_argument("--seed", type=int, help="base seed (default: the first scenario's)")
    compare.add_argument("--out", type=Path, help="output folder (default results/compare-...)")
    compare.set_defaults(handler=compare_command)


def compare_command(args, progress: Progress | None = None) -> int:
    """`sim compare A B ...`: all scenarios on the same seeds; table, panels; 130 after Ctrl-C."""
    from sim import api
    from sim.errors import UserError

    if len(args.scenarios) < 2:
        raise UserError("sim compare", "needs at least two scenario files")
    scenarios = [api.load(s) for s in args.scenarios]
    out = args.out or Path("results") / ("compare-" + "-".join(_names(scenarios)))
    result = api.compare(*scenarios, runs=args.runs, seed=args.seed, jobs=args.jobs,
                         progress=progress or True, out=out)
    print(result.summary())
    print(f"wrote {out}/: {', '.join(result.files)}, and one folder of aggregates per scenario")
    return 130 if result.partial else 0


def _names(scenarios) -> list[str]:
    from sim.experiments.compare import _names

    return _names(scenarios)

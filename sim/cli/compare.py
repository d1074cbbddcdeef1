"""`sim compare`: scenarios on the same seeds, side by side (through ``sim.api``)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sim.cli import arguments
from sim.cli.run import partial_exit

if TYPE_CHECKING:
    from sim.experiments.ensemble import Progress


def register(sub) -> None:
    compare = sub.add_parser("compare", help="compare scenarios on the same random draws",
                             description="Run several scenarios on the same seeds (common random "
                             "numbers) and compare their outcomes.")
    compare.add_argument("scenarios", nargs="+",
                         help="two or more scenario files or shipped scenario names")
    compare.add_argument("--runs", type=arguments.runs, default=200,
                         help=f"runs per scenario, 1 to {arguments.MAX_RUNS:,} (default 200)")
    arguments.add_executor_options(compare)
    compare.add_argument("--seed", type=arguments.seed,
                         help="base seed, 0 or more (default: the first scenario's)")
    compare.add_argument("--out", type=Path,
                         help="output folder (default results/compare-A-B); an existing folder "
                         "is replaced only if an earlier `sim` command wrote it")
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
                         progress=progress or True, out=out, dask=getattr(args, "dask", None))
    print(result.summary())
    print(f"wrote {out}/: {', '.join(result.files)}, and one folder of aggregates per scenario")
    return partial_exit(result.partial, f"kept the {result.common} runs finished for every "
                        f"scenario in {out}/ (marked partial)")


def _names(scenarios) -> list[str]:
    from sim.experiments.compare import _names

    return _names(scenarios)

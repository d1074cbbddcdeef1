"""`sim sensitivity`: which behaviour values (or structural choices) move which outcomes."""

from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path

from .arguments import add_executor_options

DEFAULT_SAMPLES = {"morris": 10, "sobol": 64}


def register(sub) -> None:
    p = sub.add_parser("sensitivity", help="rank behaviour values by their effect on outcomes "
                       "(Morris or Sobol, with SALib)",
                       description="Global sensitivity analysis: vary every behaviour value of "
                       "both sides (or --params) over its documented range at once, and rank "
                       "them by how much they move each outcome. Writes sensitivity.csv "
                       "(indices with 95 % confidence intervals), samples.csv (every point's "
                       "outcomes), a ranked bar chart per outcome, and prints a reading.")
    p.add_argument("scenario", help="a scenario file, or the name of a shipped scenario "
                   "(e.g. baseline)")
    p.add_argument("--method", choices=("morris", "sobol"), default="morris",
                   help="morris (elementary effects: cheap screening, default) or sobol "
                   "(variance shares)")
    p.add_argument("--params", action="append", default=[], metavar="KEY[=SPEC]",
                   help="a factor: a behaviour key (its documented range), KEY=LOW:HIGH, or "
                   "KEY=V1,V2 (e.g. meetings.leaders_call=present,absent); repeat. Default: "
                   "every behaviour value of every side")
    p.add_argument("--outcome", action="append", default=[], metavar="ID",
                   help="outcome to chart and read (repeat; default: every agreement, every "
                   "lever's final value and the fit); sensitivity.csv has every outcome")
    p.add_argument("--samples", type=int,
                   help="Morris trajectories (default 10) or Sobol base samples, a power of two "
                   "(default 64)")
    p.add_argument("--runs", type=int, default=10, help="runs per point, on common seeds (10)")
    p.add_argument("--seed", type=int, help="base seed (default: the scenario's `seed:`)")
    p.add_argument("--out", type=Path, help="output folder (default: results/<name>-sensitivity)")
    p.add_argument("--no-plots", action="store_true", help="skip the PNG charts")
    add_executor_options(p)
    p.set_defaults(handler=cmd_sensitivity)


def cmd_sensitivity(args: argparse.Namespace) -> int:
    # imported here, not at the top: `sim --help` and `sim --version` stay fast
    from sim import api
    from sim.cli.run import partial_exit
    from sim.experiments import interrupts
    from sim.experiments import sensitivity as sa
    from sim.experiments.ensemble import SEED_RULE
    from sim.experiments.executors import open_workers
    from sim.experiments.runs import manifest, staged_output
    from sim.experiments.sweep import check_values, make_cell_plan, pick_outcomes, run_sweep
    from sim.views.design_report import reading, write_tornados
    from sim.views.terminal import ProgressBar

    base = api.load(args.scenario)
    factors = sa.parse_params(args.params, base)
    seed = base.seed if args.seed is None else args.seed
    samples = args.samples or DEFAULT_SAMPLES[args.method]
    points = sa.sample(args.method, factors, samples, seed)
    cells = sa.cells_of(factors, points)
    check_values(base, factors)
    plan = make_cell_plan(base)
    drawn = pick_outcomes(plan.outcomes, args.outcome, ("agreement", "final"))
    out = args.out or Path("results") / f"{base.name}-sensitivity"
    bar = ProgressBar(f"{base.name} {args.method}, {len(cells)} points")
    # signals wait for the loop over points (finished points are kept), then for the folder
    with interrupts.polled(), staged_output(out) as folder:
        with (folder / "samples.csv").open("w", encoding="utf-8", newline="") as stream, \
                open_workers(plan, args.jobs, dask=args.dask) as w:
            result = run_sweep(base, factors, cells, args.runs, stream, w, seed=args.seed,
                               progress=bar)
        bar.finish(result.written * args.runs, len(cells) * args.runs, result.partial)
        with interrupts.held():  # the folder is completed first
            names = ["samples.csv"]
            results = []
            if not result.partial:
                results = [sa.analyse(args.method, factors, points, result.means[:, k], o, seed)
                           for k, o in enumerate(plan.outcomes)]
                with (folder / "sensitivity.csv").open("w", encoding="utf-8", newline="") as fh:
                    csv.writer(fh, lineterminator="\n").writerows(sa.rows(args.method, factors,
                                                                           results))
                names.append("sensitivity.csv")
                shown = [r for r in results if r.outcome in drawn]
                if not args.no_plots:
                    names += write_tornados(args.method, factors, shown, base, folder, args.runs,
                                            len(cells))
            info = {"method": args.method, "samples": samples, "points": len(cells),
                    "runs_per_point": args.runs, "base_seed": result.base_seed,
                    "seeds": SEED_RULE + "; every point uses the same seeds (common random "
                    "numbers)",
                    "factors": {f.key: [f.low, f.high] if f.numeric else list(f.values)
                                for f in factors},
                    "executor": result.executor, "jobs": args.jobs, "partial": result.partial}
            (folder / "manifest.json").write_text(json.dumps(
                manifest(base, result.base_seed, result.seconds, {"sensitivity": info}), indent=2,
                default=str) + "\n", encoding="utf-8")
            names.append("manifest.json")
    print(f"{base.title}: {args.method}, {len(factors)} values, {result.written} of "
          f"{len(cells)} points x {args.runs} runs ({result.executor}, {result.seconds:.1f} s)")
    if result.partial:
        print("  interrupted: no indices (every point of the design is needed); the finished "
              "points are in samples.csv")
    else:
        print(reading(args.method, factors, [r for r in results if r.outcome in drawn], base))
    print(f"  wrote {out}/: {', '.join(names)}")
    return partial_exit(result.partial, f"kept the {result.written} finished points of "
                        f"{len(cells)} in {out}/ (marked partial)")

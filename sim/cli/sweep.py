"""`sim sweep`: a scenario over a full-factorial or Latin-hypercube design of scenario keys."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from .arguments import add_executor_options


def register(sub) -> None:
    p = sub.add_parser("sweep", help="run a scenario over a design of varied keys: CSV + heatmap",
                       description="Run a scenario over every cell of a design (full factorial "
                       "or Latin hypercube) of scenario keys, each cell on the same seeds. "
                       "Writes sweep.csv (one row per cell, streamed as cells finish) and a "
                       "figure per outcome: a heatmap for two keys, lines for one, small "
                       "multiples beyond.")
    p.add_argument("scenario", help="a scenario file, or the name of a shipped scenario "
                   "(e.g. baseline)")
    p.add_argument("--vary", action="append", default=[], metavar="KEY=SPEC",
                   help="a scenario key and its values: START:STOP:COUNT (0:1:11) or V1,V2,... "
                   "(hawk,dove; present,absent for a meeting); repeat for more keys")
    p.add_argument("--runs", type=int, default=20, help="runs per cell (default 20)")
    p.add_argument("--design", choices=("full", "lhs"), default="full",
                   help="full factorial (default) or Latin hypercube (with --samples)")
    p.add_argument("--samples", type=int, default=50, help="cells of a Latin hypercube (50)")
    p.add_argument("--outcome", action="append", default=[], metavar="ID",
                   help="outcome to draw (repeat; default: every agreement and the fit); "
                   "sweep.csv has them all")
    p.add_argument("--seed", type=int, help="base seed (default: the scenario's `seed:`)")
    p.add_argument("--out", type=Path, help="output folder (default: results/<name>-sweep)")
    p.add_argument("--no-plots", action="store_true", help="skip the PNG figures")
    add_executor_options(p)
    p.set_defaults(handler=cmd_sweep)


def cmd_sweep(args: argparse.Namespace) -> int:
    # imported here, not at the top: `sim --help` and `sim --version` stay fast
    from sim import api
    from sim.cli.run import partial_exit
    from sim.experiments import design as dz
    from sim.experiments import interrupts
    from sim.experiments.ensemble import SEED_RULE
    from sim.experiments.executors import open_workers
    from sim.experiments.runs import manifest, staged_output
    from sim.experiments.sweep import check_values, make_cell_plan, pick_outcomes, run_sweep
    from sim.views import plots
    from sim.views.design_figures import sweep_figure
    from sim.views.design_report import sweep_summary, sweep_table
    from sim.views.report import summary_report
    from sim.views.terminal import ProgressBar

    base = api.load(args.scenario)
    factors = [dz.parse_factor(v) for v in args.vary]
    dz.check_factors(factors)
    seed = base.seed if args.seed is None else args.seed
    cells = (dz.full_factorial(factors) if args.design == "full"
             else dz.latin_hypercube(factors, args.samples, seed))
    check_values(base, factors)
    plan = make_cell_plan(base)
    drawn = pick_outcomes(plan.outcomes, args.outcome)
    out = args.out or Path("results") / f"{base.name}-sweep"
    bar = ProgressBar(f"{base.name} sweep, {len(cells)} cells")
    # signals wait for the loop over cells (finished cells are kept), then for the folder
    with interrupts.polled(), staged_output(out) as folder:
        with (folder / "sweep.csv").open("w", encoding="utf-8", newline="") as stream, \
                open_workers(plan, args.jobs, dask=args.dask, plots=not args.no_plots) as w:
            result = run_sweep(base, factors, cells, args.runs, stream, w, seed=args.seed,
                               keep=[o.id for o in drawn], progress=bar)
        bar.finish(result.written * args.runs, len(cells) * args.runs, result.partial)
        with interrupts.held():  # the folder is completed first
            names = ["sweep.csv"]
            if not args.no_plots and result.written:
                for o in drawn:
                    name = f"sweep-{o.id}.png"
                    plots.save(sweep_figure(result, base, o, args.design), folder / name)
                    names.append(name)
            info = {"design": args.design, "cells": len(cells), "cells_written": result.written,
                    "runs_per_cell": args.runs, "base_seed": result.base_seed, "seeds": SEED_RULE
                    + "; every cell uses the same seeds (common random numbers)",
                    "factors": {f.key: list(f.values) if args.design == "full" else
                                ([f.low, f.high] if f.numeric else list(f.values))
                                for f in factors},
                    "executor": result.executor, "jobs": args.jobs, "partial": result.partial}
            (folder / "manifest.json").write_text(json.dumps(
                manifest(base, result.base_seed, result.seconds, {"sweep": info}), indent=2,
                default=str) + "\n", encoding="utf-8")
            names.append("manifest.json")
            summary_report(folder, f"{base.title}: sweep", f"{base.name}: {len(cells)} cells "
                           f"({args.design} design) x {args.runs} runs, base seed "
                           f"{result.base_seed}", sweep_summary(result, base, drawn),
                           [n for n in names if n.endswith(".png")],
                           [sweep_table(result, base)], result.partial)
            names.insert(0, "report.html")
    print(sweep_summary(result, base, drawn))
    print(f"  wrote {out}/: {', '.join(names)}")
    return partial_exit(result.partial, f"kept the {result.written} finished cells of "
                        f"{len(cells)} in {out}/ (marked partial)")

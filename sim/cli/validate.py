"""`sim validate`: the discrimination report, the scenario against null worlds on common seeds."""

from __future__ import annotations

import json
from pathlib import Path

from .arguments import add_executor_options


def register(sub) -> None:
    cmd = sub.add_parser("validate", help="can the score tell the scenario from null worlds?",
                         description="Run the scenario and null worlds (levers frozen, status "
                         "from the calendar only, random dispositions, each meeting removed in "
                         "turn) on the same seeds, and report each world's score and its paired "
                         "difference from the scenario with a 95 %% interval.")
    cmd.add_argument("scenario", help="a scenario file, or the name of a shipped scenario "
                     "(`sim list` shows them)")
    cmd.add_argument("--runs", type=int, default=200, help="seeds per world (default 200)")
    add_executor_options(cmd)
    cmd.add_argument("--seed", type=int, help="base seed (default: the scenario's)")
    cmd.add_argument("--record", type=Path, help="record YAML (default: the scenario's own)")
    cmd.add_argument("--out", type=Path, help="output folder (default results/validate-NAME)")
    cmd.set_defaults(handler=validate_command)


def validate_command(args) -> int:
    """Score every world, print the table, write validate.csv/.md/.png; 130 after Ctrl-C."""
    from sim.cli.run import partial_exit
    from sim.experiments import interrupts, validation
    from sim.experiments.runs import manifest, staged_output
    from sim.experiments.task_map import mapper
    from sim.record.lookup import record_to_fit
    from sim.scenario.bundled import find_scenario
    from sim.scenario.language import load_scenario
    from sim.views.plots import save
    from sim.views.report import dict_table, summary_report
    from sim.views.terminal import ProgressBar
    from sim.views.validation_figure import validation_figure

    scenario = load_scenario(find_scenario(args.scenario))
    record = record_to_fit(scenario, args.record)
    out = args.out or Path("results") / f"validate-{scenario.name}"
    bar = ProgressBar(f"validate {scenario.name}")
    with interrupts.polled():  # a signal stops the loop over seeds between results
        report = validation.validate(scenario, record, args.runs, seed=args.seed,
                                     mapper=mapper(args.jobs, args.dask), progress=bar)
    rows = report.rows()
    bar.finish(rows[0]["runs"] * len(rows), args.runs * len(rows), report.partial)
    if report.partial and not rows[0]["runs"]:  # no seed finished in every world: nothing
        raise KeyboardInterrupt
    md = validation.report_markdown(report)
    with interrupts.held(), staged_output(out) as folder:
        (folder / "validate.csv").write_text(validation.report_csv(report),
                                             encoding="utf-8")
        (folder / "validate.md").write_text(f"# {scenario.name}: discrimination\n\n{md}\n",
                                            encoding="utf-8")
        save(validation_figure(rows, f"{scenario.name}: scenario minus null world, "
                               f"{rows[0]['runs']} common seeds"), folder / "validate.png")
        (folder / "manifest.json").write_text(json.dumps(manifest(
            scenario, report.base_seed, 0.0, {"partial": report.partial, "runs": args.runs,
                                              "fixed_observations": report.fixed}),
            indent=2, default=str) + "\n", encoding="utf-8")
        summary_report(folder, f"{scenario.title}: validation", f"{scenario.name}: the "
                       f"scenario against null worlds on {rows[0]['runs']} common seeds (base "
                       f"seed {report.base_seed})", md, ["validate.png"],
                       [dict_table(rows, "Each world: mean scores and the paired difference "
                                   "from the scenario")], report.partial)
    print(("PARTIAL (interrupted) " if report.partial else "") + md)
    print(f"wrote {out}/: report.html, validate.csv, validate.md, validate.png, manifest.json")
    return partial_exit(report.partial, f"kept the {rows[0]['runs']} seeds every world "
                        f"finished of {args.runs} in {out}/ (marked partial)")

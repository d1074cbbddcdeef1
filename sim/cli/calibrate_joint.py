"""What `sim calibrate` adds to its outputs for the issue's checks: per episode of a calibration
file, the single-episode outputs; the posterior's fit against the scenario as written (median
over predictive runs); the predictive coverage of the record's intervals; and, with
``--leave-out``, the validation of the episode left out."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import numpy as np


def fit_table(problem, gen, n: int, mapper) -> dict[str, float]:
    """Median and mean behaviour fit of ``n`` posterior draws (resampled particles) and of the
    scenario as written, on common seeds the fit never used (``posterior.check_task``)."""
    from sim.experiments import posterior

    empty = posterior.split(problem.record, None)[1]
    draws = posterior.resample(gen, n, problem.scenario.seed)
    tasks = [(k, tuple(t), problem.record, empty) for k, t in enumerate(draws)]
    res = sorted(mapper(posterior.check_task, problem, tasks))
    post, orig = np.array([r[1] for r in res]), np.array([r[3] for r in res])
    return {"posterior_median": float(np.median(post)), "posterior_mean": float(post.mean()),
            "written_median": float(np.median(orig)), "written_mean": float(orig.mean())}


def episode_checks(args, out: Path, name: str, record, problem=None, gen=None) -> str:
    """Coverage of ``out/calibrated.yaml`` on ``record`` (``coverage.csv``) and, given the
    problem and last generation, the fit table (``fit.json``); lines for the terminal."""
    from sim.experiments import predictive
    from sim.experiments.task_map import mapper
    from sim.scenario.language import load_scenario

    runs = max(10, args.checks)
    items = predictive.coverage(load_scenario(out / "calibrated.yaml"), record, runs,
                                mapper(args.jobs, args.dask))
    with (out / "coverage.csv").open("w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["item", "kind", "record_low", "record_high", "band_low", "band_high",
                    "covered"])
        w.writerows([c.id, c.kind, c.low, c.high, f"{c.band_low:.6g}", f"{c.band_high:.6g}",
                     int(c.covered)] for c in items)
    share = predictive.share(items)
    lines = [f"{name}: the 80 % band of {runs} runs of calibrated.yaml covers "
             f"{sum(c.covered for c in items)} of {len(items)} record intervals "
             f"({share:.0%}; coverage.csv)"]
    result: dict = {"coverage": None if math.isnan(share) else share,
                    "intervals": len(items)}
    if problem is not None and gen is not None and problem.priors:
        fits = fit_table(problem, gen, runs, mapper(args.jobs, args.dask))
        result.update(fits)
        lines.append(f"{name}: behaviour fit, median of {runs} posterior draws "
                     f"{fits['posterior_median']:.3f} (mean {fits['posterior_mean']:.3f}) | "
                     f"scenario as written {fits['written_median']:.3f} "
                     f"(mean {fits['written_mean']:.3f})")
    (out / "fit.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return "\n".join(lines)


def write_joint(args, cal, problem, gens, out: Path) -> str:
    """Per episode: the single-episode outputs in ``out/EPISODE/``; then the episode left out."""
    from sim.experiments import joint, posterior
    from sim.experiments.task_map import mapper
    from sim.views.calibration_outputs import write_outputs

    last = gens[-1]
    ess = float(1.0 / np.sum(last.weights ** 2))
    lines = [f"joint calibration `{cal.name}` of {len(problem.parts())} episodes "
             f"({', '.join(ep.name for ep in problem.parts())}): {len(problem.priors)} values "
             f"fitted, {len(gens)} generations, {last.runs_used} evaluations, effective sample "
             f"size {ess:.0f} of {len(last.weights)}"]
    for ep in problem.parts():
        sub, _ = joint.episode_view(problem, ep.name, last)
        folder = out / ep.name
        folder.mkdir(exist_ok=True)
        if not sub.priors:
            lines.append(f"{ep.name}: reads no fitted value; its scenario stands as written")
            continue
        views = [joint.episode_view(problem, ep.name, g)[1] for g in gens]
        empty = posterior.split(ep.record, None)[1]
        text = write_outputs(args, ep.scenario, sub, ep.record, empty, views, folder,
                             mapper(args.jobs, args.dask))
        lines.append(f"-- episode {ep.name} ({folder}/) --\n{text}")
        lines.append(episode_checks(args, folder, ep.name, ep.record, sub, views[-1]))
    if args.leave_out:
        lines.append(left_out(args, cal, problem, last, out))
    return "\n".join(lines)


def left_out(args, cal, problem, last, out: Path) -> str:
    """The episode left out, run with the posterior of the shared values (its own values as its
    scenario sets them): its calibrated scenario, `sim validate`'s table and the coverage."""
    from sim.experiments import joint, posterior, validation
    from sim.experiments.task_map import mapper
    from sim.record.lookup import record_to_fit
    from sim.scenario.language import load_scenario

    name = args.leave_out
    scenario = load_scenario(cal.episodes[name])
    sub, gen = joint.shared_view(problem, scenario, last)
    folder = out / f"left-out-{name}"
    folder.mkdir(exist_ok=True)
    rows = posterior.summary(sub.priors, gen) if sub.priors else []
    (folder / "calibrated.yaml").write_text(posterior.calibrated_yaml(
        scenario.file, rows, None, folder, f"{args.method}, fitted without {name}"),
        encoding="utf-8")
    calibrated = load_scenario(folder / "calibrated.yaml")
    record = record_to_fit(scenario)
    report = validation.validate(calibrated, record, max(2, args.validate_runs),
                                 mapper=mapper(args.jobs, args.dask))
    md = validation.report_markdown(report)
    (folder / "validate.md").write_text(f"# {name} left out: the posterior of the shared values "
                                        f"against null worlds\n\n{md}\n", encoding="utf-8")
    (folder / "validate.csv").write_text(validation.report_csv(report), encoding="utf-8")
    head = (f"-- episode {name} left out ({folder}/): {len(sub.priors)} shared values from the "
            "posterior of the others, its own values as written --")
    checks = episode_checks(args, folder, name, record, sub if sub.priors else None, gen)
    return "\n".join([head, md, checks])

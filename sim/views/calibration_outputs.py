"""The folder `sim calibrate` writes: posterior samples, identifiability, figures, a calibrated
scenario, the posterior predictive check (in and out of sample) and its fan charts."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import numpy as np

from sim.experiments import interrupts, posterior
from sim.experiments.abc_smc import Generation, Problem
from sim.experiments.executors import run_ensemble
from sim.scenario.language import load_scenario
from sim.views.calibration_figures import marginals_figure, pairs_figure
from sim.views.ensemble_figures import write_ensemble
from sim.views.plots import save
from sim.views.report import dict_table, summary_report

DEGENERATE = 0.1  # effective sample size below a tenth of the population: weights degenerate


def _write_csv(path: Path, rows: list[dict]) -> None:
    with path.open("w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows({k: (f"{v:.6g}" if isinstance(v, float) else v) for k, v in r.items()}
                    for r in rows)


def _mean(values: list[float]) -> float:
    v = [x for x in values if not math.isnan(x)]
    return float(np.mean(v)) if v else math.nan


def write_outputs(args, scenario, problem: Problem, record, held, gens: list[Generation],
                  out: Path, mapper) -> str:
    """Write every file; return a few lines for the terminal."""
    last = gens[-1]
    rows = posterior.summary(problem.priors, last)
    keys = [p.key for p in problem.priors]
    _write_csv(out / "posterior.csv", [
        {"weight": float(w), "distance": float(d), **dict(zip(keys, map(float, t), strict=True))}
        for t, w, d in zip(last.theta, last.weights, last.distances, strict=True)])
    _write_csv(out / "identifiability.csv", rows)
    _write_csv(out / "generations.csv", [
        {"generation": g.index, "epsilon": g.epsilon, "runs_used": g.runs_used,
         "median_distance": float(np.median(g.distances))} for g in gens])
    title = f"{scenario.name}: posterior of {len(keys)} free values ({last.runs_used} runs)"
    ess = float(1.0 / np.sum(last.weights ** 2))  # effective sample size of the weights
    degenerate = ess < DEGENERATE * len(last.weights)
    if degenerate:  # the figures must not read as evidence when a few particles carry them
        title += (f"\nWEIGHTS DEGENERATE (effective sample size {ess:.0f} of "
                  f"{len(last.weights)}): narrow posteriors here are not evidence")
    save(marginals_figure(rows, last.theta, last.weights, title), out / "marginals.png")
    save(pairs_figure(rows, last.theta, last.weights, title), out / "pairs.png")
    path = out / "calibrated.yaml"
    path.write_text(posterior.calibrated_yaml(scenario.file, rows, args.until, out,
                                             getattr(args, "method", "builtin")),
                    encoding="utf-8")
    checks = _checks(problem, held, last, args.checks, mapper)
    predictive = run_ensemble(load_scenario(path), max(2, args.checks), jobs=args.jobs)
    # after a stop signal the write completes without the predictive fans (figures last)
    write_ensemble(predictive, out / "predictive", plots=not interrupts.received())
    constrained = [r["key"] for r in rows if r["constrained"]]
    text = "\n".join([
        f"calibration of {len(keys)} free values ({getattr(args, 'method', 'builtin')} "
        f"sampler): {len(gens)} generations, "
        f"{last.runs_used} runs, final tolerance {last.epsilon:.3f} (distance 1 - behaviour fit)",
        f"effective sample size {ess:.0f} of {len(last.weights)} particles"
        + (" - WEIGHTS DEGENERATE: a few particles carry the posterior, so narrow posteriors "
           "below are not evidence that the record constrains a value" if degenerate else ""),
        "constrained by the record (posterior sd < half the prior's): "
        + ("cannot be judged while the weights are degenerate (sd ratios: identifiability.csv)"
           if degenerate else ", ".join(constrained) or "none"),
        "behaviour fit, mean over predictive runs (posterior draw | scenario as written):",
        f"  in sample (fitted observations):   {checks['in_post']:.3f} | {checks['in_orig']:.3f}",
        f"  out of sample (after {args.until}): {checks['out_post']:.3f} | "
        f"{checks['out_orig']:.3f}" if args.until else "  out of sample: none (no --until)",
        f"wrote {out}/: posterior.csv, identifiability.csv, generations.csv, marginals.png, "
        "pairs.png, calibrated.yaml, summary.json, report.html, predictive/ (fan charts of "
        "calibrated.yaml)"])
    (out / "summary.json").write_text(json.dumps(
        {"scenario": scenario.name, "method": getattr(args, "method", "builtin"),
         "until": str(args.until) if args.until else None,
         "generations": len(gens), "runs": last.runs_used, "epsilon": last.epsilon,
         "population": len(last.weights), "free_values": len(keys), "constrained": constrained,
         "effective_sample_size": ess, "weights_degenerate": bool(degenerate),
         "fitted_observations": len(problem.record.observations),
         "held_out_observations": len(held.observations),
         **{k: None if math.isnan(v) else v for k, v in checks.items()}}, indent=2) + "\n",
        encoding="utf-8")
    summary_report(out, f"{scenario.title}: calibration", f"{scenario.name}: "
                   f"{getattr(args, 'method', 'builtin')} sampler, {len(gens)} generations, "
                   f"{last.runs_used} runs", text, ["marginals.png", "pairs.png"],
                   [dict_table(rows, "Each free value: prior, posterior and whether the record "
                               "constrains it")])
    return text


def _checks(problem: Problem, held, last: Generation, n: int, mapper) -> dict[str, float]:
    draws = posterior.resample(last, n, problem.scenario.seed)
    tasks = [(k, tuple(t), problem.record, held) for k, t in enumerate(draws)]
    results = sorted(mapper(posterior.check_task, problem, tasks))
    cols = list(zip(*results, strict=True))
    return {"in_post": _mean(list(cols[1])), "out_post": _mean(list(cols[2])),
            "in_orig": _mean(list(cols[3])), "out_orig": _mean(list(cols[4]))}

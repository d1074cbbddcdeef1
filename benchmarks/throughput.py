"""Throughput of the run-bound workloads (ensembles, sweeps, sensitivity), side by side in ONE
process against a bare Mesa model of the same size, so that machine load cancels out of ratios.

    .venv/bin/python benchmarks/throughput.py [--runs 100] [--ensemble 1000] [--rounds 3]

Per run (rounds interleave the three, each over the same --runs seeds; medians of the rounds):
  bare     a Mesa model with as many agents as the baseline, a no-op ``step`` for each, stepped
           with ``agents.shuffle_do("step")`` for as many days;
  model    a baseline run (``NegotiationModel(...).run_to_end()``);
  scoring  scoring that same run against the record and reducing it to arrays, as an ensemble
           does (``sim.experiments.ensemble.reduce_run``);
  and, for context only, ``BareInOrder``: the bare model activated the way the baseline
           activates its agents (see its docstring).
The three alternate seed by seed, so that bursts of load hit all three alike.
Targets: model / bare <= 2; scoring / model <= 0.2 (scoring adds at most 20 % to a run). The
model / bare ratio is also printed in this process's CPU time, which waiting for a busy core does
not inflate; the targets are judged on the wall-clock ratios.

Ensemble (per round, medians): a --ensemble-run baseline ensemble with its files and three
figures at 2 processes (what ``sim run --runs N --jobs 2`` does after start-up), against the same
number of bare-Mesa runs split over a pool of 2 forked processes (pool start-up included in both).
Target: ensemble / bare pool < 5.

Ratios are taken within each round and the median reported: the machine this was written on had
2 cores shared by other work, so absolute times vary from round to round much more than ratios.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import mesa

from sim.engine.model import NegotiationModel
from sim.experiments.ensemble import make_plan, reduce_run, seed_for
from sim.experiments.executors import run_ensembles, start
from sim.scenario.language import load_scenario
from sim.views.ensemble_figures import write_ensemble

ROOT = Path(__file__).resolve().parent.parent


class Idle(mesa.Agent):
    """An agent that does nothing when stepped."""

    def step(self) -> None:
        pass


class Bare(mesa.Model):
    """A Mesa model with ``agents`` idle agents: the cost of Mesa itself."""

    def __init__(self, agents: int, seed: int):
        super().__init__(rng=seed)
        for _ in range(agents):
            Idle(self)

    def step(self) -> None:
        self.agents.shuffle_do("step")


class Shuffled(Idle):
    """An idle agent stepped in a random order (as the negotiators are)."""


class BareInOrder(mesa.Model):
    """``Bare``, but activated as the baseline activates its agents: two (the negotiators) in a
    random order, the rest (firms and markets, which do not interact) in a fixed order. Not the
    reference of the targets: printed to show how much of ``Bare`` is Mesa's random activation."""

    def __init__(self, agents: int, seed: int):
        super().__init__(rng=seed)
        for _ in range(2):
            Shuffled(self)
        self.rest = [Idle(self) for _ in range(agents - 2)]

    def step(self) -> None:
        self.agents_by_type[Shuffled].shuffle_do("step")
        for agent in self.rest:
            agent.step()


def bare_runs(agents: int, steps: int, seeds: list[int], model_class: type = Bare) -> None:
    for seed in seeds:
        model = model_class(agents, seed)
        for _ in range(steps):
            model.step()


def _bare_chunk(job: tuple[int, int, list[int]]) -> int:
    bare_runs(*job)
    return len(job[2])


def timed(fn, *args) -> float:
    started = time.perf_counter()
    fn(*args)
    return time.perf_counter() - started


def per_run(scenario, runs: int, rounds: int, agents: int, steps: int) -> dict[str, list]:
    """Per round: mean seconds of a bare run, a model run, and the scoring and reduction of
    that same model run. Seed by seed the three alternate, so bursts of load hit all three."""
    plan = make_plan(scenario)
    seeds = [seed_for(scenario.seed, i) for i in range(runs)]
    clock, cpu = time.perf_counter, time.process_time
    out: dict[str, list] = {"bare": [], "model": [], "scoring": [], "bare_cpu": [],
                            "model_cpu": [], "in_order": []}
    bare_runs(agents, steps, seeds[:5])  # warm up
    for seed in seeds[:5]:
        reduce_run(plan, 0, seed, NegotiationModel(scenario, seed=seed).run_to_end())
    for _ in range(rounds):
        total = dict.fromkeys(out, 0.0)
        for i, seed in enumerate(seeds):
            c0, t0 = cpu(), clock()
            bare_runs(agents, steps, [seed])
            c1, t1 = cpu(), clock()
            model = NegotiationModel(scenario, seed=seed, run=i).run_to_end()
            c2, t2 = cpu(), clock()
            reduce_run(plan, i, seed, model)
            t3 = clock()
            total["bare"] += t1 - t0
            total["model"] += t2 - t1
            total["scoring"] += t3 - t2
            total["bare_cpu"] += c1 - c0
            total["model_cpu"] += c2 - c1
            t4 = clock()
            bare_runs(agents, steps, [seed], BareInOrder)
            total["in_order"] += clock() - t4
        for k, v in total.items():
            out[k].append(v / runs)
    return out


def ensemble_round(scenario, runs: int, agents: int, steps: int) -> tuple[float, float]:
    seeds = [seed_for(scenario.seed, i) for i in range(runs)]
    half = runs // 2
    started = time.perf_counter()
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(2) as pool:
        pool.map(_bare_chunk, [(agents, steps, seeds[:half]), (agents, steps, seeds[half:])])
    bare = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        with start([scenario], runs, jobs=2, plots=True) as workers:
            ens, = run_ensembles([scenario], runs, workers=workers)
            write_ensemble(ens, Path(tmp) / "out", plots=True, workers=workers)
        full = time.perf_counter() - started
    return bare, full


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", type=Path, default=ROOT / "scenarios" / "baseline.yaml")
    parser.add_argument("--runs", type=int, default=100, help="runs per round, per-run timing")
    parser.add_argument("--ensemble", type=int, default=1000, help="runs of the ensemble")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    scenario = load_scenario(args.scenario)
    probe = NegotiationModel(scenario, seed=0).run_to_end()
    agents, steps = len(probe.agents), len(probe.columns["date"]) - 1
    print(f"{scenario.name}: {agents} agents, {steps} steps; {os.cpu_count()} CPUs, Python "
          f"{sys.version.split()[0]}, load average {os.getloadavg()[0]:.2f} at the start")

    t = per_run(scenario, args.runs, args.rounds, agents, steps)
    med = {k: statistics.median(v) for k, v in t.items()}
    r_model = statistics.median(m / b for m, b in zip(t["model"], t["bare"], strict=True))
    r_score = statistics.median(s / m for s, m in zip(t["scoring"], t["model"], strict=True))
    print(f"per run, median of {args.rounds} rounds x {args.runs} runs:")
    print(f"  bare Mesa        {1000 * med['bare']:7.2f} ms")
    print(f"  baseline run     {1000 * med['model']:7.2f} ms   ratio to bare {r_model:5.2f}  "
          f"(target <= 2: {'met' if r_model <= 2 else 'NOT met'})")
    print(f"  scoring + arrays {1000 * med['scoring']:7.2f} ms   adds {100 * r_score:4.1f} % "
          f"to a run  (target <= 20 %: {'met' if r_score <= 0.2 else 'NOT met'})")
    r_cpu = statistics.median(m / b for m, b in zip(t["model_cpu"], t["bare_cpu"], strict=True))
    print(f"  in CPU time of this process (not inflated by waiting for a busy core): baseline "
          f"run {1000 * med['model_cpu']:.2f} ms vs bare {1000 * med['bare_cpu']:.2f} ms, "
          f"ratio {r_cpu:.2f}")
    r_order = statistics.median(m / b for m, b in zip(t["model"], t["in_order"], strict=True))
    print(f"  not a target: bare Mesa activated as the model activates (2 agents shuffled, the "
          f"rest in order) {1000 * med['in_order']:.2f} ms, ratio {r_order:.2f}")

    bares, fulls = [], []
    for _ in range(args.rounds):
        bare, full = ensemble_round(scenario, args.ensemble, agents, steps)
        bares.append(bare)
        fulls.append(full)
    ratio = statistics.median(f / b for f, b in zip(fulls, bares, strict=True))
    print(f"ensemble of {args.ensemble} runs at 2 processes, median of {args.rounds} rounds:")
    print(f"  bare Mesa, 2 processes          {statistics.median(bares):6.2f} s")
    print(f"  ensemble + files + 3 figures    {statistics.median(fulls):6.2f} s   ratio "
          f"{ratio:5.2f}  (target < 5: {'met' if ratio < 5 else 'NOT met'})")
    print(f"load average {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    main()

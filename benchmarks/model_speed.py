"""Per-run time of the baseline model against a bare Mesa model of the same size, same process.

    /work/venv/bin/python benchmarks/model_speed.py [--runs 200] [--profile]

The bare model has as many agents as the baseline (negotiators, firms, markets), each with a no-op
``step``, and calls ``model.agents.shuffle_do("step")`` once per day for the same number of days.
Both are timed over the same seeds, alternating, best of --repeat rounds. Target ratio <= 3.
``--profile`` adds a cProfile of the baseline (top functions by own time).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import time
from pathlib import Path

from sim.engine.model import NegotiationModel
from sim.scenario.language import load_scenario

ROOT = Path(__file__).resolve().parent.parent


from throughput import Bare  # noqa: E402  (the same bare model, beside this file)


def time_baseline(scenario, seeds) -> float:
    started = time.perf_counter()
    for seed in seeds:
        NegotiationModel(scenario, seed=seed).run_to_end()
    return (time.perf_counter() - started) / len(seeds)


def time_bare(agents: int, steps: int, seeds) -> float:
    started = time.perf_counter()
    for seed in seeds:
        model = Bare(agents, seed)
        for _ in range(steps):
            model.step()
    return (time.perf_counter() - started) / len(seeds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", type=Path, default=ROOT / "scenarios" / "baseline.yaml")
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()

    scenario = load_scenario(args.scenario)
    probe = NegotiationModel(scenario, seed=0).run_to_end()
    agents, steps = len(probe.agents), len(probe.columns["date"]) - 1
    seeds = list(range(args.runs))
    time_baseline(scenario, seeds[:10])  # warm up
    time_bare(agents, steps, seeds[:10])
    model = bare = float("inf")
    for _ in range(args.repeat):
        model = min(model, time_baseline(scenario, seeds))
        bare = min(bare, time_bare(agents, steps, seeds))
    print(f"{scenario.name}: {agents} agents, {steps} steps, best of {args.repeat} x "
          f"{args.runs} runs, load average {os.getloadavg()[0]:.2f}")
    print(f"  model run: {1000 * model:7.2f} ms")
    print(f"  bare Mesa: {1000 * bare:7.2f} ms  (same agents and steps, no-op step)")
    print(f"  ratio:     {model / bare:7.2f}    (target <= 3)")
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        time_baseline(scenario, seeds[:100])
        profiler.disable()
        stats = pstats.Stats(profiler)
        stats.sort_stats("tottime").print_stats(20)


if __name__ == "__main__":
    main()

"""The work executors hand to their workers, as module-level functions (sent by name): one
ensemble run, and one figure."""

from __future__ import annotations

import importlib
from pathlib import Path

from sim.experiments.ensemble import Plan, RunSummary, simulate


def simulate_task(plans: list[Plan], task: tuple[int, int, int]) -> tuple[int, RunSummary]:
    """One ensemble run: ``task`` is (scenario number, run index, seed)."""
    which, index, seed = task
    plan = plans[which]
    try:
        return which, simulate(plan, index, seed)
    except Exception as exc:  # the traceback stays in the worker: say how to replay the run
        raise RuntimeError(f"run {index} of {plan.scenario.name} failed ({exc!r}); replay it "
                           f"with: sim run {plan.scenario.file} --seed {seed}") from exc


def render_figure(function: str, args: tuple, path: Path) -> None:
    """Draw ``function`` ("module:name", a figure maker) with ``args`` and save it to ``path``.

    Named by string so that experiments never import the views: the worker imports them."""
    module, name = function.split(":")
    plots = importlib.import_module("sim.views.plots")
    plots.save(getattr(importlib.import_module(module), name)(*args), path)

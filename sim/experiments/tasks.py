"""The work executors hand to their workers, as module-level functions (sent by reference): one
ensemble run. Figures are drawn by functions the views hand to ``Workers.render``."""

from __future__ import annotations

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

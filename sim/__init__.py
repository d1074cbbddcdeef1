"""Negotiation scenario simulator: disputes written in YAML, replayed by an agent-based model.

The Python API (``sim.load``, ``sim.run``, ``sim.ensemble``, ``sim.compare``, ``sim.scenarios``;
see docs/api.md) is imported on first use, so ``import sim`` and the ``sim`` command start fast;
so is ``sim.ScenarioModel``, the Mesa model built from a scenario file (for ``mesa.batch_run``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

__version__ = "0.1.0"

__all__ = ["Comparison", "Ensemble", "Run", "compare", "ensemble", "load", "run", "scenarios",
           "__version__"]

if TYPE_CHECKING:  # for type checkers and editors; at run time the API loads on first use
    from sim.api import Comparison, Ensemble, Run, compare, ensemble, load, run, scenarios


def __getattr__(name: str) -> object:
    if name == "ScenarioModel":  # the Mesa model built from a scenario file, for mesa.batch_run
        from sim.experiments.mesa_model import ScenarioModel

        return ScenarioModel
    if name in __all__:
        import sim.api

        return getattr(sim.api, name)
    raise AttributeError(f"module 'sim' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__) | {"ScenarioModel"})

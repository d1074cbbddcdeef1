"""The Python API, for notebooks and scripts: find and vary scenarios, run them once or many
times, compare them on the same seeds, and read the results as pandas tables and matplotlib
figures. The `sim` command is a thin layer over the same functions; docs/api.md has one example
per function.

    >>> import sim
    >>> base = sim.load("baseline")
    >>> patient = sim.load(base, actors__us__behaviour__patience=0.9, name="patient_us")
    >>> cmp = sim.compare(sim.ensemble(base, runs=20), sim.ensemble(patient, runs=20))
    >>> cmp.outcomes          # doctest: +SKIP
"""

from sim.api.comparison import Comparison, compare
from sim.api.loading import ScenarioLike, load, scenarios
from sim.api.many import Ensemble, ensemble
from sim.api.single import Run, run

__all__ = ["Comparison", "Ensemble", "Run", "ScenarioLike", "compare", "ensemble", "load", "run",
           "scenarios"]

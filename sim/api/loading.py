"""Finding and varying scenarios: ``sim.load`` and ``sim.scenarios``."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING

from sim.engine.spec import Scenario
from sim.scenario import bundled
from sim.scenario.language import apply_overrides, catalogue, load_scenario

if TYPE_CHECKING:
    import pandas as pd

ScenarioLike = str | os.PathLike[str] | Scenario
"""A shipped scenario's name (``"baseline"``), a path to a YAML file, or a loaded ``Scenario``."""


def load(scenario: ScenarioLike, overrides: Mapping[str, object] | None = None, /,
         **changes: object) -> Scenario:
    """Read a scenario and optionally change some of its keys; returns a checked ``Scenario``.

    ``scenario`` is a shipped scenario's name (``"baseline"``; ``sim.scenarios()`` lists them),
    a path to a YAML file, or a ``Scenario`` already loaded (then a changed copy is returned).

    Changes use the scenario's own key paths, either as a dict of dotted keys or as keywords
    with ``__`` between the parts (the scikit-learn ``set_params`` convention)::

        sim.load("baseline", {"actors.us.behaviour.patience": 0.8})
        sim.load("baseline", actors__us__behaviour__patience=0.8, name="patient_us")

    Meetings and shocks are addressed by name (``meetings__leaders_call__date="2025-06-12"``);
    ``None`` removes a key or an item (``meetings__leaders_call=None``). Every change is checked
    like the file itself: a wrong key or value raises ``sim.errors.ScenarioError`` naming it.
    """
    base = scenario if isinstance(scenario, Scenario) else \
        load_scenario(bundled.find_scenario(scenario))
    merged = {**(overrides or {}), **{key.replace("__", "."): v for key, v in changes.items()}}
    return apply_overrides(base, merged) if merged else base


def as_scenario(scenario: ScenarioLike) -> Scenario:
    """``scenario`` itself if loaded, else ``load(scenario)``."""
    return scenario if isinstance(scenario, Scenario) else load(scenario)


def scenarios() -> pd.DataFrame:
    """The shipped scenarios: one row each, indexed by ``name``, with ``title`` and ``file``.

    Any of the names can be given to ``sim.load``, ``sim.run``, ``sim.ensemble`` or `sim run`.
    """
    import pandas as pd

    rows = [{"name": e.name, "title": e.title, "file": str(e.file)} for e in catalogue()]
    return pd.DataFrame(rows, columns=["name", "title", "file"]).set_index("name")

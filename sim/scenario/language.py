"""Scenarios: the YAML that says who the actors are, what levers they hold, how they behave and
when they meet. The public entry points of the language, gathered in one place.

The language itself is the pydantic models in ``sim.scenario.models`` (leaf types in
``types``); a file is read with line marks (``yamlio``), each part checked and merged along
``extends`` (``extends``), checked as a whole and built into the engine's frozen specs
(``build``); ``overrides`` sets values at dotted paths, ``schema`` writes the JSON Schema and
the README's key table. The engine knows no country, person or lever: everything specific lives
in the scenario file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sim.engine.spec import (
    ActorSpec,
    ConstituencySpec,
    MeetingSpec,
    Scenario,
    ShockSpec,
    Trigger,
)
from sim.scenario.bundled import names, scenarios_dir
from sim.scenario.extends import resolve
from sim.scenario.load import load_scenario, parse_scenario, scenario_from_data
from sim.scenario.located import Source
from sim.scenario.overrides import apply_overrides
from sim.scenario.types import DISTRIBUTIONS

__all__ = ["DISTRIBUTIONS", "ActorSpec", "ConstituencySpec", "Entry", "MeetingSpec", "Scenario",
           "ShockSpec", "Source", "Trigger", "apply_overrides", "catalogue", "load_scenario",
           "parse_scenario", "resolve", "scenario_from_data"]


@dataclass(frozen=True)
class Entry:
    """One shipped scenario as `sim list` shows it: its name, title and file."""

    name: str
    title: str
    file: Path


def catalogue() -> list[Entry]:
    """Every shipped scenario with its title, in name order."""
    return [Entry(name, load_scenario(scenarios_dir() / f"{name}.yaml").title,
                  scenarios_dir() / f"{name}.yaml") for name in names()]

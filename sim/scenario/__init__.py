"""The scenario language: YAML files that say who the sides are, what they hold, how they behave
and when they meet. ``load_scenario(path)``, ``scenario_from_data(dict)`` and
``apply_overrides(scenario, {dotted.path: value})`` give the engine's ``Scenario``."""

from sim.scenario.language import Scenario, apply_overrides, load_scenario, scenario_from_data

__all__ = ["Scenario", "apply_overrides", "load_scenario", "scenario_from_data"]

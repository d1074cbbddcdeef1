"""The record and a run's values in words and units, for figures and reports.

"US tariff on Chinese goods: about 30 % (± 5 points)" rather than "us.tariff_on_china: 30 ± 5";
"fell by 0.03" rather than "-0.0349". Units come from the lever as the scenario defines it.
"""

from __future__ import annotations

import math

from sim.engine.spec import Scenario

# how a lever's `unit` reads on an axis; a unit not listed here (free text such as "USD m") is
# shown as written
AXIS_UNITS = {"percent": "%", "share": "share (0-1)", "index": "index (0-1)",
              "amount": "amount delivered"}
STATE = {"trust": "trust in the other side", "pressure": "domestic pressure"}


def lever_of(scenario: Scenario, quantity: str):
    return next((lv for lv in scenario.levers if lv.id == quantity), None)


def axis_unit(lever) -> str:
    """The lever's unit for an axis label: from its ``unit_label`` if the scenario gives one,
    else its ``unit`` in words ("%", "index (0-1)", or a free-text unit as written)."""
    label = lever.unit_label
    if label:
        return label
    if lever.unit == "amount" and not getattr(lever, "horizon_days", 0):
        return "amount"  # not a commitment: nothing is "delivered"
    return AXIS_UNITS.get(lever.unit, lever.unit)


def quantity_label(scenario: Scenario, quantity: str) -> str:
    """A quantity in words: a lever's label, "US: trust in the other side", "talks status"."""
    lever = lever_of(scenario, quantity)
    if lever is not None:
        return lever.label
    actor, _, kind = quantity.partition(".")
    if actor in scenario.actors:
        spec = scenario.actors[actor]
        if kind in STATE:
            return f"{spec.label}: {STATE[kind]}"
        for c in spec.constituencies:
            if c.id == quantity:
                return f"{spec.label}: {c.label}"
    return {"status": "talks status"}.get(quantity, quantity.replace("_", " "))


def _points(lever) -> str:
    return " points" if lever is not None and lever.unit == "percent" else ""


def amount(scenario: Scenario, quantity: str, value: float | str | None) -> str:
    """A value of ``quantity`` in its unit: "30 %", "0.42", "truce"."""
    if value is None:
        return "–"
    if isinstance(value, str):
        low, dots, high = value.partition("..")  # a range over the observation's dates
        try:
            return f"{amount(scenario, quantity, float(low))} to " \
                   f"{amount(scenario, quantity, float(high))}" if dots else value.replace("_", " ")
        except ValueError:
            return value.replace("_", " ")
    if not math.isfinite(value):
        return "–"
    lever = lever_of(scenario, quantity)
    if lever is not None:
        if lever.unit in ("percent", "share", "index", "amount"):
            return lever.describe(value)
        return f"{value:.3g} {lever.unit}"
    return f"{value:.2f}"


def change(scenario: Scenario, quantity: str, size: float) -> str:
    """A signed change in words: "fell by 115 points", "rose by 0.05"."""
    if not math.isfinite(size):
        return "–"
    lever = lever_of(scenario, quantity)
    if lever is not None and lever.unit == "share":
        text = f"{100 * abs(size):.0f} points"
    elif lever is not None and lever.unit == "percent":
        text = f"{abs(size):.3g} points"
    else:
        text = f"{abs(size):.2g}"
    if abs(size) < 1e-9:
        return "did not move"
    return f"{'rose' if size > 0 else 'fell'} by {text}"


def expected(scenario: Scenario, obs) -> str:
    """What a documented observation says, in words and the quantity's unit."""
    q = obs.quantity
    lever = lever_of(scenario, q)
    if obs.value is not None:
        tol = ""
        if obs.tolerance:
            tol = f" (± {amount(scenario, q, obs.tolerance).replace(' %', '')}{_points(lever)})" \
                if lever is not None and lever.unit == "percent" else \
                f" (± {obs.tolerance:g})"
        return f"about {amount(scenario, q, obs.value)}{tol}"
    if obs.level is not None:
        side, threshold = obs.level
        return f"{side} {amount(scenario, q, threshold)}"
    if obs.direction is not None:
        by = amount(scenario, q, obs.min_change) if obs.min_change else ""
        if lever is not None and lever.unit == "percent" and obs.min_change:
            by = f"{obs.min_change:g} points"
        if obs.direction == "flat":
            return f"stays flat (within {by})" if by else "stays flat"
        verb = "rises" if obs.direction == "up" else "falls"
        return f"{verb} by at least {by}" if by else verb
    if obs.status is not None:
        return obs.status.replace("_", " ")
    return "context"


def simulated(scenario: Scenario, obs, value: float | str | None) -> str:
    """What the run showed for ``obs``: a change for a direction, else a value."""
    if obs is not None and obs.direction is not None and isinstance(value, int | float):
        return change(scenario, obs.quantity, float(value))
    return amount(scenario, obs.quantity if obs is not None else "", value)


def move_expected(scenario: Scenario, move) -> str:
    """A documented move in words: "falls by 115 points (± 10)", "rises"."""
    verb = "rises" if move.direction == "up" else "falls"
    lever = lever_of(scenario, move.quantity)
    if move.size is not None:
        size = change(scenario, move.quantity, move.size).split(" by ", 1)[-1]
        tol = move.size_tolerance or 0
        tol_text = f"{100 * tol:.0f}" if lever is not None and lever.unit == "share" else f"{tol:g}"
        return f"{verb} by {size} (± {tol_text})"
    if move.min_change:
        size = change(scenario, move.quantity, move.min_change).split(" by ", 1)[-1]
        return f"{verb} by at least {size}"
    return verb


def move_window(move) -> str:
    """When a move is documented: "10 May 2025 (± 3 days)", "10 to 12 May 2025 (± 3 days)"."""
    start, end = move.start, move.end
    when = f"{start:%d %b %Y}" if start == end else f"{start:%d %b} to {end:%d %b %Y}"
    return f"{when} (± {move.timing_tolerance_days} days)"

"""Experiment designs: which scenario keys vary, over which values, and the cells they make.

A factor is a dotted scenario key (any path ``sim.scenario.language.apply_overrides`` understands)
with a SPEC:

* ``START:STOP:COUNT``: COUNT evenly spaced numbers from START to STOP (``0:1:11``);
* ``V1,V2,...``: the values listed, read as YAML scalars (``hawk,dove``; ``0.2,0.5``);
* ``absent`` among them removes the key or item (a meeting that does not happen), ``present``
  keeps what the scenario has: ``meetings.leaders_call=present,absent`` is a structural factor.

A full-factorial design crosses every factor's values. A Latin-hypercube design of K samples
draws, for each factor, one value in each of K equal strata of its range (numbers uniformly
between START and STOP, listed values in equal shares), strata paired at random: reproducible
from the design's seed.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np
import yaml

from sim.errors import UserError

PRESENT = "present"  # keep what the scenario has: no override
ABSENT = "absent"  # remove the key or the item: an override to None
DIGITS = 6  # numbers in a design are rounded so that CSV cells read cleanly


@dataclass(frozen=True)
class Factor:
    """One varied scenario key and the values it takes: a numeric range or a list of values."""

    key: str
    values: tuple  # the values a full design uses, in order
    low: float | None = None  # numeric range (a START:STOP[:COUNT] spec), for sampled designs
    high: float | None = None

    @property
    def numeric(self) -> bool:
        return self.low is not None

    def override(self, value: object) -> dict[str, object]:
        """The override this value means (none for ``present``)."""
        if value == PRESENT:
            return {}
        return {self.key: None if value == ABSENT else value}

    def at(self, u: float) -> object:
        """The value at position ``u`` in [0, 1] of this factor's range (listed values: equal
        shares)."""
        if self.numeric:
            return round(self.low + u * (self.high - self.low), DIGITS)
        return self.values[min(int(u * len(self.values)), len(self.values) - 1)]


def _scalar(text: str) -> object:
    text = text.strip()
    if text in (PRESENT, ABSENT):
        return text
    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError:
        return text
    return text if isinstance(value, dict | list) or value is None else value


def _number(text: str, item: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise UserError("--vary", f"`{item}`: {text!r} is not a number (a range is "
                        "START:STOP:COUNT, e.g. 0:1:11)") from None
    if not math.isfinite(value):
        raise UserError("--vary", f"`{item}`: {text!r} is not a finite number")
    return value


def parse_factor(item: str, option: str = "--vary") -> Factor:
    """``KEY=SPEC`` (module doc) as a Factor; a one-paragraph error naming the option if bad."""
    key, eq, spec = item.partition("=")
    key, spec = key.strip(), spec.strip()
    if not eq or not key or not spec:
        raise UserError(option, f"`{item}` should be KEY=SPEC, e.g. "
                        "actors.us.behaviour.patience=0:1:11 or "
                        "actors.china.behaviour.preset=hawk,dove")
    if ":" in spec and "," not in spec:
        parts = spec.split(":")
        if len(parts) not in (2, 3):
            raise UserError(option, f"`{item}`: a range is START:STOP:COUNT, e.g. 0:1:11")
        low, high = (_number(p, item) for p in parts[:2])
        count = 2 if len(parts) == 2 else _number(parts[2], item)
        if count != int(count) or count < 1:
            raise UserError(option, f"`{item}`: COUNT must be a whole number of 1 or more")
        values = tuple(round(float(v), DIGITS) for v in np.linspace(low, high, int(count)))
        return Factor(key, values, low, high)
    values = tuple(_scalar(v) for v in spec.split(","))
    if len(set(map(repr, values))) != len(values):
        raise UserError(option, f"`{item}` lists a value twice")
    return Factor(key, values)


def check_factors(factors: list[Factor], option: str = "--vary") -> None:
    keys = [f.key for f in factors]
    for key in keys:
        if keys.count(key) > 1:
            raise UserError(option, f"`{key}` is varied twice; give its values once")
    if not factors:
        raise UserError(option, "give at least one KEY=SPEC to vary")


def full_factorial(factors: list[Factor]) -> list[tuple]:
    """Every combination of the factors' values, the last factor varying fastest."""
    return list(itertools.product(*(f.values for f in factors)))


def latin_hypercube(factors: list[Factor], samples: int, seed: int) -> list[tuple]:
    """``samples`` cells: each factor's range cut in ``samples`` strata, one draw in each."""
    if samples < 1:
        raise UserError("--samples", f"must be at least 1, found {samples}")
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(0x1A7,)))
    columns = []
    for factor in factors:
        u = (rng.permutation(samples) + rng.random(samples)) / samples
        columns.append([factor.at(float(x)) for x in u])
    return list(zip(*columns, strict=True))


def overrides_of(factors: list[Factor], cell: tuple) -> dict[str, object]:
    out: dict[str, object] = {}
    for factor, value in zip(factors, cell, strict=True):
        out.update(factor.override(value))
    return out

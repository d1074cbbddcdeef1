"""The leaf types of the scenario language: numbers in a range, distributions, names, text,
colours, dates.

Each type is one small class that both checks a value (with the message a user reads) and states
its JSON Schema, so that `sim check` and editors cannot drift apart. Used as ``Annotated``
metadata on the models' fields: ``patience: Annotated[object, Dist(0, 1)]``.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Annotated

from pydantic import Field
from pydantic_core import PydanticCustomError, core_schema

from sim.errors import did_you_mean

# A check the JSON Schema cannot state (uniform's low <= high): the validator alone makes it,
# and the test of schema/validator agreement knows these by this error type.
BEYOND_SCHEMA = "scenario_rule"
NAME_LENGTH = 64  # a name becomes a folder or a column name; file systems allow 255 bytes
SLUG = "^[A-Za-z0-9_-]+$"
COLOUR = "^#[0-9A-Fa-f]{6}$"
DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"

REMOVE_OUTSIDE_EXTENDS = ("`remove` deletes an item of the scenario this one extends; it only "
                          "works in a file with `extends:`, next to the name of an item the "
                          "parent has")

DISTRIBUTIONS = {
    "uniform": "`{uniform: [low, high]}`: any value between the two, evenly",
    "normal": "`{normal: [mean, sd]}`: a bell curve (clipped to the parameter's range); the mean "
              "lies in the range, the spread at most its width",
    "choice": "`{choice: [a, b, c]}`: one of the listed values",
}


def fail(message: str, *, at: tuple = (), rule: bool = False) -> PydanticCustomError:
    """A validation error whose text is ``message`` as is (``at``: a key path below the value)."""
    return PydanticCustomError(BEYOND_SCHEMA if rule else "scenario", "{m}",
                               {"m": message, "at": at})


def kind(value: object) -> str:
    """How a found value reads in a message: `nothing`, `a mapping`, the text `x`, `5`."""
    if value is None:
        return "nothing"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, str):
        return f"the text `{value}`"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    return f"`{value}`"


class _Leaf:
    """Base of the leaf types: pydantic calls ``check`` and asks ``schema`` for the JSON Schema."""

    table_type = ""  # how the key table in scenarios/README.md names the type

    def check(self, value: object) -> object:
        raise NotImplementedError

    def schema(self) -> dict:
        raise NotImplementedError

    def __get_pydantic_core_schema__(self, source, handler) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(self.check)

    def __get_pydantic_json_schema__(self, schema, handler) -> dict:
        return self.schema()


def _g(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:g}" if abs(value) < 1e300 else str(value)  # a huge int has no float form


def _number_hint(value: object) -> str:
    """YAML 1.1 reads `1e5` (no dot) as text: say so when a text would be a number."""
    if isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            return ""
        if math.isfinite(number):
            return (f" (YAML reads `{value}` as text: write an exponent with a dot, as "
                    f"`{number:.1e}`, or the number in full)")
    return ""


class Number(_Leaf):
    """A finite number (``integer``: a whole one), optionally between ``low`` and ``high``."""

    def __init__(self, low: float | None = None, high: float | None = None,
                 integer: bool = False):
        self.low, self.high, self.integer = low, high, integer
        self.table_type = ("integer" if integer else "number") + self._span()

    def _span(self) -> str:
        if self.low is None and self.high is None:
            return ""
        return f" {_g(self.low)} to {_g(self.high)}"

    def check(self, value: object) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise fail(f"expected a number, found {kind(value)}{_number_hint(value)}")
        if isinstance(value, float) and not math.isfinite(value):
            raise fail(f"expected a finite number, found {value}")
        if self.integer and not isinstance(value, int):
            if not value.is_integer():
                raise fail(f"expected a whole number, found {value}")
            value = int(value)
        low, high = self.low, self.high
        if (low is not None and value < low) or (high is not None and value > high):
            want = (f"from {low:g} to {high:g}" if low is not None and high is not None
                    else f"of at least {low:g}" if low is not None else f"of at most {high:g}")
            raise fail(f"expected a number {want}, found {_g(value)}")
        return value

    def schema(self) -> dict:
        out: dict = {"type": "integer" if self.integer else "number"}
        if self.low is not None:
            out["minimum"] = self.low
        if self.high is not None:
            out["maximum"] = self.high
        return out


class Dist(Number):
    """A number in range, or a distribution drawn once per run (or once per firm):
    ``{uniform: [low, high]}``, ``{normal: [mean, sd]}`` or ``{choice: [a, b, ...]}``.

    Every draw must stay meaningful for the key: uniform bounds and choices lie in its range, a
    normal's mean lies in it and its spread is at most the range's width."""

    def __init__(self, low: float, high: float):
        super().__init__(low, high)
        self.table_type = "number or distribution" + self._span()

    def check(self, value: object) -> object:
        if not isinstance(value, dict):
            return super().check(value)
        unknown = [k for k in value if k not in DISTRIBUTIONS]
        if unknown:
            raise fail(f"unknown key `{unknown[0]}`{did_you_mean(unknown[0], DISTRIBUTIONS)}; "
                       f"allowed here: {', '.join(sorted(DISTRIBUTIONS))}", at=(unknown[0],))
        if len(value) != 1:
            raise fail("a distribution has exactly one of uniform, normal, choice")
        (name, args), = value.items()
        if not isinstance(args, list) or (name != "choice" and len(args) != 2) or not args:
            raise fail(f"`{name}` takes a list " + ("of values" if name == "choice" else
                                                   "of two numbers") + f", found {kind(args)}",
                       at=(name,))
        parts = [self._part(name, i) for i in range(len(args))]
        checked = []
        for i, (part, arg) in enumerate(zip(parts, args, strict=True)):
            try:
                checked.append(part.check(arg))
            except PydanticCustomError as exc:
                raise fail(exc.context["m"], at=(name, i)) from None
        if name == "uniform" and checked[0] > checked[1]:
            raise fail(f"uniform needs low <= high, found {checked}", at=(name,), rule=True)
        return {name: checked}

    def _part(self, name: str, index: int) -> Number:
        if name == "normal" and index == 1:  # the spread: at most the range's width
            return Number(0, self.high - self.low)
        return Number(self.low, self.high)

    def schema(self) -> dict:
        num = Number(self.low, self.high).schema()
        spread = Number(0, self.high - self.low).schema()
        pair = {"type": "array", "minItems": 2, "maxItems": 2}
        return {"anyOf": [num, {
            "type": "object", "minProperties": 1, "maxProperties": 1,
            "additionalProperties": False,
            "properties": {
                "uniform": {**pair, "items": num, "description": DISTRIBUTIONS["uniform"]},
                "normal": {**pair, "prefixItems": [num, spread],
                           "description": DISTRIBUTIONS["normal"]},
                "choice": {"type": "array", "items": num, "minItems": 1,
                           "description": DISTRIBUTIONS["choice"]},
            }}]}


class Text(_Leaf):
    """Text that is not blank."""

    table_type = "text"

    def check(self, value: object) -> str:
        if not isinstance(value, str) or not value.strip():
            raise fail(f"expected text, found {kind(value)}")
        return value

    def schema(self) -> dict:
        return {"type": "string", "pattern": r"\S"}


class Slug(Text):
    """A name: letters, digits, `_` and `-`, at most NAME_LENGTH characters (it becomes a folder
    or a column name). ``placeholder`` is what it stands for as a key, e.g. ``<actor>``."""

    table_type = "name"

    def __init__(self, placeholder: str = ""):
        self.placeholder = placeholder

    def check(self, value: object) -> str:
        text = super().check(value)
        if not re.fullmatch(SLUG[1:-1], text):
            raise fail(f"a name may hold letters, digits, `_` and `-` only, found `{text}`")
        if len(text) > NAME_LENGTH:
            raise fail(f"a name may be at most {NAME_LENGTH} characters long, found one of "
                       f"{len(text)} (`{text[:20]}...`)")
        return text

    def schema(self) -> dict:
        out = {"type": "string", "pattern": SLUG, "maxLength": NAME_LENGTH}
        return {**out, "x-key": self.placeholder} if self.placeholder else out


class LeverId(Text):
    """A lever's id as a key, ``<actor>.<lever>``."""

    def schema(self) -> dict:
        return {**super().schema(), "x-key": "<lever id>"}


class Colour(Text):
    """A plot colour as ``#RRGGBB``."""

    table_type = "colour `#RRGGBB`"

    def check(self, value: object) -> str:
        text = super().check(value)
        if not re.fullmatch(COLOUR[1:-1], text):
            raise fail(f"a colour is written `#RRGGBB` with six hexadecimal digits (0-9, A-F), "
                       f"e.g. `#0072B2`; found `{text}`")
        return text

    def schema(self) -> dict:
        return {"type": "string", "pattern": COLOUR}


class Date(_Leaf):
    """A day: a YAML date, or ISO text `YYYY-MM-DD`."""

    table_type = "date"

    def check(self, value: object) -> dt.date:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str) and re.fullmatch(DATE[1:-1], value):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        raise fail(f"expected a date like 2025-05-10, found {kind(value)}")

    def schema(self) -> dict:
        return {"type": "string", "format": "date", "pattern": DATE}


class RemoveFlag(_Leaf):
    """`remove: true` under `extends`: delete the parent's item of this name."""

    table_type = "true"

    def check(self, value: object) -> bool:
        if value is not True:
            raise fail(f"`remove` takes `true`, found {kind(value)}")
        return True

    def schema(self) -> dict:
        return {"const": True}


class ScenarioKey(Text):
    """A dotted scenario key as a mapping's key (``actors.us.behaviour.patience``); whether it
    names a value that can be calibrated is checked when the scenario is built."""

    placeholder = "<key>"

    def schema(self) -> dict:
        return {**super().schema(), "x-key": self.placeholder}


class PriorRange(_Leaf):
    """A calibration prior: ``[low, high]`` (uniform, low < high) or the word ``fixed`` (the
    scenario's value is kept, not estimated)."""

    table_type = "`[low, high]` or `fixed`"

    def check(self, value: object) -> object:
        if value == "fixed":
            return value
        if not isinstance(value, list) or len(value) != 2:
            raise fail(f"expected `[low, high]` or `fixed`, found {kind(value)}")
        checked = []
        for i, v in enumerate(value):
            try:
                checked.append(Number().check(v))
            except PydanticCustomError as exc:
                raise fail(exc.context["m"], at=(i,)) from None
        if checked[0] >= checked[1]:
            raise fail(f"a prior needs low < high, found {checked}", rule=True)
        return [float(v) for v in checked]

    def schema(self) -> dict:
        return {"anyOf": [{"const": "fixed"}, {
            "type": "array", "items": Number().schema(), "minItems": 2, "maxItems": 2}]}


# a value of `calibrate.priors`, with its row of the key table
PriorSpec = Annotated[object, PriorRange(), Field(
    description="the prior of that value", examples=["actors.us.behaviour.patience: [0.2, 0.8]"])]


class NullIsEmpty:
    """`key:` with nothing after it reads as an empty mapping or list (YAML gives null)."""

    def __init__(self, empty: type):
        self.empty = empty

    def __get_pydantic_core_schema__(self, source, handler) -> core_schema.CoreSchema:
        return core_schema.no_info_before_validator_function(
            lambda v: self.empty() if v is None else v, handler(source))

    def __get_pydantic_json_schema__(self, schema, handler) -> dict:
        return {"anyOf": [handler(schema), {"type": "null"}]}

"""The base of the scenario language's models: ``Part`` (a mapping that refuses unknown keys
with a did-you-mean and knows which keys replace each other), ``key`` (a field with what it means
and how one writes it), and the named leaf types. ``sim.scenario.models`` builds the language
from these."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, model_validator

from sim.errors import did_you_mean
from sim.scenario.types import REMOVE_OUTSIDE_EXTENDS, Number, Slug, Text, fail


def key(doc: str, example: str, default: Any = None, *, required: bool = False) -> Any:
    """A field of the language: what it means (one phrase) and how one writes it."""
    if required:
        return Field(description=doc, examples=[example])
    return Field(default, description=doc, examples=[example])


def _extra_schema(schema: dict, cls: type) -> None:
    schema.pop("title", None)
    for group in getattr(cls, "alternatives", {}):
        schema.setdefault("allOf", []).append({"not": {"required": list(group)}})


class Part(BaseModel):
    """A mapping in a scenario file: unknown keys are refused (with a did-you-mean), values are
    checked by their types, and keys listed in ``alternatives`` replace each other."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_extra_schema,
                              allow_inf_nan=False, validate_default=False)
    # keys of which at most one may be given, with the message when both are
    alternatives: ClassVar[dict[tuple[str, ...], str]] = {}
    # items of a list matched by `name` under `extends` (meetings, shocks)
    named: ClassVar[bool] = False

    @model_validator(mode="before")
    @classmethod
    def _known_keys(cls, data: object) -> object:
        if not isinstance(data, dict):
            return data
        allowed = cls.model_fields
        for k in data:
            if k in allowed:
                continue
            if k == "remove" and cls.named:
                raise fail(REMOVE_OUTSIDE_EXTENDS, at=(k,))
            raise fail(f"unknown key `{k}`{did_you_mean(k, allowed)}; allowed here: "
                       f"{', '.join(sorted(allowed))}", at=(k,))
        for group, message in cls.alternatives.items():
            if all(k in data for k in group):
                name = data.get("name")
                raise fail(message.format(name=name if isinstance(name, str) else "?"))
        return data


# --- leaf types, named -------------------------------------------------------------------------

TextT = Annotated[str, Text()]
Name = Annotated[str, Slug()]


def num(low: float | None = None, high: float | None = None, integer: bool = False) -> Any:
    return Annotated[float, Number(low, high, integer)]

"""Walking the models' types: what a key holds (a mapping of fixed keys, a mapping of free keys,
a list, a choice of kinds, a leaf), and the "patch" models a file with `extends:` is checked
against (every key optional, meetings and shocks may carry `remove: true`)."""

from __future__ import annotations

import typing
from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, Discriminator, Field, create_model
from pydantic.fields import FieldInfo

import sim.scenario.models as m
from sim.scenario.types import RemoveFlag, Text


@dataclass(frozen=True)
class Shape:
    """What a key holds: ``model`` (fixed keys), ``dict`` (free keys), ``list``, ``union`` (one of
    several models chosen by ``kind``) or ``leaf``; ``inner`` is the model, the value or item type,
    or the {kind: model} table; ``meta`` the leaf type or the free keys' type."""

    kind: str
    inner: Any = None
    meta: tuple = ()


def strip(annotation: Any) -> tuple[Any, tuple]:
    meta: tuple = ()
    while get_origin(annotation) is Annotated:
        annotation, *more = get_args(annotation)
        meta = (*meta, *more)
    return annotation, meta


def shape(annotation: Any) -> Shape:
    """The shape of a field's annotation."""
    inner, meta = strip(annotation)
    origin = get_origin(inner)
    if isinstance(inner, type) and issubclass(inner, BaseModel):
        return Shape("model", inner)
    if origin is dict:
        keys, values = get_args(inner)
        return Shape("dict", values, strip(keys)[1])
    if origin is list:
        return Shape("list", get_args(inner)[0])
    if origin in (Union, typing.Union) or type(inner).__name__ == "UnionType":
        variants = [a for a in get_args(inner) if isinstance(a, type)]
        return Shape("union", {_tags(v)[0]: v for v in variants})
    return Shape("leaf", inner, meta)


def _tags(model: type[BaseModel]) -> tuple:
    return get_args(model.model_fields["kind"].annotation)


def model_for(union: Shape, data: object) -> type[BaseModel] | None:
    """The model a union picks for ``data`` (by its `kind`), or None."""
    if isinstance(data, dict):
        return union.inner.get(data.get("kind"))
    return None


def annotation(info: FieldInfo) -> Any:
    """A field's whole annotation (pydantic keeps ``Annotated`` metadata apart)."""
    return Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation


def field_shape(model: type[BaseModel], name: str) -> Shape | None:
    info = model.model_fields.get(name)
    return shape(annotation(info)) if info else None


def leaf_type(annotation: Any) -> Any:
    """The leaf type instance (``Number``, ``Dist``, ...) or Literal of a leaf annotation."""
    inner, meta = strip(annotation)
    return next((x for x in meta if hasattr(x, "table_type")), inner)


# --- patches: what a file with `extends:` may hold ---------------------------------------------

class _Extends(m.Part):
    extends: Annotated[str, Text()] = Field(description=m.EXTENDS_DOC,
                                            examples=[m.EXTENDS_EXAMPLE])


@cache
def patch(model: type[BaseModel], top: bool = False) -> type[BaseModel]:
    """``model`` with every key optional (a named item keeps `name`), nested models patched, and
    `remove: true` allowed on named items; the top one requires `extends`."""
    fields = [(k, annotation(info), info) for k, info in model.model_fields.items()]
    if top:
        info = _Extends.model_fields["extends"]
        fields.insert(0, ("extends", annotation(info), info))
    return _make(f"{model.__name__}Patch", model, fields, required={"extends"})


@cache
def _union_patch(variants: tuple[type[BaseModel], ...]) -> Any:
    """One patch model holding every variant's keys: a child may change a constituency's
    `weight` without repeating its `kind`; the merged whole is checked against its variant."""
    fields: dict[str, tuple] = {}
    for variant in variants:
        for name, info in variant.model_fields.items():
            fields.setdefault(name, (name, annotation(info), info))
    tags = tuple(t for v in variants for t in _tags(v))
    fields["kind"] = ("kind", Literal[tags], fields["kind"][2])
    base = variants[0].__mro__[1]
    return _make(f"{base.__name__}Patch", base, list(fields.values()))


def _make(name: str, like: type[BaseModel], fields: list, required: frozenset | set = frozenset()):
    out: dict[str, tuple] = {}
    for key, ann, info in fields:
        keep = key in required or (key == "name" and like.named)
        out[key] = (_patched(ann), _optional(info, keep))
    if like.named:
        out["remove"] = (Annotated[bool, RemoveFlag()],
                         Field(None, description=m.REMOVE_DOC, examples=[m.REMOVE_EXAMPLE]))
    model = create_model(name, __base__=m.Part, __doc__=like.__doc__, **out)
    model.alternatives = like.alternatives
    model.named = like.named
    return model


def _optional(info: FieldInfo, keep: bool) -> FieldInfo:
    if keep:
        return Field(description=info.description, examples=info.examples)
    return Field(None, description=info.description, examples=info.examples)


def _patched(annotation: Any) -> Any:
    s = shape(annotation)
    inner, meta = strip(annotation)
    if s.kind == "model":
        out = patch(s.inner)
    elif s.kind == "dict":
        out = dict[get_args(inner)[0], _patched(s.inner)]
    elif s.kind == "list":
        out = list[_patched(s.inner)]
    elif s.kind == "union":
        return _union_patch(tuple(s.inner.values()))
    else:
        return annotation
    meta = tuple(x for x in meta if not isinstance(x, Discriminator))
    return Annotated[(out, *meta)] if meta else out


FULL = m.Scenario


def partial() -> type[BaseModel]:
    """The model of a file with `extends:`."""
    return patch(m.Scenario, top=True)

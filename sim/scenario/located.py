"""Scenario data with the file, line and column of every key, and pydantic's errors turned into
the one-paragraph message a user reads: `file:line:col at `key.path`: what was expected, what
was found (did you mean ...?)`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ValidationError

from sim.errors import ScenarioError, did_you_mean
from sim.scenario.types import BEYOND_SCHEMA, REMOVE_OUTSIDE_EXTENDS, kind
from sim.scenario.yamlio import YamlDoc


@dataclass
class Source:
    """Scenario data, perhaps merged from several files, with the file, line and column of
    every key and item (the place it was written: the extending file or its parent)."""

    file: Path | None
    data: object
    marks: dict[tuple, tuple] = field(default_factory=dict)  # path -> (file, line, column)
    files: tuple[Path, ...] = ()  # the files it was read from, the root parent first

    @classmethod
    def of(cls, doc: YamlDoc | Source) -> Source:
        if isinstance(doc, Source):
            return doc
        marks = {p: (doc.file, line, col) for p, (line, col) in doc.marks.items()}
        return cls(doc.file, doc.data, marks, (doc.file,) if doc.file else ())

    def where(self, path: tuple) -> tuple:
        path = tuple(path)
        while True:
            if path in self.marks:
                return self.marks[path]
            if not path:
                return (self.file, None, None)
            path = path[:-1]

    def error(self, path: tuple, message: str, cls: type = ScenarioError) -> ScenarioError:
        file, line, col = self.where(path)
        return cls(file, message, line, col, tuple(path))


def validate(model: type[BaseModel], src: Source) -> BaseModel:
    """``src.data`` checked against ``model``; the first problem raised as a ScenarioError that
    names the file, line and key where it was written."""
    try:
        return model.model_validate(src.data)
    except ValidationError as exc:
        raise first_error(exc, src) from None


def first_error(exc: ValidationError, src: Source) -> ScenarioError:
    """The error to report: the first in the order of the language, rules that no schema can
    state (uniform's low <= high) after every plain mistake."""
    errors = sorted(exc.errors(), key=lambda e: e["type"] == BEYOND_SCHEMA)
    path, message = explain(errors[0], src.data)
    return src.error(path, message)


def _data_path(loc: tuple, data: object) -> tuple[tuple, bool]:
    """The key path in ``data`` that pydantic's ``loc`` points at (pydantic inserts the kind of a
    meeting or constituency, and `[key]` for a mapping's key); and whether it ends at a key."""
    path: list = []
    node = data
    for part in loc:
        if part == "[key]":
            return tuple(path), True
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
        elif isinstance(node, dict) and isinstance(node.get("kind"), str) \
                and part == node["kind"]:
            continue  # the variant's tag
        elif isinstance(part, str) and part.startswith(("function-", "nullable", "union")):
            continue
        else:
            path.append(part)
            node = None
            continue
        path.append(part)
    return tuple(path), False


def _options(expected: str) -> list[str]:
    quoted = re.findall(r"'((?:[^'\\]|\\.)*)'", expected)
    return quoted or [p for p in re.split(r", | or ", expected) if p]


def explain(error: dict, data: object) -> tuple[tuple, str]:
    """(key path, message) for one pydantic error."""
    loc, kind_, found = tuple(error["loc"]), error["type"], error.get("input")
    path, at_key = _data_path(loc, data)
    ctx = error.get("ctx") or {}
    if "m" in ctx:
        return (*path, *ctx.get("at", ())), ctx["m"]
    if kind_ == "missing":
        return path[:-1], f"the key `{path[-1]}` is missing"
    if kind_ == "union_tag_not_found":
        if isinstance(found, dict) and "remove" in found:  # before the kind: the likelier slip
            return (*path, "remove"), REMOVE_OUTSIDE_EXTENDS
        return path, "the key `kind` is missing"
    if kind_ == "union_tag_invalid":
        tag, options = found.get("kind") if isinstance(found, dict) else found, \
            _options(ctx.get("expected_tags", ""))
        return (*path, "kind"), (f"expected one of {', '.join(options)}, found {kind(tag)}"
                                 f"{did_you_mean(tag, options)}")
    if kind_ == "literal_error":
        options = _options(ctx.get("expected", ""))
        return path, (f"expected one of {', '.join(options)}, found {kind(found)}"
                      f"{did_you_mean(found, options) if isinstance(found, str) else ''}")
    if kind_ in ("model_type", "model_attributes_type", "dict_type"):
        return path, f"expected a mapping of keys, found {kind(found)}"
    if kind_ == "list_type":
        return path, f"expected a list, found {kind(found)}"
    if at_key:
        return path, f"the key `{found}` is not valid here: {error['msg']}"
    return path, f"{error['msg'][0].lower()}{error['msg'][1:]}, found {kind(found)}"

"""Overrides: a copy of a scenario with values set at dotted key paths, checked again (sweeps,
calibration and the classroom page use them)."""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
from pathlib import Path

import sim.scenario.fields as f
import sim.scenario.models as m
from sim.engine.spec import Scenario
from sim.errors import ScenarioError, did_you_mean
from sim.scenario.build import build
from sim.scenario.load import canonical
from sim.scenario.located import Source


def apply_overrides(scenario: Scenario, overrides: dict[str, object]) -> Scenario:
    """A copy of ``scenario`` with values set at dotted key paths, checked again.

    ``{"actors.us.behaviour.patience": 0.8}`` sets a value; meetings and shocks are addressed by
    name (``{"meetings.leaders_call.date": date}``); ``None`` removes the key or the item
    (``{"meetings.leaders_call": None}``); a new name under meetings or shocks with a mapping adds
    that item. Lever ids with a dot (``actors.us.priorities.china.tariff_on_us``) work as keys.
    """
    data = copy.deepcopy(scenario.data)
    for dotted, value in overrides.items():
        _set_path(data, str(dotted), copy.deepcopy(value), scenario.file)
    for what in ("meetings", "shocks"):
        items = data.get(what)
        if isinstance(items, list):
            dated = [i for i, v in enumerate(items) if isinstance(v, dict)
                     and isinstance(v.get("date"), dt.date | str)]
            ordered = sorted((items[i] for i in dated), key=lambda v: str(v["date"]))
            for i, item in zip(dated, ordered, strict=True):
                items[i] = item
    out = build(Source(scenario.file, data, {}, ()))
    out.file = scenario.file
    out.sha256 = hashlib.sha256((scenario.sha256 + canonical(
        sorted((str(k), v) for k, v in overrides.items()))).encode()).hexdigest()
    return out


def _named_list(key: str) -> bool:
    s = f.field_shape(m.Scenario, key)
    return s is not None and s.kind == "list"


def _set_path(data: dict, dotted: str, value: object, file: Path | None) -> None:
    parts = dotted.split(".")
    node: object = data
    done: list = []

    def fail(message: str) -> ScenarioError:
        return ScenarioError(file, f"override `{dotted}`: {message}", path=tuple(done))

    while parts:
        if isinstance(node, list):
            names = [v.get("name") if isinstance(v, dict) else None for v in node]
            head = parts[0]
            if head in names:
                index = names.index(head)
            elif head.isdigit() and int(head) < len(node):
                index = int(head)
            elif len(parts) == 1 and isinstance(value, dict):
                node.append({"name": head, **value})
                return
            elif len(parts) == 1 and value is None:
                raise fail(f"there is no item named `{head}`{did_you_mean(head, names)}")
            else:
                raise fail(f"there is no item named `{head}`{did_you_mean(head, names)}; "
                           f"found {', '.join(str(n) for n in names) or 'none'}")
            parts.pop(0)
            if not parts:
                if value is None:
                    del node[index]
                else:
                    node[index] = value
                return
            done.append(index)
            node = node[index]
            continue
        if not isinstance(node, dict):
            raise fail(f"`{'.'.join(map(str, done)) or 'the top'}` holds no keys")
        key = next((".".join(parts[:n]) for n in range(len(parts), 0, -1)
                    if ".".join(parts[:n]) in node), None)
        if key is None and node is data and len(parts) > 1 and _named_list(parts[0]):
            key = parts[0]
            node[key] = []
        if key is None:
            if len(parts) > 1 and not _is_lever_id(".".join(parts), data):
                raise fail(f"there is no `{parts[0]}` here{did_you_mean(parts[0], node)}")
            key = ".".join(parts)
        parts = parts[len(key.split(".")):]
        if not parts:
            if value is None:
                node.pop(key, None)
            else:
                node[key] = value
            return
        done.append(key)
        node = node[key]


def _is_lever_id(text: str, data: dict) -> bool:
    actors = data.get("actors")
    return isinstance(actors, dict) and any(
        isinstance(spec, dict) and isinstance(spec.get("levers"), dict)
        and text in {f"{a}.{name}" for name in spec["levers"]} for a, spec in actors.items())

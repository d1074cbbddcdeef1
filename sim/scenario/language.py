"""Scenarios: the YAML that says who the actors are, what levers they hold, how they behave and
when they meet. Loaded safely, checked key by key, and turned into plain dataclasses.

The engine knows no country, person or lever: everything specific lives in the scenario file.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
import math
from dataclasses import dataclass, field
from pathlib import Path

from sim.engine.behaviour import PARAMS, PRESETS
from sim.engine.levers import LeverSpec
from sim.engine.spec import (  # noqa: F401  (re-exported: the language builds these)
    MEETING_KINDS,
    ActorSpec,
    ConstituencySpec,
    MeetingSpec,
    Scenario,
    ShockSpec,
    Trigger,
)
from sim.errors import ScenarioError, did_you_mean
from sim.scenario.yamlio import YamlDoc, as_date, load_yaml

# --- the scenario language, described once ---------------------------------------------------
# The validator below walks this description, `sim schema` turns it into a JSON Schema, and
# scenarios/README.md documents every key in it (a test keeps the three in step).

@dataclass(frozen=True)
class Key:
    """One key of the scenario language: its type, range, meaning and an example."""

    type: str  # text slug number integer date choice distribution bool map dict list
    doc: str
    example: str = ""  # YAML as one would write it in a scenario file
    low: float | None = None
    high: float | None = None
    options: tuple = ()
    default: object = None
    keys: dict[str, Key] = field(default_factory=dict)  # map: its fixed keys
    required: frozenset = frozenset()  # map: keys that must be present (after `extends`)
    values: Key | None = None  # dict: the value under each free key; list: each item
    placeholder: str = ""  # dict: what its free keys stand for, e.g. "<actor>"
    variant: str = ""  # map: the key whose value selects extra keys from `variants`
    variants: dict[str, dict[str, Key]] = field(default_factory=dict)
    exclusive: tuple[tuple[str, ...], ...] = ()  # map: keys that replace each other under extends
    by_name: bool = False  # list: items are matched by `name` under extends
    extends_only: bool = False  # only meaningful in a file that extends another


def _num(doc: str, example: str, low: float | None, high: float | None, default=None,
         integer: bool = False) -> Key:
    return Key("integer" if integer else "number", doc, example, low, high, default=default)


BEHAVIOUR = Key(
    "map", "how the side's negotiators behave: a named preset, then any parameter on its own "
    "(a number, or a distribution drawn once per run)", "behaviour: {preset: hawk, patience: 0.8}",
    keys={"preset": Key("choice", "named disposition to start from (its values fill in the "
                        "parameters not given)", "preset: tit_for_tat", options=tuple(PRESETS)),
          **{name: Key("distribution", info.doc, f"{name}: {{uniform: [{info.low}, "
                       f"{(info.low + info.high) / 2:g}]}}" if name == "patience"
                       else f"{name}: {info.low + (info.high - info.low) * 0.25:g}",
                       info.low, info.high)
             for name, info in PARAMS.items()}})

LEVER = Key(
    "map", "a policy instrument this side sets", "tariff_on_china: {unit: percent, min: 0, "
    "max: 200, initial: 145, source: \"doc 004: '...'\"}",
    keys={
        "label": Key("text", "plain-language name used in plots and narratives",
                     "label: US tariff on Chinese goods"),
        "unit": Key("choice", "what the number means (`amount`: a quantity such as purchases, "
                    "in the scenario's own units)", "unit: percent",
                    options=("percent", "share", "index", "amount")),
        "min": _num("lowest value", "min: 0", None, None),
        "max": _num("highest value (above `min`)", "max: 200", None, None),
        "initial": _num("value on the start date, between `min` and `max`", "initial: 145",
                        None, None),
        "restrictive": Key("choice", "which end of the range hurts the other side",
                           "restrictive: low", options=("high", "low"), default="high"),
        "speed": _num("share of an ordered change that takes effect per day (1: at once)",
                      "speed: 0.06", 0.001, 1.0, default=1.0),
        "horizon_days": _num("makes it a commitment (an amount to deliver, such as purchases): "
                             "the days over which an agreed amount is due. Its value is the "
                             "amount delivered so far, which never falls; give `restrictive: "
                             "low` (0: an ordinary lever)", "horizon_days: 365", 0, 3650,
                             default=0, integer=True),
        "source": Key("text", "document and quote the initial value comes from (give this or "
                      "`assumption`)", "source: \"doc 004: 'from 145% to 30%'\""),
        "assumption": Key("text", "why the initial value was chosen, when no document gives it",
                          "assumption: \"no document gives a number\""),
    },
    required=frozenset({"unit", "min", "max", "initial"}), exclusive=(("source", "assumption"),))

_COMMON_CONSTITUENCY = {
    "kind": Key("choice", "`firms` (run down a stock while the other side restricts a lever) or "
                "`market` (moves on the day's news)", "kind: firms", options=("firms", "market")),
    "label": Key("text", "plain-language name", "label: US firms that need rare earths"),
    "weight": _num("its share in the side's pressure", "weight: 0.6", 0, 10, default=1.0),
}
CONSTITUENCY = Key(
    "map", "a domestic group whose state becomes pressure on its side",
    "manufacturers: {kind: firms, depends_on: china.rare_earth_licensing}",
    keys=_COMMON_CONSTITUENCY, required=frozenset({"kind"}), variant="kind",
    variants={
        "firms": {
            "depends_on": Key("text", "the lever the firms need open (its id): one of the "
                              "other side's (rare earths it licenses) or one of their own side's "
                              "(importers pay its tariff)",
                              "depends_on: china.rare_earth_licensing"),
            "count": _num("number of firms", "count: 12", 1, 1000, default=10, integer=True),
            "stock_days": Key("distribution", "days of supply each firm holds at the start "
                              "(a distribution draws one per firm)",
                              "stock_days: {uniform: [25, 80]}", 0, 3650, default=60),
            "comfort_days": _num("stock at which a firm feels no pressure", "comfort_days: 60", 1,
                                 3650, default=60),
        },
        "market": {
            "news_sensitivity": _num("share the index moves per unit of the day's news",
                                     "news_sensitivity: 0.01", 0, 1, default=0.01),
            "volatility": _num("daily noise of the index", "volatility: 0.006", 0, 0.2,
                               default=0.005),
            "initial_drawdown": _num("fall from the peak on the start date",
                                     "initial_drawdown: 0.12", 0, 0.9, default=0.0),
            "pain_drawdown": _num("fall from the peak that means full pressure",
                                  "pain_drawdown: 0.2", 0.01, 1, default=0.2),
        },
    })

ACTOR = Key(
    "map", "one side: its levers, behaviour, wants and constituencies", "us: {label: US, ...}",
    keys={
        "label": Key("text", "plain-language name", "label: US"),
        "colour": Key("text", "plot colour", "colour: \"#0072B2\""),
        "levers": Key("dict", "the instruments this side sets, by name", "levers: {...}",
                      values=LEVER, placeholder="<lever>"),
        "behaviour": BEHAVIOUR,
        "priorities": Key("dict", "how much it wants each of the other side's levers eased "
                          "(0 to 10; one above zero at least)", "priorities: "
                          "{china.rare_earth_licensing: 1.0}",
                          values=_num("weight of that lever", "china.tariff_on_us: 0.6", 0, 10),
                          placeholder="<lever id>"),
        "holds": Key("dict", "how much it values keeping each of its own levers (0 to 10)",
                     "holds: {us.chip_controls: 0.9}",
                     values=_num("weight of that lever", "us.chip_controls: 0.9", 0, 10),
                     placeholder="<lever id>"),
        "constituencies": Key("dict", "domestic groups that press this side, by name",
                              "constituencies: {...}", values=CONSTITUENCY,
                              placeholder="<constituency>"),
    },
    required=frozenset({"levers", "behaviour", "priorities"}))

TRIGGER = Key(
    "map", "hold the meeting the first day a side's state crosses a threshold, in a window "
    "(instead of `date`)", "trigger: {actor: us, quantity: pressure, above: 0.5}",
    keys={
        "actor": Key("text", "whose state is watched (an actor id)", "actor: us"),
        "quantity": Key("choice", "what is watched", "quantity: pressure",
                        options=("pressure", "trust")),
        "above": _num("fire when the quantity rises above this", "above: 0.5", 0, 1),
        "below": _num("fire when the quantity falls below this", "below: 0.3", 0, 1),
        "not_before": Key("date", "first day it may fire (default: the start date)",
                          "not_before: 2025-05-15"),
        "not_after": Key("date", "last day it may fire (default: the end date)",
                         "not_after: 2025-07-31"),
    },
    required=frozenset({"actor", "quantity"}), exclusive=(("above", "below"),))

_REMOVE = Key("bool", "with `extends`: delete the parent's item of this name",
              "- {name: leaders_call, remove: true}", extends_only=True)

MEETING = Key(
    "map", "talks or a leaders' call, at a date or on a trigger",
    "- {name: geneva, kind: talks, date: 2025-05-10}",
    keys={
        "name": Key("slug", "identifier (letters, digits, `_`, `-`); `extends` matches by it",
                    "name: geneva"),
        "remove": _REMOVE,
        "kind": Key("choice", "`talks` (rounds of offers), `call` (leaders' call), `summit` "
                    "(leaders who can agree terms themselves) or `decision` (a date on which "
                    "`initiator` decides whether to escalate: a review, a statutory deadline)",
                    "kind: call", options=MEETING_KINDS),
        "label": Key("text", "plain-language name", "label: Geneva talks"),
        "date": Key("date", "the day it happens (or give `trigger`)", "date: 2025-05-10"),
        "trigger": TRIGGER,
        "rounds": _num("offers exchanged at most (default 10 for talks, 2 for a call)",
                       "rounds: 12", 1, 200, integer=True),
        "agenda": Key("list", "lever ids on the table (default: every lever)",
                      "agenda: [us.tariff_on_china, china.tariff_on_us]",
                      values=Key("text", "a lever id", "us.tariff_on_china")),
        "initiator": Key("text", "actor who opens (talks), places the call or hosts the "
                         "summit, or who decides (decision, required there); default: drawn "
                         "(talks) or the more pressed side (call, summit)", "initiator: us"),
        "freeze_days": _num("call or summit: days new measures wait for the talks it promises "
                            "(the freeze ends sooner if an agreement is reached)",
                            "freeze_days: 30", 0, 365, default=30, integer=True),
        "signing_days": _num("talks or summit: days from agreement in principle to signing "
                             "(0: signed at the table)", "signing_days: 14", 0, 365, default=0,
                             integer=True),
        "in_force_days": _num("talks or summit: days from signing to entry into force (the "
                              "agreement's clock starts then)", "in_force_days: 7", 0, 365,
                              default=0, integer=True),
    },
    required=frozenset({"name", "kind"}), exclusive=(("date", "trigger"),))

SHOCK = Key(
    "map", "an outside event hitting a constituency on a date",
    "- {name: selloff, date: 2025-05-20, target: us.stock_market, change: -0.08}",
    keys={
        "name": Key("slug", "identifier; `extends` matches by it", "name: selloff"),
        "remove": _REMOVE,
        "label": Key("text", "plain-language name", "label: Market sell-off"),
        "date": Key("date", "the day it happens", "date: 2025-05-20"),
        "target": Key("text", "constituency id `<actor>.<constituency>`",
                      "target: us.stock_market"),
        "change": _num("relative change: of a market's index, or of firms' stocks",
                       "change: -0.08", -1, 1),
    },
    required=frozenset({"name", "date", "target", "change"}))

SCENARIO = Key(
    "map", "a scenario", "",
    keys={
        "extends": Key("text", "scenario file this one builds on, relative to this file; a bare "
                       "name like `baseline` means baseline.yaml next to it",
                       "extends: baseline.yaml"),
        "name": Key("slug", "identifier, used for the results folder", "name: no_call"),
        "title": Key("text", "one-line title", "title: \"What if the leaders never called?\""),
        "description": Key("text", "a paragraph on what the scenario asks", "description: >"),
        "seed": _num("random seed of a single run", "seed: 2025", 0, 2**63 - 1, default=0,
                     integer=True),
        "dates": Key("map", "the simulated period", "dates: {start: 2025-04-14, end: 2025-08-15}",
                     keys={"start": Key("date", "first day", "start: 2025-04-14"),
                           "end": Key("date", "last day (after `start`, within ten years)",
                                      "end: 2025-08-15")},
                     required=frozenset({"start", "end"})),
        "actors": Key("dict", "the two sides, by id", "actors: {us: {...}, china: {...}}",
                      values=ACTOR, placeholder="<actor>"),
        "meetings": Key("list", "talks and calls, in date order", "meetings: [...]",
                        values=MEETING, by_name=True),
        "shocks": Key("list", "outside events, in date order", "shocks: [...]", values=SHOCK,
                      by_name=True),
    },
    required=frozenset({"name", "dates", "actors"}))

DISTRIBUTIONS = {
    "uniform": "`{uniform: [low, high]}`: any value between the two, evenly",
    "normal": "`{normal: [mean, sd]}`: a bell curve (clipped to the parameter's range)",
    "choice": "`{choice: [a, b, c]}`: one of the listed values",
}

# Kept for code that imported the key sets.
TOP_KEYS = set(SCENARIO.keys)
ACTOR_KEYS = set(ACTOR.keys)
LEVER_KEYS = set(LEVER.keys)
MEETING_KEYS = set(MEETING.keys) - {"remove"}
TRIGGER_KEYS = set(TRIGGER.keys)
SHOCK_KEYS = set(SHOCK.keys) - {"remove"}
FIRM_KEYS = set(_COMMON_CONSTITUENCY) | set(CONSTITUENCY.variants["firms"])
MARKET_KEYS = set(_COMMON_CONSTITUENCY) | set(CONSTITUENCY.variants["market"])


def _default(key: Key, name: str) -> object:
    spec = key.keys.get(name)
    if spec is None:
        spec = next(v[name] for v in key.variants.values() if name in v)
    return spec.default


# --- where values were written ------------------------------------------------------------------

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


class _Checker:
    """Reads values out of a Source, raising a ScenarioError that points at the offending key."""

    def __init__(self, doc: YamlDoc | Source):
        self.doc = doc

    def fail(self, path: tuple, message: str) -> ScenarioError:
        return self.doc.error(path, message, ScenarioError)

    def mapping(self, value: object, path: tuple, allowed, required=frozenset()) -> dict:
        if not isinstance(value, dict):
            raise self.fail(path, f"expected a mapping of keys, found {_kind(value)}")
        for key in value:
            if key not in allowed:
                raise self.fail((*path, key), f"unknown key `{key}`{did_you_mean(key, allowed)}; "
                                f"allowed here: {', '.join(sorted(allowed))}")
        for key in sorted(set(required) - value.keys()):
            raise self.fail(path, f"the key `{key}` is missing")
        return value

    def number(self, value: object, path: tuple, low: float | None = None,
               high: float | None = None, integer: bool = False) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(path, f"expected a number, found {_kind(value)}")
        if not math.isfinite(value):
            raise self.fail(path, f"expected a finite number, found {value}")
        if integer and not isinstance(value, int):
            if not value.is_integer():
                raise self.fail(path, f"expected a whole number, found {value}")
            value = int(value)
        if (low is not None and value < low) or (high is not None and value > high):
            want = (f"from {low:g} to {high:g}" if low is not None and high is not None
                    else f"of at least {low:g}" if low is not None else f"of at most {high:g}")
            raise self.fail(path, f"expected a number {want}, found {value:g}")
        return value

    def text(self, value: object, path: tuple) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(path, f"expected text, found {_kind(value)}")
        return value

    def date(self, value: object, path: tuple) -> dt.date:
        date = as_date(value)
        if date is not None:
            return date
        raise self.fail(path, f"expected a date like 2025-05-10, found {_kind(value)}")

    def choice(self, value: object, path: tuple, options) -> str:
        if isinstance(value, dict | list) or value not in options:
            raise self.fail(path, f"expected one of {', '.join(map(str, options))}, found "
                            f"{_kind(value)}{did_you_mean(value, options)}")
        return value

    def distribution(self, value: object, path: tuple, low: float | None,
                     high: float | None) -> object:
        """A number in range, or a {uniform|normal|choice: [...]} to draw from per run."""
        if isinstance(value, dict):
            self.mapping(value, path, set(DISTRIBUTIONS))
            if len(value) != 1:
                raise self.fail(path, "a distribution has exactly one of uniform, normal, choice")
            (kind, args), = value.items()
            if not isinstance(args, list) or (kind != "choice" and len(args) != 2) or not args:
                raise self.fail((*path, kind), f"`{kind}` takes a list "
                                + ("of values" if kind == "choice" else "of two numbers")
                                + f", found {_kind(args)}")
            for i, arg in enumerate(args):
                self.number(arg, (*path, kind, i), None if kind == "normal" else low,
                            None if kind == "normal" else high)
            if kind == "uniform" and args[0] > args[1]:
                raise self.fail((*path, kind), f"uniform needs low <= high, found {args}")
            if kind == "normal" and args[1] < 0:
                raise self.fail((*path, kind, 1), "a standard deviation cannot be negative")
            return {kind: list(args)}
        return self.number(value, path, low, high)

    def shape(self, value: object, key: Key, path: tuple) -> object:
        """Check ``value`` against ``key`` (types, ranges, known and required keys) and return a
        plain copy with dates as dates."""
        t = key.type
        if key.extends_only:
            raise self.fail(path, f"`{path[-1]}` deletes an item of the scenario this one extends"
                            "; it only works in a file with `extends:`, next to the name of an "
                            "item the parent has")
        if t == "map":
            allowed = dict(key.keys)
            if key.variant:
                if not isinstance(value, dict):
                    raise self.fail(path, f"expected a mapping of keys, found {_kind(value)}")
                if key.variant not in value:
                    raise self.fail(path, f"the key `{key.variant}` is missing")
                self.choice(value[key.variant], (*path, key.variant), tuple(key.variants))
                allowed.update(key.variants[value[key.variant]])
            for k in value if isinstance(value, dict) else ():
                if k in allowed and allowed[k].extends_only:
                    self.shape(value[k], allowed[k], (*path, k))
            self.mapping(value, path, allowed, key.required)
            return {k: self.shape(v, allowed[k], (*path, k)) for k, v in value.items()}
        if t == "dict":
            if value is None:
                return {}
            if not isinstance(value, dict):
                raise self.fail(path, f"expected a mapping of keys, found {_kind(value)}")
            out = {}
            for k, v in value.items():
                if key.placeholder != "<lever id>":
                    _slug(self, k, (*path, k))
                else:
                    self.text(k, (*path, k))
                out[k] = self.shape(v, key.values, (*path, k))
            return out
        if t == "list":
            if value is None:
                return []
            if not isinstance(value, list):
                raise self.fail(path, f"expected a list, found {_kind(value)}")
            return [self.shape(v, key.values, (*path, i)) for i, v in enumerate(value)]
        if t == "text":
            return self.text(value, path)
        if t == "slug":
            return _slug(self, value, path)
        if t in ("number", "integer"):
            return self.number(value, path, key.low, key.high, integer=t == "integer")
        if t == "date":
            return self.date(value, path)
        if t == "choice":
            return self.choice(value, path, key.options)
        if t == "distribution":
            return self.distribution(value, path, key.low, key.high)
        if t == "bool":
            if not isinstance(value, bool):
                raise self.fail(path, f"expected true or false, found {_kind(value)}")
            return value
        raise AssertionError(f"unknown key type {t}")


def _kind(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return f"the text `{value}`"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    return f"`{value}`"


# --- extends --------------------------------------------------------------------------------------

def _split(marks: dict) -> dict:
    groups: dict = {}
    for path, mark in marks.items():
        if path:
            groups.setdefault(path[0], {})[path[1:]] = mark
    return groups


def _prefixed(key: object, marks: dict) -> dict:
    return {(key, *p): m for p, m in marks.items()}


def _merge(base: object, bm: dict, over: object, om: dict, key: Key | None,
           path: tuple) -> tuple[object, dict]:
    """Overlay ``over`` (the extending file) on ``base`` (its parent): mappings key by key,
    named lists item by item; anything else is replaced. Returns the value and its marks."""
    if key is not None and key.type in ("map", "dict") and isinstance(base, dict) \
            and isinstance(over, dict):
        bg, og = _split(bm), _split(om)
        parts: dict = {k: (v, bg.get(k, {})) for k, v in base.items()}
        for group in key.exclusive:
            if any(k in over for k in group):
                for k in group:
                    if k not in over:
                        parts.pop(k, None)
        if key is BEHAVIOUR and over.get("preset") in PRESETS:
            # layers: parent preset < parent values < child preset < child values
            for k in PRESETS[over["preset"]].values:
                if k not in over:
                    parts.pop(k, None)
        for k, v in over.items():
            sub = key.values if key.type == "dict" else key.keys.get(k) or next(
                (vs[k] for vs in key.variants.values() if k in vs), None)
            if k in parts:
                parts[k] = _merge(parts[k][0], parts[k][1], v, og.get(k, {}), sub, (*path, k))
            else:
                parts[k] = (v, og.get(k, {}))
        return _assemble(parts, om.get((), bm.get(())))
    if key is not None and key.by_name and isinstance(base, list) and isinstance(over, list):
        return _merge_named(base, bm, over, om, key, path)
    return over, om


def _assemble(parts: dict, mark: tuple | None) -> tuple[object, dict]:
    marks = {(): mark} if mark else {}
    out = {}
    for k, (v, m) in parts.items():
        out[k] = v
        marks.update(_prefixed(k, m))
    return out, marks


def _merge_named(base: list, bm: dict, over: list, om: dict, key: Key,
                 path: tuple) -> tuple[list, dict]:
    bg, og = _split(bm), _split(om)
    items = [(v, bg.get(i, {})) for i, v in enumerate(base)]
    what = path[-1].rstrip("s")
    for j, v in enumerate(over):
        marks = og.get(j, {})

        def fail(sub: tuple, message: str, marks=marks, j=j) -> ScenarioError:
            file, line, col = marks.get(sub) or marks.get(()) or (None, None, None)
            return ScenarioError(file, message, line, col, (*path, j, *sub))

        if not isinstance(v, dict):
            raise fail((), f"expected a mapping of keys, found {_kind(v)}")
        if not isinstance(v.get("name"), str):
            raise fail((), f"each {what} needs a `name`, so that `extends` can match it with the "
                       f"parent's {path[-1]}")
        names = [item.get("name") if isinstance(item, dict) else None for item, _ in items]
        if "remove" in v:
            if v["remove"] is not True:
                raise fail(("remove",), f"`remove` takes `true`, found {_kind(v['remove'])}")
            if set(v) != {"name", "remove"}:
                raise fail((), f"a {what} that is removed takes only `name` and `remove`, found "
                           f"{', '.join(sorted(set(v) - {'name', 'remove'}))} as well")
            if v["name"] not in names:
                raise fail(("name",), f"there is no {what} named `{v['name']}` to remove"
                           f"{did_you_mean(v['name'], [n for n in names if n])}; the parent has "
                           f"{', '.join(str(n) for n in names) or 'none'}")
            del items[names.index(v["name"])]
        elif v["name"] in names:
            i = names.index(v["name"])
            items[i] = _merge(items[i][0], items[i][1], v, marks, key.values, (*path, j))
        else:
            items.append((v, marks))
    dated = [i for i, (v, _) in enumerate(items) if isinstance(v.get("date"), dt.date)]
    ordered = sorted((items[i] for i in dated), key=lambda item: item[0]["date"])
    for i, item in zip(dated, ordered, strict=True):
        items[i] = item
    out_marks = {(): om.get((), bm.get(()))} if (om.get(()) or bm.get(())) else {}
    for i, (_, m) in enumerate(items):
        out_marks.update(_prefixed(i, m))
    return [v for v, _ in items], out_marks


def _parent_file(src: Source, value: object) -> Path:
    c = _Checker(src)
    name = c.text(value, ("extends",))
    here = src.file.parent if src.file else Path.cwd()
    candidates = [here / name]
    if not Path(name).suffix:
        candidates.append(here / f"{name}.yaml")
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    known = sorted(p.stem for p in here.glob("*.yaml")) if here.is_dir() else []
    looked = " and ".join(str(p) for p in candidates)
    raise c.fail(("extends",), f"the scenario to extend, `{name}`, does not exist (looked for "
                 f"{looked}){did_you_mean(Path(name).stem, known)}")


def resolve(doc: YamlDoc | Source, seen: tuple[Path, ...] = ()) -> Source:
    """The scenario ``doc`` with every parent it ``extends`` merged in, marks kept."""
    src = Source.of(doc)
    data = src.data
    if not isinstance(data, dict) or "extends" not in data:
        return src
    here = src.file.resolve() if src.file else None
    chain = (*seen, here) if here else seen
    parent_file = _parent_file(src, data["extends"])
    if parent_file.resolve() in chain:
        loop = " -> ".join(p.name for p in (*chain, parent_file.resolve()))
        raise src.error(("extends",), f"`extends` goes round in a circle ({loop}); a scenario "
                        "cannot build on itself")
    if len(chain) > 20:
        raise src.error(("extends",), "more than 20 scenarios extend one another here")
    parent = resolve(load_yaml(parent_file, ScenarioError), chain)
    child = {k: v for k, v in data.items() if k != "extends"}
    child_marks = {p: m for p, m in src.marks.items() if p[:1] != ("extends",)}
    merged, marks = _merge(parent.data, parent.marks, child, child_marks, SCENARIO, ())
    return Source(src.file, merged, marks, (*parent.files, *src.files))


# --- the checks -----------------------------------------------------------------------------------

def parse_scenario(doc: YamlDoc | Source, data: dict | None = None) -> Scenario:
    """Check every key of a scenario mapping and build the Scenario (raises ScenarioError).

    ``extends:`` is resolved first (relative to ``doc.file``); errors name the file and line
    where the offending value was written.
    """
    src = Source.of(doc)
    if data is not None:
        src = Source(src.file, data, src.marks, src.files)
    src = resolve(src)
    c = _Checker(src)
    data = c.shape(src.data, SCENARIO, ())
    start, end = data["dates"]["start"], data["dates"]["end"]
    if end <= start:
        raise c.fail(("dates", "end"), f"the end date {end} is not after the start date {start}")
    if (end - start).days > 3660:
        raise c.fail(("dates", "end"), f"a scenario may span at most ten years, found {start} "
                     f"to {end}")
    actors_raw = data["actors"]
    if len(actors_raw) != 2:
        raise c.fail(("actors",), f"a scenario has exactly two actors, found {len(actors_raw)}"
                     f" ({', '.join(actors_raw) or 'none'})")
    lever_ids = {f"{a}.{name}" for a, spec in actors_raw.items() for name in spec["levers"]}
    actors = {a: _actor(c, a, spec, lever_ids) for a, spec in actors_raw.items()}
    meetings = [_meeting(c, m, ("meetings", i), start, end, actors, lever_ids)
                for i, m in enumerate(data.get("meetings", []))]
    _check_order(c, meetings, "meetings")
    constituency_ids = {k.id for a in actors.values() for k in a.constituencies}
    shocks = [_shock(c, s, ("shocks", i), start, end, constituency_ids)
              for i, s in enumerate(data.get("shocks", []))]
    _check_order(c, shocks, "shocks")
    return Scenario(
        name=data["name"], title=str(data.get("title", data["name"])),
        description=str(data.get("description", "")), seed=int(data.get("seed", 0)),
        start=start, end=end, actors=actors, meetings=meetings, shocks=shocks, file=src.file,
        data=data)


def _check_order(c: _Checker, items: list, what: str) -> None:
    names = [m.name for m in items]
    for i, name in enumerate(names):
        if name in names[:i]:
            raise c.fail((what, i, "name"), f"two {what} are named `{name}`; names must differ")
    dated = [(m.date, i) for i, m in enumerate(items) if m.date]
    for (d1, i1), (d2, i2) in zip(dated, dated[1:], strict=False):
        if d2 < d1:
            raise c.fail((what, i2, "date"), f"{what} are listed out of date order: "
                         f"`{names[i2]}` on {d2} comes after `{names[i1]}` on {d1}")


def _slug(c: _Checker, value: object, path: tuple) -> str:
    text = c.text(value, path)
    if not all(ch.isascii() and (ch.isalnum() or ch in "_-") for ch in text):
        raise c.fail(path, f"a name may hold letters, digits, `_` and `-` only, found `{text}`")
    return text


def _actor(c: _Checker, actor: str, spec: dict, lever_ids: set[str]) -> ActorSpec:
    path = ("actors", actor)
    if not spec["levers"]:
        raise c.fail((*path, "levers"), "an actor needs at least one lever")
    levers = tuple(_lever(c, actor, name, lv, (*path, "levers", name))
                   for name, lv in spec["levers"].items())
    own = {lv.id for lv in levers}
    priorities = _weights(c, spec["priorities"], (*path, "priorities"), lever_ids - own,
                          "a lever of the other side")
    holds = _weights(c, spec.get("holds", {}), (*path, "holds"), own, "one of its own levers")
    if not any(priorities.values()):
        raise c.fail((*path, "priorities"), "at least one priority must be above zero")
    constituencies = tuple(_constituency(c, actor, name, k, (*path, "constituencies", name),
                                         lever_ids)
                           for name, k in spec.get("constituencies", {}).items())
    return ActorSpec(actor, str(spec.get("label", actor)), str(spec.get("colour", "")), levers,
                     dict(spec["behaviour"]), priorities, holds, constituencies)


def _lever(c: _Checker, actor: str, name: str, spec: dict, path: tuple) -> LeverSpec:
    low, high = spec["min"], spec["max"]
    if high <= low:
        raise c.fail((*path, "max"), f"max ({high:g}) must be above min ({low:g})")
    initial = c.number(spec["initial"], (*path, "initial"), low, high)
    if ("source" in spec) == ("assumption" in spec):
        raise c.fail(path, "each lever says where its initial value comes from: give exactly one "
                     "of `source` (document and quote) or `assumption` (why this value)")
    if spec.get("horizon_days") and spec.get("restrictive", "high") != "low":
        raise c.fail((*path, "restrictive"), "a commitment lever (`horizon_days`) restricts when "
                     "little is delivered: give `restrictive: low`")
    origin = (f"source: {spec['source']}" if "source" in spec
              else f"assumption: {spec['assumption']}")
    return LeverSpec(
        id=f"{actor}.{name}", actor=actor, name=name, label=str(spec.get("label", name)),
        unit=spec["unit"], min=low, max=high, initial=initial,
        restrictive=spec.get("restrictive", _default(LEVER, "restrictive")),
        speed=spec.get("speed", _default(LEVER, "speed")), source=origin,
        horizon_days=int(spec.get("horizon_days", 0)))


def _weights(c: _Checker, spec: dict, path: tuple, valid: set[str], what: str) -> dict:
    for key in spec:
        if key not in valid:
            raise c.fail((*path, key), f"`{key}` is not {what}{did_you_mean(key, valid)}; "
                         f"expected one of {', '.join(sorted(valid))}")
    return {k: float(v) for k, v in spec.items()}


def _constituency(c: _Checker, actor: str, name: str, spec: dict, path: tuple,
                  levers: set[str]) -> ConstituencySpec:
    if spec["kind"] == "firms":
        if "depends_on" not in spec:
            raise c.fail(path, "the key `depends_on` is missing (firms depend on a lever: the "
                         "other side's, or their own side's)")
        if spec["depends_on"] not in levers:
            raise c.fail((*path, "depends_on"), f"`{spec['depends_on']}` is not a lever"
                         f"{did_you_mean(spec['depends_on'], levers)}; expected "
                         f"one of {', '.join(sorted(levers))}")
    weight = spec.get("weight", _default(CONSTITUENCY, "weight"))
    params = {k: v for k, v in spec.items() if k not in {"kind", "label", "weight"}}
    return ConstituencySpec(f"{actor}.{name}", actor, spec["kind"], str(spec.get("label", name)),
                            float(weight), params)


def _in_window(c: _Checker, date: dt.date, path: tuple, start: dt.date, end: dt.date) -> None:
    if not start <= date <= end:
        raise c.fail(path, f"{date} is outside the scenario's dates ({start} to {end})")


def _meeting(c: _Checker, spec: dict, path: tuple, start: dt.date, end: dt.date,
             actors: dict[str, ActorSpec], lever_ids: set[str]) -> MeetingSpec:
    name, kind = spec["name"], spec["kind"]
    if ("date" in spec) == ("trigger" in spec):
        raise c.fail(path, f"meeting `{name}` needs exactly one of `date` or `trigger`")
    date = trigger = None
    if "date" in spec:
        date = spec["date"]
        _in_window(c, date, (*path, "date"), start, end)
    else:
        trigger = _trigger(c, spec["trigger"], (*path, "trigger"), start, end, actors)
    agenda = None
    if "agenda" in spec:
        agenda = tuple(spec["agenda"])
        if not agenda:
            raise c.fail((*path, "agenda"), "an agenda needs at least one lever (leave `agenda` "
                         "out for every lever)")
        for i, lever in enumerate(agenda):
            if lever not in lever_ids:
                raise c.fail((*path, "agenda", i), f"`{lever}` is not a lever"
                             f"{did_you_mean(lever, lever_ids)}; expected one of "
                             f"{', '.join(sorted(lever_ids))}")
    initiator = spec.get("initiator")
    if initiator is not None:
        c.choice(initiator, (*path, "initiator"), tuple(actors))
    elif kind == "decision":
        raise c.fail(path, f"decision point `{name}` needs `initiator`: the side that decides")
    rounds = spec.get("rounds", 10 if kind in ("talks", "summit") else 2)
    return MeetingSpec(name, kind, str(spec.get("label", name)), date, trigger, int(rounds),
                       agenda, initiator, int(spec.get("freeze_days", 30)),
                       int(spec.get("signing_days", 0)), int(spec.get("in_force_days", 0)))


def _trigger(c: _Checker, spec: dict, path: tuple, start: dt.date, end: dt.date,
             actors: dict) -> Trigger:
    actor = c.choice(spec["actor"], (*path, "actor"), tuple(actors))
    if ("above" in spec) == ("below" in spec):
        raise c.fail(path, "a trigger needs exactly one of `above` or `below`")
    lo = spec.get("not_before", start)
    hi = spec.get("not_after", end)
    _in_window(c, lo, (*path, "not_before"), start, end)
    _in_window(c, hi, (*path, "not_after"), start, end)
    if hi < lo:
        raise c.fail((*path, "not_after"), f"not_after {hi} is before not_before {lo}")
    return Trigger(actor, spec["quantity"], spec.get("above"), spec.get("below"), lo, hi)


def _shock(c: _Checker, spec: dict, path: tuple, start: dt.date, end: dt.date,
           targets: set[str]) -> ShockSpec:
    _in_window(c, spec["date"], (*path, "date"), start, end)
    if spec["target"] not in targets:
        raise c.fail((*path, "target"), f"`{spec['target']}` is not a constituency"
                     f"{did_you_mean(spec['target'], targets)}; expected one of "
                     f"{', '.join(sorted(targets))}")
    return ShockSpec(spec["name"], str(spec.get("label", spec["name"])), spec["date"],
                     spec["target"], spec["change"])


# --- entry points ---------------------------------------------------------------------------------

def load_scenario(file: str | Path) -> Scenario:
    """Read and check a scenario file; raises ScenarioError naming file, line and key.

    ``sha256`` is the file's hash, or for a file that extends others a hash over the hashes of
    every file in the chain (root parent first).
    """
    src = resolve(load_yaml(file, ScenarioError))
    scenario = parse_scenario(src)
    scenario.file = Path(file)
    hashes = [hashlib.sha256(Path(f).read_bytes()).hexdigest() for f in src.files]
    scenario.sha256 = hashes[0] if len(hashes) == 1 else \
        hashlib.sha256("\n".join(hashes).encode()).hexdigest()
    return scenario


def scenario_from_data(data: dict, file: Path | None = None) -> Scenario:
    """Check a plain dict (e.g. edited on the web page) and build the Scenario.

    Dates may be ``datetime.date`` or ISO text. ``extends`` is resolved relative to ``file``
    (or the working folder). Errors name the key path; there are no lines to name.
    """
    file = Path(file) if file is not None else None
    src = Source(file, copy.deepcopy(data), {}, (file,) if file else ())
    src = resolve(src)
    scenario = parse_scenario(src)
    scenario.sha256 = hashlib.sha256(_canonical(scenario.data).encode()).hexdigest()
    return scenario


def _canonical(data: object) -> str:
    return json.dumps(data, sort_keys=True, default=str, separators=(",", ":"))


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
    out = parse_scenario(Source(scenario.file, data, {}, ()))
    out.file = scenario.file
    out.sha256 = hashlib.sha256((scenario.sha256 + _canonical(
        sorted((str(k), v) for k, v in overrides.items()))).encode()).hexdigest()
    return out


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
        if key is None and node is data and len(parts) > 1 and SCENARIO.keys.get(
                parts[0], SCENARIO).by_name:
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

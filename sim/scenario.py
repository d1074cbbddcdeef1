"""Scenarios: the YAML that says who the actors are, what levers they hold, how they behave and
when they meet. Loaded safely, checked key by key, and turned into plain dataclasses.

The engine knows no country, person or lever: everything specific lives in the scenario file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from sim.behaviour import PARAMS, PRESETS
from sim.errors import ScenarioError, did_you_mean
from sim.levers import LeverSpec
from sim.yamlio import YamlDoc, load_yaml


@dataclass(frozen=True)
class ConstituencySpec:
    """A domestic group whose state becomes pressure on its actor (firms, a stock market)."""

    id: str  # "<actor>.<name>"
    actor: str
    kind: str  # "firms" or "market"
    label: str
    weight: float
    params: dict


@dataclass(frozen=True)
class Trigger:
    """Fire an event the first day a side's state crosses a threshold, within a date window."""

    actor: str
    quantity: str  # "pressure" or "trust"
    above: float | None
    below: float | None
    not_before: dt.date
    not_after: dt.date


@dataclass(frozen=True)
class MeetingSpec:
    """Talks (rounds of alternating offers) or a leaders' call, at a date or on a trigger."""

    name: str
    kind: str  # "talks" or "call"
    label: str
    date: dt.date | None
    trigger: Trigger | None
    rounds: int
    agenda: tuple[str, ...] | None  # lever ids on the table; None: every lever
    initiator: str | None


@dataclass(frozen=True)
class ShockSpec:
    """Something from outside the negotiation, e.g. a market fall on a date."""

    name: str
    label: str
    date: dt.date
    target: str  # a constituency id
    change: float


@dataclass(frozen=True)
class ActorSpec:
    """A side: its levers, its negotiator's behaviour, what it wants and who presses it."""

    id: str
    label: str
    colour: str
    levers: tuple[LeverSpec, ...]
    behaviour: dict  # preset + parameters, distributions drawn per run
    priorities: dict[str, float]  # other side's lever id -> how much it wants it eased
    holds: dict[str, float]  # own lever id -> how much it values keeping it
    constituencies: tuple[ConstituencySpec, ...]


@dataclass
class Scenario:
    """A whole scenario, checked and ready to run."""

    name: str
    title: str
    description: str
    seed: int
    start: dt.date
    end: dt.date
    actors: dict[str, ActorSpec]
    meetings: list[MeetingSpec]
    shocks: list[ShockSpec]
    file: Path | None = None
    sha256: str = ""
    data: dict = field(default_factory=dict)

    @property
    def levers(self) -> list[LeverSpec]:
        return [lever for actor in self.actors.values() for lever in actor.levers]

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def other(self, actor: str) -> str:
        return next(a for a in self.actors if a != actor)


TOP_KEYS = {"name", "title", "description", "seed", "dates", "actors", "meetings", "shocks",
            "extends"}
ACTOR_KEYS = {"label", "colour", "levers", "behaviour", "priorities", "holds", "constituencies"}
LEVER_KEYS = {"label", "unit", "min", "max", "initial", "restrictive", "speed", "source",
              "assumption"}
MEETING_KEYS = {"name", "kind", "label", "date", "trigger", "rounds", "agenda", "initiator"}
TRIGGER_KEYS = {"actor", "quantity", "above", "below", "not_before", "not_after"}
SHOCK_KEYS = {"name", "label", "date", "target", "change"}
FIRM_KEYS = {"kind", "label", "weight", "depends_on", "count", "stock_days", "comfort_days"}
MARKET_KEYS = {"kind", "label", "weight", "news_sensitivity", "volatility", "initial_drawdown",
               "pain_drawdown"}


class _Checker:
    """Reads values out of a YamlDoc, raising a ScenarioError that points at the offending key."""

    def __init__(self, doc: YamlDoc):
        self.doc = doc

    def fail(self, path: tuple, message: str) -> ScenarioError:
        return self.doc.error(path, message, ScenarioError)

    def mapping(self, value: object, path: tuple, allowed: set[str],
                required: set[str] = frozenset()) -> dict:
        if not isinstance(value, dict):
            raise self.fail(path, f"expected a mapping of keys, found {_kind(value)}")
        for key in value:
            if key not in allowed:
                raise self.fail((*path, key), f"unknown key `{key}`{did_you_mean(key, allowed)}; "
                                f"allowed here: {', '.join(sorted(allowed))}")
        for key in sorted(required - value.keys()):
            raise self.fail(path, f"the key `{key}` is missing")
        return value

    def number(self, value: object, path: tuple, low: float | None = None,
               high: float | None = None, integer: bool = False) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(path, f"expected a number, found {_kind(value)}")
        if integer and not isinstance(value, int):
            raise self.fail(path, f"expected a whole number, found {value}")
        if (low is not None and value < low) or (high is not None and value > high):
            raise self.fail(path, f"expected a number from {low} to {high}, found {value}")
        return value

    def text(self, value: object, path: tuple) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(path, f"expected text, found {_kind(value)}")
        return value

    def date(self, value: object, path: tuple) -> dt.date:
        if isinstance(value, dt.date):
            return value
        raise self.fail(path, f"expected a date like 2025-05-10, found {_kind(value)}")

    def choice(self, value: object, path: tuple, options) -> str:
        if value not in options:
            raise self.fail(path, f"expected one of {', '.join(map(str, options))}, found "
                            f"`{value}`{did_you_mean(value, options)}")
        return value

    def distribution(self, value: object, path: tuple, low: float, high: float) -> object:
        """A number in range, or a {uniform|normal|choice: [...]} to draw from per run."""
        if isinstance(value, dict):
            self.mapping(value, path, {"uniform", "normal", "choice"})
            if len(value) != 1:
                raise self.fail(path, "a distribution has exactly one of uniform, normal, choice")
            (kind, args), = value.items()
            if not isinstance(args, list) or (kind != "choice" and len(args) != 2) or not args:
                raise self.fail((*path, kind), f"`{kind}` takes a list "
                                + ("of values" if kind == "choice" else "of two numbers"))
            for i, arg in enumerate(args):
                self.number(arg, (*path, kind, i), None if kind == "normal" else low,
                            None if kind == "normal" else high)
            if kind == "uniform" and args[0] > args[1]:
                raise self.fail((*path, kind), f"uniform needs low <= high, found {args}")
            if kind == "normal" and args[1] < 0:
                raise self.fail((*path, kind, 1), "a standard deviation cannot be negative")
            return value
        return self.number(value, path, low, high)


def _kind(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return f"the text `{value}`"
    return f"`{value}`"


def parse_scenario(doc: YamlDoc, data: dict | None = None) -> Scenario:
    """Check every key of a scenario mapping and build the Scenario (raises ScenarioError)."""
    c = _Checker(doc)
    data = doc.data if data is None else data
    c.mapping(data, (), TOP_KEYS, {"name", "dates", "actors"})
    dates = c.mapping(data["dates"], ("dates",), {"start", "end"}, {"start", "end"})
    start, end = c.date(dates["start"], ("dates", "start")), c.date(dates["end"], ("dates", "end"))
    if end <= start:
        raise c.fail(("dates", "end"), f"the end date {end} is not after the start date {start}")
    if (end - start).days > 3660:
        raise c.fail(("dates", "end"), "a scenario may span at most ten years")
    actors_raw = c.mapping(data["actors"], ("actors",), set(data["actors"] or {}))
    if len(actors_raw) != 2:
        raise c.fail(("actors",), f"a scenario has exactly two actors, found {len(actors_raw)}")
    lever_ids = {f"{a}.{name}" for a, spec in actors_raw.items() if isinstance(spec, dict)
                 for name in (spec.get("levers") or {})}
    actors = {a: _actor(c, a, spec, lever_ids, actors_raw) for a, spec in actors_raw.items()}
    meetings = [_meeting(c, m, ("meetings", i), start, end, actors, lever_ids)
                for i, m in enumerate(_list(c, data.get("meetings", []), ("meetings",)))]
    names = [m.name for m in meetings]
    for i, name in enumerate(names):
        if name in names[:i]:
            raise c.fail(("meetings", i, "name"), f"two meetings are named `{name}`")
    dated = [(m.date, i) for i, m in enumerate(meetings) if m.date]
    for (d1, _), (d2, i2) in zip(dated, dated[1:], strict=False):
        if d2 < d1:
            raise c.fail(("meetings", i2, "date"), f"meetings are listed out of date order: "
                         f"{d2} comes after {d1}")
    constituency_ids = {k.id for a in actors.values() for k in a.constituencies}
    shocks = [_shock(c, s, ("shocks", i), start, end, constituency_ids)
              for i, s in enumerate(_list(c, data.get("shocks", []), ("shocks",)))]
    seed = c.number(data.get("seed", 0), ("seed",), 0, 2**63 - 1, integer=True)
    return Scenario(
        name=_slug(c, data["name"], ("name",)), title=str(data.get("title", data["name"])),
        description=str(data.get("description", "")), seed=int(seed), start=start, end=end,
        actors=actors, meetings=meetings, shocks=shocks, file=doc.file, data=data)


def _list(c: _Checker, value: object, path: tuple) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        raise c.fail(path, f"expected a list, found {_kind(value)}")
    return value


def _slug(c: _Checker, value: object, path: tuple) -> str:
    text = c.text(value, path)
    if not all(ch.isalnum() or ch in "_-" for ch in text):
        raise c.fail(path, f"a name may hold letters, digits, `_` and `-` only, found `{text}`")
    return text


def _actor(c: _Checker, actor: str, spec: object, lever_ids: set[str],
           actors_raw: dict) -> ActorSpec:
    path = ("actors", actor)
    _slug(c, actor, path)
    spec = c.mapping(spec, path, ACTOR_KEYS, {"levers", "behaviour", "priorities"})
    levers_raw = c.mapping(spec["levers"], (*path, "levers"), set(spec["levers"] or {}))
    if not levers_raw:
        raise c.fail((*path, "levers"), "an actor needs at least one lever")
    levers = tuple(_lever(c, actor, name, lv, (*path, "levers", name))
                   for name, lv in levers_raw.items())
    own = {lv.id for lv in levers}
    behaviour = _behaviour(c, spec["behaviour"], (*path, "behaviour"))
    priorities = _weights(c, spec["priorities"], (*path, "priorities"), lever_ids - own,
                          "a lever of the other side")
    holds = _weights(c, spec.get("holds", {}), (*path, "holds"), own, "one of its own levers")
    if not any(priorities.values()):
        raise c.fail((*path, "priorities"), "at least one priority must be above zero")
    cons = c.mapping(spec.get("constituencies", {}) or {}, (*path, "constituencies"),
                     set(spec.get("constituencies") or {}))
    constituencies = tuple(_constituency(c, actor, name, k, (*path, "constituencies", name),
                                         lever_ids - own) for name, k in cons.items())
    return ActorSpec(actor, str(spec.get("label", actor)), str(spec.get("colour", "")), levers,
                     behaviour, priorities, holds, constituencies)


def _lever(c: _Checker, actor: str, name: str, spec: object, path: tuple) -> LeverSpec:
    _slug(c, name, path)
    spec = c.mapping(spec, path, LEVER_KEYS, {"unit", "min", "max", "initial"})
    low = c.number(spec["min"], (*path, "min"))
    high = c.number(spec["max"], (*path, "max"))
    if high <= low:
        raise c.fail((*path, "max"), f"max ({high}) must be above min ({low})")
    initial = c.number(spec["initial"], (*path, "initial"), low, high)
    if ("source" in spec) == ("assumption" in spec):
        raise c.fail(path, "each lever says where its initial value comes from: give exactly one "
                     "of `source` (document and quote) or `assumption` (why this value)")
    origin = (f"source: {c.text(spec['source'], (*path, 'source'))}" if "source" in spec
              else f"assumption: {c.text(spec['assumption'], (*path, 'assumption'))}")
    return LeverSpec(
        id=f"{actor}.{name}", actor=actor, name=name, label=str(spec.get("label", name)),
        unit=c.choice(spec["unit"], (*path, "unit"), ("percent", "share", "index")),
        min=low, max=high, initial=initial,
        restrictive=c.choice(spec.get("restrictive", "high"), (*path, "restrictive"),
                             ("high", "low")),
        speed=c.number(spec.get("speed", 1.0), (*path, "speed"), 0.001, 1.0), source=origin)


def _behaviour(c: _Checker, spec: object, path: tuple) -> dict:
    spec = c.mapping(spec, path, {"preset", *PARAMS})
    if "preset" in spec:
        c.choice(spec["preset"], (*path, "preset"), tuple(PRESETS))
    for name, info in PARAMS.items():
        if name in spec:
            c.distribution(spec[name], (*path, name), info.low, info.high)
    return dict(spec)


def _weights(c: _Checker, spec: object, path: tuple, valid: set[str], what: str) -> dict:
    spec = c.mapping(spec, path, set(spec or {}) if isinstance(spec, dict) else set())
    for key, value in spec.items():
        if key not in valid:
            raise c.fail((*path, key), f"`{key}` is not {what}{did_you_mean(key, valid)}; "
                         f"expected one of {', '.join(sorted(valid))}")
        c.number(value, (*path, key), 0, 10)
    return {k: float(v) for k, v in spec.items()}


def _constituency(c: _Checker, actor: str, name: str, spec: object, path: tuple,
                  other_levers: set[str]) -> ConstituencySpec:
    _slug(c, name, path)
    if not isinstance(spec, dict):
        raise c.fail(path, f"expected a mapping of keys, found {_kind(spec)}")
    kind = c.choice(spec.get("kind"), (*path, "kind"), ("firms", "market"))
    if kind == "firms":
        c.mapping(spec, path, FIRM_KEYS, {"kind", "depends_on"})
        if spec["depends_on"] not in other_levers:
            raise c.fail((*path, "depends_on"), f"`{spec['depends_on']}` is not a lever of the "
                         f"other side{did_you_mean(spec['depends_on'], other_levers)}")
        c.number(spec.get("count", 10), (*path, "count"), 1, 1000, integer=True)
        c.distribution(spec.get("stock_days", 60), (*path, "stock_days"), 0, 3650)
        c.number(spec.get("comfort_days", 60), (*path, "comfort_days"), 1, 3650)
    else:
        c.mapping(spec, path, MARKET_KEYS, {"kind"})
        c.number(spec.get("news_sensitivity", 0.01), (*path, "news_sensitivity"), 0, 1)
        c.number(spec.get("volatility", 0.005), (*path, "volatility"), 0, 0.2)
        c.number(spec.get("initial_drawdown", 0.0), (*path, "initial_drawdown"), 0, 0.9)
        c.number(spec.get("pain_drawdown", 0.2), (*path, "pain_drawdown"), 0.01, 1)
    weight = c.number(spec.get("weight", 1.0), (*path, "weight"), 0, 10)
    params = {k: v for k, v in spec.items() if k not in {"kind", "label", "weight"}}
    return ConstituencySpec(f"{actor}.{name}", actor, kind, str(spec.get("label", name)),
                            float(weight), params)


def _meeting(c: _Checker, spec: object, path: tuple, start: dt.date, end: dt.date,
             actors: dict[str, ActorSpec], lever_ids: set[str]) -> MeetingSpec:
    spec = c.mapping(spec, path, MEETING_KEYS, {"name", "kind"})
    name = _slug(c, spec["name"], (*path, "name"))
    kind = c.choice(spec["kind"], (*path, "kind"), ("talks", "call"))
    if ("date" in spec) == ("trigger" in spec):
        raise c.fail(path, f"meeting `{name}` needs exactly one of `date` or `trigger`")
    date = trigger = None
    if "date" in spec:
        date = c.date(spec["date"], (*path, "date"))
        if not start <= date <= end:
            raise c.fail((*path, "date"), f"{date} is outside the scenario's dates "
                         f"({start} to {end})")
    else:
        trigger = _trigger(c, spec["trigger"], (*path, "trigger"), start, end, actors)
    agenda = None
    if "agenda" in spec:
        agenda = tuple(_list(c, spec["agenda"], (*path, "agenda")))
        for i, lever in enumerate(agenda):
            if lever not in lever_ids:
                raise c.fail((*path, "agenda", i), f"`{lever}` is not a lever"
                             f"{did_you_mean(lever, lever_ids)}")
    initiator = spec.get("initiator")
    if initiator is not None:
        c.choice(initiator, (*path, "initiator"), tuple(actors))
    rounds = c.number(spec.get("rounds", 10 if kind == "talks" else 2), (*path, "rounds"),
                      1, 200, integer=True)
    return MeetingSpec(name, kind, str(spec.get("label", name)), date, trigger, int(rounds),
                       agenda, initiator)


def _trigger(c: _Checker, spec: object, path: tuple, start: dt.date, end: dt.date,
             actors: dict) -> Trigger:
    spec = c.mapping(spec, path, TRIGGER_KEYS, {"actor", "quantity"})
    actor = c.choice(spec["actor"], (*path, "actor"), tuple(actors))
    quantity = c.choice(spec["quantity"], (*path, "quantity"), ("pressure", "trust"))
    if ("above" in spec) == ("below" in spec):
        raise c.fail(path, "a trigger needs exactly one of `above` or `below`")
    above = c.number(spec["above"], (*path, "above"), 0, 1) if "above" in spec else None
    below = c.number(spec["below"], (*path, "below"), 0, 1) if "below" in spec else None
    lo = c.date(spec.get("not_before", start), (*path, "not_before"))
    hi = c.date(spec.get("not_after", end), (*path, "not_after"))
    if hi < lo:
        raise c.fail((*path, "not_after"), f"not_after {hi} is before not_before {lo}")
    return Trigger(actor, quantity, above, below, lo, hi)


def _shock(c: _Checker, spec: object, path: tuple, start: dt.date, end: dt.date,
           targets: set[str]) -> ShockSpec:
    spec = c.mapping(spec, path, SHOCK_KEYS, {"name", "date", "target", "change"})
    date = c.date(spec["date"], (*path, "date"))
    if not start <= date <= end:
        raise c.fail((*path, "date"), f"{date} is outside the scenario's dates ({start} to {end})")
    if spec["target"] not in targets:
        raise c.fail((*path, "target"), f"`{spec['target']}` is not a constituency"
                     f"{did_you_mean(spec['target'], targets)}")
    return ShockSpec(_slug(c, spec["name"], (*path, "name")), str(spec.get("label", spec["name"])),
                     date, spec["target"], c.number(spec["change"], (*path, "change"), -1, 1))


def load_scenario(file: str | Path) -> Scenario:
    """Read and check a scenario file; raises ScenarioError naming file, line and key."""
    doc = load_yaml(file, ScenarioError)
    scenario = parse_scenario(doc)
    scenario.sha256 = hashlib.sha256(Path(file).read_bytes()).hexdigest()
    return scenario

"""From checked scenario data to the engine's frozen specs, with the checks no schema can state:
references between keys (a priority names a lever of the other side), dates inside the period,
meetings in date order, a lever's start inside its bounds and its unit's range."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import sim.scenario.models as m
from sim.engine.spec import (
    ActorSpec,
    BehaviourSpec,
    ConstituencySpec,
    Draw,
    FirmsParams,
    LossesParams,
    MarketParams,
    MeetingSpec,
    ProtectedParams,
    Scenario,
    ShockSpec,
    Trigger,
)
from sim.engine.truce import OPEN
from sim.errors import did_you_mean
from sim.scenario.calibration import check_section as check_calibrate
from sim.scenario.lever_specs import lever_spec, with_terms
from sim.scenario.located import Source, validate
from sim.scenario.trade import check_section as check_trade
from sim.scenario.trade import trade_spec
from sim.scenario.types import kind

MAX_DAYS = 3660


class _Build:
    """Checks one whole scenario and builds its specs; errors point at the offending key."""

    def __init__(self, src: Source):
        self.src = src
        self.lever_only_groups: set[str] = set()  # `losses` and `protected` groups (no shocks)

    def fail(self, path: tuple, message: str):
        return self.src.error(path, message)

    def one_of(self, value: object, path: tuple, options) -> str:
        if value not in options:
            raise self.fail(path, f"expected one of {', '.join(map(str, options))}, found "
                            f"{kind(value)}{did_you_mean(value, options)}")
        return value

    def reference(self, value: str, path: tuple, valid: set[str], what: str) -> str:
        if value not in valid:
            raise self.fail(path, f"`{value}` is not {what}{did_you_mean(value, valid)}; "
                            f"expected one of {', '.join(sorted(valid))}")
        return value

    def in_window(self, date: dt.date, path: tuple, start: dt.date, end: dt.date) -> None:
        if not start <= date <= end:
            raise self.fail(path, f"{date} is outside the scenario's dates ({start} to {end})")


def build(src: Source, check_record: bool = False) -> Scenario:
    """Check ``src`` (one whole scenario, parents merged in) and build the engine's Scenario.

    ``check_record``: also refuse a `record:` that names no file (loading a file does; data
    without a file to be relative to is not checked)."""
    model = validate(m.Scenario, src)
    data = model.model_dump(exclude_unset=True)
    b = _Build(Source(src.file, data, src.marks, src.files))
    start, end = model.dates.start, model.dates.end
    if end <= start:
        raise b.fail(("dates", "end"), f"the end date {end} is not after the start date {start}")
    if (end - start).days > MAX_DAYS:
        raise b.fail(("dates", "end"), f"a scenario may span at most ten years, found {start} "
                     f"to {end}")
    actors_raw = data["actors"]
    if len(actors_raw) < 2:
        raise b.fail(("actors",), f"a scenario has two actors or more, found {len(actors_raw)}"
                     f" ({', '.join(actors_raw) or 'none'})")
    lever_ids = {f"{a}.{name}" for a, spec in actors_raw.items() for name in spec["levers"]}
    actors = {a: _actor(b, a, spec, lever_ids) for a, spec in actors_raw.items()}
    meetings = [_meeting(b, spec, ("meetings", i), start, end, actors, lever_ids)
                for i, spec in enumerate(data.get("meetings", []))]
    _check_order(b, meetings, "meetings")
    constituency_ids = {k.id for a in actors.values() for k in a.constituencies}
    b.lever_only_groups = {k.id for a in actors.values() for k in a.constituencies
                      if k.kind in ("losses", "protected")}
    shocks = [_shock(b, spec, ("shocks", i), start, end, constituency_ids)
              for i, spec in enumerate(data.get("shocks", []))]
    _check_order(b, shocks, "shocks")
    check_calibrate(data, b.fail)
    check_trade(data, b.fail)
    scenario = Scenario(
        name=model.name, title=str(data.get("title", model.name)),
        description=str(data.get("description", "")), seed=int(model.seed), start=start,
        end=end, actors=actors, meetings=meetings, shocks=shocks, file=src.file, data=data,
        record_file=_record_file(b, data.get("record"), check_record))
    scenario.trade = trade_spec(scenario)
    return scenario


def _record_file(b: _Build, written: str | None, check: bool) -> Path | None:
    if written is None:
        return None
    here = b.src.file.parent if b.src.file else Path.cwd()
    path = here / written
    if check and not path.is_file():
        raise b.fail(("record",), f"the record file `{written}` does not exist (looked for "
                     f"{path}); `record:` is relative to the scenario file: correct the path, or "
                     "leave the key out (a scenario without a `record:` key runs as usual and is "
                     "not scored: it has nothing to score against)")
    return path


def _check_order(b: _Build, items: list, what: str) -> None:
    names = [item.name for item in items]
    for i, name in enumerate(names):
        if name in names[:i]:
            raise b.fail((what, i, "name"), f"two {what} are named `{name}`; names must differ")
    dated = [(item.date, i) for i, item in enumerate(items) if item.date]
    for (d1, i1), (d2, i2) in zip(dated, dated[1:], strict=False):
        if d2 < d1:
            raise b.fail((what, i2, "date"), f"{what} are listed out of date order: "
                         f"`{names[i2]}` on {d2} comes after `{names[i1]}` on {d1}")


def _actor(b: _Build, actor: str, spec: dict, lever_ids: set[str]) -> ActorSpec:
    path = ("actors", actor)
    if not spec["levers"]:
        raise b.fail((*path, "levers"), "an actor needs at least one lever")
    levers = tuple(lever_spec(b, actor, name, lv, (*path, "levers", name))
                   for name, lv in spec["levers"].items())
    own = {lv.id for lv in levers}
    for lv in levers:
        lever_path = (*path, "levers", lv.name)
        for i, side in enumerate(lv.aimed_at):
            b.reference(side, (*lever_path, "aimed_at", i),
                        {a for a in b.src.data["actors"] if a != actor}, "another side")
        if lv.aligns_with:
            b.reference(lv.aligns_with, (*lever_path, "aligns_with"), lever_ids - own,
                        "a lever of another side")
    levers = with_terms(b, spec.get("commitments") or {}, (*path, "commitments"), levers, own)
    priorities = _weights(b, spec["priorities"], (*path, "priorities"), lever_ids - own,
                          "a lever of another side")
    holds = _weights(b, spec.get("holds", {}), (*path, "holds"), own, "one of its own levers")
    if not any(priorities.values()):
        raise b.fail((*path, "priorities"), "at least one priority must be above zero")
    constituencies = tuple(
        _constituency(b, actor, name, k, (*path, "constituencies", name), lever_ids)
        for name, k in spec.get("constituencies", {}).items())
    return ActorSpec(actor, str(spec.get("label", actor)), str(spec.get("colour", "")), levers,
                     BehaviourSpec.written(spec["behaviour"]), priorities, holds, constituencies)


def _weights(b: _Build, spec: dict, path: tuple, valid: set[str], what: str) -> dict:
    for key in spec:
        b.reference(key, (*path, key), valid, what)
    return {k: float(v) for k, v in spec.items()}


def _constituency(b: _Build, actor: str, name: str, spec: dict, path: tuple,
                  levers: set[str]) -> ConstituencySpec:
    if spec["kind"] == "firms":  # the other side's lever, or its own (importers pay its tariff)
        b.reference(spec["depends_on"], (*path, "depends_on"), levers, "a lever")
    weight = spec.get("weight", m.Constituency.model_fields["weight"].default)
    if spec["kind"] == "losses":
        params = _losses(b, actor, spec, path)
    elif spec["kind"] == "protected":
        params = _protected(b, actor, spec, path, levers)
    else:
        params = _params(spec)
    origin = (f"source: {spec['source']}" if "source" in spec
              else f"assumption: {spec['assumption']}" if "assumption" in spec else "")
    return ConstituencySpec(f"{actor}.{name}", actor, spec["kind"], str(spec.get("label", name)),
                            float(weight), params, spec.get("direction", "settle"), origin)


def _protected(b: _Build, actor: str, spec: dict, path: tuple,
               levers: set[str]) -> ProtectedParams:
    """Producers a lever of their own side protects: that lever must be one of its side's, and
    the group must say where it comes from (a group pressing for escalation is a claim)."""
    own = {lever for lever in levers if lever.startswith(f"{actor}.")}
    b.reference(spec["protected_by"], (*path, "protected_by"), own,
                f"a lever of `{actor}` (producers are protected by their own side's lever)")
    if "source" not in spec and "assumption" not in spec:
        raise b.fail(path, "a `protected` group says where it comes from: give `source` "
                     "(document and quote) or `assumption` (why it is there)")
    return ProtectedParams(spec["protected_by"], float(spec["content_at"]))


# the sectors a side's loss of each kind is felt in: those it exports, imports or either
_LOSS_ENDS = {"lost_exports": ("exporter",), "buyers_loss": ("importer",),
              "net": ("exporter", "importer")}


def _losses(b: _Build, actor: str, spec: dict, path: tuple) -> LossesParams:
    """A group that feels its losses in money: its sectors must be the `trade:` section's and
    ones its side exports (lost exports), imports (buyers' loss) or either (net)."""
    trade = b.src.data.get("trade")
    if not trade:
        raise b.fail((*path, "kind"), "a constituency of kind `losses` feels the money of the "
                     "`trade:` section, and this scenario has none: add a `trade:` section "
                     "(docs/economics.md) or use `firms` or `market`")
    loss = spec["loss"]
    ends = _LOSS_ENDS[loss]
    own = [name for name, s in trade["sectors"].items() if any(s[e] == actor for e in ends)]
    sectors = spec.get("sectors") or own
    for i, name in enumerate(spec.get("sectors") or ()):
        b.reference(name, (*path, "sectors", i), set(trade["sectors"]), "a `trade:` sector")
        if name not in own:
            s = trade["sectors"][name]
            raise b.fail((*path, "sectors", i), f"in sector `{name}` {s['exporter']} exports "
                         f"to {s['importer']}: `{actor}` is not its "
                         + " or ".join(ends) + f", so it has no {loss.replace('_', ' ')} there")
    if not sectors:
        raise b.fail((*path, "loss"), f"`{actor}` has no `trade:` sector in which to feel "
                     f"{loss.replace('_', ' ')}")
    relative_to = spec.get("relative_to", m.Losses.model_fields["relative_to"].default)
    if relative_to == "gdp" and actor not in (trade.get("gdp") or {}):
        raise b.fail((*path, "relative_to"), f"a loss relative to GDP needs `{actor}`'s GDP "
                     "under `trade: gdp:`; give it, or use `relative_to: flow`")
    window = spec.get("window_days", m.Losses.model_fields["window_days"].default)
    levers = tuple(dict.fromkeys(  # in order, once each
        lever for name in sectors for lever in _sector_levers(trade["sectors"][name])))
    return LossesParams(loss, tuple(sectors), relative_to, float(spec["painful"]), int(window),
                        levers)


def _sector_levers(sector: dict) -> list[str]:
    commitment = sector.get("commitment") or {}
    return [lever for lever in (sector.get("tariff"), sector.get("cap"), commitment.get("lever"))
            if lever]


def _params(spec: dict) -> FirmsParams | MarketParams:
    """A constituency's own keys, typed, each default read from the language's model."""
    if spec["kind"] == "firms":
        f = m.Firms.model_fields
        return FirmsParams(spec["depends_on"], int(spec.get("count", f["count"].default)),
                           Draw.of(spec.get("stock_days", f["stock_days"].default)),
                           float(spec.get("comfort_days", f["comfort_days"].default)))
    f = m.Market.model_fields
    return MarketParams(*(float(spec.get(k, f[k].default)) for k in (
        "news_sensitivity", "volatility", "initial_drawdown", "pain_drawdown")))


def _meeting(b: _Build, spec: dict, path: tuple, start: dt.date, end: dt.date,
             actors: dict[str, ActorSpec], lever_ids: set[str]) -> MeetingSpec:
    name, kind_ = spec["name"], spec["kind"]
    if ("date" in spec) == ("trigger" in spec):
        raise b.fail(path, f"meeting `{name}` needs exactly one of `date` or `trigger`")
    date = trigger = None
    if "date" in spec:
        date = spec["date"]
        b.in_window(date, (*path, "date"), start, end)
    else:
        trigger = _trigger(b, spec["trigger"], (*path, "trigger"), start, end, actors)
    agenda = None
    if "agenda" in spec:
        agenda = tuple(spec["agenda"])
        if not agenda:
            raise b.fail((*path, "agenda"), "an agenda needs at least one lever (leave `agenda` "
                         "out for every lever)")
        for i, lever in enumerate(agenda):
            b.reference(lever, (*path, "agenda", i), lever_ids, "a lever")
    initiator = spec.get("initiator")
    if initiator is not None:
        b.one_of(initiator, (*path, "initiator"), tuple(actors))
    elif kind_ == "decision":
        raise b.fail(path, f"decision point `{name}` needs `initiator`: the side that decides")
    rounds = spec.get("rounds", m.MEETING_MODELS[kind_].default_rounds)
    fields = m.Meeting.model_fields  # each default stated once, in the language
    party_ids = tuple(spec.get("parties") or actors)
    for i, party in enumerate(party_ids):
        b.one_of(party, (*path, "parties", i), tuple(actors))
    if len(set(party_ids)) < 2:
        raise b.fail((*path, "parties"), f"meeting `{name}` needs two sides or more")
    if initiator is not None and initiator not in party_ids:
        raise b.fail((*path, "initiator"), f"`{initiator}` is not one of the meeting's parties "
                     f"({', '.join(party_ids)})")
    if kind_ == "decision" and agenda is not None:
        for i, lever in enumerate(agenda):
            if not lever.startswith(f"{initiator}."):
                raise b.fail((*path, "agenda", i), f"decision point `{name}` is `{initiator}`'s: "
                             f"its agenda names the levers it decides on, which are its own; "
                             f"`{lever}` is not")
    if "term" in spec and kind_ not in ("talks", "summit"):
        raise b.fail((*path, "term"), f"meeting `{name}` is a {kind_}: only talks and summits "
                     "sign agreements, so only they take `term: open`")
    freeze = "open" if "freeze" in spec else spec.get("freeze_days", fields["freeze_days"].default)
    return MeetingSpec(name, kind_, str(spec.get("label", name)), date, trigger, int(rounds),
                       agenda, initiator, party_ids,
                       OPEN if freeze == "open" else int(freeze),
                       *(int(spec.get(k, fields[k].default))
                         for k in ("signing_days", "in_force_days")),
                       open_term=spec.get("term") == "open")


def _trigger(b: _Build, spec: dict, path: tuple, start: dt.date, end: dt.date,
             actors: dict) -> Trigger:
    actor = b.one_of(spec["actor"], (*path, "actor"), tuple(actors))
    if ("above" in spec) == ("below" in spec):
        raise b.fail(path, m.Trigger.alternatives[("above", "below")])
    lo = spec.get("not_before", start)
    hi = spec.get("not_after", end)
    b.in_window(lo, (*path, "not_before"), start, end)
    b.in_window(hi, (*path, "not_after"), start, end)
    if hi < lo:
        raise b.fail((*path, "not_after"), f"not_after {hi} is before not_before {lo}")
    return Trigger(actor, spec["quantity"], spec.get("above"), spec.get("below"), lo, hi)


def _shock(b: _Build, spec: dict, path: tuple, start: dt.date, end: dt.date,
           targets: set[str]) -> ShockSpec:
    b.in_window(spec["date"], (*path, "date"), start, end)
    b.reference(spec["target"], (*path, "target"), targets, "a constituency")
    if spec["target"] in b.lever_only_groups:
        raise b.fail((*path, "target"), f"`{spec['target']}` feels only what levers do (its "
                     "losses in money, or its protection): a shock hits firms or a market")
    return ShockSpec(spec["name"], str(spec.get("label", spec["name"])), spec["date"],
                     spec["target"], spec["change"])

"""`sim new FILE --from BASE`: the text of a commented variant that extends another scenario.

It extends ``BASE`` by a portable reference (a shipped scenario by its name), changes nothing
yet, and shows every key a variant may change as a commented example holding the parent's
current value (tests hold it to the schema: every key appears).
"""

from __future__ import annotations

import json
import os
import textwrap
from pathlib import Path

import sim.scenario.bundled as bundled
from sim.engine.behaviour import PARAMS, PRESETS
from sim.scenario.language import DISTRIBUTIONS, Scenario
from sim.scenario.trade import commented_example as trade_example


def _slug_of(stem: str) -> str:
    text = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "_-") else "_" for ch in stem)
    return text.strip("_") or "my_scenario"


def new_scenario_text(file: Path, base_file: Path, base: Scenario) -> str:
    """A scenario that extends ``base`` and changes nothing yet, with every override as a
    commented example."""
    rel = extends_reference(base_file, file)
    name = _slug_of(file.stem)
    bd = base.data
    lines = [
        f"# {file.name}: a counterfactual built on {base_file.name}.",
        "# Question: <write here the question this scenario asks, e.g. 'What if the leaders",
        "# never called?'>",
        "#",
        f"# It extends {base_file.name}: only what is written here changes. Uncomment and edit the",
        "# examples below (each shows the parent's current value). A scenario may set WHEN",
        "# meetings happen and HOW the sides behave, never what a meeting decides. Every key is",
        "# documented in scenarios/README.md; `sim check` validates, `sim run` runs.",
        f"extends: {rel}",
        f"name: {name}",
        f"title: \"{name}: a variant of {base.title.replace(chr(34), chr(39))}\"",
        "description: >",
        f"  What changes against {base.name}, and why.",
        "",
        f"# seed: {base.seed}                  # random seed of a single run",
        f"# dates: {{start: {base.start}, end: {base.end}}}",
        *_record_text(base, file),
        "# version: 1                   # the version of the scenario language",
        "",
        "# --- behaviour: dispositions, drawn per run when given as a distribution -------------",
        "# A preset fills in the parameters not given; values written here beat the parent's.",
        "# Presets:",
    ]
    for preset in PRESETS.values():
        lines += textwrap.wrap(f"{preset.name}: {preset.description}", 96,
                               initial_indent="#   ", subsequent_indent="#       ")
    lines.append("# Any parameter may be a distribution instead of a number:")
    lines += [f"#   {text}" for text in DISTRIBUTIONS.values()]
    lines.append("# actors:")
    for actor_id, actor in base.actors.items():
        raw = bd["actors"][actor_id]
        lines.append(f"#   {actor_id}:")
        lines.append(f"#     label: {actor.label}")
        lines.append(f"#     colour: \"{actor.colour}\"")
        lines.append("#     behaviour:")
        behaviour = raw["behaviour"]
        lines.append(f"#       preset: {behaviour.get('preset', 'linear')}")
        for param, info in PARAMS.items():
            now = behaviour.get(param)
            if now is None:
                preset = PRESETS.get(behaviour.get("preset", ""))
                now = preset.values.get(param) if preset else None
            value = _flow(now) if now is not None else _g(getattr(_defaults(), param))
            doc = textwrap.shorten(info.doc, 52, placeholder="...")
            lines.append(f"#       {param}: {value}".ljust(40)
                         + f"# {_g(info.low)} to {_g(info.high)}: {doc}")
        lines.append("#     priorities:        # the other side's levers it wants eased, 0 to 10")
        for lever, weight in raw["priorities"].items():
            lines.append(f"#       {lever}: {_g(weight)}")
        lines.append("#     holds:             # its own levers it values keeping, 0 to 10")
        for lever, weight in raw.get("holds", {}).items():
            lines.append(f"#       {lever}: {_g(weight)}")
        lines.append("#     levers:            # bounds, start (horizon_days: 365 = a commitment)")
        lines.append("#                        # unit in words on axes: unit_label: USD bn")
        lines.append("#                        # more sides: aimed_at: [side], aligns_with: lever")
        for lever_name, spec in raw["levers"].items():
            lines.append(f"#       {lever_name}:")
            for k, v in spec.items():
                lines.append(f"#         {k}: {_flow(v)}")
        if actor_id == next(iter(base.actors)):
            lines += _instruments_example(next(iter(raw["levers"])))
        lines.append("#     constituencies:    # who presses this side at home")
        for cname, spec in raw.get("constituencies", {}).items():
            lines.append(f"#       {cname}:")
            for k, v in spec.items():
                lines.append(f"#         {k}: {_flow(v)}")
        if actor_id == next(iter(base.actors)):
            lines += _losses_example(bd)
    lines += [
        "",
        "# --- meetings: WHEN they happen; what they decide is up to the negotiators ----------",
        "# Items are matched to the parent's by `name`: give a new `date` to move one,",
        "# `remove: true` to delete one, a new name to add one (the list is re-sorted by date).",
        "# meetings:",
    ]
    for m in base.meetings:
        if m.date:
            lines.append(f"#   - {{name: {m.name}, date: {m.date}}}".ljust(48)
                         + f"# move it ({m.label})")
    if base.meetings:
        lines.append(f"#   - {{name: {base.meetings[-1].name}, remove: true}}".ljust(48)
                     + "# delete it")
        lines.append(f"#   - {{name: {base.meetings[0].name}, rounds: 6}}".ljust(48)
                     + "# fewer offers")
    actors = list(base.actors)
    levers = [lv.id for lv in base.levers]
    lines += [
        "#   - name: extra_call                   # a new call whose timing is an outcome:",
        "#     kind: call                         # talks | call | summit | decision",
        "#     label: Leaders' call on a trigger",
        f"#     initiator: {actors[0]}",
        "#     freeze_days: 30                    # new measures wait this long for talks; or",
        "#     # freeze: open                     # ...while talks go on, until a side walks out",
        "#     trigger:",
        f"#       actor: {actors[0]}",
        "#       quantity: pressure               # pressure | trust",
        "#       above: 0.5                       # or below:",
        f"#       not_before: {base.start}        # not_after: {base.end}",
        "#   - name: extra_talks",
        "#     kind: talks",
        f"#     date: {base.end}",
        f"#     agenda: [{', '.join(levers[:2])}]",
        f"#     parties: [{', '.join(actors[:2])}]".ljust(43) + "# who meets (default: every side)",
        "#     signing_days: 14                   # signed 14 days on; in_force_days: 7 later",
        "#     # term: open                       # its agreement has no term: a side ends it",
        f"#   - {{name: review, kind: decision, initiator: {actors[0]}, date: {base.end}}}"
        "  # a side weighs escalating",
        f"#     # agenda: [{next(lv.id for lv in base.levers if lv.actor == actors[0])}]"
        "  # ...on these of its levers only (a deadline on one measure)",
        "",
        "# --- shocks: outside events hitting a constituency on a date ------------------------",
        "# shocks:",
    ]
    targets = [k.id for a in base.actors.values() for k in a.constituencies]
    if targets:
        lines += ["#   - name: outside_shock",
                  "#     label: An outside event",
                  f"#     date: {base.start}",
                  f"#     target: {targets[0]}          # one of {', '.join(targets)}",
                  "#     change: -0.08                   # -1 to 1: relative change"]
    for s in base.shocks:
        lines.append(f"#   - {{name: {s.name}, remove: true}}")
    sections = _calibrate_text(base) + _wording_text(base) + trade_example(base)
    return "\n".join(lines + sections) + "\n"


def _wording_text(base: Scenario) -> list[str]:
    """The commented `wording:` section, with the parent's words."""
    from sim.scenario.wording import outcome_names, status_words

    return ["", "# --- wording: the words outputs use for statuses and dispute-wide outcomes ---",
            "# wording:", "#   statuses:",
            *[f"#     {k}: {_flow(v)}" for k, v in status_words(base).items()],
            "#   outcomes:",
            *[f"#     {k}: {_flow(v)}" for k, v in outcome_names(base).items()]]


def _calibrate_text(base: Scenario) -> list[str]:
    """The commented `calibrate:` section: priors for `sim calibrate` (docs/calibration.md)."""
    from sim.scenario.calibration import slots

    free = [s for s in slots(base.data).values() if s.free]
    if not free:
        return []
    first = free[0]
    return [
        "",
        "# --- calibrate: priors for `sim calibrate` (default: every free value, uniform over its",
        "# documented range; docs/calibration.md) --------------------------------------------",
        "# calibrate:",
        "#   priors:",
        f"#     {first.key}: [{first.low:g}, {(first.low + first.high) / 2:g}]",
        *([f"#     {free[1].key}: fixed"] if len(free) > 1 else []),
        f"#   only: [{first.key}]          # estimate just these"]


def extends_reference(base_file: Path, file: Path) -> str:
    """What ``file`` writes after `extends:` to build on ``base_file``: a shipped scenario by its
    name (portable: found wherever sim is installed), unless a file of that name beside ``file``
    would be found first; anything else by its path relative to ``file``."""
    base = base_file.resolve()
    shipped = bundled.scenarios_dir() / base.name
    beside = file.resolve().parent / base.name
    if shipped.is_file() and shipped.resolve() == base and \
            (not beside.is_file() or beside.resolve() == base):
        return base.stem
    return Path(os.path.relpath(base, file.resolve().parent)).as_posix()


def _record_text(base: Scenario, file: Path) -> list[str]:
    if base.record_file is None:  # the base names none: a placeholder, nobody's record
        return ["# record: record/FILE.yaml   # the record it is scored against (none yet)"]
    record = base.record_file.resolve()
    if record.is_relative_to(bundled.scenarios_dir()):  # a path into the install would not travel
        return [f"# record: record/FILE.yaml   # the record it is scored against (inherited "
                f"today: the shipped {record.name})"]
    rel = Path(os.path.relpath(record, file.resolve().parent)).as_posix()
    return [f"# record: {rel}   # the record it is scored against"]


def _g(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def _defaults():
    from sim.engine.behaviour import Behaviour
    return Behaviour()


def _instruments_example(lever: str) -> list[str]:
    """The measures a side may prepare on a lever (`instruments:`), every key commented."""
    return [f"#       {lever}:   # measures prepared on it, imposed in full when it tightens it",
            "#         instruments:",
            "#           first_list: {amount: 10, if_cut: suspend, source: \"doc: 'quote'\"}",
            "#           # after_days: a stage adopted with the one before it, due that much later",
            "#           second_list: {amount: 15, after_days: 365, assumption: \"why\"}"]


def _losses_example(data: dict) -> list[str]:
    """The groups `sim new` shows besides the parent's: one that feels its losses in money (with
    a `trade:` section) and producers a lever protects, every key commented."""
    sector = next(iter((data.get("trade") or {}).get("sectors") or {}), "my_sector")
    return ["#       # a group that feels its losses in money (needs a `trade:` section, see",
            "#       # docs/economics.md); `painful` is an assumption: label it so",
            "#       payers:",
            "#         kind: losses",
            "#         loss: lost_exports             # | buyers_loss | net",
            f"#         sectors: [{sector}]".ljust(43) + "# default: all the side's",
            "#         relative_to: flow              # | gdp (needs trade: gdp:)",
            "#         painful: 0.5                   # the share that presses with full force",
            "#         window_days: 90",
            "#         weight: 0.4",
            "#         direction: settle              # | escalate: it gains from measures",
            "#         assumption: \"why it is here\"     # or source: \"doc: 'quote'\"",
            "#       # producers a lever of this side protects; they push it to escalate",
            "#       steelmakers: {kind: protected, protected_by: LEVER, content_at: 0.9,",
            "#                     direction: escalate, weight: 0.3, source: \"doc: 'quote'\"}",
            "#     # its own delivery terms per lever, when a deal covers it (a key left out: its",
            "#     # own disposition); verification_days: how late the others can see delivery",
            "#     commitments:",
            "#       LEVER: {compliance: 0.6, linkage: 0.5, verification_days: 60,",
            "#               assumption: \"why\"}"]


def _flow(value: object) -> str:
    """A value as YAML flow text for a comment."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    if isinstance(value, float):
        return _g(value)
    if isinstance(value, str) and (not value or any(ch in value for ch in ":#'\"{}[],&*!|>%@`")
                                   or value != value.strip()):
        return json.dumps(value)
    return str(value)

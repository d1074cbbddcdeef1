"""Writing scenarios: `sim check`, `sim schema` and `sim new`.

The JSON Schema is generated from the same description of the language (``sim.scenario.SCENARIO``)
that the validator walks, so editors and `sim check` agree on keys, types and ranges. Checks that
need the whole scenario (references to levers, dates within the period, order of meetings) are
the validator's alone.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import textwrap
from pathlib import Path

from sim.engine.behaviour import PARAMS, PRESETS
from sim.errors import UserError
from sim.scenario import bundled
from sim.scenario.language import DISTRIBUTIONS, SCENARIO, Key, Scenario, load_scenario

SCHEMA_ID = "https://example.invalid/negotiation-sim/scenario.schema.json"


# --- sim check ----------------------------------------------------------------------------------

def check_command(args: argparse.Namespace) -> int:
    """Validate each file: `ok  <file>` on stdout, or the error on stderr; exit 2 if any failed."""
    failed = 0
    for file in args.scenarios:
        try:
            load_scenario(file)
        except UserError as exc:
            print(exc, file=sys.stderr)
            failed += 1
        else:
            print(f"ok  {file}")
    return 2 if failed else 0


# --- sim schema ---------------------------------------------------------------------------------

def schema_command(args: argparse.Namespace) -> int:
    print(json.dumps(json_schema(), indent=2))
    return 0


def json_schema() -> dict:
    """JSON Schema (draft 2020-12) of a scenario file.

    A file with ``extends:`` is checked as a partial scenario (nothing else required; meetings and
    shocks may carry ``remove: true``); a file without it as a whole one.
    """
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "Negotiation simulator scenario",
        "description": "Who the actors are, what levers they hold, how they behave and when "
                       "they meet. See scenarios/README.md.",
        "if": {"type": "object", "required": ["extends"]},
        "then": {"$ref": "#/$defs/partial"},
        "else": {"$ref": "#/$defs/full"},
        "$defs": {"full": _schema(SCENARIO, full=True, top=True),
                  "partial": _schema(SCENARIO, full=False, top=True)},
    }


def _describe(key: Key) -> str:
    text = key.doc[0].upper() + key.doc[1:]
    if key.default is not None:
        text += f" (default {key.default})"
    return text + (f". Example: `{key.example}`" if key.example else "")


def _number(key: Key, integer: bool = False) -> dict:
    out: dict = {"type": "integer" if integer else "number"}
    if key.low is not None:
        out["minimum"] = key.low
    if key.high is not None:
        out["maximum"] = key.high
    return out


def _schema(key: Key, full: bool, top: bool = False, item: bool = False) -> dict:
    t = key.type
    out: dict
    if t == "map":
        props = {k: _schema(v, full, item=v.type == "list") for k, v in key.keys.items()
                 if not (full and v.extends_only)}
        for variant in key.variants.values():
            props.update({k: _schema(v, full) for k, v in variant.items()})
        out = {"type": "object", "properties": props, "additionalProperties": False}
        if full and key.required:
            out["required"] = sorted(key.required)
        elif not full and "name" in key.required:
            out["required"] = ["name"]
        if top and not full:
            out["required"] = ["extends"]
        if key.variants:
            common = set(key.keys)
            out["allOf"] = [
                {"if": {"properties": {key.variant: {"const": name}},
                        "required": [key.variant]},
                 "then": {"propertyNames": {"enum": sorted(common | set(variant))},
                          **({"required": ["depends_on"]} if full and "depends_on" in variant
                             else {})}}
                for name, variant in key.variants.items()]
        if key.exclusive:
            out.setdefault("allOf", []).extend(
                {"not": {"required": list(group)}} for group in key.exclusive)
    elif t == "dict":
        out = {"type": "object", "additionalProperties": {**_schema(key.values, full),
                                                          "x-key": key.placeholder}}
        if key.placeholder != "<lever id>":
            out["propertyNames"] = {"pattern": "^[A-Za-z0-9_-]+$"}
    elif t == "list":
        out = {"type": "array", "items": _schema(key.values, full)}
    elif t == "text":
        out = {"type": "string", "pattern": r"\S"}
    elif t == "slug":
        out = {"type": "string", "pattern": "^[A-Za-z0-9_-]+$"}
    elif t in ("number", "integer"):
        out = _number(key, t == "integer")
    elif t == "date":
        out = {"type": "string", "format": "date"}
    elif t == "choice":
        out = {"enum": list(key.options)}
    elif t == "bool":
        out = {"const": True}
    elif t == "distribution":
        num = _number(key)
        out = {"anyOf": [num, {
            "type": "object", "minProperties": 1, "maxProperties": 1,
            "additionalProperties": False,
            "properties": {
                "uniform": {"type": "array", "items": num, "minItems": 2, "maxItems": 2,
                            "description": DISTRIBUTIONS["uniform"]},
                "normal": {"type": "array", "items": {"type": "number"}, "minItems": 2,
                           "maxItems": 2, "description": DISTRIBUTIONS["normal"]},
                "choice": {"type": "array", "items": num, "minItems": 1,
                           "description": DISTRIBUTIONS["choice"]},
            }}]}
    else:
        raise AssertionError(t)
    if not top:
        out["description"] = _describe(key)
    return out


def schema_paths(schema: dict | None = None) -> set[str]:
    """Every key the schema knows, as dotted paths: `actors.<actor>.levers.<lever>.min`,
    `meetings[].date` (free keys by their placeholder, list items as `[]`)."""
    schema = schema or json_schema()
    out: set[str] = set()

    def walk(node: dict, prefix: str) -> None:
        for name, sub in node.get("properties", {}).items():
            path = f"{prefix}.{name}" if prefix else name
            out.add(path)
            walk(sub, path)
        extra = node.get("additionalProperties")
        if isinstance(extra, dict):
            path = f"{prefix}.{extra['x-key']}"
            out.add(path)
            walk(extra, path)
        if isinstance(node.get("items"), dict):
            walk(node["items"], f"{prefix}[]")

    for part in ("full", "partial"):
        walk(schema["$defs"][part], "")
    return out


def key_at(path: str) -> Key:
    """The Key a schema path like `meetings[].trigger.above` stands for."""
    key = SCENARIO
    for part in path.replace("[]", "").split("."):
        if key.type in ("dict", "list"):
            key = key.values
            if part.startswith("<"):
                continue
        key = key.keys.get(part) or next(v[part] for v in key.variants.values() if part in v)
    return key


def reference_table() -> str:
    """The key reference of scenarios/README.md, generated from the language description."""
    rows = ["| key | type | meaning | example |", "|---|---|---|---|"]
    for path in sorted(schema_paths(), key=_path_order):
        key = key_at(path)
        kind = {"map": "mapping", "dict": "mapping", "distribution": "number or distribution",
                "slug": "name", "bool": "true"}.get(key.type, key.type)
        if key.options:
            kind = " \\| ".join(f"`{o}`" for o in key.options)
        if key.low is not None or key.high is not None:
            kind += f" {_g(key.low)} to {_g(key.high)}"
        doc = key.doc + (f" (default {key.default})" if key.default is not None else "")
        if path == "<top>":
            continue
        rows.append(f"| `{path}` | {kind} | {doc.replace('|', '/')} | "
                    f"`{key.example.replace('|', '/')}` |")
    return "\n".join(rows)


def _g(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def _path_order(path: str) -> list:
    top = list(SCENARIO.keys)
    first = path.split(".")[0].replace("[]", "")
    return [top.index(first) if first in top else 99, path]


# --- sim new ------------------------------------------------------------------------------------

def new_command(args: argparse.Namespace) -> int:
    """Write a commented scenario that extends ``args.base``; never overwrite a file."""
    file = Path(args.file)
    if file.exists():
        raise UserError(file, "the file exists already; `sim new` never overwrites. Choose "
                        "another name or delete the file first")
    if not file.parent.is_dir():
        raise UserError(file, f"the folder {file.parent} does not exist")
    base_file = _find_base(str(args.base), file)
    base = load_scenario(base_file)
    text = new_scenario_text(file, base_file, base)
    fd, scratch = tempfile.mkstemp(prefix=f".{file.stem}-", suffix=".yaml", dir=file.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        load_scenario(scratch)  # what we write must pass `sim check`
        os.link(scratch, file)  # fails rather than overwrite a file made meanwhile
    except FileExistsError:
        raise UserError(file, "the file exists already; `sim new` never overwrites") from None
    finally:
        os.unlink(scratch)
    print(f"wrote {file}: extends {base_file}; edit it, then `sim check {file}` and "
          f"`sim run {file}`")
    return 0


def _find_base(base: str, new_file: Path) -> Path:
    name = base if Path(base).suffix else f"{base}.yaml"
    candidates = [Path(base), Path(name), new_file.parent / name, Path("scenarios") / name,
                  bundled.scenarios_dir() / name]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    known = bundled.names()
    from sim.errors import did_you_mean
    raise UserError(None, f"--from {base}: no such scenario (looked in "
                    f"{', '.join(dict.fromkeys(str(c.parent) for c in candidates))})"
                    f"{did_you_mean(base, known)}")


def _slug_of(stem: str) -> str:
    text = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "_-") else "_" for ch in stem)
    return text.strip("_") or "my_scenario"


def new_scenario_text(file: Path, base_file: Path, base: Scenario) -> str:
    """A scenario that extends ``base`` and changes nothing yet, with every override as a
    commented example."""
    rel = os.path.relpath(base_file.resolve(), file.resolve().parent)
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
        lines.append("#     levers:            # the instrument, not its moves: bounds, start")
        for lever_name, spec in raw["levers"].items():
            lines.append(f"#       {lever_name}:")
            for k, v in spec.items():
                lines.append(f"#         {k}: {_flow(v)}")
        lines.append("#     constituencies:    # who presses this side at home")
        for cname, spec in raw.get("constituencies", {}).items():
            lines.append(f"#       {cname}:")
            for k, v in spec.items():
                lines.append(f"#         {k}: {_flow(v)}")
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
        "#     kind: call                         # talks | call",
        "#     label: Leaders' call on a trigger",
        f"#     initiator: {actors[0]}",
        "#     rounds: 2",
        "#     trigger:",
        f"#       actor: {actors[0]}",
        "#       quantity: pressure               # pressure | trust",
        "#       above: 0.5                       # or below:",
        f"#       not_before: {base.start}",
        f"#       not_after: {base.end}",
        "#   - name: extra_talks",
        "#     kind: talks",
        f"#     date: {base.end}",
        f"#     agenda: [{', '.join(levers[:2])}]",
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
    return "\n".join(lines) + "\n"


def _defaults():
    from sim.engine.behaviour import Behaviour
    return Behaviour()


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

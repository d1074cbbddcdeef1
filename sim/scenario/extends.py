"""`extends:`: a scenario built on another, merged only after each part has been checked.

Each file is first checked on its own (a file with `extends:` against the patch models, a root
file against the whole language), so the merge below only ever meets the shapes it expects:
mappings merge key by key, meetings and shocks item by item by `name`, anything else is
replaced. Every value keeps the file, line and column where it was written.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from pydantic import BaseModel

import sim.scenario.bundled as bundled
import sim.scenario.fields as f
import sim.scenario.models as m
from sim.engine.behaviour import PRESETS
from sim.errors import ScenarioError, did_you_mean
from sim.scenario.located import Source, validate
from sim.scenario.yamlio import load_yaml

MAX_CHAIN = 20


def _split(marks: dict) -> dict:
    groups: dict = {}
    for path, mark in marks.items():
        if path:
            groups.setdefault(path[0], {})[path[1:]] = mark
    return groups


def _prefixed(key: object, marks: dict) -> dict:
    return {(key, *p): mk for p, mk in marks.items()}


def _replaced(model: type[BaseModel], over: dict) -> set[str]:
    """Keys of the parent's mapping that the child's keys replace: the other one of a pair of
    alternatives (a `date` replaces a `trigger`), and, for behaviour, the parameters a child's
    preset sets (layers: parent preset < parent values < child preset < child values)."""
    gone = {k for group in model.alternatives for k in group
            if any(g in over for g in group) and k not in over}
    if model is m.Behaviour and over.get("preset") in PRESETS:
        gone |= {k for k in PRESETS[over["preset"]].values if k not in over}
    return gone


def merge(base: object, bm: dict, over: object, om: dict, shape: f.Shape | None,
          path: tuple) -> tuple[object, dict]:
    """Overlay ``over`` (the extending file's part) on ``base`` (its parent's); returns the value
    and its marks."""
    if shape is not None and isinstance(base, dict) and isinstance(over, dict):
        if shape.kind == "union":
            model = f.model_for(shape, over) or f.model_for(shape, base)
            if over.get("kind", base.get("kind")) != base.get("kind"):
                return over, om  # another kind of constituency or meeting: a new item
            shape = f.Shape("model", model) if model else None
        if shape is not None and shape.kind in ("model", "dict"):
            return _merge_mapping(base, bm, over, om, shape, path)
    if shape is not None and shape.kind == "list" and isinstance(base, list) \
            and isinstance(over, list) and _named(shape):
        return _merge_named(base, bm, over, om, f.shape(shape.inner), path)
    return over, om


def _named(shape: f.Shape) -> bool:
    item = f.shape(shape.inner)
    model = item.inner if item.kind == "model" else \
        next(iter(item.inner.values())) if item.kind == "union" else None
    return bool(model and model.named)


def _merge_mapping(base: dict, bm: dict, over: dict, om: dict, shape: f.Shape,
                   path: tuple) -> tuple[dict, dict]:
    bg, og = _split(bm), _split(om)
    parts: dict = {k: (v, bg.get(k, {})) for k, v in base.items()}
    if shape.kind == "model":
        for k in _replaced(shape.inner, over):
            parts.pop(k, None)
    for k, v in over.items():
        sub = f.shape(shape.inner) if shape.kind == "dict" else f.field_shape(shape.inner, k)
        if k in parts:
            parts[k] = merge(parts[k][0], parts[k][1], v, og.get(k, {}), sub, (*path, k))
        else:
            parts[k] = (v, og.get(k, {}))
    mark = om.get((), bm.get(()))
    marks = {(): mark} if mark else {}
    out = {}
    for k, (v, mk) in parts.items():
        out[k] = v
        marks.update(_prefixed(k, mk))
    return out, marks


def _merge_named(base: list, bm: dict, over: list, om: dict, item: f.Shape,
                 path: tuple) -> tuple[list, dict]:
    bg, og = _split(bm), _split(om)
    items = [(v, bg.get(i, {})) for i, v in enumerate(base)]
    what = str(path[-1]).rstrip("s")
    for j, v in enumerate(over):
        marks = og.get(j, {})
        names = [old.get("name") for old, _ in items]
        if v.get("remove"):
            if set(v) != {"name", "remove"}:
                raise _fail(marks, (*path, j), (), f"a {what} that is removed takes only `name` "
                            f"and `remove`, found {', '.join(sorted(set(v) - {'name', 'remove'}))}"
                            " as well")
            if v["name"] not in names:
                raise _fail(marks, (*path, j), ("name",), f"there is no {what} named "
                            f"`{v['name']}` to remove{did_you_mean(v['name'], names)}; the "
                            f"parent has {', '.join(names) or 'none'}")
            del items[names.index(v["name"])]
        elif v["name"] in names:
            i = names.index(v["name"])
            items[i] = merge(items[i][0], items[i][1], v, marks, item, (*path, j))
        else:
            items.append((v, marks))
    dated = [i for i, (v, _) in enumerate(items) if isinstance(v.get("date"), dt.date | str)]
    ordered = sorted((items[i] for i in dated), key=lambda it: str(it[0]["date"]))
    for i, it in zip(dated, ordered, strict=True):
        items[i] = it
    mark = om.get((), bm.get(()))
    out_marks = {(): mark} if mark else {}
    for i, (_, mk) in enumerate(items):
        out_marks.update(_prefixed(i, mk))
    return [v for v, _ in items], out_marks


def _fail(marks: dict, path: tuple, sub: tuple, message: str) -> ScenarioError:
    file, line, col = marks.get(sub) or marks.get(()) or (None, None, None)
    return ScenarioError(file, message, line, col, (*path, *sub))


def _parent_file(src: Source, name: str) -> Path:
    """The file ``extends: name`` means: a path relative to the extending file (a bare name may
    leave out `.yaml`), else, for a bare name, the shipped scenario of that name (as `sim run
    NAME` finds it), so `extends: baseline` works from any folder."""
    here = src.file.parent if src.file else Path.cwd()
    candidates = [here / name]
    if not Path(name).suffix:
        candidates.append(here / f"{name}.yaml")
    bare = len(Path(name).parts) == 1 and Path(name).suffix in ("", ".yaml", ".yml")
    if bare:
        stem = Path(name).stem if Path(name).suffix else name
        candidates.append(bundled.scenarios_dir() / f"{stem}.yaml")
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    known = sorted(p.stem for p in here.glob("*.yaml")) if here.is_dir() else []
    known += bundled.names() if bare else []
    looked = " and ".join(str(p) for p in candidates[:2])
    shipped = (f"; a bare name may also be a shipped scenario: {', '.join(bundled.names())}"
               if bare else "")
    raise src.error(("extends",), f"the scenario to extend, `{name}`, does not exist (looked "
                    f"for {looked}){did_you_mean(Path(name).stem, known)}{shipped}")


def _rebase_record(parent: Source, child_file: Path | None) -> None:
    """A `record:` inherited from a parent in another folder, rewritten relative to the child
    (it is written relative to the file that names it)."""
    data = parent.data
    if not isinstance(data, dict) or "record" not in data or parent.file is None:
        return
    target = parent.file.parent / data["record"]  # relative to the parent, once resolved
    here = child_file.parent if child_file else Path.cwd()
    data["record"] = Path(os.path.relpath(target, here)).as_posix()


def resolve(doc, seen: tuple[Path, ...] = (), check_root: bool = False) -> Source:
    """``doc`` with every parent it ``extends`` merged in, marks kept. Each part is checked
    before it is merged: an extending file against the patch models, a root parent against the
    whole language (``check_root``: also the root itself)."""
    src = Source.of(doc)
    data = src.data
    if not isinstance(data, dict) or "extends" not in data:
        if check_root:
            validate(m.Scenario, src)
        return src
    validate(f.partial(), src)
    here = src.file.resolve() if src.file else None
    chain = (*seen, here) if here else seen
    parent_file = _parent_file(src, data["extends"])
    if parent_file.resolve() in chain:
        loop = " -> ".join(p.name for p in (*chain, parent_file.resolve()))
        raise src.error(("extends",), f"`extends` goes round in a circle ({loop}); a scenario "
                        "cannot build on itself")
    if len(chain) > MAX_CHAIN:
        raise src.error(("extends",), f"more than {MAX_CHAIN} scenarios extend one another here")
    parent = resolve(load_yaml(parent_file, ScenarioError, yaml11=True), chain, check_root=True)
    if "record" not in data:
        _rebase_record(parent, src.file)
    child = {k: v for k, v in data.items() if k != "extends"}
    child_marks = {p: mk for p, mk in src.marks.items() if p[:1] != ("extends",)}
    merged, marks = merge(parent.data, parent.marks, child, child_marks,
                          f.Shape("model", m.Scenario), ())
    return Source(src.file, merged, marks, (*parent.files, *src.files))

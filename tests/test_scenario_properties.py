"""Property tests: generated valid scenarios run and keep every lever in bounds; random breakages
of the baseline always end in a clean ScenarioError, never another exception."""

from __future__ import annotations

import copy
import datetime as dt
import functools
import json
import math
import re
from pathlib import Path

import jsonschema
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

import sim.scenario.models as models
from sim.engine.behaviour import PARAMS, PRESETS
from sim.errors import ScenarioError
from sim.experiments.runs import run_once
from sim.scenario.authoring import json_schema
from sim.scenario.fields import partial
from sim.scenario.language import apply_overrides, load_scenario, scenario_from_data
from sim.scenario.types import BEYOND_SCHEMA

BASELINE = load_scenario(Path(__file__).parent.parent / "scenarios" / "baseline.yaml")
SETTINGS = settings(max_examples=30, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
VALIDATOR = jsonschema.Draft202012Validator(json_schema())


def check_bounds(scenario) -> None:
    result = run_once(scenario, seed=scenario.seed)
    for lever in scenario.levers:
        values = result.columns[lever.id]
        assert all(lever.min - 1e-9 <= v <= lever.max + 1e-9 for v in values), lever.id
        assert all(math.isfinite(v) for v in values)


@st.composite
def parameter(draw, name):
    info = PARAMS[name]
    number = st.floats(info.low, info.high, allow_nan=False)
    kind = draw(st.sampled_from(["number", "uniform", "normal", "choice"]))
    if kind == "number":
        return draw(number)
    if kind == "uniform":
        a, b = sorted([draw(number), draw(number)])
        return {"uniform": [a, b]}
    if kind == "normal":
        return {"normal": [draw(number), draw(st.floats(0, (info.high - info.low) / 2))]}
    return {"choice": draw(st.lists(number, min_size=1, max_size=4))}


@st.composite
def behaviour(draw):
    out = {}
    if draw(st.booleans()):
        out["preset"] = draw(st.sampled_from(sorted(PRESETS)))
    for name in draw(st.sets(st.sampled_from(sorted(PARAMS)))):
        out[name] = draw(parameter(name))
    return out


@st.composite
def valid_scenarios(draw):
    data = copy.deepcopy(BASELINE.data)
    for actor in data["actors"].values():
        actor["behaviour"] = draw(behaviour())
        keys = list(actor["priorities"])
        # weights as an author writes them (0.01 steps): a subnormal weight such as 5e-324
        # crashes the offer frontier (ZeroDivisionError in negotiation.best_h; reported)
        weights = [draw(st.integers(0, 1000)) / 100 for _ in keys]
        weights[draw(st.integers(0, len(keys) - 1))] = draw(st.integers(10, 1000)) / 100
        actor["priorities"] = dict(zip(keys, weights, strict=True))
    span = (data["dates"]["end"] - data["dates"]["start"]).days
    days = sorted(draw(st.lists(st.integers(0, span), min_size=len(data["meetings"]),
                                max_size=len(data["meetings"]))))
    for meeting, day in zip(data["meetings"], days, strict=True):
        meeting["date"] = data["dates"]["start"] + dt.timedelta(days=day)
    data["seed"] = draw(st.integers(0, 2**32))
    return data


@SETTINGS
@given(valid_scenarios())
def test_generated_valid_scenarios_run_within_bounds(data):
    scenario = scenario_from_data(data)
    check_bounds(scenario)
    assert not list(VALIDATOR.iter_errors(json.loads(json.dumps(data, default=str))))


@SETTINGS
@given(st.sampled_from(sorted(PARAMS)), st.floats(-5, 1000, allow_nan=False))
def test_overrides_are_checked(name, value):
    info = PARAMS[name]
    try:
        scenario = apply_overrides(BASELINE, {f"actors.us.behaviour.{name}": value})
    except ScenarioError as exc:
        assert not info.low <= value <= info.high
        assert name in str(exc)
    else:
        assert info.low <= value <= info.high
        assert scenario.actors["us"].behaviour[name] == value


def _paths(value, path=()):
    yield path
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _paths(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _paths(v, (*path, i))


PATHS = [p for p in _paths(BASELINE.data) if p]
BAD_VALUES = st.one_of(
    st.text(max_size=8), st.integers(-10**12, 10**12),
    st.floats(allow_nan=True, allow_subnormal=False),
    st.booleans(), st.none(), st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=4), st.integers(), max_size=2),
    st.sampled_from([float("inf"), -1.0, 1e300, "2025-02-30", dt.date(1999, 1, 1)]))


@st.composite
def broken(draw):
    data = copy.deepcopy(BASELINE.data)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(PATHS))
        parent = data
        try:
            for part in path[:-1]:
                parent = parent[part]
            if draw(st.booleans()) and isinstance(parent, dict):
                parent.pop(path[-1], None)
            else:
                parent[path[-1]] = draw(BAD_VALUES)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation removed the way there
    return data


@SETTINGS
@given(broken())
def test_broken_data_gives_a_clean_error(data):
    try:
        scenario = scenario_from_data(data)
    except ScenarioError as exc:
        assert str(exc).startswith("error: ")
        return
    check_bounds(scenario)  # the mutation happened to be valid: it must then run


def _json(data):
    """``data`` as JSON would carry it (dates as text), or None when JSON cannot hold it: JSON
    has no NaN or infinity, so an editor's schema check never sees one."""
    try:
        return json.loads(json.dumps(data, default=str, allow_nan=False))
    except (TypeError, ValueError):
        return None


def _ecma_pattern(validator, pattern, instance, schema):
    # JSON Schema patterns are ECMA-262, whose `$` matches only at the end; Python's re.search
    # (which jsonschema uses) also matches `$` before a final newline, so "us\n" would pass.
    if validator.is_type(instance, "string") and not re.search(
            pattern.replace("$", r"\Z"), instance):
        yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")


SCHEMA = jsonschema.validators.extend(jsonschema.Draft202012Validator,
                                      {"pattern": _ecma_pattern})(
    json_schema(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def _schema_accepts(plain) -> bool:
    return not any(True for _ in SCHEMA.iter_errors(plain))


def _models_accept(plain) -> bool:
    """What the pydantic models (the validator's first stage) say, leaving out the rules no JSON
    Schema can state (uniform's low <= high), which the validator alone checks."""
    model = partial() if isinstance(plain, dict) and "extends" in plain else models.Scenario
    try:
        model.model_validate(plain)
    except ValidationError as exc:
        return all(e["type"] == BEYOND_SCHEMA for e in exc.errors())
    return True


@SETTINGS
@given(broken())
def test_the_schema_and_the_validator_accept_the_same_data(data):
    plain = _json(data)
    if plain is None:
        return
    assert _schema_accepts(plain) == _models_accept(plain), (
        "the JSON Schema " + ("accepts" if _schema_accepts(plain) else "refuses")
        + " data the validator " + ("accepts" if _models_accept(plain) else "refuses"))


@SETTINGS
@given(broken())
def test_what_the_schema_rejects_the_validator_rejects(data):
    plain = _json(data)
    if plain is None or _schema_accepts(plain):
        return
    try:
        scenario_from_data(data)
    except ScenarioError:
        return
    raise AssertionError("the JSON Schema rejects data the validator accepts")


@SETTINGS
@given(broken())
def test_what_the_validator_accepts_the_schema_accepts(data):
    try:
        scenario_from_data(data)
    except ScenarioError:
        return
    plain = _json(data)
    assert plain is None or _schema_accepts(plain)


EDGE_VALUES = [None, " ", "us\n", "#0072B2", 1, -1, 2.5, 1e300, True, [], {}, {"uniform": [0, 1]},
               {"normal": [0.5, 1e300]}, "2025-02-30", "2025-05-10", "a" * 65]


def _one_per_key(paths):
    """One path for each key of the language (the first actor's stands for both)."""
    seen, out = set(), []
    for path in paths:
        kind = tuple("[]" if isinstance(p, int) else p for p in path)
        kind = tuple("<actor>" if i == 1 and kind[0] == "actors" else p for i, p in enumerate(kind))
        if kind not in seen:
            seen.add(kind)
            out.append(path)
    return out


def _set(data, path, value):
    node = data
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value


def test_the_schema_and_the_validator_agree_on_every_key_and_edge_value():
    # every key of the baseline, each set to each edge value in turn, in a whole file and in one
    # that extends another: exhaustive, so a key whose schema and model disagree is found on every
    # run, not by a lucky seed
    base = _json(BASELINE.data)
    disagree = []
    for extends in (False, True):
        values = EDGE_VALUES if not extends else [None, " ", 2.5, [], {}, "#0072B2"]
        for path in _one_per_key(PATHS):
            for value in values:
                data = copy.deepcopy(base) | ({"extends": "baseline"} if extends else {})
                _set(data, path, value)
                if _schema_accepts(data) != _models_accept(data):
                    disagree.append((extends, path, value))
    assert not disagree, f"schema and validator disagree on {len(disagree)} cases: {disagree[:5]}"


FREE_KEYS = [("actors",), ("actors", "us", "levers"), ("actors", "us", "constituencies"),
             ("actors", "us", "priorities"), ("actors", "us", "holds")]


def test_the_schema_and_the_validator_agree_on_names_chosen_by_the_author():
    base = _json(BASELINE.data)
    disagree = []
    for path in FREE_KEYS:
        for key in ["", " ", "a b", "us\n", "n" * 65, "n" * 64, "ü", "x.y", "-_-"]:
            data = copy.deepcopy(base)
            mapping = functools.reduce(lambda node, part: node[part], path, data)
            first = next(iter(mapping))
            mapping[key] = mapping.pop(first)
            if _schema_accepts(data) != _models_accept(data):
                disagree.append((path, key))
    assert not disagree, f"schema and validator disagree on {disagree}"


def test_the_agreement_check_can_fail():
    # the two predicates above differ on data a model refuses and the schema lets through
    data = _json(BASELINE.data)
    data["actors"]["us"]["colour"] = "#GGGGGG"
    assert not _models_accept(data)
    loose = copy.deepcopy(json_schema())
    loose["$defs"]["Actor"]["properties"]["colour"].pop("pattern")
    assert not list(jsonschema.Draft202012Validator(loose).iter_errors(data))


@SETTINGS
@given(broken())
def test_broken_files_give_a_clean_error(tmp_path_factory, data):
    file = tmp_path_factory.mktemp("broken") / "broken.yaml"
    if data.get("record") == BASELINE.data["record"]:  # the copy is elsewhere: same record
        data["record"] = str(BASELINE.record_file)
    file.write_text(yaml.safe_dump(data, allow_unicode=True))
    try:
        load_scenario(file)
    except ScenarioError as exc:
        assert "broken.yaml" in str(exc)
        assert "record file" not in str(exc) or data.get("record") != str(BASELINE.record_file)

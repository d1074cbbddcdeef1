"""The scenario language: extends and named-list editing, the JSON Schema and README kept in step
with the validator, scenario_from_data / apply_overrides, and `sim new` / `sim schema`."""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
import os
import random
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

from sim.cli import main
from sim.engine.behaviour import PRESETS, make_behaviour
from sim.engine.spec import Draw
from sim.errors import ScenarioError
from sim.scenario.authoring import json_schema, schema_paths
from sim.scenario.language import (
    DISTRIBUTIONS,
    apply_overrides,
    load_scenario,
    scenario_from_data,
)
from sim.scenario.schema import readme_with_table

ROOT = Path(__file__).parent.parent
SCENARIOS = ROOT / "scenarios"
BASELINE = SCENARIOS / "baseline.yaml"
README = SCENARIOS / "README.md"
CORPUS = Path(__file__).parent / "bad_scenarios"


def copy_of_baseline() -> str:
    """The baseline's text for a copy in another folder (its record named by full path)."""
    return BASELINE.read_text().replace("record: record/", f"record: {SCENARIOS}/record/")


def child(tmp_path: Path, text: str, name: str = "child.yaml") -> Path:
    (tmp_path / "baseline.yaml").write_text(copy_of_baseline())
    file = tmp_path / name
    file.write_text(text)
    return file


def meeting(scenario, name):
    return next(m for m in scenario.meetings if m.name == name)


# --- extends --------------------------------------------------------------------------------------

def test_move_remove_append_and_resort(tmp_path):
    file = child(tmp_path, """extends: baseline
name: edited
meetings:
  - {name: leaders_call, date: 2025-06-20}
  - {name: geneva, remove: true}
  - {name: early_talks, kind: talks, date: 2025-05-01, rounds: 3}
""")
    s = load_scenario(file)
    assert [m.name for m in s.meetings] == ["early_talks", "london", "leaders_call"]
    assert meeting(s, "leaders_call").date == dt.date(2025, 6, 20)
    assert meeting(s, "leaders_call").initiator == "us"  # merged, not replaced
    assert meeting(s, "early_talks").rounds == 3
    assert s.name == "edited" and "extends" not in s.data
    assert s.data["actors"].keys() == {"us", "china"}


def test_trigger_replaces_date_and_date_replaces_trigger(tmp_path):
    (tmp_path / "baseline.yaml").write_text(copy_of_baseline())
    (tmp_path / "mid.yaml").write_text("""extends: baseline.yaml
name: mid
meetings:
  - name: leaders_call
    trigger: {actor: us, quantity: pressure, above: 0.5}
""")
    mid = load_scenario(tmp_path / "mid.yaml")
    call = meeting(mid, "leaders_call")
    assert call.date is None and call.trigger.above == 0.5
    assert call.trigger.not_before == mid.start
    last = tmp_path / "last.yaml"
    last.write_text("extends: mid\nname: last\nmeetings:\n  - {name: leaders_call, date: "
                    "2025-06-01}\n")
    call = meeting(load_scenario(last), "leaders_call")
    assert call.trigger is None and call.date == dt.date(2025, 6, 1)


def test_deep_merge_of_mappings(tmp_path):
    base = load_scenario(BASELINE)
    s = load_scenario(child(tmp_path, "extends: baseline.yaml\nname: x\nactors:\n  us:\n"
                            "    behaviour: {patience: 0.9}\n    levers:\n"
                            "      tariff_on_china: {initial: 100}\n"))
    assert s.actors["us"].behaviour["patience"] == 0.9
    assert s.actors["us"].behaviour["compliance"] == base.actors["us"].behaviour["compliance"]
    lever = next(lv for lv in s.levers if lv.id == "us.tariff_on_china")
    assert lever.initial == 100 and lever.max == 200 and lever.source.startswith("source:")
    assert s.actors["china"] == base.actors["china"]


def test_child_preset_beats_parent_values(tmp_path):
    s = load_scenario(SCENARIOS / "hawkish_us.yaml")
    b = s.actors["us"].behaviour
    hawk = PRESETS["hawk"].values
    assert b["preset"] == "hawk"
    assert "goodwill" not in b and "restraint" not in b  # parent's values give way to the preset
    assert b["concession"] == 0.1 and b["resolve"] == 0.3  # the child's own values win
    assert b["patience"] == 0.3  # not in the preset: kept from the parent
    drawn = make_behaviour(b, random.Random(1))
    assert drawn.goodwill == hawk["goodwill"] and drawn.restraint == hawk["restraint"]


def test_distribution_is_replaced_not_merged(tmp_path):
    s = load_scenario(child(tmp_path, "extends: baseline\nname: x\nactors:\n  us:\n"
                            "    constituencies:\n      manufacturers:\n"
                            "        stock_days: {normal: [50, 5]}\n"))
    spec = next(k for k in s.actors["us"].constituencies if k.id == "us.manufacturers")
    assert spec.params.stock_days == Draw("normal", (50, 5))


def test_extends_chain_and_hash(tmp_path):
    file = child(tmp_path, "extends: baseline\nname: x\n")
    s = load_scenario(file)
    base = load_scenario(BASELINE)
    assert base.sha256 == hashlib.sha256(BASELINE.read_bytes()).hexdigest()
    assert s.sha256 != base.sha256
    (tmp_path / "baseline.yaml").write_text(copy_of_baseline() + "\n# changed\n")
    assert load_scenario(file).sha256 != s.sha256


def test_every_counterfactual_extends_a_shipped_scenario_and_states_its_question():
    files = [f for f in SCENARIOS.glob("*.yaml") if f.name != "baseline.yaml"]
    assert len(files) >= 7
    for file in files:
        text = file.read_text()
        assert text.startswith("# Question: "), file.name
        if not re.search(r"^extends:", text, re.M):
            continue  # an episode of its own (escalation_from_peace), not a counterfactual
        parent = re.search(r"^extends: (\w+)(\.yaml)?$", text, re.M)
        assert parent and (SCENARIOS / f"{parent.group(1)}.yaml").is_file(), file.name
        assert load_scenario(file).name == file.stem


# --- schema, README, validator agree ----------------------------------------------------------

def test_schema_is_valid_draft_2020_12():
    jsonschema.Draft202012Validator.check_schema(json_schema())


def test_readme_documents_exactly_the_schema_keys():
    text = README.read_text()
    section = text.split("\n## Every key\n", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"^\| `([^`]+)` \|", section, re.M))
    keys = schema_paths()
    assert keys - documented == set(), "keys missing from scenarios/README.md"
    assert documented - keys == set(), "README documents keys the schema does not have"
    for kind in DISTRIBUTIONS:
        assert f"`{kind}`" in README.read_text()


def test_readme_key_table_is_the_one_the_models_generate():
    text = README.read_text()
    assert text == readme_with_table(text), (
        "the key table in scenarios/README.md is out of date; regenerate it with "
        "`.venv/bin/python -m sim.scenario.schema --write`")


def _as_json(data):
    return json.loads(json.dumps(data, default=str))


def _raw(file: Path):
    return _as_json(yaml.safe_load(file.read_text()))


def test_schema_accepts_every_scenario_file():
    validator = jsonschema.Draft202012Validator(json_schema())
    for file in SCENARIOS.glob("*.yaml"):
        errors = list(validator.iter_errors(_raw(file)))
        assert not errors, f"{file.name}: {errors[0].message}"
    # and the merged data the validator produced
    for file in SCENARIOS.glob("*.yaml"):
        assert not list(validator.iter_errors(_as_json(load_scenario(file).data)))


SHAPE_MISTAKES = ["unknown_top_key", "unknown_behaviour_key", "wrong_type", "out_of_range",
                  "preset_typo", "kind_typo", "not_whole_number", "shock_change_range",
                  "meetings_not_list", "remove_not_true", "unknown_actor_key",
                  "bad_name", "missing_required_top",
                  "remove_without_extends", "date_and_trigger"]


@pytest.mark.parametrize("name", SHAPE_MISTAKES)
def test_schema_rejects_what_the_validator_rejects_for_shape(name):
    validator = jsonschema.Draft202012Validator(json_schema())
    assert list(validator.iter_errors(_raw(CORPUS / f"{name}.yaml"))), name
    with pytest.raises(ScenarioError):
        load_scenario(CORPUS / f"{name}.yaml")


def test_sim_schema_prints_the_schema(capsys):
    assert main(["schema"]) == 0
    assert json.loads(capsys.readouterr().out) == json_schema()


# --- scenario_from_data and apply_overrides --------------------------------------------------

def test_scenario_from_data_round_trip_and_text_dates():
    base = load_scenario(BASELINE)
    again = scenario_from_data(copy.deepcopy(base.data))
    assert again.actors == base.actors and again.meetings == base.meetings
    data = _as_json(base.data)  # dates as text, as a web page sends them
    assert scenario_from_data(data).meetings == base.meetings


def test_scenario_from_data_errors_name_the_key():
    data = copy.deepcopy(load_scenario(BASELINE).data)
    data["actors"]["us"]["behaviour"]["patience"] = float("nan")
    with pytest.raises(ScenarioError) as info:
        scenario_from_data(data)
    assert info.value.path == ("actors", "us", "behaviour", "patience")
    assert "finite" in str(info.value)
    data = copy.deepcopy(load_scenario(BASELINE).data)
    data["meetings"][0]["date"] = "2025-02-30"
    with pytest.raises(ScenarioError, match="expected a date"):
        scenario_from_data(data)


def test_apply_overrides():
    base = load_scenario(BASELINE)
    s = apply_overrides(base, {"actors.us.behaviour.patience": 0.8,
                               "meetings.leaders_call.date": dt.date(2025, 6, 20),
                               "actors.us.priorities.china.tariff_on_us": 0.9})
    assert s.actors["us"].behaviour["patience"] == 0.8
    assert s.actors["us"].priorities["china.tariff_on_us"] == 0.9
    assert [m.name for m in s.meetings] == ["geneva", "london", "leaders_call"]
    assert s.sha256 and s.sha256 != base.sha256
    assert base.actors["us"].behaviour["patience"] == 0.3  # the original is untouched
    gone = apply_overrides(base, {"meetings.leaders_call": None})
    assert [m.name for m in gone.meetings] == ["geneva", "london"]
    added = apply_overrides(base, {"shocks.selloff": {"date": "2025-05-05", "change": -0.1,
                                                      "target": "us.stock_market"}})
    assert added.shocks[0].name == "selloff"


def test_apply_overrides_errors():
    base = load_scenario(BASELINE)
    with pytest.raises(ScenarioError, match="between|from 0 to 1"):
        apply_overrides(base, {"actors.us.behaviour.patience": 2})
    with pytest.raises(ScenarioError, match="did you mean `leaders_call`"):
        apply_overrides(base, {"meetings.leader_call.date": dt.date(2025, 6, 1)})
    with pytest.raises(ScenarioError, match="did you mean `behaviour`"):
        apply_overrides(base, {"actors.us.behavior.patience": 0.5})


# --- sim new ------------------------------------------------------------------------------------

def test_sim_new_writes_a_valid_commented_scenario(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    file = tmp_path / "my_scenario.yaml"
    assert main(["new", str(file), "--from", "baseline"]) == 0
    text = file.read_text()
    assert main(["check", str(file)]) == 0
    s = load_scenario(file)
    assert s.name == "my_scenario"
    assert s.actors == load_scenario(BASELINE).actors  # changes nothing until edited
    commented = "\n".join(line for line in text.splitlines() if line.startswith("#"))
    for path in schema_paths():
        leaf = path.split(".")[-1].replace("[]", "")
        if not leaf.startswith("<"):
            assert f"{leaf}:" in text, f"`sim new` shows no example of {path}"
    assert "remove: true" in commented and "trigger:" in commented
    for name in PRESETS:
        assert name in commented


def test_sim_new_refuses_to_overwrite(tmp_path, capsys):
    file = tmp_path / "taken.yaml"
    file.write_text("keep me\n")
    assert main(["new", str(file)]) == 2
    assert "never overwrites" in capsys.readouterr().err
    assert file.read_text() == "keep me\n"
    assert list(tmp_path.iterdir()) == [file]


def test_sim_new_unknown_base(tmp_path, capsys):
    assert main(["new", str(tmp_path / "x.yaml"), "--from", "basline"]) == 2
    assert "did you mean `baseline`" in capsys.readouterr().err
    assert not (tmp_path / "x.yaml").exists()


# --- record: and version: ---------------------------------------------------------------------

def test_record_is_relative_to_the_file_that_names_it_and_inherited(tmp_path):
    record = (SCENARIOS / "record" / "us_china_2025.yaml").resolve()
    assert load_scenario(BASELINE).record_file.resolve() == record
    assert load_scenario(SCENARIOS / "no_call.yaml").record_file.resolve() == record
    mine = tmp_path / "mine"
    mine.mkdir()
    file = mine / "c.yaml"  # in another folder than its parent: the parent's record still holds
    file.write_text(f"extends: {os.path.relpath(BASELINE, mine)}\nname: c\n")
    s = load_scenario(file)
    assert s.record_file.resolve() == record
    assert apply_overrides(s, {"seed": 3}).record_file.resolve() == record
    (mine / "other.yaml").write_text("observations: []\n")
    file.write_text(file.read_text() + "record: other.yaml\n")
    assert load_scenario(file).record_file == mine / "other.yaml"


def test_a_scenario_without_record_names_none(tmp_path):
    file = tmp_path / "plain.yaml"
    file.write_text("\n".join(line for line in BASELINE.read_text().splitlines()
                              if not line.startswith("record:")))
    assert load_scenario(file).record_file is None


def test_a_record_that_is_not_there_is_refused_at_its_line(tmp_path, capsys):
    file = child(tmp_path, "extends: baseline\nname: x\nrecord: nowhere.yaml\n")
    assert load_scenario(file, check_record=False).record_file == tmp_path / "nowhere.yaml"
    assert main(["check", str(file)]) == 2
    err = capsys.readouterr().err
    assert f"{file}:3:1 at `record`: the record file `nowhere.yaml` does not exist" in err


def test_version_names_the_language(tmp_path, capsys):
    assert load_scenario(child(tmp_path, "extends: baseline\nname: x\nversion: 1\n")).name == "x"
    file = child(tmp_path, "extends: baseline\nname: x\nversion: 2\n", "v2.yaml")
    assert main(["check", str(file)]) == 2
    assert "at `version`: expected one of 1, found `2`" in capsys.readouterr().err

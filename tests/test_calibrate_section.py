"""The `calibrate:` section: priors in the scenario file, checked with lines, inherited through
`extends`; the calibrated scenario carries the posterior's uncertainty into later runs."""

from __future__ import annotations

import random

import pytest

from sim.cli import main
from sim.engine.behaviour import make_behaviour
from sim.errors import ScenarioError
from sim.experiments import posterior, priors
from sim.scenario.bundled import scenarios_dir
from sim.scenario.language import load_scenario

BASELINE = scenarios_dir() / "baseline.yaml"
PATIENCE = "actors.us.behaviour.patience"


def _write(tmp_path, name: str, body: str):
    path = tmp_path / name
    path.write_text(f"extends: {BASELINE}\nname: {path.stem}\n{body}")
    return path


def test_section_narrows_fixes_adds_and_picks(tmp_path):
    base = load_scenario(BASELINE)
    free = {p.key: p for p in priors.free_values(base)}
    other = next(k for k in free if k != PATIENCE)
    documented = next(f"actors.{lv.actor}.levers.{lv.name}.initial" for lv in base.levers
                      if not lv.source.startswith("assumption"))
    lever = next(lv for lv in base.levers if documented.endswith(f".{lv.name}.initial"))
    path = _write(tmp_path, "c.yaml", f"calibrate:\n  priors:\n    {PATIENCE}: [0.2, 0.6]\n"
                  f"    {other}: fixed\n    {documented}: [{lever.min}, {lever.max}]\n")
    got = {p.key: p for p in priors.scenario_priors(load_scenario(path))}
    assert (got[PATIENCE].low, got[PATIENCE].high) == (0.2, 0.6)
    assert other not in got and documented in got and documented not in free
    assert len(got) == len(free)  # one fixed, one added
    child = tmp_path / "child.yaml"  # inherited through extends, `only` picks
    child.write_text(f"extends: c.yaml\nname: child\ncalibrate:\n  only: [{PATIENCE}]\n")
    got = priors.scenario_priors(load_scenario(child))
    assert [(p.key, p.low, p.high) for p in got] == [(PATIENCE, 0.2, 0.6)]


@pytest.mark.parametrize(("body", "line", "words"), [
    (f"calibrate:\n  priors:\n    {PATIENCE}x: [0.1, 0.2]\n", 5, "did you mean"),
    (f"calibrate:\n  priors:\n    {PATIENCE}: [0.1, 1.5]\n", 5, "documented range 0 to 1"),
    (f"calibrate:\n  priors:\n    {PATIENCE}: [0.5, 0.2]\n", 5, "low < high"),
    (f"calibrate:\n  priors:\n    {PATIENCE}: wide\n", 5, "`[low, high]` or `fixed`"),
    ("calibrate:\n  only: [actors.us.nothing]\n", 4, "not a value `sim calibrate` can"),
    ("calibrate:\n  prior: {}\n", 4, "did you mean `priors`"),
])
def test_bad_sections_name_file_line_and_key(tmp_path, capsys, body, line, words):
    path = _write(tmp_path, "bad.yaml", body)
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    assert f"bad.yaml:{line}:" in str(err.value) and words in str(err.value)
    assert main(["check", str(path)]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_calibrated_scenario_extends_and_carries_uncertainty(tmp_path):
    base = load_scenario(BASELINE)
    free = priors.free_values(base)
    rows = [{"key": p.key, "posterior_mean": (p.low + p.high) / 2,
             "posterior_sd": (p.high - p.low) / 10} for p in free]
    path = tmp_path / "calibrated.yaml"
    path.write_text(posterior.calibrated_yaml(BASELINE, rows, None, tmp_path, "pyabc"))
    assert "extends:" in path.read_text() and "pyabc" in path.read_text()
    calibrated = load_scenario(path)
    spec = calibrated.actors["us"].behaviour
    assert spec["patience"] == {"normal": [0.5, 0.1]}
    draws = {make_behaviour(spec, random.Random(seed)).patience for seed in range(5)}
    assert len(draws) == 5  # each run draws its own value: runs carry parameter uncertainty
    # calibrating the calibrated scenario again: its distributions are no longer free values
    assert PATIENCE not in {p.key for p in priors.scenario_priors(calibrated)}

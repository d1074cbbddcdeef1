"""Principle 1, tested by behaviour: the documented record is never an input to the model.

A tampered record (values changed, dates shifted, observations removed) must leave every output of
the simulation itself byte-identical, through a single run and through an ensemble; only the
scoring may change. And while the model is built and stepped, no record file is opened at all.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from sim.cli import main
from sim.record import documents, lookup, reader
from sim.record.reader import load_record
from sim.scenario import bundled
from sim.scenario.language import load_scenario

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "scenarios" / "baseline.yaml"
RECORD = documents.DEFAULT_PATH


def _shift(value: object, days: int) -> object:
    return value + dt.timedelta(days=days) if isinstance(value, dt.date) else value


def tampered_record(folder: Path) -> Path:
    """A copy of the shipped scenarios whose record has every number changed, every date moved
    three days later and every third observation and move removed; it still loads."""
    data = yaml.safe_load(RECORD.read_text(encoding="utf-8"))
    kept = []
    for k, obs in enumerate(data["observations"]):
        if k % 3 == 2:
            continue
        for key in ("date", "from", "to"):
            if key in obs:
                obs[key] = _shift(obs[key], 3)
        for key in ("value", "above", "below"):
            if isinstance(obs.get(key), int | float) and not isinstance(obs[key], bool):
                obs[key] = obs[key] * 0.5 + 1
        if "direction" in obs:
            obs["direction"] = {"up": "down", "down": "up"}.get(obs["direction"], "flat")
        kept.append(obs)
    data["observations"] = kept
    moves = []
    for k, move in enumerate(data["moves"]):
        if k % 3 == 2:
            continue
        move["window"] = {key: _shift(v, 3) for key, v in move["window"].items()}
        if "size" in move:
            move["size"] = move["size"] * 0.5
        moves.append(move)
    data["moves"] = moves
    # a copy of the scenarios folder, with the tampered record in place of the shipped one
    shutil.copytree(RECORD.parent.parent, folder / "scenarios")
    path = folder / "scenarios" / "record" / RECORD.name
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture
def tampered(tmp_path) -> Path:
    path = tampered_record(tmp_path / "copy")
    original, changed = load_record(), load_record(path)
    assert len(changed.observations) < len(original.observations)
    assert len(changed.moves) < len(original.moves)
    return path


def _use_record(monkeypatch, path: Path) -> None:
    """Make every lookup of the shipped record read ``path``: ``load_record()`` with no path,
    the default path and the shipped-scenarios folder (``path`` sits in a copy of it)."""
    monkeypatch.setattr(reader, "DEFAULT_PATH", path)
    monkeypatch.setattr(documents, "DEFAULT_PATH", path)
    monkeypatch.setattr(bundled, "scenarios_dir", lambda: path.parent.parent)
    assert load_record().file == path == bundled.default_record_path()
    # the copied baseline names its record (`record:`), so it is scored against the tampered one
    copy = path.parent.parent / BASELINE.name
    assert lookup.record_path(load_scenario(copy)) == path  # what runs are scored against


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _run_both(args: list[str], tmp_path: Path, tampered: Path, monkeypatch) -> tuple[dict, dict]:
    honest, other = tmp_path / "honest", tmp_path / "tampered"
    assert main([*args, "--out", str(honest)]) == 0
    _use_record(monkeypatch, tampered)
    copy = str(tampered.parent.parent / BASELINE.name)
    assert main([copy if a == str(BASELINE) else a for a in args] + ["--out", str(other)]) == 0
    return _files(honest), _files(other)


def test_a_tampered_record_leaves_a_single_run_byte_identical(tmp_path, tampered, monkeypatch,
                                                               capsys):
    honest, other = _run_both(["run", str(BASELINE), "--seed", "3", "--no-plots"], tmp_path,
                              tampered, monkeypatch)
    for name in ("timeline.csv", "events.csv"):
        assert honest[name] == other[name], name
    assert honest["scorecard.csv"] != other["scorecard.csv"]  # the tampered record was used


def test_a_tampered_record_leaves_an_ensemble_byte_identical(tmp_path, tampered, monkeypatch,
                                                            capsys):
    honest, other = _run_both(["run", str(BASELINE), "--runs", "4", "--timelines", "--no-plots"],
                              tmp_path, tampered, monkeypatch)
    runs = [n for n in honest if n.startswith("timelines/")]
    assert len(runs) == 8  # a timeline and an events file per run
    # each run's own files, and the aggregates of what the model did (not of its score)
    for name in [*runs, "ensemble.csv", "status.csv"]:
        assert honest[name] == other[name], name
    # every run's seed and outcomes, except its fit to the record
    tables = [list(csv.DictReader(io.StringIO(f["runs.csv"].decode()))) for f in (honest, other)]
    assert [r.pop("fit") for r in tables[0]] != [r.pop("fit") for r in tables[1]]
    assert tables[0] == tables[1]
    assert honest["scorecard.csv"] != other["scorecard.csv"]


WATCH = r"""
import json, sys
from pathlib import Path
from sim.engine.model import NegotiationModel
from sim.cli import main

record_dir = Path(sys.argv[1]).resolve()
opened = {"during": [], "outside": []}
state = {"in_model": 0}

def hook(event, args):
    if event == "open" and args and isinstance(args[0], (str, bytes, Path)):
        path = Path(args[0].decode() if isinstance(args[0], bytes) else args[0])
        if record_dir in path.resolve().parents:
            opened["during" if state["in_model"] else "outside"].append(str(path))

def watched(method):
    def inner(*a, **k):
        state["in_model"] += 1
        try:
            return method(*a, **k)
        finally:
            state["in_model"] -= 1
    return inner

NegotiationModel.__init__ = watched(NegotiationModel.__init__)
NegotiationModel.step = watched(NegotiationModel.step)
sys.addaudithook(hook)
code = main(sys.argv[2:])
print(json.dumps({"code": code, **opened}))
"""


@pytest.mark.slow
@pytest.mark.parametrize("extra", [[], ["--runs", "3"]], ids=["single run", "ensemble"])
def test_no_record_file_is_opened_while_the_model_runs(tmp_path, extra):
    """In a fresh process (audit hooks cannot be removed): every file opened under the record's
    folder while a model is being built or stepped is a failure; the scoring's own reading of the
    record, outside the model, shows that the watch works."""
    args = ["run", str(BASELINE), "--no-plots", "--out", str(tmp_path / "out"), *extra]
    done = subprocess.run([sys.executable, "-c", WATCH, str(RECORD.parent), *args],
                          capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["code"] == 0
    assert report["during"] == []
    assert any(Path(p).name == RECORD.name for p in report["outside"])

"""A scenario author with only the docs: shipped names in `extends`, portable `sim new`, a new
dispute from `sim new --dispute`, and `sim check` checking the record a scenario names."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sim.cli import main
from sim.scenario.language import load_scenario

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "scenarios" / "baseline.yaml"


def write(folder: Path, name: str, text: str) -> Path:
    file = folder / name
    file.write_text(text, encoding="utf-8")
    return file


# --- shipped names in `extends` -----------------------------------------------------------------

@pytest.mark.parametrize("written", ["baseline", "baseline.yaml"])
def test_extends_a_shipped_name_from_any_folder(tmp_path, monkeypatch, written):
    monkeypatch.chdir(tmp_path)  # nowhere near the repository's scenarios/
    file = write(tmp_path, "mine.yaml", f"extends: {written}\nname: mine\nseed: 7\n")
    mine, base = load_scenario(file), load_scenario(BASELINE)
    assert mine.actors == base.actors and mine.seed == 7
    assert mine.record_file.resolve() == base.record_file.resolve()  # inherited, still found


def test_a_file_beside_it_comes_before_the_shipped_scenario(tmp_path):
    text = BASELINE.read_text().replace("name: baseline", "name: local_base")
    text = text.replace("record: record/us_china_2025.yaml", "")
    write(tmp_path, "baseline.yaml", text)
    mine = load_scenario(write(tmp_path, "mine.yaml", "extends: baseline\nname: mine\n"))
    assert mine.record_file is None  # the local parent (no record), not the shipped one


def test_an_unknown_bare_name_lists_the_shipped_ones(tmp_path, capsys):
    file = write(tmp_path, "mine.yaml", "extends: baselin\nname: mine\n")
    assert main(["check", str(file)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"{file}:1:1 at `extends`" in err
    assert "did you mean `baseline`" in err and "no_call" in err


# --- sim new writes portable references -----------------------------------------------------------

def test_sim_new_names_a_shipped_base_by_its_name_and_survives_a_move(tmp_path, capsys,
                                                                       monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["new", "mine.yaml", "--from", "no_call"]) == 0
    assert "extends no_call" in capsys.readouterr().out
    text = (tmp_path / "mine.yaml").read_text()
    assert "\nextends: no_call\n" in text
    assert str(ROOT) not in text and "site-packages" not in text  # no path into the install
    elsewhere = tmp_path / "a" / "b"
    elsewhere.mkdir(parents=True)
    moved = Path(shutil.move(tmp_path / "mine.yaml", elsewhere / "mine.yaml"))
    assert main(["check", str(moved)]) == 0


def test_sim_new_from_a_local_file_writes_a_relative_path(tmp_path, capsys):
    parent = write(tmp_path, "parent.yaml", "extends: baseline\nname: parent\n")
    sub = tmp_path / "sub"
    sub.mkdir()
    assert main(["new", str(sub / "child.yaml"), "--from", str(parent)]) == 0
    assert "\nextends: ../parent.yaml\n" in (sub / "child.yaml").read_text()
    assert main(["check", str(sub / "child.yaml")]) == 0

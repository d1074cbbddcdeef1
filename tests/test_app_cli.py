"""`sim app` misused: its extra missing, a side named in another case or not at all."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from sim.cli.app import install_hint

ROOT = Path(__file__).resolve().parent.parent
BLOCK_SOLARA = ("import sys; sys.modules['solara'] = None; from sim.cli import main; "
                "sys.exit(main(sys.argv[1:]))")


def _one_line_error(done: subprocess.CompletedProcess) -> str:
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    return lines[0]


def test_the_missing_extra_is_named_with_the_command_for_this_install():
    done = subprocess.run([sys.executable, "-c", BLOCK_SOLARA, "app"], text=True,
                          capture_output=True, cwd=ROOT, timeout=120)
    line = _one_line_error(done)
    assert "`app` extra (solara is missing)" in line
    assert f"{sys.executable} -m pip install -e '{ROOT}[app]'" in line  # this is a checkout


def test_a_wheel_install_is_told_to_install_the_extra_from_the_index(tmp_path):
    site = tmp_path / "site-packages" / "sim"  # no pyproject.toml beside it: a wheel
    site.mkdir(parents=True)
    assert install_hint(site, "python3") == "python3 -m pip install 'negotiation-sim[app]'"
    assert ".venv" not in install_hint(site, "python3")
    checkout = tmp_path / "repo"
    (checkout / "sim").mkdir(parents=True)
    (checkout / "pyproject.toml").write_text("[project]\n")
    assert install_hint(checkout / "sim", "py") == f"py -m pip install -e '{checkout}[app]'"


def test_the_played_side_is_taken_in_any_case(monkeypatch):
    import sim.views.app as app
    from sim.cli import main
    seen = {}
    monkeypatch.setattr(app, "serve", lambda args: seen.setdefault("play", args.play) and 0)
    assert main(["app", "--play", "China"]) == 0 and seen["play"] == "china"


@pytest.mark.slow  # a `sim app` subprocess (about 2 s)
def test_an_unknown_side_is_one_line_naming_the_sides():
    bad = subprocess.run([sys.executable, "-m", "sim", "app", "--play", "Mars"], text=True,
                         capture_output=True, cwd=ROOT, timeout=120)
    assert "`Mars` is not a side" in _one_line_error(bad) and "china" in bad.stderr


def test_a_shipped_scenario_is_opened_by_its_name_from_any_folder(monkeypatch, tmp_path):
    import sim.views.app as app
    from sim.cli import main
    seen = {}
    monkeypatch.chdir(tmp_path)  # no scenarios/ folder here
    monkeypatch.setattr(app, "serve", lambda args: seen.setdefault("scenario", args.scenario)
                        and 0)
    assert main(["app", "--scenario", "semiconductors_2023", "--play", "japan"]) == 0
    assert seen["scenario"].name == "semiconductors_2023.yaml" and seen["scenario"].is_file()
    bad = subprocess.run([sys.executable, "-m", "sim", "app", "--scenario", "nosuch"],
                         text=True, capture_output=True, cwd=tmp_path, timeout=120)
    assert "no shipped scenario of that name" in _one_line_error(bad)

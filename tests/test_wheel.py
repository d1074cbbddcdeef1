"""The wheel works anywhere: built from this tree, installed into a fresh virtual environment
outside the clone, and used from an empty folder (shipped scenarios by name, `sim record`,
`sim new`, the README's Python example).

To stay quick and offline, the fresh environment sees this environment's installed dependencies
through a .pth line (mesa, numpy, ...) and the wheel is installed with --no-deps; ``sim`` itself
comes only from the wheel (a test checks where it is imported from)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ["pyproject.toml", "README.md", "sim", "scenarios", "docs/about.md"]


def readme_python_example() -> str:
    """The code block of the README's "Use from Python" section."""
    text = (ROOT / "README.md").read_text()
    section = text.split("## Use from Python", 1)[1]
    return re.search(r"```python\n(.+?)```", section, re.S).group(1)


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> dict:
    base = tmp_path_factory.mktemp("wheel")
    src = base / "src"
    for name in SOURCES:  # a copy: the build leaves nothing in the clone
        target = src / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, target, symlinks=True,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(ROOT / name, target)
    dist = base / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(dist), str(src)], check=True, capture_output=True)
    wheel, = dist.glob("negotiation_sim-*.whl")
    env_dir = base / "env"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()"
                           "['purelib'])"], check=True, capture_output=True, text=True)
    # Dependencies from this environment; a plain path line does not run its .pth files, so
    # this environment's editable `sim` stays invisible there.
    (Path(site.stdout.strip()) / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install",
                    "--no-deps", "-q", str(wheel)], check=True, capture_output=True)
    empty = base / "empty"
    empty.mkdir()
    return {"python": python, "sim": env_dir / "bin" / "sim", "cwd": empty, "env": env_dir}


def run(installed: dict, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return subprocess.run([str(a) for a in args], cwd=installed["cwd"], env=env,
                          capture_output=True, text=True, timeout=300)


def test_sim_is_imported_from_the_wheel_with_its_version(installed):
    done = run(installed, installed["python"], "-c",
               "import sim; print(sim.__version__); print(sim.__file__)")
    version, file = done.stdout.split()
    assert done.returncode == 0, done.stderr
    assert version == __import__("sim").__version__
    assert Path(file).is_relative_to(installed["env"])
    assert run(installed, installed["sim"], "--version").stdout.strip() == f"sim {version}"


def test_a_shipped_scenario_runs_by_name_from_an_empty_folder(installed):
    done = run(installed, installed["sim"], "run", "baseline", "--out", "r")
    assert done.returncode == 0, done.stderr
    written = {p.name for p in (installed["cwd"] / "r").iterdir()}
    assert {"timeline.csv", "events.csv", "manifest.json", "scorecard.csv", "report.html",
            "overview.png", "scorecard.png"} <= written
    assert "fit " in done.stdout


def test_the_wheel_scores_a_shipped_episode_as_the_clone_does(installed):
    """The shipped records' trade series and calibration files are in the wheel: a run of the
    trade war from an empty folder prints the same fit and series lines as in the clone."""
    done = run(installed, installed["sim"], "run", "trade_war_2018", "--no-plots", "--out", "tw")
    assert done.returncode == 0, done.stderr
    here = subprocess.run([sys.executable, "-m", "sim", "run", "trade_war_2018", "--no-plots",
                           "--out", str(installed["cwd"].parent / "tw-clone")],
                          capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert "US imports from China:" in done.stdout
    assert [line for line in done.stdout.splitlines() if "fit" in line or "within" in line] == \
        [line for line in here.stdout.splitlines() if "fit" in line or "within" in line]
    shipped = run(installed, installed["python"], "-c", "import importlib.resources as r; "
                  "print((r.files('sim.scenario') / 'shipped' / 'calibration' / "
                  "'us_china.yaml').is_file())")
    assert shipped.stdout.strip() == "True", shipped.stderr


def test_an_ensemble_runs_by_name(installed):
    done = run(installed, installed["sim"], "run", "baseline", "--runs", "20", "--no-plots",
               "--out", "ens")
    assert done.returncode == 0, done.stderr
    assert "20 runs" in done.stdout and (installed["cwd"] / "ens" / "runs.csv").exists()


def test_record_list_and_new_work_outside_the_clone(installed):
    record = run(installed, installed["sim"], "record")
    assert record.returncode == 0 and "Geneva" in record.stdout, record.stderr
    listing = run(installed, installed["sim"], "list")
    assert listing.returncode == 0 and "no_call" in listing.stdout
    new = run(installed, installed["sim"], "new", "mine.yaml", "--from", "no_call")
    assert new.returncode == 0, new.stderr
    mine = run(installed, installed["sim"], "run", "./mine.yaml", "--no-plots", "--out", "m")
    assert mine.returncode == 0, mine.stderr


def test_the_readme_python_example_runs_against_the_wheel(installed):
    done = run(installed, installed["python"], "-c", readme_python_example())
    assert done.returncode == 0, done.stderr
    assert "patient_us" in done.stdout and (installed["cwd"] / "levers.png").exists()


def test_extends_a_shipped_name_from_an_empty_folder(installed):
    folder = installed["cwd"] / "author"
    folder.mkdir()
    (folder / "mine.yaml").write_text("extends: baseline\nname: mine\nseed: 3\n")
    check = run(installed, installed["sim"], "check", "author/mine.yaml")
    assert check.returncode == 0 and "ok" in check.stdout, check.stderr
    done = run(installed, installed["sim"], "run", "author/mine.yaml", "--no-plots", "--out",
               "mine_run")
    assert done.returncode == 0, done.stderr
    assert "fit " in done.stdout  # the shipped record, inherited, found inside the install


def test_sim_new_writes_a_portable_reference_in_a_wheel(installed):
    new = run(installed, installed["sim"], "new", "portable.yaml")
    assert new.returncode == 0, new.stderr
    text = (installed["cwd"] / "portable.yaml").read_text()
    assert "\nextends: baseline\n" in text and "site-packages" not in text


def test_a_new_dispute_is_written_checked_and_run_from_the_wheel(installed):
    folder = installed["cwd"] / "dispute"
    folder.mkdir()
    new = run(installed, installed["sim"], "new", "dispute/steel.yaml", "--dispute", "steel",
              "--sides", "eu,us")
    assert new.returncode == 0, new.stderr
    assert (folder / "record" / "steel.yaml").is_file()
    check = run(installed, installed["sim"], "check", "dispute/steel.yaml")
    assert check.returncode == 0, check.stderr
    done = run(installed, installed["sim"], "run", "dispute/steel.yaml", "--no-plots", "--out",
               "steel_run")
    assert done.returncode == 0, done.stderr
    told = run(installed, installed["sim"], "explain", "steel_run", "--no-probe")
    assert told.returncode == 0, told.stderr
    assert "Why the run of steel" in told.stdout and "reservation" in told.stdout
    assert "NO AGREEMENT" not in told.stdout or " gap 0." in told.stdout  # the gap, in numbers

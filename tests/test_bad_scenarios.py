"""Every file in tests/bad_scenarios/ is a mistake a user could make. Each opens with
`# expect: <fragment>`: `sim check` must exit 2 with one paragraph on stderr holding that fragment
and a file:line, no traceback; `sim run` must write nothing."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from sim.cli import main
from sim.errors import ScenarioError
from sim.scenario.language import load_scenario

CORPUS = Path(__file__).parent / "bad_scenarios"
FILES = sorted(CORPUS.glob("*.yaml"))
BASELINE = Path(__file__).parent.parent / "scenarios" / "baseline.yaml"


def expected(file: Path) -> str:
    first = file.read_bytes().split(b"\n", 1)[0].decode()
    assert first.startswith("# expect: "), f"{file.name} must open with `# expect: ...`"
    return first.removeprefix("# expect: ").strip()


def test_corpus_is_large_enough():
    assert len(FILES) >= 25


@pytest.mark.parametrize("file", FILES, ids=[f.stem for f in FILES])
def test_check_reports_the_mistake(file: Path, capsys):
    code = main(["check", str(file)])
    out, err = capsys.readouterr()
    assert code == 2
    assert "ok" not in out
    assert expected(file) in err
    assert "Traceback" not in err
    assert err.count("\n") == 1, "one paragraph on one line"
    assert re.match(r"error: \S+\.yaml:\d+(:\d+)?[: ]", err), err


@pytest.mark.parametrize("file", FILES, ids=[f.stem for f in FILES])
def test_run_writes_nothing(file: Path, tmp_path: Path, capsys):
    out = tmp_path / "results" / "x"
    assert main(["run", str(file), "--out", str(out), "--no-plots"]) == 2
    assert not (tmp_path / "results").exists()
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.parametrize("file", FILES, ids=[f.stem for f in FILES])
def test_loader_raises_scenario_error(file: Path):
    with pytest.raises(ScenarioError):
        load_scenario(file)


def test_absurdly_large_file(tmp_path: Path, capsys):
    big = tmp_path / "big.yaml"
    big.write_text("name: big\n" + "# padding\n" * 150_000)
    assert main(["check", str(big)]) == 2
    assert "limited to 1,000,000 bytes" in capsys.readouterr().err


def test_deep_nesting(tmp_path: Path, capsys):
    deep = tmp_path / "deep.yaml"
    deep.write_text("name: " + "[" * 1500 + "]" * 1500 + "\n")  # past the recursion limit (1000)
    assert main(["check", str(deep)]) == 2
    err = capsys.readouterr().err
    assert "nested" in err and "Traceback" not in err


def test_missing_file(tmp_path: Path, capsys):
    assert main(["check", str(tmp_path / "nope.yaml")]) == 2
    assert "no such file" in capsys.readouterr().err


def _copy_of_baseline() -> str:
    """The baseline's text for a copy in another folder (its record named by full path)."""
    return BASELINE.read_text().replace("record: record/", f"record: {BASELINE.parent}/record/")


def test_error_in_parent_names_the_parent(tmp_path: Path):
    parent = tmp_path / "parent.yaml"
    parent.write_text(_copy_of_baseline().replace("      patience: 0.3", "      patience: 3.0"))
    child = tmp_path / "child.yaml"
    child.write_text("extends: parent\nname: child\n")
    line = next(i for i, text in enumerate(parent.read_text().splitlines(), 1)
                if "patience: 3.0" in text)
    with pytest.raises(ScenarioError) as info:
        load_scenario(child)
    assert Path(info.value.file).name == "parent.yaml"
    assert info.value.line == line
    assert f"parent.yaml:{line}:" in str(info.value)


def test_error_in_child_names_the_child(tmp_path: Path):
    parent = tmp_path / "parent.yaml"
    parent.write_text(_copy_of_baseline())
    child = tmp_path / "child.yaml"
    child.write_text("extends: parent.yaml\nname: child\nactors:\n  china:\n    behaviour:\n"
                     "      restraint: -1\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(child)
    assert Path(info.value.file).name == "child.yaml" and info.value.line == 6
    assert info.value.path == ("actors", "china", "behaviour", "restraint")


def test_several_files_report_each(capsys):
    code = main(["check", str(BASELINE), str(CORPUS / "nan.yaml"), str(CORPUS / "empty.yaml")])
    out, err = capsys.readouterr()
    assert code == 2
    assert out == f"ok  {BASELINE}\n"
    assert err.count("error:") == 2


def test_a_device_is_refused_before_it_is_read(capsys):
    # /dev/zero never ends: reading it first and measuring afterwards would fill the memory
    assert main(["check", "/dev/zero"]) == 2
    assert "this is a device, not a file to read" in capsys.readouterr().err


@pytest.mark.slow
def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path):
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    # a subprocess, so that a regression blocks it rather than the test run (no writer ever comes)
    done = subprocess.run([sys.executable, "-m", "sim", "check", str(fifo)], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 2
    assert "named pipe (FIFO)" in done.stderr


def test_one_crashing_file_does_not_stop_the_batch(monkeypatch, capsys):
    from sim.scenario import authoring
    real = authoring.load_scenario

    def flaky(file, **kwargs):
        if Path(file).name == "nan.yaml":
            raise RuntimeError("a bug")
        return real(file, **kwargs)

    monkeypatch.setattr(authoring, "load_scenario", flaky)
    code = main(["check", str(CORPUS / "nan.yaml"), str(BASELINE), str(CORPUS / "empty.yaml")])
    out, err = capsys.readouterr()
    assert code == 2
    assert out == f"ok  {BASELINE}\n"
    assert "nan.yaml: could not be checked (RuntimeError: a bug)" in err
    assert "the file is empty" in err


@pytest.mark.slow
def test_check_keeps_its_exit_code_through_a_closed_pipe():
    sim = Path(sys.executable).parent / "sim"
    line = (f"set -o pipefail; {sim} check {BASELINE} {BASELINE} {CORPUS / 'nan.yaml'} "
            f"2>/dev/null | head -c0")
    assert subprocess.run(["bash", "-c", line], timeout=120).returncode == 2

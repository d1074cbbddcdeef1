"""Sweeps: design specs, Latin hypercubes, common random numbers, rows streamed in cell order,
interrupted sweeps, the command's files and errors. Small designs only; nothing is timed."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np
import pytest

from sim.cli import main
from sim.errors import UserError
from sim.experiments import design as dz
from sim.experiments import sweep
from sim.experiments.executors import Workers
from sim.scenario.language import load_scenario

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "scenarios" / "baseline.yaml"
PATIENCE = "actors.us.behaviour.patience"
PRESSURE = "actors.china.behaviour.pressure_sensitivity"


@pytest.fixture(scope="module")
def baseline():
    return load_scenario(BASELINE)


@pytest.fixture(scope="module")
def plan(baseline):
    return sweep.make_cell_plan(baseline)


def run(plan, factors, cells, runs, jobs=1, **kw) -> tuple[str, sweep.SweepResult]:
    out = io.StringIO()
    with Workers(plan, jobs) as w:
        result = sweep.run_sweep(plan.base, factors, cells, runs, out, w, **kw)
    return out.getvalue(), result


def test_range_and_list_specs():
    f = dz.parse_factor(f"{PATIENCE}=0:1:5")
    assert f.values == (0.0, 0.25, 0.5, 0.75, 1.0) and (f.low, f.high) == (0.0, 1.0)
    g = dz.parse_factor("actors.china.behaviour.preset=hawk,dove")
    assert g.values == ("hawk", "dove") and not g.numeric
    h = dz.parse_factor("meetings.leaders_call=present,absent")
    assert h.override("present") == {} and h.override("absent") == {"meetings.leaders_call": None}
    assert dz.parse_factor("x=0.2,1,true").values == (0.2, 1, True)


@pytest.mark.parametrize("item", ["patience", "k=1:x:3", "k=0:1:2.5", "k=0:1:0", "k=a,a",
                                  "k=1:2:3:4"])
def test_bad_specs_are_one_paragraph_errors(item):
    with pytest.raises(UserError) as err:
        dz.parse_factor(item)
    assert "--vary" in str(err.value) and "\n" not in str(err.value).strip()


def test_latin_hypercube_puts_one_point_in_every_stratum():
    factors = [dz.parse_factor(f"{PATIENCE}=0:1:3"), dz.parse_factor(f"{PRESSURE}=0.2:0.6:2"),
               dz.parse_factor("actors.us.behaviour.preset=hawk,dove")]
    cells = dz.latin_hypercube(factors, 20, seed=7)
    assert cells == dz.latin_hypercube(factors, 20, seed=7)
    assert cells != dz.latin_hypercube(factors, 20, seed=8)
    for k, (low, high) in enumerate([(0.0, 1.0), (0.2, 0.6)]):
        strata = sorted(int((c[k] - low) / (high - low) * 20) for c in cells)
        assert strata == list(range(20)), k
    assert sorted(c[2] for c in cells) == ["dove"] * 10 + ["hawk"] * 10


def test_cells_use_common_seeds_and_the_varied_values(baseline, plan):
    """A cell whose override repeats the scenario's own value is the baseline, run for run."""
    own = baseline.actors["us"].behaviour["patience"]
    factors = [dz.parse_factor(f"{PATIENCE}={own},1.0")]
    _, result = run(plan, factors, dz.full_factorial(factors), 8)
    assert result.written == 2
    from sim.experiments.executors import run_ensemble

    ens = run_ensemble(baseline, 8)
    assert np.allclose(result.means[0], np.nanmean(ens.outcomes, axis=0), equal_nan=True)
    assert not np.allclose(result.means[0], result.means[1], equal_nan=True)


def test_rows_are_streamed_in_cell_order_as_cells_finish(plan, tmp_path):
    factors = [dz.parse_factor(f"{PATIENCE}=0:1:4")]
    path = tmp_path / "sweep.csv"
    seen = []
    with path.open("w") as stream, Workers(plan, 1) as w:
        def progress(done, total):
            seen.append((done, len(path.read_text().splitlines()) - 1))
        sweep.run_sweep(plan.base, factors, dz.full_factorial(factors), 10, stream, w,
                        progress=progress)
    # with one process, cell k's row is on disk as soon as its 10 runs are done
    assert seen == [(10, 1), (20, 2), (30, 3), (40, 4)]
    rows = list(csv.DictReader(path.open()))
    assert [r["cell"] for r in rows] == ["0", "1", "2", "3"]
    assert [r[PATIENCE] for r in rows] == ["0", "0.333333", "0.666667", "1"]


def test_parallel_sweep_is_byte_identical_to_serial(plan):
    factors = [dz.parse_factor(f"{PATIENCE}=0:1:2"),
               dz.parse_factor("meetings.leaders_call=present,absent")]
    cells = dz.full_factorial(factors)
    serial, _ = run(plan, factors, cells, 8, jobs=1)
    parallel, result = run(plan, factors, cells, 8, jobs=2)
    assert result.executor != "none"
    assert serial == parallel
    assert len(serial.splitlines()) == 1 + len(cells)


def test_interrupted_sweep_keeps_the_finished_cells(plan):
    factors = [dz.parse_factor(f"{PATIENCE}=0:1:5")]

    def stop(done, total):
        if done >= 20:
            raise KeyboardInterrupt

    text, result = run(plan, factors, dz.full_factorial(factors), 10, progress=stop)
    assert result.partial and result.written == 2
    assert len(text.splitlines()) == 3


def test_sweep_command_writes_csv_heatmap_and_manifest(tmp_path, capsys):
    out = tmp_path / "sw"
    code = main(["sweep", str(BASELINE), "--vary", f"{PATIENCE}=0:1:2", "--vary",
                 f"{PRESSURE}=0.2,0.8", "--runs", "3", "--outcome", "fit", "--out", str(out)])
    assert code == 0
    rows = list(csv.DictReader((out / "sweep.csv").open()))
    assert len(rows) == 4 and {PATIENCE, PRESSURE, "fit.mean", "fit.p10", "fit.p90",
                               "agreement.london.mean", "agreement.london.se"} <= set(rows[0])
    assert (out / "sweep-fit.png").stat().st_size > 10_000
    info = json.loads((out / "manifest.json").read_text())["sweep"]
    assert info["cells"] == 4 and info["runs_per_cell"] == 3 and not info["partial"]
    assert "US patience" in capsys.readouterr().out


@pytest.mark.parametrize("vary", [[f"{PATIENCE}=0:1:3"],
                                  [f"{PATIENCE}=0:1:2", f"{PRESSURE}=0:1:2",
                                   "actors.china.behaviour.preset=hawk,dove"]])
def test_one_key_and_three_keys_draw_lines(tmp_path, vary):
    out = tmp_path / "sw"
    args = ["sweep", str(BASELINE), "--runs", "2", "--outcome", "agreement.london",
            "--out", str(out)]
    for v in vary:
        args += ["--vary", v]
    assert main(args) == 0
    assert (out / "sweep-agreement.london.png").exists()


def test_latin_hypercube_command(tmp_path):
    out = tmp_path / "lhs"
    assert main(["sweep", str(BASELINE), "--vary", f"{PATIENCE}=0:1", "--vary",
                 f"{PRESSURE}=0:1", "--design", "lhs", "--samples", "6", "--runs", "2",
                 "--outcome", "fit", "--out", str(out)]) == 0
    assert len((out / "sweep.csv").read_text().splitlines()) == 7


@pytest.mark.parametrize("vary, says", [
    ("actors.us.behaviour.patiense=0:1:3", "patiense"),
    ("actors.us.behaviour.preset=hawk,falcon", "falcon"),
    ("actors.us.behaviour.patience", "KEY=SPEC")])
def test_bad_keys_and_values_fail_before_any_run(tmp_path, capsys, vary, says):
    out = tmp_path / "bad"
    assert main(["sweep", str(BASELINE), "--vary", vary, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert says in err and "Traceback" not in err
    assert not out.exists()


def test_unknown_outcome_is_named(tmp_path, capsys):
    assert main(["sweep", str(BASELINE), "--vary", f"{PATIENCE}=0:1:2", "--outcome", "nope",
                 "--out", str(tmp_path / "x")]) == 2
    assert "nope" in capsys.readouterr().err


def test_calibration_runs_on_the_executors_with_the_same_table():
    from sim.experiments import calibration

    grid = {PATIENCE: [0.2, 0.6]}
    serial = calibration.sweep(BASELINE, grid, 3, jobs=1)
    assert calibration.sweep(BASELINE, grid, 3, jobs=2) == serial
    assert [row[PATIENCE] for row in serial] == [0.2, 0.6] and "fit" in serial[0]

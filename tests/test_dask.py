"""The Dask executor gives byte-identical files to local processes, on a real LocalCluster.

Clusters here run their workers as threads (processes=False) to start in a second; one test goes
through the command line with ``--dask local`` (worker processes) to check the whole path."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

pytest.importorskip("distributed")

from sim.cli import main  # noqa: E402
from sim.experiments import design as dz  # noqa: E402
from sim.experiments import ensemble_files, executors, sweep  # noqa: E402
from sim.experiments.dask_executor import DaskWorkers  # noqa: E402
from sim.scenario.language import load_scenario  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "scenarios" / "baseline.yaml"
FACTORS = [dz.parse_factor("actors.us.behaviour.patience=0:1:2"),
           dz.parse_factor("meetings.leaders_call=present,absent")]


@pytest.fixture(scope="module")
def baseline():
    return load_scenario(BASELINE)


def _sweep_csv(workers, plan) -> str:
    out = io.StringIO()
    with workers as w:
        sweep.run_sweep(plan.base, FACTORS, dz.full_factorial(FACTORS), 6, out, w)
    return out.getvalue()


def test_sweep_on_a_local_cluster_is_byte_identical(baseline):
    plan = sweep.make_cell_plan(baseline)
    local = _sweep_csv(executors.Workers(plan, 2), plan)
    on_dask = _sweep_csv(DaskWorkers(plan, 2, "local", processes=False), plan)
    on_one = _sweep_csv(DaskWorkers(plan, 1, "local", processes=False), plan)
    assert local == on_dask == on_one
    assert len(local.splitlines()) == 5


def test_ensemble_on_a_local_cluster_is_byte_identical(baseline):
    local = executors.run_ensemble(baseline, 16, jobs=2)
    with executors.start([baseline], 16, jobs=2) as w:
        plans = w.plans
    with DaskWorkers(plans, 2, "local", processes=False) as w:
        dask, = executors.run_ensembles([baseline], 16, workers=w)
    assert dask.start_method == "dask local" and dask.finished == 16
    for name in ("ensemble_csv", "status_csv", "runs_csv", "scorecard_csv"):
        assert getattr(ensemble_files, name)(local) == getattr(ensemble_files, name)(dask), name


def test_sweep_command_with_dask_local_matches_local_processes(tmp_path):
    args = ["sweep", str(BASELINE), "--vary", "actors.us.behaviour.patience=0:1:2",
            "--runs", "4", "--no-plots"]
    assert main([*args, "--jobs", "2", "--out", str(tmp_path / "local")]) == 0
    assert main([*args, "--jobs", "1", "--dask", "local", "--out", str(tmp_path / "dask")]) == 0
    assert (tmp_path / "local" / "sweep.csv").read_bytes() == \
        (tmp_path / "dask" / "sweep.csv").read_bytes()


def test_an_absent_scheduler_is_a_one_paragraph_error(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("sim.experiments.dask_executor.CONNECT_TIMEOUT", "1s")
    code = main(["sweep", str(BASELINE), "--vary", "actors.us.behaviour.patience=0:1:2",
                 "--runs", "2", "--dask", "tcp://127.0.0.1:9", "--out", str(tmp_path / "x")])
    assert code == 2
    err = capsys.readouterr().err
    assert "dask scheduler" in err and "Traceback" not in err


def test_calibration_on_dask_gives_the_posterior_of_local_processes(tmp_path, monkeypatch):
    """`sim calibrate --dask local` (the built-in sampler, every generation's runs on the
    cluster) writes the same posterior samples as a serial calibration on the same seed."""
    mapped = []
    real_map = DaskWorkers.map
    monkeypatch.setattr(DaskWorkers, "map", lambda self, fn, tasks: mapped.append(fn) or
                        real_map(self, fn, tasks))
    args = ["calibrate", str(BASELINE), "--budget", "24", "--population", "6", "--checks", "2",
            "--method", "builtin", "--no-screen"]  # the sampler, not the screen
    assert main([*args, "--out", str(tmp_path / "serial")]) == 0
    assert main([*args, "--jobs", "2", "--dask", "local", "--out", str(tmp_path / "dask")]) == 0
    serial = (tmp_path / "serial" / "posterior.csv").read_bytes()
    assert serial and serial == (tmp_path / "dask" / "posterior.csv").read_bytes()
    assert len(mapped) >= 2  # the generations really went through the cluster


def test_calibrate_refuses_pyabc_on_dask(tmp_path, capsys):
    code = main(["calibrate", str(BASELINE), "--budget", "24", "--method", "pyabc",
                 "--dask", "local", "--out", str(tmp_path / "x")])
    assert code == 2 and "--dask" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


def _dask_workers(pid: int, started: bool = True) -> list[int]:
    """The worker processes `sim` started for Dask (its children but the resource tracker);
    with ``started``, only those already talking to the scheduler (a TCP connection
    established: a process title is no sign, it needs the optional setproctitle)."""
    import psutil

    found = []
    for child in psutil.Process(pid).children():
        try:
            command = " ".join(child.cmdline())
            if not command or "resource_tracker" in command:
                continue
            if started:
                conns = getattr(child, "net_connections", None) or child.connections
                if not any(c.status == psutil.CONN_ESTABLISHED for c in conns(kind="tcp")):
                    continue
        except psutil.Error:  # gone, or a zombie being reaped (a worker just killed)
            continue
        found.append(child.pid)
    return found


@pytest.mark.parametrize("after", [0.3, 3.0], ids=["just-started", "mid-ensemble"])
def test_a_dask_worker_killed_is_retried_and_changes_no_byte(tmp_path, after):
    """A lost Dask worker is not waited on: the scheduler reruns its batch elsewhere (the nanny
    starts a new worker), and the files are those of local processes, byte for byte. Killed
    while the runs' context goes out to the workers, too (a scatter broke there: exit 1 and
    a traceback)."""
    import signal
    import subprocess
    import sys
    import time

    command = [sys.executable, "-m", "sim", "run", str(BASELINE), "--runs", "3000", "--no-plots"]
    proc = subprocess.Popen([*command, "--dask", "local", "--jobs", "2", "--out", "dask"],
                            cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True)
    deadline = time.monotonic() + 120
    while not (workers := _dask_workers(proc.pid)):
        assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read()
        time.sleep(0.05)
    time.sleep(after)
    assert proc.poll() is None, "the ensemble ended before a worker could be killed"
    os.kill(workers[0], signal.SIGKILL)
    err = proc.communicate(timeout=300)[1]
    assert proc.returncode == 0, err
    assert "Traceback" not in err
    # said in one sentence of ours, not in distributed's log lines
    assert "1 Dask worker ended during the runs" in err and "WARNING" not in err, err
    local = subprocess.run([*command, "--jobs", "2", "--out", "local"], cwd=tmp_path,
                           capture_output=True, text=True, timeout=300)
    assert local.returncode == 0, local.stderr
    for name in ("runs.csv", "ensemble.csv", "outcomes.csv"):
        assert (tmp_path / "dask" / name).read_bytes() == (tmp_path / "local" / name).read_bytes()


def test_a_dask_worker_killed_before_it_started_stops_sim_in_one_sentence(tmp_path):
    """Killed while the local cluster starts it: the nanny gives up on it, and `sim` stops as
    for any lost worker (exit 3, one sentence, nothing written), not with a traceback."""
    import signal
    import subprocess
    import sys
    import time

    proc = subprocess.Popen([sys.executable, "-m", "sim", "run", str(BASELINE), "--runs", "3000",
                             "--no-plots", "--dask", "local", "--jobs", "2", "--out", "dask"],
                            cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True)
    deadline = time.monotonic() + 120
    while not (workers := _dask_workers(proc.pid, started=False)):
        assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read()
        time.sleep(0.01)
    os.kill(workers[0], signal.SIGKILL)
    err = proc.communicate(timeout=300)[1]
    assert "Traceback" not in err, err
    if proc.returncode == 0:  # the nanny had started it already: retried, as above
        return
    assert proc.returncode == 3, err
    assert err.strip().splitlines()[-1].startswith("stopped because a Dask worker process ended")
    assert not (tmp_path / "dask").exists() and not list(tmp_path.glob(".dask-*"))

"""Interruptions with real signals sent to a real `sim` process: SIGINT (Ctrl-C, to the whole
process group as a terminal does), SIGTERM (`kill`, to the process only) and SIGHUP (a closed
terminal, to the group). Each must keep the finished runs in a complete folder marked partial,
leave no scratch folder and no worker process, exit with 128 + the signal's number and say what
happened in one sentence."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "scenarios" / "baseline.yaml"
RUNS = 20000  # far more than can finish before the signal


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text(encoding="utf-8")
    except OSError:
        return []
    return [int(c) for c in text.split()]


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8").rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _wait_for(condition, proc: subprocess.Popen, timeout: float = 180.0, what: str = "") -> None:
    t0 = time.monotonic()
    while not condition():
        if proc.poll() is not None:
            raise AssertionError(f"sim ended early ({proc.returncode}) waiting for {what}")
        if time.monotonic() - t0 > timeout:
            proc.kill()
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def _start(tmp_path: Path, *extra: str) -> tuple[subprocess.Popen, Path]:
    out = tmp_path / "out"
    log = (tmp_path / "stderr.txt").open("w", encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "sim", "run", str(BASELINE), "--runs",
                             str(RUNS), "--out", str(out), *extra], cwd=tmp_path,
                            stdout=subprocess.DEVNULL, stderr=log, start_new_session=True)
    return proc, out


def _scratch(tmp_path: Path) -> list[Path]:
    return [p for p in tmp_path.iterdir() if p.name.startswith(".out-")]


def _timelines_written(tmp_path: Path, at_least: int) -> bool:
    return any(len(list((s / "timelines").glob("*.events.csv"))) >= at_least
               for s in _scratch(tmp_path) if (s / "timelines").is_dir())


def _check_partial_folder(tmp_path: Path, out: Path, signum: int, proc, workers) -> None:
    err = (tmp_path / "stderr.txt").read_text(encoding="utf-8")
    assert proc.returncode == 128 + signum, err
    assert "Traceback" not in err
    last = err.strip().splitlines()[-1]
    name = signal.Signals(signum).name
    assert re.fullmatch(rf"stopped by {name}: kept the \d+ finished runs of {RUNS} in .*"
                        r" \(marked partial\)\.", last), last
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["partial"] is True and 1 <= manifest["ensemble"]["runs"] < RUNS
    rows = (out / "runs.csv").read_text(encoding="utf-8").strip().splitlines()
    assert len(rows) - 1 == manifest["ensemble"]["runs"]
    marker = json.loads((out / ".sim-output.json").read_text(encoding="utf-8"))
    present = {str(p.relative_to(out)) for p in out.rglob("*")} - {".sim-output.json"}
    assert set(marker["files"]) == present, "the marker lists exactly what is there"
    assert not _scratch(tmp_path), "no scratch folder left"
    deadline = time.monotonic() + 10
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(w) for w in workers), "worker processes outlived sim"


@pytest.mark.parametrize("signum,to_group", [(signal.SIGINT, True), (signal.SIGTERM, False),
                                             (signal.SIGHUP, True)],
                         ids=["SIGINT-group", "SIGTERM-process", "SIGHUP-group"])
def test_signal_keeps_finished_runs(tmp_path, signum, to_group):
    proc, out = _start(tmp_path, "--jobs", "2", "--timelines", "--no-plots")
    _wait_for(lambda: _timelines_written(tmp_path, 40), proc, what="40 finished runs")
    workers = _children(proc.pid)
    assert workers, "the ensemble runs in worker processes"
    if to_group:
        os.killpg(proc.pid, signum)
    else:
        os.kill(proc.pid, signum)
    proc.wait(180)
    _check_partial_folder(tmp_path, out, signum, proc, workers)


def test_second_ctrl_c_while_writing_still_leaves_a_complete_folder(tmp_path):
    proc, out = _start(tmp_path, "--jobs", "1", "--timelines")
    _wait_for(lambda: _timelines_written(tmp_path, 40), proc, what="40 finished runs")
    os.killpg(proc.pid, signal.SIGINT)
    _wait_for(lambda: any((s / "ensemble.csv").exists() for s in _scratch(tmp_path)), proc,
              what="the aggregates being written")
    os.killpg(proc.pid, signal.SIGINT)  # while the figures and the report are being written
    proc.wait(180)
    _check_partial_folder(tmp_path, out, signal.SIGINT, proc, [])
    for name in ("levers.png", "trust_pressure.png", "status.png", "report.html"):
        assert (out / name).stat().st_size > 0, name


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_sim_app_takes_its_server_down(tmp_path, signum):
    pytest.importorskip("solara")
    port = _free_port()
    log = tmp_path / "stdout.txt"
    with log.open("w", encoding="utf-8") as stdout:
        proc = subprocess.Popen([sys.executable, "-m", "sim", "app", "--port", str(port)],
                                cwd=ROOT, stdout=stdout, stderr=subprocess.STDOUT,
                                start_new_session=True)
    try:
        _wait_for(lambda: "open http" in log.read_text(encoding="utf-8"), proc,
                  what="the page server")
        server = _children(proc.pid)
        assert server
        os.kill(proc.pid, signum)  # to sim only, as `kill` or a service manager would
        proc.wait(60)
        deadline = time.monotonic() + 15
        while any(_alive(s) for s in server) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(_alive(s) for s in server), "the server outlived sim app"
    finally:
        if proc.poll() is None:
            proc.kill()
        for s in _children(proc.pid):
            os.kill(s, signal.SIGKILL)


def test_sim_app_with_three_open_sessions_stops_within_5_s_on_sigterm(tmp_path):
    """Three browsers on the page (three live sessions, websockets open): SIGTERM to `sim app`
    (as a service manager sends it) must take the server down within 5 s, nothing left."""
    pytest.importorskip("solara")
    sync_api = pytest.importorskip("playwright.sync_api")
    from browser_kit import CHROMIUM, CHROMIUM_ARGS, Server

    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed (.ci/run installs it)")
    server = Server(tmp_path / "app.txt")
    try:
        with sync_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                        args=CHROMIUM_ARGS)
            for _ in range(3):
                page = browser.new_context().new_page()
                page.goto(server.url + "/")
                sync_api.expect(page.locator(".sim-date")).to_have_text("2025-04-14",
                                                                        timeout=120_000)
            tree = server.tree()
            assert len(tree) >= 2, "sim app and its page server"
            os.kill(server.proc.pid, signal.SIGTERM)
            sent = time.monotonic()
            server.proc.wait(60)
            while any(_alive(pid) for pid in tree) and time.monotonic() - sent < 60:
                time.sleep(0.05)
            took = time.monotonic() - sent
            left = [pid for pid in tree if _alive(pid)]
            browser.close()
    finally:
        server.stop()
    assert not left, f"processes left: {left}"
    assert took <= 5.0, f"sim app took {took:.1f} s to stop with three sessions open"

"""Shared by the browser tests: a real `sim app` server and closed-network Chromium pages.

The server runs as ``python -m sim app`` from this tree (PYTHONPATH set), so the same tests can
be pointed at an older checkout to show they fail there. Pages wait on conditions (Playwright's
``expect``), never on fixed sleeps.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
LOG_PROBLEMS = ("Traceback", "Error", "error:", "malloc", "FT_", "Segmentation", "Aborted")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _ready(proc: subprocess.Popen, url: str, timeout: float = 90.0) -> None:
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        if proc.poll() is not None:
            raise RuntimeError(f"`sim app` exited with {proc.returncode}")
        with contextlib.suppress(OSError):
            with urllib.request.urlopen(url + "/readyz", timeout=2) as r:
                if r.status == 200:
                    return
        time.sleep(0.2)
    raise TimeoutError("`sim app` did not start")


class Server:
    """`sim app` on a free loopback port, its log in ``log_path``; stopped as a process group."""

    def __init__(self, log_path: Path, *args: str, env: dict | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self._log = open(log_path, "wb")  # noqa: SIM115
        full_env = dict(os.environ, PYTHONPATH=str(ROOT), MPLBACKEND="Agg", **(env or {}))
        self.proc = subprocess.Popen([sys.executable, "-m", "sim", "app", "--port",
                                      str(self.port), *args], cwd=ROOT, stdout=self._log,
                                     stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                     env=full_env, start_new_session=True)
        try:
            _ready(self.proc, self.url)
        except BaseException:
            self.stop()
            raise

    def alive(self) -> bool:
        return self.proc.poll() is None and all(p.exists() for p in self._tree_paths())

    def _tree_paths(self) -> list[Path]:
        return [Path(f"/proc/{pid}") for pid in self.tree()]

    def tree(self) -> list[int]:
        """The `sim app` process and its descendants (the solara server is a child)."""
        pids, frontier = [self.proc.pid], [self.proc.pid]
        while frontier:
            parent = frontier.pop()
            for child in _children(parent):
                pids.append(child)
                frontier.append(child)
        return pids

    def rss_mb(self) -> float:
        """Resident memory of the whole server tree, in MB."""
        total = 0
        for pid in self.tree():
            with contextlib.suppress(OSError):
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        return total / 1024

    def log(self) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")

    def problems(self) -> list[str]:
        return [line for line in self.log().splitlines()
                if any(p in line for p in LOG_PROBLEMS) and "samesite" not in line]

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self._log.close()


def _children(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            out += [int(c) for c in (task / "children").read_text().split()]
    return out


def closed_context(browser, problems: list[str], **kwargs):
    """A browser context whose pages may talk to loopback only; every failure is recorded."""
    context = browser.new_context(**kwargs)

    def gate(route):
        u = route.request.url
        if u.startswith(("data:", "blob:")) or urlparse(u).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            problems.append(f"left loopback: {u}")
            route.abort()

    context.route("**/*", gate)
    context.on("requestfailed", lambda r: "/_solara/api/close/" not in r.url
               and problems.append(f"failed: {r.url} {r.failure}"))
    context.on("response", lambda r: r.status >= 400 and problems.append(f"{r.status}: {r.url}"))
    return context

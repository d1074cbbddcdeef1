"""Classroom mode: the negotiation as a web page, for a projector, students' phones, no internet.

    sim app                                   # http://127.0.0.1:8765/
    sim app --port 8765 --scenario scenarios/no_call.yaml
    sim app --play china                      # students play China, the model plays the US
    sim app --host 0.0.0.0                    # serve the room (students' own devices)
    solara run sim.views.app                  # the same page, solara's own launcher

The page is built in ``app.page`` (layout), ``app.panels`` and ``svg_charts`` (what it shows),
``app.runner`` (each session's model and worker), ``app.play`` (the student's side),
``app.classroom`` (the class's games and the end screen) and ``app.model`` (scenarios, the
classroom model, the band). This module is the launcher.

Offline rules (see docs/solara-notes.md): no solara.Markdown (it fetches KaTeX); the launcher
points solara's CDN at a closed loopback port and turns telemetry and the version check off.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import urllib.request
import warnings
from pathlib import Path

import solara

from sim.scenario.language import load_scenario
from sim.views.app.model import (  # noqa: F401  (re-exported: the page's model side)
    BAND_RUNS,
    ENV_PLAY,
    ENV_SCENARIO,
    ClassroomModel,
    baseline_band,
    build_scenario,
    default_scenario,
    load,
    model_params,
    scenario_files,
)
from sim.views.app.page import Page

# One route: without it solara treats this package as a multi-page app, one tab per submodule
# ("HOME", "PAGE") across the top of the page.
routes = [solara.Route(path="/", component=Page)]

ROOT = Path(__file__).resolve().parents[3]
CULL_TIMEOUT = "20s"  # a closed tab's session is freed this long after its last connection
THEME = {"SOLARA_THEME_SHOW_BANNER": "False", "SOLARA_THEME_LOADER": "plain",
         "SOLARA_THEME_TITLE": "Negotiation scenario simulator"}  # the page sets the scenario's

ENV_SERVER = "SIM_APP_SERVER"  # set in the server process only

# Solara warns (14 lines, in the teacher's terminal) that a samesite=none cookie needs https and
# that it falls back to samesite=lax: right for a page served over http on a local network.
warnings.filterwarnings("ignore", message="Cookies with samesite=none require https",
                        category=UserWarning)

if os.environ.get(ENV_SERVER):  # warm the first band while the server starts: no first-page wait
    threading.Thread(target=lambda: baseline_band(default_scenario()), daemon=True).start()
    from sim.views.app.static import install
    install()  # the front end gzipped once, not once per browser (docs/classroom-server.md)


# --- the launcher -----------------------------------------------------------------------------
def server_env(scenario: str | Path | None = None, play: str | None = None) -> dict[str, str]:
    """Environment for an offline, quiet solara server that frees closed sessions."""
    env = dict(os.environ)
    env.update(SOLARA_TELEMETRY_MIXPANEL_ENABLE="False",  # no phoning home
               SOLARA_ASSETS_CDN="http://127.0.0.1:9/",  # a missing asset fails fast, locally
               SOLARA_KERNEL_CULL_TIMEOUT=os.environ.get(  # solara's default, 24 h, fills memory
                   "SOLARA_KERNEL_CULL_TIMEOUT", CULL_TIMEOUT),
               MPLBACKEND="Agg", **THEME, **{ENV_SERVER: "1"})
    if scenario is not None:
        env[ENV_SCENARIO] = str(Path(scenario).resolve())
    if play:
        env[ENV_PLAY] = play
    return env


def server_command(port: int, host: str = "127.0.0.1") -> list[str]:
    return [sys.executable, "-m", "solara", "run", "sim.views.app", "--port", str(port),
            "--host", host, "--production", "--no-open", "--no-check-version",
            "--log-level", "warning"]


def wait_ready(proc: subprocess.Popen, url: str, timeout: float = 60.0) -> float:
    """Seconds until ``url``/readyz answers; raises if the server exits or takes too long."""
    t0 = time.monotonic()
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"the page server stopped (exit code {proc.returncode})")
        try:
            with urllib.request.urlopen(url + "/readyz", timeout=2) as r:
                if r.status == 200:
                    return time.monotonic() - t0
        except OSError:
            pass
        if time.monotonic() - t0 > timeout:
            raise TimeoutError(f"the page server did not start within {timeout:.0f} s")
        time.sleep(0.2)


def serve(args) -> int:
    """`sim app`: start the page on ``args.host:args.port``, print its address, run until Ctrl+C."""
    if args.scenario is not None:
        load_scenario(args.scenario)  # a broken file is reported here, with its line
    play = getattr(args, "play", None)
    if play:
        sides = load_scenario(args.scenario or default_scenario()).actors
        if play not in sides:
            from sim.errors import UserError
            raise UserError("--play", f"`{play}` is not a side of this scenario; choose one of "
                            + ", ".join(sides))
    host = args.host or "127.0.0.1"
    url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{args.port}"
    print(f"starting the classroom page on {url}/ ...", flush=True)
    proc = subprocess.Popen(server_command(args.port, host), env=server_env(args.scenario, play),
                            cwd=ROOT, stdin=subprocess.DEVNULL)
    try:
        wait_ready(proc, url)
        print(f"open {url}/ in a browser (works offline); press Ctrl+C to stop", flush=True)
        return proc.wait()
    except KeyboardInterrupt:
        return 0
    except (RuntimeError, TimeoutError) as exc:
        print(exc, file=sys.stderr)
        return 1
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

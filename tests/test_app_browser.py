"""The classroom page in a real browser: `sim app` on a free port, headless system Chromium.

The network is closed for the page: any request leaving loopback, failing, or answered with
HTTP >= 400 fails the test. Screenshots go to pytest's tmp dir and /tmp/app-screenshot.png.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

import pytest

CHROMIUM = "/usr/bin/chromium"
if not Path(CHROMIUM).exists():
    pytest.skip(f"{CHROMIUM} is not installed (.ci/run installs it)", allow_module_level=True)
pytest.importorskip("solara")
sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
SHOT = Path("/tmp/app-screenshot.png")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server_url(tmp_path_factory):
    from sim.views.app import wait_ready

    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = open(tmp_path_factory.mktemp("server") / "server.log", "wb")  # noqa: SIM115
    sim = shutil.which("sim", path=str(Path(sys.executable).parent)) or shutil.which("sim")
    cmd = [sim] if sim else [sys.executable, "-m", "sim"]
    proc = subprocess.Popen([*cmd, "app", "--port", str(port)], cwd=ROOT, stdout=log,
                            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                            env=dict(os.environ, MPLBACKEND="Agg"), start_new_session=True)
    try:
        wait_ready(proc, url, timeout=60)
        yield url
    finally:
        # `sim app` runs solara as its child: stop the whole process group we started
        if proc.poll() is None:
            os.killpg(proc.pid, 15)
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, 9)
                proc.wait()
        log.close()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    problems: list[str] = []
    context = browser.new_context(viewport={"width": 1400, "height": 1000})

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
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    yield pg
    context.close()
    assert not problems, problems


def _chart(page):
    return page.locator(".v-window-item--active img").nth(0)


def test_step_slider_call_and_about(page, server_url, tmp_path):
    page.goto(server_url + "/")
    step = page.get_by_role("button", name="Step", exact=True)
    expect(step).to_be_visible()
    date = page.locator(".sim-date")
    expect(date).to_have_text("2025-04-14")
    expect(page.locator(".sim-date-big")).to_have_text("14 April 2025")
    src0 = _chart(page).get_attribute("src")
    assert src0  # a data: or blob: URL of the PNG, new on every redraw

    # Step: the date advances, the chart is redrawn
    for _ in range(3):
        step.click()
    expect(date).to_have_text("2025-04-17")
    expect(page.get_by_text("Time: 3.0")).to_be_visible()
    assert _chart(page).get_attribute("src") != src0, "the chart did not change"

    # Play and pause (the play button's label toggles)
    page.get_by_role("button", name="▶").click()
    expect(step).to_be_disabled()
    expect(date).not_to_have_text("2025-04-17")
    page.get_by_role("button", name="❚❚").click()
    expect(step).to_be_enabled()

    # Jump past the Geneva talks (10 May) in one step: render interval 27 days
    nudge_slider(page, "Render Interval", 13, "27")  # 1 -> 27 in steps of 2
    reset_and_step(page, date, step)
    narrative = page.locator(".sim-narrative")
    expect(narrative).to_contain_text("Geneva talks")
    story_before = narrative.inner_text()
    page.wait_for_timeout(300)
    page.screenshot(path=str(tmp_path / "geneva.png"), full_page=True)
    page.screenshot(path=str(SHOT), full_page=True)

    # A slider: the US concedes early (concession 0.25 -> 2.25); Reset starts a run with it
    slider = page.locator(".v-input").filter(has_text="US: concession").locator("[role=slider]")
    expect(slider).to_have_attribute("aria-valuenow", "0.25")
    nudge_slider(page, "US: concession", 40, "2.25")
    reset_and_step(page, date, step)
    expect(narrative).not_to_have_text(story_before)

    # The call switch: untick it, Reset, and the dotted call line's date leaves the key
    meetings = page.locator(".sim-meetings")
    expect(meetings).to_contain_text("Leaders' call (05 Jun)")
    page.get_by_text("Leaders' call happens").click()
    page.get_by_role("button", name="Reset").click()
    expect(date).to_have_text("2025-04-14")
    expect(meetings).not_to_contain_text("Leaders' call")
    expect(meetings).to_contain_text("London talks (09 Jun)")

    # About page, and back: the run is kept
    kept = date.inner_text()
    page.get_by_role("tab", name="about").click()
    expect(page.locator(".about-page")).to_contain_text("Things to try")
    page.wait_for_timeout(300)
    page.screenshot(path=str(tmp_path / "about.png"), full_page=True)
    page.go_back()
    expect(page.locator(".sim-date")).to_have_text(kept)


def nudge_slider(page, label: str, presses: int, expected: str) -> None:
    """Move the slider labelled ``label`` right by ``presses`` steps and check where it lands."""
    slider = page.locator(".v-input").filter(has_text=label).locator("[role=slider]")
    slider.focus()
    for _ in range(presses):
        slider.press("ArrowRight")
    expect(slider).to_have_attribute("aria-valuenow", expected)


def reset_and_step(page, date, step) -> None:
    """Reset to the start date, then one Step of the 27-day render interval (past Geneva)."""
    page.get_by_role("button", name="Reset").click()
    expect(date).to_have_text("2025-04-14")
    step.click()
    expect(date).to_have_text("2025-05-11")

"""A room full of students on one `sim app` server (issue 18): concurrent sessions and churn.

Both tests use a real server and headless Chromium. No timing assertions: they check that the
server lives, that its log is clean, that every page advances, and that memory comes back.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from browser_kit import CHROMIUM, CHROMIUM_ARGS, Server, closed_context

if not Path(CHROMIUM).exists():
    pytest.skip(f"{CHROMIUM} is not installed (.ci/run installs it)", allow_module_level=True)
pytest.importorskip("solara")
sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect
expect.set_options(timeout=90_000)  # a loaded 2-core machine: wait long, on conditions

SESSIONS = 3
CHURN = 20
CHURN_BOUND_MB = 200  # generous: the old page grew ~24 MB a session, 480 MB over 20


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


def _open(browser, url: str, problems: list[str]):
    context = closed_context(browser, problems, viewport={"width": 1280, "height": 720})
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(url + "/")
    expect(page.locator(".sim-date")).to_have_text("2025-04-14")
    return context, page


def _step_button(page):
    return page.get_by_role("button", name="Step", exact=True)


def test_three_sessions_step_at_the_same_time(browser, tmp_path):
    server = Server(tmp_path / "server.log")
    problems: list[str] = []
    try:
        opened = [_open(browser, server.url, problems) for _ in range(SESSIONS)]
        pages = [page for _, page in opened]
        for day in range(15, 22):  # seven rounds: every page presses Step before any waits
            for page in pages:
                _step_button(page).click()
            for page in pages:
                expect(page.locator(".sim-date")).to_have_text(f"2025-04-{day}")
        assert server.alive(), "the server died:\n" + server.log()[-3000:]
        for context, _ in opened:
            context.close()
        assert not server.problems(), server.problems()
        assert not problems, problems
    finally:
        server.stop()


def test_sessions_opened_and_closed_are_freed(browser, tmp_path):
    # `sim app` as a teacher starts it: its own cull setting (closed tabs freed after 20 s)
    server = Server(tmp_path / "server.log")
    problems: list[str] = []
    try:
        def one_session() -> None:
            context, page = _open(browser, server.url, problems)
            _step_button(page).click()
            expect(page.locator(".sim-date")).to_have_text("2025-04-15")
            context.close()

        for _ in range(2):  # warm-up: imports, fonts, the band, first widgets
            one_session()
        base = _settled(server)
        for _ in range(CHURN):
            one_session()
        grown = _settled(server) - base
        assert server.alive(), "the server died:\n" + server.log()[-3000:]
        assert grown < CHURN_BOUND_MB, f"memory grew {grown:.0f} MB over {CHURN} closed sessions"
        assert not server.problems(), server.problems()
        assert not problems, problems
    finally:
        server.stop()


def _settled(server: Server) -> float:
    """Server memory: the lowest of a few readings over ~2 s (the collector may be mid-run)."""
    import time
    readings = []
    for _ in range(4):
        readings.append(server.rss_mb())
        time.sleep(0.5)  # sampling memory, not waiting for a page
    return min(readings)

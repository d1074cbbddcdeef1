"""The classroom page in a real browser: `sim app` on a free port, headless system Chromium.

The network is closed for the page: any request leaving loopback, failing, or answered with
HTTP >= 400 fails the test. Every wait is on a condition. Screenshots go to pytest's tmp dir.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browser_kit import CHROMIUM, CHROMIUM_ARGS, Server, closed_context

if not Path(CHROMIUM).exists():
    pytest.skip(f"{CHROMIUM} is not installed (.ci/run installs it)", allow_module_level=True)
pytest.importorskip("solara")
sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect
expect.set_options(timeout=90_000)  # a loaded 2-core machine: wait long, on conditions

LEFTOVERS = ["PAGE 0", "Page 0", "HOME", "Use Threads", "Render Interval", "Play Interval",
             "Information", "runs on Solara", "Made with Solara"]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    s = Server(tmp_path_factory.mktemp("server") / "server.log")
    yield s
    s.stop()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


def _page(browser, problems, width, height, zoom=1.0):
    context = closed_context(browser, problems, device_scale_factor=zoom,
                             viewport={"width": int(width / zoom), "height": int(height / zoom)})
    page = context.new_page()
    page.set_default_timeout(60_000)
    return context, page


def _in_first_screen(page, selector: str) -> bool:
    return page.evaluate("""(s) => { const r = document.querySelector(s).getBoundingClientRect();
        return r.top >= 0 && r.top < window.innerHeight && r.height > 0 }""", selector)


def test_step_play_reset_and_about(browser, server, tmp_path):
    problems: list[str] = []
    context, page = _page(browser, problems, 1280, 720)
    page.goto(server.url + "/")
    date = page.locator(".sim-date")
    expect(date).to_have_text("2025-04-14")
    step = page.get_by_role("button", name="Step", exact=True)
    for day in (15, 16, 17):  # each click waits for its day: no race with a slow server
        step.click()
        expect(date).to_have_text(f"2025-04-{day}")
    page.get_by_role("button", name="Play", exact=True).click()
    expect(step).to_be_disabled()
    expect(date).not_to_have_text("2025-04-17")
    page.get_by_role("button", name="Pause", exact=True).click()
    expect(step).to_be_enabled()
    page.get_by_role("button", name="Reset", exact=True).click()
    expect(date).to_have_text("2025-04-14")
    page.get_by_role("button", name="About", exact=True).click()
    expect(page.locator(".about-page")).to_contain_text("Things to try")
    page.get_by_role("button", name="Back to the simulation").click()
    expect(date).to_have_text("2025-04-14")
    context.close()
    assert not problems, problems


@pytest.mark.parametrize("width,height,zoom", [(1280, 720, 1.0), (1920, 1080, 1.25),
                                               (1920, 1080, 1.0)])
def test_projector_first_screen(browser, server, tmp_path, width, height, zoom):
    problems: list[str] = []
    context, page = _page(browser, problems, width, height, zoom)
    page.goto(server.url + "/")
    expect(page.locator(".sim-chart").first).to_be_visible()
    week = page.get_by_role("button", name="Week", exact=True)
    for day in ("2025-04-21", "2025-04-28", "2025-05-05", "2025-05-12"):
        week.click()
        expect(page.locator(".sim-date")).to_have_text(day)
    expect(page.locator(".sim-narrative")).to_contain_text("Geneva talks")
    page.screenshot(path=str(tmp_path / f"projector-{width}x{height}.png"))
    for selector in (".sim-narrative", ".sim-chart", ".sim-status", ".sim-date-big"):
        assert _in_first_screen(page, selector), f"{selector} is not on the first screen"
    last_chart = page.locator(".sim-chart").last.bounding_box()
    bottom = last_chart["y"] + last_chart["height"]
    assert bottom <= height / zoom, "charts run below the fold"
    assert bottom >= 0.85 * height / zoom, f"charts fill only {bottom:.0f} of {height / zoom} px"
    clipped = page.evaluate("""() => [...document.querySelectorAll('.sim-chart figcaption')]
        .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.textContent)""")
    assert not clipped, f"chart titles cut off: {clipped}"
    sizes = page.evaluate("""() => [...document.querySelectorAll('.sim-plot .tick, .xticks span')]
        .map(e => parseFloat(getComputedStyle(e).fontSize))""")
    assert sizes and min(sizes) >= 16, f"tick labels of {min(sizes)} px"
    text = page.locator("body").inner_text()
    assert not [w for w in LEFTOVERS if w in text], "framework controls left on the page"
    page.get_by_text("Scenario, players and behaviour").click()
    expect(page.locator(".v-input").filter(has_text="US: patience: 0.30")).to_be_visible()
    context.close()
    assert not problems, problems


def test_the_explain_panel_gives_each_meetings_numbers(browser, server, tmp_path):
    problems: list[str] = []
    context, page = _page(browser, problems, 1280, 720)
    page.goto(server.url + "/")
    week = page.get_by_role("button", name="Week", exact=True)
    for _ in range(5):  # past Geneva (12 May)
        week.click()
        expect(week).to_be_enabled()
    page.get_by_text("Why each meeting came to what it did").click()
    panel = page.locator(".sim-explain")
    expect(panel).to_contain_text("Geneva")
    expect(panel).to_contain_text("reservation")
    expect(panel).not_to_contain_text("London")  # not yet: only what happened so far
    panel.scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / "explain.png"), full_page=True)
    context.close()
    assert not problems, problems


def test_phone_one_column_no_sideways_scroll(browser, server, tmp_path):
    problems: list[str] = []
    context, page = _page(browser, problems, 390, 844)
    page.goto(server.url + "/")
    step = page.get_by_role("button", name="Step", exact=True)
    step.click()
    expect(page.locator(".sim-date")).to_have_text("2025-04-15")
    page.screenshot(path=str(tmp_path / "phone.png"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    expect(step).to_be_in_viewport()
    assert step.bounding_box()["height"] >= 44, "Step is not touch-sized"
    for selector in (".sim-date-big", ".sim-why-line", ".sim-chart"):
        assert _in_first_screen(page, selector), f"{selector} is not on the first screen"
    context.close()
    assert not problems, problems


def test_student_plays_china_through_geneva_and_london(browser, tmp_path):
    server = Server(tmp_path / "server.log", "--play", "china")
    problems: list[str] = []
    try:
        context, page = _page(browser, problems, 1280, 720)
        page.goto(server.url + "/")
        expect(page.locator(".sim-you")).to_have_text("You play China")
        talks = []
        page.get_by_role("button", name="Play", exact=True).click()  # questions pause it
        for _ in range(200):
            page.wait_for_function("""() => document.querySelector('.sim-turn h3')
                || document.querySelector('.sim-end')""")
            if page.locator(".sim-end").count():
                break
            if not talks and page.locator(".sim-talks-turn").count():
                _check_the_talks(page, tmp_path)
            _answer(page, talks)
        expect(page.locator(".sim-end")).to_contain_text("The end")
        expect(page.locator(".sim-end")).to_contain_text("US tariff on Chinese goods")
        expect(page.locator(".sim-end")).to_contain_text("Fit to the documented record")
        expect(page.locator(".sim-end .sim-decisions")).to_contain_text("carried on")
        assert page.locator(".sim-end .sim-strip-chart").count() >= 5
        page.screenshot(path=str(tmp_path / "end.png"), full_page=True)
        assert any("Geneva" in t for t in talks) and any("London" in t for t in talks), talks
        context.close()
        assert server.alive() and not server.problems(), server.problems()
        assert "samesite" not in server.log(), "solara's cookie warning reached the terminal"
        assert not problems, problems
    finally:
        server.stop()


def _check_the_talks(page, tmp_path) -> None:
    """At the first talks: the Why panel says who the talks wait for (not "press Step"), and the
    offer sliders are wide enough to use on a phone and on a laptop."""
    why = page.locator(".sim-narrative")
    expect(why).to_contain_text("Now: Geneva talks")
    assert "press Step" not in why.inner_text()
    for width, height in ((390, 844), (1366, 768), (1280, 720)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(tmp_path / f"talks-{width}.png"))
        widths = page.evaluate("""() => [...document.querySelectorAll(
            '.sim-talks-turn .v-slider')].map(e => e.getBoundingClientRect().width)""")
        assert widths and min(widths) >= 200, f"offer sliders {widths} px wide at {width} px"


def _answer(page, talks: list[str]) -> None:
    """Answer the question on screen: Accept an offer, Propose the suggestion, Carry on; then
    wait until that question (its number, not its words: two can read the same) is gone."""
    turn = page.locator(".sim-turn[class*='sim-q-']").first
    seq = next(c for c in turn.get_attribute("class").split() if c.startswith("sim-q-"))
    heading = turn.locator("h3").inner_text()
    if page.locator(".sim-talks-turn").count():
        talks.append(heading)
        accept = page.get_by_role("button", name="Accept", exact=True)
        (accept if accept.count() else page.get_by_role(
            "button", name="Propose", exact=True)).click()
    else:
        page.get_by_role("button", name="Carry on", exact=True).click()
    page.wait_for_function("(q) => !document.querySelector('.' + q)", arg=seq)


def test_two_students_play_one_game_from_two_browsers(browser, server, tmp_path):
    problems: list[str] = []
    (ctx_a, a), (ctx_b, b) = (_page(browser, problems, 1280, 720) for _ in range(2))
    for page in (a, b):
        page.goto(server.url + "/")
        expect(page.locator(".sim-date")).to_have_text("2025-04-14")
    a.get_by_text("Scenario, players and behaviour").click()
    a.get_by_role("button", name="Two students: start a room").click()
    # the whole line, code included: never read a half-drawn "You play US" for the code
    expect(a.locator(".sim-you")).to_have_text(re.compile(r"^Room [A-Z]{4} · You play US$"))
    code = a.locator(".sim-you").inner_text().split()[1]
    b.get_by_text("Scenario, players and behaviour").click()
    b.get_by_label("Join code").fill(code)
    b.get_by_role("button", name="Join", exact=True).click()
    expect(b.locator(".sim-you")).to_have_text(f"Room {code} · You play China")
    a.get_by_role("button", name="Play", exact=True).click()
    for _ in range(300):  # each student answers their own questions; the other waits
        for page in (a, b):
            page.wait_for_function("""() => document.querySelector('.sim-turn h3')
                || document.querySelector('.sim-waiting') || document.querySelector('.sim-end')""")
        if a.locator(".sim-end").count() and b.locator(".sim-end").count():
            break
        for page in (a, b):
            if page.locator(".sim-turn h3").count() and not page.locator(".sim-end").count():
                _answer(page, [])
    expect(b.locator(".sim-narrative")).to_contain_text("London talks")
    expect(a.locator(".sim-date")).to_have_text(b.locator(".sim-date").inner_text())
    b.screenshot(path=str(tmp_path / "two-students.png"))
    for context in (ctx_a, ctx_b):
        context.close()
    assert not problems, problems

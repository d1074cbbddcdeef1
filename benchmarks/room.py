"""A room of students on one `sim app` server, with headless Chromium as the students.

    .venv/bin/python benchmarks/room.py --sessions 30 [--rounds 5] [--churn 100] [--repeat 3]
    .venv/bin/python benchmarks/room.py --sessions 30 --floor   # only solara's own floor

Every run opens the N pages on the floor page (below), then on `sim app`, then on the floor page
again, in the same browser, and reports the page's render time as a ratio to the mean of the two
floors (a load that drifts during the run cancels out; ``--repeat K`` opens the page K times,
each between two floor openings, and reports the median of the K ratios): on a shared 2-core
machine the clients, not the server, set the seconds (issue 27), so the ratio is the figure to
compare between runs and machines. Prints, for N sessions opened at once:
  * usable: seconds from `sim app` printing its address to the first page showing its charts
  * render as the browsers saw it: seconds from opening all N pages to each page showing its
    charts, read from each page's own clock (median, max)
  * CPU to open them, split: the server's CPU seconds per session, and the N browsers' CPU
    seconds per page. On this 2-core machine the N Chromium pages run beside the server and
    take most of the CPU; in a classroom each student's browser runs on the student's device,
    so the server's share is what the teacher's laptop carries. ``server-only`` is N times the
    server's CPU per session: the time the server needs for N new sessions on one core (the
    solara server holds Python's GIL), an estimate for clients on their own devices, not a
    measurement of it.
  * Step with everyone pressing: all N pages press Step together, ``--rounds`` times; seconds
    from each page's click to its date changing, measured in the page (median, max), and the
    server's CPU per Step
  * Play: days a second one page advances while playing (with --sessions 1)
  * server memory (RSS of `sim app` and the solara server) after opening, after stepping, and
    after all pages closed and their sessions were culled; with ``--churn K``, K more sessions
    opened (10 at a time), stepped once and closed, with the memory after each ten
The floor is ``benchmarks/floor_page.py`` (a solara page with one line of text) served with the
same settings and static-file cache: what N Chromium pages and solara cost before this page adds
anything. ``--floor`` measures only it.
Targets (issues 15, 18, 27): usable <= 5 s, Step <= 0.2 s alone and <= 2 s median with 30
pressing, Play >= 5 days/s, render <= 1.3 x the floor's, memory flat over 100 sessions.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
CULL = "5s"  # closed sessions freed 5 s after their last connection (sim app's own: 20 s)
VIEWPORT = {"width": 1280, "height": 720}
RENDERED = """new MutationObserver((_, obs) => {
  if (document.querySelector('.sim-chart')) { window.__rendered = Date.now(); obs.disconnect(); }
}).observe(document, {subtree: true, childList: true});"""  # wall clock: shared with Python's
CLICK_STEP = """() => {
  window.__t0 = performance.now(); window.__t1 = null;
  const old = document.querySelector('.sim-date').textContent;
  new MutationObserver((_, obs) => {
    const now = document.querySelector('.sim-date');
    if (now && now.textContent !== old) { window.__t1 = performance.now(); obs.disconnect(); }
  }).observe(document.body, {subtree: true, childList: true, characterData: true});
  [...document.querySelectorAll('button')]
    .find(b => b.textContent.trim().toLowerCase() === 'step').click();
}"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tree(pid: int) -> list[int]:
    """``pid`` and its descendants."""
    pids, frontier = [pid], [pid]
    while frontier:
        for task in Path(f"/proc/{frontier.pop()}/task").glob("*"):
            try:
                kids = [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                continue
            pids += kids
            frontier += kids
    return pids


def tree_cpu_s(pids: list[int]) -> float:
    """User + system CPU seconds used so far by the processes ``pids``."""
    total = 0
    for p in pids:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14, 15 of stat)
    return total / os.sysconf("SC_CLK_TCK")


def tree_rss_mb(pid: int) -> float:
    total = 0
    for p in tree(pid):
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def start_server(floor: bool = False) -> tuple[subprocess.Popen, str, float]:
    """`sim app` (or the floor page) on a free port; returns it, its URL and when it was ready."""
    port = free_port()
    env = dict(os.environ, SOLARA_KERNEL_CULL_TIMEOUT=CULL, PYTHONUNBUFFERED="1")
    if floor:
        from sim.views.app import server_command, server_env, wait_ready
        cmd = server_command(port)
        cmd[cmd.index("sim.views.app")] = str(ROOT / "benchmarks" / "floor_page.py")
        proc = subprocess.Popen(cmd, cwd=ROOT, env={**server_env(), **env},
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True)
        wait_ready(proc, f"http://127.0.0.1:{port}")
        return proc, f"http://127.0.0.1:{port}", time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "sim", "app", "--port", str(port)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            env=env, start_new_session=True)
    for line in proc.stdout:
        if line.startswith("open http"):
            return proc, f"http://127.0.0.1:{port}", time.monotonic()
    raise RuntimeError("`sim app` did not print its address")


def client_pids(server_pid: int) -> list[int]:
    """The browser's processes: this process's descendants that are not the server's."""
    server = set(tree(server_pid))
    return [p for p in tree(os.getpid()) if p not in server and p != os.getpid()]


def open_pages(browser, url: str, n: int, server_pid: int) -> tuple[list, list[float], tuple]:
    """N pages opened at once: the pages, each one's render time, (server, browsers) CPU s."""
    cpu0 = tree_cpu_s(tree(server_pid)), tree_cpu_s(client_pids(server_pid))
    pages = []
    t0 = time.time()
    for _ in range(n):
        context = browser.new_context(viewport=VIEWPORT)
        context.add_init_script(RENDERED)
        page = context.new_page()
        page.set_default_timeout(300_000)
        page.goto(url + "/", wait_until="commit")
        pages.append(page)
    for page in pages:
        page.wait_for_function("window.__rendered !== undefined", polling=500)
    render = [page.evaluate("window.__rendered") / 1000 - t0 for page in pages]
    cpu = (tree_cpu_s(tree(server_pid)) - cpu0[0],
           tree_cpu_s(client_pids(server_pid)) - cpu0[1])
    return pages, render, cpu


def step_rounds(pages: list, rounds: int, server_pid: int) -> tuple[list[float], float]:
    """Every page presses Step together, ``rounds`` times: in-page times, server CPU a Step."""
    cpu0 = tree_cpu_s(tree(server_pid))
    steps = []
    for _ in range(rounds):
        for page in pages:
            page.evaluate(CLICK_STEP)
        for page in pages:
            page.wait_for_function("window.__t1 !== null")
            steps.append(page.evaluate("(window.__t1 - window.__t0) / 1000"))
        for page in pages:  # every page idle again before the next round
            expect(page.get_by_role("button", name="Step", exact=True)).to_be_enabled()
    return steps, (tree_cpu_s(tree(server_pid)) - cpu0) / max(1, len(steps))


def play_speed(page) -> float:
    day0 = int(page.locator(".sim-status .day").inner_text().split()[1])
    t = time.monotonic()
    page.get_by_role("button", name="Play", exact=True).click()
    page.wait_for_function("""(d) => parseInt(document.querySelector('.sim-status .day')
        .textContent.split(' ')[1]) >= d""", arg=day0 + 40)
    speed = 40 / (time.monotonic() - t)
    page.get_by_role("button", name="Pause", exact=True).click()
    return speed


def churn(browser, url: str, total: int, server_pid: int, batch: int = 10) -> list[float]:
    """``total`` sessions opened ``batch`` at a time, stepped once, closed; memory after each."""
    memory = []
    for _ in range(max(1, total // batch)):
        pages, _, _ = open_pages(browser, url, batch, server_pid)
        step_rounds(pages, 1, server_pid)
        for page in pages:
            page.context.close()
        time.sleep(10)  # the server culls closed sessions after 5 s: let it
        memory.append(tree_rss_mb(server_pid))
    return memory


def report(n: int, r: dict) -> None:
    print(f"sessions: {n} (load: {r['load0']:.1f} before, {os.getloadavg()[0]:.1f} after, "
          f"on {os.cpu_count()} cores)")
    if "usable" in r:
        print(f"usable after the address is printed: {r['usable']:.2f} s")
    floors = r.get("floors", [])
    for i, (floor, (f_server, f_clients)) in enumerate(floors):
        print(f"floor page (one line of text), opening {i + 1}, {n} pages "
              f"opened at once: median {statistics.median(floor):.2f} s, max {max(floor):.2f} s;"
              f" CPU: server {f_server / n:.3f} s a session, browsers {f_clients / n:.2f} s a page")
    if "render" not in r:
        return
    render, (server, clients) = r["render"], r["open_cpu"]
    print(f"render, {n} pages opened at once, as the browsers saw it: median "
          f"{statistics.median(render):.2f} s, max {max(render):.2f} s")
    if len(floors) > len(r.get("pages", [])):  # each page opening between two floor openings
        ratios, cpus = [], []
        for i, (times, (_, page_cpu)) in enumerate(r["pages"]):
            around = floors[i:i + 2]  # the floor just before and just after: a drift cancels
            ratios.append(statistics.median(times)
                          / statistics.mean(statistics.median(f) for f, _ in around))
            cpus.append(page_cpu / statistics.mean(c for _, (_, c) in around))
        if len(ratios) > 1:
            print("page openings between floors: render / floor " + ", ".join(
                f"{x:.2f}" for x in ratios) + "; browsers' CPU / floor's " + ", ".join(
                f"{x:.2f}" for x in cpus))
        print(f"render / floor page: {statistics.median(ratios):.2f} (median of {len(ratios)} "
              f"opening(s); medians of the pages); browsers' CPU / floor's: "
              f"{statistics.median(cpus):.2f}")
    print(f"CPU to open them: server {server:.1f} s ({server / n:.3f} s a session; server-only "
          f"estimate for {n}: {server:.1f} s), the {n} browsers {clients:.1f} s "
          f"({clients / n:.2f} s a page)")
    if "steps" in r:
        steps = r["steps"]
        print(f"Step, {n} pressing together x {r['rounds']}: median "
              f"{statistics.median(steps):.2f} s, max {max(steps):.2f} s; server CPU "
              f"{1000 * r['step_cpu']:.0f} ms a Step")
    if r.get("play") is not None:
        print(f"Play: {r['play']:.1f} days/s")
    if "closed" in r:
        print(f"server memory: {r['base']:.0f} MB idle, {r['opened']:.0f} MB with {n} open, "
              f"{r['stepped']:.0f} MB after stepping, {r['closed']:.0f} MB after closing them")
    if r.get("churn"):
        mem = r["churn"]
        print(f"server memory over {10 * len(mem)} more sessions (after each 10 closed): "
              + ", ".join(f"{m:.0f}" for m in mem) + " MB")
        print(f"memory over churn: {mem[0]:.0f} MB after the first 10, {mem[-1]:.0f} MB after "
              f"the last 10 ({100 * (mem[-1] - mem[0]) / mem[0]:+.1f} %)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--churn", type=int, default=0, help="sessions opened and closed after")
    parser.add_argument("--floor", action="store_true", help="a one-line solara page instead")
    parser.add_argument("--repeat", type=int, default=1,
                        help="open the page this many times, each between two floor openings")
    args = parser.parse_args()
    expect.set_options(timeout=300_000)  # 30 pages on 2 cores are slow: wait, never fail
    r: dict = {"load0": os.getloadavg()[0], "rounds": args.rounds}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        r["floors"] = [measure(browser, args, r, floor=True)]
        if not args.floor:
            r["pages"] = [measure(browser, args, r, floor=False)]
            r["floors"].append(measure(browser, args, r, floor=True))
            for _ in range(args.repeat - 1):  # floor, page, floor, page, floor: pairs by time
                r["pages"].append(measure(browser, args, {}, floor=False, full=False))
                r["floors"].append(measure(browser, args, r, floor=True))
        browser.close()
    report(args.sessions, r)
    return 0


def measure(browser, args, r: dict, floor: bool, full: bool = True) -> tuple[list[float], tuple]:
    """Open ``args.sessions`` pages at once on the floor page or on `sim app` (then, if ``full``,
    Step, Play, memory and churn into ``r``); returns the render times and the (server,
    browsers) CPU s."""
    proc, url, printed = start_server(floor)  # the browser is up first: not timed
    pid = proc.pid
    try:
        first = browser.new_context(viewport=VIEWPORT).new_page()
        first.set_default_timeout(120_000)
        first.goto(url + "/")
        expect(first.locator(".sim-chart").first).to_be_visible()
        if not floor:
            r["usable"] = time.monotonic() - printed
        first.context.close()
        if floor or not full:
            pages, render, cpu = open_pages(browser, url, args.sessions, pid)
            for page in pages:
                page.context.close()
            return render, cpu
        r["base"] = tree_rss_mb(pid)
        pages, r["render"], r["open_cpu"] = open_pages(browser, url, args.sessions, pid)
        r["opened"] = tree_rss_mb(pid)
        r["steps"], r["step_cpu"] = step_rounds(pages, args.rounds, pid)
        r["stepped"] = tree_rss_mb(pid)
        r["play"] = play_speed(pages[0]) if args.sessions == 1 else None
        for page in pages:
            page.context.close()
        time.sleep(12)  # the server culls closed sessions after 5 s: let it
        r["closed"] = tree_rss_mb(pid)
        if args.churn:
            r["churn"] = churn(browser, url, args.churn, pid)
        return r["render"], r["open_cpu"]
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(15)


if __name__ == "__main__":
    sys.exit(main())

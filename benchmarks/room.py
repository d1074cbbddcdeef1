"""A room of students on one `sim app` server, with headless Chromium as the students.

    .venv/bin/python benchmarks/room.py --sessions 30 [--rounds 5]

Prints, for N sessions opened at once:
  * usable: seconds from `sim app` printing its address to the first page showing its charts
  * render: seconds from opening all N pages to each showing its charts (median, max)
  * Step with everyone pressing: all N pages press Step together, ``--rounds`` times; seconds
    from each page's click to its date changing, measured in the page (median, max)
  * Play: days a second one page advances while playing (with --sessions 1)
  * server memory (RSS of `sim app` and the solara server) after opening, after stepping, and
    after all pages closed and their sessions were culled
Targets (issues 15 and 18): usable <= 5 s, Step <= 0.2 s alone and <= 2 s median with 30
pressing, Play >= 5 days/s, 30 pages render within 15 s, memory back down after closing.
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


def start_server(cull: str) -> tuple[subprocess.Popen, str, float]:
    """`sim app` on a free port; returns it, its URL and the time it printed its address."""
    port = free_port()
    env = dict(os.environ, SOLARA_KERNEL_CULL_TIMEOUT=cull, PYTHONUNBUFFERED="1")
    proc = subprocess.Popen([sys.executable, "-m", "sim", "app", "--port", str(port)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            env=env, start_new_session=True)
    for line in proc.stdout:
        if line.startswith("open http"):
            return proc, f"http://127.0.0.1:{port}", time.monotonic()
    raise RuntimeError("`sim app` did not print its address")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    expect.set_options(timeout=180_000)  # 30 pages on 2 cores are slow: wait, never fail
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        proc, url, printed = start_server("5s")  # the browser is up first: not timed
        try:
            first = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
            first.set_default_timeout(120_000)
            first.goto(url + "/")
            expect(first.locator(".sim-chart").first).to_be_visible()
            usable = time.monotonic() - printed
            first.context.close()
            base = tree_rss_mb(proc.pid)
            server = tree(proc.pid)
            clients = [p for p in tree(os.getpid()) if p not in server and p != os.getpid()]
            cpu0 = tree_cpu_s(server), tree_cpu_s(clients)
            pages = []
            t0 = time.time()
            for _ in range(args.sessions):
                context = browser.new_context(viewport={"width": 1280, "height": 720})
                context.add_init_script(RENDERED)
                page = context.new_page()
                page.set_default_timeout(180_000)
                page.goto(url + "/", wait_until="commit")
                pages.append(page)
            for page in pages:
                page.wait_for_function("window.__rendered !== undefined", polling=500)
            render = [page.evaluate("window.__rendered") / 1000 - t0 for page in pages]
            server = tree(proc.pid)  # the same processes now have more threads, not children
            clients = [p for p in tree(os.getpid()) if p not in server and p != os.getpid()]
            open_cpu = tree_cpu_s(server) - cpu0[0], tree_cpu_s(clients) - cpu0[1]
            opened = tree_rss_mb(proc.pid)
            step_cpu0 = tree_cpu_s(server)
            steps = []
            for _ in range(args.rounds):
                for page in pages:
                    page.evaluate(CLICK_STEP)
                for page in pages:
                    page.wait_for_function("window.__t1 !== null")
                    steps.append(page.evaluate("(window.__t1 - window.__t0) / 1000"))
                for page in pages:  # every page idle again before the next round
                    expect(page.get_by_role("button", name="Step", exact=True)).to_be_enabled()
            step_cpu = (tree_cpu_s(server) - step_cpu0) / (args.rounds * args.sessions)
            stepped = tree_rss_mb(proc.pid)
            play = None
            if args.sessions == 1:
                page = pages[0]
                day0 = int(page.locator(".sim-status .day").inner_text().split()[1])
                t = time.monotonic()
                page.get_by_role("button", name="Play", exact=True).click()
                page.wait_for_function("""(d) => parseInt(document.querySelector('.sim-status .day')
                    .textContent.split(' ')[1]) >= d""", arg=day0 + 40)
                play = 40 / (time.monotonic() - t)
                page.get_by_role("button", name="Pause", exact=True).click()
            for page in pages:
                page.context.close()
            time.sleep(12)  # the server culls closed sessions after 5 s: let it
            closed = tree_rss_mb(proc.pid)
            browser.close()
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(15)
    n = args.sessions
    print(f"sessions: {n} (load: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    print(f"usable after the address is printed: {usable:.2f} s")
    print(f"render, {n} pages opened at once, as the browsers saw it: median "
          f"{statistics.median(render):.2f} s, max {max(render):.2f} s")
    print(f"CPU to open them: server {open_cpu[0]:.1f} s ({open_cpu[0] / n:.2f} s a session), "
          f"the {n} browsers {open_cpu[1]:.1f} s ({open_cpu[1] / n:.2f} s a page)")
    print(f"Step, {n} pressing together x {args.rounds}: median {statistics.median(steps):.2f} s, "
          f"max {max(steps):.2f} s")
    print(f"server CPU per Step: {1000 * step_cpu:.0f} ms")
    if play is not None:
        print(f"Play: {play:.1f} days/s")
    print(f"server memory: {base:.0f} MB idle, {opened:.0f} MB with {n} open, {stepped:.0f} MB "
          f"after stepping, {closed:.0f} MB after closing them")
    return 0


if __name__ == "__main__":
    sys.exit(main())

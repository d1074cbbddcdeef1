"""Random-moment SIGTERMs to a running ensemble: no hang, no stray process, no scratch folder.

    python benchmarks/interrupts.py [--tries 200] [--runs 3000] [--jobs 2] [--signal TERM]
                                    [--earliest 1.5] [--latest 4.5] [--seed 0]

Each try starts `sim run scenarios/baseline.yaml --runs N --jobs J --out DIR` in a new process
group (as a job scheduler or a container runtime does), waits a random moment drawn uniformly
between --earliest and --latest seconds (seeded), and sends the signal to the whole group. It
then checks what an operator would: the command ended within 15 s (else: a hang, and the group is
killed), no process of the group is left, no scratch folder `.DIR-*` is beside DIR, and DIR is
either absent or a complete folder (marker, manifest, runs.csv) marked partial or finished. The
last line prints the counts and the machine's load.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HANG_SECONDS = 15.0


def group_members(pgid: int) -> list[int]:
    """Live (not zombie) processes whose process group is ``pgid``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            found.append(int(entry.name))
    return found


def folder_state(out: Path) -> str:
    """absent, partial, finished, or what is wrong with it."""
    if not out.exists():
        return "absent"
    try:
        manifest = json.loads((out / "manifest.json").read_text())
        json.loads((out / ".sim-output.json").read_text())
        rows = (out / "runs.csv").read_text().strip().splitlines()
    except (OSError, ValueError) as exc:
        return f"incomplete ({exc})"
    runs = manifest["ensemble"]["runs"]
    if runs < 1 or len(rows) - 1 != runs:
        return f"inconsistent ({runs} runs, {len(rows) - 1} rows)"
    return "partial" if manifest["partial"] else "finished"


def one_try(delay: float, args, tmp: Path) -> dict:
    out = tmp / "out"
    cmd = [sys.executable, "-m", "sim", "run", str(ROOT / "scenarios" / "baseline.yaml"),
           "--runs", str(args.runs), "--jobs", str(args.jobs), "--out", str(out)]
    with (tmp / "stderr.txt").open("w") as err:
        proc = subprocess.Popen(cmd, cwd=tmp, stdout=subprocess.DEVNULL, stderr=err,
                                start_new_session=True,
                                env=dict(os.environ, PYTHONFAULTHANDLER="1"))
    time.sleep(delay)
    signum = getattr(signal, "SIG" + args.signal)
    sent = time.monotonic()
    try:
        os.killpg(proc.pid, signum)
    except ProcessLookupError:
        pass
    hang = False
    try:
        proc.wait(HANG_SECONDS)
    except subprocess.TimeoutExpired:
        hang = True
    ended = time.monotonic() - sent
    while group_members(proc.pid) and time.monotonic() - sent < HANG_SECONDS:
        time.sleep(0.05)  # helpers (forkserver, resource tracker) leave once sim has gone
    gone = time.monotonic() - sent
    stray = [Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()[:120]
             for pid in group_members(proc.pid)]
    if hang or stray:
        if proc.poll() is None:  # its threads' stacks into stderr.txt (PYTHONFAULTHANDLER)
            os.kill(proc.pid, signal.SIGABRT)
            time.sleep(1.0)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    scratch = [p.name for p in tmp.iterdir() if p.name.startswith(".out-")]
    text = (tmp / "stderr.txt").read_text()
    lines = text.strip().splitlines()
    return {"delay": round(delay, 3), "hang": hang, "seconds": round(ended, 2),
            "group_gone": round(gone, 2), "stray_commands": stray,
            "code": proc.returncode, "stray": len(stray), "scratch": len(scratch),
            "out": folder_state(out), "last": lines[-1] if lines else "",
            "traceback": any("Traceback" in x for x in lines),
            "stderr": text[-4000:] if hang or stray or scratch or "Traceback" in text else ""}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--tries", type=int, default=200)
    p.add_argument("--runs", type=int, default=3000)
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--signal", default="TERM", choices=["TERM", "INT", "HUP"])
    p.add_argument("--earliest", type=float, default=1.5)
    p.add_argument("--latest", type=float, default=4.5)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--log", type=Path, help="write every try as a JSON line here")
    args = p.parse_args()
    rng = random.Random(args.seed)
    load0 = os.getloadavg()[0]
    bad = []
    counts = {"hang": 0, "stray": 0, "scratch": 0, "bad_out": 0, "traceback": 0, "bad_code": 0}
    outs: dict[str, int] = {}
    started = time.monotonic()
    for k in range(args.tries):
        with tempfile.TemporaryDirectory() as tmp:
            r = one_try(rng.uniform(args.earliest, args.latest), args, Path(tmp))
        kind = r["out"].split()[0]
        outs[kind] = outs.get(kind, 0) + 1
        expected = {128 + getattr(signal, "SIG" + args.signal), 0}
        problems = {"hang": r["hang"], "stray": r["stray"] > 0, "scratch": r["scratch"] > 0,
                    "bad_out": kind not in ("absent", "partial", "finished"),
                    "traceback": r["traceback"], "bad_code": r["code"] not in expected}
        for key, flag in problems.items():
            counts[key] += bool(flag)
        if any(problems.values()):
            bad.append(r)
        if args.log:
            with args.log.open("a") as f:
                f.write(json.dumps(r) + "\n")
        flags = ", ".join(key for key, flag in problems.items() if flag)
        print(f"{k + 1:4d}/{args.tries} after {r['delay']:.2f} s: exit {r['code']} in "
              f"{r['seconds']:.2f} s, group gone in {r['group_gone']:.2f} s, out {r['out']}"
              + (f"  <-- {flags}" if flags else ""), flush=True)
    print(json.dumps(bad[:5], indent=1) if bad else "")
    print(f"{args.tries} tries (SIG{args.signal}) in "
          f"{time.monotonic() - started:.0f} s: {counts['hang']} hangs, {counts['stray']} with "
          f"stray processes, {counts['scratch']} with a scratch folder, {counts['bad_out']} "
          f"with an incomplete --out, {counts['traceback']} tracebacks, {counts['bad_code']} "
          f"unexpected exit codes; --out: {outs}; load {load0:.1f} -> {os.getloadavg()[0]:.1f}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

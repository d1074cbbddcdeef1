"""One seeded run of a scenario, and the files it leaves: timeline, events, manifest."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from sim.engine.model import LogEntry, NegotiationModel
from sim.scenario.language import Scenario


@dataclass
class RunResult:
    """What one run produced: the day-by-day columns and the decision log."""

    scenario: Scenario
    seed: int
    columns: dict[str, list]
    events: list[dict]
    seconds: float
    entries: list[LogEntry] = field(default_factory=list)  # the model's log (for outcomes)


def run_once(scenario: Scenario, seed: int | None = None, run: int = 0) -> RunResult:
    """Run ``scenario`` from start to end with ``seed`` (default: the scenario's own)."""
    seed = scenario.seed if seed is None else seed
    started = time.perf_counter()
    model = NegotiationModel(scenario, seed=seed, run=run).run_to_end()
    return RunResult(scenario, seed, model.columns, events_of(model, run),
                     time.perf_counter() - started, model.entries)


def events_of(model: NegotiationModel, run: int) -> list[dict]:
    start = model.spec.start
    return [{"date": start + dt.timedelta(days=e.day), "run": run, "actor": e.actor,
             "kind": e.kind, "meeting": e.meeting, "why": e.why} for e in model.entries]


def fmt(value: object) -> str:
    """A CSV cell that is byte-identical for identical runs."""
    if isinstance(value, float):
        return f"{value:.6f}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def timeline_csv(columns: dict[str, list]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    names = list(columns)
    writer.writerow(names)
    for row in zip(*(columns[n] for n in names), strict=True):
        writer.writerow([fmt(v) for v in row])
    return out.getvalue()


def events_csv(events: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["date", "run", "actor", "kind", "meeting", "why"])
    for e in events:
        writer.writerow([fmt(e[k]) for k in ("date", "run", "actor", "kind", "meeting", "why")])
    return out.getvalue()


def manifest(scenario: Scenario, seed: int, seconds: float, extra: dict | None = None) -> dict:
    """Enough to reproduce a result: scenario hash, seed, versions, command line, time taken."""
    versions = {}
    for package in ("negotiation-sim", "mesa", "numpy", "matplotlib", "pyyaml"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    return {
        "scenario": scenario.name,
        "scenario_file": str(scenario.file) if scenario.file else None,
        "scenario_sha256": scenario.sha256,
        "seed": seed,
        "python": platform.python_version(),
        "packages": versions,
        "command": command_line(),
        "seconds": round(seconds, 3),
        **(extra or {}),
    }


def command_line() -> str:
    """The `sim` command that made a result, or where the Python API was called from."""
    program = Path(sys.argv[0]).name if sys.argv and sys.argv[0] else ""
    if program in ("sim", "__main__.py"):
        return " ".join(["sim", *sys.argv[1:]])
    return f"the Python API (sim.run / sim.ensemble / sim.compare) from {program or 'python'}"


@contextmanager
def staged_output(final: Path) -> Iterator[Path]:
    """A scratch folder that replaces ``final`` only if everything in it was written."""
    final = Path(final)
    final.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f".{final.name}-", dir=final.parent))
    try:
        yield scratch
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    if final.exists():
        old = final.with_name(f".{final.name}-old-{os.getpid()}")
        final.rename(old)
        scratch.rename(final)
        shutil.rmtree(old, ignore_errors=True)
    else:
        scratch.rename(final)


def write_run(result: RunResult, folder: Path) -> None:
    """timeline.csv, events.csv and manifest.json for one run."""
    (folder / "timeline.csv").write_text(timeline_csv(result.columns))
    (folder / "events.csv").write_text(events_csv(result.events))
    (folder / "manifest.json").write_text(
        json.dumps(manifest(result.scenario, result.seed, result.seconds), indent=2) + "\n")

"""Which record a scenario is scored against: the one place that decides it.

A scenario may name its own record (the ``record:`` key, a path relative to the scenario file,
exposed on the spec as ``record_file``); otherwise it is scored against the shipped 2025 record.
Runs, ensembles, comparisons, the CLI and the Python API all ask here.
"""

from __future__ import annotations

import functools
from pathlib import Path

from sim.engine.spec import Scenario
from sim.record.documents import Record
from sim.record.reader import load_record
from sim.scenario.bundled import default_record_path


def record_path(scenario: Scenario) -> Path:
    """The record file ``scenario`` is scored against."""
    own = getattr(scenario, "record_file", None)  # set by a scenario's `record:` key
    return Path(own) if own else default_record_path()


def record_for(scenario: Scenario) -> Record:
    """The record ``scenario`` is scored against, read and checked (cached per file version).

    The quantities it may observe are the ones its own ``quantities:`` section declares; a run
    that lacks one leaves those observations unscored (and the fit says so)."""
    path = record_path(scenario)
    return _read(str(path.resolve()), path.stat().st_mtime_ns if path.exists() else 0)


@functools.lru_cache(maxsize=16)
def _read(path: str, mtime_ns: int) -> Record:
    return load_record(path)

"""Which record a scenario is scored against: the one place that decides it.

A scenario may name its own record (the ``record:`` key, a path relative to the scenario file,
exposed on the spec as ``record_file``); a scenario that names none has nothing to be scored
against: it runs as usual, and its scorecard is empty and says why.
Runs, ensembles, comparisons, the CLI and the Python API all ask here.
"""

from __future__ import annotations

import functools
from pathlib import Path

from sim.engine.spec import Scenario
from sim.errors import UserError
from sim.record.documents import Record
from sim.record.reader import load_record
from sim.record.series_score import with_series


def record_path(scenario: Scenario) -> Path | None:
    """The record file ``scenario`` is scored against, or None when it names none."""
    own = getattr(scenario, "record_file", None)  # set by a scenario's `record:` key
    return Path(own) if own else None


def has_record(scenario: Scenario) -> bool:
    """Whether ``scenario`` names a record to be scored against (its ``record:`` key)."""
    return record_path(scenario) is not None


NO_RECORD_TITLE = "no record (the scenario has no `record:` key)"


def record_for(scenario: Scenario) -> Record:
    """The record ``scenario`` is scored against, read and checked (cached per file version).

    The quantities it may observe are the ones its own ``quantities:`` section declares; a run
    that lacks one leaves those observations unscored (and the fit says so)."""
    path = record_path(scenario)
    if path is None:  # nothing to score against: an empty record, not someone else's
        return Record(file=Path(), title=NO_RECORD_TITLE, documents={}, observations=())
    return _read(str(path.resolve()), path.stat().st_mtime_ns if path.exists() else 0)


@functools.lru_cache(maxsize=16)
def _read(path: str, mtime_ns: int) -> Record:
    del mtime_ns  # only the cache's key: a changed file is read again
    return load_record(path)


def record_to_fit(scenario: Scenario, file: str | Path | None = None) -> Record:
    """The record a command that needs one (validation, calibration) compares with: ``file`` if
    given, else the scenario's own, with the series beside it when the scenario has a `trade:`
    section (``with_series``: runs are scored on them too); a clean error when there is
    neither."""
    if file:
        return with_series(load_record(file), scenario)
    if not has_record(scenario):
        raise UserError(scenario.file or scenario.name,
                        "names no record (no `record:` key), so there is nothing to compare its "
                        "runs with; add `record: FILE` to the scenario or pass --record FILE")
    return with_series(record_for(scenario), scenario)

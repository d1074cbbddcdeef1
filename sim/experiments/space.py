"""Disk space: what a folder of results needs, checked before anything runs, and what to keep
when the disk fills anyway.

The estimates are measured on the shipped scenarios (a 124-day scenario: an ensemble folder
with figures and report about 1.6 MB plus 120 B a run in runs.csv; every run's timeline and
events with ``--timelines`` about 200 B a day; a single run's folder about 1.2 MB) and rounded
up; ``MARGIN`` covers file-system blocks and longer scenarios' wider tables.
"""

from __future__ import annotations

import errno
import shutil
from pathlib import Path

from sim.errors import UserError

MARGIN = 1.5
FOLDER_FIXED = 64_000  # marker, manifest, scorecard, outcomes
PER_DAY = 1_500  # per-day aggregates (ensemble.csv, status.csv, timeline.csv) a day
FIGURES = 1_600_000  # three PNG figures and report.html (its figures inlined)
PER_RUN = 150  # one row of runs.csv
PER_RUN_DAY = 250  # one run's timeline and events rows, a day (--timelines)
FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC), errno.EFBIG}


def ensemble_bytes(runs: int, days: int, figures: bool = True, timelines: bool = False,
                   scenarios: int = 1) -> int:
    """About how many bytes an ensemble's folder takes (``scenarios`` for a comparison)."""
    per = FOLDER_FIXED + PER_DAY * days + PER_RUN * runs + \
        (PER_RUN_DAY * days * runs if timelines else 0)
    return int(MARGIN * (scenarios * per + (FIGURES if figures else 0)))


def run_bytes(days: int, figures: bool = True) -> int:
    """About how many bytes a single run's folder takes."""
    return int(MARGIN * (FOLDER_FIXED + PER_DAY * days + PER_RUN_DAY * days
                         + (FIGURES if figures else 0)))


def size_text(n: float) -> str:
    for unit in ("bytes", "kB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} TB"


def check_space(parent: Path, needed: int, shown: Path) -> None:
    """Refuse (``UserError``, exit 2) when the disk holding ``parent`` has less than ``needed``
    bytes free: before anything runs, rather than after."""
    if needed <= 0:
        return
    try:
        free = shutil.disk_usage(parent).free
    except OSError:
        return  # cannot tell: the write will say
    if free < needed:
        raise UserError("--out", f"{shown} needs about {size_text(needed)} but its disk has "
                        f"{size_text(free)} free. Nothing was written. Free some space, "
                        "or choose a folder on another disk with --out")


def disk_full(exc: BaseException) -> bool:
    return isinstance(exc, OSError) and exc.errno in FULL

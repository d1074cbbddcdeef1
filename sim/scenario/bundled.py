"""Where the shipped scenarios and their records live.

One place answers this for the whole package, so that the scenarios can become package data
without every module walking up from its own file.
"""

from __future__ import annotations

from pathlib import Path

# The repository's scenarios/ folder (the package sits beside it in a clone).
SCENARIOS = Path(__file__).resolve().parent.parent.parent / "scenarios"


def scenarios_dir() -> Path:
    """The folder holding the shipped scenarios and ``record/``."""
    return SCENARIOS


def default_record_path() -> Path:
    """The record the shipped baseline is scored against."""
    return SCENARIOS / "record" / "us_china_2025.yaml"

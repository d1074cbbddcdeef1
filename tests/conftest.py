from __future__ import annotations

from pathlib import Path

import pytest

from sim.scenario.language import Scenario, load_scenario

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "scenarios" / "baseline.yaml"


@pytest.fixture(scope="session")
def baseline() -> Scenario:
    return load_scenario(BASELINE)

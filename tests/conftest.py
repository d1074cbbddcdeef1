from __future__ import annotations

from pathlib import Path

import pytest

from sim.scenario.language import Scenario, load_scenario

ROOT = Path(__file__).resolve().parent.parent

# Modules whose tests run whole ensembles, subprocesses, a browser, a wheel build or signals: marked
# `slow` here, in one place, so `pytest -m "not slow"` is the quick loop (under a minute). A module
# joins when its tests are integration tests by nature and take more than a few seconds together
# (measure with `pytest --durations=0 tests/<module>.py`); in a module of unit tests, a single
# integration test (a `sim`, `pytest` or Python subprocess, a calibration or a full report through
# the CLI or the API, a direction over tens of seeds) carries `@pytest.mark.slow` itself. CI runs
# both (`.ci/run`: the whole suite).
SLOW_MODULES = {
    "test_app_browser", "test_app_room", "test_wheel", "test_signals", "test_dask", "test_notebook",
    "test_calibrate", "test_calibrate_pyabc", "test_calibrate_section", "test_sensitivity",
    "test_sweeps", "test_validation", "test_ensemble", "test_counterfactuals", "test_outputs",
    "test_record_2018", "test_behaviour_score", "test_mechanisms", "test_determinism",
    "test_play_cli", "test_readme", "test_scenario_properties", "test_api",
    "test_worksheet",  # the answer key: 100 runs of each of 9 scenarios and 3 students
    "test_docs_api",  # docs/api.md's examples as written: ensembles, comparisons, saved figures
}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.stem in SLOW_MODULES:
            item.add_marker(pytest.mark.slow)
BASELINE = ROOT / "scenarios" / "baseline.yaml"


@pytest.fixture(scope="session")
def baseline() -> Scenario:
    return load_scenario(BASELINE)


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    """Say why tests were skipped, without `-rs`: a newcomer without the seed documents, a
    browser or an extra sees the reason (and what to set or install) in every summary."""
    chars = config.getoption("reportchars", "") or ""
    if any(c in chars for c in "saA"):
        return  # pytest lists each skip already
    reasons: dict[str, int] = {}
    for report in terminalreporter.stats.get("skipped", []):
        longrepr = report.longrepr
        reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
        reason = reason.removeprefix("Skipped: ")
        reasons[reason] = reasons.get(reason, 0) + 1
    if not reasons:
        return
    terminalreporter.section("why tests were skipped", sep="-")
    for reason, count in reasons.items():
        terminalreporter.write_line(f"{count} skipped: {reason}")

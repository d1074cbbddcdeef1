from __future__ import annotations

from pathlib import Path

import pytest

from sim.scenario.language import Scenario, load_scenario

ROOT = Path(__file__).resolve().parent.parent
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

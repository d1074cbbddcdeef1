"""The worksheet's answer key is the model's: regenerated here, and stale the moment the model
moves (docs/worksheet.md; ``sim.experiments.worksheet``)."""

from __future__ import annotations

import numpy as np
import pytest

import sim.engine.watching as watching
from sim.experiments import worksheet as ws

FIX = "run `python -m sim.experiments.worksheet` to rewrite it from the model"


@pytest.fixture
def fresh_caches():
    ws.scenario_outcomes.cache_clear()
    ws.student_rows.cache_clear()
    yield
    ws.scenario_outcomes.cache_clear()
    ws.student_rows.cache_clear()


def _shipped_key() -> str:
    return ws.current_key(ws.WORKSHEET.read_text(encoding="utf-8"))


def test_the_worksheet_key_is_what_the_model_gives_today():
    shipped = _shipped_key()
    assert shipped, f"docs/worksheet.md has lost its generated answer key: {FIX}"
    assert ws.answer_key() == shipped, f"docs/worksheet.md's answer key is stale: {FIX}"


def test_the_key_goes_stale_when_a_model_constant_moves(fresh_caches, monkeypatch):
    shipped = _shipped_key()
    monkeypatch.setattr(watching, "TRUST_RISE", 2 * watching.TRUST_RISE)  # trust recovers faster
    assert ws.scenario_row("baseline") not in shipped
    assert ws.students_table() not in shipped


def test_the_statements_under_the_key_hold():
    base, no_call = ws.scenario_outcomes("baseline"), ws.scenario_outcomes("no_call")
    early, hawk = ws.scenario_outcomes("early_call"), ws.scenario_outcomes("hawkish_us")
    tight, full = ws.scenario_outcomes("tight_rare_earths"), ws.scenario_outcomes(
        "full_compliance")
    assert 20 <= np.median(base["final.us.tariff_on_china"]) <= 40
    assert 5 <= np.median(base["final.china.tariff_on_us"]) <= 15
    # collapsed runs return to the suspended layers (20 + 34 points), not to April's 145 %
    assert np.percentile(base["final.us.tariff_on_china"], 90) == pytest.approx(54)
    assert no_call["agreement.london"].mean() < base["agreement.london"].mean()
    assert no_call["collapse"].mean() > base["collapse"].mean()
    assert np.median(early["measures"]) < np.median(base["measures"])
    assert hawk["agreement.geneva"].mean() > 0.9 and hawk["agreement.london"].mean() < 0.1
    assert np.median(tight["final.china.rare_earth_licensing"]) <= 0.25
    assert full["measures"].max() == 0 and full["collapse"].max() == 0
    accept, hold, walk = (ws.student_rows()[s.name] for s in ws.STUDENTS)
    assert accept["china.rare_earth_licensing"].placement() == "above every model run"
    assert hold["us.trust"].placement() == "below every model run"
    assert walk["agreements"].yours == "0"

"""The page's explain panel: `sim explain` for the run on screen, without a browser."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("solara")

from sim.experiments.runs import events_csv, events_of  # noqa: E402
from sim.views.app import explain_panel  # noqa: E402
from sim.views.app.model import ClassroomModel  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scenarios" / "baseline.yaml"


def test_the_panel_explains_the_run_on_screen_with_its_numbers():
    model = ClassroomModel(scenario_file=str(BASELINE), draw=3, **{"us.patience": 0.9})
    model.run_to_end()
    explained = explain_panel.explanation(model)
    # the replay is the page's own run: same behaviour values, same seed, same events
    assert explained.told == events_csv(events_of(model, 0))
    page = explain_panel.explain_html(model)
    assert "Geneva" in page and "London" in page
    assert "reservation" in page and "<table>" in page


def test_only_what_happened_so_far_is_explained():
    model = ClassroomModel(scenario_file=str(BASELINE))
    assert "No meeting or decision point yet" in explain_panel.explain_html(model)
    while model.running and not any(e.kind == "agreement" for e in model.entries):
        model.step()
    page = explain_panel.explain_html(model)
    assert "Geneva" in page and "London" not in page


def test_a_students_run_is_not_replayed_without_the_students_answers():
    model = ClassroomModel(scenario_file=str(BASELINE), controllers={"china": object()})
    assert "cannot be replayed here" in explain_panel.explain_html(model)

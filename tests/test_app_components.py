"""The classroom page's parts without a browser: solara.render, the model factory, the band."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

solara = pytest.importorskip("solara")
v = pytest.importorskip("ipyvuetify")
widgets = pytest.importorskip("ipywidgets")

from mesa.visualization.utils import update_counter  # noqa: E402

from sim.engine.model import NegotiationModel  # noqa: E402
from sim.views import app  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "scenarios" / "baseline.yaml"


def _html(rc, cls: str) -> str:
    return rc.find(solara.widgets.HTML, attributes={"class": cls}).widget.unsafe_innerHTML


def test_picker_lists_every_scenario_file_by_title():
    files = app.scenario_files()
    on_disk = {p.resolve() for p in (ROOT / "scenarios").glob("*.yaml")}
    assert set(files.values()) == on_disk
    assert "Geneva -> leaders' call -> London, as documented" in files
    app.open_scenario(BASELINE)
    box, rc = solara.render(app.ScenarioPicker(), handle_error=False)
    select = rc.find(v.Select, label="Scenario").widget
    assert sorted(select.items) == sorted(files)
    assert select.v_model == "Geneva -> leaders' call -> London, as documented"
    other = next(t for t in files if files[t] != BASELINE.resolve())
    select.v_model = other  # picking a scenario opens a fresh model of it
    assert app.current_path.value == str(files[other])
    assert app.current_model.value.spec.title == other
    rc.close()


def test_sliders_come_from_the_actors():
    params = app.model_params(BASELINE)
    scenario = app.load(BASELINE)
    for actor in scenario.actors.values():
        for name in app.MAIN_PARAMS:
            key = f"{actor.id}.{name}"
            assert params[key]["type"] == "SliderFloat"
            assert params[key]["label"].startswith(actor.label)
    assert params["us.patience"]["value"] == 0.3  # the scenario's own value
    assert params["us.concession"]["value"] == 0.25  # from the boulware preset
    assert params["leaders_call"]["value"] is True


def test_date_display_and_narrative_follow_the_model():
    model = app.ClassroomModel(scenario_file=str(BASELINE))
    box, rc = solara.render(app.DateStatus(model), handle_error=False)
    rc.find(v.Html, class_="sim-date").assert_matches(children=["2025-04-14"])
    box2, rc2 = solara.render(app.Narrative(model), handle_error=False)
    assert "Nothing has happened yet" in _html(rc2, "sim-narrative")
    for _ in range(27):
        model.step()
    update_counter.value += 1  # what mesa's force_update() does
    rc.find(v.Html, class_="sim-date").assert_matches(children=["2025-05-11"])
    text = _html(rc2, "sim-narrative")
    assert text.count("<li>") == min(app.NARRATIVE_LINES, len(model.entries))
    newest = model.entries[-1].why.replace("'", "&#x27;").replace(">", "&gt;")
    assert text.index(newest[:40]) < text.index("</li>")  # newest first
    rc.close()
    rc2.close()


def test_lever_chart_is_a_png_that_changes_after_a_step():
    model = app.ClassroomModel(scenario_file=str(BASELINE))
    box, rc = solara.render(app.LeverChart(model), handle_error=False)
    before = rc.find(widgets.Image).widget.value
    assert before[:8] == b"\x89PNG\r\n\x1a\n"
    model.step()
    update_counter.value += 1
    assert rc.find(widgets.Image).widget.value != before
    rc.close()


def test_about_renders_offline_markdown():
    box, rc = solara.render(app.AboutPage(), handle_error=False)
    body = _html(rc, "about-page")
    assert "<h1>About this model</h1>" in body and "Things to try" in body
    assert "katex" not in body.lower()
    rc.close()


def test_call_switch_removes_and_moves_the_call():
    names = [m.name for m in app.ClassroomModel(leaders_call=False).spec.meetings]
    assert "leaders_call" not in names and {"geneva", "london"} <= set(names)
    moved = app.ClassroomModel(call_shift=-14).spec.meetings
    assert next(m for m in moved if m.name == "leaders_call").date == dt.date(2025, 5, 22)
    run = app.ClassroomModel(leaders_call=False).run_to_end()
    assert not any(e.kind == "call" for e in run.entries)
    assert any(e.kind == "call" for e in app.ClassroomModel().run_to_end().entries)


def test_untouched_sliders_are_the_scenario_and_moved_ones_change_the_run():
    plain = NegotiationModel(app.load(BASELINE)).run_to_end()
    defaults = {k: v["value"] for k, v in app.model_params(BASELINE).items()
                if isinstance(v, dict)}
    same = app.ClassroomModel(scenario_file=str(BASELINE), **defaults).run_to_end()
    assert same.columns == plain.columns
    changed = app.ClassroomModel(**{"us.concession": 3.0}).run_to_end()
    assert changed.columns != plain.columns


def test_full_solaraviz_step_and_reset():
    app.open_scenario(BASELINE)

    @solara.component
    def Wrapped():
        with solara.AppLayout():
            app.SimPage()

    box, rc = solara.render(Wrapped(), handle_error=False)
    rc.find(v.Btn, children=["Step"]).widget.click()
    rc.find(v.Html, class_="sim-date").assert_matches_wait(children=["2025-04-15"])
    rc.find(v.Btn, children=["Reset"]).widget.click()  # rebuilds ClassroomModel(**params)
    rc.find(v.Html, class_="sim-date").assert_matches_wait(children=["2025-04-14"])
    assert isinstance(app.current_model.value, app.ClassroomModel)
    rc.close()


def test_band_is_cached_and_spans_the_scenario():
    band = app.baseline_band(BASELINE)
    assert band is app.baseline_band(BASELINE)
    low, high = band["us.tariff_on_china"]
    assert len(low) == app.load(BASELINE).days and (low <= high).all()

"""The classroom page's parts without a browser: solara.render, the model factory, the band."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

solara = pytest.importorskip("solara")
v = pytest.importorskip("ipyvuetify")
widgets = pytest.importorskip("ipywidgets")

from sim.engine.model import NegotiationModel  # noqa: E402
from sim.views import app  # noqa: E402
from sim.views.app import page as app_page  # noqa: E402
from sim.views.app import panels as panels  # noqa: E402
from sim.views.app import runner as app_runner  # noqa: E402
from sim.views.app import state as state  # noqa: E402
from sim.views.app.model import MAIN_PARAMS  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "scenarios" / "baseline.yaml"


def _html(rc, cls: str) -> str:
    return rc.find(solara.widgets.HTML, attributes={"class": cls}).widget.unsafe_innerHTML


def test_picker_lists_every_scenario_file_by_title():
    files = app.scenario_files()
    on_disk = {p.resolve() for p in (ROOT / "scenarios").glob("*.yaml")}
    assert set(files.values()) == on_disk
    assert "Geneva -> leaders' call -> London, as documented" in files


def test_sliders_come_from_the_actors():
    params = app.model_params(BASELINE)
    scenario = app.load(BASELINE)
    for actor in scenario.actors.values():
        for name in MAIN_PARAMS:
            key = f"{actor.id}.{name}"
            assert params[key]["type"] == "SliderFloat"
            assert params[key]["label"].startswith(actor.label)
    assert params["us.patience"]["value"] == 0.3  # the scenario's own value
    assert params["us.concession"]["value"] == 0.25  # from the boulware preset
    assert params["leaders_call"]["value"] is True


def test_panels_follow_the_model():
    model = app.ClassroomModel(scenario_file=str(BASELINE))
    assert "Nothing has happened yet" in panels.narrative_html(model)
    before = panels.charts_html(model, app.baseline_band(BASELINE))
    for _ in range(27):
        model.step()
    text = panels.narrative_html(model)
    assert text.count("<li>") == min(panels.NARRATIVE_LINES, len(model.entries))
    newest = model.entries[-1].why.replace("'", "&#x27;").replace(">", "&gt;")
    assert text.index(newest[:40]) < text.index("</li>")  # newest first
    after = panels.charts_html(model, app.baseline_band(BASELINE))
    assert after != before and after.count("<figure") == len(model.spec.levers) + 2
    assert "day 27 of" in panels.status_html(model)


def test_svg_lines_hold_every_day_so_far():
    model = app.ClassroomModel(scenario_file=str(BASELINE))
    for _ in range(9):
        model.step()
    chart = panels.charts_html(model, None)
    first = chart.split("<polyline points='")[1].split("'")[0]
    assert len(first.split()) == 10  # day 0 to day 9


def test_a_failing_panel_shows_a_message_there_and_logs_once(caplog, monkeypatch):
    model = app.ClassroomModel(scenario_file=str(BASELINE))
    runner = app_runner.Runner(lambda r: model, lambda: None)
    runner.logged = set()
    state.session.set(runner)

    def broken(model, band):  # a broken run: every chart lookup fails
        return model.columns["no such column"]

    monkeypatch.setattr(panels, "charts_html", broken)

    @solara.component
    def Both():
        app_page.Charts(runner)
        app_page.Why(runner)

    with caplog.at_level("ERROR", logger="sim.app"):
        box, rc = solara.render(Both(), handle_error=False)
        state.tick.value += 1  # a redraw fails again: logged once only
        errors = rc.find(solara.widgets.HTML, attributes={"class": "sim-error"}).widgets
    assert len(errors) == 1 and "charts panel could not be drawn" in errors[0].unsafe_innerHTML
    assert "Why: the latest decisions" in _html(rc, "sim-narrative")  # the rest carries on
    assert sum("charts panel failed" in r.getMessage() for r in caplog.records) == 1
    rc.close()
    state.session.set(None)


def test_about_renders_offline_markdown():
    box, rc = solara.render(app_page.AboutPage(), handle_error=False)
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


def test_whole_page_step_and_reset():
    state.session.set(None)
    box, rc = solara.render(app_page.Page(), handle_error=False)
    rc.find(v.Btn, children=["Step"]).widget.click()  # the session's worker steps the model
    rc.find(v.Html, class_="sim-date").assert_matches_wait(children=["2025-04-15"])
    rc.find(v.Btn, children=["Reset"]).widget.click()
    rc.find(v.Html, class_="sim-date").assert_matches_wait(children=["2025-04-14"])
    assert isinstance(state.session.value.model, app.ClassroomModel)
    state.session.value.close()
    rc.close()
    state.session.set(None)


def test_band_is_cached_and_spans_the_scenario():
    band = app.baseline_band(BASELINE)
    assert band is app.baseline_band(BASELINE)
    low, high = band["us.tariff_on_china"]
    assert len(low) == app.load(BASELINE).days and (low <= high).all()


def test_a_room_takes_two_students_and_goes_when_both_leave():
    from sim.views.app import rooms as rooms

    model = app.ClassroomModel(scenario_file=str(BASELINE))
    made = []

    def make_runner(notify):
        made.append(app_runner.Runner(lambda r: model, notify))
        return made[-1]

    room = rooms.open_room(make_runner, ["us", "china"])
    assert len(room.code) == 4 and rooms.ROOMS[room.code] is room
    assert rooms.join(room.code.lower(), "a", lambda: None)[1] == "us"
    assert rooms.join(room.code, "b", lambda: None)[1] == "china"
    assert rooms.join(room.code, "c", lambda: None) is None  # full
    assert rooms.join("ZZZZ", "c", lambda: None) is None  # no such room
    rooms.leave(room.code, "a")
    assert room.code in rooms.ROOMS and not made[0]._closed
    rooms.leave(room.code, "b")
    assert room.code not in rooms.ROOMS and made[0]._closed  # nothing kept after both left


def test_starting_a_room_is_drawn_once_never_half_changed(monkeypatch):
    """Side, room code and runner change together: one render, never "You play US" without the
    room's code (a browser would show it and could be read as the code)."""
    from sim.views.app import rooms as rooms

    state.session.set(None)
    box, rc = solara.render(app_page.Page(), handle_error=False)

    class Tab:  # this tab's kernel context, as the solara server gives it to event handlers
        id, app_object = "tab-a", rc

        def on_close(self, callback):
            pass

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

    monkeypatch.setattr(app_page.kernel_context, "get_current_context", lambda: Tab())
    seen = []
    monkeypatch.setattr(app_page.Strip, "f", _recording(app_page.Strip.f, seen))
    before = rc.render_count
    runner = app_page.start_room(BASELINE)
    assert rc.render_count == before + 1
    assert seen and all(s.startswith("Room ") for s in seen if s), seen
    assert _html(rc, "sim-you") == f"Room {runner.room} · You play US"
    rooms.leave(runner.room, "tab-a")
    rc.close()
    state.session.set(None)


def _recording(strip, seen: list[str]):
    """Strip's function, noting what each render would write in the "You play" line."""
    def wrapped(runner):
        seen.append(f"Room {state.room.value} · " if state.room.value else
                    ("You play" if state.side.value else ""))
        return strip(runner)
    return wrapped

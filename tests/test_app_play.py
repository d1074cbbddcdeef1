"""The student's side of the page without a browser: offer sliders in each lever's own unit and
direction, the neutral weekly choice, the Why panel during talks, the end screen and the class."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("solara")

from player_kit import Carrier  # noqa: E402

from sim.engine.control import TalksTurn  # noqa: E402
from sim.engine.model import NegotiationModel  # noqa: E402
from sim.experiments.play import (  # noqa: E402
    compare,
    ensemble,
    from_shown,
    observations_of,
    shown,
)
from sim.views import svg_charts as svg  # noqa: E402
from sim.views.app import classroom, page, panels  # noqa: E402
from sim.views.app import play as app_play  # noqa: E402
from sim.views.app.model import ClassroomModel  # noqa: E402
from sim.views.app.runner import Question, Runner  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "scenarios" / "baseline.yaml"


def _spec(model, lever_id):
    return model.levers[lever_id].spec


def test_offer_sliders_run_the_way_the_levers_number_does(baseline):
    model = NegotiationModel(baseline)
    licences, tariff = (_spec(model, k) for k in ("china.rare_earth_licensing",
                                                  "us.tariff_on_china"))
    low, high, step = app_play.offer_range(licences, licences.restrictiveness(0.2))
    assert (low, high, step) == (pytest.approx(20.0), pytest.approx(100.0), 1.0)  # 20 % -> 100 %
    low, high, step = app_play.offer_range(tariff, tariff.restrictiveness(145))
    assert (low, high, step) == (0.0, 145.0, 1.0)
    # moving a slider right gives more of the lever's own number, whichever end restricts
    for spec in (licences, tariff):
        a, b = (spec.restrictiveness(from_shown(spec, v)) for v in (low + 1, low + 2))
        assert spec.value_at(b) > spec.value_at(a)
    assert shown(licences, 0.2) == pytest.approx(20.0)


def _turn(model, offer=None) -> TalksTurn:
    now = {k: lv.restrictiveness for k, lv in model.levers.items()}
    return TalksTurn("Geneva talks", "china", 3, 12, list(now)[:3], now, dict(now), offer, [])


def test_the_why_panel_tells_the_truth_while_a_student_decides():
    model = ClassroomModel(scenario_file=str(BASELINE))
    idle = panels.narrative_html(model)
    assert "press <b>Step</b>" in idle
    asked = panels.Now(Question("propose", _turn(model), actor="china"), busy=True)
    text = panels.narrative_html(model, now=asked)
    assert "Step" not in text and "Geneva talks, round 3 of 12" in text and "China" in text
    assert "round 3 of 12" in panels.why_line(model, asked)
    weekly = panels.Now(Question("daily", day=1, actor="china"), busy=True)
    assert "choice for the week" in panels.narrative_html(model, now=weekly)
    assert "playing" in panels.narrative_html(model, now=panels.Now(playing=True))


def test_decisions_are_grouped_so_weeks_of_carrying_on_are_one_line():
    assert app_play.grouped([(1, "carried on"), (8, "carried on"), (26, "proposed"),
                             (33, "carried on")]) == [(1, 8, "carried on", 2),
                                                      (26, 26, "proposed", 1),
                                                      (33, 33, "carried on", 1)]



def test_the_end_screen_has_the_fit_the_record_the_runs_and_the_class(monkeypatch):
    monkeypatch.setattr(classroom, "_GAMES", {})
    runs = ensemble(ClassroomModel(scenario_file=str(BASELINE)).spec, 10)
    games = []
    for _ in range(3):
        model = ClassroomModel(scenario_file=str(BASELINE), controllers={"china": Carrier()})
        model.run_to_end()
        rows = compare(model, runs, observations_of(model.spec))
        mates = classroom.record_game(model, "china", rows)
        assert classroom.record_game(model, "china", rows) == mates  # once per run
        games.append(mates)
    assert [len(m) for m in games] == [0, 1, 2]
    assert classroom.class_games(str(BASELINE), "china") == 3
    text = classroom.end_html(model, "china", rows, runs, games[-1])
    assert "Fit to the documented record" in text and "10 model runs" in text
    assert "your class (2 other games)" in text and "class median" in text
    assert "record 30 %" in text  # the US tariff's documented value
    assert text.count("class='sim-strip-chart'") == len(rows)
    assert text.count("class='mate'") == 2 * len(rows)


def test_the_class_keeps_a_bounded_number_of_games(monkeypatch):
    monkeypatch.setattr(classroom, "_GAMES", {})
    monkeypatch.setattr(classroom, "KEPT", 5)

    class Finished:
        scenario_file = "x.yaml"
    for _ in range(12):
        classroom.record_game(Finished(), "china", [])
    assert classroom.class_games("x.yaml", "china") == 5


def test_shares_are_drawn_in_percent_like_everywhere_else():
    panel = svg.Panel("Licences", "#000", 0.0, 1.0, "share", [svg.Series([0.2, 0.3], "#000")])
    html = svg.render(panel, __import__("datetime").date(2025, 4, 14), 10, 1, [])
    assert ">50 %<" in html and ">100 %<" in html and ">0.5<" not in html


def test_the_students_decisions_outlive_the_replays_and_go_with_a_reset():
    # every answer makes the run again from its start: the decisions must not live on the model
    runner = Runner(page.new_model_factory(page.defaults(BASELINE), "china"), lambda: None)
    runner.step(30)
    assert runner.question is not None and runner.question.actor == "china"
    day = runner.model.day
    app_play.decide(runner, "carried on", "carry on")
    assert runner.question is not None, "a week later the student is asked again"
    app_play.decide(runner, "carried on", "carry on")
    assert app_play.decisions_of(runner, "china")[0] == (day, "carried on")
    assert len(app_play.decisions_of(runner, "china")) == 2
    assert app_play.decisions_of(runner, "us") == []
    assert "carried on (2 times)" in app_play.decisions_html(runner, "china")
    runner.reset()
    assert app_play.decisions_of(runner, "china") == []

"""The page's who-paid panel and the end screen's who paid, without a browser: the table of the run
on screen so far (the report's numbers), folded until opened, and nothing at all for a scenario
without a trade layer."""

from __future__ import annotations

from pathlib import Path

import pytest

solara = pytest.importorskip("solara")
v = pytest.importorskip("ipyvuetify")

from player_kit import Carrier  # noqa: E402

from sim.experiments.play import ensemble  # noqa: E402
from sim.views import who_paid  # noqa: E402
from sim.views.app import play as app_play  # noqa: E402
from sim.views.app import state  # noqa: E402
from sim.views.app import who_paid_panel as panel  # noqa: E402
from sim.views.app.model import ClassroomModel  # noqa: E402
from sim.views.app.runner import Runner  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
WAR = ROOT / "scenarios" / "trade_war_2018.yaml"
BASELINE = ROOT / "scenarios" / "baseline.yaml"



def test_the_panel_shows_who_paid_in_the_run_so_far():
    model = ClassroomModel(scenario_file=str(WAR))
    for _ in range(300):
        model.step()
    paid = who_paid.run_who_paid(model.spec, model.columns)
    assert paid.last == model.date
    page = panel.who_paid_html(model)
    assert f"Who paid so far: {model.spec.start:%d %b %Y} to {model.date:%d %b %Y}" in page
    net = who_paid.money(paid.get("us", "net_loss").amount, paid.currency)
    # the sides' table, the years' (2018 and 2019 so far, each side) and the sectors'
    assert f"<td>{net}</td>" in page and page.count("<tr>") == (1 + 8) + (1 + 4) + (1 + 3)


def test_a_step_in_the_middle_of_a_read_is_cut_to_whole_days():
    model = ClassroomModel(scenario_file=str(WAR))
    for _ in range(40):
        model.step()
    last = model.columns["date"][-1]
    model.columns["date"].append(model.date)  # a step half-way through: its date, no levers yet
    assert panel.paid_so_far(model).last == last


def _open(rc) -> str:
    """Unfold the panel and return its body's HTML."""
    rc.find(v.ExpansionPanels).widget.v_model = 0
    return rc.find(solara.widgets.HTML, attributes={"class": "sim-who-paid"}).widget \
        .unsafe_innerHTML


def test_the_panel_is_folded_until_opened_and_absent_without_trade():
    model = ClassroomModel(scenario_file=str(WAR))
    for _ in range(100):
        model.step()
    runner = Runner(lambda r: model, lambda: None)
    box, rc = solara.render(panel.WhoPaidPanel(runner), handle_error=False)
    assert rc.find(v.ExpansionPanelHeader, children=["Who paid, in money (so far)"])
    assert not rc.find(solara.widgets.HTML, attributes={"class": "sim-who-paid"}).widgets
    assert "Who paid so far" in _open(rc)
    rc.close()
    plain = Runner(lambda r: ClassroomModel(scenario_file=str(BASELINE)), lambda: None)
    box, rc = solara.render(panel.WhoPaidPanel(plain), handle_error=False)
    assert not rc.find(v.ExpansionPanels).widgets  # no empty panel
    rc.close()


def test_the_end_of_a_students_game_says_what_it_cost_each_side(monkeypatch):
    model = ClassroomModel(scenario_file=str(WAR), controllers={"china": Carrier()})
    model.run_to_end()
    paid = who_paid.run_who_paid(model.spec, model.columns)
    end = panel.end_html(model, "China")
    assert "Who paid: what your game as China cost each side" in end
    for side in ("us", "china"):
        assert who_paid.money(paid.get(side, "net_loss").amount, paid.currency) in end
    plain = ClassroomModel(scenario_file=str(BASELINE), controllers={"china": Carrier()})
    assert panel.end_html(plain.run_to_end(), "China") == ""
    # and on the page's end screen, between the outcomes and the decisions
    runs = ensemble(model.spec, 3)
    monkeypatch.setattr(app_play, "page_ensemble", lambda path: runs)
    runner = Runner(lambda r: model, lambda: None)
    state.side.set("china")
    try:
        box, rc = solara.render(app_play.EndPanel(runner), handle_error=False)
        screen = rc.find(solara.widgets.HTML, attributes={"class": "sim-end sim-turn"}) \
            .widget.unsafe_innerHTML
        assert "The end: your game as China" in screen and end in screen
        rc.close()
    finally:
        state.side.set("")

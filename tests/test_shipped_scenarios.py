"""Every shipped scenario gives timing and dispositions, never outcomes; the 2018-2020 trade war is
written in the scenario language alone, runs, is scored against its own record, and escalates from
peace by behaviour (measured over seeds, at four standard errors); and the two engine rules it
relies on (nothing owed before entry into force; an expiring deal valued with its commitments
still due) hold."""

from __future__ import annotations

import copy
import datetime as dt
import math
import re
import statistics
from functools import cache
from pathlib import Path

import pytest
from code_scan import code_words

from sim.engine import clock
from sim.engine.model import NegotiationModel
from sim.errors import UserError
from sim.experiments.runs import run_once
from sim.record.fit import score
from sim.record.lookup import record_for
from sim.scenario.language import load_scenario, scenario_from_data

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
TRADE_WAR = ROOT / "scenarios" / "trade_war_2018.yaml"
# What a meeting may say: when, who, what is on the table, how long things take. None of these
# sets a lever or a result; a key that did (terms, package, value, ...) would fail this list.
MEETING_KEYS = {"name", "kind", "label", "date", "trigger", "initiator", "parties", "rounds",
                "agenda", "freeze_days", "signing_days", "in_force_days"}
SHOCK_KEYS = {"name", "label", "date", "target", "change"}


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_no_shipped_scenario_sets_a_lever_by_a_shock_or_a_meeting(path):
    """Principle 1: shocks hit constituencies (a market, firms' stocks), never a lever, and
    meetings carry dates and formats, never terms. Checked on the merged scenario (after
    ``extends``), as the loader hands it to the engine."""
    scenario = load_scenario(path)
    levers = {lever.id for actor in scenario.actors.values() for lever in actor.levers}
    constituencies = {c.id for actor in scenario.actors.values() for c in actor.constituencies}
    for shock in scenario.shocks:
        assert shock.target in constituencies and shock.target not in levers, shock
    for item in scenario.data.get("shocks") or []:
        assert set(item) <= SHOCK_KEYS, (path.name, item)
    for item in scenario.data.get("meetings") or []:
        assert set(item) <= MEETING_KEYS, (path.name, item)


def test_a_shock_aimed_at_a_lever_is_refused_by_the_loader():
    """The language itself cannot move a lever by a shock: the check above is not the only guard."""
    data = copy.deepcopy(load_scenario(TRADE_WAR).data)
    data["shocks"] = [{"name": "typed_in", "label": "List 1", "date": dt.date(2018, 7, 6),
                       "target": "us.tariff_on_china", "change": 0.5}]
    with pytest.raises(UserError):
        scenario_from_data(data)


def test_the_trade_war_runs_and_is_scored_against_the_2018_record():
    scenario = load_scenario(TRADE_WAR)
    record = record_for(scenario)
    assert Path(scenario.record_file).name == "us_china_2018.yaml"
    run = run_once(scenario, seed=1)
    fit = score(run.columns, scenario, record)
    scored = [o for o in fit.observation_scores if o.hit is not None]
    assert len(scored) >= 15  # its own quantities: tariffs, purchases, status
    # the rest are the periods of the record's trade series (sim/record/series_score.py)
    assert {o.id for o in scored if not o.quantity.startswith("series.")} <= \
        {o.id for o in record.observations}
    assert run.columns["date"][0] == dt.date(2018, 3, 22)
    assert run.columns["us.tariff_on_china"][0] == 3.0
    assert run.columns["china.tariff_on_us"][0] == 8.0


def test_the_page_switch_acts_on_the_summits_of_an_episode_without_a_call():
    """The classroom page's leaders' switch: a scenario whose leaders meet in person (no call)
    switches its summits off; the baseline's call is still the one switched."""
    from sim.views.app.model import ClassroomModel, call_meetings, load

    assert [m.name for m in call_meetings(load(TRADE_WAR))] == ["buenos_aires", "osaka"]
    off = ClassroomModel(scenario_file=str(TRADE_WAR), leaders_call=False)
    assert not [m for m in off.spec.meetings if m.kind == "summit"]
    assert [m.name for m in call_meetings(load(ROOT / "scenarios" / "baseline.yaml"))] == [
        "leaders_call"]


def test_sim_names_no_episode_year():
    """Scenario = data: no file of the package mentions the 2018 episode's years (2020 is left
    out: JSON Schema's draft is called 2020-12)."""
    for path in sorted((ROOT / "sim").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"\b(2018|2019)\b", text), path.relative_to(ROOT)


@pytest.mark.parametrize("path", sorted((ROOT / "sim" / "engine").glob("*.py"))
                         + sorted((ROOT / "sim" / "record").glob("*.py")), ids=lambda p: p.stem)
def test_engine_and_scoring_code_name_no_country_lever_or_meeting(path):
    """Neither the engine nor the scoring code names a side, a lever or a meeting of either
    episode (the 2025 record's default file name lives in ``sim.scenario.bundled``)."""
    words = ["china", "chinese", "america", "tariff", "purchases", "reforms", "buenos",
             "osaka", "phase_one", "geneva", "london", "rare_earth", "trump", "section_301"]
    text = code_words(path)
    named = [w for w in words if w in text]
    assert not named, f"{path.name} names {named}"


# --- escalation from peace, over seeds (common random numbers) -------------------------------
SEEDS = range(1, 31)
END_OF_2019 = dt.date(2019, 12, 31)


@cache
def _tariffs_end_2019(us_resolve: float | None) -> tuple[tuple[float, float], ...]:
    """(US, China) average tariff on 31 Dec 2019 per seed; ``us_resolve`` replaces the US's."""
    data = copy.deepcopy(load_scenario(TRADE_WAR).data)
    data["dates"]["end"] = END_OF_2019
    if us_resolve is not None:
        data["actors"]["us"]["behaviour"]["resolve"] = us_resolve
    scenario = scenario_from_data(data)
    out = []
    for seed in SEEDS:
        cols = run_once(scenario, seed=seed).columns
        out.append((cols["us.tariff_on_china"][-1], cols["china.tariff_on_us"][-1]))
    return tuple(out)


def _mean_se(values: list[float]) -> tuple[float, float]:
    return statistics.mean(values), statistics.stdev(values) / math.sqrt(len(values))


@pytest.mark.slow  # a direction over 30 seeds
def test_both_sides_end_2019_well_above_their_pre_war_tariffs():
    """Escalation emerges: by the end of 2019 the US average tariff has risen from 3 % and
    China's from 8 %, by at least four standard errors over 30 seeds and by several points."""
    ends = _tariffs_end_2019(None)
    for side, start in ((0, 3.0), (1, 8.0)):
        rise, se = _mean_se([e[side] - start for e in ends])
        print(f"\nside {side}: rise {rise:.1f} points (SE {se:.2f})")
        assert rise > 4.0 and rise >= 4 * se


@pytest.mark.slow  # a direction over 30 seeds
def test_the_escalation_comes_from_the_us_resolve():
    """Paired on the same seeds: a US without resolve (nothing it would press for) never raises
    its tariff, and China has nothing to answer; the shipped US escalates."""
    shipped, idle = _tariffs_end_2019(None), _tariffs_end_2019(0.0)
    diff, se = _mean_se([a[0] - b[0] for a, b in zip(shipped, idle, strict=True)])
    print(f"\nUS tariff end 2019, shipped minus no resolve: {diff:.1f} (SE {se:.2f})")
    assert diff > 4.0 and diff >= 4 * se
    assert all(us <= 3.0 and china <= 8.0 for us, china in idle)


# --- the two engine rules the episode needs -------------------------------------------------
def _peace_model() -> NegotiationModel:
    def change(data):
        data["dates"]["end"] = dt.date(2019, 6, 30)
        for actor in data["actors"].values():
            actor["behaviour"].update({"restraint": 1.0, "reciprocity": 0.0,
                                       "initial_trust": 1.0, "commitment_days": 730})
        data["actors"]["target"]["behaviour"]["compliance"] = 0.0  # never delivers
        data["meetings"] = []
    data = copy.deepcopy(load_scenario(ROOT / "scenarios" / "escalation_from_peace.yaml").data)
    change(data)
    model = NegotiationModel(scenario_from_data(data), seed=1)
    model.step()
    return model


def test_nothing_is_owed_before_the_terms_enter_into_force():
    """Signed today, in force in 30 days: until then the other side's undelivered promise is
    no shortfall (no grievance, no retaliation against a deal not yet binding); after it is."""
    model = _peace_model()
    purchases = model.levers["target.purchases"]
    model.sign("deal", {"target.purchases": purchases.spec.restrictiveness(100.0)}, "A deal",
               in_force_days=30)
    demander = model.negotiators["demander"]
    before = []
    for _ in range(29):
        model.step()
        before.append(demander.shortfall(model.agreement))
    assert max(before) == 0.0
    for _ in range(120):
        model.step()
    assert demander.shortfall(model.agreement) > 0.0


def test_an_expiring_deal_is_valued_with_its_commitments_still_due():
    """At expiry, keeping terms whose purchases are not yet delivered is worth those purchases:
    the side that cut its tariff for them does not prefer the lapse merely because nothing has
    arrived yet (a lapse stops delivery; keeping the terms does not)."""
    model = _peace_model()
    tariff, purchases = model.levers["demander.tariff"], model.levers["target.purchases"]
    tariff.set(60.0)
    model.sign("deal", {"demander.tariff": tariff.spec.restrictiveness(10.0),
                        "target.purchases": purchases.spec.restrictiveness(150.0)}, "A deal")
    tariff.set(10.0)  # implemented; nothing delivered yet
    demander = model.negotiators["demander"]
    lapse = clock.snapback(model, model.agreement)
    choice, why = clock.expiry_choice(model, demander, lapse)
    assert choice != "lapse", why


def test_meeting_labels_on_plots_do_not_overprint():
    """Plots label a meeting only if it is a fortieth of the run from every other label: the
    baseline keeps all three of its labels, the trade war's sixteen meetings are thinned, with
    both summits and the Phase One talks kept."""
    from sim.views.figure_parts import readable_meetings

    base = load_scenario(ROOT / "scenarios" / "baseline.yaml")
    assert readable_meetings(base) == {m.name for m in base.meetings}
    war = load_scenario(TRADE_WAR)
    kept = [m for m in war.meetings if m.name in readable_meetings(war)]
    gap = (war.end - war.start).days / 40
    assert all(abs((a.date - b.date).days) >= gap for a in kept for b in kept if a is not b)
    assert {"buenos_aires", "osaka", "phase_one"} <= {m.name for m in kept} and len(kept) < 16


# --- a scenario that names no record --------------------------------------------------------------
NO_RECORD = ROOT / "scenarios" / "escalation_from_peace.yaml"  # an outline episode, no `record:`


def test_a_scenario_without_a_record_runs_and_says_it_has_nothing_to_score(tmp_path, capsys):
    from sim.cli import main
    from sim.record.outcomes import outcome_list

    scenario = load_scenario(NO_RECORD)
    assert scenario.record_file is None
    assert main(["run", str(NO_RECORD), "--out", str(tmp_path / "one"), "--no-plots"]) == 0
    out = capsys.readouterr().out
    assert "nothing to score against: this scenario names no record" in out
    assert "not scored: the record scores" not in out  # never another episode's record
    rows = (tmp_path / "one" / "scorecard.csv").read_text().splitlines()
    assert len(rows) == 1  # the header only
    assert "fit" not in [o.id for o in outcome_list(scenario)]  # no fit of 0 in an ensemble
    assert "fit" in [o.id for o in outcome_list(load_scenario(TRADE_WAR))]


@pytest.mark.parametrize("command", ["validate", "calibrate"])
def test_validating_or_calibrating_without_a_record_is_a_clean_error(tmp_path, capsys, command):
    from sim.cli import main

    out = tmp_path / command
    assert main([command, str(NO_RECORD), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "escalation_from_peace.yaml" in err and "names no record" in err
    assert not out.exists()  # nothing half-written

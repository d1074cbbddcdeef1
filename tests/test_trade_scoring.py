"""The record's series in scoring (sim/record/series_score.py): a series observation scored by its
definition on a hand-made timeline, the weights and what is scored once, a record without series
unchanged, a world without the war scoring the series clearly worse, `sim validate` and `sim
run` scoring them, and who paid in `sim run`'s folder (consequences.csv) with its figure."""

from __future__ import annotations

import csv
import datetime as dt
import math
from pathlib import Path

import pytest

from sim.cli import main
from sim.engine.trade import LeverRef, Sector, TradeSpec
from sim.record import scorecard
from sim.record.documents import Observation, Record
from sim.record.fit import score
from sim.record.lookup import record_for
from sim.record.series import Observation as Value
from sim.record.series import Series, SeriesFile
from sim.record.series_score import (
    PREFIX,
    SeriesRecord,
    add_series_columns,
    series_record,
    with_series,
)
from sim.scenario.bundled import scenarios_dir
from sim.scenario.language import load_scenario

ROOT = Path(__file__).resolve().parent.parent
WAR = ROOT / "scenarios" / "trade_war_2018.yaml"
TARIFF = LeverRef("a.tariff", 0, 100, "percent", True)
BUYS = LeverRef("b.buys", 0, 1, "share", False)
ELASTICITY = 2.0
START, END = dt.date(2018, 1, 1), dt.date(2018, 12, 31)


# --- a hand-made world: one sector worth 100 a month, a 10 % tariff from July ------------------
def spec() -> TradeSpec:
    return TradeSpec((Sector("goods", "b", "a", (100.0,) * 12, 2017, elasticity=ELASTICITY,
                             duty=TARIFF, commitment=BUYS, commitment_amount=0.0),))


def month(y: int, m: int, value: float) -> Value:
    return Value(value, "doc", "a quote", month=dt.date(y, m, 1))


def year(y: int, value: float) -> Value:
    return Value(value, "doc", "a quote", year=y)


def series_file(*series: Series) -> SeriesFile:
    return SeriesFile(Path("series.yaml"), "t", {"doc": {"headline": "A document"}},
                      {s.name: s for s in series})


def monthly(name: str, band: float, *obs: Value) -> Series:
    return Series(name, "goods a month", "USD", "month", ("goods",), "value", band, obs)


def yearly(name: str, band: float, *obs: Value) -> Series:
    return Series(name, "goods a year", "USD", "year", ("goods",), "value", band, obs)


def timeline() -> dict[str, list]:
    days = [START + dt.timedelta(days=k) for k in range((END - START).days + 1)]
    return {"date": days, "a.tariff": [0.0 if d.month < 7 else 10.0 for d in days],
            "b.buys": [0.0] * len(days), "status": ["escalating"] * len(days)}


EMPTY = Record(file=Path("record.yaml"), title="t", documents={}, observations=())
# July to December under a 10 % tariff (pass-through 1, no lag): 100 x 1.1^-2 a month
TAXED = 100.0 * 1.1 ** -ELASTICITY


def scored(rec: Record) -> dict[str, scorecard.ObservationScore]:
    obs = scorecard.score_observations(rec, add_series_columns(rec, timeline()))
    return {s.id: s for s in obs}


def test_a_series_observation_is_hit_within_its_band_and_its_error_is_in_bands():
    """hit iff |modelled - observed| <= band * observed; error = |modelled - observed| /
    (band * observed), 1 at the edge of the band (sim/record/series_score.py)."""
    observed = {(2018, 1): 100.0, (2018, 2): 105.0, (2018, 3): 120.0, (2018, 7): 80.0,
                (2018, 8): 100.0}
    band = 0.1
    values = [month(y, m, v) for (y, m), v in observed.items()]
    rec = series_record(EMPTY, series_file(monthly("flow", band, *values)), spec(), START, END)
    got = scored(rec)
    for (y, m), value in observed.items():
        modelled = 100.0 if m < 7 else TAXED
        s = got[f"flow_{y}_{m:02d}"]
        assert s.quantity == PREFIX + "flow"
        assert s.simulated == pytest.approx(modelled, rel=1e-9)
        assert s.error == pytest.approx(abs(modelled - value) / (band * value), rel=1e-6)
        assert s.hit is (abs(modelled - value) <= band * value)
    assert [got[f"flow_2018_0{m}"].hit for m in (1, 2, 3, 7, 8)] == [True, True, False, True,
                                                                     False]


def test_a_year_is_the_sum_of_its_months_and_the_base_year_and_years_beyond_are_left_out():
    rec = series_record(EMPTY, series_file(yearly("flow", 0.05, year(2017, 1200),
                                                  year(2018, 1000), year(2019, 1000))),
                        spec(), START, END)
    got = scored(rec)
    assert list(got) == ["flow_2018"]
    assert got["flow_2018"].simulated == pytest.approx(600 + 6 * TAXED)
    assert got["flow_2018"].error == pytest.approx((600 + 6 * TAXED - 1000) / 50)


def test_a_measured_flow_weighs_as_one_observation_shared_by_the_time_its_periods_cover():
    rec = series_record(EMPTY, series_file(
        monthly("months", 0.1, month(2018, 1, 100), month(2018, 2, 100)),
        yearly("years", 0.1, year(2018, 1200))), spec(), START, END)
    weights = {o.id: o.weight for o in rec.observations}
    assert sum(weights.values()) == pytest.approx(1.0)
    assert weights["years_2018"] == pytest.approx(12 * weights["months_2018_01"])


def test_what_is_measured_twice_is_scored_once():
    # a year whose twelve months are in the monthly series is scored by its months
    months = [month(2018, m, 100) for m in range(1, 13)]
    rec = series_record(EMPTY, series_file(monthly("months", 0.1, *months),
                                           yearly("years", 0.1, year(2018, 1200))),
                        spec(), START, END)
    assert not [o for o in rec.observations if o.id.startswith("years")]
    # a lever's series is left to the record when the record observes that lever that day
    lever = Series("bought", "share bought", "share", "year", (), "value", 0.1,
                   (year(2018, 0.5),), lever="b.buys")
    assert [o.id for o in series_record(EMPTY, series_file(lever), spec(), START,
                                        END).observations] == ["bought_2018"]
    own = Observation("own", "b.buys", END, END, "doc", "q", "high", value=0.5, tolerance=0.05)
    record = Record(file=Path("r.yaml"), title="t", documents={}, observations=(own,))
    assert [o.id for o in series_record(record, series_file(lever), spec(), START,
                                        END).observations] == ["own"]


def test_a_run_without_the_levers_the_trade_layer_follows_leaves_the_series_unscored():
    rec = series_record(EMPTY, series_file(monthly("flow", 0.1, month(2018, 1, 100))), spec(),
                        START, END)
    cols = {k: v for k, v in timeline().items() if k != "a.tariff"}
    (s,) = scorecard.score_observations(rec, add_series_columns(rec, cols))
    assert s.hit is None


# --- records without series score exactly as before ----------------------------------------
def test_a_record_without_series_is_returned_unchanged_and_scores_as_before():
    from sim.experiments.runs import run_once

    baseline = load_scenario(scenarios_dir() / "baseline.yaml")  # no trade section, no series
    record = record_for(baseline)
    assert with_series(record, baseline) is record
    cols = run_once(baseline).columns
    before = scorecard.summarise(*scorecard.score_run(record, cols))
    assert score(cols, baseline).summary == before


# --- the 2018-2020 war ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def war():
    scenario = load_scenario(WAR)
    return scenario, with_series(record_for(scenario), scenario)


def series_part(rec: Record, cols) -> tuple[float, float]:
    """The series' weighted share hit and weighted error (capped as in the fit)."""
    obs = [s for s in scorecard.score_observations(rec, add_series_columns(rec, cols))
           if s.quantity.startswith(PREFIX) and s.hit is not None]
    weight = sum(s.weight for s in obs)
    return (sum(s.weight for s in obs if s.hit) / weight,
            sum(s.weight * min(s.error, scorecard.ERROR_CAP) for s in obs) / weight)


@pytest.mark.parametrize("seed", [2018, 2019, 2020])
def test_a_world_without_the_war_scores_the_series_clearly_worse(war, seed):
    """The same run with every lever held at its start (the validation's levers-frozen world
    as the trade layer sees it). Measured on seeds 2018-2023: the run hits 0.46-0.70 of the
    series' weight, the world without the war 0.14; weighted error 1.4-2.0 bands against 3.0."""
    from sim.experiments.runs import run_once

    scenario, rec = war
    assert isinstance(rec, SeriesRecord) and rec.measured
    cols = run_once(scenario, seed=seed).columns
    still = {k: (v if k == "date" else [v[0]] * len(v)) for k, v in cols.items()}
    share, error = series_part(rec, cols)
    null_share, null_error = series_part(rec, still)
    assert share - null_share >= 0.2
    assert error <= null_error - 0.5


def test_the_war_record_scores_each_series_it_holds(war):
    _, rec = war
    measured = {m.quantity.removeprefix(PREFIX) for m in rec.measured}
    assert {"us_imports_from_china", "us_exports_to_china_monthly",
            "us_soybean_exports_to_china"} <= measured
    # imports by their 34 Census months from the run's start, not again by USITC's years
    assert "us_imports_from_china_yearly" not in measured
    # Phase One's 57 % is the record's own observation, not scored a second time
    assert "phase_one_delivered_share" not in measured
    assert "purchases_share_2020_2021" in {o.id for o in rec.observations}


def test_sim_validate_scores_the_series_in_every_world(war):
    from sim.experiments import validation as v

    scenario, rec = war
    seen = v.validate(scenario, record_for(scenario), 2, mapper=lambda fn, c, tasks: iter(()))
    assert isinstance(seen.record, SeriesRecord)
    context = v.Context(v.worlds(scenario)[:2], rec)  # the scenario and levers frozen
    ids = [o.id for o in rec.observations]
    k = ids.index("us_imports_from_china_2019_06")
    runs = [v.score_task(context, (w, 0, 2018)) for w in (0, 1)]
    assert all(r.hits[k] is not None and math.isfinite(r.means[k]) for r in runs)
    fits = [v._summary_fit(rec, r, None) for r in runs]
    assert fits[0] > fits[1]


def test_sim_run_scores_the_series_and_writes_who_paid(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["run", str(WAR), "--out", str(out), "--no-plots"]) == 0
    printed = capsys.readouterr().out
    assert "of which series" in printed and "US imports from China:" in printed
    assert "consequences.csv" in printed
    with (out / "scorecard.csv").open(encoding="utf-8") as fh:
        quantities = {row["quantity"] for row in csv.DictReader(fh)}
    assert PREFIX + "us_imports_from_china" in quantities
    from sim.views.trade_figures import read_consequences, who_paid_figure

    rows = read_consequences(out / "consequences.csv")
    run = {(r["side"], r["measure"]): r for r in rows if r["period"] == "run"}
    assert {side for side, _ in run} == {"us", "china"}
    us = {m: run[("us", m)]["amount"] for m in ("buyers_loss", "extra_duty_revenue",
                                                  "lost_exports", "net_loss")}
    assert us["net_loss"] == pytest.approx(us["buyers_loss"] - us["extra_duty_revenue"]
                                           + us["lost_exports"], rel=1e-4)
    assert run[("us", "buyers_loss")]["currency"] == "USD million"
    assert 0 < run[("us", "buyers_loss")]["share_of_gdp_a_year"] < 0.02
    assert {r["period"] for r in rows} == {"run", "2018", "2019", "2020", "2021"}
    fig = who_paid_figure(rows)
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == ["US", "China"]


def test_sim_run_of_a_scenario_without_trade_writes_no_consequences(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["run", str(scenarios_dir() / "baseline.yaml"), "--out", str(out),
                 "--no-plots"]) == 0
    assert not (out / "consequences.csv").exists()
    assert "consequences.csv" not in capsys.readouterr().out


def test_an_ensemble_scores_the_series_as_a_single_run_does(war):
    from sim.experiments.ensemble import make_plan, simulate
    from sim.experiments.runs import run_once

    scenario, _ = war
    plan = make_plan(scenario)
    assert isinstance(plan.record, SeriesRecord)
    k = [o.id for o in plan.record.observations].index("us_imports_from_china_2019_06")
    summary = simulate(plan, 0, 2018)
    cols = run_once(scenario, seed=2018).columns
    single = {s.id: s for s in score(cols, scenario).observation_scores}
    assert summary.hits[k] == int(single["us_imports_from_china_2019_06"].hit)
    assert list(summary.hits) == [-1 if s.hit is None else int(s.hit)
                                  for s in score(cols, scenario).observation_scores]

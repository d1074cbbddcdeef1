"""Sensitivity analysis: default factors from the documented ranges, factor parsing, SALib wired so
that an influential factor ranks first, the reading, and the command's files. Tiny designs."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("SALib")

from sim.cli import main  # noqa: E402
from sim.engine.behaviour import PARAMS  # noqa: E402
from sim.errors import UserError  # noqa: E402
from sim.experiments import sensitivity as sa  # noqa: E402
from sim.experiments import sweep  # noqa: E402
from sim.record import outcomes as oc  # noqa: E402
from sim.scenario.language import load_scenario  # noqa: E402
from sim.views.design_report import reading  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "scenarios" / "baseline.yaml"


@pytest.fixture(scope="module")
def baseline():
    return load_scenario(BASELINE)


def test_default_factors_are_every_behaviour_value_of_both_sides(baseline):
    factors = sa.default_params(baseline)
    assert len(factors) == len(PARAMS) * len(baseline.actors)
    f = {x.key: x for x in factors}
    info = PARAMS["commitment_days"]
    assert (f["actors.china.behaviour.commitment_days"].low,
            f["actors.china.behaviour.commitment_days"].high) == (info.low, info.high)


def test_params_take_documented_ranges_explicit_ranges_and_listed_values(baseline):
    factors = sa.parse_params(["actors.us.behaviour.resolve", "actors.us.levers.tariff_on_china"
                               ".speed=0.5:2", "meetings.leaders_call=present,absent"], baseline)
    assert (factors[0].low, factors[0].high) == (PARAMS["resolve"].low, PARAMS["resolve"].high)
    assert (factors[1].low, factors[1].high) == (0.5, 2.0)
    assert factors[2].values == ("present", "absent")
    with pytest.raises(UserError, match="LOW:HIGH"):
        sa.parse_params(["actors.us.levers.tariff_on_china.speed"], baseline)


def test_default_outcomes_include_agreements_final_levers_and_fit(baseline):
    ids = [o.id for o in sweep.pick_outcomes(oc.outcome_list(baseline), [], ("agreement", "final"))]
    assert "agreement.london" in ids and "final.us.tariff_on_china" in ids and "fit" in ids
    assert "measures" not in ids


@pytest.mark.parametrize("method, samples", [("morris", 20), ("sobol", 64)])
def test_the_influential_factor_ranks_first(baseline, method, samples):
    """A known function of the unit cube: y = 3 u2 + 0.3 u0, nothing from u1."""
    factors = sa.parse_params(["actors.us.behaviour.patience", "actors.us.behaviour.resolve",
                               "actors.us.behaviour.goodwill"], baseline)
    points = sa.sample(method, factors, samples, seed=3)
    y = 3 * points[:, 2] + 0.3 * points[:, 0]
    outcome = oc.Outcome("x", oc.VALUE, "a test outcome")
    ind = sa.analyse(method, factors, points, y, outcome, seed=3)
    assert sa.ranked(method, ind) == [2, 0, 1]
    text = " ".join(reading(method, factors, [ind], baseline).split())
    assert "For a test outcome, US goodwill" in text and "US resolve" in text
    assert text.index("US goodwill") < text.index("matter little") < text.index("US resolve")


def test_undefined_or_constant_outcomes_are_skipped_with_a_reason(baseline):
    factors = sa.default_params(baseline)[:2]
    points = sa.sample("morris", factors, 4, seed=1)
    o = oc.Outcome("x", oc.VALUE, "x")
    assert "same" in sa.analyse("morris", factors, points, np.ones(len(points)), o, 1).skipped
    y = np.ones(len(points))
    y[0] = np.nan
    assert "not defined" in sa.analyse("morris", factors, points, y, o, 1).skipped


def test_sobol_needs_a_power_of_two(baseline):
    with pytest.raises(UserError, match="power of two"):
        sa.sample("sobol", sa.default_params(baseline), 48, seed=1)


def test_morris_command_writes_indices_chart_and_reading(tmp_path, capsys):
    out = tmp_path / "sa"
    assert main(["sensitivity", str(BASELINE), "--method", "morris", "--params",
                 "actors.china.behaviour.pressure_sensitivity", "--params",
                 "actors.us.behaviour.patience", "--params", "meetings.leaders_call=present,absent",
                 "--samples", "2", "--runs", "2", "--outcome", "agreement.london", "--outcome",
                 "final.us.tariff_on_china", "--out", str(out)]) == 0
    rows = list(csv.DictReader((out / "sensitivity.csv").open()))
    london = [r for r in rows if r["outcome"] == "agreement.london"]
    assert sorted(r["rank"] for r in london) == ["1", "2", "3"]
    assert {"mu_star", "mu_star_conf", "sigma"} <= set(rows[0])
    assert (out / "sensitivity-agreement.london.png").stat().st_size > 10_000
    assert len((out / "samples.csv").read_text().splitlines()) == 1 + 2 * 4
    printed = capsys.readouterr().out
    assert "P(agreement at London talks)" in printed or "was not analysed" in printed

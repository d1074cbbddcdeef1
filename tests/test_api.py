"""The Python API (sim.load / run / ensemble / compare) and the CLI built on it: one code path,
the same files, tidy tables, figures, and names of shipped scenarios found from any folder."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import matplotlib.figure
import numpy as np
import pandas as pd
import pytest

import sim
from sim.cli import main
from sim.errors import ScenarioError
from sim.experiments import ensemble_files
from sim.experiments.runs import events_csv, timeline_csv
from sim.scenario import bundled

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "scenarios" / "baseline.yaml"


@pytest.fixture(scope="module")
def one_run() -> sim.Run:
    return sim.run("baseline", seed=3)


@pytest.fixture(scope="module")
def small_ensemble() -> sim.Ensemble:
    return sim.ensemble("baseline", runs=6, seed=5)


# -- finding and varying scenarios -----------------------------------------------------------
def test_a_shipped_name_and_its_path_load_the_same_scenario():
    by_name, by_path = sim.load("baseline"), sim.load(BASELINE)
    assert by_name.sha256 == by_path.sha256 and by_name.name == "baseline"
    assert sim.load("baseline.yaml").sha256 == by_name.sha256
    assert bundled.find_scenario("no_call").read_bytes() == \
        (ROOT / "scenarios" / "no_call.yaml").read_bytes()


def test_shipped_scenarios_are_package_data_not_found_from_the_working_folder(tmp_path):
    code = ("import sim\nfrom sim.scenario import bundled\nprint(bundled.scenarios_dir())\n"
            "print(sim.load('baseline').name, len(sim.scenarios()))")
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                         text=True, check=True).stdout.splitlines()
    assert out[0] == str((ROOT / "scenarios").resolve())  # through the link, in a clone
    assert out[1] == f"baseline {len(list((ROOT / 'scenarios').glob('*.yaml')))}"


def test_a_file_in_the_working_folder_beats_a_shipped_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    text = BASELINE.read_text().replace("name: baseline", "name: local_copy")
    Path("baseline.yaml").write_text(text)
    assert sim.load("baseline.yaml").name == "local_copy"
    assert sim.load("baseline").name == "baseline"  # a bare name is the shipped one


def test_an_unknown_name_is_one_paragraph_naming_the_shipped_ones(capsys):
    with pytest.raises(ScenarioError) as caught:
        sim.load("basline")
    assert "did you mean `baseline`" in str(caught.value) and "no_call" in str(caught.value)
    assert main(["run", "basline"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: `basline`: no such file") and "Traceback" not in err


def test_changes_as_keywords_and_as_dotted_keys_agree():
    a = sim.load("baseline", actors__us__behaviour__patience=0.9, name="patient")
    b = sim.load("baseline", {"actors.us.behaviour.patience": 0.9, "name": "patient"})
    assert a.sha256 == b.sha256 and a.name == "patient"
    assert a.actors["us"].behaviour["patience"] == 0.9
    assert sim.load("baseline").actors["us"].behaviour.get("patience") != 0.9
    again = sim.load(a, name="patient_again")  # a loaded scenario is copied, not changed
    assert again.name == "patient_again" and a.name == "patient"
    with pytest.raises(ScenarioError, match="patience"):
        sim.load("baseline", actors__us__behaviour__patience=7)


def test_no_call_override_removes_the_meeting():
    s = sim.load("baseline", meetings__leaders_call=None)
    assert "leaders_call" not in [m.name for m in s.meetings]


# -- one run -----------------------------------------------------------------------------------
def test_run_tables_hold_what_the_files_hold(one_run, tmp_path):
    folder = one_run.save(tmp_path / "r", figures=False)
    timeline = one_run.timeline
    written = pd.read_csv(folder / "timeline.csv")
    assert list(timeline.columns) == list(written.columns)
    assert len(timeline) == len(written) == one_run.scenario.days
    assert pd.api.types.is_datetime64_any_dtype(timeline["date"])
    lever = "us.tariff_on_china"
    assert np.allclose(timeline[lever], written[lever], atol=1e-6)
    assert len(one_run.events) == len(pd.read_csv(folder / "events.csv"))
    card = pd.read_csv(folder / "scorecard.csv")
    assert list(one_run.scorecard["id"]) == list(card["id"])
    assert sorted(p.name for p in folder.iterdir()) == [
        "events.csv", "manifest.json", "scorecard.csv", "timeline.csv"]


def test_run_outcomes_match_the_ensembles_definitions(one_run):
    out = one_run.outcomes.set_index("outcome")["value"]
    assert out["fit"] == pytest.approx(one_run.fit)
    assert out["final.us.tariff_on_china"] == pytest.approx(
        one_run.timeline["us.tariff_on_china"].iloc[-1])
    ens = sim.ensemble(one_run.scenario, runs=1, seed=0)
    assert list(ens.outcomes["outcome"]) == list(out.index)


def test_the_cli_single_run_writes_what_run_save_writes(one_run, tmp_path, capsys):
    assert main(["run", "baseline", "--seed", "3", "--no-plots", "--out",
                 str(tmp_path / "cli")]) == 0
    api = one_run.save(tmp_path / "api", figures=False)
    for name in ("timeline.csv", "events.csv", "scorecard.csv"):
        assert (tmp_path / "cli" / name).read_bytes() == (api / name).read_bytes(), name
    assert one_run.summary() in capsys.readouterr().out
    assert timeline_csv(one_run._result.columns) == (api / "timeline.csv").read_text()
    assert events_csv(one_run._result.events) == (api / "events.csv").read_text()


@pytest.mark.parametrize("kind", ["overview", "levers", "scorecard"])
def test_run_figures_are_matplotlib_figures(one_run, kind):
    fig = one_run.plot(kind)
    assert isinstance(fig, matplotlib.figure.Figure) and fig.axes


def test_an_unknown_figure_names_the_choices(one_run):
    with pytest.raises(ValueError, match="overview, levers, scorecard"):
        one_run.plot("fan")


def test_run_html_shows_a_summary_and_the_scorecard(one_run):
    page = one_run._repr_html_()
    assert one_run.scenario.title.replace("'", "&#x27;").replace(">", "&gt;") in page
    assert "scorecard" in page and "<table" in page and f"fit {one_run.fit:.2f}" in page


# -- ensembles ---------------------------------------------------------------------------------
def test_ensemble_tables_hold_what_its_files_hold(small_ensemble, tmp_path):
    folder = small_ensemble.save(tmp_path / "e", figures=False)
    ens = small_ensemble._ens
    assert (folder / "outcomes.csv").read_text() == \
        ensemble_files.outcomes_csv(ens.outcome_stats())
    rows = list(csv.DictReader(io.StringIO((folder / "runs.csv").read_text())))
    assert [int(r["seed"]) for r in rows] == list(small_ensemble.runs["seed"])
    written = pd.read_csv(folder / "ensemble.csv")
    table = small_ensemble.timeline
    assert list(table["quantity"]) == list(written["quantity"])
    assert np.allclose(table["p50"], written["p50"], atol=1e-6)
    outcomes = small_ensemble.outcomes.set_index("outcome")
    assert outcomes.loc["fit", "mean"] == pytest.approx(small_ensemble.runs["fit"].mean())
    card = small_ensemble.scorecard
    assert list(card["id"]) == list(pd.read_csv(folder / "scorecard.csv")["id"])
    assert np.allclose(small_ensemble.status.drop(columns="date").sum(axis=1), 1.0)


def test_the_cli_ensemble_writes_what_ensemble_save_writes(small_ensemble, tmp_path, capsys):
    assert main(["run", "baseline", "--runs", "6", "--seed", "5", "--no-plots", "--out",
                 str(tmp_path / "cli")]) == 0
    api = small_ensemble.save(tmp_path / "api", figures=False)
    names = sorted(p.name for p in (tmp_path / "cli").iterdir())
    assert names == sorted(p.name for p in api.iterdir())
    for name in names:
        if name.endswith(".csv"):
            assert (tmp_path / "cli" / name).read_bytes() == (api / name).read_bytes(), name
    assert small_ensemble.summary().splitlines()[1] in capsys.readouterr().out


@pytest.mark.parametrize("kind", ["levers", "trust_pressure", "status"])
def test_ensemble_figures(small_ensemble, kind):
    assert isinstance(small_ensemble.plot(kind), matplotlib.figure.Figure)


def test_an_interrupted_ensemble_is_partial():
    def stop(done, total):
        if done == 3:
            raise KeyboardInterrupt

    ens = sim.ensemble("baseline", runs=10, progress=stop)
    assert ens.partial and ens.finished == 3 and len(ens.runs) == 3
    assert "PARTIAL" in ens._repr_html_() and "PARTIAL" in repr(ens)


# -- comparisons -------------------------------------------------------------------------------
def test_compare_ensembles_equals_compare_scenarios(small_ensemble):
    no_call = sim.load("no_call")
    from_results = sim.compare(small_ensemble, sim.ensemble(no_call, runs=6, seed=5))
    from_scenarios = sim.compare("baseline", no_call, runs=6, seed=5)
    assert from_results.markdown == from_scenarios.markdown
    pd.testing.assert_frame_equal(from_results.outcomes, from_scenarios.outcomes)
    table = from_results.outcomes
    call = table[(table.outcome == "final.us.tariff_on_china") & (table.scenario == "no_call")]
    assert call["method"].item() == "paired" and call["pairs"].item() == 6
    card = from_results.scorecard
    assert list(card.columns[-2:]) == ["baseline", "no_call"]
    assert card["baseline"].tolist() == small_ensemble.scorecard.query(
        "record_type == 'observation'")["hit_rate"].tolist()
    assert isinstance(from_results.plot("levers"), matplotlib.figure.Figure)
    assert "no_call" in from_results._repr_html_()


def test_compare_refuses_ensembles_on_different_seeds(small_ensemble):
    other = sim.ensemble("no_call", runs=6, seed=6)
    with pytest.raises(ValueError, match="same seed"):
        sim.compare(small_ensemble, other)
    with pytest.raises(TypeError):
        sim.compare(small_ensemble, "no_call")


def test_comparison_save_writes_what_the_cli_writes(tmp_path, capsys):
    assert main(["compare", "baseline", "no_call", "--runs", "4", "--out",
                 str(tmp_path / "cli")]) == 0
    api = sim.compare(["baseline", "no_call"], runs=4).save(tmp_path / "api")
    for name in ("compare.csv", "compare.md", "baseline/runs.csv", "no_call/outcomes.csv"):
        assert (tmp_path / "cli" / name).read_bytes() == (api / name).read_bytes(), name


# -- the package -------------------------------------------------------------------------------
def test_import_sim_and_sim_version_stay_cheap():
    code = ("import sys, sim\n"
            "heavy = ('pandas', 'mesa', 'matplotlib', 'numpy', 'sim.api')\n"
            "print([m for m in heavy if m in sys.modules])\n"
            "from sim.cli import main\n"
            "try:\n    main(['--version'])\nexcept SystemExit:\n    pass\n"
            "print([m for m in heavy if m in sys.modules])\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.splitlines()
    assert out == ["[]", f"sim {sim.__version__}", "[]"]


def test_the_api_is_typed_and_exported():
    assert (ROOT / "sim" / "py.typed").exists()
    assert {"load", "run", "ensemble", "compare", "scenarios"} <= set(dir(sim))
    with pytest.raises(AttributeError):
        sim.no_such_function  # noqa: B018


def test_sim_list_shows_the_shipped_scenarios_with_titles(capsys):
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    for name, title in sim.scenarios()["title"].items():
        assert any(line.startswith(name) and title in line for line in out.splitlines())


def test_a_scenario_naming_its_own_record_is_scored_against_it(tmp_path):
    from sim.record.lookup import record_for, record_path

    s = sim.load("baseline")
    assert record_path(s) == bundled.default_record_path()
    text = (ROOT / "scenarios" / "record" / "us_china_2025.yaml").read_text()
    own = tmp_path / "own_record.yaml"
    own.write_text(text.replace("title: ", "title: Own copy of ", 1))
    s.record_file = own  # what a scenario's `record:` key sets
    assert record_path(s) == own and record_for(s).title.startswith("Own copy of")
    ens = sim.ensemble(s, runs=2)
    assert ens._ens.plan.record.title.startswith("Own copy of")

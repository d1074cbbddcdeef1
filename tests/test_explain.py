"""`sim explain RUN_FOLDER`: the gap that kept talks from agreeing, in numbers, and behaviour
values that close it, each checked by re-running the scenario with that one change."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sim.cli import main
from sim.experiments.explain import explain_folder
from sim.experiments.runs import run_once
from sim.scenario.language import load_scenario
from sim.scenario.overrides import apply_overrides

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def failed_run(tmp_path_factory):
    """A new dispute from `sim new --dispute`, run on seed 1: its second talks end without
    agreement (EU sees no package worth its reservation)."""
    folder = tmp_path_factory.mktemp("dispute")
    scenario = folder / "steel.yaml"
    assert main(["new", str(scenario), "--dispute", "steel", "--sides", "eu,us",
                 "--start", "2018-03-01"]) == 0
    out = folder / "run"
    assert main(["run", str(scenario), "--out", str(out), "--no-plots"]) == 0
    return scenario, out


def test_explain_names_the_gap_and_values_that_close_it_and_they_do(failed_run, capsys):
    scenario_file, out = failed_run
    capsys.readouterr()
    assert main(["explain", str(out)]) == 0
    text = capsys.readouterr().out
    ex = explain_folder(out)
    short = [h for h in ex.happenings if h.fell_short]
    assert short, "the fixture's run should have talks that fell short"
    h = short[0]
    assert f"[{h.name}]: NO AGREEMENT" in text
    wide = max(h.sides, key=lambda s: s.gap)
    assert wide.gap > 0  # someone's reservation was above the best it could get
    got = wide.best if wide.received is None else wide.received
    assert wide.gap == pytest.approx(wide.reservation - got)
    assert f"{wide.label}: reservation {wide.reservation:.3f}" in text
    assert f"gap {wide.gap:.3f}" in text  # the gap, named with its number
    # the reservation's parts add up to it
    assert wide.status_quo + wide.resolve + wide.tied - wide.relief == \
        pytest.approx(wide.reservation)
    assert h.changes and "What would close it" in text
    scenario = load_scenario(scenario_file)
    for change in h.changes[:3]:
        assert f"`{change.key}: {change.value:g}`" in text
        rerun = run_once(apply_overrides(scenario, {change.key: change.value}), seed=ex.seed)
        agreed = [e for e in rerun.events if e["meeting"] == h.name
                  and e["kind"] in ("agreement", "agreement in principle")]
        assert agreed, f"{change.key}: {change.value} was said to make {h.name} agree"
    assert "The smallest single change found:" in text


def test_the_log_carries_the_numbers_of_the_talks_that_failed(failed_run):
    _, out = failed_run
    events = (out / "events.csv").read_text()
    line = next(x for x in events.splitlines() if ",no agreement," in x)
    assert re.search(r"its best is worth 0\.\d{3} to it, its reservation is 0\.\d{3}", line) or \
        re.search(r"received was worth 0\.\d{3} to it, its reservation 0\.\d{3}", line)


def test_a_day_shows_only_that_days_meetings_in_full(failed_run, capsys):
    _, out = failed_run
    ex = explain_folder(out, probe_values=False)
    h = next(h for h in ex.happenings if h.fell_short)
    capsys.readouterr()
    assert main(["explain", str(out), "--day", str(h.date), "--no-probe"]) == 0
    text = capsys.readouterr().out
    assert f"{h.date}  {h.label}" in text and "reservation" in text
    others = {x.date for x in ex.happenings} - {h.date}
    assert not any(f"{d}  " in text for d in others)


def test_a_side_that_stays_away_is_told_with_its_willingness_and_the_threshold(tmp_path,
                                                                               capsys):
    cold = tmp_path / "cold.yaml"
    cold.write_text("extends: baseline\nname: cold\nactors:\n  china:\n    behaviour:\n"
                    "      initial_trust: 0.0\n      pressure_sensitivity: 0.0\n"
                    "      goodwill: 0.0\n", encoding="utf-8")
    out = tmp_path / "run"
    assert main(["run", str(cold), "--out", str(out), "--no-plots"]) == 0
    capsys.readouterr()
    assert main(["explain", str(out), "--no-probe"]) == 0
    text = capsys.readouterr().out
    assert re.search(r"China stays away: willingness 0\.\d\d, below the 0\.45 it takes "
                     r"\(0\.\d\d short\) = trust 0\.\d\d \+ pressure sensitivity 0\.00", text)


@pytest.mark.parametrize("args, fragment", [
    (["nowhere"], "no such folder"),
    (["."], "has no manifest.json"),
    (["RUN", "--day", "2030-01-01"], "is outside the run"),
    (["RUN", "--day", "2018-13-01"], "expected a date"),
])
def test_bad_input_is_one_line_and_exit_2(failed_run, tmp_path, capsys, monkeypatch, args,
                                          fragment):
    _, out = failed_run
    monkeypatch.chdir(tmp_path)
    args = [str(out) if a == "RUN" else a for a in args]
    assert main(["explain", *args]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and fragment in captured.err
    assert captured.err.count("\n") == 1 and "Traceback" not in captured.err


def test_a_changed_scenario_is_refused_rather_than_explained_wrongly(tmp_path, capsys):
    scenario = tmp_path / "base.yaml"
    scenario.write_text((ROOT / "scenarios" / "baseline.yaml").read_text().replace(
        "record: record/us_china_2025.yaml", ""), encoding="utf-8")
    out = tmp_path / "run"
    assert main(["run", str(scenario), "--out", str(out), "--no-plots"]) == 0
    scenario.write_text(scenario.read_text() + "\n# edited\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["explain", str(out), "--scenario", str(scenario)]) == 2
    err = capsys.readouterr().err
    assert "has changed since the run" in err and err.count("\n") == 1


def test_the_run_report_holds_each_meetings_numbers(failed_run):
    _, out = failed_run
    page = (out / "report.html").read_text()
    assert "<h2>Why each meeting came to what it did</h2>" in page
    assert "NO AGREEMENT" in page and re.search(r"reservation 0\.\d{3} .*gap 0\.\d{3}", page)


def test_json_holds_the_same_numbers(failed_run, capsys):
    import json

    _, out = failed_run
    capsys.readouterr()
    assert main(["explain", str(out), "--json", "--no-probe"]) == 0
    data = json.loads(capsys.readouterr().out)
    short = [h for h in data["happenings"] if h["fell_short"]]
    assert short and data["probe_runs"] == 0
    side = max(short[0]["sides"], key=lambda s: s["gap"])
    assert side["gap"] > 0 and side["reservation"] > (side["received"] or side["best"])


def test_when_no_single_value_works_the_sides_in_the_way_are_moved_together(failed_run,
                                                                             capsys):
    """Both sides stay away from the first talks: raising one side's trust cannot bring
    both; the probe then moves both at once, and that change, re-run, brings the talks."""
    scenario_file, _ = failed_run
    text = scenario_file.read_text()
    cold = scenario_file.parent / "cold.yaml"
    cold.write_text(text.replace("name: steel", "name: cold").replace(
        "      initial_trust: 0.5 ", "      initial_trust: 0.2 "), encoding="utf-8")
    out = scenario_file.parent / "cold_run"
    assert main(["run", str(cold), "--out", str(out), "--no-plots"]) == 0
    ex = explain_folder(out)
    h = next(h for h in ex.happenings if h.fell_short)
    assert len(h.absent) == 2 and not h.changes and len(h.together) == 2
    rerun = run_once(apply_overrides(load_scenario(cold), {c.key: c.value for c in h.together}),
                     seed=ex.seed)
    assert [e for e in rerun.events if e["meeting"] == h.name and e["kind"] == "offer"]

"""A scenario author with only the docs: shipped names in `extends`, portable `sim new`, a new
dispute from `sim new --dispute`, and `sim check` checking the record a scenario names."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from sim.cli import main
from sim.scenario.language import load_scenario

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "scenarios" / "baseline.yaml"


def write(folder: Path, name: str, text: str) -> Path:
    file = folder / name
    file.write_text(text, encoding="utf-8")
    return file


# --- shipped names in `extends` -----------------------------------------------------------------

@pytest.mark.parametrize("written", ["baseline", "baseline.yaml"])
def test_extends_a_shipped_name_from_any_folder(tmp_path, monkeypatch, written):
    monkeypatch.chdir(tmp_path)  # nowhere near the repository's scenarios/
    file = write(tmp_path, "mine.yaml", f"extends: {written}\nname: mine\nseed: 7\n")
    mine, base = load_scenario(file), load_scenario(BASELINE)
    assert mine.actors == base.actors and mine.seed == 7
    assert mine.record_file.resolve() == base.record_file.resolve()  # inherited, still found


def test_a_file_beside_it_comes_before_the_shipped_scenario(tmp_path):
    text = BASELINE.read_text().replace("name: baseline", "name: local_base")
    text = text.replace("record: record/us_china_2025.yaml", "")
    write(tmp_path, "baseline.yaml", text)
    mine = load_scenario(write(tmp_path, "mine.yaml", "extends: baseline\nname: mine\n"))
    assert mine.record_file is None  # the local parent (no record), not the shipped one


def test_an_unknown_bare_name_lists_the_shipped_ones(tmp_path, capsys):
    file = write(tmp_path, "mine.yaml", "extends: baselin\nname: mine\n")
    assert main(["check", str(file)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"{file}:1:1 at `extends`" in err
    assert "did you mean `baseline`" in err and "no_call" in err


# --- sim new writes portable references -----------------------------------------------------------

def test_sim_new_names_a_shipped_base_by_its_name_and_survives_a_move(tmp_path, capsys,
                                                                       monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["new", "mine.yaml", "--from", "no_call"]) == 0
    assert "extends no_call" in capsys.readouterr().out
    text = (tmp_path / "mine.yaml").read_text()
    assert "\nextends: no_call\n" in text
    assert str(ROOT) not in text and "site-packages" not in text  # no path into the install
    elsewhere = tmp_path / "a" / "b"
    elsewhere.mkdir(parents=True)
    moved = Path(shutil.move(tmp_path / "mine.yaml", elsewhere / "mine.yaml"))
    assert main(["check", str(moved)]) == 0


def test_sim_new_from_a_local_file_writes_a_relative_path(tmp_path, capsys):
    parent = write(tmp_path, "parent.yaml", "extends: baseline\nname: parent\n")
    sub = tmp_path / "sub"
    sub.mkdir()
    assert main(["new", str(sub / "child.yaml"), "--from", str(parent)]) == 0
    assert "\nextends: ../parent.yaml\n" in (sub / "child.yaml").read_text()
    assert main(["check", str(sub / "child.yaml")]) == 0


# --- sim check checks the record a scenario names ------------------------------------------------

RECORD = ROOT / "scenarios" / "record" / "us_china_2025.yaml"


def check(capsys, file: Path) -> tuple[int, str, str]:
    code = main(["check", str(file)])
    out, err = capsys.readouterr()
    assert "Traceback" not in err and err.count("\n") <= 1, err  # one line at most
    return code, out, err


def scenario_with_record(folder: Path, record_text: str) -> Path:
    write(folder, "rec.yaml", record_text)
    return write(folder, "mine.yaml", "extends: baseline\nname: mine\nrecord: rec.yaml\n")


def test_a_misspelt_declared_quantity_fails_check_at_the_record_line(tmp_path, capsys):
    text = RECORD.read_text().replace("  us.stock_market: {", "  us.stock_markets: {")
    text = text.replace("quantity: us.stock_market\n", "quantity: us.stock_markets\n")
    file = scenario_with_record(tmp_path, text)
    code, out, err = check(capsys, file)
    line = text.splitlines().index(next(x for x in text.splitlines()
                                        if x.startswith("  us.stock_markets:"))) + 1
    assert code == 2 and "ok" not in out
    assert f"rec.yaml:{line}:" in err and "at `quantities.us.stock_markets`" in err
    assert "did you mean `us.stock_market`" in err and f"`record:` at {file}:3" in err


def test_an_undeclared_record_is_held_to_the_runs_columns(tmp_path, capsys):
    text = RECORD.read_text()
    head, rest = text.split("\nquantities:\n", 1)
    rest = rest.split("\ndocuments:\n", 1)[1]  # no `quantities:`: the run's columns are the names
    text = f"{head}\ndocuments:\n{rest}".replace("quantity: us.tariff_on_china\n",
                                                 "quantity: us.tarif_on_china\n", 1)
    code, _, err = check(capsys, scenario_with_record(tmp_path, text))
    assert code == 2 and "unknown quantity `us.tarif_on_china`" in err
    assert "did you mean `us.tariff_on_china`" in err


def test_a_record_wholly_outside_the_dates_fails_and_one_stray_item_is_a_note(tmp_path, capsys):
    stray = RECORD.read_text().replace("    date: 2025-06-09", "    date: 2052-06-09", 1)
    assert stray != RECORD.read_text()
    code, out, _ = check(capsys, scenario_with_record(tmp_path, stray))
    assert code == 0 and "note: 1 item(s) of record rec.yaml lie outside" in out
    code, _, err = check(capsys, scenario_with_record(
        tmp_path, RECORD.read_text().replace("2025-", "2035-")))
    assert code == 2 and "no run can be scored against this record" in err


def test_a_status_word_or_conflict_kind_the_language_lacks_fails(tmp_path, capsys):
    text = RECORD.read_text().replace("status: stalled", "status: stalling", 1)
    code, _, err = check(capsys, scenario_with_record(tmp_path, text))
    assert code == 2 and "`stalling` is not one of" in err and "did you mean `stalled`" in err
    text = RECORD.read_text().replace("kind: spliced_text", "kind: spliced", 1)
    code, _, err = check(capsys, scenario_with_record(tmp_path, text))
    assert code == 2 and "`spliced` is not one of" in err


@pytest.mark.parametrize("target", ["baseline.yaml", "notes.yaml"])
def test_a_record_key_naming_another_kind_of_file_is_named_at_that_key(tmp_path, capsys, target):
    shutil.copy(BASELINE, tmp_path / "baseline.yaml")
    write(tmp_path, "notes.yaml", "title: my notes\nitems: [a, b]\n")
    file = write(tmp_path, "mine.yaml", f"extends: baseline\nname: mine\nseed: 1\n"
                 f"record: {target}\n")
    (tmp_path / "baseline.yaml").write_text(BASELINE.read_text().replace(
        "record: record/us_china_2025.yaml", ""))
    code, _, err = check(capsys, file)
    assert code == 2
    assert err.startswith(f"error: {file}:4:1 at `record`: `record:` names ")
    assert target in err and "a record has `documents:` and `observations:`" in err
    assert ("a scenario, not a record" in err) == (target == "baseline.yaml")


def test_check_says_what_a_scenario_without_a_record_means(tmp_path, capsys):
    from sim.scenario.bundled import NO_RECORD

    file = write(tmp_path, "plain.yaml", BASELINE.read_text().replace(
        "record: record/us_china_2025.yaml", ""))
    code, out, _ = check(capsys, file)
    assert code == 0 and out == f"ok  {file}  (note: {NO_RECORD})\n"


@pytest.mark.parametrize("name", ["baseline", "steel_2018"])
def test_the_run_columns_are_the_engines(name):
    from sim.engine.model import NegotiationModel
    from sim.record.against import run_quantities

    scenario = load_scenario(Path(__file__).resolve().parent.parent / "scenarios" / f"{name}.yaml")
    model = NegotiationModel(scenario, seed=1)
    assert run_quantities(scenario) == [c for c in model.column_names()
                                        if c not in ("date", "run")]


# --- sim new --dispute: a new dispute from the output alone ------------------------------------

def uncomment_examples(text: str) -> str:
    """The record with its commented examples taken in (`  # - id: ...` -> `  - id: ...`)."""
    return "\n".join(line.replace("  # ", "  ", 1) if line.startswith("  # ") else line
                     for line in text.splitlines()) + "\n"


def test_a_new_two_sided_dispute_from_sim_new_alone_checks_and_runs(tmp_path, capsys,
                                                                    monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["new", "--dispute", "steel", "--sides", "eu,us", "--start", "2018-03-01"]) == 0
    assert "record/steel.yaml" in capsys.readouterr().out
    scenario_file, record_file = tmp_path / "steel.yaml", tmp_path / "record" / "steel.yaml"
    text = scenario_file.read_text()
    assert "extends" not in text  # its own dispute, no shipped file under it
    assert "record: record/steel.yaml" in text and "ASSUMPTION" in text
    empty = load_scenario(scenario_file)
    assert set(empty.actors) == {"eu", "us"} and str(empty.start) == "2018-03-01"
    assert {lv.id for lv in empty.levers} == {"eu.tariff_on_us", "eu.export_controls",
                                              "us.tariff_on_eu", "us.export_controls"}
    assert main(["check", str(scenario_file)]) == 0  # the empty record passes as written
    worded = write(tmp_path, "worded.yaml", text.replace("# wording:", "wording:").replace(
        "#   statuses:", "  statuses:").replace("#   outcomes:", "  outcomes:"))
    assert main(["check", str(worded)]) == 0  # its commented wording is valid too
    worded.unlink()
    capsys.readouterr()

    filled = uncomment_examples(record_file.read_text())
    assert filled != record_file.read_text()
    record_file.write_text(filled)
    assert main(["check", str(scenario_file)]) == 0, capsys.readouterr().err
    capsys.readouterr()
    from sim.record.lookup import record_for
    record = record_for(load_scenario(scenario_file))
    assert len(record.observations) == 2 and len(record.moves) == 1 and record.documents

    out = tmp_path / "run"
    assert main(["run", str(scenario_file), "--out", str(out), "--no-plots"]) == 0
    said = capsys.readouterr().out
    assert "observations: " in said and "of 2 hit" in said  # scored against its own record
    assert (out / "events.csv").is_file() and (out / "scorecard.csv").is_file()
    # `sim explain` names the gap that kept a meeting from agreeing, in numbers
    assert main(["explain", str(out), "--no-probe"]) == 0
    told = capsys.readouterr().out
    assert "]: NO AGREEMENT" in told
    assert re.search(r"\n    (EU|US): reservation 0\.\d{3} \(status quo .*: gap 0\.\d{3}", told)


@pytest.mark.parametrize("args, fragment", [
    (["--dispute", "steel"], "needs its two sides: --sides A,B"),
    (["--dispute", "steel", "--sides", "eu"], "give two different sides"),
    (["--dispute", "steel", "--sides", "eu,eu"], "give two different sides"),
    (["--dispute", "steel", "--sides", "EU,us"], "`EU` is not a side id"),
    (["--dispute", "st eel", "--sides", "eu,us"], "a dispute's name may hold letters"),
    (["--dispute", "steel", "--sides", "eu,us", "--from", "no_call"], "extends nothing"),
    (["--dispute", "steel", "--sides", "eu,us", "--from", "baseline"], "extends nothing"),
    (["x.yaml", "--sides", "eu,us"], "--sides goes with --dispute"),
    (["x.yaml", "--start", "2018-03-01"], "--start goes with --dispute"),
    (["--dispute", "steel", "--sides", "eu,us", "--start", "2018-13-01"], "expected a date"),
    ([], "give the new scenario's file"),
])
def test_sim_new_misuses_are_one_line_and_write_nothing(tmp_path, capsys, monkeypatch, args,
                                                         fragment):
    monkeypatch.chdir(tmp_path)
    assert main(["new", *args]) == 2
    err = capsys.readouterr().err
    assert fragment in err and err.count("\n") == 1 and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_sim_new_into_a_folder_asks_for_a_file_name(tmp_path, capsys):
    assert main(["new", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "this is a folder; give the new file's name" in err
    assert list(tmp_path.iterdir()) == []


def test_sim_new_dispute_never_overwrites_a_record(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "record").mkdir()
    (tmp_path / "record" / "steel.yaml").write_text("mine\n")
    assert main(["new", "--dispute", "steel", "--sides", "eu,us"]) == 2
    assert "never overwrites" in capsys.readouterr().err
    assert (tmp_path / "record" / "steel.yaml").read_text() == "mine\n"
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["record", "steel.yaml"]


# --- wording: status and outcome names from the scenario -----------------------------------------

def test_status_and_outcome_names_come_from_the_scenario(tmp_path, baseline):
    from sim.record.outcomes import outcome_list
    from sim.scenario.wording import status_word

    file = write(tmp_path, "w.yaml", "extends: baseline\nname: w\nwording:\n"
                 "  statuses: {truce: ceasefire, escalating: fighting}\n"
                 "  outcomes: {measures: new sanctions (both sides)}\n")
    named = {o.id: o.description for o in outcome_list(load_scenario(file))}
    assert named["collapse"] == "P(ceasefire collapses before the end)"
    assert named["collapse_given_truce"] == "P(ceasefire collapses, given an agreement)"
    assert named["final_status.escalating"] == "P(final status fighting)"
    assert named["measures"] == "new sanctions (both sides)"
    defaults = {o.id: o.description for o in outcome_list(baseline)}
    assert defaults["collapse"] == "P(truce collapses before the end)"  # today's words by default
    assert set(named) == set(defaults)  # ids never change: only what they are called
    assert status_word(load_scenario(file), "truce") == "ceasefire"
    assert status_word(baseline, "talks_restarted") == "talks restarted"


@pytest.mark.parametrize("section, fragment", [
    ("statuses: {truse: ceasefire}", "did you mean `truce`"),
    ("outcomes: {colapse: x}", "did you mean `collapse`"),
])
def test_wording_refuses_words_for_what_does_not_exist(tmp_path, capsys, section, fragment):
    file = write(tmp_path, "w.yaml", f"extends: baseline\nname: w\nwording:\n  {section}\n")
    code, _, err = check(capsys, file)
    assert code == 2 and fragment in err and f"{file}:4:" in err


# --- small misuses: one line, exit 2, what to do --------------------------------------------------

def test_running_a_folder_says_it_is_a_folder_and_names_a_file_in_it(tmp_path, capsys):
    write(tmp_path, "mine.yaml", "extends: baseline\nname: mine\n")
    assert main(["run", str(tmp_path), "--no-plots", "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert f"`{tmp_path}` is a folder, not a scenario file (it holds mine.yaml)" in err
    assert f"e.g. `{(tmp_path / 'mine.yaml').as_posix()}`" in err
    assert not (tmp_path / "out").exists()


def test_a_tab_in_a_record_is_named_with_the_hint(tmp_path, capsys):
    text = RECORD.read_text().replace("\n  us.tariff_on_china:", "\n\tus.tariff_on_china:", 1)
    file = scenario_with_record(tmp_path, text)
    line = text.splitlines().index(next(x for x in text.splitlines() if x.startswith("\t"))) + 1
    code, _, err = check(capsys, file)
    assert code == 2 and f"rec.yaml:{line}:1: line {line} is indented with a tab" in err
    assert "YAML indents with spaces only" in err


def test_sim_run_refuses_a_record_as_sim_check_does_and_writes_nothing(tmp_path, capsys):
    shutil.copy(BASELINE, tmp_path / "other.yaml")
    file = write(tmp_path, "mine.yaml", "extends: baseline\nname: mine\nrecord: other.yaml\n")
    out = tmp_path / "out"
    assert main(["run", str(file), "--no-plots", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"{file}:3:1 at `record`" in err
    assert "a scenario, not a record" in err and not out.exists()


def test_sim_check_on_a_record_checks_it_as_a_record(tmp_path, capsys):
    code, out, _ = check(capsys, RECORD)
    assert code == 0 and out.startswith(f"ok  {RECORD}  (note: a record, checked on its own")
    bad = write(tmp_path, "rec.yaml", RECORD.read_text().replace("confidence: high",
                                                                 "confidence: hihg", 1))
    code, _, err = check(capsys, bad)
    assert code == 2 and "`hihg` is not one of high, medium, low (did you mean `high`?)" in err


def test_the_record_language_documents_the_scoring_rules_the_scorecard_applies():
    import sim.scenario.record_language as lang
    from sim.record.documents import CONFLICT_KINDS
    from sim.record.scorecard import SEARCH_DAYS

    move = lang.Move.model_fields
    assert f"(default {SEARCH_DAYS})" in move["search_days"].description
    assert "at least half this size" in move["size"].description
    assert set(CONFLICT_KINDS) == set(lang.CONFLICT_KINDS)
    readme = (ROOT / "scenarios" / "README.md").read_text()
    assert all(f"`{kind}`" in readme for kind in CONFLICT_KINDS)


def test_a_record_with_empty_sections_reads_as_empty(tmp_path):
    from sim.record.reader import load_record

    rec = load_record(write(tmp_path, "e.yaml", "title:\ndocuments:\nobservations:\nmoves:\n"))
    assert rec.title == "" and rec.documents == {} and rec.observations == () == rec.moves

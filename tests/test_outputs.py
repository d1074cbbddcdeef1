"""Never lose a user's work: output folders, bad arguments, closed pipes, locales, and plots that
must not crash on what `sim check` accepts. Each test names the protection it guards."""

from __future__ import annotations

import ast
import dataclasses
import io
import json
import multiprocessing
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from sim.cli import main
from sim.errors import UserError
from sim.experiments import output
from sim.experiments.output import MARKER, staged_output
from sim.experiments.pool import default_start_method
from sim.scenario.language import load_scenario

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "scenarios" / "baseline.yaml"
SIM = [sys.executable, "-m", "sim"]


@pytest.fixture(scope="module")
def baseline():
    return load_scenario(BASELINE)


def _write(folder: Path, name: str = "timeline.csv", text: str = "x\n") -> None:
    (folder / name).write_text(text, encoding="utf-8")


# -- the output folder ----------------------------------------------------------------------------
def test_a_folder_sim_did_not_write_is_refused_and_kept(tmp_path):
    mine = tmp_path / "d"
    mine.mkdir()
    (mine / "thesis.txt").write_text("two years of work", encoding="utf-8")
    with pytest.raises(UserError, match="was not written by `sim`"), staged_output(mine):
        pytest.fail("the body must not run")
    assert (mine / "thesis.txt").read_text(encoding="utf-8") == "two years of work"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d"], "no scratch folder left"


def test_an_existing_file_is_refused(tmp_path):
    file = tmp_path / "notes"
    file.write_text("keep me", encoding="utf-8")
    with pytest.raises(UserError, match="existing file"), staged_output(file):
        pass
    assert file.read_text(encoding="utf-8") == "keep me"


def test_a_symbolic_link_is_refused(tmp_path):
    target = tmp_path / "elsewhere"
    target.mkdir()
    (target / "data.csv").write_text("keep", encoding="utf-8")
    (tmp_path / "link").symlink_to(target)
    with pytest.raises(UserError, match="symbolic link"), staged_output(tmp_path / "link"):
        pass
    assert (target / "data.csv").read_text(encoding="utf-8") == "keep"


def test_own_output_is_replaced_and_marked(tmp_path):
    out = tmp_path / "r"
    for text in ("first\n", "second\n"):
        with staged_output(out, "run") as folder:
            _write(folder, text=text)
    assert (out / "timeline.csv").read_text(encoding="utf-8") == "second\n"
    marker = json.loads((out / MARKER).read_text(encoding="utf-8"))
    assert marker["kind"] == "run" and marker["files"] == ["timeline.csv"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r"]


def test_own_output_with_a_users_file_added_is_refused(tmp_path):
    out = tmp_path / "r"
    with staged_output(out) as folder:
        _write(folder)
    (out / "my notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(UserError, match="my notes.txt"), staged_output(out):
        pass
    assert (out / "my notes.txt").exists() and (out / "timeline.csv").exists()


def test_empty_folder_and_earlier_outputs_without_marker_are_accepted(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    with staged_output(empty) as folder:
        _write(folder)
    legacy = tmp_path / "legacy"
    legacy.mkdir()
    _write(legacy)
    _write(legacy, "manifest.json", json.dumps({"scenario_sha256": "abc"}))
    with staged_output(legacy) as folder:
        _write(folder, text="new\n")
    assert (legacy / "timeline.csv").read_text(encoding="utf-8") == "new\n"


@pytest.mark.parametrize("where", [".", ".."])
def test_the_working_folder_and_its_parents_are_refused(tmp_path, monkeypatch, where):
    work = tmp_path / "a" / "b"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)
    with pytest.raises(UserError, match="current folder"), staged_output(Path(where)):
        pass


def test_failure_inside_leaves_no_scratch_and_the_old_output(tmp_path):
    out = tmp_path / "r"
    with staged_output(out) as folder:
        _write(folder, text="old\n")
    with pytest.raises(RuntimeError), staged_output(out) as folder:
        _write(folder, text="new\n")
        raise RuntimeError("disk full")
    assert (out / "timeline.csv").read_text(encoding="utf-8") == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r"]


def test_folders_follow_the_umask(tmp_path):
    old = os.umask(0o002)
    try:
        with staged_output(tmp_path / "r") as folder:
            _write(folder)
    finally:
        os.umask(old)
    assert (tmp_path / "r").stat().st_mode & 0o777 == 0o775


def test_a_name_too_long_for_a_file_name_is_a_clean_error(tmp_path):
    with pytest.raises(UserError, match="shorter `name:`"), staged_output(tmp_path / ("n" * 300)):
        pass


def test_single_runs_and_ensembles_have_different_default_folders():
    assert output.default_folder("baseline", "run") != output.default_folder("baseline",
                                                                             "ensemble")


def _replace_many(out: str, tag: int, times: int) -> None:
    for k in range(times):
        with staged_output(Path(out)) as folder:
            _write(folder, text=f"{tag} {k}\n")
            _write(folder, "events.csv", f"{tag} {k}\n")


def test_two_runs_replacing_the_same_folder_take_turns(tmp_path):
    """Without the lock, one process renames the folder away while the other checks or swaps it
    (FileNotFoundError, Directory not empty) and the survivor may hold a mix of both."""
    out = str(tmp_path / "r")
    # fork only where no thread runs (numpy's do): else Python warns "multi-threaded process"
    ctx = multiprocessing.get_context(default_start_method())
    procs = [ctx.Process(target=_replace_many, args=(out, tag, 150)) for tag in (1, 2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0, 0]
    timeline = (tmp_path / "r" / "timeline.csv").read_text(encoding="utf-8")
    assert timeline == (tmp_path / "r" / "events.csv").read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r"]


# -- every bad argument: exit 2, one paragraph naming it, nothing written -------------------------
def _long_name(tmp_path: Path) -> Path:
    file = tmp_path / "long.yaml"
    file.write_text(f"extends: {BASELINE}\nname: {'x' * 300}\n", encoding="utf-8")
    return file


CASES = [  # (id, arguments after `sim`, what the message must name)
    ("negative seed", ["run", "{B}", "--seed", "-1"], "--seed"),
    ("negative ensemble seed", ["run", "{B}", "--seed", "-1", "--runs", "3"], "--seed"),
    ("out is cwd", ["run", "{B}", "--out", "."], "--out"),
    ("out is parent", ["run", "{B}", "--out", ".."], "--out"),
    ("out unwritable", ["run", "{B}", "--out", "/proc/x/y"], "--out"),
    ("out is a file", ["run", "{B}", "--out", "afile"], "--out"),
    ("out is a user folder", ["run", "{B}", "--out", "userdir"], "--out"),
    ("ensemble out is a user folder", ["run", "{B}", "--runs", "2", "--out", "userdir"], "--out"),
    ("compare out is a user folder", ["compare", "{B}", "{B}", "--runs", "2", "--out",
                                      "userdir"], "--out"),
    ("port out of range", ["app", "--port", "99999"], "--port"),
    ("too many runs", ["run", "{B}", "--runs", "10000000"], "100,000"),
    ("zero runs", ["compare", "{B}", "{B}", "--runs", "0"], "--runs"),
    ("zero jobs", ["run", "{B}", "--runs", "2", "--jobs", "0"], "--jobs"),
    ("not a number", ["run", "{B}", "--runs", "many"], "--runs"),
    ("name too long for a folder", ["run", "{LONG}"], ""),
]


@pytest.mark.parametrize("args,names", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_argument_is_one_paragraph_exit_2(args, names, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "afile").write_text("keep", encoding="utf-8")
    (tmp_path / "userdir").mkdir()
    (tmp_path / "userdir" / "thesis.txt").write_text("keep", encoding="utf-8")
    argv = [a.replace("{B}", str(BASELINE)).replace("{LONG}", str(_long_name(tmp_path)))
            for a in args]
    before = sorted(p.name for p in tmp_path.iterdir())
    assert main([*argv, "--no-plots"] if argv[0] == "run" else argv) == 2
    err = capsys.readouterr().err
    assert names in err and err.startswith("error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == before, "nothing written"
    assert (tmp_path / "afile").read_text(encoding="utf-8") == "keep"
    assert (tmp_path / "userdir" / "thesis.txt").read_text(encoding="utf-8") == "keep"


def test_runs_are_bounded_before_seeds_or_arrays(baseline):
    from sim.experiments import executors

    with pytest.raises(UserError, match="100,000"):
        executors.run_ensembles([baseline], 10_000_000)


def test_every_command_and_argument_has_help():
    from sim.cli import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if a.choices)
    for name, command in sub.choices.items():
        assert command.description, f"sim {name} has no description"
        for action in command._actions:
            assert action.help, f"sim {name} {action.dest} has no help"


@pytest.mark.parametrize("good,redirect", [(40, ""), (0, "2>&1")], ids=["stdout", "stderr"])
def test_exit_code_survives_a_closed_pipe(tmp_path, good, redirect):
    """`ok <file>` lines are block-buffered: long paths make the output outlast the pipe."""
    deep = tmp_path.joinpath(*["d" * 200] * 4)
    deep.mkdir(parents=True)
    scenario = deep / "baseline.yaml"
    scenario.write_bytes(BASELINE.read_bytes())
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: [\n", encoding="utf-8")
    files = [str(scenario)] * good + [str(bad)] * (1 if good else 300)
    shell = (f"{' '.join(SIM)} check {' '.join(files)} {redirect} | head -1; "
             "exit ${PIPESTATUS[0]}")
    proc = subprocess.run(["bash", "-c", shell], capture_output=True, text=True, cwd=ROOT,
                          timeout=300)
    assert proc.returncode == 2, proc.stderr[-500:]
    assert "Traceback" not in proc.stderr and "BrokenPipe" not in proc.stderr


# -- non-UTF-8 locales ----------------------------------------------------------------------------
def _open_calls_without_encoding(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        keywords = {k.arg for k in node.keywords}
        if name in ("read_text", "write_text") and "encoding" not in keywords:
            found.append(f"{path.name}:{node.lineno} {name}")
        if name == "open" and isinstance(func, ast.Name) and "encoding" not in keywords:
            mode = node.args[1] if len(node.args) > 1 else next(
                (k.value for k in node.keywords if k.arg == "mode"), None)
            if not (isinstance(mode, ast.Constant) and "b" in str(mode.value)):
                found.append(f"{path.name}:{node.lineno} open")
    return found


def test_every_text_file_is_read_and_written_as_utf8():
    found = [hit for p in sorted((ROOT / "sim").rglob("*.py"))
             for hit in _open_calls_without_encoding(p)]
    assert not found, "text I/O without encoding='utf-8' (breaks under LC_ALL=C): " + str(found)


def test_a_run_works_in_an_ascii_locale(tmp_path):
    scenario = tmp_path / "s.yaml"
    scenario.write_text(f"extends: {BASELINE}\nname: utf\ntitle: \"Genève – Londres ✓\"\n",
                        encoding="utf-8")
    env = {**os.environ, "LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0",
           "PYTHONCOERCECLOCALE": "0"}
    env.pop("PYTHONIOENCODING", None)
    proc = subprocess.run([*SIM, "run", str(scenario), "--out", str(tmp_path / "o"),
                           "--no-plots"], capture_output=True, text=True, env=env, cwd=ROOT,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr[-800:]
    assert "Genève" in (tmp_path / "o" / "report.html").read_text(encoding="utf-8")


# -- plots must not crash on what the language accepts --------------------------------------------
def _draw(figure) -> None:
    from sim.views import plots

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    plots.plt.close(figure)


def _columns(scenario):
    from sim.experiments.runs import run_once

    return run_once(scenario, seed=1).columns


def test_dollar_signs_reach_plots_literally(baseline):
    from sim.views import plots

    odd = "tariff on $\\bogus goods$ (US)"
    scenario = dataclasses.replace(baseline, title=odd)
    first = next(iter(scenario.actors))
    spec = scenario.actors[first]
    lever = dataclasses.replace(spec.levers[0], label=odd)
    scenario.actors = {**scenario.actors,
                       first: dataclasses.replace(spec, levers=(lever, *spec.levers[1:]))}
    columns = _columns(baseline)
    for figure in (plots.lever_figure(columns, scenario), plots.overview_figure(columns,
                                                                                scenario)):
        texts = [t for t in figure.findobj(plots.plt.Text) if "$" in t.get_text()]
        assert texts and all(not t._preprocess_math(t.get_text())[1] for t in texts)
        _draw(figure)


def test_huge_lever_bounds_and_bad_colours_do_not_crash_plots(baseline):
    from sim.views import plots

    scenario = dataclasses.replace(baseline)
    actors = {}
    for actor, spec in scenario.actors.items():
        levers = tuple(dataclasses.replace(lv, min=-1e308, max=1e308) for lv in spec.levers)
        actors[actor] = dataclasses.replace(spec, levers=levers, colour="#GGGGGG")
    scenario.actors = actors
    columns = _columns(baseline)
    assert plots.actor_colour(scenario, next(iter(actors))) in plots.OKABE_ITO
    _draw(plots.lever_figure(columns, scenario))
    _draw(plots.overview_figure(columns, scenario))


def test_compare_colours_differ_from_the_sides(baseline):
    from sim.views import plots

    sides = {plots.actor_colour(baseline, a).lower() for a in baseline.actors}
    colours = plots.compare_colours([baseline, baseline, baseline])
    assert len(set(colours)) == 3 and not sides & {c.lower() for c in colours}


# -- report.html ----------------------------------------------------------------------------------
def test_report_is_self_contained_and_in_words(tmp_path, capsys):
    out = tmp_path / "r"
    assert main(["run", str(BASELINE), "--out", str(out)]) == 0
    page = (out / "report.html").read_text(encoding="utf-8")
    assert page.count("data:image/png;base64,") == 2
    for external in ("http://", "https://", "src=\"/", "<link", "<script"):
        assert external not in page
    assert "US tariff on Chinese goods" in page and "us.tariff_on_china" not in page.split(
        "manifest.json")[0]
    assert "<h2>Narrative" in page and "<h2>Outcomes" in page and "scenario_sha256" in page


def test_report_escapes_scenario_text(tmp_path, capsys):
    scenario = tmp_path / "s.yaml"
    data = {"extends": str(BASELINE), "name": "esc", "title": "<script>alert(1)</script>"}
    scenario.write_text(yaml.safe_dump(data), encoding="utf-8")
    assert main(["run", str(scenario), "--out", str(tmp_path / "o"), "--no-plots"]) == 0
    page = (tmp_path / "o" / "report.html").read_text(encoding="utf-8")
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_figures_key_their_document_ids_and_keep_legends_off_the_data(baseline):
    from sim.record.lookup import record_for
    from sim.views import plots

    observations = list(record_for(baseline).observations)
    columns = _columns(baseline)
    for figure in (plots.overview_figure(columns, baseline, observations),
                   plots.lever_figure(columns, baseline, observations)):
        figure.canvas.draw()
        texts = " ".join(t.get_text() for t in figure.findobj(plots.plt.Text))
        assert "004 = " in texts and "003 = " in texts, "each document id has its headline"
        legends = [*figure.legends, *(ax.get_legend() for ax in figure.axes if ax.get_legend())]
        assert legends
        for legend in legends:
            box = legend.get_window_extent()
            assert not any(box.overlaps(ax.bbox) for ax in figure.axes if ax.get_visible())
        plots.plt.close(figure)

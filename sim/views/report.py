"""report.html: one self-contained page beside every run, ensemble and comparison.

It opens offline and can be mailed as one file: the figures are inlined (``report_page``), the
data files are links with their sizes, nothing is fetched. It holds the figures, the scorecard in
words and units (lever labels, not `us.tariff_on_china`), the narrative (each decision with its
why), the outcomes (and, where the runs split, each future with its share) and the manifest.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Sequence
from pathlib import Path
from types import SimpleNamespace

from sim.engine.spec import Scenario
from sim.record import outcomes as oc
from sim.views import who_paid, who_paid_compare, words
from sim.views.report_page import Cell, Folded, Section, Table, Text, figures, files, render, write

quantity_label = words.quantity_label  # the name other modules have used


def _num(x: object, digits: int = 3) -> str:
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "–"
    return f"{x:.{digits}g}" if isinstance(x, float) else str(x)


def _mark(flag: bool | None, yes: str = "hit", no: str = "missed") -> Cell:
    if flag is None:
        return Cell("not scored", "na")
    return Cell(yes if flag else no, "hit" if flag else "miss")


def _rate(x: float | None) -> Cell:
    return Cell("–", "na") if x is None or not math.isfinite(x) else Cell(f"{100 * x:.0f} %", "num")


def documents_table(record) -> Table:
    return Table(["id", "headline"], [[Cell(k), Cell(d.headline)]
                                      for k, d in record.documents.items()], "Documents")


def observations_table(scenario: Scenario, scores, observations) -> Table:
    by_id = {o.id: o for o in observations}
    rows = []
    for o in scores:
        obs = by_id.get(o.id)
        documented = words.expected(scenario, obs) if obs is not None else o.expected
        run = words.simulated(scenario, obs, o.simulated) if obs is not None else str(o.simulated)
        rows.append([Cell(o.date), Cell(words.quantity_label(scenario, o.quantity)),
                     Cell(documented), Cell(run), _mark(o.hit), Cell(o.doc)])
    return Table(["date", "what", "documented", "this run", "", "doc"], rows, "Observations")


def moves_table(scenario: Scenario, scores, moves) -> Table:
    by_id = {m.id: m for m in moves}
    rows = []
    for m in scores:
        move = by_id.get(m.id)
        rows.append([Cell(words.quantity_label(scenario, m.quantity)),
                     Cell(words.move_expected(scenario, move) if move else m.expected),
                     Cell(words.move_window(move) if move else m.window),
                     Cell(words.change(scenario, m.quantity, m.change) if m.change is not None
                          else "–"),
                     _mark(m.direction_hit), _mark(m.size_hit), _mark(m.timing_hit)])
    return Table(["lever", "documented move", "when", "this run", "direction", "size", "timing"],
                 rows, "Documented moves")


def narrative_table(scenario: Scenario, events) -> Table:
    actors = {a: s.label for a, s in scenario.actors.items()}
    return Table(["date", "who", "what", "why"],
                 [[Cell(str(e["date"])), Cell(actors.get(e["actor"], e["actor"] or "")),
                   Cell(e["kind"]), Cell(e["why"])] for e in events])


def manifest_block(manifest: dict) -> Folded:
    return Folded("manifest.json (what reproduces this result)", json.dumps(manifest, indent=2))


def _manifest(folder: Path) -> dict:
    try:
        return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


PARTIAL = "Interrupted: this result holds only the runs that finished before the interruption."


# -- who paid, for a scenario with a `trade:` section ---------------------------------------------
WHO_PAID_FIGURE = "who_paid.png"
MEDIANS = ("Each number is its own median over the runs, so the medians of the parts need not "
           "add up to the median net loss.")


def who_paid_sections(paid: who_paid.WhoPaid | None, folder: Path) -> list[Section]:
    """"Who paid": the table in currency and share of GDP, the same per calendar year (when the
    period covers more than one), what its words mean, and the figure beside the page if one
    was drawn; nothing for a scenario without a trade layer."""
    if paid is None:
        return []
    head, rows = who_paid.table(paid)
    cells = [[Cell(text, "num" if k >= 2 else "") for k, text in enumerate(row)] for row in rows]
    blocks: list = [Text([f"What the levers cost each side in money, {who_paid.period_text(paid)}"
                          " (a share of GDP is a year's loss over that side's GDP)."]),
                    Table(head, cells)]
    if who_paid.by_year(paid):
        head, rows = who_paid.year_table(paid)
        blocks += [Text([who_paid.year_caption(paid)]),
                   Table(head, [[Cell(t, "num nowrap" if k >= 2 else "")
                                 for k, t in enumerate(row)] for row in rows])]
    if paid.sectors:
        head, rows = who_paid.sector_table(paid)
        blocks += [Text(["Exporters' lost sales, sector by sector:"]),
                   Table(head, [[Cell(t, "num" if k >= 2 else "") for k, t in enumerate(row)]
                                for row in rows])]
    blocks.append(Text([who_paid.NOTE] + ([MEDIANS] if paid.runs > 1 else []), cls="sub"))
    if (folder / WHO_PAID_FIGURE).is_file():
        blocks.append(figures([folder / WHO_PAID_FIGURE]))
    return [Section("Who paid", blocks)]


# -- one run --------------------------------------------------------------------------------------
def run_outcomes(scenario: Scenario, columns: dict[str, list], events: list[dict],
                 fit: float) -> list[tuple[oc.Outcome, float]]:
    """The ensemble's outcomes for this one run (from its columns and decision log)."""
    start = scenario.start
    entries = [SimpleNamespace(day=(e["date"] - start).days if isinstance(e["date"], dt.date)
                               else 0, kind=e["kind"], meeting=e["meeting"],
                               actor=e["actor"]) for e in events]
    outcomes = oc.outcome_list(scenario)
    values = oc.outcome_values(SimpleNamespace(entries=entries, columns=columns), outcomes, fit)
    return list(zip(outcomes, values, strict=True))


def _run_value(o: oc.Outcome, v: float) -> str:
    if o.kind == oc.VALUE:
        return _num(v)
    return "yes" if v == 1 else "no" if v == 0 else "–"


def scorecard_blocks(scenario: Scenario, fit, record) -> list:
    s = fit.summary
    return [Text([f"Fit {s.fit:.2f}: {s.observations_hit} of {s.observations_scored} documented "
                  f"observations hit; {s.move_marks_hit} of {s.move_marks} move marks."]),
            observations_table(scenario, fit.observation_scores, record.observations),
            moves_table(scenario, fit.move_scores, record.moves), documents_table(record)]


def run_report(result, fit, folder: Path) -> Path:
    """report.html for one run (``result`` a RunResult, ``fit`` its Fit) in ``folder``, beside
    its manifest.json, data files and figures."""
    from sim.record.lookup import record_for

    s = result.scenario
    record = record_for(s)
    rows = [[Cell(o.description), Cell(_run_value(o, v), "num")]
            for o, v in run_outcomes(s, result.columns, result.events, fit.summary.fit)]
    sections = [
        Section("Figures", [figures(folder / n for n in ("overview.png", "scorecard.png"))]),
        Section("Scorecard: this run against the record", scorecard_blocks(s, fit, record)),
        Section("Narrative: every decision and why", [narrative_table(s, result.events)]),
        Section("Why each meeting came to what it did", [why_block(result)]),
        Section("Outcomes", [Table(["outcome", "this run"], rows)]),
        *who_paid_sections(who_paid.run_who_paid(s, result.columns), folder),
        Section("Files", [files(folder)]),
        Section("Manifest", [manifest_block(_manifest(folder))]),
    ]
    return write(folder, render(s.title, f"{s.name}: one run, seed {result.seed}, {s.start} to "
                                f"{s.end}. {s.description}".strip(), sections))


def why_block(result) -> Folded | Text:
    """Each meeting's numbers (reservations, best offers, gaps, willingness), from a replay of
    the run (`sim explain` adds the behaviour values that would close each gap); a note instead
    if the replay is not this run (a run some player decided)."""
    from sim.experiments.explain import explain
    from sim.experiments.runs import events_csv
    from sim.views.explanation import explanation_text

    ex = explain(result.scenario, result.seed, probe_values=False)
    if ex.told != events_csv(result.events):
        return Text(["This run cannot be replayed from its scenario and seed alone."])
    return Folded("each side's reservation, best offer received and the gap; who stayed away",
                  explanation_text(ex), open=True)


# -- ensembles and comparisons --------------------------------------------------------------------
def outcome_table(table: list[dict]) -> Table:
    rows = []
    for r in table:
        prob = r["kind"] == oc.PROBABILITY
        mean = f"{100 * r['mean']:.1f} %" if prob and math.isfinite(r["mean"]) else _num(r["mean"])
        se = f"{100 * r['se']:.1f} points" if prob and math.isfinite(r["se"]) else _num(r["se"])
        band = "" if prob else f"{_num(r['p10'])} to {_num(r['p90'])}"
        rows.append([Cell(r["description"]), Cell(str(r["n"]), "num"), Cell(mean, "num"),
                     Cell(se, "num"), Cell(band, "num")])
    return Table(["outcome", "runs", "mean (share of runs)", "standard error", "10–90 %"], rows)


def futures_blocks(ens) -> list:
    """The groups the runs split into (a future each), with shares and a typical run."""
    from sim.views.futures import futures

    groups = futures(ens)
    if len(groups) < 2:
        return []
    s = ens.scenario
    levers = s.levers
    rows = []
    for g in groups:
        finals = [words.amount(s, lv.id, g.final_median(ens, lv.id)) for lv in levers]
        rows.append([Cell(g.description()), Cell(str(g.runs), "num"),
                     Cell(f"{100 * g.share:.0f} %", "num"),
                     Cell(f"run {g.typical} (seed {int(ens.seeds[g.typical])})"),
                     *(Cell(f, "num") for f in finals)])
    note = Text([f"The runs came to {len(groups)} different ends. The figures draw each future "
                 "with its share of the runs, its 10–90 % band and its typical run (the run "
                 "closest to the future's median); `sim run` with the seed replays it. A lever "
                 "set by decree is drawn as its typical run's steps, not as a median that "
                 "zig-zags between levels."])
    return [note, Table(["future", "runs", "share", "typical run",
                         *(f"final {lv.label} (median)" for lv in levers)], rows,
                        "Futures: how the runs ended")]


def ensemble_scorecard_blocks(ens) -> list:
    s, rec = ens.scenario, ens.plan.record
    hits, marks = ens.hit_rates(), ens.mark_rates()
    obs = [[Cell(o.date_text()), Cell(words.quantity_label(s, o.quantity)),
            Cell(words.expected(s, o)), _rate(hits[o.id]), Cell(o.doc)]
           for o in rec.observations if o.id in hits]
    moves = [[Cell(words.quantity_label(s, m.quantity)), Cell(words.move_expected(s, m)),
              Cell(words.move_window(m)),
              *(_rate(marks.get(m.id, {}).get(k)) for k in ("direction", "size", "timing"))]
             for m in rec.moves]
    return [Table(["date", "what", "documented", "runs hitting", "doc"], obs,
                  "Observations: share of runs that hit each"),
            Table(["lever", "documented move", "when", "direction", "size", "timing"], moves,
                  "Documented moves: share of runs getting each mark"),
            documents_table(rec)]


def first_run_narrative(scenario: Scenario, seed: int) -> list:
    """The narrative of one run (run 0) replayed: an ensemble keeps no decision logs."""
    from sim.experiments.runs import run_once

    result = run_once(scenario, seed=seed)
    return [Text([f"Run 0 (seed {seed}; replay it with `sim run {scenario.file or scenario.name}"
                  f" --seed {seed}`). Each run has its own story; the outcomes are over all "
                  "runs."], cls="sub"), narrative_table(scenario, result.events)]


def ensemble_report(ens, folder: Path, figure_names: Sequence[str]) -> Path:
    """report.html for an ensemble, in its folder beside manifest.json, its data files and
    ``figure_names``."""
    s = ens.scenario
    drawn = [n for n in figure_names if n != WHO_PAID_FIGURE]  # shown in its own section
    sections = [
        Section("Figures", [figures(folder / n for n in drawn)]),
        Section("Outcomes over the runs", [*futures_blocks(ens),
                                           outcome_table(ens.outcome_stats())]),
        Section("Scorecard: the runs against the record", ensemble_scorecard_blocks(ens)),
        *who_paid_sections(who_paid.ensemble_who_paid(ens), folder),
        Section("Narrative of one run", first_run_narrative(s, int(ens.seeds[0]))
                if ens.finished else [Text(["No run finished."])]),
        Section("Files", [files(folder, figure_names)]),
        Section("Manifest", [manifest_block(_manifest(folder))]),
    ]
    return write(folder, render(s.title, f"{s.name}: {ens.finished} of {ens.runs} runs, base "
                                f"seed {ens.base_seed}, {s.start} to {s.end}. "
                                f"{s.description}".strip(), sections,
                                PARTIAL if ens.partial else ""))


def compare_table(rows: list[dict]) -> Table:
    out = []
    for r in rows:
        prob = r["kind"] == oc.PROBABILITY
        unit = " points" if prob else ""

        def f(x: float, scale: float = 100 if prob else 1) -> str:
            return "–" if not math.isfinite(x) else f"{scale * x:.3g}"

        ref = r["scenario"] == r["reference"]
        diff = "" if ref else "not defined" if not math.isfinite(r["difference"]) else (
            f"{f(r['difference'])}{unit} (95 % CI {f(r['ci95_low'])} to {f(r['ci95_high'])})")
        mean = f"{f(r['mean'])}{' %' if prob and math.isfinite(r['mean']) else ''}"
        out.append([Cell(r["description"]), Cell(r["scenario"]), Cell(str(r["n"]), "num"),
                    Cell(mean, "num"), Cell(diff)])
    return Table(["outcome", "scenario", "runs", "mean", "difference from the first"], out)


def compare_report(ensembles, names: Sequence[str], rows: list[dict], folder: Path,
                   figure_names: Sequence[str], partial: bool,
                   paid: who_paid_compare.ComparedPaid | None = None) -> Path:
    """report.html for a comparison, in its folder beside manifest.json and ``figure_names``;
    with ``paid`` (a ``who_paid_compare.ComparedPaid``), who paid in each scenario."""
    sections = [Section("Figures", [figures(folder / n for n in figure_names)]),
                Section("Outcomes, same seeds for every scenario", [compare_table(rows)]),
                *compare_who_paid_sections(paid)]
    for e, name in zip(ensembles, names, strict=True):
        if e.finished:
            sections.append(Section(f"Narrative of run 0 of {name}",
                                    first_run_narrative(e.scenario, int(e.seeds[0]))))
    sections += [Section("Files", [files(folder, [*figure_names, *names])]),
                 Section("Manifest", [manifest_block(_manifest(folder))])]
    return write(folder, render(f"Comparison: {' vs '.join(names)}", "The same seeds for every "
                                "scenario (common random numbers); differences are paired run "
                                "by run.", sections, PARTIAL if partial else ""))


def compare_who_paid_sections(paid: who_paid_compare.ComparedPaid | None) -> list[Section]:
    """"Who paid": each scenario's net loss per side (median, 10-90 % of runs, share of GDP);
    nothing when no compared scenario has a `trade:` section."""
    if paid is None or not paid.shown():
        return []
    head, rows = who_paid_compare.table(paid)
    return [Section("Who paid", [
        Text([who_paid_compare.caption(paid)]),
        Table(head, [[Cell(t, "num" if k >= 2 else "") for k, t in enumerate(row)]
                     for row in rows]),
        Text([who_paid.NOTE], cls="sub")])]


# -- sweeps, validations, calibrations: a summary, figures, a table and the files -----------------
def dict_table(rows: Sequence[dict], caption: str = "", limit: int = 500) -> Table:
    """Rows of dicts as a table (numbers to 3 significant digits), at most ``limit`` rows."""
    if not rows:
        return Table([], [], caption)
    head = list(rows[0])
    body = [[Cell(_num(r.get(k)), "num" if isinstance(r.get(k), int | float) else "")
             for k in head] for r in rows[:limit]]
    if len(rows) > limit:
        caption += f" (the first {limit} of {len(rows)} rows; all are in the CSV file)"
    return Table([h.replace("_", " ") for h in head], body, caption)


def summary_report(folder: Path, title: str, subtitle: str, summary: str,
                   figure_names: Sequence[str], tables: Sequence[Table] = (),
                   partial: bool = False) -> Path:
    """report.html for a sweep, a validation or a calibration: what the terminal printed, the
    figures, the tables and the files beside the page."""
    sections = [Section("Summary", [Text(summary.splitlines(), cls="sub")]),
                Section("Figures", [figures(folder / n for n in figure_names)])]
    if tables:
        sections.append(Section("Results", list(tables)))
    sections += [Section("Files", [files(folder)]),
                 Section("Manifest", [manifest_block(_manifest(folder))])]
    return write(folder, render(title, subtitle, sections, PARTIAL if partial else ""))

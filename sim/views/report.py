"""report.html: one self-contained page beside every run, ensemble and comparison.

It opens offline and can be mailed as one file: the figures are inlined as base64 PNG, the style is
inline, and nothing is fetched. It holds the figures, the scorecard as a table in words (lever
labels, not `us.tariff_on_china`), the narrative (each decision with its why), the outcomes and the
manifest. Every piece of text from a scenario or the record is HTML-escaped.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import json
import math
from collections.abc import Iterable, Sequence
from pathlib import Path
from types import SimpleNamespace

from sim.engine.spec import Scenario
from sim.record import outcomes as oc

CSS = """
body{font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;
max-width:1180px;padding:1.5em;color:#222}
h1{font-size:1.6em;margin-bottom:.2em}h2{margin-top:1.8em;border-bottom:2px solid #ddd}
.sub{color:#555}.partial{background:#fff3cd;border:1px solid #e6c200;padding:.6em 1em}
table{border-collapse:collapse;margin:.6em 0;font-size:.92em;width:100%}
th,td{border-bottom:1px solid #ddd;padding:.3em .5em;text-align:left;vertical-align:top}
th{background:#f3f3f3}td.num{text-align:right;font-variant-numeric:tabular-nums}
.hit{color:#007a55;font-weight:600}.miss{color:#b34700;font-weight:600}.na{color:#888}
img{max-width:100%;border:1px solid #eee;margin:.5em 0}
pre{background:#f6f6f6;padding:1em;overflow-x:auto;font-size:.85em}
details summary{cursor:pointer;color:#0b5394}
"""


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def quantity_label(scenario: Scenario, quantity: str) -> str:
    """A quantity in words: a lever's label, "US: trust in the other side", "talks status"."""
    for lever in scenario.levers:
        if lever.id == quantity:
            return lever.label
    actor, _, kind = quantity.partition(".")
    if actor in scenario.actors:
        spec = scenario.actors[actor]
        if kind in ("trust", "pressure"):
            text = "trust in the other side" if kind == "trust" else "domestic pressure"
            return f"{spec.label}: {text}"
        for c in spec.constituencies:
            if c.id == quantity:
                return f"{spec.label}: {c.label}"
    return {"status": "talks status"}.get(quantity, quantity.replace("_", " "))


def _num(x: object, digits: int = 3) -> str:
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "–"
    return f"{x:.{digits}g}" if isinstance(x, float) else str(x)


def _mark(flag: bool | None, yes: str = "hit", no: str = "missed") -> str:
    if flag is None:
        return '<td class="na">not scored</td>'
    return f'<td class="{"hit" if flag else "miss"}">{yes if flag else no}</td>'


def _rate(x: float | None) -> str:
    return '<td class="na">–</td>' if x is None or not math.isfinite(x) else \
        f'<td class="num">{100 * x:.0f} %</td>'


def _table(head: Sequence[str], rows: Iterable[str]) -> str:
    cells = "".join(f"<th>{esc(h)}</th>" for h in head)
    return f"<table><thead><tr>{cells}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def figures_html(paths: Iterable[Path]) -> str:
    """Each PNG inlined as base64 (no file beside the page is needed)."""
    out = []
    for path in paths:
        if path.exists():
            data = base64.b64encode(path.read_bytes()).decode("ascii")
            out.append(f'<figure><img alt="{esc(path.stem)}" src="data:image/png;base64,{data}">'
                       f"<figcaption>{esc(path.name)}</figcaption></figure>")
    return "".join(out) or "<p class=sub>No figures were drawn (--no-plots).</p>"


def documents_html(record) -> str:
    rows = (f"<tr><td>{esc(k)}</td><td>{esc(d.headline)}</td></tr>"
            for k, d in record.documents.items())
    return "<h3>Documents</h3>" + _table(["id", "headline"], rows)


def observations_html(scenario: Scenario, scores) -> str:
    rows = []
    for o in scores:
        sim = o.simulated if isinstance(o.simulated, str) else _num(o.simulated)
        rows.append(f"<tr><td>{esc(o.date)}</td><td>{esc(quantity_label(scenario, o.quantity))}"
                    f"</td><td>{esc(o.expected)}</td><td>{esc(sim)}</td>{_mark(o.hit)}"
                    f"<td>{esc(o.doc)}</td></tr>")
    return _table(["date", "what", "documented", "this run", "", "doc"], rows)


def moves_html(scenario: Scenario, scores) -> str:
    rows = (f"<tr><td>{esc(quantity_label(scenario, m.quantity))}</td><td>{esc(m.expected)}</td>"
            f"<td>{esc(m.window)}</td>{_mark(m.direction_hit)}{_mark(m.size_hit)}"
            f"{_mark(m.timing_hit)}</tr>" for m in scores)
    return _table(["lever", "documented move", "when", "direction", "size", "timing"], rows)


def narrative_html(scenario: Scenario, events: Iterable[dict]) -> str:
    actors = {a: s.label for a, s in scenario.actors.items()}
    rows = (f"<tr><td>{esc(e['date'])}</td><td>{esc(actors.get(e['actor'], e['actor']))}</td>"
            f"<td>{esc(e['kind'])}</td><td>{esc(e['why'])}</td></tr>" for e in events)
    return _table(["date", "who", "what", "why"], rows)


def manifest_html(manifest: dict) -> str:
    return ("<details><summary>manifest.json (what reproduces this result)</summary><pre>"
            f"{esc(json.dumps(manifest, indent=2))}</pre></details>")


def page(title: str, subtitle: str, sections: Sequence[tuple[str, str]],
         partial: bool = False) -> str:
    body = "".join(f"<h2>{esc(h)}</h2>{content}" for h, content in sections)
    note = ('<p class="partial">Interrupted: this result holds only the runs that finished '
            "before the interruption.</p>") if partial else ""
    return ("<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8>"
            "<meta name=viewport content='width=device-width,initial-scale=1'>"
            f"<title>{esc(title)}</title><style>{CSS}</style></head><body>"
            f"<h1>{esc(title)}</h1><p class=sub>{esc(subtitle)}</p>{note}{body}</body></html>\n")


def write(folder: Path, text: str) -> Path:
    path = folder / "report.html"
    path.write_text(text, encoding="utf-8")
    return path


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


def _manifest(folder: Path) -> dict:
    try:
        return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def run_report(result, fit, folder: Path) -> Path:
    """report.html for one run (``result`` a RunResult, ``fit`` its Fit) in ``folder``, beside
    its manifest.json and figures."""
    from sim.record.lookup import record_for

    s, manifest = result.scenario, _manifest(folder)
    record = record_for(s)
    summary = fit.summary
    rows = (f"<tr><td>{esc(o.description)}</td><td class=num>"
            f"{_num(v) if o.kind == oc.VALUE else ('yes' if v == 1 else 'no' if v == 0 else '–')}"
            f"</td></tr>" for o, v in run_outcomes(s, result.columns, result.events,
                                                    summary.fit))
    score = (f"<p>Fit {summary.fit:.2f}: {summary.observations_hit} of "
             f"{summary.observations_scored} documented observations hit; "
             f"{summary.move_marks_hit} of {summary.move_marks} move marks.</p>")
    sections = [
        ("Figures", figures_html(folder / n for n in ("overview.png", "scorecard.png"))),
        ("Scorecard: this run against the record", score + "<h3>Observations</h3>"
         + observations_html(s, fit.observation_scores) + "<h3>Documented moves</h3>"
         + moves_html(s, fit.move_scores) + documents_html(record)),
        ("Narrative: every decision and why", narrative_html(s, result.events)),
        ("Why each meeting came to what it did", why_html(result)),
        ("Outcomes", _table(["outcome", "this run"], rows)),
        ("Manifest", manifest_html(manifest)),
    ]
    return write(folder, page(s.title, f"{s.name}: one run, seed {result.seed}, "
                              f"{s.start} to {s.end}. {s.description}".strip(), sections))


def why_html(result) -> str:
    """Each meeting's numbers (reservations, best offers, gaps, willingness), from a replay of
    the run (`sim explain` adds the behaviour values that would close each gap); nothing if the
    replay is not this run (a run some player decided)."""
    from sim.experiments.explain import explain
    from sim.experiments.runs import events_csv
    from sim.views.explanation import explanation_html

    ex = explain(result.scenario, result.seed, probe_values=False)
    if ex.told != events_csv(result.events):
        return "<p class=sub>This run cannot be replayed from its scenario and seed alone.</p>"
    return explanation_html(ex)


# -- ensembles and comparisons --------------------------------------------------------------------
def outcome_rows(table: list[dict]) -> str:
    rows = []
    for r in table:
        prob = r["kind"] == oc.PROBABILITY
        mean = f"{100 * r['mean']:.1f} %" if prob and math.isfinite(r["mean"]) else _num(r["mean"])
        se = f"{100 * r['se']:.1f}" if prob and math.isfinite(r["se"]) else _num(r["se"])
        band = "" if prob else f"{_num(r['p10'])} – {_num(r['p90'])}"
        rows.append(f"<tr><td>{esc(r['description'])}</td><td class=num>{r['n']}</td>"
                    f"<td class=num>{mean}</td><td class=num>{se}</td><td class=num>{band}</td>"
                    "</tr>")
    return _table(["outcome", "runs", "mean (share of runs)", "standard error", "10–90 %"], rows)


def ensemble_scorecard_html(ens) -> str:
    s, rec = ens.scenario, ens.plan.record
    hits, marks = ens.hit_rates(), ens.mark_rates()
    obs = (f"<tr><td>{esc(o.date_text())}</td><td>{esc(quantity_label(s, o.quantity))}</td>"
           f"<td>{esc(o.expected_text())}</td>{_rate(hits[o.id])}<td>{esc(o.doc)}</td></tr>"
           for o in rec.observations if o.id in hits)
    moves = (f"<tr><td>{esc(quantity_label(s, m.quantity))}</td><td>{esc(m.expected_text())}"
             f"</td><td>{esc(m.window_text())}</td>"
             + "".join(_rate(marks.get(m.id, {}).get(k)) for k in ("direction", "size", "timing"))
             + "</tr>" for m in rec.moves)
    return ("<h3>Observations: share of runs that hit each</h3>"
            + _table(["date", "what", "documented", "runs hitting", "doc"], obs)
            + "<h3>Documented moves: share of runs getting each mark</h3>"
            + _table(["lever", "documented move", "when", "direction", "size", "timing"], moves)
            + documents_html(rec))


def first_run_narrative(scenario: Scenario, seed: int) -> str:
    """The narrative of one run (run 0) replayed: an ensemble keeps no decision logs."""
    from sim.experiments.runs import run_once

    result = run_once(scenario, seed=seed)
    return (f"<p class=sub>Run 0 (seed {seed}; replay it with <code>sim run "
            f"{esc(scenario.file or scenario.name)} --seed {seed}</code>). Each run has its own "
            "story; the outcomes below are over all runs.</p>"
            + narrative_html(scenario, result.events))


def ensemble_report(ens, folder: Path, figures: Sequence[str]) -> Path:
    """report.html for an ensemble, in its folder beside manifest.json and ``figures``."""
    s, manifest = ens.scenario, _manifest(folder)
    sections = [
        ("Figures", figures_html(folder / n for n in figures)),
        ("Outcomes over the runs", outcome_rows(ens.outcome_stats())),
        ("Scorecard: the runs against the record", ensemble_scorecard_html(ens)),
        ("Narrative of one run", first_run_narrative(s, int(ens.seeds[0]))
         if ens.finished else "<p>No run finished.</p>"),
        ("Manifest", manifest_html(manifest)),
    ]
    return write(folder, page(s.title, f"{s.name}: {ens.finished} of {ens.runs} runs, base seed "
                              f"{ens.base_seed}, {s.start} to {s.end}. {s.description}".strip(),
                              sections, ens.partial))


def compare_rows(rows: list[dict]) -> str:
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
        out.append(f"<tr><td>{esc(r['description'])}</td><td>{esc(r['scenario'])}</td>"
                   f"<td class=num>{r['n']}</td><td class=num>{mean}</td><td>{diff}</td></tr>")
    return _table(["outcome", "scenario", "runs", "mean", "difference from the first"], out)


def compare_report(ensembles, names: Sequence[str], rows: list[dict], folder: Path,
                   figures: Sequence[str], partial: bool) -> Path:
    """report.html for a comparison, in its folder beside manifest.json and ``figures``."""
    manifest = _manifest(folder)
    sections = [("Figures", figures_html(folder / n for n in figures)),
                ("Outcomes, same seeds for every scenario", compare_rows(rows))]
    for e, name in zip(ensembles, names, strict=True):
        if e.finished:
            sections.append((f"Narrative of run 0 of {name}",
                             first_run_narrative(e.scenario, int(e.seeds[0]))))
    sections.append(("Manifest", manifest_html(manifest)))
    title = " vs ".join(names)
    return write(folder, page(f"Comparison: {title}", "The same seeds for every scenario "
                              "(common random numbers); differences are paired run by run.",
                              sections, partial))

"""Designed experiments for people: a sweep's summary lines, a sensitivity analysis's ranked bar
charts and its paragraph in plain language."""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np

from sim.engine.spec import Scenario
from sim.experiments.design import Factor
from sim.experiments.sensitivity import MAIN, Indices, ranked
from sim.record import outcomes as oc
from sim.views import plots
from sim.views.design_figures import key_label, tornado_figure

LITTLE = 0.1  # "matters little": a main index under this share of the largest


def factor_label(factor: Factor, scenario: Scenario) -> str:
    label = key_label(factor.key, scenario)
    return label if factor.numeric else f"{label} ({'/'.join(map(str, factor.values))})"


def index_text(method: str, outcome: oc.Outcome) -> str:
    if method == "morris":
        unit = "probability" if outcome.kind == oc.PROBABILITY else "outcome units"
        return (f"μ*: mean absolute change in {outcome.description}\nwhen the value moves "
                f"across its whole range ({unit})")
    return (f"total Sobol index ST: share of the variance of\n{outcome.description} the value "
            "is involved in (with interactions)")


def _amount(method: str, outcome: oc.Outcome, value: float) -> str:
    if method == "sobol":
        return f"{value:.0%} of the variance"
    if outcome.kind == oc.PROBABILITY:
        return f"{100 * value:.0f} points"
    return f"{value:.3g}"


def _sentence(method: str, factors: list[Factor], ind: Indices, scenario: Scenario,
              little: set[int]) -> str:
    """"For <outcome>, A matters most (amount), then B and C." (or "A and B about equally")."""
    o = ind.outcome
    if ind.skipped:
        return f"{o.description} was not analysed: {ind.skipped}."
    name, conf_name = MAIN[method]
    main, conf = ind.values[name], ind.values[conf_name]
    order = ranked(method, ind)
    top = order[0]
    if not main[top] > 0:
        return f"Nothing moves {o.description} over these ranges."
    for k in order:
        if main[k] >= LITTLE * main[top]:
            little.discard(k)
    label = [factor_label(f, scenario) for f in factors]

    def said(k: int) -> str:
        return f"{label[k]} ({_amount(method, o, main[k])})"

    rest = [k for k in order[1:3] if main[k] >= LITTLE * main[top]]
    if rest and main[top] - conf[top] <= main[rest[0]] + conf[rest[0]]:
        text = f"For {o.description}, {said(top)} and {said(rest[0])} matter most, about " \
               "equally (their confidence intervals overlap)"
        rest = rest[1:]
    else:
        text = f"For {o.description}, {said(top)} matters most"
    if rest:
        text += ", then " + " and ".join(said(k) for k in rest)
    return text + "."


def reading(method: str, factors: list[Factor], results: list[Indices],
            scenario: Scenario, width: int = 100) -> str:
    """One paragraph: what matters most for each outcome, and what matters little for all."""
    little = set(range(len(factors)))
    intro = ("Effects in brackets are μ*, the mean absolute change in the outcome when a value "
             "moves across its whole range (probabilities in percentage points)."
             if method == "morris" else "Shares in brackets are total Sobol indices: the "
             "share of the outcome's variance a value takes part in.")
    body = " ".join([intro, *(_sentence(method, factors, ind, scenario, little)
                              for ind in results)])
    if little and any(not r.skipped for r in results):
        names = [factor_label(factors[k], scenario) for k in sorted(little)]
        body += (f" {len(names)} of the {len(factors)} values matter little for all of these "
                 f"(under a tenth of the largest effect on each): {', '.join(names)}.")
    return textwrap.fill(body, width)


def write_tornados(method: str, factors: list[Factor], results: list[Indices],
                   scenario: Scenario, folder: Path, runs: int, points: int) -> list[str]:
    """sensitivity-<outcome>.png for each analysed outcome; returns the names written."""
    names = []
    name, conf = MAIN[method]
    note = (f"{method.capitalize()} design, {points} points x {runs} runs each on common "
            f"seeds; {len(factors)} values varied over their documented ranges.")
    for ind in results:
        if ind.skipped:
            continue
        rows = [{"label": factor_label(f, scenario), "index": float(ind.values[name][k]),
                 "conf": float(ind.values[conf][k])} for k, f in enumerate(factors)]
        fig = tornado_figure(scenario, rows, ind.outcome, "index", "conf",
                             index_text(method, ind.outcome), [note])
        path = folder / f"sensitivity-{ind.outcome.id}.png"
        plots.save(fig, path)
        names.append(path.name)
    return names


def sweep_summary(result, base, drawn: list[oc.Outcome]) -> str:
    """A few lines: what ran, and where each drawn outcome is highest and lowest."""
    n = len(result.cells)
    lines = [f"{base.title}: {result.written} of {n} cells x {result.runs} runs "
             f"({result.executor}, {result.seconds:.1f} s)"
             + ("  PARTIAL: interrupted" if result.partial else "")]
    ids = [o.id for o in result.outcomes]
    for o in drawn:
        col = result.means[:, ids.index(o.id)]
        if not np.isfinite(col).any():
            continue
        hi, lo = int(np.nanargmax(col)), int(np.nanargmin(col))
        lines.append(f"  {o.description}: highest {col[hi]:.3g} at {_cell(result, hi, base)}; "
                     f"lowest {col[lo]:.3g} at {_cell(result, lo, base)}")
    return "\n".join(lines)


def _cell(result, c: int, base) -> str:
    return ", ".join(f"{key_label(f.key, base)} {v:.3g}" if isinstance(v, float)
                     else f"{key_label(f.key, base)} {v}"
                     for f, v in zip(result.factors, result.cells[c], strict=True))


def sweep_table(result, base):
    """The cells written, each with its varied values and the drawn outcomes' means."""
    from sim.views.report import dict_table

    ids = [o.id for o in result.outcomes]
    rows = []
    for c in range(result.written):
        row = {key_label(f.key, base): v for f, v in zip(result.factors, result.cells[c],
                                                         strict=True)}
        for o in result.outcomes:
            if o.id in result.keep:
                row[o.description] = float(result.means[c, ids.index(o.id)])
        rows.append(row)
    return dict_table(rows, "Each cell's mean outcomes over its runs")

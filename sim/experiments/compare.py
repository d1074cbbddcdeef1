"""Comparing scenarios run on the same seeds (common random numbers): paired differences of every
outcome, as a table and a CSV."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from sim.engine.spec import Scenario
from sim.experiments.ensemble import Z95, Ensemble, stats
from sim.experiments.ensemble_files import _csv, _num
from sim.record import outcomes as oc


def paired_difference(a: np.ndarray, b: np.ndarray) -> dict:
    """B - A over runs with the same seed. Paired (mean and standard error of the per-run
    differences) when both are defined on the same runs; otherwise (conditional outcomes, e.g.
    days to the first agreement) the difference of the two means with an unpaired error."""
    fa, fb = np.isfinite(a), np.isfinite(b)
    both = fa & fb
    out = {"pairs": int(both.sum()), "difference": math.nan, "difference_se": math.nan,
           "method": "paired"}
    if not fa.any() or not fb.any():
        return out
    if np.array_equal(fa, fb):
        d = b[both] - a[both]
        out["difference"] = float(d.mean())
        out["difference_se"] = float(d.std(ddof=1) / math.sqrt(len(d))) if len(d) > 1 \
            else math.nan
    else:
        va, vb = a[fa], b[fb]
        out["method"] = "unpaired"
        out["difference"] = float(vb.mean() - va.mean())
        if len(va) > 1 and len(vb) > 1:
            out["difference_se"] = math.sqrt(va.var(ddof=1) / len(va)
                                             + vb.var(ddof=1) / len(vb))
    return out


def _names(scenarios: Sequence[Scenario]) -> list[str]:
    names: list[str] = []
    for s in scenarios:
        name, k = s.name, 2
        while name in names:
            name, k = f"{s.name}_{k}", k + 1
        names.append(name)
    return names


def compare_table(ensembles: Sequence[Ensemble], names: Sequence[str]) -> list[dict]:
    """One row per outcome and scenario: its mean and, from the second on, B - A (the first)."""
    ref = ensembles[0]
    common = np.logical_and.reduce([e.done for e in ensembles])
    outcomes: dict[str, oc.Outcome] = {}
    for e in ensembles:
        for o in e.plan.outcomes:
            outcomes.setdefault(o.id, o)
    rows = []
    for o in outcomes.values():
        a = ref.outcome_column(o.id)
        for e, name in zip(ensembles, names, strict=True):
            col = e.outcome_column(o.id)
            row = {"outcome": o.id, "kind": o.kind, "description": o.description,
                   "scenario": name, "reference": names[0]}
            if col is None:
                row.update(stats(o, np.array([])))
                row["n"] = 0
            else:
                row.update(stats(o, np.where(common, col, np.nan)))
            if e is not ref:
                if a is None or col is None:
                    diff = {"pairs": 0, "difference": math.nan, "difference_se": math.nan,
                            "method": "n/a"}
                else:
                    diff = paired_difference(np.where(common, a, np.nan),
                                             np.where(common, col, np.nan))
                row.update(diff)
                row["ci95_low"] = diff["difference"] - Z95 * diff["difference_se"]
                row["ci95_high"] = diff["difference"] + Z95 * diff["difference_se"]
            rows.append(row)
    return rows


COMPARE_FIELDS = ["outcome", "scenario", "reference", "kind", "n", "mean", "se", "difference",
                  "difference_se", "ci95_low", "ci95_high", "pairs", "method", "description"]


def compare_csv(rows: list[dict]) -> str:
    out: list[list] = [COMPARE_FIELDS]
    for r in rows:
        ref = r["scenario"] == r["reference"]
        out.append([r["outcome"], r["scenario"], r["reference"], r["kind"], r["n"],
                    _num(r["mean"]), _num(r["se"]),
                    *(["", "", "", "", "", ""] if ref else
                      [_num(r["difference"]), _num(r["difference_se"]), _num(r["ci95_low"]),
                       _num(r["ci95_high"]), r["pairs"], r["method"]]),
                    r["description"]])
    return _csv(out)

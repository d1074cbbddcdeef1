"""The files an ensemble leaves: per-day quantiles, status shares, outcomes, runs, scorecard,
manifest. Plain text, byte-identical for the same seeds whatever the number of processes."""

from __future__ import annotations

import csv
import io
import json
import math

import numpy as np

from sim.experiments.ensemble import QUANTILE_NAMES, QUANTILES, SEED_RULE, Ensemble
from sim.experiments.runs import manifest
from sim.record import outcomes as oc
from sim.record import scorecard


def _num(x: float) -> str:
    return "" if x is None or not math.isfinite(x) else f"{x:.6f}"


def _json_num(x: float) -> float | None:
    return None if x is None or not math.isfinite(x) else round(float(x), 6)


def _csv(rows: list[list]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def ensemble_csv(ens: Ensemble) -> str:
    """Per day and quantity: number of runs, mean and the quantiles (long format)."""
    n = ens.finished
    rows: list[list] = [["date", "quantity", "runs", "mean", *QUANTILE_NAMES]]
    per_q = [ens.day_quantiles(q) for q in range(len(ens.plan.quantities))]
    for d, date in enumerate(ens.plan.dates):
        for name, (mean, qs) in zip(ens.plan.quantities, per_q, strict=True):
            rows.append([date.isoformat(), name, n, _num(mean[d]), *(_num(v) for v in qs[:, d])])
    return _csv(rows)


def status_csv(ens: Ensemble) -> str:
    shares = ens.status_shares()
    rows: list[list] = [["date", "runs", *shares]]
    for d, date in enumerate(ens.plan.dates):
        rows.append([date.isoformat(), ens.finished, *(_num(v[d]) for v in shares.values())])
    return _csv(rows)


OUTCOME_FIELDS = ["outcome", "kind", "n", "mean", "se", *QUANTILE_NAMES, "description"]


def outcomes_csv(table: list[dict]) -> str:
    rows: list[list] = [OUTCOME_FIELDS]
    for s in table:
        rows.append([s["id"], s["kind"], s["n"], _num(s["mean"]), _num(s["se"]),
                     *(_num(s[q]) for q in QUANTILE_NAMES), s["description"]])
    return _csv(rows)


def outcomes_json(ens: Ensemble, table: list[dict]) -> str:
    doc = {
        "scenario": ens.scenario.name, "runs": ens.finished, "runs_requested": ens.runs,
        "partial": ens.partial, "base_seed": ens.base_seed,
        "definitions": (oc.__doc__ or "").strip(),
        "outcomes": {s["id"]: {k: (_json_num(v) if isinstance(v, float) else v)
                               for k, v in s.items() if k != "id"} for s in table},
    }
    return json.dumps(doc, indent=2) + "\n"


def runs_csv(ens: Ensemble) -> str:
    """One row per finished run: its number, its seed and its outcomes."""
    ids = [o.id for o in ens.plan.outcomes]
    events = [o.kind == oc.PROBABILITY for o in ens.plan.outcomes]
    rows: list[list] = [["run", "seed", *ids]]
    for i in np.flatnonzero(ens.done):
        rows.append([int(i), int(ens.seeds[i]),
                     *(str(int(v)) if event and math.isfinite(v) else _num(v)
                       for v, event in zip(ens.outcomes[i], events, strict=True))])
    return _csv(rows)


def scorecard_csv(ens: Ensemble) -> str:
    """Each observation's hit rate and each move's mark rates over the finished runs."""
    hits, marks = ens.hit_rates(), ens.mark_rates()
    rows: list[list] = [["record_type", "id", "date", "quantity", "expected", "hit_rate",
                         "direction_rate", "size_rate", "timing_rate", "doc"]]
    for o in ens.plan.record.observations:
        if o.id in hits:
            rows.append(["observation", o.id, o.date_text(), o.quantity, o.expected_text(),
                         _num(hits[o.id]), "", "", "", o.doc])
    for m in ens.plan.record.moves:
        r = marks.get(m.id, {})
        rows.append(["move", m.id, m.window_text(), m.quantity, m.expected_text(), "",
                     *(_num(r.get(k, math.nan)) for k in scorecard.MARKS), m.doc])
    return _csv(rows)


def ensemble_manifest(ens: Ensemble, extra: dict | None = None) -> dict:
    info = {
        "runs_requested": ens.runs, "runs": ens.finished, "partial": ens.partial,
        "jobs": ens.jobs, "start_method": ens.start_method, "base_seed": ens.base_seed,
        "seeds": SEED_RULE, "quantiles": list(QUANTILES),
        "aggregates": "exact per-day quantiles over all finished runs, from float32 values",
        **(extra or {}),
    }
    return manifest(ens.scenario, ens.base_seed, ens.seconds,
                    {"partial": ens.partial, "ensemble": info})

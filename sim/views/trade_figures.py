"""Figures of the trade layer: modelled flows against the record's series, and who paid.

``trade_figure`` runs a scenario with a `trade:` section over a few seeds, replays each run's
lever paths through the trade layer (``sim.engine.trade_replay.consequences``) and draws three
panels: monthly imports against the documented monthly series with its error band, yearly exports by
sector against the documented years, and who paid (in currency and as a share of GDP).

    python -m sim.views.trade_figures SCENARIO.yaml --runs 20 --out trade.png
    python -m sim.views.trade_figures SCENARIO.yaml --timeline results/RUN/timeline.csv

The series come from the record's series file (`record/series/<record name>.yaml`): the first
monthly series measuring a sector is drawn month by month, every yearly one measuring sectors
as bars.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import statistics
import sys
from dataclasses import dataclass
from pathlib import Path

from sim.engine.trade import Consequences
from sim.engine.trade_replay import consequences
from sim.experiments.runs import run_once
from sim.record.series import (
    Point,
    SeriesFile,
    compare,
    load_series,
    mean_abs_log_error,
    series_file_for,
)
from sim.scenario.language import Scenario, load_scenario
from sim.scenario.trade import trade_spec


@dataclass(frozen=True)
class TradeRuns:
    """The trade consequences of several runs of one scenario, from ``since``."""

    scenario: Scenario
    runs: tuple[Consequences, ...]
    since: dt.date
    frozen: tuple[Consequences, ...] = ()   # the same runs with every lever held at its start


def trade_runs(scenario: Scenario, seeds: list[int], since: dt.date) -> TradeRuns:
    """Run ``scenario`` once per seed and replay each run through its trade layer."""
    spec = trade_spec(scenario)
    if spec is None:
        raise ValueError(f"{scenario.name} has no `trade:` section")
    out, frozen = [], []
    for seed in seeds:
        cols = run_once(scenario, seed=seed).columns
        out.append(consequences(spec, cols["date"], cols, since=since))
        still = {k: [v[0]] * len(v) for k, v in cols.items() if k != "date"}
        frozen.append(consequences(spec, cols["date"], still, since=since))
    return TradeRuns(scenario, tuple(out), since, tuple(frozen))


def runs_from_timeline(scenario: Scenario, path: Path, since: dt.date) -> TradeRuns:
    """The trade consequences of runs already made: a `timeline.csv` that `sim run` wrote (one
    run, or several told apart by its `run` column), replayed without running anything."""
    spec = trade_spec(scenario)
    if spec is None:
        raise ValueError(f"{scenario.name} has no `trade:` section")
    by_run: dict[str, dict[str, list]] = {}
    with open(path, newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            cols = by_run.setdefault(row.get("run", "0"), {})
            for key, value in row.items():
                if key == "date":
                    cols.setdefault("date", []).append(dt.date.fromisoformat(value))
                elif key not in ("run", "status"):
                    try:
                        cols.setdefault(key, []).append(float(value))
                    except ValueError:
                        continue
    out, frozen = [], []
    for cols in by_run.values():
        out.append(consequences(spec, cols["date"], cols, since=since))
        still = {k: [v[0]] * len(v) for k, v in cols.items() if k != "date"}
        frozen.append(consequences(spec, cols["date"], still, since=since))
    return TradeRuns(scenario, tuple(out), since, tuple(frozen))


def fit_table(runs: TradeRuns, series: SeriesFile, after: dt.date,
              frozen: bool = False) -> dict[str, list[Point]]:
    """Per series, the observations beside the median over runs (from ``after``); ``frozen``:
    over the runs with their levers held at their starting values (a null world)."""
    table: dict[str, list[Point]] = {}
    for name, s in series.series.items():
        if not s.sectors:
            continue
        per_run = [compare(s, r, since=after) for r in (runs.frozen if frozen else runs.runs)]
        if not per_run or not per_run[0]:
            continue
        table[name] = [Point(p.label, p.observed, statistics.median(q[i].modelled
                                                                    for q in per_run))
                       for i, p in enumerate(per_run[0])]
    return table


def trade_figure(runs: TradeRuns, series: SeriesFile, after: dt.date):
    """The panels (matplotlib Figure), scored from ``after``: each monthly series measuring
    sectors, the yearly ones as bars, and who paid."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sectoral = [n for n, s in series.series.items() if s.sectors]
    monthly = [n for n in sectoral if series.series[n].frequency == "month"]
    covered = {tuple(series.series[n].sectors) for n in monthly}
    yearly = [n for n in sectoral if series.series[n].frequency == "year"
              and not (n.endswith("_yearly") and tuple(series.series[n].sectors) in covered)]
    heights = [3] * len(monthly) + [2, 2]
    fig, axes = plt.subplots(len(heights), 1, figsize=(10, 3.2 * len(heights) + 1),
                             gridspec_kw={"height_ratios": heights})
    for ax, name in zip(axes, monthly, strict=False):
        _imports_panel(ax, runs, series, name, after)
    _exports_panel(axes[-2], runs, series, yearly, after)
    _who_paid_panel(axes[-1], runs)
    fig.suptitle(f"{runs.scenario.title}: trade in money ({len(runs.runs)} runs)", fontsize=11)
    fig.tight_layout()
    return fig


def _imports_panel(ax, runs: TradeRuns, series: SeriesFile, name: str, after: dt.date) -> None:
    s = series.series[name]
    months = [m for m, _ in runs.runs[0].series(s.sectors[0])]
    values = [[sum(dict(r.series(sec))[m] for sec in s.sectors) / 1000 for m in months]
              for r in runs.runs]
    mid = [statistics.median(v[i] for v in values) for i in range(len(months))]
    low = [min(v[i] for v in values) for i in range(len(months))]
    high = [max(v[i] for v in values) for i in range(len(months))]
    ax.fill_between(months, low, high, color="#0072B2", alpha=0.2, label="model: range of runs")
    ax.plot(months, mid, color="#0072B2", lw=2, label="model: median of runs")
    if runs.frozen:
        still = [sum(dict(runs.frozen[0].series(sec))[m] for sec in s.sectors) / 1000
                 for m in months]
        ax.plot(months, still, color="grey", lw=1, ls="--",
                label="levers held at their start (no war)")
    obs = [(o.month, o.value / 1000) for o in s.observations if o.month]
    ax.plot([m for m, _ in obs], [v for _, v in obs], "o-", color="black", ms=3, lw=1,
            label="record")
    ax.fill_between([m for m, _ in obs], [v * (1 - s.band) for _, v in obs],
                    [v * (1 + s.band) for _, v in obs], color="grey", alpha=0.15,
                    label=f"record ±{s.band:.0%}")
    points = fit_table(runs, series, after).get(name, [])
    inside = sum(p.within(s.band) for p in points)
    ax.axvline(runs.scenario.start, color="grey", ls=":", lw=1)
    ax.text(runs.scenario.start, ax.get_ylim()[1] * 0.98, " run starts", va="top", fontsize=8)
    ax.set_title(f"{s.description}:\nmedian run within ±{s.band:.0%} in {inside} of "
                 f"{len(points)} months from {after:%b %Y}", fontsize=9)
    ax.set_ylabel(f"{s.unit.replace('million', 'billion')} a month")
    ax.legend(fontsize=8, loc="lower left")


def _exports_panel(ax, runs: TradeRuns, series: SeriesFile, names: list[str],
                   after: dt.date) -> None:
    table = fit_table(runs, series, after)
    null = fit_table(runs, series, after, frozen=True) if runs.frozen else {}
    width, x = 0.38, 0
    ticks, labels = [], []
    for name in names:
        for i, p in enumerate(table.get(name, [])):
            ax.bar(x - width / 2, p.observed / 1000, width, color="black", alpha=0.7)
            ax.bar(x + width / 2, p.modelled / 1000, width, color="#D55E00", alpha=0.8)
            if name in null:
                ax.hlines(null[name][i].modelled / 1000, x, x + width, color="grey", lw=2,
                          ls="--")
            ticks.append(x)
            labels.append(f"{series.series[name].short}\n{p.label}")
            x += 1
        x += 0.5
    ax.set_xticks(ticks, labels, fontsize=8)
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    ax.legend(handles=[Patch(color="black", alpha=0.7, label="record"),
                       Patch(color="#D55E00", alpha=0.8, label="model (median of runs)"),
                       Line2D([], [], color="grey", lw=2, ls="--",
                              label="levers held at their start (no war)")], fontsize=8)
    ax.set_ylabel("USD billion a year")
    ax.set_title("Exports after retaliation: direction and size against the record", fontsize=9)


def _who_paid_panel(ax, runs: TradeRuns) -> None:
    start = runs.scenario.start
    per_run = [consequence_rows(r, runs.scenario, periods=False) for r in runs.runs]
    rows = [{**row, "amount": statistics.median(p[i]["amount"] for p in per_run),
             "share_of_gdp_a_year": _median_or_none([p[i]["share_of_gdp_a_year"]
                                                     for p in per_run])}
            for i, row in enumerate(per_run[0])]
    draw_who_paid(ax, rows)
    last = runs.runs[0].last
    ax.set_title(f"Who paid, {start:%d %b %Y} to {last:%d %b %Y} (median of runs; labels: a "
                 "year's loss as a share of that side's GDP)", fontsize=9)


def _median_or_none(values: list) -> float | None:
    kept = [v for v in values if v is not None]
    return statistics.median(kept) if kept else None


# -- who paid, as data: consequences.csv in `sim run`'s folder, and its figure -------------------
WHO_PAID = (("buyers_loss", "buyers' loss"), ("extra_duty_revenue", "extra tariff revenue"),
            ("lost_exports", "exporters' lost sales"), ("net_loss", "net loss"))
# a colour per measure, Okabe-Ito (neither of the sides' own, the first two of the palette)
MEASURE_COLOURS = {"buyers_loss": "#E69F00", "extra_duty_revenue": "#009E73",
                   "lost_exports": "#56B4E9", "net_loss": "#CC79A7"}
CONSEQUENCE_FIELDS = ("period", "from", "to", "side", "side_label", "measure", "amount",
                      "currency", "share_of_gdp_a_year")


def consequence_rows(result: Consequences, scenario: Scenario,
                     periods: bool = True) -> list[dict]:
    """Who paid in a run, as rows: for the whole run (``period`` "run") and, with ``periods``,
    each calendar year it touches; per side, each measure of ``WHO_PAID`` in the trade
    section's currency and as a yearly share of that side's GDP (None without its GDP).
    ``net_loss`` is the buyers' loss less the extra tariff revenue plus the lost export sales."""
    first, last = max(result.first, scenario.start), result.last
    spans = [("run", first, last)]
    if periods:
        spans += [(str(y), max(first, dt.date(y, 1, 1)), min(last, dt.date(y, 12, 31)))
                  for y in range(first.year, last.year + 1)]
    out = []
    for period, a, b in spans:
        paid = result.who_paid(a, b)
        for side, row in paid.items():
            label = scenario.actors[side].label if side in scenario.actors else side
            out += [{"period": period, "from": a.isoformat(), "to": b.isoformat(),
                     "side": side, "side_label": label, "measure": key,
                     "amount": row[key], "currency": result.spec.currency,
                     "share_of_gdp_a_year": row.get(f"{key}_share_of_gdp")}
                    for key, _ in WHO_PAID]
    return out


def write_consequences(folder: Path, scenario: Scenario, columns) -> Path | None:
    """``consequences.csv`` in ``folder``: who paid in the run whose timeline is ``columns``
    (its lever paths replayed through the trade layer); None, and nothing written, for a
    scenario without a `trade:` section or a run without the levers it follows."""
    spec = trade_spec(scenario)
    if spec is None:
        return None
    try:
        result = consequences(spec, list(columns["date"]), columns)
    except KeyError:
        return None
    path = folder / "consequences.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=CONSEQUENCE_FIELDS)
        writer.writeheader()
        for row in consequence_rows(result, scenario):
            writer.writerow({k: _cell(row[k]) for k in CONSEQUENCE_FIELDS})
    return path


def _cell(value: object) -> object:
    if value is None:
        return ""
    return f"{value:.6g}" if isinstance(value, float) else value


def read_consequences(path: Path) -> list[dict]:
    """The rows of a ``consequences.csv``, numbers as floats (None where empty)."""
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        row["amount"] = float(row["amount"])
        share = row["share_of_gdp_a_year"]
        row["share_of_gdp_a_year"] = float(share) if share else None
    return rows


def who_paid_figure(rows: list[dict], title: str = "", period: str = "run"):
    """A figure of who paid from ``consequence_rows`` (or ``read_consequences``) for one
    ``period`` ("run" or a year): per side, buyers' loss, extra tariff revenue and exporters'
    lost sales in currency, each labelled with its yearly share of the side's GDP."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = [r for r in rows if r["period"] == period]
    fig, ax = plt.subplots(figsize=(8, 4))
    draw_who_paid(ax, rows)
    if rows:
        ax.set_title(title or f"Who paid, {rows[0]['from']} to {rows[0]['to']} (labels: a "
                     "year's loss as a share of that side's GDP)", fontsize=9)
    fig.tight_layout()
    return fig


def draw_who_paid(ax, rows: list[dict]) -> None:
    """Bars of who paid on ``ax`` from rows of one period (see ``who_paid_figure``)."""
    sides = list(dict.fromkeys(r["side"] for r in rows))
    labels = {r["side"]: r["side_label"] for r in rows}
    by = {(r["side"], r["measure"]): r for r in rows}
    shown = WHO_PAID[:3]
    width = 0.8 / len(shown)
    currency = rows[0]["currency"] if rows else ""
    scale, unit = (1000, currency.replace("million", "billion")) if "million" in currency \
        else (1, currency)
    for k, (key, label) in enumerate(shown):
        vals = [by[(s, key)]["amount"] / scale if (s, key) in by else 0.0 for s in sides]
        bars = ax.bar([i + (k - 1) * width for i in range(len(sides))], vals, width,
                      label=label, color=MEASURE_COLOURS[key])
        for bar, side in zip(bars, sides, strict=True):
            share = by.get((side, key), {}).get("share_of_gdp_a_year")
            if share is not None:
                ax.annotate(f"{share:.2%}\nof GDP", (bar.get_x() + bar.get_width() / 2,
                                                     bar.get_height()),
                            ha="center", va="bottom", fontsize=7)
    ax.set_xticks(range(len(sides)), [labels[s] for s in sides])
    ax.set_ylabel(f"{unit}, whole period")
    ax.legend(fontsize=8)
    ax.margins(y=0.25)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("scenario", type=Path)
    p.add_argument("--series", type=Path, help="series file (default: the record's)")
    p.add_argument("--runs", type=int, default=10)
    p.add_argument("--timeline", type=Path, help="replay a timeline.csv that `sim run` wrote "
                   "instead of running the scenario")
    p.add_argument("--out", type=Path, default=Path("results/trade.png"))
    a = p.parse_args(argv)
    scenario = load_scenario(a.scenario)
    path = a.series or series_file_for(scenario.record_file)
    if path is None:
        p.error("no series file: give --series")
    base_year = int(scenario.data["trade"]["base_year"])
    # drawn from the base year; scored after it (the model reproduces it by construction)
    since, after = dt.date(base_year, 1, 1), dt.date(base_year + 1, 1, 1)
    runs = runs_from_timeline(scenario, a.timeline, since) if a.timeline else \
        trade_runs(scenario, [scenario.seed + i for i in range(a.runs)], since)
    series = load_series(path)
    fig = trade_figure(runs, series, after)
    a.out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(a.out, dpi=110)
    null = fit_table(runs, series, after, frozen=True)
    for name, points in fit_table(runs, series, after).items():
        band = series.series[name].band
        inside = sum(pt.within(band) for pt in points)
        still = sum(pt.within(band) for pt in null[name])
        print(f"{name}: {inside} of {len(points)} within ±{band:.0%} (levers held: {still}); "
              f"mean |log error| {mean_abs_log_error(points):.3f} (levers held: "
              f"{mean_abs_log_error(null[name]):.3f}); "
              + ", ".join(f"{pt.label} {pt.error:+.0%}" for pt in points[:4])
              + (" ..." if len(points) > 4 else ""))
    print(f"wrote {a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Who paid, as a short table: per side, what a dispute's levers cost in money, for one run or
the median of an ensemble's runs.

The numbers are the trade layer's (``Consequences.who_paid``, by way of ``consequence_rows``):
each side's buyers' loss, its extra tariff revenue, its exporters' lost sales and the net loss
(buyers' loss less revenue plus lost sales), in the `trade:` section's currency and, when the
scenario gives a side's GDP, as a year's share of it. This module only picks, summarises and
words them, once, for report.html, the classroom page and `sim play`'s end screen. A scenario
without a `trade:` section has no table (None), and each of those shows nothing.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from sim.engine.spec import Scenario
from sim.engine.trade_replay import consequences
from sim.scenario.trade import trade_spec
from sim.views.trade_figures import WHO_PAID, consequence_rows

MEASURES = dict(WHO_PAID)  # the words of the figure and of docs/economics.md
MOST_RUNS = 1000  # an ensemble's table is the median of at most this many runs (a replay each)


@dataclass(frozen=True)
class Paid:
    """What one side paid by one measure (a key of ``WHO_PAID``) over the period: the amount
    in currency and a year's share of its GDP (None without its GDP). For an ensemble, the
    median of the runs, with ``low`` and ``high`` the 10th and 90th percentiles of the amount."""

    side: str
    side_label: str
    measure: str
    amount: float
    share: float | None
    low: float | None = None
    high: float | None = None


@dataclass(frozen=True)
class SectorLoss:
    """One sector's exporters' lost sales over the period (currency): for an ensemble the
    median of the runs, with ``low`` and ``high`` the 10th and 90th percentiles."""

    sector: str
    label: str
    exporter_label: str
    amount: float
    low: float | None = None
    high: float | None = None


@dataclass(frozen=True)
class WhoPaid:
    """Who paid in a run (``runs`` 1) or over ``runs`` runs, from ``first`` to ``last``; and
    the exporters' lost sales sector by sector (``sectors``, in the trade section's order)."""

    currency: str
    first: dt.date
    last: dt.date
    runs: int
    rows: tuple[Paid, ...]
    sectors: tuple[SectorLoss, ...] = ()

    def sides(self) -> list[str]:
        return list(dict.fromkeys(r.side for r in self.rows))

    def get(self, side: str, measure: str) -> Paid:
        return next(r for r in self.rows if r.side == side and r.measure == measure)


def _rows(scenario: Scenario, columns: Mapping[str, Sequence]
          ) -> tuple[list[dict], list[SectorLoss]] | None:
    """``consequence_rows`` for the whole run whose timeline is ``columns``, and each sector's
    lost export sales over it; None for a scenario without a `trade:` section or a run without
    a lever it follows."""
    spec = trade_spec(scenario)
    if spec is None or not len(columns.get("date", ())):
        return None
    try:
        result = consequences(spec, list(columns["date"]), columns)
    except KeyError:
        return None
    sectors = [SectorLoss(s.name, s.label or s.name, _label(scenario, s.exporter),
                          result.total(s.name).lost_exports) for s in spec.sectors]
    return consequence_rows(result, scenario, periods=False), sectors


def _label(scenario: Scenario, side: str) -> str:
    return scenario.actors[side].label if side in scenario.actors else side


def _paid(row: dict) -> Paid:
    return Paid(row["side"], row["side_label"], row["measure"], row["amount"],
                row["share_of_gdp_a_year"])


def run_who_paid(scenario: Scenario, columns: Mapping[str, Sequence]) -> WhoPaid | None:
    """Who paid in one run (its timeline ``columns``, whole or so far); None without a trade
    layer."""
    found = _rows(scenario, columns)
    if not found or not found[0]:
        return None
    rows, sectors = found
    return WhoPaid(rows[0]["currency"], dt.date.fromisoformat(rows[0]["from"]),
                   dt.date.fromisoformat(rows[0]["to"]), 1, tuple(_paid(r) for r in rows),
                   tuple(sectors))


def runs_who_paid(scenario: Scenario, runs: Iterable[Mapping[str, Sequence]]
                  ) -> WhoPaid | None:
    """Who paid over several runs (each a timeline's columns): per side and measure the median
    amount, its 10-90 % range and the median share of GDP; None without a trade layer."""
    found = [r for r in (_rows(scenario, cols) for cols in runs) if r and r[0]]
    if not found:
        return None
    per_run = [rows for rows, _ in found]
    first = per_run[0]
    out = []
    for i, row in enumerate(first):
        amounts = np.array([p[i]["amount"] for p in per_run])
        shares = [p[i]["share_of_gdp_a_year"] for p in per_run
                  if p[i]["share_of_gdp_a_year"] is not None]
        low, high = np.percentile(amounts, [10, 90])
        out.append(Paid(row["side"], row["side_label"], row["measure"],
                        float(np.median(amounts)),
                        float(np.median(shares)) if shares else None, float(low), float(high)))
    sectors = []
    for k, sector in enumerate(found[0][1]):
        amounts = np.array([losses[k].amount for _, losses in found])
        low, high = np.percentile(amounts, [10, 90])
        sectors.append(SectorLoss(sector.sector, sector.label, sector.exporter_label,
                                  float(np.median(amounts)), float(low), float(high)))
    return WhoPaid(first[0]["currency"], dt.date.fromisoformat(first[0]["from"]),
                   dt.date.fromisoformat(first[0]["to"]), len(per_run), tuple(out),
                   tuple(sectors))


def ensemble_who_paid(ens) -> WhoPaid | None:
    """Who paid over an ensemble's finished runs (the first ``MOST_RUNS`` of them: each is a
    replay, and the median of a thousand is settled), from the timelines it keeps."""
    if trade_spec(ens.scenario) is None:
        return None
    plan = ens.plan
    rows = np.flatnonzero(ens.done)[:MOST_RUNS]
    return runs_who_paid(ens.scenario, ({"date": plan.dates, **dict(zip(
        plan.quantities, ens.values[i].astype(np.float64), strict=True))} for i in rows))


# -- in words ------------------------------------------------------------------------------------
SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9}


def money(amount: float, currency: str) -> str:
    """``301317.5`` in "USD million" -> "USD 301.3 billion": the currency's code first, in
    billions once a million-unit amount reaches a thousand of them."""
    code, _, unit = currency.partition(" ")
    if unit not in SCALES:
        return f"{amount:,.0f} {currency}"
    value = amount * SCALES[unit]
    if abs(value) < 0.5:  # nothing, whatever its sign: not "USD -0"
        return f"{code} 0"
    for word in ("billion", "million"):
        if abs(value) >= SCALES[word]:
            return f"{code} {value / SCALES[word]:,.1f} {word}"
    return f"{code} {value:,.0f}"


def share_text(share: float | None, words: bool = True) -> str:
    """0.0041 -> "0.41 % of GDP a year" ("0.41 %" without ``words``, under a header)."""
    if share is None:
        return "–"
    return f"{100 * share:.2f} %" + (" of GDP a year" if words else "")


def range_text(paid: Paid | SectorLoss, currency: str) -> str:
    """"USD 166.9–270.7 billion": the 10-90 % range of an ensemble's amount ("" for a run)."""
    if paid.low is None or paid.high is None:
        return ""
    low, high = money(paid.low, currency).split(" "), money(paid.high, currency).split(" ")
    if len(low) == len(high) == 3 and (low[0], low[2]) == (high[0], high[2]):
        return f"{low[0]} {low[1]}–{high[1]} {low[2]}"
    return f"{' '.join(low)} to {' '.join(high)}"


def period_text(wp: WhoPaid) -> str:
    """What the numbers cover: the dates, and for several runs the statistic."""
    span = f"{wp.first:%d %b %Y} to {wp.last:%d %b %Y}"
    return span if wp.runs == 1 else f"{span}, median of {wp.runs} runs"


def table(wp: WhoPaid) -> tuple[list[str], list[list[str]]]:
    """The who-paid table as (header, rows of text): a row per side and measure."""
    head = ["side", "what", "amount", "share of GDP, a year"]
    if wp.runs > 1:
        head = [*head[:3], "10–90 % of runs", head[3]]
    rows = []
    for r in wp.rows:
        cells = [r.side_label, MEASURES[r.measure], money(r.amount, wp.currency)]
        if wp.runs > 1:
            cells.append(range_text(r, wp.currency))
        rows.append([*cells, share_text(r.share, words=False)])
    return head, rows


def sector_table(wp: WhoPaid) -> tuple[list[str], list[list[str]]]:
    """The exporters' lost sales sector by sector as (header, rows of text)."""
    head = ["sector", "exporter", "lost sales"]
    if wp.runs > 1:
        head.append("10–90 % of runs")
    rows = []
    for s in wp.sectors:
        row = [s.label, s.exporter_label, money(s.amount, wp.currency)]
        if wp.runs > 1:
            row.append(range_text(s, wp.currency))
        rows.append(row)
    return head, rows


NOTE = ("Buyers' loss: what the side's buyers paid more for what they still bought, plus what "
        "they gave up on what they stopped buying; extra tariff revenue: what its government "
        "collected above the pre-dispute tariff (a gain); exporters' lost sales: below what they "
        "would have sold without the dispute; net loss = buyers' loss - extra tariff revenue + "
        "exporters' lost sales. docs/economics.md gives the formulas.")


def lines(wp: WhoPaid, title: str = "Who paid") -> list[str]:
    """The table as plain lines, for the terminal: a side's net loss, then its parts."""
    out = [f"{title} ({period_text(wp)}):"]
    for side in wp.sides():
        net = wp.get(side, "net_loss")
        share = f" ({share_text(net.share)})" if net.share is not None else ""
        out.append(f"  {net.side_label}: net loss {money(net.amount, wp.currency)}{share}")
        for key, _ in WHO_PAID[:3]:
            gain = " (a gain: taken off)" if key == "extra_duty_revenue" else ""
            out.append(f"    {MEASURES[key]:<23}{money(wp.get(side, key).amount, wp.currency)}"
                       + gain)
    return out


def html_table(wp: WhoPaid, caption: str = "") -> str:
    """The table as an HTML fragment (every text escaped), for the classroom page."""
    cap = caption or f"Who paid, {period_text(wp)}"
    by_sector = (_html(*sector_table(wp), "Exporters' lost sales, sector by sector")
                 if wp.sectors else "")
    return (_html(*table(wp), cap) + by_sector
            + f"<p class='sim-hint'>{html.escape(NOTE)}</p>")


def _html(head: list[str], rows: list[list[str]], caption: str) -> str:
    body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>"
                   for row in rows)
    return (f"<table class='sim-who-paid'><caption>{html.escape(caption)}</caption><thead><tr>"
            + "".join(f"<th>{html.escape(h)}</th>" for h in head)
            + f"</tr></thead><tbody>{body}</tbody></table>")

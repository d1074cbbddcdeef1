"""Who paid, as a short table: per side, what a dispute's levers cost in money, for one run or
the median of an ensemble's runs.

The numbers are the trade layer's (``Consequences.who_paid``, by way of ``consequence_rows``):
each side's buyers' loss, its extra tariff revenue, its exporters' lost sales and the net loss
(buyers' loss less revenue plus lost sales), in the `trade:` section's currency and, when the
scenario gives a side's GDP, as a year's share of it; over the whole period and each calendar
year it touches (``WhoPaid.years``). This module only picks, summarises and words them, once,
for report.html, the classroom page and `sim play`'s end screen. A scenario without a `trade:`
section has no table (None), and each of those shows nothing.
"""

from __future__ import annotations

import datetime as dt
import html
import weakref
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
class YearPaid:
    """Who paid in one calendar year of the period, from ``first`` to ``last`` (the period's
    own start or end where it falls inside the year); rows as ``WhoPaid.rows``, a year's share
    of GDP at a yearly rate over the days covered."""

    year: int
    first: dt.date
    last: dt.date
    rows: tuple[Paid, ...]

    def get(self, side: str, measure: str) -> Paid:
        return next(r for r in self.rows if r.side == side and r.measure == measure)


@dataclass(frozen=True)
class WhoPaid:
    """Who paid in a run (``runs`` 1) or over ``runs`` runs, from ``first`` to ``last``; the
    exporters' lost sales sector by sector (``sectors``, in the trade section's order); and the
    same per calendar year (``years``, in order; for one run they add up to ``rows``)."""

    currency: str
    first: dt.date
    last: dt.date
    runs: int
    rows: tuple[Paid, ...]
    sectors: tuple[SectorLoss, ...] = ()
    years: tuple[YearPaid, ...] = ()

    def sides(self) -> list[str]:
        return list(dict.fromkeys(r.side for r in self.rows))

    def get(self, side: str, measure: str) -> Paid:
        return next(r for r in self.rows if r.side == side and r.measure == measure)


def _rows(scenario: Scenario, columns: Mapping[str, Sequence]
          ) -> tuple[dict[str, list[dict]], list[SectorLoss]] | None:
    """``consequence_rows`` of the run whose timeline is ``columns``, by period ("run" first,
    then each calendar year), and each sector's lost export sales over it; None for a scenario
    without a `trade:` section or a run without a lever it follows."""
    spec = trade_spec(scenario)
    if spec is None or not len(columns.get("date", ())):
        return None
    try:
        result = consequences(spec, list(columns["date"]), columns)
    except KeyError:
        return None
    sectors = [SectorLoss(s.name, s.label or s.name, _label(scenario, s.exporter),
                          result.total(s.name).lost_exports) for s in spec.sectors]
    periods: dict[str, list[dict]] = {}
    for row in consequence_rows(result, scenario):
        periods.setdefault(row["period"], []).append(row)
    return periods, sectors


def _label(scenario: Scenario, side: str) -> str:
    return scenario.actors[side].label if side in scenario.actors else side


def _span(rows: list[dict]) -> tuple[dt.date, dt.date]:
    return dt.date.fromisoformat(rows[0]["from"]), dt.date.fromisoformat(rows[0]["to"])


def _who_paid(runs: list[dict[str, list[dict]]], sectors: tuple[SectorLoss, ...],
              ranged: bool) -> WhoPaid:
    """A ``WhoPaid`` from each run's rows by period: ``_summary`` of them over the whole
    period and per calendar year (the years of the first run)."""
    whole = runs[0]["run"]
    years = tuple(YearPaid(int(period), *_span(rows),
                           _summary([r[period] for r in runs if period in r], ranged))
                  for period, rows in runs[0].items() if period != "run")
    return WhoPaid(whole[0]["currency"], *_span(whole), len(runs),
                   _summary([r["run"] for r in runs], ranged), sectors, years)


def _summary(per_run: list[list[dict]], ranged: bool) -> tuple[Paid, ...]:
    """Per side and measure (the runs' rows in the same order) the median amount, with its
    10-90 % range if ``ranged``, and the median share of GDP: one run's own numbers."""
    out = []
    for i, row in enumerate(per_run[0]):
        amounts = np.array([p[i]["amount"] for p in per_run])
        shares = [p[i]["share_of_gdp_a_year"] for p in per_run
                  if p[i]["share_of_gdp_a_year"] is not None]
        low, high = [float(v) for v in np.percentile(amounts, [10, 90])] if ranged else [None] * 2
        out.append(Paid(row["side"], row["side_label"], row["measure"], float(np.median(amounts)),
                        float(np.median(shares)) if shares else None, low, high))
    return tuple(out)


def run_who_paid(scenario: Scenario, columns: Mapping[str, Sequence]) -> WhoPaid | None:
    """Who paid in one run (its timeline ``columns``, whole or so far), over the run and per
    calendar year; None without a trade layer."""
    found = _rows(scenario, columns)
    if not found or not found[0].get("run"):
        return None
    periods, sectors = found
    return _who_paid([periods], tuple(sectors), ranged=False)


def runs_who_paid(scenario: Scenario, runs: Iterable[Mapping[str, Sequence]]
                  ) -> WhoPaid | None:
    """Who paid over several runs (each a timeline's columns; an ensemble's share its dates):
    per side and measure, over the runs' period and per calendar year, the median amount, its
    10-90 % range and the median share of GDP; None without a trade layer."""
    found = [r for r in (_rows(scenario, cols) for cols in runs) if r and r[0].get("run")]
    if not found:
        return None
    sectors = []
    for k, sector in enumerate(found[0][1]):
        amounts = np.array([losses[k].amount for _, losses in found])
        sectors.append(SectorLoss(sector.sector, sector.label, sector.exporter_label,
                                  float(np.median(amounts)),
                                  *(float(v) for v in np.percentile(amounts, [10, 90]))))
    return _who_paid([periods for periods, _ in found], tuple(sectors), ranged=True)


def ensemble_who_paid(ens, runs: np.ndarray | None = None) -> WhoPaid | None:
    """Who paid over an ensemble's finished runs, or those of ``runs`` (a mask: a comparison's
    runs finished for every scenario); the first ``MOST_RUNS`` of them (each is a replay, and
    the median of a thousand is settled), from the timelines it keeps. Worked out once for an
    ensemble and its runs: its report, its figure and a comparison ask."""
    if trade_spec(ens.scenario) is None:
        return None
    rows = np.flatnonzero(ens.done if runs is None else ens.done & runs)[:MOST_RUNS]
    kept = _KEPT.get(id(ens))
    if kept is not None and kept[0]() is ens and kept[1] == rows.tobytes():
        return kept[2]
    plan = ens.plan
    paid = runs_who_paid(ens.scenario, ({"date": plan.dates, **dict(zip(
        plan.quantities, ens.values[i].astype(np.float64), strict=True))} for i in rows))
    for key in [k for k, v in _KEPT.items() if v[0]() is None]:  # ensembles gone
        del _KEPT[key]
    _KEPT[id(ens)] = (weakref.ref(ens), rows.tobytes(), paid)
    return paid


# an ensemble's who paid, by id(ensemble): (the ensemble, its finished runs, who paid)
_KEPT: dict[int, tuple[weakref.ref, bytes, WhoPaid | None]] = {}


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


# -- per calendar year ---------------------------------------------------------------------------
ORDER = ("net_loss", "buyers_loss", "extra_duty_revenue", "lost_exports")  # the net, its parts


def by_year(wp: WhoPaid) -> bool:
    """True if the period covers more than one calendar year: else its one year's table would
    repeat the whole period's, and none is shown."""
    return len(wp.years) > 1


def year_text(year: YearPaid) -> str:
    """"2030", or the part of the year covered: "2029 from 22 Mar", "2031 to 15 Jun"."""
    starts = year.first == dt.date(year.year, 1, 1)
    ends = year.last == dt.date(year.year, 12, 31)
    if starts and ends:
        return str(year.year)
    if ends:
        return f"{year.year} from {year.first:%d %b}"
    if starts:
        return f"{year.year} to {year.last:%d %b}"
    return f"{year.year}, {year.first:%d %b}–{year.last:%d %b}"


def year_unit(wp: WhoPaid) -> tuple[float, str]:
    """The one unit of a per-year table, stated in its caption: (factor from the currency's
    amounts, its words), in billions where the largest amount reaches a billion."""
    code, _, unit = wp.currency.partition(" ")
    if unit not in SCALES:
        return 1.0, wp.currency
    largest = max((abs(v) for y in wp.years for r in y.rows
                   for v in (r.amount, r.low, r.high) if v is not None), default=0.0)
    for word in ("billion", "million"):
        if largest * SCALES[unit] >= SCALES[word]:
            return SCALES[unit] / SCALES[word], f"{code} {word}"
    return SCALES[unit], code


def _number(value: float) -> str:
    return f"{round(value, 1) + 0.0:,.1f}"  # + 0.0: never "-0.0"


def _amount(paid: Paid, factor: float) -> str:
    """"47.0", and for several runs "47.0 (30.1–60.2)": the median and its 10-90 % range."""
    text = _number(paid.amount * factor)
    if paid.low is None or paid.high is None:
        return text
    return f"{text} ({_number(paid.low * factor)}–{_number(paid.high * factor)})"


def year_table(wp: WhoPaid, compact: bool = False) -> tuple[list[str], list[list[str]]]:
    """Who paid per calendar year as (header, rows of text): a row per year and side, the net
    loss and its parts in ``year_unit`` each with its share of GDP (``compact``: the net loss
    and its share only, four columns that fit the page's narrow panel; the parts per year are
    in report.html)."""
    factor, _ = year_unit(wp)
    keys = ["net_loss"] if compact else ORDER
    head = ["year", "side"]
    for key in keys:
        head += [MEASURES[key], "% of GDP"]
    rows = []
    for year in wp.years:
        for side in wp.sides():
            row = [str(year.year), year.get(side, "net_loss").side_label]
            for key in keys:
                paid = year.get(side, key)
                row += [_amount(paid, factor), share_text(paid.share, words=False)]
            rows.append(row)
    return head, rows


def year_caption(wp: WhoPaid, compact: bool = False) -> str:
    """What a per-year table's numbers are: the years covered in part, the unit, for several
    runs the statistic, and (unless ``compact``: the page's hint says it) the share of GDP."""
    _, unit = year_unit(wp)
    part = [year_text(y) for y in wp.years if year_text(y) != str(y.year)]
    text = "By calendar year" + (f" ({'; '.join(part)})" if part else "") + f", in {unit}"
    if wp.runs > 1:
        text += f"; each the median of {wp.runs} runs, its 10–90 % range in brackets"
    return text if compact else f"{text}. {YEAR_SHARE}"


YEAR_SHARE = ("% of GDP: the year's amount at a yearly rate over the days it covers, as a share "
              "of the side's GDP.")


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
    """The tables as an HTML fragment (every text escaped), for the classroom page: the whole
    period's, a compact one per calendar year (when there is more than one) and the sectors'."""
    cap = caption or f"Who paid, {period_text(wp)}"
    by_sector = (_html(*sector_table(wp), "Exporters' lost sales, sector by sector")
                 if wp.sectors else "")
    years = by_year(wp)
    by_years = _html(*year_table(wp, compact=True), year_caption(wp, compact=True)) \
        if years else ""
    note = NOTE + (f" {YEAR_SHARE}" if years else "")
    return (_html(*table(wp), cap) + by_years + by_sector
            + f"<p class='sim-hint'>{html.escape(note)}</p>")


def _html(head: list[str], rows: list[list[str]], caption: str) -> str:
    body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>"
                   for row in rows)
    return (f"<table class='sim-who-paid'><caption>{html.escape(caption)}</caption><thead><tr>"
            + "".join(f"<th>{html.escape(h)}</th>" for h in head)
            + f"</tr></thead><tbody>{body}</tbody></table>")

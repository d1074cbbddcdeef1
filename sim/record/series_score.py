"""The record's series, scored like the rest of the record.

Each documented month or year of a series (``scenarios/record/series/<record>.yaml``, read by
``sim.record.series``) becomes a ``value`` observation of the scorecard on a quantity
``series.<name>``, with the series' relative band as its tolerance. A run is given that quantity
as one more timeline column, computed from its lever paths by the trade layer's replay
(``sim.engine.trade_replay.consequences``): each day of the column holds the modelled total of the
month (or year) the day lies in. The scorecard then scores it exactly as any value observation:

* hit when ``|modelled - observed| <= band * |observed|`` (the series' "within the band");
* error ``|modelled - observed| / (band * |observed|)``: 1 at the edge of the band, capped at the
  scorecard's ``ERROR_CAP`` in the fit's closeness;
* in an ensemble (``sim validate``'s proper scores), the CRPS and the 80 % interval score of the
  runs' modelled values, in bands, like the record's values in reading errors.

Weights, set by a rule stated before any score was seen and not tuned: each measured quantity
(a trade sector, a sum of sectors, a lever) counts as one observation of the record, as a
record observation over a date range counts once however long the range; its periods share that
weight by the time they cover (a month 1/12 of a year). What is measured twice is scored once: a
year whose twelve months are in a monthly series of the same sectors is scored by its months;
a lever's series is left to the record when the record already observes that lever on that day
(Phase One's 57 % is in both files). The base year (which the trade layer reproduces by
construction) and periods the scenario does not reach are left out; a period the run enters
part-way is scored (the replay holds the levers at their first values before the run starts).

A record without a series file, or a scenario without a `trade:` section, is returned unchanged,
so its scores are exactly what they were.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sim.engine.trade import Consequences, LeverRef, TradeSpec
from sim.engine.trade_replay import consequences
from sim.record.documents import Document, Observation, Quantity, Record
from sim.record.series import Observation as SeriesValue
from sim.record.series import Series, SeriesFile, load_series, series_file_for
from sim.scenario.trade import trade_spec

PREFIX = "series."


@dataclass(frozen=True)
class Measured:
    """One quantity the series measure, as a timeline column: the sum of some trade sectors'
    ``field`` per month or per year, or a lever's 0-1 level."""

    quantity: str
    frequency: str                  # "month" or "year"
    sectors: tuple[str, ...] = ()
    field: str = "value"
    lever: LeverRef | None = None
    label: str = ""


@dataclass(frozen=True)
class SeriesRecord(Record):
    """The record with its series: its observations include one per scored period of a series
    (quantity ``series.<name>``), and it carries what turns a run's lever paths into those
    quantities (``add_series_columns``)."""

    trade: TradeSpec | None = None
    measured: tuple[Measured, ...] = ()
    since: dt.date | None = None    # the replay starts here (the base year's first day)
    series_file: SeriesFile | None = None


def with_series(record: Record, scenario) -> Record:
    """``record`` with the series beside its file scored as observations (module doc), when the
    scenario has a `trade:` section; else ``record`` itself, unchanged."""
    if isinstance(record, SeriesRecord) or getattr(scenario, "data", None) is None:
        return record
    path = series_file_for(record.file) if str(record.file) not in ("", ".") else None
    spec = trade_spec(scenario) if path is not None else None
    if spec is None or not spec.sectors:
        return record
    return series_record(record, _load(str(path.resolve()), path.stat().st_mtime_ns), spec,
                         scenario.start, scenario.end)


@functools.lru_cache(maxsize=16)
def _load(path: str, mtime_ns: int) -> SeriesFile:
    del mtime_ns  # only the cache's key: a changed file is read again
    # read once per file version: calibration scores thousands of runs
    return load_series(path)


def series_record(record: Record, file: SeriesFile, spec: TradeSpec, start: dt.date,
                  end: dt.date) -> SeriesRecord:
    """``record`` with ``file``'s series as observations, for runs from ``start`` to ``end``."""
    base_year = min(s.base_year for s in spec.sectors)
    levers = {ref.id: ref for s in spec.sectors for ref in (s.duty, s.cap, s.commitment) if ref}
    covered = _years_by_month(file)
    recorded = {(o.quantity, o.end) for o in record.scorable()}
    kept: dict[tuple, list[tuple[str, Series, SeriesValue, dt.date, dt.date, float]]] = {}
    measured = []
    for name, s in file.series.items():
        key = (s.sectors, s.field) if s.sectors else (s.lever,)
        rows = []
        for o in s.observations:
            first, last = _period(o)
            if first.year <= base_year or last < start or last > end:
                continue
            if o.year is not None and o.year in covered.get(key, set()):
                continue  # scored by its months
            if s.lever and (s.lever, last) in recorded:
                continue  # the record observes it already
            rows.append((name, s, o, max(first, start), last, 1 / 12 if o.month else 1.0))
        if rows:
            kept.setdefault(key, []).extend(rows)
            measured.append(Measured(PREFIX + name, s.frequency, s.sectors, s.field,
                                     levers.get(s.lever) if s.lever else None, s.short))
    observations = []
    for rows in kept.values():
        total = sum(r[-1] for r in rows)
        observations += [_observation(name, s, o, a, b, w / total)
                         for name, s, o, a, b, w in rows]
    docs = {k: Document(k, "", str(d.get("headline", k)), notes=str(d.get("notes", "")),
                        url=str(d.get("url", ""))) for k, d in file.documents.items()}
    quantities = dict(record.quantities)
    if quantities:  # a record that declares its quantities declares these too
        quantities.update({m.quantity: Quantity(m.quantity, file.series[m.quantity[len(
            PREFIX):]].description, file.series[m.quantity[len(PREFIX):]].unit)
            for m in measured})
    fields = {f: getattr(record, f) for f in Record.__dataclass_fields__}
    fields.update(observations=record.observations + tuple(observations),
                  documents={**docs, **record.documents}, quantities=quantities)
    return SeriesRecord(**fields, trade=spec, measured=tuple(measured),
                        since=dt.date(base_year, 1, 1), series_file=file)


def _years_by_month(file: SeriesFile) -> dict[tuple, set[int]]:
    """For each measure (sectors, field), the years a monthly series gives all twelve months of."""
    out: dict[tuple, set[int]] = {}
    for s in file.series.values():
        if s.frequency != "month" or not s.sectors:
            continue
        months: dict[int, set[int]] = {}
        for o in s.observations:
            if o.month is not None:
                months.setdefault(o.month.year, set()).add(o.month.month)
        out.setdefault((s.sectors, s.field), set()).update(
            y for y, ms in months.items() if len(ms) == 12)
    return out


def _period(o: SeriesValue) -> tuple[dt.date, dt.date]:
    if o.month is not None:
        last = calendar.monthrange(o.month.year, o.month.month)[1]
        return o.month, o.month.replace(day=last)
    return dt.date(o.year, 1, 1), dt.date(o.year, 12, 31)  # type: ignore[arg-type]


def _observation(name: str, s: Series, o: SeriesValue, start: dt.date, end: dt.date,
                 weight: float) -> Observation:
    label = o.label.replace("-", "_")
    return Observation(
        id=f"{name}_{label}", quantity=PREFIX + name, start=start, end=end, doc=o.doc or "",
        quote=o.quote or "", confidence="medium" if (o.derived or o.assumption) else "high",
        value=o.value, tolerance=s.band * abs(o.value), unit=s.unit, weight=weight,
        note=f"{o.label} of the series {name} (within ±{s.band:.0%})",
        assumption=o.assumption)


# -- the columns a run is scored on ----------------------------------------------------------------
def add_series_columns(record: Record, columns: Mapping[str, Sequence]) -> dict[str, Sequence]:
    """``columns`` with one column per measured quantity of ``record``'s series, computed from
    the run's lever paths through the trade layer; ``columns`` as they are (as a dict) when the
    record has no series or the run lacks a lever the trade layer follows (then the series
    observations are not scored, like any quantity a run lacks)."""
    out = {k: columns[k] for k in columns}
    if not isinstance(record, SeriesRecord) or not record.measured or record.trade is None:
        return out
    dates = [_date(d) for d in columns["date"]]
    try:
        result = consequences(record.trade, dates, columns, since=record.since)
    except KeyError:
        return out
    for m in record.measured:
        out[m.quantity] = _column(m, result, dates, columns)
    return out


def run_consequences(record: Record, columns: Mapping[str, Sequence]) -> Consequences | None:
    """The trade consequences of a run as the series scoring sees them (None without series)."""
    if not isinstance(record, SeriesRecord) or record.trade is None:
        return None
    dates = [_date(d) for d in columns["date"]]
    return consequences(record.trade, dates, columns, since=record.since)


def _date(value: object) -> dt.date:
    if type(value) is dt.date:
        return value
    if isinstance(value, dt.datetime):
        return value.date()
    return dt.date.fromisoformat(str(value)[:10])


def _column(m: Measured, result: Consequences, dates: list[dt.date],
            columns: Mapping[str, Sequence]) -> list[float]:
    if m.lever is not None:
        if m.lever.id not in columns:
            return [math.nan] * len(dates)
        return [m.lever.level(float(v)) for v in columns[m.lever.id]]
    monthly: dict[dt.date, float] = {}
    for sector in m.sectors:
        for month, amount in result.series(sector, m.field):
            monthly[month] = monthly.get(month, 0.0) + amount
    if m.frequency == "month":
        return [monthly.get(d.replace(day=1), math.nan) for d in dates]
    yearly: dict[int, float] = {}
    for year in {d.year for d in dates}:
        months = [dt.date(year, k, 1) for k in range(1, 13)]
        if all(k in monthly for k in months):
            yearly[year] = sum(monthly[k] for k in months)
    return [yearly.get(d.year, math.nan) for d in dates]


# -- a line for the terminal -----------------------------------------------------------------------
def series_lines(record: Record, scores: Sequence) -> list[str]:
    """Per measured quantity: how many of its periods the run hit, within which band."""
    if not isinstance(record, SeriesRecord) or record.series_file is None:
        return []
    parts = []
    for m in record.measured:
        mine = [s for s in scores if s.quantity == m.quantity and s.hit is not None]
        if not mine:
            continue
        s = record.series_file.series[m.quantity[len(PREFIX):]]
        unit = "months" if m.frequency == "month" else "years"
        parts.append(f"  {m.label or m.quantity}: {sum(bool(x.hit) for x in mine)} of "
                     f"{len(mine)} {unit} within ±{100 * s.band:.0f} %")
    return ["of which series (a sector's flows weigh as one observation):", *parts] \
        if parts else []


__all__ = ["PREFIX", "Measured", "SeriesRecord", "add_series_columns", "run_consequences",
           "series_lines", "series_record", "with_series"]

"""The record's series: observations in real units (money, shares), month by month or year by
year, each with its document and verbatim quote (format: docs/economics.md, "Series"), and their
comparison with the trade layer's modelled flows. Read only by comparison: never an input.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from pathlib import Path

from sim.engine.trade import Consequences
from sim.errors import RecordError, did_you_mean
from sim.scenario.yamlio import YamlDoc, load_yaml

SERIES_DIR = Path(__file__).resolve().parents[2] / "scenarios" / "record" / "series"


def series_file_for(record_file: Path | None) -> Path | None:
    """The series file that goes with a record file: `record/series/<the record's name>.yaml`
    beside it, or None."""
    if record_file is None:
        return None
    path = Path(record_file).parent / "series" / Path(record_file).name
    return path if path.is_file() else None


@dataclass(frozen=True)
class Observation:
    """One observed value for a month (``month`` = its first day) or a year (``year``)."""

    value: float
    doc: str | None
    quote: str | None
    month: dt.date | None = None
    year: int | None = None
    derived: bool = False
    assumption: bool = False

    @property
    def label(self) -> str:
        return self.month.strftime("%Y-%m") if self.month else str(self.year)


@dataclass(frozen=True)
class Series:
    """A documented series: what it measures (a trade sector's flow field, or a lever's level),
    its unit and frequency, the relative error band a modelled value must fall within, and its
    observations in date order."""

    name: str
    description: str
    unit: str
    frequency: str                 # "month" or "year"
    sectors: tuple[str, ...]       # summed; empty when it measures a lever
    field: str
    band: float
    observations: tuple[Observation, ...]
    lever: str | None = None
    short: str = ""                # a label for plots


@dataclass(frozen=True)
class SeriesFile:
    """A file of series with the documents they quote."""

    file: Path
    title: str
    documents: dict[str, dict]
    series: dict[str, Series]


def load_series(file: str | Path) -> SeriesFile:
    """Read a series file; a mistake raises RecordError naming file, line and key."""
    doc = load_yaml(file, RecordError)
    data = doc.data
    if not isinstance(data, dict) or not isinstance(data.get("series"), dict):
        raise _error(doc, (), "a series file is a mapping with `documents` and `series`")
    documents = data.get("documents") or {}
    out = {name: _series(doc, name, spec, documents) for name, spec in data["series"].items()}
    return SeriesFile(Path(file), str(data.get("title", "")), documents, out)


def _error(doc: YamlDoc, path: tuple, message: str) -> RecordError:
    p = tuple(path)
    while p and p not in doc.marks:
        p = p[:-1]
    line, col = doc.marks.get(p, (None, None))
    return RecordError(doc.file, message, line, col, tuple(path))


def _series(doc: YamlDoc, name: str, spec: dict, documents: dict) -> Series:
    at = ("series", name)
    if spec.get("frequency") not in ("month", "year"):
        raise _error(doc, (*at, "frequency"), "expected `month` or `year`")
    sectors = spec.get("sector") or []
    sectors = (sectors,) if isinstance(sectors, str) else tuple(sectors)
    if not sectors and not spec.get("lever"):
        raise _error(doc, at, "a series measures a trade `sector` (or a list) or a `lever`")
    obs = []
    for i, o in enumerate(spec.get("observations") or []):
        where = (*at, "observations", i)
        if not isinstance(o.get("value"), int | float) or isinstance(o.get("value"), bool):
            raise _error(doc, (*where, "value"), "expected a number")
        if o.get("assumption") is True:
            if not o.get("note"):
                raise _error(doc, where, "an assumed value needs a `note`")
        elif not (o.get("doc") and o.get("quote")):
            raise _error(doc, where, "every observation needs `doc` and a verbatim `quote`, or "
                         "`assumption: true` and a `note`")
        if o.get("doc") and o["doc"] not in documents:
            raise _error(doc, (*where, "doc"), f"`{o['doc']}` is not a document of the file"
                         f"{did_you_mean(o['doc'], documents)}")
        month = None
        if spec["frequency"] == "month":
            try:
                month = dt.date.fromisoformat(f"{o.get('date')}-01")
            except ValueError:
                raise _error(doc, (*where, "date"), "expected a month as YYYY-MM") from None
        elif not isinstance(o.get("year"), int):
            raise _error(doc, (*where, "year"), "expected a year as YYYY")
        obs.append(Observation(float(o["value"]), o.get("doc"), o.get("quote"), month,
                               o.get("year"), bool(o.get("derived")),
                               o.get("assumption") is True))
    for i, o in enumerate(spec.get("context") or []):
        if not (o.get("doc") in documents and o.get("quote")):
            raise _error(doc, (*at, "context", i), "a context entry needs `doc` (a document "
                         "of the file) and a verbatim `quote`")
    return Series(name, str(spec.get("description", "")), str(spec.get("unit", "")),
                  spec["frequency"], sectors, str(spec.get("field", "value")),
                  float(spec.get("band", 0.1)), tuple(obs), spec.get("lever"),
                  str(spec.get("short", name.replace("_", " "))))


@dataclass(frozen=True)
class Point:
    """An observation beside the modelled value for the same period."""

    label: str
    observed: float
    modelled: float

    @property
    def error(self) -> float:
        """Relative error of the model, (modelled - observed) / observed."""
        return (self.modelled - self.observed) / self.observed

    def within(self, band: float) -> bool:
        return abs(self.error) <= band


def compare(series: Series, result: Consequences, since: dt.date | None = None) -> list[Point]:
    """The series' observations beside the modelled flows (summed over its sectors; a year only
    when the run covers all of it). ``since`` drops observations before it (the base year, which
    the model reproduces by construction)."""
    monthly: dict[dt.date, float] = {}
    for sector in series.sectors:
        for month, amount in result.series(sector, series.field):
            monthly[month] = monthly.get(month, 0.0) + amount
    out = []
    for o in series.observations:
        if o.month is not None:
            if o.month in monthly and (since is None or o.month >= since):
                out.append(Point(o.label, o.value, monthly[o.month]))
            continue
        months = [dt.date(o.year, m, 1) for m in range(1, 13)]
        if all(m in monthly for m in months) and (since is None or months[0] >= since):
            out.append(Point(o.label, o.value, sum(monthly[m] for m in months)))
    return out


def mean_abs_log_error(points: list[Point]) -> float:
    """The mean of |ln(modelled / observed)| over ``points``: 0 is a perfect match, 0.15 about
    15 % off on average; infinite when a modelled value is not positive."""
    if not points:
        return float("nan")
    if any(p.modelled <= 0 or p.observed <= 0 for p in points):
        return float("inf")
    return sum(abs(math.log(p.modelled / p.observed)) for p in points) / len(points)


__all__ = ["SERIES_DIR", "Observation", "Point", "Series", "SeriesFile", "compare",
           "load_series", "mean_abs_log_error", "series_file_for"]

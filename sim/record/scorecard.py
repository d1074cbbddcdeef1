"""Score one simulated timeline against the documented record.

A timeline is a mapping of columns: ``"date"`` (one ``datetime.date`` per day, consecutive days),
one list of numbers per quantity (``"us.tariff_on_china"``, ...) and ``"status"`` (one word per
day). A pandas DataFrame with those columns works too.

Observations (``score_observations``). A date range is inclusive; every day of it must be in the
run and have a finite number, otherwise the observation is not scored (``hit is None``), like
context observations and quantities the run does not have.

* ``value``: hit if ``|simulated - value| <= tolerance`` on every day; error = the largest
  ``|simulated - value| / tolerance`` (1.0 = at the edge of the tolerance).
* ``level``: hit if the simulated value is strictly above / below the threshold on every day;
  error = the largest distance on the wrong side, divided by ``|threshold|`` (0 when hit).
* ``direction``: change = value on the last day minus value on the first day. ``up`` hits if
  change >= min_change, ``down`` if change <= -min_change, ``flat`` if |change| <= min_change;
  error = the shortfall divided by min_change (0 when hit).
* ``status``: hit if the status word appears on at least one day; no error.

Moves (``score_moves``):

1. Search region: the move's window widened by ``search_days`` (default ``SEARCH_DAYS``) on each
   side, cut short so that it does not reach into the window of another move on the same
   quantity, and clipped to the run.
2. The simulated move is the largest change in the documented direction between two days of the
   region, day i to a later day j, at most ``span_days`` apart when the move sets it (for a rise:
   the largest ``x[j] - x[i]``; for a drop the largest ``x[i] - x[j]``). Its date is the first day
   after i on which at least half of that change had been made (the step day of a step).
3. Direction mark: that change is above 0 and at least the threshold: ``min_change``, else half
   the documented ``|size|``.
4. Size mark (only when the move has a ``size``): direction mark and
   ``|signed change - size| <= size_tolerance``.
5. Timing mark: direction mark and the move's date within the window widened by
   ``timing_tolerance_days`` on each side. ``days_off`` is 0 inside the window, negative when early.

Summary (``summarise``): the weighted share of scored observations hit, the share of all move
marks given, a weighted mean of the observation errors (each capped at ``ERROR_CAP``) and
``fit = 0.5 * observation share + 0.3 * move-mark share + 0.2 * closeness`` where
``closeness = 1 / (1 + weighted error)``. Parts with nothing to score are left out and the
remaining weights rescaled; with nothing at all, fit is 0.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from sim.record.change_search import EPS, halfway, largest_change
from sim.record.documents import Move, Observation, Record

SEARCH_DAYS = 14
ERROR_CAP = 5.0
FIT_WEIGHTS = {"observations": 0.5, "moves": 0.3, "closeness": 0.2}
MARKS = ("direction", "size", "timing")


@dataclass(frozen=True)
class ObservationScore:
    """How one run compares with one observation; ``hit`` is None when it cannot be scored."""

    id: str
    date: str
    quantity: str
    expected: str
    simulated: float | str | None
    hit: bool | None
    error: float | None
    weight: float = 1.0
    doc: str = ""
    confidence: str = ""


@dataclass(frozen=True)
class MoveScore:
    """How one run compares with one documented move: the move found and its three marks."""

    id: str
    quantity: str
    window: str
    expected: str
    change: float | None  # signed simulated change (negative for a drop)
    date: dt.date | None  # the day by which half of the change had been made
    days_off: int | None  # 0 inside the window, negative when early, positive when late
    direction_hit: bool | None
    size_hit: bool | None  # None when the move has no documented size
    timing_hit: bool | None

    def marks(self) -> dict[str, bool]:
        """The marks that were given (direction, size, timing), leaving out those not scored."""
        out = {"direction": self.direction_hit, "size": self.size_hit, "timing": self.timing_hit}
        return {k: v for k, v in out.items() if v is not None}


@dataclass(frozen=True)
class FitSummary:
    """One run's fit to the record; the shares are None when there was nothing to score."""

    observations_scored: int
    observations_hit: int
    observations_unscored: int
    observation_share: float | None  # weighted by observation weight
    weighted_error: float | None
    closeness: float | None
    move_marks: int
    move_marks_hit: int
    move_share: float | None
    mark_shares: dict[str, float | None]  # direction / size / timing
    fit: float


class _Timeline:
    """The columns of one run, looked up by date."""

    def __init__(self, columns: Mapping[str, Sequence]):
        self.columns = columns
        raw = columns["date"]
        self.dates = list(raw) if all(type(d) is dt.date for d in raw) else \
            [_as_date(d) for d in raw]
        if not self.dates:
            raise ValueError("the timeline has no dates")
        # n increasing dates over n - 1 days are consecutive; the walk below names the gap
        first, n = self.dates[0], len(self.dates)
        if (self.dates[-1] - first).days != n - 1 or \
                not all(a < b for a, b in itertools.pairwise(self.dates)):
            for k, day in enumerate(self.dates):
                if day != first + dt.timedelta(days=k):
                    raise ValueError(f"timeline dates must be consecutive days; {day} is at "
                                     f"row {k}")

    def clip(self, start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
        return max(start, self.dates[0]), min(end, self.dates[-1])

    def values(self, name: str, start: dt.date, end: dt.date) -> list | None:
        """The column from ``start`` to ``end``; None if absent, outside the run or not finite."""
        if name not in self.columns or start < self.dates[0] or end > self.dates[-1]:
            return None
        i, j = (start - self.dates[0]).days, (end - self.dates[0]).days
        column = self.columns[name]
        raw = column[i:j + 1] if isinstance(column, list | tuple) else list(column)[i:j + 1]
        if name == "status":
            return [str(v) for v in raw]
        try:
            out = list(map(float, raw))
        except (TypeError, ValueError):
            return None
        # a finite sum means every value is finite; only an overflowing sum needs the loop
        if math.isfinite(sum(out)) or all(math.isfinite(v) for v in out):
            return out
        return None


def _as_date(value: object) -> dt.date:
    if hasattr(value, "item") and not isinstance(value, dt.date):  # numpy.datetime64
        value = value.astype("datetime64[D]").item()  # type: ignore[union-attr]
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


# -- observations --------------------------------------------------------------------------------
def score_observations(record: Record, columns: Mapping[str, Sequence]) -> list[ObservationScore]:
    """Score every observation of ``record`` against the run's ``columns`` (rules: module doc)."""
    timeline = _Timeline(columns)
    return [_score_observation(obs, timeline) for obs in record.observations]


def score_run(record: Record, columns: Mapping[str, Sequence]
              ) -> tuple[list[ObservationScore], list[MoveScore]]:
    """``score_observations`` and ``score_moves`` together, reading the timeline once."""
    timeline = _Timeline(columns)
    return ([_score_observation(obs, timeline) for obs in record.observations],
            [_score_move(move, record.moves, timeline) for move in record.moves])


@functools.cache
def _texts(item: Observation | Move) -> tuple[str, str, str | None]:
    """(date or window text, expected text, kind) of a (frozen) record item, worked out once."""
    if isinstance(item, Observation):
        return item.date_text(), item.expected_text(), item.kind
    return item.window_text(), item.expected_text(), None


def _score_observation(obs: Observation, timeline: _Timeline) -> ObservationScore:
    values = None if obs.is_context else timeline.values(obs.quantity, obs.start, obs.end)
    date, expected, kind = _texts(obs)
    if values is None:
        simulated, hit, error = ("context" if obs.is_context else "not in run"), None, None
    else:
        simulated, hit, error = _CHECKS[kind](obs, values)  # type: ignore[index]
    return ObservationScore(obs.id, date, obs.quantity, expected, simulated,
                            hit, error, obs.weight, obs.doc, obs.confidence)


_Result = tuple[float | str, bool, float | None]


def _simulated(values: list[float]) -> float | str:
    """One number when the run held one value over the range, else ``min..max``."""
    low, high = min(values), max(values)
    return low if low == high else f"{low:.4g}..{high:.4g}"


def _check_value(obs: Observation, values: list[float]) -> _Result:
    worst = max(abs(v - obs.value) for v in values)  # type: ignore[operator]
    tol = obs.tolerance or 0.0
    return _simulated(values), worst <= tol + EPS, worst / max(tol, EPS)


def _check_level(obs: Observation, values: list[float]) -> _Result:
    side, threshold = obs.level  # type: ignore[misc]
    gap = max(threshold - v if side == "above" else v - threshold for v in values)
    return _simulated(values), gap < 0, max(gap, 0.0) / max(abs(threshold), EPS)


def _check_direction(obs: Observation, values: list[float]) -> _Result:
    change, least = values[-1] - values[0], obs.min_change or EPS
    shortfall = {"up": least - change, "down": least + change,
                 "flat": abs(change) - least}[obs.direction]  # type: ignore[index]
    return change, shortfall <= EPS, max(shortfall, 0.0) / least


def _check_status(obs: Observation, values: list[str]) -> _Result:
    if obs.status in values:
        return obs.status, True, None  # type: ignore[return-value]
    return "/".join(dict.fromkeys(values)), False, None


_CHECKS = {"value": _check_value, "level": _check_level, "direction": _check_direction,
           "status": _check_status}


# -- moves -----------------------------------------------------------------------------------------
def score_moves(record: Record, columns: Mapping[str, Sequence]) -> list[MoveScore]:
    """Score every documented move against the run's ``columns`` (rules: module doc)."""
    timeline = _Timeline(columns)
    return [_score_move(move, record.moves, timeline) for move in record.moves]


def _search_region(move: Move, moves: Sequence[Move], timeline: _Timeline
                   ) -> tuple[dt.date, dt.date]:
    margin = dt.timedelta(days=SEARCH_DAYS if move.search_days is None else move.search_days)
    start, end = move.start - margin, move.end + margin
    one_day = dt.timedelta(days=1)
    for other in moves:
        if other is move or other.quantity != move.quantity:
            continue
        if other.end < move.start:
            start = max(start, other.end + one_day)
        elif other.start > move.end:
            end = min(end, other.start - one_day)
    return timeline.clip(start, end)


def _days_off(move: Move, day: dt.date) -> int:
    if day < move.start:
        return (day - move.start).days
    return max((day - move.end).days, 0)


def _score_move(move: Move, moves: Sequence[Move], timeline: _Timeline) -> MoveScore:
    start, end = _search_region(move, moves, timeline)
    values = timeline.values(move.quantity, start, end) if start < end else None
    window, expected, _ = _texts(move)
    if values is None:
        return MoveScore(move.id, move.quantity, window, expected,
                         None, None, None, None, None, None)
    sign = 1 if move.direction == "up" else -1
    change, i, j = largest_change(values, sign, move.span_days)
    threshold = move.min_change or (abs(move.size) / 2 if move.size else EPS)
    moved = change > EPS and change >= threshold - EPS
    day = start + dt.timedelta(days=halfway(values, sign, i, j, change)) if change > 0 else None
    off = _days_off(move, day) if day else None
    size_hit = None if move.size is None else (
        moved and abs(sign * change - move.size) <= (move.size_tolerance or 0.0) + EPS)
    timing_hit = moved and off is not None and abs(off) <= move.timing_tolerance_days
    return MoveScore(move.id, move.quantity, window, expected,
                     sign * change, day, off, moved, size_hit, timing_hit)


# -- summary and output --------------------------------------------------------------------------
def _share(flags: list[bool]) -> float | None:
    return sum(flags) / len(flags) if flags else None


def summarise(obs_scores: Sequence[ObservationScore],
              move_scores: Sequence[MoveScore]) -> FitSummary:
    """Combine one run's scores into shares, a weighted error and one fit score (module doc)."""
    scored = [s for s in obs_scores if s.hit is not None]
    weight = sum(s.weight for s in scored)
    obs_share = sum(s.weight for s in scored if s.hit) / weight if weight else None
    with_error = [s for s in scored if s.error is not None]
    error_weight = sum(s.weight for s in with_error)
    error = (sum(s.weight * min(s.error or 0.0, ERROR_CAP) for s in with_error) / error_weight
             if error_weight else None)
    closeness = None if error is None else 1 / (1 + error)
    marks = [m.marks() for m in move_scores]
    flags = [v for m in marks for v in m.values()]
    move_share = _share(flags)
    parts = {"observations": obs_share, "moves": move_share, "closeness": closeness}
    used = {k: v for k, v in parts.items() if v is not None}
    total = sum(FIT_WEIGHTS[k] for k in used)
    fit = sum(FIT_WEIGHTS[k] * v for k, v in used.items()) / total if total else 0.0
    return FitSummary(
        len(scored), sum(bool(s.hit) for s in scored), len(obs_scores) - len(scored), obs_share,
        error, closeness, len(flags), sum(flags), move_share,
        {k: _share([m[k] for m in marks if k in m]) for k in MARKS}, fit)


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def format_summary(summary: FitSummary) -> str:
    """A few lines for the terminal."""
    parts = {"observations": summary.observation_share, "move marks": summary.move_share,
             "closeness": summary.closeness}
    weights = dict(zip(parts, FIT_WEIGHTS.values(), strict=True))
    terms = " + ".join(f"{weights[k]} × {k} {_fmt(v)}" for k, v in parts.items() if v is not None)
    if terms and None in parts.values():
        terms += ", weights rescaled to the parts scored"
    marks = ", ".join(f"{k} {_fmt(v)}" for k, v in summary.mark_shares.items() if v is not None)
    return "\n".join([
        f"fit {summary.fit:.2f}" + (f" = {terms}" if terms else " (nothing to score)"),
        f"observations: {summary.observations_hit} of {summary.observations_scored} hit "
        f"(weighted share {_fmt(summary.observation_share)}); "
        f"{summary.observations_unscored} not scored (context or not in the run)",
        f"moves: {summary.move_marks_hit} of {summary.move_marks} marks ({marks or 'none'})",
        f"weighted normalised error {_fmt(summary.weighted_error)}",
    ])


CSV_FIELDS = ("record_type", "id", "date", "quantity", "expected", "simulated", "hit", "error",
              "weight", "direction_hit", "size_hit", "timing_hit", "simulated_date", "days_off")


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.6g}"
    return value


def scorecard_rows(obs_scores: Sequence[ObservationScore],
                   move_scores: Sequence[MoveScore]) -> list[dict]:
    """One row per observation and per move (``record_type`` tells which), keyed by
    ``CSV_FIELDS`` (a key missing from a row is an empty cell)."""
    rows = [{"record_type": "observation", "id": s.id, "date": s.date, "quantity": s.quantity,
             "expected": s.expected, "simulated": s.simulated, "hit": s.hit, "error": s.error,
             "weight": s.weight} for s in obs_scores]
    rows += [{"record_type": "move", "id": m.id, "date": m.window, "quantity": m.quantity,
              "expected": m.expected, "simulated": m.change, "direction_hit": m.direction_hit,
              "size_hit": m.size_hit, "timing_hit": m.timing_hit, "simulated_date": m.date,
              "days_off": m.days_off} for m in move_scores]
    return rows


def write_scorecard_csv(path: str | Path, obs_scores: Sequence[ObservationScore],
                        move_scores: Sequence[MoveScore]) -> Path:
    """Write one row per observation and per move (``record_type`` tells which) to ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = scorecard_rows(obs_scores, move_scores)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=CSV_FIELDS)
        writer.writeheader()
        writer.writerows({k: _cell(row.get(k)) for k in CSV_FIELDS} for row in rows)
    return path


# -- ensembles ----------------------------------------------------------------------------------
def ensemble_hit_rates(runs: Iterable[Sequence[ObservationScore]]) -> dict[str, float]:
    """For each observation, the share of runs that hit it, among runs where it was scored.

    Observations never scored in any run (context ones, for instance) are left out.
    """
    hits: dict[str, list[bool]] = {}
    for run in runs:
        for score in run:
            if score.hit is not None:
                hits.setdefault(score.id, []).append(score.hit)
    return {key: sum(flags) / len(flags) for key, flags in hits.items()}


def ensemble_mark_rates(runs: Iterable[Sequence[MoveScore]]) -> dict[str, dict[str, float]]:
    """For each move, the share of runs given each mark (direction, size, timing), when scored."""
    marks: dict[str, dict[str, list[bool]]] = {}
    for run in runs:
        for score in run:
            for mark, flag in score.marks().items():
                marks.setdefault(score.id, {}).setdefault(mark, []).append(flag)
    return {key: {m: sum(f) / len(f) for m, f in by_mark.items()} for key, by_mark in marks.items()}

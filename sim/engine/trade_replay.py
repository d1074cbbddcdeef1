"""The trade layer along a finished run: a run's lever paths replayed through the sectors of a
dispute (``sim.engine.trade``), summed into calendar months, for its consequences in money.

``consequences`` does on whole paths at once what calling ``step`` once a day does (a test holds
them equal): scoring replays every run of a validation or an ensemble, so it must be cheap.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence

import numpy as np

from sim.engine.trade import Consequences, Flow, LeverRef, Month, Sector, TradeSpec


def consequences(spec: TradeSpec, dates: Sequence[dt.date],
                 columns: Mapping[str, Sequence[float]],
                 since: dt.date | None = None) -> Consequences:
    """Replay a run's lever paths (its timeline: ``dates`` and a column per lever id) through the
    trade layer, day by day, and sum each sector into calendar months.

    ``since``: start earlier than the run, holding the levers at their first values (the months
    before a dispute opens, for comparing with a series that starts earlier).

    The same arithmetic as calling ``step`` once a day (a test holds them equal), done on whole
    paths at once: scoring replays every run of a validation or an ensemble."""
    if not dates:
        raise ValueError("a run with no days")
    ids = {ref.id for s in spec.sectors for ref in (s.duty, s.cap, s.commitment) if ref}
    missing = sorted(i for i in ids if i not in columns)
    if missing:
        raise KeyError(f"the run has no column for {', '.join(missing)}")
    first = since if since is not None and since < dates[0] else dates[0]
    n = (dates[-1] - first).days + 1
    paths = {i: _path(columns[i], dates, first, n) for i in ids}
    days = [first + dt.timedelta(days=k) for k in range(n)]
    bounds = [k for k, d in enumerate(days) if k == 0 or d.day == 1]  # each month's first day
    per_sector = [_replay_sector(s, paths, days, bounds) for s in spec.sectors]
    months = []
    for m, k in enumerate(bounds):
        for s, sums in zip(spec.sectors, per_sector, strict=True):
            months.append(Month(days[k].replace(day=1), Flow(
                s.name, s.exporter, s.importer, *(float(a[m]) for a in sums))))
    return Consequences(spec, tuple(months), since or dates[0], dates[-1], n)


def _path(column: Sequence[float], dates: Sequence[dt.date], first: dt.date,
          n: int) -> np.ndarray:
    """A lever's value on each day from ``first``: its first value before the run starts."""
    values = np.asarray([float(v) for v in column], dtype=float)
    out = np.full(n, values[0])
    offset = (dates[0] - first).days
    if (dates[-1] - dates[0]).days == len(dates) - 1:  # consecutive days, as runs are
        out[offset:] = values
    else:
        for d, v in zip(dates, values, strict=True):
            out[(d - first).days] = v
    return out


def _lagged(start_value: float, target: np.ndarray, lag_days: float) -> np.ndarray:
    # partial adjustment, as _adjust: each day closes 1/(1+lag) of the gap
    out = np.empty_like(target)
    level = start_value
    for k, t in enumerate(target.tolist()):
        level = level + (t - level) / (1.0 + lag_days)
        out[k] = level
    return out


def _replay_sector(s: Sector, paths: Mapping[str, np.ndarray], days: list[dt.date],
                   starts: list[int]) -> tuple[np.ndarray, ...]:
    """One sector's flows summed by month along the lever paths (the fields of ``Flow`` from
    ``value`` to ``withheld``, one array each, one entry per calendar month)."""
    n = len(days)
    if s.duty:
        lever = paths[s.duty.id]
        target = lever / 100.0 if s.duty.unit == "percent" else lever
        rate = _lagged(float(target[0]), target, s.lag_days)
    else:
        rate = np.full(n, s.base_duty)
    if s.cap:
        cap = _lagged(s.cap.share(float(paths[s.cap.id][0])),
                      _shares(s.cap, paths[s.cap.id]), s.lag_days)
    else:
        cap = np.zeros(n)
    if s.commitment:
        level = _levels(s.commitment, paths[s.commitment.id])
        newly = np.maximum(0.0, np.diff(level, prepend=level[0]))
    else:
        newly = np.zeros(n)
    base = np.array([s.counterfactual(d) for d in days])
    d = np.log1p(rate) - math.log1p(s.base_duty)
    price = np.exp(s.pass_through * d)
    traded = base * np.exp((s.pass_through - 1.0) * d) * np.exp(-s.elasticity * s.pass_through
                                                                * d)
    withheld = traded * cap
    committed = newly * s.commitment_amount
    value = traded - withheld + committed
    volume = np.exp(-s.elasticity * s.pass_through * d) * (1.0 - cap)
    buyers_loss = base * (1.0 + s.base_duty) * (price - 1.0) * (volume + 0.5 * (1.0 - volume))
    revenue = rate * value
    fields = (value, base, revenue, revenue - s.base_duty * base, buyers_loss, base - value,
              committed, withheld)
    return tuple(np.add.reduceat(f, starts) for f in fields)


def _shares(ref: LeverRef, values: np.ndarray) -> np.ndarray:
    span = ref.high - ref.low
    x = np.clip((values - ref.low) / span, 0.0, 1.0) if span > 0 else np.zeros_like(values)
    return x if ref.restrictive_high else 1.0 - x


def _levels(ref: LeverRef, values: np.ndarray) -> np.ndarray:
    span = ref.high - ref.low
    return np.clip((values - ref.low) / span, 0.0, 1.0) if span > 0 else np.zeros_like(values)


__all__ = ["consequences"]

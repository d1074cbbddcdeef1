"""The search behind a move's marks: the largest change of a series in one direction, and the
day by which half of it had been made (rules: ``sim.record.scorecard``'s module doc)."""

from __future__ import annotations

EPS = 1e-9


def largest_change(values: list[float], sign: int, span: int | None) -> tuple[float, int, int]:
    """The largest ``sign * (values[j] - values[i])`` with i < j (j - i <= span), and i, j.

    Scans pairs j by j, i by i, keeping the first pair that beats the best so far by more than
    EPS. A day j is scanned only if its best possible change (against the lowest earlier value
    in reach) could beat the best so far: the same answer as scanning every pair (rounding is
    monotonic, and negation exact), without the quadratic cost on days that cannot win."""
    best = (0.0, 0, 0)
    x = values if sign == 1 else [-v for v in values]
    low = x[0]  # the lowest earlier value (without a span)
    for j in range(1, len(x)):
        start = max(0, j - span) if span else 0
        if span:
            low = min(x[start:j])
        elif x[j - 1] < low:
            low = x[j - 1]
        if not x[j] - low > best[0] + EPS:
            continue
        for i in range(start, j):
            change = sign * (values[j] - values[i])
            if change > best[0] + EPS:
                best = (change, i, j)
    return best


def halfway(values: list[float], sign: int, i: int, j: int, change: float) -> int:
    return next(k for k in range(i + 1, j + 1)
                if sign * (values[k] - values[i]) >= change / 2 - EPS)

"""Shared pieces of the result objects: pandas tables (imported on first use, so that `sim run`
starts without pandas), figures handed back to notebooks, and the HTML shown in Jupyter."""

from __future__ import annotations

import html
import importlib
import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from sim.experiments.ensemble import Progress
from sim.record import scorecard

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure


def frame(rows: Sequence[dict], columns: Sequence[str], dates: Sequence[str] = ()
          ) -> pd.DataFrame:
    """A DataFrame of ``rows`` with ``columns`` in that order; ``dates`` become datetimes."""
    import pandas as pd

    df = pd.DataFrame(list(rows), columns=list(columns))
    for name in dates:
        df[name] = pd.to_datetime(df[name])
    return df


def scorecard_frame(fit) -> pd.DataFrame:
    """One row per observation and per move of a run, as in its ``scorecard.csv``."""
    rows = scorecard.scorecard_rows(fit.observation_scores, fit.move_scores)
    df = frame(rows, scorecard.CSV_FIELDS)
    for flag in ("hit", "direction_hit", "size_hit", "timing_hit"):
        df[flag] = df[flag].astype("boolean")  # True, False or <NA> (not scored)
    return df


def draw(function: str, args: tuple) -> Figure:
    """Call a figure maker named ``"module:function"`` and hand back its figure.

    The figure is released from pyplot's list of open figures: a notebook shows the returned
    figure once (not a second time at the end of the cell), and many figures leak no memory.
    """
    module, name = function.split(":")
    fig = getattr(importlib.import_module(module), name)(*args)
    import matplotlib.pyplot as plt

    plt.close(fig)
    return fig


def pick(kind: str, choices: dict[str, Callable[[], Figure]]) -> Figure:
    """The figure ``kind`` among ``choices``; a ValueError lists them when it is not one."""
    if kind not in choices:
        raise ValueError(f"unknown figure {kind!r}: choose one of {', '.join(choices)}")
    return choices[kind]()


def progress_of(progress: bool | Progress | None, label: str):
    """(callback, bar): ``True`` draws the terminal progress bar; a callable is called as is."""
    if progress is True:
        from sim.views.terminal import ProgressBar

        bar = ProgressBar(label)
        return bar, bar
    return (progress or None), None


def fmt(value: object) -> str:
    """A number for a summary line: 3 significant digits, ``n/a`` for nan."""
    if isinstance(value, float):
        return "n/a" if not math.isfinite(value) else f"{value:.3g}"
    return str(value)


def html_block(title: str, facts: Sequence[str], tables: Sequence[tuple[str, pd.DataFrame]]
               ) -> str:
    """A compact HTML summary: a title, a line of facts, then captioned tables."""
    parts = [f"<div><strong>{html.escape(title)}</strong>",
             f"<div>{html.escape(' · '.join(facts))}</div>"]
    for caption, df in tables:
        parts.append(f"<details open><summary>{html.escape(caption)}</summary>"
                     f"{df.to_html(index=False, na_rep='', float_format=fmt, border=0)}"
                     "</details>")
    return "\n".join(parts) + "</div>"

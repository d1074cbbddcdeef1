"""Figures of `sim calibrate`: each free value's posterior against its prior, and pair plots of
the values the record constrains most."""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from sim.views.plots import OKABE_ITO, STYLE  # noqa: E402


def _short(key: str) -> str:
    return key.removeprefix("actors.").replace(".behaviour.", " ").replace(".", " ")


def marginals_figure(rows: list[dict], theta: np.ndarray, weights: np.ndarray,
                     title: str) -> Figure:
    """One small panel per free value: the posterior histogram over the prior's range (grey)."""
    n = len(rows)
    cols = min(6, n)
    nrows = math.ceil(n / cols)
    with plt.rc_context({**STYLE, "font.size": 9, "axes.titlesize": 9, "xtick.labelsize": 8,
                         "ytick.labelsize": 8}):
        fig, axes = plt.subplots(nrows, cols, figsize=(2.6 * cols, 1.9 * nrows + 0.6),
                                 layout="constrained", squeeze=False)
        for ax in axes.flat[n:]:
            ax.axis("off")
        for k, (ax, row) in enumerate(zip(axes.flat, rows, strict=False)):
            low, high = row["prior_low"], row["prior_high"]
            ax.axhspan(0, 1 / (high - low), color="#dddddd", zorder=0)
            ax.hist(theta[:, k], bins=20, range=(low, high), weights=weights, density=True,
                    color=OKABE_ITO[0] if row["constrained"] else OKABE_ITO[4], zorder=1)
            ax.axvline(row["scenario_value"], color="#222222", lw=1, ls="--")
            ax.set_title(f"{_short(row['key'])}\nsd ratio {row['sd_ratio']:.2f}")
            ax.set_yticks([])
        fig.suptitle(title + "\n(grey: prior; dashed: the scenario's hand-set value; "
                     "blue: constrained, sd ratio < 0.5)")
    return fig


def pairs_figure(rows: list[dict], theta: np.ndarray, weights: np.ndarray, title: str,
                 most: int = 5) -> Figure:
    """Scatter of every pair among the ``most`` values with the smallest sd ratio."""
    order = sorted(range(len(rows)), key=lambda k: rows[k]["sd_ratio"])[:most]
    m = len(order)
    with plt.rc_context({**STYLE, "font.size": 9, "xtick.labelsize": 8, "ytick.labelsize": 8}):
        fig, axes = plt.subplots(m, m, figsize=(2.3 * m + 0.5, 2.3 * m + 0.5),
                                 layout="constrained", squeeze=False)
        size = 4 + 60 * weights / weights.max()
        for i, a in enumerate(order):
            for j, b in enumerate(order):
                ax = axes[i, j]
                if i == j:
                    ax.hist(theta[:, a], bins=20, weights=weights, color=OKABE_ITO[0])
                    ax.set_yticks([])
                else:
                    ax.scatter(theta[:, b], theta[:, a], s=size, alpha=0.4,
                               color=OKABE_ITO[0], edgecolors="none")
                if i == m - 1:
                    ax.set_xlabel(_short(rows[b]["key"]).replace(" ", "\n", 1), fontsize=8)
                if j == 0:
                    ax.set_ylabel(_short(rows[a]["key"]).replace(" ", "\n", 1), fontsize=8)
        fig.suptitle(title)
    return fig

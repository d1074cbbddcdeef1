"""The discrimination figure of `sim validate`: each null world's paired score difference from
the scenario, with its 95 % interval, one panel per score."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from sim.views.plots import OKABE_ITO, STYLE  # noqa: E402

PANELS = (("fit", "fit (whole record)"),
          ("behaviour_fit", "behaviour fit (inputs and calendar left out)"))


def validation_figure(rows: list[dict], title: str) -> Figure:
    """Horizontal interval plot: scenario minus world, per world; right of 0 = scenario better."""
    worlds = [r for r in rows if r["world"] != "scenario"]
    with plt.rc_context(STYLE):
        fig, axes = plt.subplots(1, 2, figsize=(12, 1.2 + 0.55 * len(worlds)), sharey=True,
                                 layout="constrained")
        ys = list(range(len(worlds)))[::-1]
        for ax, (key, label) in zip(axes, PANELS, strict=True):
            for y, r in zip(ys, worlds, strict=True):
                low, high, mean = r[f"{key}_low"], r[f"{key}_high"], r[f"{key}_diff"]
                colour = OKABE_ITO[2] if low > 0 else OKABE_ITO[1]
                ax.plot([low, high], [y, y], color=colour, lw=3, solid_capstyle="butt")
                ax.plot([mean], [y], "o", color=colour, ms=7)
            ax.axvline(0, color="#444444", lw=1, ls="--")
            ax.set_title(label)
            ax.set_xlabel("scenario − world (95 % CI)")
            ax.grid(axis="x", alpha=0.3)
        axes[0].set_yticks(ys, [r["world"].replace("_", " ") for r in worlds])
        fig.suptitle(title)
    return fig

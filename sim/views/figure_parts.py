"""Pieces shared by the figures: one legend outside the axes, a key of the record's document
ids, and which meetings to label."""

from __future__ import annotations

import textwrap
from collections.abc import Iterable

from matplotlib.figure import Figure

RECORD_COLOUR = "#222222"
LEGEND_AT = 0.80  # in a figure with a fixed layout, the legend's left edge (figure fraction)


def doc_key(fig: Figure, observations: Iterable, documents: dict[str, str] | None = None,
            scenario=None) -> None:
    """A key under the figure: which document each id in the figure is (id = headline), from
    ``documents`` or else the record ``scenario`` is scored against."""
    ids = sorted({o.doc for o in observations})
    if not ids:
        return
    if documents is None:
        from sim.record.lookup import record_for
        from sim.record.reader import load_record

        record = record_for(scenario) if scenario is not None else load_record()
        documents = {k: d.headline for k, d in record.documents.items()}
    lines = [textwrap.shorten(f"{i} = {documents.get(i, '(not in the record)')}", 120)
             for i in ids]
    fig.supxlabel("Documents: " + ";  ".join(lines[:1]) + "".join(
        f"\n{line}" for line in lines[1:]), fontsize=9, x=0.01, ha="left", color=RECORD_COLOUR)


def legend_outside(fig: Figure, axes) -> None:
    """One legend for the whole figure, outside the axes (it never covers data); entries with
    the same label and colour appear once."""
    seen: dict[tuple, object] = {}
    for ax in axes:
        for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
            colour = getattr(handle, "get_color", lambda: None)()
            key = (label, str(colour))
            if not label.startswith("_") and key not in seen:
                seen[key] = handle
    if not seen:
        return
    if fig.get_layout_engine() is None:  # a fixed layout leaves the right margin for it
        fig.legend(list(seen.values()), [k[0] for k in seen], loc="center left",
                   bbox_to_anchor=(LEGEND_AT, 0.5), frameon=False)
    else:
        fig.legend(list(seen.values()), [k[0] for k in seen], loc="outside right center",
                   frameon=False)


LABEL_SLOTS = 40  # rotated meeting labels a panel's width holds without overprinting


def readable_meetings(scenario) -> set[str]:
    """Names of the dated meetings to label: leaders' meetings first, then talks, then decision
    points, each only if it is a fortieth of the run or more from every label already kept."""
    gap = max(1, (scenario.end - scenario.start).days) / LABEL_SLOTS
    order = {"summit": 0, "call": 0, "talks": 1}
    kept: list = []
    for m in sorted((m for m in scenario.meetings if m.date is not None),
                    key=lambda m: (order.get(m.kind, 2), m.date)):
        if all(abs((m.date - k.date).days) >= gap for k in kept):
            kept.append(m)
    return {m.name for m in kept}


def message_card(title: str, text: str, style: dict) -> Figure:
    """A small figure that says why there is nothing to draw (instead of an empty chart)."""
    import matplotlib.pyplot as plt

    with plt.rc_context(style):
        fig, ax = plt.subplots(figsize=(10, 1.6), layout="constrained")
        ax.set_axis_off()
        ax.set_title(title, loc="left")
        ax.text(0, 0.5, textwrap.fill(text, 110), va="center", fontsize=11, transform=ax.transAxes)
    return fig

"""Pieces shared by the figures: one legend outside the axes, a key of the record's document
ids, and which meetings to label."""

from __future__ import annotations

import textwrap
from collections.abc import Iterable

from matplotlib.figure import Figure

RECORD_COLOUR = "#222222"
STATUS_COLOURS = {"escalating": "#D55E00", "truce": "#009E73", "stalled": "#E69F00",
                  "talks_restarted": "#56B4E9", "framework_agreed": "#0072B2"}
STYLE = {"font.size": 13, "axes.titlesize": 14, "axes.labelsize": 13, "legend.fontsize": 10,
         "xtick.labelsize": 11, "ytick.labelsize": 11, "axes.spines.top": False,
         "axes.spines.right": False, "figure.dpi": 100, "savefig.dpi": 110,
         # text from scenarios (titles, labels) is shown literally: `$5 bn` is not math text
         "text.parse_math": False}
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


def meeting_order(scenario) -> dict[str, int]:
    """The meetings to label (``readable_meetings``), each with its place in the queue for a
    label: leaders' meetings first, then talks, then decisions, each by date."""
    readable = readable_meetings(scenario)
    order = {"summit": 0, "call": 0, "talks": 1}
    ranked = sorted((m for m in scenario.meetings if m.name in readable),
                    key=lambda m: (order.get(m.kind, 2), m.date))
    return {m.name: k for k, m in enumerate(ranked)}


def message_card(title: str, text: str, style: dict) -> Figure:
    """A small figure that says why there is nothing to draw (instead of an empty chart)."""
    import matplotlib.pyplot as plt

    with plt.rc_context(style):
        fig, ax = plt.subplots(figsize=(10, 1.6), layout="constrained")
        ax.set_axis_off()
        ax.set_title(title, loc="left")
        ax.text(0, 0.5, textwrap.fill(text, 110), va="center", fontsize=11, transform=ax.transAxes)
    return fig


# -- legibility: labels that may move or go, and checks that no text collides ---------------------
# behind a label drawn over lines and bands: it stays legible (and its contrast is against white)
LABEL_BOX = {"boxstyle": "square,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.85}
PART = "part"  # the gid of an element drawn as part of another legend entry (a band's outline)
GAP = 2  # pixels kept clear around a placed label, so neighbours do not read as one word
MOVABLE = "movable:"  # the gid prefix of labels ``declutter`` may move or hide
# where a document id may sit beside its marker, in offset points, in order of preference
DOC_SPOTS = ((4, 4), (4, -13), (-4, 4), (-4, -13), (4, 14), (4, -24), (-4, 14), (-4, -24))


def movable(text, priority: int) -> None:
    """Mark ``text`` as a label ``declutter`` may move (document ids) or hide (meeting names);
    a lower ``priority`` is placed first."""
    text.set_gid(f"{MOVABLE}{priority:05d}")


def _renderer(fig: Figure):
    """The figure laid out (as when saved) and a renderer to measure its texts with."""
    if not hasattr(fig.canvas, "get_renderer"):  # a figure released from pyplot: give it Agg
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        FigureCanvasAgg(fig)
    fig.draw_without_rendering()
    return fig.canvas.get_renderer()


def _texts(fig: Figure) -> list:
    """Every text the figure shows: tick labels only of the ticks drawn (the axis keeps spare
    ticks outside the view, whose stale labels are never drawn)."""
    from matplotlib.text import Text

    spare, drawn = set(), []
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            for tick in [*axis.majorTicks, *axis.minorTicks]:
                spare.update({id(tick.label1), id(tick.label2)})
            if ax.get_visible() and ax.axison:
                for tick in axis._update_ticks():  # the ticks inside the view
                    drawn += [t for t in (tick.label1, tick.label2) if t.get_visible()]
    texts = [t for t in fig.findobj(Text) if id(t) not in spare]
    return [t for t in texts + drawn if t.get_visible() and t.get_text().strip()
            and (t.axes is None or t.axes.get_visible())]


def declutter(fig: Figure) -> None:
    """Move or hide the movable labels so that no text overprints another: each in turn tries
    its spots (document ids) and is hidden if none is free (meeting names, when too many
    meetings fall close together; the dashed line stays)."""
    texts = _texts(fig)
    movers = sorted((t for t in texts if str(t.get_gid() or "").startswith(MOVABLE)),
                    key=lambda t: t.get_gid())
    if not movers:
        return
    renderer = _renderer(fig)
    area = fig.bbox
    boxes = [t.get_window_extent(renderer) for t in texts if t not in movers]
    for t in movers:
        spots = DOC_SPOTS if hasattr(t, "xyann") and t.get_rotation() == 0 else (None,)
        for spot in spots:
            if spot is not None:
                t.xyann = spot
                t.set_ha("left" if spot[0] > 0 else "right")
            box = t.get_window_extent(renderer).padded(GAP)
            inside = (box.x0 >= area.x0 and box.x1 <= area.x1 and box.y0 >= area.y0
                      and box.y1 <= area.y1)
            if inside and not any(box.overlaps(b) for b in boxes):
                boxes.append(box)
                break
        else:
            t.set_visible(False)


def text_problems(fig: Figure) -> list[str]:
    """Texts of a drawn ``fig`` that overprint one another or stick out of the figure (clipped),
    as sentences; [] when every text is legible."""
    renderer = _renderer(fig)
    texts = _texts(fig)
    boxes = [(t, t.get_window_extent(renderer)) for t in texts]
    area = fig.bbox
    out = []
    for k, (t, box) in enumerate(boxes):
        if box.x0 < area.x0 - 1 or box.x1 > area.x1 + 1 or box.y0 < area.y0 - 1 \
                or box.y1 > area.y1 + 1:
            out.append(f"clipped: {t.get_text()!r}")
        for u, other in boxes[k + 1:]:
            if box.width and other.width and box.overlaps(other):
                out.append(f"overlap: {t.get_text()!r} and {u.get_text()!r}")
    return out


def contrast(colour, background="white") -> float:
    """WCAG contrast ratio of two colours (1 to 21; AA for text is 4.5)."""
    from matplotlib.colors import to_rgb

    def luminance(c) -> float:
        rgb = [x / 12.92 if x <= 0.03928 else ((x + 0.055) / 1.055) ** 2.4 for x in to_rgb(c)]
        return 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]

    a, b = sorted((luminance(colour), luminance(background)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def text_colour(colour: str, background: str = "white", ratio: float = 4.5) -> str:
    """``colour`` darkened just enough to read as text on ``background`` (WCAG AA)."""
    from matplotlib.colors import to_hex, to_rgb

    rgb = to_rgb(colour)
    for k in range(21):
        c = tuple(x * (1 - k / 20) for x in rgb)
        if contrast(c, background) >= ratio:
            return to_hex(c)
    return "#000000"


def unexplained(fig: Figure) -> list[str]:
    """Lines and areas drawn in ``fig``'s axes that no legend entry explains (neither labelled
    in a legend nor marked ``PART`` of an element that is); [] when the legend tells all."""
    shown = {t.get_text() for legend in [*fig.legends, *(ax.get_legend() for ax in fig.axes)]
             if legend is not None for t in legend.get_texts()}
    out = []
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        parts = {id(a) for c in ax.containers for a in c.get_children()}
        for artist in [*ax.lines, *ax.collections]:
            label = str(artist.get_label())
            if artist.get_gid() == PART or id(artist) in parts:
                continue
            if hasattr(artist, "get_xdata") and not len(artist.get_xdata()):
                continue  # a legend proxy: it draws nothing
            if label.startswith("_") or label not in shown:
                out.append(f"{ax.get_title('left') or ax.get_title() or 'axes'}: {label}")
    return out

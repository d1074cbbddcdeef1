"""scorecard.png: each observation hit or missed and each documented move's marks, in words and
the quantities' units."""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from sim.engine.spec import Scenario
from sim.views import words
from sim.views.figure_parts import PART, STYLE, message_card

HIT, MISS = "#009E73", "#D55E00"


def _mark(ax, x: float, y: float, mark: bool | None) -> None:
    if mark is None:
        ax.scatter([x], [y], marker="_", s=120, color="#767676", gid=PART)
    else:
        ax.scatter([x], [y], marker="o" if mark else "X", s=120, color=HIT if mark else MISS,
                   gid=PART,
                   zorder=3)


def scorecard_lines(fit, scenario: Scenario) -> tuple[list, list]:
    """The scorecard in words and units: (observation lines with their hit, move lines with
    their three marks), e.g. "12 May 2025  US tariff on Chinese goods: about 30 % (± 5
    points); this run 30 % [004]"."""
    from sim.record.lookup import record_for

    by_id = {o.id: o for o in fit.observations}
    moves = {m.id: m for m in record_for(scenario).moves}
    obs_lines = []
    for o in fit.observation_scores:
        record = by_id.get(o.id)
        if o.hit is None or record is None:
            continue
        what = words.quantity_label(scenario, o.quantity)
        obs_lines.append((o.hit, f"{o.date}  {what}: {words.expected(scenario, record)}; "
                          f"this run {words.simulated(scenario, record, o.simulated)}  "
                          f"[{o.doc}]"))
    move_lines = []
    for m in fit.move_scores:
        move = moves.get(m.id)
        what = words.quantity_label(scenario, m.quantity)
        expected = words.move_expected(scenario, move) if move else m.expected
        when = words.move_window(move) if move else m.window
        ran = words.change(scenario, m.quantity, m.change) if m.change is not None else "–"
        move_lines.append(((m.direction_hit, m.size_hit, m.timing_hit),
                           f"{what} {expected}, {when}; this run {ran}"
                           + (f"  [{move.doc}]" if move else "")))
    return obs_lines, move_lines


def scorecard_figure(fit, scenario: Scenario) -> Figure:
    """Each observation hit or missed, each documented move's direction/size/timing marks, in
    words and the quantities' units."""
    obs, moves = scorecard_lines(fit, scenario)
    rows = len(obs) + len(moves)
    if not rows:  # a scenario without a record, or a run the record cannot see: say so
        return message_card(f"{scenario.title}: scorecard", fit.text.splitlines()[0], STYLE)
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(14, 0.36 * rows + 2.4), layout="constrained")
        for i, (hit, text) in enumerate(obs):
            _mark(ax, 0, rows - i, hit)
            ax.annotate(text, (3.2, rows - i), va="center", fontsize=10, annotation_clip=False)
        for j, (marks, text) in enumerate(moves):
            y = rows - len(obs) - j
            for x, mark in enumerate(marks):
                _mark(ax, x, y, mark)
            ax.annotate(text, (3.2, y), va="center", fontsize=10, annotation_clip=False)
        if obs and moves:
            ax.axhline(rows - len(obs) + 0.5, color="#767676", lw=1, gid=PART)  # a divider
        ax.set_xlim(-0.5, 14)
        ax.set_ylim(0.3, rows + 0.7)
        ax.set_xticks([0, 1, 2], ["hit /\ndirection", "size", "timing"])
        ax.set_yticks([])
        for side in ("left", "bottom"):
            ax.spines[side].set_visible(False)
        ax.scatter([], [], marker="o", color=HIT, label="hit")
        ax.scatter([], [], marker="X", color=MISS, label="missed")
        ax.scatter([], [], marker="_", color="#767676", label="not scored (no size given)")
        ax.legend(loc="lower right", bbox_to_anchor=(1, 1), ncols=3, frameon=False)
        s = fit.summary
        share = "n/a" if s.observation_share is None else f"{100 * s.observation_share:.0f} %"
        fig.suptitle(f"{scenario.title}: scorecard\nfit {s.fit:.2f}; observations hit "
                     f"{s.observations_hit} of {s.observations_scored} ({share}); move marks "
                     f"{s.move_marks_hit} of {s.move_marks}", x=0.01, ha="left", fontsize=14)
    return fig


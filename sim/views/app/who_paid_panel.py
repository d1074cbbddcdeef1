"""The page's "who paid": what the run on screen has cost each side so far, in money.

Only for a scenario with a `trade:` section (a scenario without one shows no panel at all).
Folded like the explain panel and worked out only when opened, then again each day the run
moves: the run's lever paths so far are replayed through the trade layer (milliseconds), and
the table is ``sim.views.who_paid``'s, the same as report.html's. At the end of a student's game
the end screen carries the same table under its own heading: what the student's choices cost.
"""

from __future__ import annotations

import html

import solara

from sim.scenario.trade import trade_spec
from sim.views.app.folded import Folded
from sim.views.app.runner import Runner
from sim.views.app.state import tick
from sim.views.who_paid import WhoPaid, html_table, run_who_paid


def has_trade(model) -> bool:
    """True if the run's scenario has a trade layer (else the page shows no who-paid panel)."""
    return trade_spec(model.spec) is not None


def paid_so_far(model) -> WhoPaid | None:
    """Who paid in the model's run up to its last recorded day; None without a trade layer."""
    columns = model.columns
    # the page reads while a step may be appending: every column cut to the shortest
    days = min(len(v) for v in columns.values())
    if days == 0:
        return None
    return run_who_paid(model.spec, {k: v[:days] for k, v in columns.items()})


def who_paid_html(model) -> str:
    """The panel's body: the table so far, or a line saying there is none."""
    paid = paid_so_far(model)
    if paid is None:
        return "<p>This scenario has no trade section: nothing is counted in money.</p>"
    return html_table(paid, caption=f"Who paid so far: {paid.first:%d %b %Y} to "
                                    f"{paid.last:%d %b %Y}")


def end_html(model, side_label: str) -> str:
    """The end screen's part: what the student's game cost each side ("" without a trade
    layer)."""
    paid = paid_so_far(model) if has_trade(model) else None
    if paid is None:
        return ""
    return ("<div class='sim-who-paid-end'><h3>Who paid: what your game as "
            f"{html.escape(side_label)} cost each side</h3>" + html_table(paid) + "</div>")


@solara.component
def WhoPaidPanel(runner: Runner):
    """Folded; nothing at all for a scenario without a trade layer; its body is built only
    once it is opened."""
    if has_trade(runner.model):
        Folded("Who paid, in money (so far)", lambda: WhoPaidBody(runner))


@solara.component
def WhoPaidBody(runner: Runner):
    tick.get()
    solara.HTML(tag="div", classes=["sim-who-paid"], unsafe_innerHTML=who_paid_html(runner.model))

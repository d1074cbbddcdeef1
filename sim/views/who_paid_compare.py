"""Who paid in a comparison (`sim compare`): each compared scenario's net loss per side, the
median over its runs with their 10-90 % range and the median share of GDP, as one table.

Scenarios without a `trade:` section have no row and are named under the table; when none of
the scenarios has one there is no table at all. The numbers are ``sim.views.who_paid``'s, over
the runs that finished for every scenario (the runs the outcomes compare).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from sim.views.who_paid import WhoPaid, ensemble_who_paid, money, range_text, share_text

HEAD = ["scenario", "side", "net loss", "10–90 % of runs", "share of GDP, a year"]
FIELDS = ("scenario", "side", "side_label", "measure", "median", "p10", "p90",
          "share_of_gdp_a_year", "currency", "from", "to", "runs")


@dataclass(frozen=True)
class ComparedPaid:
    """Who paid in each compared scenario, in the comparison's order: its ``WhoPaid`` over the
    common runs, or None for a scenario without a `trade:` section."""

    names: tuple[str, ...]
    paid: tuple[WhoPaid | None, ...]

    def shown(self) -> list[tuple[str, WhoPaid]]:
        """The scenarios with a trade layer, each with who paid in it."""
        return [(n, p) for n, p in zip(self.names, self.paid, strict=True) if p is not None]

    def without(self) -> list[str]:
        """The scenarios without a `trade:` section."""
        return [n for n, p in zip(self.names, self.paid, strict=True) if p is None]


def compared_paid(ensembles: Sequence, names: Sequence[str]) -> ComparedPaid:
    """Who paid in each of ``ensembles`` (named ``names``), over the runs finished for all."""
    common = np.logical_and.reduce([e.done for e in ensembles])
    return ComparedPaid(tuple(names), tuple(ensemble_who_paid(e, common) for e in ensembles))


def table(c: ComparedPaid) -> tuple[list[str], list[list[str]]]:
    """A row per scenario and side: the net loss, its 10-90 % range and its share of GDP."""
    rows = []
    for name, paid in c.shown():
        for side in paid.sides():
            net = paid.get(side, "net_loss")
            rows.append([name, net.side_label, money(net.amount, paid.currency),
                         range_text(net, paid.currency) or "–",
                         share_text(net.share, words=False)])
    return list(HEAD), rows


def caption(c: ComparedPaid) -> str:
    """What the table's numbers are: the periods and runs (once when all scenarios share
    them), and the scenarios left out."""
    spans = {(p.first, p.last, p.runs) for _, p in c.shown()}
    if len(spans) == 1:
        first, last, runs = spans.pop()
        over = f"{first:%d %b %Y} to {last:%d %b %Y}, median of {runs} runs"
    else:
        over = "; ".join(f"{n}: {p.first:%d %b %Y} to {p.last:%d %b %Y}, median of {p.runs} "
                         "runs" for n, p in c.shown())
    text = (f"Each side's net loss (buyers' loss - extra tariff revenue + exporters' "
            f"lost sales) over the run ({over}), with the 10–90 % range of the runs; the share "
            "of GDP is a year's loss over that side's GDP.")
    if c.without():
        text += " No `trade:` section, nothing counted in money: " + ", ".join(c.without()) + "."
    return text


def markdown(c: ComparedPaid) -> str:
    """The table in Markdown under its caption; "" when no scenario has a trade layer."""
    if not c.shown():
        return ""
    head, rows = table(c)
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |"
              for row in rows]
    return "\nWho paid. " + caption(c) + "\n\n" + "\n".join(lines) + "\n"


def records(c: ComparedPaid) -> list[dict]:
    """Every measure of every side and scenario as a record (``FIELDS``), for a DataFrame."""
    return [{"scenario": name, "side": r.side, "side_label": r.side_label,
             "measure": r.measure, "median": r.amount, "p10": r.low, "p90": r.high,
             "share_of_gdp_a_year": r.share, "currency": paid.currency,
             "from": paid.first, "to": paid.last, "runs": paid.runs}
            for name, paid in c.shown() for r in paid.rows]

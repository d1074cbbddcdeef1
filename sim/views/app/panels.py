"""The classroom page's panels as HTML strings: status strip, charts, the why panel.

Pure functions of a model (no solara, no session state), so they are safe from any thread and
testable without a browser. Colours: each side its scenario colour (Okabe-Ito by default, safe for
colour-blind viewers), the same in the strip, the charts, the why panel and the play panel.
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass

from sim.engine.model import NegotiationModel
from sim.views import svg_charts as svg
from sim.views.app.model import observations
from sim.views.plots import STATUS_COLOURS, actor_colour

NARRATIVE_LINES = 12
UNIT_RANGE = {"percent": None, "share": (0.0, 1.0), "index": (0.0, 1.0)}


def chip(text: str, colour: str, cls: str = "") -> str:
    return (f"<span class='sim-chip {cls}' style='background:{colour}'>"
            f"{html.escape(text)}</span>")


def status_html(model: NegotiationModel) -> str:
    """Day, talks status and each side's trust and pressure: the status strip's words."""
    scenario, status = model.spec, model.status
    sides = " ".join(
        f"<span class='side' style='color:{actor_colour(scenario, a)}'>{html.escape(n.label)}"
        f"</span> trust {n.trust:.2f} · pressure {n.pressure:.2f}"
        for a, n in model.negotiators.items())
    return (f"<span class='day'>day {model.day} of {scenario.days - 1}</span> "
            + chip(status.replace("_", " "), STATUS_COLOURS.get(status, "#777777"), "status")
            + f" <span class='sides'>{sides}</span>")


def meeting_days(model: NegotiationModel) -> list[tuple[int, str]]:
    """Dated meetings, and triggered ones once they happened, as (day, kind)."""
    scenario = model.spec
    out = [((m.date - scenario.start).days, "call" if m.kind == "call" else "talks")
           for m in scenario.meetings if m.date is not None]
    kinds = {m.name: m.kind for m in scenario.meetings if m.date is None}
    for e in model.entries:
        if e.meeting in kinds and e.kind in ("talks restart", "agreement", "no agreement"):
            out.append((e.day, "call" if kinds[e.meeting] == "call" else "talks"))
    return out


def charts_html(model: NegotiationModel, band: dict | None, height: int = 130) -> str:
    """The legend and one panel per lever, then trust and pressure, in the sides' colours."""
    scenario, cols = model.spec, model.columns
    meets = meeting_days(model)
    record = observations()
    panels = []
    for lever in scenario.levers:
        colour = actor_colour(scenario, lever.actor)
        low, high = UNIT_RANGE.get(lever.unit) or (lever.min, lever.max)
        low, high = min(low, lever.min), max(high, lever.max)
        bands = [(*band[lever.id], colour)] if band and lever.id in band else []
        panels.append(svg.Panel(
            lever.label, colour, low, high, lever.unit,
            [svg.Series(cols[lever.id], colour)], bands,
            [o for o in record if o.quantity == lever.id],
            lever.describe(model.levers[lever.id].value)))
    for quantity, title in (("trust", "Trust in the other side"),
                            ("pressure", "Pressure at home")):
        series, bands, now = [], [], []
        for actor, n in model.negotiators.items():
            key, colour = f"{actor}.{quantity}", actor_colour(scenario, actor)
            series.append(svg.Series(cols[key], colour, n.label))
            if band and key in band:
                bands.append((*band[key], colour))
            now.append(f"{n.label} {getattr(n, quantity):.2f}")
        panels.append(svg.Panel(title, "#333333", 0.0, 1.0, "", series, bands,
                                [o for o in record if o.quantity.endswith(f".{quantity}")],
                                " · ".join(now)))
    body = "".join(svg.render(p, scenario.start, scenario.days, model.day, meets, height)
                   for p in panels)
    sides = [(a.label, actor_colour(scenario, a.id)) for a in scenario.actors.values()]
    return svg.legend(sides) + f"<div class='sim-grid'>{body}</div>"


def _who(model: NegotiationModel, actor: str) -> str:
    scenario = model.spec
    if actor in scenario.actors:
        return (f"<span class='who' style='color:{actor_colour(scenario, actor)}'>"
                f"{html.escape(scenario.actors[actor].label)}</span>")
    return "<span class='who'>Both</span>"


@dataclass
class Now:
    """What the run is doing at this moment, as the page's runner knows it: a question waiting
    for a student (talks or the weekly choice), a step or Play in progress, or idle."""

    question: object = None  # app.runner.Question, or None
    busy: bool = False
    playing: bool = False

    def words(self, model: NegotiationModel) -> str:
        """One sentence (HTML) about now; "" when the run is idle or over."""
        q = self.question
        if q is not None and model.running:
            who = _who(model, q.actor) if q.actor else "the student"
            if q.turn is not None:
                t = q.turn
                return (f"<b>Now</b>: {html.escape(t.meeting)}, round {t.round} of {t.rounds}: "
                        f"{who} to {'answer an offer' if t.offer is not None else 'propose'} "
                        "(the box above); the talks wait for them.")
            return (f"<b>Now</b>: {model.date:%d %b}, {who}'s choice for the week (the box "
                    "above); the run waits for it.")
        if self.playing and model.running:
            return "<b>Now</b>: playing, day by day (<b>Pause</b> stops it)."
        if self.busy and model.running:
            return "<b>Now</b>: the model is working out the next days ..."
        return ""


def _rounds_html(model: NegotiationModel, turn) -> str:
    """The rounds of the talks under way, newest first (the log has them only once they end)."""
    items = []
    for r in reversed(getattr(turn, "history", None) or []):
        answer = "accepted" if r.accepted else "rejected"
        items.append(f"<li><span class='when'>round {r.number}</span> {_who(model, r.proposer)}"
                     f" offers {html.escape(model.describe(r.package, turn.agenda))}; "
                     f"{answer}</li>")
    return "".join(items)


def narrative_html(model: NegotiationModel, lines: int = NARRATIVE_LINES,
                   now: Now | None = None) -> str:
    """What is happening now, then the latest decisions and meeting rounds, newest first, each
    with its plain reason."""
    scenario = model.spec
    now = now or Now()
    items = []
    current = now.words(model)
    if current:
        items.append(f"<li class='now'>{current}</li>")
        turn = getattr(now.question, "turn", None)
        if turn is not None:
            items.append(_rounds_html(model, turn))
    for e in reversed(model.entries[-lines:]):
        when = scenario.start + dt.timedelta(days=e.day)
        items.append(f"<li><span class='when'>{when:%d %b}</span> {_who(model, e.actor)} "
                     f"<em>{html.escape(e.kind)}</em>: {html.escape(e.why)}</li>")
    if not items:
        items.append("<li>Nothing has happened yet: press <b>Step</b> or <b>Play</b>.</li>")
    return "<h3>Why: the latest decisions</h3><ul>" + "".join(items) + "</ul>"


def why_line(model: NegotiationModel, now: Now | None = None) -> str:
    """What is happening now, else the newest decision, in one line (the phone's first screen)."""
    current = (now or Now()).words(model)
    if current:
        return current
    if not model.entries:
        return "Why: nothing has happened yet. Press <b>Step</b>."
    e = model.entries[-1]
    when = model.spec.start + dt.timedelta(days=e.day)
    return (f"<b>Why</b> <span class='when'>{when:%d %b}</span> {_who(model, e.actor)}: "
            f"{html.escape(e.why)}")


def meetings_html(model: NegotiationModel) -> str:
    """The meetings of this run: dated ones with their date, triggered ones with their rule."""
    scenario = model.spec
    parts = []
    for m in scenario.meetings:
        if m.date is not None:
            when = f"{m.date:%d %b}"
        else:
            t = m.trigger
            sign = f"&gt; {t.above:g}" if t.above is not None else f"&lt; {t.below:g}"
            when = f"when {html.escape(scenario.actors[t.actor].label)} {t.quantity} {sign}"
        parts.append(f"{html.escape(m.label)} ({when})")
    return "Meetings: " + (" · ".join(parts) if parts else "none")

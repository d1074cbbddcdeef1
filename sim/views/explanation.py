"""`sim explain` in words: what each meeting and decision came to, where each side stood, the gap
that kept talks from agreeing, who stayed away and by how much, and the behaviour values that
would have changed it (``sim.experiments.explain``). Plain text for the terminal and an HTML
section for report.html."""

from __future__ import annotations

import dataclasses
import html
import json

import sim.experiments.happenings as hp
from sim.experiments.happenings import Change, Explanation, Happening, Presence, Standing

SAYS = {hp.AGREED: "agrees", hp.NO_AGREEMENT: "takes place, without agreement",
        hp.NOT_HELD: "not held",
        "held": "takes place", "hold": "holds", "threaten": "announces a threat",
        "impose": "imposes a measure"}
SHOWN = 6  # changes listed per meeting (the smallest moves first)
UTILITY = ("Utilities are each side's own, 0 to 1; a side signs only for a package worth at "
           "least its reservation (status quo + resolve - pressure sensitivity x pressure x 0.3 "
           "- room to settle; docs/model.md).")


def result_words(h: Happening) -> str:
    if h.kind == "decision":
        return SAYS.get(h.result, h.result)
    if h.result == hp.NOT_HELD:
        return "declined" if h.kind in ("call", "summit") else "not held"
    return {hp.AGREED: "agreed", hp.NO_AGREEMENT: "NO AGREEMENT", hp.HELD: "held"}[h.result]


def standing_line(s: Standing, agreed: bool = False) -> str:
    if s.received is None:
        got = f"no offer reached it; its own best package is worth {s.best:.3f}"
    else:
        got = f"best offer received worth {s.received:.3f}"
        if s.asked is not None and s.asked > s.reservation + 0.0005:
            got += f" (it asked {s.asked:.3f} that round)"
    gap = "" if agreed else f": gap {s.gap:.3f}" if s.gap > 0.0005 else ": no gap"
    parts = f"status quo {s.status_quo:.3f} + resolve {s.resolve:.3f}"
    if s.tied:
        parts += f" + hands tied {s.tied:.3f}"
    if abs(s.relief) > 0.0005:
        parts += f" - pressure and room to settle {s.relief:.3f}"
    line = f"{s.label}: reservation {s.reservation:.3f} ({parts}), {got}{gap}"
    room = s.best - s.status_quo
    if gap and s.gap > 0.0005 and s.received is None and room < 0.0005:
        line += ("; this agenda gives it nothing over the status quo (nothing on it that it "
                 "wants eased or values keeping more)")
    elif gap and s.gap > 0.0005 and s.received is None and room < s.resolve:
        line += (f"; the most this agenda can give it over the status quo is {room:.3f}, less "
                 f"than its resolve {s.resolve:.3f} asks")
    return line


def presence_line(p: Presence) -> str:
    terms = f"trust {p.trust:.2f} + pressure sensitivity {p.sensitivity:.2f} x pressure " \
            f"{p.pressure:.2f}"
    if p.threats:
        terms += f" (+ threats {p.threats:.2f})"
    if p.mandate:
        terms += f" + room to settle {p.mandate:.2f}"
    return (f"{p.label} stays away: willingness {p.willingness:.2f}, below the {p.threshold:.2f} "
            f"it takes ({p.threshold - p.willingness:.2f} short) = {terms}")


def change_line(c: Change) -> str:
    return (f"{c.label} {c.param} {c.was:g} -> {c.value:g}  (`{c.key}: {c.value:g}`): "
            f"{SAYS.get(c.result, c.result)}")


def happening_lines(h: Happening, full: bool, seed: int, probed: bool) -> list[str]:
    head = f"{h.date}  {h.label}" + (f" [{h.name}]" if h.name else "") + f": {result_words(h)}"
    if not (full or h.fell_short):
        if h.kind == "decision":  # its reckoning, with the numbers it weighed
            return [head, f"    {h.reason}"]
        return [head + (f" ({h.reason})" if h.reason and h.result == hp.AGREED else "")]
    lines = [head]
    if h.reason:
        lines.append(f"    {h.reason}")
    lines += [f"    {presence_line(p)}" for p in h.absent]
    lines += [f"    {standing_line(s, h.result == hp.AGREED)}" for s in h.sides]
    if not probed or not (h.fell_short or h.name):
        return lines
    what = "would close it" if h.fell_short else "would change it"
    if h.changes:
        lines.append(f"    What {what} (one behaviour value moved at a time, re-run on seed "
                     f"{seed}; smallest moves first):")
        lines += [f"      {change_line(c)}" for c in h.changes[:SHOWN]]
        if len(h.changes) > SHOWN:
            lines.append(f"      ... and {len(h.changes) - SHOWN} more")
    else:
        verb = "closes it" if h.fell_short else "changes it"
        if h.together:
            lines.append(f"    No single behaviour value, moved alone to any point of its range, "
                         f"{verb} on seed {seed}; with these moved together it "
                         f"{SAYS.get(h.together[0].result, h.together[0].result)}:")
            lines += [f"      {c.label} {c.param} {c.was:g} -> {c.value:g}  "
                      f"(`{c.key}: {c.value:g}`)" for c in h.together]
        else:
            lines.append(f"    No single behaviour value, moved alone to any point of its range, "
                         f"{verb} on seed {seed}: move two at once{two_at_once(h)}, or change "
                         "the agenda, the dates or the levers' starting values.")
    return lines


def two_at_once(h: Happening) -> str:
    """Which two (or more) sides each stand in the way, and what to move for each."""
    if len(h.absent) > 1:
        return (" (every side that stays away must come: raise the initial_trust or "
                "pressure_sensitivity of each of " + _and([p.label for p in h.absent])
                + ", or hold a leaders' call before)")
    short = [s.label for s in h.sides if s.gap > 0.0005]
    if len(short) > 1:
        return (f" ({_and(short)} each have a gap: lower the resolve of each, or raise its "
                "pressure_sensitivity)")
    return ""


def _and(labels: list[str]) -> str:
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]


def explanation_text(ex: Explanation) -> str:
    """The whole explanation for the terminal."""
    s = ex.scenario
    when = f"{ex.day} only" if ex.day else f"{s.start} to {s.end}"
    lines = [f"Why the run of {s.name} (seed {ex.seed}, {when}) came to what it did", UTILITY,
             ""]
    if ex.note:
        lines += [f"(note: {ex.note})", ""]
    if not ex.happenings:
        lines.append(f"No meeting or decision point on {ex.day}." if ex.day else
                     "This scenario has no meeting or decision point: nothing to explain. "
                     "Add meetings (`meetings:` in the scenario) for the sides to talk.")
        return "\n".join(lines) + "\n"
    for h in ex.happenings:
        lines += happening_lines(h, ex.day is not None, ex.seed, ex.probe_runs > 0)
    lines += ["", *in_short(ex)]
    return "\n".join(lines) + "\n"


def in_short(ex: Explanation) -> list[str]:
    """The closing lines: what to change first."""
    short = [h for h in ex.happenings if h.fell_short]
    if not short:
        return ["Every meeting here came to what it could (an agreement, or a call held)."]
    changes = [(c, h) for h in short for c in h.changes]
    out = [f"{len(short)} meeting{'s' if len(short) > 1 else ''} fell short."]
    if ex.probe_runs == 0:
        return [*out, "Run without --no-probe to find the behaviour values that would close "
                "each gap."]
    if changes:
        c, h = min(changes, key=lambda ch: ch[0].size)
        out.append(f"The smallest single change found: {c.label}'s {c.param} from {c.was:g} to "
                   f"{c.value:g} (set `{c.key}: {c.value:g}` in the scenario), with which "
                   f"{h.label} {SAYS.get(c.result, c.result)}.")
    out.append(f"(The probe made {ex.probe_runs} runs; each change listed was run and does what "
               "it says on this seed. Another seed may tell another story: `sim run --runs N` "
               "shows how often.)")
    return out


def explanation_json(ex: Explanation) -> str:
    """The explanation as JSON (for scripts): every number the text shows, unrounded."""
    s = ex.scenario
    items = []
    for h in ex.happenings:
        item = dataclasses.asdict(h)
        item["date"] = h.date.isoformat()
        item["fell_short"] = h.fell_short
        for change, c in zip(item["changes"] + item["together"], h.changes + h.together,
                             strict=True):
            change["key"] = c.key
        items.append(item)
    return json.dumps({"scenario": s.name, "seed": ex.seed, "start": s.start.isoformat(),
                       "end": s.end.isoformat(), "day": ex.day.isoformat() if ex.day else None,
                       "probe_runs": ex.probe_runs, "note": ex.note, "happenings": items},
                      indent=2) + "\n"


# --- report.html ------------------------------------------------------------------------------
def explanation_html(ex: Explanation, probed: bool = False) -> str:
    """A report.html section (and the page's panel): the meetings and decisions with their
    numbers. Without the probe (``probed`` False), a note says `sim explain FOLDER` adds the
    values that would close each gap; with it, those values are in the table."""
    esc = html.escape
    rows = []
    for h in ex.happenings:
        detail = [esc(h.reason)] if h.reason else []
        detail += [esc(presence_line(p)) for p in h.absent]
        detail += [esc(standing_line(s, h.result == hp.AGREED)) for s in h.sides]
        detail += [esc(change_line(c)) for c in h.changes[:SHOWN]]
        rows.append(f"<tr><td>{esc(str(h.date))}</td><td>{esc(h.label)}</td>"
                    f"<td>{esc(result_words(h))}</td><td>{'<br>'.join(detail)}</td></tr>")
    if not rows:
        return "<p>No meeting or decision point in this scenario.</p>"
    note = ("Each behaviour value that, moved alone on this run's seed, changes what a meeting "
            "came to is listed with it." if probed else "<code>sim explain FOLDER</code> adds, "
            "for each meeting that fell short, the behaviour values that would close its gap.")
    return (f"<p class=sub>{esc(UTILITY)} {note}</p>"
            "<table><thead><tr><th>date</th><th>meeting</th><th>came to</th><th>the numbers"
            f"</th></tr></thead><tbody>{''.join(rows)}</tbody></table>")

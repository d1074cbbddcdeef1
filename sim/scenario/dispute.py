"""`sim new --dispute NAME --sides A,B`: the starting files of a new dispute, extending nothing.

A commented scenario (two sides with their own levers, behaviour, wants, constituencies, a round
of talks, a leaders' call and a second round) and an empty record beside it (its quantities
declared, its documents and observations given as commented examples). Both pass `sim check` as
written and run; the author replaces every value marked ASSUMPTION with what the sources say.
"""

from __future__ import annotations

import datetime as dt
import re
import textwrap
from dataclasses import dataclass

from sim.engine.behaviour import PARAMS, PRESETS
from sim.engine.model import STATUSES
from sim.errors import UserError

SIDE = re.compile(r"[a-z][a-z0-9_]{0,23}")  # a side's id is part of record quantity names
DAYS = 120  # the starting period: four months


@dataclass(frozen=True)
class Dispute:
    """What `--dispute NAME --sides A,B` asks for: the dispute's name, its two sides and its
    start date."""

    name: str
    sides: tuple[str, str]
    start: dt.date

    @property
    def end(self) -> dt.date:
        return self.start + dt.timedelta(days=DAYS)

    def day(self, n: int) -> dt.date:
        return self.start + dt.timedelta(days=n)


def parse_sides(text: str) -> tuple[str, str]:
    """``"eu,us"`` as ("eu", "us"); a UserError saying what to write otherwise."""
    sides = tuple(s.strip() for s in text.split(","))
    if len(sides) != 2 or sides[0] == sides[1]:
        raise UserError(None, f"--sides {text}: give two different sides, e.g. --sides eu,us")
    for side in sides:
        if not SIDE.fullmatch(side):
            raise UserError(None, f"--sides {text}: `{side}` is not a side id; write lower-case "
                            "letters, digits and `_`, starting with a letter (e.g. eu, us)")
    return sides  # type: ignore[return-value]


def label_of(side: str) -> str:
    return side.upper() if len(side) <= 3 else side.replace("_", " ").title()


def scenario_text(d: Dispute, record: str) -> str:
    """The commented scenario of a new dispute, naming ``record`` (relative to it)."""
    a, b = d.sides
    la, lb = label_of(a), label_of(b)
    lines = [
        f"# {d.name}: a new dispute between {la} and {lb}, written from `sim new --dispute`.",
        "# Nothing here is documented yet: every value marked ASSUMPTION is a placeholder to",
        "# replace with what your sources say (`source:` with a short quote) or to keep as a",
        "# labelled assumption. The scenario says WHO the sides are, what levers they hold, how",
        "# they behave and WHEN they meet; never what a meeting decides or how a lever moves.",
        "# Every key: scenarios/README.md. Then `sim check` this file and `sim run` it.",
        f"name: {d.name}",
        f"title: \"{la} and {lb}: <the question this scenario asks>\"",
        "description: >",
        f"  What the dispute between {la} and {lb} is about, and what this scenario asks of it.",
        "seed: 1",
        f"dates: {{start: {d.start}, end: {d.end}}}   # the simulated period, day by day",
        f"record: {record}   # the documented record runs are scored against (never an input)",
        "",
        "actors:                # exactly two sides, by id",
    ]
    for me, other in ((a, b), (b, a)):
        lines += _side(me, other, first=me == a)
    lines += [
        "",
        "# --- meetings: WHEN they happen (a `date`, or a `trigger` on a side's pressure or",
        "# trust); what they decide is up to the negotiators. kind: talks | call | summit |",
        "# decision",
        "meetings:",
        "  - name: first_talks",
        "    kind: talks",
        "    label: First round of talks",
        f"    date: {d.day(30)}    # ASSUMPTION: when the sources say they met",
        "    rounds: 10           # offers exchanged at most",
        f"    agenda: [{a}.tariff_on_{b}, {b}.tariff_on_{a}]   # lever ids on the table",
        "  - name: leaders_call",
        "    kind: call",
        "    label: Leaders' call",
        f"    date: {d.day(55)}",
        f"    initiator: {a}        # who places the call",
        "    freeze_days: 30      # new measures wait this long for the talks it promises",
        "  - name: second_talks",
        "    kind: talks",
        "    label: Second round of talks",
        f"    date: {d.day(60)}",
        "    signing_days: 7      # agreed in principle, signed a week later",
        "",
        "# --- shocks: outside events hitting a constituency on a date (none yet) -------------",
        "# shocks:",
        "#   - name: selloff",
        f"#     date: {d.day(40)}",
        f"#     target: {a}.stock_market",
        "#     change: -0.08",
        "",
        "# --- wording: the words summaries, outcome names and plots use for this dispute --------",
        "# (default: the talks-status names, and e.g. 'P(truce collapses before the end)')",
        "# wording:",
        "#   statuses: {truce: ceasefire, framework_agreed: deal signed}",
        "#   outcomes: {collapse: \"P(the ceasefire breaks down before the end)\"}",
    ]
    return "\n".join(lines) + "\n"


def _side(me: str, other: str, first: bool) -> list[str]:
    label = label_of(me)
    preset = "linear" if first else "boulware"
    lines = [
        f"  {me}:",
        f"    label: {label}",
        f"    colour: \"{'#0072B2' if first else '#D55E00'}\"",
        "    levers:            # the instruments this side sets, by name",
        f"      tariff_on_{other}:",
        f"        label: {label} tariff on {label_of(other)} goods",
        "        unit: percent    # percent | share (0-1) | index | amount",
        "        min: 0",
        "        max: 100",
        f"        initial: {55 if first else 35}",
        "        restrictive: high   # which end of the range hurts the other side",
        "        assumption: \"ASSUMPTION: no source read yet; replace with `source: \\\"doc: "
        "'quote'\\\"`\"",
        "      export_controls:",
        f"        label: {label} export controls",
        "        unit: index",
        "        min: 0",
        "        max: 1",
        f"        initial: {0.3 if first else 0.2}",
        "        speed: 0.5       # share of an ordered change that takes effect per day",
        "        assumption: \"ASSUMPTION: a 0-1 index of how tight the controls are\"",
        "    behaviour:         # dispositions, not results (a value may be a distribution)",
        f"      preset: {preset}",
    ]
    for param in ("patience", "compliance", "reciprocity", "pressure_sensitivity",
                  "initial_trust"):
        info = PARAMS[param]
        doc = textwrap.shorten(info.doc, 48, placeholder="...")
        value = PRESETS[preset].values.get(param, 0.5)
        lines.append(f"      {param}: {value:g}".ljust(36) + f"# {info.low:g}-{info.high:g}: {doc}")
    lines += [
        f"    priorities:        # what {label} wants {label_of(other)} to ease (0-10)",
        f"      {other}.tariff_on_{me}: 1.0",
        f"      {other}.export_controls: 0.5",
        f"    holds:             # what {label} values keeping (0-10)",
        f"      {me}.tariff_on_{other}: 0.3",
        f"      {me}.export_controls: 0.6",
        "    constituencies:    # who presses this side at home",
        "      exporters:",
        "        kind: firms      # run down their stock while the other side restricts a lever",
        f"        label: {label} exporters",
        f"        depends_on: {other}.tariff_on_{me}",
        "        count: 10",
        "        stock_days: {uniform: [30, 90]}",
        "        weight: 0.6",
    ]
    if first:
        lines += [
            "      stock_market:",
            "        kind: market     # moves on the day's news",
            f"        label: {label} stock market",
            "        weight: 0.4",
        ]
    return lines


def record_text(d: Dispute) -> str:
    """The empty record of a new dispute: its quantities declared; its documents, observations,
    moves and conflicts as commented examples (uncommented, they pass `sim check`)."""
    a, b = d.sides
    la, lb = label_of(a), label_of(b)
    q = [f"{a}.tariff_on_{b}", f"{b}.tariff_on_{a}"]
    return "\n".join([
        f"# The documented record of {d.name}: what the sources report, in the model's quantities.",
        "# It is read only to score runs, never by the model. Each observation names its document",
        "# and carries a short verbatim quote. Every key: scenarios/README.md (the record",
        "# language). Uncomment the examples and put your sources' words in; `sim check` on the",
        "# scenario checks this file against it.",
        f"title: The {la}-{lb} dispute, as reported in <your sources>",
        "description: >",
        "  What the documents cover, from when to when.",
        "",
        "quantities:           # the timeline columns it scores (besides `status`)",
        f"  {q[0]}: {{unit: \"%\", description: {la} tariff on {lb} goods}}",
        f"  {q[1]}: {{unit: \"%\", description: {lb} tariff on {la} goods}}",
        "",
        "documents:            # the sources, by id (in quotes)",
        "  # \"001\":",
        "  #   headline: The two sides meet and agree to cut tariffs",
        "  #   url: https://example.org/news/001     # or `file:` beside the seed documents",
        "",
        "observations:         # each: one quantity on a `date` or `from`/`to`, one expectation",
        "  # - id: tariff_before_the_talks",
        f"  #   quantity: {q[0]}",
        f"  #   date: {d.start}",
        "  #   value: 55            # or `level: {above: 20}`, or `direction: down`",
        "  #   tolerance: 5",
        "  #   doc: \"001\"",
        "  #   quote: \"a tariff of 55 percent\"",
        "  #   confidence: high     # high | medium | low",
        "  # - id: talks_stall",
        "  #   quantity: status",
        f"  #   from: {d.day(35)}",
        f"  #   to: {d.day(50)}",
        f"  #   status: stalled      # {' | '.join(STATUSES)}",
        "  #   doc: \"001\"",
        "  #   quote: \"talks have stalled\"",
        "  #   confidence: medium",
        "",
        "moves:                # documented changes: direction, window, timing tolerance",
        "  # - id: tariff_cut",
        f"  #   quantity: {q[0]}",
        "  #   direction: down",
        f"  #   window: {{from: {d.day(30)}, to: {d.day(40)}}}",
        "  #   timing_tolerance_days: 7",
        "  #   doc: \"001\"",
        "  #   quote: \"agree to cut tariffs\"",
        "  #   confidence: high",
        "",
        "conflicts:            # where documents disagree, and how that is handled",
        "  # - id: dates_differ",
        "  #   kind: contradiction  # contradiction | sequence | spliced_text | garbled |",
        "  #                        # wording | scope | boilerplate (scenarios/README.md)",
        "  #   docs: [\"001\"]",
        "  #   quotes: [\"agree to cut tariffs\"]",
        "  #   what: Two accounts give different dates for the cut.",
        "  #   how_handled: The earlier date, with a timing tolerance of a week.",
    ]) + "\n"

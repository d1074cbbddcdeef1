"""The scenario language as pydantic models: every key, its type, range, meaning and example.

These models are the one description of the language. `sim check` validates with them, `sim
schema` is generated from them, the key table in scenarios/README.md is generated from their
field descriptions, and files with `extends:` are checked against "patch" versions of them made
by ``sim.scenario.fields.patch``. What no schema can state (references between keys, dates inside
the scenario's period, the order of meetings) is checked when the engine's specs are built
(``sim.scenario.build``).

Adding a key: one typed field with ``key("what it means", "key: example")`` on the right model;
the engine reads it from the spec that ``sim.scenario.build`` makes.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

from pydantic import Discriminator, Field, create_model

from sim.engine.behaviour import PARAMS, PRESETS
from sim.engine.events import KINDS
from sim.scenario.constituency_models import (
    AnyConstituency,
    Constituency,
    Firms,
    Losses,
    Market,
    Protected,
)
from sim.scenario.measure_models import Commitment, Instrument, Layer
from sim.scenario.parts import Name, Part, TextT, key, num
from sim.scenario.trade import Trade
from sim.scenario.types import (
    Colour,
    Date,
    Dist,
    LeverId,
    NullIsEmpty,
    Number,
    PriorSpec,
    ScenarioKey,
    Slug,
    kind,
)
from sim.scenario.wording_language import Wording

LANGUAGE_VERSION = 1


# --- behaviour: built from the engine's parameter table (one source for ranges and meanings) ----

def _param_example(name: str) -> str:
    info = PARAMS[name]
    if name == "patience":
        return f"{name}: {{uniform: [{info.low}, {(info.low + info.high) / 2:g}]}}"
    return f"{name}: {info.low + (info.high - info.low) * 0.25:g}"


Preset = Literal[tuple(PRESETS)]  # type: ignore[valid-type]

Behaviour = create_model(
    "Behaviour", __base__=Part,
    __doc__="how the side's negotiators behave: a named preset, then any parameter on its own "
            "(a number, or a distribution drawn once per run)",
    preset=(Preset, key("named disposition to start from (its values fill in the parameters "
                        "not given)", "preset: tit_for_tat")),
    **{name: (Annotated[object, Dist(info.low, info.high)], key(info.doc, _param_example(name)))
       for name, info in PARAMS.items()})
Behaviour.example = "behaviour: {preset: hawk, patience: 0.8}"


# --- levers and constituencies ------------------------------------------------------------------

UNITS = {"percent": (0.0, None), "share": (0.0, 1.0), "index": (None, None),
         "amount": (0.0, None)}


class Lever(Part):
    """a policy instrument this side sets"""

    example: ClassVar[str] = ("tariff_on_china: {unit: percent, min: 0, max: 200, initial: 145, "
                              "source: \"doc 004: '...'\"}")
    alternatives = {("source", "assumption"): "each lever says where its initial value comes "
                    "from: give exactly one of `source` (document and quote) or `assumption` "
                    "(why this value)"}

    label: TextT = key("plain-language name used in plots and narratives",
                       "label: US tariff on Chinese goods")
    unit: Literal["percent", "share", "index", "amount"] = key(
        "what the number means: a `share` lies from 0 to 1 (0.3 is 30 %), a `percent` is 0 or "
        "more, an `amount` (such as purchases, in the scenario's own units) is 0 or more",
        "unit: percent", required=True)
    unit_label: TextT = key(
        "the unit in words, shown on every axis and after every value (such as `USD bn` or "
        "`t`; default: from `unit`)", "unit_label: USD bn")
    min: num() = key("lowest value", "min: 0", required=True)
    max: num() = key("highest value (above `min`)", "max: 200", required=True)
    initial: num() = key("value on the start date, between `min` and `max`", "initial: 145",
                         required=True)
    restrictive: Literal["high", "low"] = key("which end of the range hurts the other side",
                                              "restrictive: low", "high")
    speed: num(0.001, 1.0) = key("share of an ordered change that takes effect per day "
                                 "(1: at once)", "speed: 0.06", 1.0)
    horizon_days: num(0, 3650, integer=True) = key(
        "makes it a commitment (an amount to deliver, such as purchases): the days over which "
        "an agreed amount is due. Its value is the amount delivered so far, which never falls; "
        "give `restrictive: low` (0: an ordinary lever)", "horizon_days: 365", 0)
    aimed_at: list[TextT] = key(
        "the sides (actor ids) its restrictions are aimed at, with three sides or more "
        "(default: every other side)", "aimed_at: [china]")
    aligns_with: TextT = key(
        "a coalition partner's lever (its id) this one is aligned with: at its decision points "
        "the side weighs bringing it up to that lever's level", "aligns_with: us.chip_controls")
    layers: Annotated[dict[Annotated[str, Slug("<layer>")], Layer], NullIsEmpty(dict)] = key(
        "the measures the initial value is made of, oldest first (what is left below them is "
        "its base; layers beyond the initial value are not in force at the start); a deal cuts "
        "the newest first, and a lapse restores only what it suspended",
        "layers: {reciprocal: {amount: 34, if_cut: suspend, source: ...}}")
    instruments: Annotated[dict[Annotated[str, Slug("<instrument>")], Instrument],
                           NullIsEmpty(dict)] = key(
        "the measures this side has prepared on the lever, in the order it would use them: each "
        "time it tightens the lever (at a decision point, or answering a measure) it imposes the "
        "next one in full, as a layer of that name; when none is left, its measures are steps "
        "again (`escalation_step`)",
        "instruments: {section_232: {amount: 22.7, source: ...}}")
    source: TextT = key("document and quote the initial value comes from (give this or "
                        "`assumption`)", "source: \"doc 004: 'from 145% to 30%'\"")
    assumption: TextT = key("why the initial value was chosen, when no document gives it",
                            "assumption: \"no document gives a number\"")



def weight(example: str) -> Any:
    return Annotated[float, Number(0, 10), Field(description="weight of that lever",
                                                 examples=[example])]


Weights = Annotated[dict[Annotated[str, LeverId()], weight("us.chip_controls: 0.9")],
                    NullIsEmpty(dict)]


class Actor(Part):
    """one side: its levers, behaviour, wants and constituencies"""

    example: ClassVar[str] = "us: {label: US, ...}"

    label: TextT = key("plain-language name", "label: US")
    colour: Annotated[str, Colour()] = key("plot colour", "colour: \"#0072B2\"")
    levers: dict[Annotated[str, Slug("<lever>")], Lever] = key(
        "the instruments this side sets, by name", "levers: {...}", required=True)
    behaviour: Behaviour = key(Behaviour.__doc__, Behaviour.example, required=True)
    priorities: dict[Annotated[str, LeverId()], weight("china.tariff_on_us: 0.6")] = key(
        "how much it wants each of the other side's levers eased (0 to 10; one above zero at "
        "least)", "priorities: {china.rare_earth_licensing: 1.0}", required=True)
    holds: Weights = key("how much it values keeping each of its own levers (0 to 10)",
                         "holds: {us.chip_controls: 0.9}")
    constituencies: Annotated[dict[Annotated[str, Slug("<constituency>")], AnyConstituency],
                              NullIsEmpty(dict)] = key(
        "domestic groups that press this side, by name", "constituencies: {...}")
    commitments: Annotated[dict[Annotated[str, LeverId()], Commitment], NullIsEmpty(dict)] = key(
        "its own delivery terms per lever, when a deal covers that lever (by lever id)",
        "commitments: {china.purchases: {compliance: 0.6, ...}}")


# --- meetings and shocks ------------------------------------------------------------------------

class Trigger(Part):
    """hold the meeting the first day a side's state crosses a threshold, in a window (instead of
    `date`)"""

    example: ClassVar[str] = "trigger: {actor: us, quantity: pressure, above: 0.5}"
    alternatives = {("above", "below"): "a trigger needs exactly one of `above` or `below`"}

    actor: TextT = key("whose state is watched (an actor id)", "actor: us", required=True)
    quantity: Literal["pressure", "trust"] = key("what is watched", "quantity: pressure",
                                                 required=True)
    above: num(0, 1) = key("fire when the quantity rises above this", "above: 0.5")
    below: num(0, 1) = key("fire when the quantity falls below this", "below: 0.3")
    not_before: Annotated[object, Date()] = key(
        "first day it may fire (default: the start date)", "not_before: 2025-05-15")
    not_after: Annotated[object, Date()] = key("last day it may fire (default: the end date)",
                                               "not_after: 2025-07-31")


class Meeting(Part):
    """talks, a leaders' call, a summit or a decision point, at a date or on a trigger"""

    example: ClassVar[str] = "- {name: geneva, kind: talks, date: 2025-05-10}"
    named = True
    alternatives = {("date", "trigger"): "meeting `{name}` needs exactly one of `date` or "
                    "`trigger`"}
    default_rounds: ClassVar[int] = 10

    name: Name = key("identifier (letters, digits, `_`, `-`); `extends` matches by it",
                     "name: geneva", required=True)
    kind: Literal[tuple(KINDS)] = key(  # type: ignore[valid-type]
        "`talks` (rounds of offers), `call` (leaders' call), `summit` (leaders who can agree "
        "terms themselves) or `decision` (a date on which `initiator` decides whether to "
        "escalate: a review, a statutory deadline)", "kind: call", required=True)
    label: TextT = key("plain-language name", "label: Geneva talks")
    date: Annotated[object, Date()] = key("the day it happens (or give `trigger`)",
                                          "date: 2025-05-10")
    trigger: Trigger = key(Trigger.__doc__, Trigger.example)
    rounds: num(1, 200, integer=True) = key(
        "offers exchanged at most (default 10 for talks and summits, 2 for a call)",
        "rounds: 12")
    agenda: list[TextT] = key("lever ids on the table (default: every lever); at a decision "
                              "point, the levers of its initiator the decision is about (a "
                              "deadline on one measure)",
                              "agenda: [us.tariff_on_china, china.tariff_on_us]")
    parties: list[TextT] = key(
        "the sides that meet (actor ids, two or more; default: every side): bilateral talks "
        "inside a dispute of more sides, or plurilateral ones", "parties: [us, china]")
    initiator: TextT = key("actor who opens (talks), places the call or hosts the summit, or "
                           "who decides (decision, required there); default: drawn (talks) or "
                           "the more pressed side (call, summit)", "initiator: us")
    freeze_days: num(0, 365, integer=True) = key(
        "call or summit: days new measures wait for the talks it promises (the freeze ends "
        "sooner if an agreement is reached)", "freeze_days: 30", 30)
    freeze: Literal["open"] = key(
        "call or summit: `open` makes new measures wait while the talks it promises go on (a "
        "truce \"as long as we are negotiating\"), until a side walks out at a decision point "
        "(it overrides `freeze_days`, also one inherited through `extends`)", "freeze: open")
    term: Literal["open"] = key(
        "talks or summit: `open` makes its agreement one without a term (a truce \"while talks "
        "go on\"): no clock runs out; it ends when a side that prefers its lapse says so at a "
        "decision point (default: a term the sides agree, see docs/model.md)", "term: open")
    signing_days: num(0, 365, integer=True) = key(
        "talks or summit: days from agreement in principle to signing (0: signed at the table)",
        "signing_days: 14", 0)
    in_force_days: num(0, 365, integer=True) = key(
        "talks or summit: days from signing to entry into force (the agreement's clock starts "
        "then)", "in_force_days: 7", 0)


class Talks(Meeting):
    """rounds of alternating offers on an agenda"""

    kind: Literal["talks"] = key(Meeting.model_fields["kind"].description, "kind: talks",
                                 required=True)


class Call(Meeting):
    """a leaders' call"""

    default_rounds = 2
    kind: Literal["call"] = key(Meeting.model_fields["kind"].description, "kind: call",
                                required=True)


class Summit(Meeting):
    """leaders who meet and can agree terms themselves"""

    kind: Literal["summit"] = key(Meeting.model_fields["kind"].description, "kind: summit",
                                  required=True)


class Decision(Meeting):
    """a date on which one side decides whether to escalate (a review, a statutory deadline)"""

    default_rounds = 2
    kind: Literal["decision"] = key(Meeting.model_fields["kind"].description, "kind: decision",
                                    required=True)


MEETING_MODELS = {"talks": Talks, "call": Call, "summit": Summit, "decision": Decision}
AnyMeeting = Annotated[Talks | Call | Summit | Decision, Discriminator("kind")]


class Shock(Part):
    """an outside event hitting a constituency on a date"""

    example: ClassVar[str] = ("- {name: selloff, date: 2025-05-20, target: us.stock_market, "
                              "change: -0.08}")
    named = True

    name: Name = key("identifier; `extends` matches by it", "name: selloff", required=True)
    label: TextT = key("plain-language name", "label: Market sell-off")
    date: Annotated[object, Date()] = key("the day it happens", "date: 2025-05-20",
                                          required=True)
    target: TextT = key("constituency id `<actor>.<constituency>`", "target: us.stock_market",
                        required=True)
    change: num(-1, 1) = key("relative change: of a market's index, or of firms' stocks",
                             "change: -0.08", required=True)


class Calibrate(Part):
    """what `sim calibrate` estimates: by default every free value (behaviour values set as
    numbers, priority and hold weights, initial values labelled `assumption`), uniform over its
    documented range; this section narrows, fixes, adds (a documented initial value) or picks"""

    example: ClassVar[str] = "calibrate: {priors: {actors.us.behaviour.patience: [0.2, 0.8]}}"
    priors: Annotated[dict[Annotated[str, ScenarioKey()], PriorSpec], NullIsEmpty(dict)] = key(
        "a prior per dotted key: `[low, high]` (uniform, inside the key's documented range) or "
        "`fixed` (keep the scenario's value)",
        "priors: {actors.china.levers.rare_earth_licensing.initial: [0.1, 0.4]}")
    only: list[Annotated[str, ScenarioKey()]] = key(
        "estimate just these keys (the others keep the scenario's values)",
        "only: [actors.us.behaviour.patience, actors.china.behaviour.resolve]")


# --- the whole scenario -------------------------------------------------------------------------

class Dates(Part):
    """the simulated period"""

    example: ClassVar[str] = "dates: {start: 2025-04-14, end: 2025-08-15}"

    start: Annotated[object, Date()] = key("first day", "start: 2025-04-14", required=True)
    end: Annotated[object, Date()] = key("last day (after `start`, within ten years)",
                                         "end: 2025-08-15", required=True)


class Scenario(Part):
    """A scenario: who the two sides are, what levers they hold, how they behave and when they
    meet."""

    version: Literal[1] = key(
        "version of the scenario language the file is written in (today 1); a later language "
        "reads older files by it", "version: 1", LANGUAGE_VERSION)
    name: Name = key("identifier, used for the results folder", "name: no_call", required=True)
    title: TextT = key("one-line title", "title: \"What if the leaders never called?\"")
    description: TextT = key("a paragraph on what the scenario asks", "description: >")
    seed: num(0, 2**63 - 1, integer=True) = key("random seed of a single run", "seed: 2025", 0)
    record: TextT = key(
        "the record it is scored against, a YAML file relative to this file (inherited through "
        "`extends`); a scenario without a `record:` key runs as usual and is not scored: it "
        "has nothing to score against", "record: record/us_china_2025.yaml")
    dates: Dates = key(Dates.__doc__, Dates.example, required=True)
    actors: dict[Annotated[str, Slug("<actor>")], Actor] = key(
        "the two sides, by id", "actors: {us: {...}, china: {...}}", required=True)
    meetings: Annotated[list[AnyMeeting], NullIsEmpty(list)] = key(
        "talks and calls, in date order", "meetings: [...]")
    shocks: Annotated[list[Shock], NullIsEmpty(list)] = key("outside events, in date order",
                                                           "shocks: [...]")
    calibrate: Calibrate = key(Calibrate.__doc__, Calibrate.example)
    wording: Wording = key(Wording.__doc__, Wording.example)
    trade: Trade = key(Trade.__doc__, Trade.example)  # the trade layer (sim/scenario/trade.py)


EXTENDS_DOC = ("scenario it builds on: a file relative to it, or a bare name (`baseline`): the "
               "file of that name beside it, else the shipped one (`sim list`), from any folder")
EXTENDS_EXAMPLE = "extends: baseline"
REMOVE_DOC = "with `extends`: delete the parent's item of this name"
REMOVE_EXAMPLE = "- {name: leaders_call, remove: true}"

__all__ = ["Actor", "AnyConstituency", "AnyMeeting", "Behaviour", "Calibrate", "Call",
           "Commitment",
           "Constituency", "Dates", "Firms", "Layer", "Lever", "Losses", "Market", "Meeting",
           "Part", "Protected", "Scenario",
           "Shock", "Talks", "Trigger", "UNITS", "kind"]

"""The record language, key by key: what each key of a record file means, its type and example.

The reader (``sim.record.reader``) checks records by hand, for messages in the record's own
words; its key sets (``sim.record.documents``) are derived from these models, and the record key
table of scenarios/README.md is generated from them by the same generator as the scenario key
table (``sim.scenario.schema``), so that the table, the reader and the file format cannot drift
apart. They live beside the scenario language because the generator does (the record layer sits
above the scenario layer and reads from it).
"""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import Field

from sim.engine.model import STATUSES
from sim.scenario.models import Part, key, num
from sim.scenario.types import Date, Number, Slug, Text

CONFLICT_KINDS: dict[str, str] = {
    "contradiction": "the documents state different facts (a date, a rate)",
    "sequence": "they order events differently, or garble the order",
    "spliced_text": "a document carries text from another article",
    "garbled": "a passage is corrupted or plainly wrong as written",
    "wording": "the same fact in different words or units (a headline rate vs an average)",
    "scope": "the figures cover different things (goods, years, who is counted)",
    "boilerplate": "promotional or unrelated page text, not used",
}
CONFIDENCES = ("high", "medium", "low")
MAX_QUOTE = 240

TextT = Annotated[str, Text()]
DateT = Annotated[object, Date()]


class _AtLeast(Number):
    """A number with a lower bound only, named so in the table."""

    def __init__(self, low: float, integer: bool = False):
        super().__init__(low, None, integer)
        self.table_type = f"{'integer' if integer else 'number'}, {low:g} or more"


def at_least(low: float, integer: bool = False) -> object:
    return Annotated[float, _AtLeast(low, integer)]


class _SourceKeys(Part):
    """The keys that tie an observation or a move to its source."""

    doc: TextT = key("the id of the document it comes from (in quotes: `\"001\"`)",
                     "doc: \"004\"", required=True)
    quote: TextT = key(f"a short verbatim quote from that document (at most {MAX_QUOTE} "
                       "characters)", "quote: \"from 145% to 30%\"", required=True)
    confidence: Literal[CONFIDENCES] = key(  # type: ignore[valid-type]
        "how sure the reading is", "confidence: high", required=True)
    note: TextT = key("a remark for the reader (how the number was read)", "note: the headline "
                      "rate, not an average")
    assumption: bool = key("a fact not (fully) read in its source: shown as \"(assumed)\"",
                           "assumption: true", False)


class Quantity(Part):
    """a timeline column the record scores"""

    example: ClassVar[str] = "us.tariff_on_china: {unit: \"%\", description: US tariff}"
    description: TextT = key("what the number means", "description: US tariff on Chinese goods",
                             required=True)
    unit: TextT = key("its unit, shown in tables", "unit: \"%\"")


class Document(Part):
    """one source document, by id"""

    example: ClassVar[str] = "\"004\": {headline: ..., file: 004_....txt}"
    headline: TextT = key("its headline (or a one-line description)", "headline: Trade truce "
                          "extended", required=True)
    file: TextT = key("a local text file (beside the other seed documents); give this or `url`, "
                      "or both", "file: 004_a1b2.txt")
    url: TextT = key("its public address", "url: https://example.org/news/1")
    headline_is_description: bool = key("the headline is ours, not the document's",
                                        "headline_is_description: true", False)
    notes: TextT = key("what the reader should know about the document", "notes: written on "
                       "the call day")


class Level(Part):
    """a threshold the quantity stays above or below"""

    example: ClassVar[str] = "level: {above: 100}"
    above: num() = key("strictly above this on every day", "above: 100")
    below: num() = key("strictly below this on every day", "below: 0.3")


class Also(Part):
    """another document saying the same"""

    example: ClassVar[str] = "- {doc: \"002\", quote: \"...\"}"
    doc: TextT = key("its id", "doc: \"002\"", required=True)
    quote: TextT = key("a short verbatim quote from it", "quote: \"...\"", required=True)


class Observation(_SourceKeys):
    """a documented fact about one quantity on a day or over a date range"""

    example: ClassVar[str] = ("- {id: geneva_tariff, quantity: us.tariff_on_china, date: "
                              "2025-05-14, value: 30, tolerance: 2, doc: \"004\", ...}")
    id: TextT = key("identifier, snake_case, unique in the record", "id: geneva_tariff",
                    required=True)
    quantity: TextT = key("a declared quantity, `status` (the talks-status word) or `context` "
                          "(a fact the model does not simulate: never scored)",
                          "quantity: us.tariff_on_china", required=True)
    date: DateT = key("the day it holds (or `from` and `to`)", "date: 2025-05-14")
    from_: DateT = Field(None, alias="from", description="first day of the range it holds "
                         "over (with `to`)", examples=["from: 2025-05-20"])
    to: DateT = key("last day of the range (inclusive)", "to: 2025-06-04")
    value: num() = key("the number, held on every day of the range within `tolerance`",
                       "value: 30")
    tolerance: at_least(0) = key("with `value`: the largest difference still a hit, in its unit",
                            "tolerance: 2")
    level: Level = key("stays `above` or `below` a threshold on every day",
                       "level: {above: 100}")
    direction: Literal["up", "down", "flat"] = key(
        "the change from the first to the last day of a range is at least `min_change` (up), at "
        "most -`min_change` (down) or within ±`min_change` (flat)", "direction: down")
    min_change: at_least(0) = key("with `direction`: the smallest change that counts (for `flat`, "
                             "the largest)", "min_change: 0.05")
    status: Literal[STATUSES] = key(  # type: ignore[valid-type]
        "the talks-status word shown on at least one day of the range (with `quantity: status`)",
        "status: stalled")
    unit: TextT = key("the unit the value is written in, shown in tables", "unit: \"%\"")
    weight: at_least(0) = key("its weight in the fit (above 0)", "weight: 2", 1)
    also: list[Also] = key("more documents saying the same, each a `doc` and `quote`",
                           "also: [{doc: \"002\", quote: \"...\"}]")


class Window(Part):
    """the dates between which the documents place a move"""

    example: ClassVar[str] = "window: {from: 2025-05-12, to: 2025-05-14}"
    from_: DateT = Field(description="first day", examples=["from: 2025-05-12"], alias="from")
    to: DateT = key("last day (inclusive)", "to: 2025-05-14", required=True)


class Move(_SourceKeys):
    """a documented change of one quantity: its direction, optional size and when it happened"""

    example: ClassVar[str] = ("- {id: geneva_cut, quantity: us.tariff_on_china, direction: "
                              "down, window: {...}, timing_tolerance_days: 3, ...}")
    id: TextT = key("identifier, snake_case, unique in the record", "id: geneva_cut",
                    required=True)
    quantity: TextT = key("a declared numeric quantity", "quantity: us.tariff_on_china",
                          required=True)
    direction: Literal["up", "down"] = key("which way it moved", "direction: down",
                                           required=True)
    window: Window = key(Window.__doc__, Window.example, required=True)
    timing_tolerance_days: at_least(0, integer=True) = key(
        "days before or after the window the simulated move may come and still be on time",
        "timing_tolerance_days: 3", required=True)
    size: num() = key("the signed change (negative for `down`; with `size_tolerance`); without "
                      "`min_change`, a simulated change counts as the move only if it is at "
                      "least half this size", "size: -115")
    size_tolerance: at_least(0) = key("with `size`: the largest difference still a size hit",
                                 "size_tolerance: 10")
    min_change: at_least(0) = key("the smallest change that counts as the move (default: half the "
                             "`size`, else any change)", "min_change: 0.1")
    span_days: at_least(1, integer=True) = key(
        "the most days the change may take, first to last day (default: any span within the "
        "search region)", "span_days: 10")
    search_days: at_least(0, integer=True) = key(
        "days on each side of the window searched for the simulated move, cut short at another "
        "move of the same quantity (default 14)", "search_days: 30")


class Conflict(Part):
    """where documents disagree or garble, and how that is handled"""

    example: ClassVar[str] = "- {id: rate_differs, kind: wording, docs: [\"001\"], ...}"
    id: TextT = key("identifier, snake_case, unique in the record", "id: rate_differs",
                    required=True)
    kind: Literal[tuple(CONFLICT_KINDS)] = key(  # type: ignore[valid-type]
        "; ".join(f"`{k}`: {v}" for k, v in CONFLICT_KINDS.items()), "kind: wording",
        required=True)
    docs: list[TextT] = key("the documents concerned", "docs: [\"001\", \"004\"]", required=True)
    quotes: list[TextT] = key("the passages concerned, verbatim", "quotes: [\"...\"]",
                              required=True)
    what: TextT = key("what disagrees", "what: one gives 30 %, the other 145 %", required=True)
    how_handled: TextT = key("what the record does about it", "how_handled: the later document "
                             "is used", required=True)


class Record(Part):
    """A record: what public sources report, in a scenario's quantities."""

    title: TextT = key("one-line title", "title: US-China trade talks, 2025")
    description: TextT = key("a paragraph on what the documents cover", "description: >")
    quantities: dict[Annotated[str, Slug("<quantity>")], Quantity] = key(
        "the timeline columns it scores (`name: {unit, description}`); observations may name "
        "only these, `status` and `context`. Without it, names are checked against the "
        "scenario's columns", "quantities: {us.tariff_on_china: {unit: \"%\", ...}}")
    documents: dict[Annotated[str, Slug("<document id>")], Document] = key(
        "the sources, by id (empty while none is read)", "documents: {\"001\": {...}}",
        required=True)
    observations: list[Observation] = key("dated facts, each from a document", "observations: "
                                          "[...]", required=True)
    moves: list[Move] = key("documented changes of a quantity", "moves: [...]")
    conflicts: list[Conflict] = key("where documents disagree", "conflicts: [...]")
    notes: list[TextT] = key("remarks on the record as a whole", "notes: [...]")


def keys_of(model: type[Part]) -> tuple[set[str], set[str]]:
    """(required, optional) keys of ``model`` as written in a file (``from`` for ``from_``)."""
    names = {(info.alias or name): info.is_required() for name, info in model.model_fields.items()}
    return {k for k, req in names.items() if req}, {k for k, req in names.items() if not req}

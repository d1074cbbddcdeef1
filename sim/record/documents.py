"""The documented record: what the news documents report, in the model's quantities.

The record is read for comparison only; the model never imports this module. ``load_record`` reads
and checks the YAML file (every mistake is a ``RecordError`` naming its line); ``sim.record.show``
shows it. Nothing here names an episode, a side or a lever: the quantities a record scores are
declared in the record itself (its ``quantities:`` section) or, failing that, by the caller.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import sim.scenario.record_language as lang
from sim.engine.model import STATUSES as ENGINE_STATUSES
from sim.scenario.bundled import default_record_path

DEFAULT_PATH = default_record_path()

STATUS = "status"
CONTEXT = "context"
BUILT_IN_QUANTITIES = frozenset({STATUS, CONTEXT})  # every record may use these two
# A record may use the talks-status words the engine produces (one list, kept by the engine).
STATUSES: tuple[str, ...] = ENGINE_STATUSES
CONFIDENCES = lang.CONFIDENCES
DIRECTIONS = ("up", "down", "flat")
MOVE_DIRECTIONS = ("up", "down")
CONFLICT_KINDS = tuple(lang.CONFLICT_KINDS)  # each with its meaning there
KINDS = ("value", "level", "direction", "status")
MAX_QUOTE = lang.MAX_QUOTE

_ID = re.compile(r"[a-z][a-z0-9_]*")
_QUANTITY = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*")
# (required, optional) keys of each part, from the models that document the language (and
# generate its key table in scenarios/README.md), so the reader and the docs cannot differ
_DOC_KEYS = lang.keys_of(lang.Document)
_QUANTITY_KEYS = lang.keys_of(lang.Quantity)
_OBS_KEYS = lang.keys_of(lang.Observation)
_MOVE_KEYS = lang.keys_of(lang.Move)
_CONFLICT_KEYS = lang.keys_of(lang.Conflict)
_TOP_KEYS = lang.keys_of(lang.Record)
_ALSO_KEYS = lang.keys_of(lang.Also)
_WINDOW_KEYS = lang.keys_of(lang.Window)
_LEVEL_KEYS = lang.keys_of(lang.Level)


@dataclass(frozen=True)
class Document:
    """One source document: its id, where it is (a local ``file`` or a public ``url``, or both)
    and its headline."""

    id: str
    file: str
    headline: str
    headline_is_description: bool = False
    notes: str = ""
    url: str = ""

    @property
    def source(self) -> str:
        """Where to read it: the file name, else the address."""
        return self.file or self.url


@dataclass(frozen=True)
class Quantity:
    """A quantity the record scores (a timeline column a scenario must provide), with its unit
    and what it means."""

    name: str
    description: str
    unit: str = ""


@dataclass(frozen=True)
class Observation:
    """One documented fact about one quantity on a day or over a date range.

    Exactly one of ``value``, ``level``, ``direction`` and ``status`` is set, except for context
    observations (``quantity == "context"``), which may set none and are never scored.
    """

    id: str
    quantity: str
    start: dt.date
    end: dt.date
    doc: str
    quote: str
    confidence: str
    value: float | None = None
    tolerance: float | None = None
    level: tuple[str, float] | None = None  # ("above" | "below", threshold)
    direction: str | None = None
    min_change: float | None = None
    status: str | None = None
    unit: str = ""
    weight: float = 1.0
    note: str = ""
    also: tuple[tuple[str, str], ...] = ()  # further (doc, quote) pairs saying the same
    assumption: bool = False  # not (fully) read in the source: a fact to check

    @property
    def is_range(self) -> bool:
        return self.start != self.end

    @property
    def is_context(self) -> bool:
        return self.quantity == CONTEXT

    @property
    def kind(self) -> str | None:
        """``value``, ``level``, ``direction``, ``status`` or None (a bare context fact)."""
        return next((k for k in KINDS if getattr(self, k) is not None), None)

    def date_text(self) -> str:
        return self.start.isoformat() + (f" to {self.end.isoformat()}" if self.is_range else "")

    def expected_text(self) -> str:
        """The expectation in words, e.g. ``145 ± 5`` or ``up by ≥ 0.05``."""
        unit = f" {self.unit}" if self.unit else ""
        if self.value is not None:
            tol = f" ± {self.tolerance:g}" if self.tolerance is not None else ""
            return f"{self.value:g}{tol}{unit}"
        if self.level is not None:
            return f"{self.level[0]} {self.level[1]:g}"
        if self.direction is not None:
            word = "within" if self.direction == "flat" else "by ≥"
            return f"{self.direction} {word} {self.min_change:g}"
        if self.status is not None:
            return self.status
        return "(context)"


@dataclass(frozen=True)
class Move:
    """A documented change of one quantity: its direction, optional size and when it happened."""

    id: str
    quantity: str
    direction: str
    start: dt.date
    end: dt.date
    timing_tolerance_days: int
    doc: str
    quote: str
    confidence: str
    size: float | None = None
    size_tolerance: float | None = None
    min_change: float | None = None
    span_days: int | None = None
    search_days: int | None = None
    note: str = ""
    assumption: bool = False  # not (fully) read in the source: a fact to check

    def window_text(self) -> str:
        end = "" if self.start == self.end else f" to {self.end.isoformat()}"
        return f"{self.start.isoformat()}{end} ± {self.timing_tolerance_days} d"

    def expected_text(self) -> str:
        if self.size is not None:
            return f"{self.direction} {self.size:+g} ± {self.size_tolerance:g}"
        return self.direction + (f" by ≥ {self.min_change:g}" if self.min_change else "")


@dataclass(frozen=True)
class Conflict:
    """Where documents disagree, garble the sequence or carry unrelated text, and the handling."""

    id: str
    kind: str
    docs: tuple[str, ...]
    quotes: tuple[str, ...]
    what: str
    how_handled: str


@dataclass(frozen=True)
class Record:
    """The whole documented record as read from one YAML file."""

    file: Path
    title: str
    documents: dict[str, Document]
    observations: tuple[Observation, ...]
    moves: tuple[Move, ...] = ()
    conflicts: tuple[Conflict, ...] = ()
    notes: tuple[str, ...] = ()
    description: str = ""
    quantities: dict[str, Quantity] = field(default_factory=dict)  # as declared, maybe empty

    def headline(self, doc_id: str) -> str:
        return self.documents[doc_id].headline

    def scorable(self) -> list[Observation]:
        """Observations that a run can hit or miss (everything but context)."""
        return [o for o in self.observations if not o.is_context]

    def scored_quantities(self) -> list[str]:
        """The timeline columns a run needs to be scored on everything: the declared quantities,
        else those the observations and moves use, plus ``status`` when a status is recorded."""
        used = {o.quantity for o in self.scorable()} | {m.quantity for m in self.moves}
        numeric = list(self.quantities) or sorted(used - BUILT_IN_QUANTITIES)
        return numeric + ([STATUS] if STATUS in used else [])

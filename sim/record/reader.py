"""Reading a record file: every key checked, every mistake a ``RecordError`` naming its line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sim.errors import RecordError, did_you_mean
from sim.record.documents import (
    _ALSO_KEYS,
    _CONFLICT_KEYS,
    _DOC_KEYS,
    _ID,
    _LEVEL_KEYS,
    _MOVE_KEYS,
    _OBS_KEYS,
    _QUANTITY,
    _QUANTITY_KEYS,
    _TOP_KEYS,
    _WINDOW_KEYS,
    BUILT_IN_QUANTITIES,
    CONFIDENCES,
    CONFLICT_KINDS,
    CONTEXT,
    DEFAULT_PATH,
    DIRECTIONS,
    KINDS,
    MAX_QUOTE,
    MOVE_DIRECTIONS,
    STATUS,
    STATUSES,
    Conflict,
    Document,
    Move,
    Observation,
    Quantity,
    Record,
)
from sim.scenario.yamlio import YamlDoc, as_date, load_yaml


def load_record(path: str | Path | None = None, *,
                quantities: set[str] | frozenset[str] | None = None) -> Record:
    """Read and check the record at ``path`` (default: the shipped record).

    Observations and moves may name ``status``, ``context`` and the quantities the record declares
    in its ``quantities:`` section. A record that declares none is checked against ``quantities``
    (for example a scenario's column names) when given, else any well-formed name is accepted
    (a run without that column leaves the observation unscored). Any mistake raises
    ``RecordError`` with its line.
    """
    doc = load_yaml(DEFAULT_PATH if path is None else path, RecordError)
    return record_from(doc, quantities)


def record_from(doc: YamlDoc, quantities: set[str] | frozenset[str] | None = None) -> Record:
    """``load_record`` for a file already read (its data and line marks)."""
    return _Reader(doc, quantities).record()


class _Reader:
    """Builds a ``Record`` from a ``YamlDoc``, raising ``RecordError`` at the first mistake."""

    def __init__(self, doc: YamlDoc, quantities: set[str] | frozenset[str] | None):
        self.doc = doc
        # None: accept any well-formed name (no declaration and no columns to check against)
        self.numeric = None if quantities is None else set(quantities) - BUILT_IN_QUANTITIES
        self.documents: dict[str, Document] = {}
        self.ids: dict[str, tuple] = {}

    # -- generic checks ------------------------------------------------------------------------
    def fail(self, path: tuple, message: str) -> RecordError:
        return self.doc.error(path, message, RecordError)  # type: ignore[return-value]

    def mapping(self, path: tuple, value: object, keys: tuple[set[str], set[str]]) -> dict:
        required, optional = keys
        if not isinstance(value, dict):
            raise self.fail(path, f"expected a mapping of keys, found {_describe(value)}")
        for key in value:
            if key not in required | optional:
                hint = did_you_mean(key, sorted(required | optional))
                raise self.fail((*path, key), f"unknown key `{key}`{hint}")
        missing = sorted(required - set(value))
        if missing:
            raise self.fail(path, f"missing key `{missing[0]}`")
        return value

    def items(self, path: tuple, value: object) -> list:
        if not isinstance(value, list):
            raise self.fail(path, f"expected a list, found {_describe(value)}")
        return value

    def text(self, path: tuple, value: object) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(path, f"expected non-empty text, found {_describe(value)}")
        return value.strip()

    def number(self, path: tuple, value: object, *, positive: bool = False,
               minimum: float | None = None) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(path, f"expected a number, found {_describe(value)}")
        if positive and value <= 0:
            raise self.fail(path, f"expected a number above 0, found {value}")
        if minimum is not None and value < minimum:
            raise self.fail(path, f"expected a number of at least {minimum:g}, found {value}")
        return float(value)

    def days(self, path: tuple, value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise self.fail(path, f"expected a whole number of days (0 or more), found "
                            f"{_describe(value)}")
        return value

    def date(self, path: tuple, value: object) -> dt.date:
        date = as_date(value)
        if date is not None:
            return date
        raise self.fail(path, f"expected a date written as YYYY-MM-DD, found {_describe(value)}")

    def choice(self, path: tuple, value: object, choices: tuple[str, ...]) -> str:
        if value not in choices:
            hint = did_you_mean(value, choices)
            raise self.fail(path, f"`{value}` is not one of {', '.join(choices)}{hint}")
        return value  # type: ignore[return-value]

    def new_id(self, path: tuple, value: object) -> str:
        name = self.text(path, value)
        if not _ID.fullmatch(name):
            raise self.fail(path, f"the id `{name}` must be snake_case (a-z, 0-9 and _)")
        if name in self.ids:
            line = self.doc.where(self.ids[name])[0]
            raise self.fail(path, f"the id `{name}` is used twice (first on line {line})")
        self.ids[name] = path
        return name

    def doc_id(self, path: tuple, value: object) -> str:
        if isinstance(value, int) and not isinstance(value, bool):
            raise self.fail(path, "document ids are text: put them in quotes, e.g. `doc: \"000\"`")
        if not isinstance(value, str) or value not in self.documents:
            hint = did_you_mean(value, sorted(self.documents))
            raise self.fail(path, f"unknown document `{value}`{hint}; known: "
                            f"{', '.join(sorted(self.documents))}")
        return value  # type: ignore[return-value]

    def quote(self, path: tuple, value: object) -> str:
        quote = self.text(path, value)
        if len(quote) > MAX_QUOTE:
            raise self.fail(path, f"the quote is {len(quote)} characters; keep quotes short "
                            f"(at most {MAX_QUOTE})")
        return quote

    def quantity(self, path: tuple, value: object) -> str:
        if self.numeric is None:
            if isinstance(value, str) and _QUANTITY.fullmatch(value):
                return value
            raise self.fail(path, f"`{value}` is not a quantity name (lower-case words joined by "
                            "dots, e.g. `side.lever`)")
        known = self.numeric | BUILT_IN_QUANTITIES
        if not isinstance(value, str) or value not in known:
            hint = did_you_mean(value, sorted(known))
            raise self.fail(path, f"unknown quantity `{value}`{hint}")
        return value  # type: ignore[return-value]

    def declared(self, raw: object) -> dict[str, Quantity]:
        """The ``quantities:`` section: name -> {description, unit}; it replaces any names given
        by the caller as the set observations may use."""
        path = ("quantities",)
        if not isinstance(raw, dict) or not raw:
            raise self.fail(path, "expected a mapping of quantity names to {description, unit}")
        out = {}
        for name, value in raw.items():
            here = (*path, name)
            if not isinstance(name, str) or not _QUANTITY.fullmatch(name):
                raise self.fail(here, f"`{name}` is not a quantity name (lower-case words joined "
                                "by dots, e.g. `side.lever`)")
            if name in BUILT_IN_QUANTITIES:
                raise self.fail(here, f"`{name}` is built in; list only numeric quantities")
            item = self.mapping(here, value, _QUANTITY_KEYS)
            unit = self.text((*here, "unit"), item["unit"]) if "unit" in item else ""
            out[name] = Quantity(name, self.text((*here, "description"), item["description"]),
                                 unit)
        self.numeric = set(out)
        return out

    def span(self, path: tuple, raw: dict, one: str | None = "date") -> tuple[dt.date, dt.date]:
        """A single ``date`` or a ``from``/``to`` pair, as (start, end)."""
        has_range = "from" in raw or "to" in raw
        if one and one in raw and not has_range:
            day = self.date((*path, one), raw[one])
            return day, day
        if not ("from" in raw and "to" in raw) or (one and one in raw):
            either = f"either `{one}:` or " if one else ""
            raise self.fail(path, f"give {either}both `from:` and `to:`")
        start = self.date((*path, "from"), raw["from"])
        end = self.date((*path, "to"), raw["to"])
        if start > end:
            raise self.fail((*path, "from"), f"`from` ({start}) is after `to` ({end})")
        return start, end

    # -- sections -------------------------------------------------------------------------------
    def record(self) -> Record:
        raw = self.mapping((), self.doc.data, _TOP_KEYS)
        # a section left empty (`documents:` over commented examples) is an empty section
        empty = {"documents": {}, "observations": [], "moves": [], "conflicts": [], "notes": []}
        raw = {k: empty[k] if v is None and k in empty else v for k, v in raw.items()}
        if not isinstance(raw["documents"], dict):
            raise self.fail(("documents",), "expected a mapping of document ids to documents")
        for key, value in raw["documents"].items():
            self.documents[key] = self.document(("documents", key), key, value)
        written = self.doc.data.get("quantities")  # type: ignore[union-attr]
        quantities = self.declared(written) if written is not None else {}
        obs = [self.observation(("observations", i), o)
               for i, o in enumerate(self.items(("observations",), raw["observations"]))]
        moves = [self.move(("moves", i), m)
                 for i, m in enumerate(self.items(("moves",), raw.get("moves", [])))]
        conflicts = [self.conflict(("conflicts", i), c)
                     for i, c in enumerate(self.items(("conflicts",), raw.get("conflicts", [])))]
        notes = [self.text(("notes", i), n)
                 for i, n in enumerate(self.items(("notes",), raw.get("notes", [])))]
        return Record(self.doc.file, str(raw.get("title") or "").strip(), self.documents,
                      tuple(obs), tuple(moves), tuple(conflicts), tuple(notes),
                      str(raw.get("description") or "").strip(), quantities)

    def document(self, path: tuple, key: object, value: object) -> Document:
        if not isinstance(key, str):
            raise self.fail(path, "document ids are text: write each id in quotes, e.g. `\"000\":`")
        raw = self.mapping(path, value, _DOC_KEYS)
        if "file" not in raw and "url" not in raw:
            raise self.fail(path, "give the document's `file` or its `url` (or both)")
        flag = self.flag((*path, "headline_is_description"), raw.get("headline_is_description"))
        notes = self.text((*path, "notes"), raw["notes"]) if "notes" in raw else ""
        file = self.text((*path, "file"), raw["file"]) if "file" in raw else ""
        url = self.text((*path, "url"), raw["url"]) if "url" in raw else ""
        return Document(key, file, self.text((*path, "headline"), raw["headline"]), flag, notes,
                        url)

    def flag(self, path: tuple, value: object) -> bool:
        if value is None:
            return False
        if not isinstance(value, bool):
            raise self.fail(path, f"expected true or false, found {_describe(value)}")
        return value

    def observation(self, path: tuple, value: object) -> Observation:
        raw = self.mapping(path, value, _OBS_KEYS)
        fields = dict(
            id=self.new_id((*path, "id"), raw["id"]),
            quantity=self.quantity((*path, "quantity"), raw["quantity"]),
            doc=self.doc_id((*path, "doc"), raw["doc"]),
            quote=self.quote((*path, "quote"), raw["quote"]),
            confidence=self.choice((*path, "confidence"), raw["confidence"], CONFIDENCES),
            unit=self.text((*path, "unit"), raw["unit"]) if "unit" in raw else "",
            note=self.text((*path, "note"), raw["note"]) if "note" in raw else "",
            weight=self.number((*path, "weight"), raw.get("weight", 1), positive=True),
            also=self.also((*path, "also"), raw.get("also", [])),
            assumption=self.flag((*path, "assumption"), raw.get("assumption")),
        )
        fields["start"], fields["end"] = self.span(path, raw)
        fields.update(self.expectation(path, raw, fields["quantity"]))
        return Observation(**fields)

    def also(self, path: tuple, value: object) -> tuple[tuple[str, str], ...]:
        out = []
        for i, item in enumerate(self.items(path, value)):
            raw = self.mapping((*path, i), item, _ALSO_KEYS)
            out.append((self.doc_id((*path, i, "doc"), raw["doc"]),
                        self.quote((*path, i, "quote"), raw["quote"])))
        return tuple(out)

    def expectation(self, path: tuple, raw: dict, quantity: str) -> dict:
        """An observation's one value / level / direction / status, checked against the rest."""
        kinds = [k for k in KINDS if k in raw]
        if len(kinds) > 1:
            raise self.fail((*path, kinds[1]), "give only one of `value`, `level`, `direction`, "
                            f"`status`; found `{kinds[0]}` and `{kinds[1]}`")
        kind = kinds[0] if kinds else None
        if kind is None and quantity != CONTEXT:
            raise self.fail(path, "give one of `value`, `level`, `direction` or `status`")
        for key, owner in (("tolerance", "value"), ("min_change", "direction")):
            if key in raw and kind != owner:
                raise self.fail((*path, key), f"`{key}` goes with `{owner}`")
        if (kind == "status") != (quantity == STATUS) and quantity != CONTEXT:
            raise self.fail((*path, "quantity"), "a `status` observation needs `quantity: status`, "
                            "and `quantity: status` needs a `status` word")
        return self._kind(path, raw, kind, quantity) if kind else {}

    def _kind(self, path: tuple, raw: dict, kind: str, quantity: str) -> dict:
        here = (*path, kind)
        if kind == "value":
            out = {"value": self.number(here, raw["value"])}
            if "tolerance" in raw:
                out["tolerance"] = self.number((*path, "tolerance"), raw["tolerance"], minimum=0)
            elif quantity != CONTEXT:
                raise self.fail(path, "a `value` needs a `tolerance` (absolute, same unit)")
            return out
        if kind == "level":
            level = self.mapping(here, raw["level"], _LEVEL_KEYS)
            if len(level) != 1:
                raise self.fail(here, "give exactly one of `above:` or `below:`")
            (side, threshold), = level.items()
            return {"level": (side, self.number((*here, side), threshold))}
        if kind == "direction":
            if "from" not in raw:
                raise self.fail(here, "a `direction` needs a date range (`from:` and `to:`)")
            if "min_change" not in raw:
                raise self.fail(path, "a `direction` needs `min_change` (for `flat`: the largest "
                                "change still counted as flat)")
            return {"direction": self.choice(here, raw["direction"], DIRECTIONS),
                    "min_change": self.number((*path, "min_change"), raw["min_change"],
                                              positive=True)}
        return {"status": self.choice(here, raw["status"], STATUSES)}

    def move(self, path: tuple, value: object) -> Move:
        raw = self.mapping(path, value, _MOVE_KEYS)
        quantity = self.quantity((*path, "quantity"), raw["quantity"])
        if quantity in (STATUS, CONTEXT):
            raise self.fail((*path, "quantity"),
                            f"a move needs a numeric quantity, not `{quantity}`")
        window = self.mapping((*path, "window"), raw["window"], _WINDOW_KEYS)
        start, end = self.span((*path, "window"), window, one=None)
        return Move(
            id=self.new_id((*path, "id"), raw["id"]), quantity=quantity,
            direction=self.choice((*path, "direction"), raw["direction"], MOVE_DIRECTIONS),
            start=start, end=end,
            timing_tolerance_days=self.days((*path, "timing_tolerance_days"),
                                            raw["timing_tolerance_days"]),
            doc=self.doc_id((*path, "doc"), raw["doc"]),
            quote=self.quote((*path, "quote"), raw["quote"]),
            confidence=self.choice((*path, "confidence"), raw["confidence"], CONFIDENCES),
            note=self.text((*path, "note"), raw["note"]) if "note" in raw else "",
            assumption=self.flag((*path, "assumption"), raw.get("assumption")),
            **self.move_size(path, raw), **self.move_search(path, raw))

    def move_size(self, path: tuple, raw: dict) -> dict:
        if ("size" in raw) != ("size_tolerance" in raw):
            raise self.fail(path, "`size` and `size_tolerance` go together")
        if "size" not in raw:
            return {}
        size = self.number((*path, "size"), raw["size"])
        if (size > 0) != (raw["direction"] == "up") or size == 0:
            raise self.fail((*path, "size"), f"a move `{raw['direction']}` needs a "
                            f"{'positive' if raw['direction'] == 'up' else 'negative'} size")
        return {"size": size, "size_tolerance": self.number((*path, "size_tolerance"),
                                                            raw["size_tolerance"], minimum=0)}

    def move_search(self, path: tuple, raw: dict) -> dict:
        out: dict = {}
        if "min_change" in raw:
            out["min_change"] = self.number((*path, "min_change"), raw["min_change"], positive=True)
        for key in ("span_days", "search_days"):
            if key in raw:
                out[key] = self.days((*path, key), raw[key])
        if out.get("span_days") == 0:
            raise self.fail((*path, "span_days"), "`span_days` must be at least 1")
        return out

    def conflict(self, path: tuple, value: object) -> Conflict:
        raw = self.mapping(path, value, _CONFLICT_KEYS)
        docs = tuple(self.doc_id((*path, "docs", i), d)
                     for i, d in enumerate(self.items((*path, "docs"), raw["docs"])))
        quotes = tuple(self.quote((*path, "quotes", i), q)
                       for i, q in enumerate(self.items((*path, "quotes"), raw["quotes"])))
        if not docs or not quotes:
            raise self.fail(path, "a conflict needs at least one document and one quote")
        return Conflict(self.new_id((*path, "id"), raw["id"]),
                        self.choice((*path, "kind"), raw["kind"], CONFLICT_KINDS), docs, quotes,
                        self.text((*path, "what"), raw["what"]),
                        self.text((*path, "how_handled"), raw["how_handled"]))


def _describe(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, dict | list):
        return f"a {type(value).__name__}"
    return f"`{value}`"

"""The record shown to people: a text table grouped by date (`sim record`) and JSON (`--json`)."""

from __future__ import annotations

import json

from sim.record.documents import Move, Observation, Record


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _columns(rows: list[list[str]], indent: str = "  ") -> list[str]:
    """Rows of cells, left-aligned in columns (the last cell is left ragged)."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    return [indent + "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=False)) + "  " + r[-1]
            for r in rows]


def _confidence(item: Observation | Move) -> str:
    """The confidence, flagged when the fact is an assumption still to be checked."""
    return item.confidence + (" (assumed)" if item.assumption else "")


def format_table(record: Record, quote_width: int = 60) -> str:
    """The record as text: quantities, observations grouped by date, then moves, documents and
    conflicts."""
    observations = sorted(record.observations, key=lambda o: (o.start, o.end, o.id))
    rows = _columns([[o.quantity, _shorten(o.expected_text(), 24), o.doc, _confidence(o),
                      f"“{_shorten(o.quote, quote_width)}”"] for o in observations])
    lines, last = [record.title or "Documented record"], ""
    if record.quantities:
        lines += ["", "Quantities a scenario must provide to be scored (and `status`)"]
        lines += _columns([[q.name, q.unit or "-", q.description]
                           for q in record.quantities.values()])
    for obs, row in zip(observations, rows, strict=True):
        if obs.date_text() != last:
            last = obs.date_text()
            lines += ["", last]
        lines.append(row)
    if record.moves:
        lines += ["", "Moves"]
        lines += _columns([[m.window_text(), m.quantity, m.expected_text(), m.doc,
                            _confidence(m), m.id]
                           for m in sorted(record.moves, key=lambda m: (m.start, m.id))])
    lines += ["", "Documents"]
    files = any(d.file for d in record.documents.values())  # no file column for web sources
    lines += _columns([[d.id, *([d.file or "-"] if files else []),
                        ("(description) " if d.headline_is_description else "") + d.headline]
                       for d in record.documents.values()])
    urls = [[d.id, d.url] for d in record.documents.values() if d.url]
    if urls:
        lines += ["", "Where to read them"] + _columns(urls)
    if record.conflicts:
        lines += ["", f"Conflicts and spliced text ({len(record.conflicts)}; see {record.file})"]
        lines += _columns([[c.id, c.kind, ",".join(c.docs)] for c in record.conflicts])
    return "\n".join(lines)


def _observation_json(record: Record, obs: Observation) -> dict:
    return {
        "id": obs.id,
        "date": None if obs.is_range else obs.start.isoformat(),
        "from": obs.start.isoformat() if obs.is_range else None,
        "to": obs.end.isoformat() if obs.is_range else None,
        "quantity": obs.quantity,
        "kind": obs.kind,
        "value": obs.value,
        "tolerance": obs.tolerance,
        "level": dict([obs.level]) if obs.level else None,
        "direction": obs.direction,
        "min_change": obs.min_change,
        "status": obs.status,
        "unit": obs.unit or None,
        "doc": obs.doc,
        "headline": record.headline(obs.doc),
        "quote": obs.quote,
        "confidence": obs.confidence,
        "weight": obs.weight,
        "note": obs.note or None,
        "assumption": obs.assumption,
    }


def to_json(record: Record) -> str:
    """The observations as a JSON list (dates as ISO text, absent fields as null)."""
    return json.dumps([_observation_json(record, o) for o in record.observations],
                      indent=2, ensure_ascii=False)


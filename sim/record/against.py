"""The record a scenario names, checked against that scenario (`sim check`, before `sim run`).

A record on its own is checked by ``sim.record.reader``; here it is checked against the runs the
scenario will make: every quantity it scores is a timeline column of those runs (a lever, or a
quantity derived from the sides and their constituencies), every dated observation and move lies
inside the scenario's dates (a record may document more than one scenario's period: items outside
are listed, not refused, unless none is inside), and the file is a record at all. Mistakes in the
record name the
record's file, line and key, and the scenario line whose `record:` pointed there; a `record:`
that points at another kind of file (a scenario) is named at that `record:` line.
"""

from __future__ import annotations

from pathlib import Path

from sim.engine.spec import Scenario
from sim.errors import RecordError, ScenarioError, UserError, did_you_mean
from sim.record.documents import BUILT_IN_QUANTITIES, STATUS, Record
from sim.record.lookup import record_path
from sim.record.reader import record_from
from sim.scenario.bundled import NO_RECORD
from sim.scenario.extends import resolve
from sim.scenario.yamlio import YamlDoc, load_yaml

RECORD_KEYS = ("documents", "observations")  # what every record has (and no scenario)


def run_quantities(scenario: Scenario) -> list[str]:
    """The timeline columns a run of ``scenario`` has that a record may score, in the engine's
    order (``NegotiationModel.column_names``, said from the specs: a test holds them equal):
    each lever (and, for a lever with named layers, where a lapse would take it), each side's
    trust and pressure (and push, for a side with groups pushing to escalate), each market's
    index and each group of firms' pressure, and the talks status."""
    names = [lever.id for lever in scenario.levers]
    names += [f"{lever.id}.if_lapsed" for lever in scenario.levers if lever.layers]
    for actor, spec in scenario.actors.items():
        names += [f"{actor}.trust", f"{actor}.pressure"]
        if any(k.direction == "escalate" for k in spec.constituencies):
            names.append(f"{actor}.push")
    for actor in scenario.actors.values():
        for group in actor.constituencies:
            names.append(group.id if group.kind == "market" else f"{group.id}.pressure")
    return [*names, STATUS]


def check_record(scenario: Scenario) -> list[str]:
    """Check the record ``scenario`` names against it; returns notes for the user (the ids of
    items outside the scenario's dates, which its runs leave unscored; or, when it names none,
    the sentence that says what that means).

    Raises ``RecordError`` (a mistake in the record: its file, line and key, and where the
    scenario names it) or ``ScenarioError`` (`record:` names a file that is not a record)."""
    path = record_path(scenario)
    if path is None:
        return [NO_RECORD]
    named = _named_at(scenario)
    try:
        doc = load_yaml(path, RecordError)
        if not isinstance(doc.data, dict) or not any(k in doc.data for k in RECORD_KEYS):
            raise _not_a_record(doc, named)
        columns = run_quantities(scenario)
        record = record_from(doc, set(columns))
        outside = _AgainstRun(doc, scenario, columns).check(record)
    except RecordError as exc:
        raise _pointed(exc, named) from None
    if not outside:
        return []
    return [f"{len(outside)} item(s) of record {path.name} lie outside the scenario's dates and "
            f"are not scored: {', '.join(outside)}"]


def check_record_file(file: Path) -> list[str] | None:
    """`sim check RECORD`: a file that is a record checked on its own (notes for the `ok` line),
    or None when ``file`` is not a record (it is then checked as a scenario)."""
    try:
        doc = load_yaml(file, RecordError)
    except RecordError:
        return None  # not readable as YAML: the scenario check says why, as for any file
    if not isinstance(doc.data, dict) or not any(k in doc.data for k in RECORD_KEYS) \
            or {"actors", "extends", "dates"} & set(doc.data):
        return None
    record_from(doc)
    return ["a record, checked on its own; `sim check` on a scenario that names it checks it "
            "against that scenario's quantities and dates"]


def _named_at(scenario: Scenario) -> tuple[Path | None, int | None, int | None]:
    """The file, line and column where the scenario's `record:` was written (maybe a parent)."""
    if scenario.file is None:
        return (None, None, None)
    try:
        return resolve(load_yaml(scenario.file, ScenarioError, yaml11=True)).where(("record",))
    except UserError:
        return (scenario.file, None, None)


def _where(named: tuple) -> str:
    file, line, _ = named
    if file is None:
        return "the scenario's `record:`"
    return f"`record:` at {file}" + (f":{line}" if line else "")


def _pointed(exc: RecordError, named: tuple) -> RecordError:
    return RecordError(exc.file, f"{exc.message} (the record named by {_where(named)})",
                       exc.line, exc.column, exc.path)


def _not_a_record(doc: YamlDoc, named: tuple) -> ScenarioError:
    data = doc.data if isinstance(doc.data, dict) else {}
    keys = ", ".join(f"`{k}:`" for k in list(data)[:4]) or "no keys"
    what = "a scenario, not a record" if {"actors", "extends", "dates"} & set(data) \
        else "not a record"
    file, line, col = named
    return ScenarioError(file, f"`record:` names {doc.file}, which is {what} (it has {keys}); a "
                         "record has `documents:` and `observations:` (the record language: "
                         "scenarios/README.md)", line, col, ("record",))


class _AgainstRun:
    """The record's quantities and dates held against the runs of one scenario."""

    def __init__(self, doc: YamlDoc, scenario: Scenario, columns: list[str]):
        self.doc, self.scenario, self.columns = doc, scenario, columns

    def fail(self, path: tuple, message: str) -> RecordError:
        return self.doc.error(path, message, RecordError)  # type: ignore[return-value]

    def check(self, record: Record) -> list[str]:
        """Raises at the first quantity the runs lack; returns the ids of items outside the
        runs' dates (raises if no scorable item is inside)."""
        provided = set(self.columns) | BUILT_IN_QUANTITIES
        for name in record.quantities:
            if name not in provided:
                numeric = [c for c in self.columns if c != STATUS]
                raise self.fail(("quantities", name), f"`{name}` is not a quantity of scenario "
                                f"`{self.scenario.name}`{did_you_mean(name, numeric)}; its runs "
                                f"provide {', '.join(numeric)} (levers, then derived)")
        items = [(("observations", i, "date" if "date" in raw else "from"), o.id, o.start,
                  o.end) for i, (o, raw) in enumerate(zip(record.observations,
                                                          self.doc.data["observations"] or [],
                                                          strict=True)) if not o.is_context]
        items += [(("moves", i, "window"), m.id, m.start, m.end)
                  for i, m in enumerate(record.moves)]
        outside = [(path, name, start, end) for path, name, start, end in items
                   if start < self.scenario.start or end > self.scenario.end]
        if outside and len(outside) == len(items):
            path, _, start, end = outside[0]
            s = self.scenario
            when = start.isoformat() + (f" to {end.isoformat()}" if end != start else "")
            raise self.fail(path, f"{when} is outside the dates of scenario `{s.name}` ({s.start} "
                            f"to {s.end}), and so is every other dated item: no run can be "
                            "scored against this record (the wrong record, or the wrong dates?)")
        return [name for _, name, _, _ in outside]

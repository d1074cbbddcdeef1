"""Entry points: a scenario from a file (`load_scenario`) or from plain data
(`scenario_from_data`), checked and built into the engine's Scenario."""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path

from sim.engine.spec import Scenario
from sim.errors import ScenarioError
from sim.scenario.build import build
from sim.scenario.extends import resolve
from sim.scenario.located import Source
from sim.scenario.yamlio import YamlDoc, load_yaml


def parse_scenario(doc: YamlDoc | Source, data: dict | None = None) -> Scenario:
    """Check every key of a scenario mapping and build the Scenario (raises ScenarioError).

    ``extends:`` is resolved first (relative to ``doc.file``), each part checked before it is
    merged; errors name the file and line where the offending value was written.
    """
    src = Source.of(doc)
    if data is not None:
        src = Source(src.file, data, src.marks, src.files)
    return build(resolve(src))


def load_scenario(file: str | Path, check_record: bool = True) -> Scenario:
    """Read and check a scenario file; raises ScenarioError naming file, line and key.

    A `record:` naming no file is refused here, where its line can be named (``check_record``
    False skips that).

    ``sha256`` is the file's hash, or for a file that extends others a hash over the hashes of
    every file in the chain (root parent first).
    """
    src = resolve(load_yaml(file, ScenarioError, yaml11=True))
    scenario = build(src, check_record)
    scenario.file = Path(file)
    hashes = [hashlib.sha256(Path(f).read_bytes()).hexdigest() for f in src.files]
    scenario.sha256 = hashes[0] if len(hashes) == 1 else \
        hashlib.sha256("\n".join(hashes).encode()).hexdigest()
    return scenario


def scenario_from_data(data: dict, file: Path | None = None) -> Scenario:
    """Check a plain dict (e.g. edited on the web page) and build the Scenario.

    Dates may be ``datetime.date`` or ISO text. ``extends`` and ``record`` are resolved relative
    to ``file`` (or the working folder). Errors name the key path; there are no lines to name.
    """
    file = Path(file) if file is not None else None
    src = Source(file, copy.deepcopy(data), {}, (file,) if file else ())
    scenario = build(resolve(src))
    scenario.sha256 = hashlib.sha256(canonical(scenario.data).encode()).hexdigest()
    return scenario


def canonical(data: object) -> str:
    return json.dumps(data, sort_keys=True, default=str, separators=(",", ":"))

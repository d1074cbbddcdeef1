"""Why a run came to what it did: for each meeting and decision point, where each side stood
(its reservation, the best offer it received, the gap between them), who stayed away and by how
much (its willingness against the threshold), and which behaviour values, moved one at a time
and re-run on the run's seed, would have changed what the meeting came to (``probe``).

The numbers are the engine's own: the run is replayed (same scenario, same seed: the same run,
byte for byte) by a model that keeps what each meeting returned (``events.Held``, with the talks'
``Stance`` of each side) and each side's willingness as the meeting began.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

from sim.engine.spec import Scenario
from sim.errors import UserError
from sim.experiments.happenings import Explanation, happenings, replay
from sim.experiments.probe import probe
from sim.experiments.runs import events_csv, events_of
from sim.scenario.bundled import find_scenario
from sim.scenario.load import load_scenario


def explain(scenario: Scenario, seed: int, day: dt.date | None = None,
            probe_values: bool = True, say: Callable[[str], None] | None = None
            ) -> Explanation:
    """The explanation of the run of ``scenario`` with ``seed`` (only ``day``'s meetings and
    decisions, if given), with the probe of behaviour values unless ``probe_values`` is False."""
    if day is not None and not scenario.start <= day <= scenario.end:
        raise UserError(None, f"--day {day} is outside the run ({scenario.start} to "
                        f"{scenario.end})")
    model = replay(scenario, seed)
    found = [h for h in happenings(model) if day is None or h.date == day]
    behaviour = {a: dataclasses.asdict(n.behaviour) for a, n in model.negotiators.items()}
    ex = Explanation(scenario, seed, found, day, behaviour=behaviour,
                     told=events_csv(events_of(model, 0)))
    if probe_values and any(h.fell_short or (h.kind == "decision" and h.name) for h in found):
        if say is not None:
            say(f"probing: re-running {scenario.name} with each behaviour value of each side "
                 "moved alone (about a hundred runs; --no-probe skips this) ...")
        ex.probe_runs = probe(scenario, seed, found, behaviour)
    return ex


# --- a run's folder -------------------------------------------------------------------------
def explain_folder(folder: Path, day: dt.date | None = None, scenario_file: Path | None = None,
                   probe_values: bool = True, say: Callable[[str], None] | None = None
                   ) -> Explanation:
    """``explain`` for the run whose files are in ``folder``: its scenario (``scenario_file``,
    else the one its manifest names) replayed on its seed. Raises ``UserError`` (one line) for a
    folder that is not a run's."""
    manifest = read_manifest(folder)
    if "ensemble" in manifest:
        raise UserError(None, f"{folder} holds an ensemble, not one run: re-run one of its runs "
                        f"with `sim run SCENARIO --seed N --out FOLDER` and explain that folder")
    seed = manifest.get("seed")
    if not isinstance(seed, int) or not manifest.get("scenario_sha256"):
        raise UserError(None, f"{folder}/manifest.json does not say which scenario and seed "
                        "made the run; it is not a folder `sim run` wrote")
    scenario = load_scenario(scenario_file or locate(folder, manifest), check_record=False)
    if scenario.sha256 != manifest["scenario_sha256"]:
        raise UserError(None, f"{scenario.file} has changed since the run in {folder} was made "
                        "(its hash differs): run it again with `sim run` and explain the new "
                        "folder")
    ex = explain(scenario, seed, day, probe_values, say)
    try:
        written = (folder / "events.csv").read_text(encoding="utf-8")
    except OSError:
        written = ex.told
    if written != ex.told:
        ex.note = ("this version of sim tells the run in other words than the folder's "
                   "events.csv (written by another version); the numbers are this version's")
    return ex


def read_manifest(folder: Path) -> dict:
    if not folder.is_dir():
        raise UserError(None, f"{folder}: no such folder; give the folder a `sim run` wrote "
                        "(it holds manifest.json and events.csv)")
    path = folder / "manifest.json"
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(None, f"{folder} is not a run's folder (it has no manifest.json); give "
                        "the folder a `sim run` wrote") from None
    except (OSError, ValueError) as exc:
        raise UserError(None, f"{path} cannot be read ({exc}); give the folder a `sim run` "
                        "wrote") from None
    if not isinstance(manifest, dict):
        raise UserError(None, f"{path} is not a run's manifest; give the folder a `sim run` "
                        "wrote")
    return manifest


def locate(folder: Path, manifest: dict) -> Path:
    """The scenario file the manifest names: as written (relative to where `sim run` was
    called), else beside the run's folder, else a shipped scenario of that name."""
    named = manifest.get("scenario_file")
    tries = []
    if named:
        tries = [Path(named), folder.parent / named, folder.parent.parent / named]
    for path in tries:
        if path.is_file():
            return path
    try:
        return find_scenario(manifest.get("scenario") or "")
    except UserError:
        raise UserError(None, f"the scenario that made {folder} ({named or 'unnamed'}) is not "
                        "found from here; name it with --scenario FILE") from None

"""Calibration files: several episodes (scenarios with records) fitted at once by `sim calibrate`.

A calibration file names its episodes, the values they share (one value read by every episode:
a side's disposition) and the values fitted per episode (its resolve in that dispute); it is
checked against the episodes' scenarios when read, each error naming the file, line and key
(docs/calibration.md shows one)."""

from __future__ import annotations

from dataclasses import dataclass

from sim.scenario.calibration import slots

CALIBRATION_KEYS = ("calibration", "description", "episodes", "shared", "per_episode")


@dataclass(frozen=True)
class CalibrationFile:
    """A joint calibration as written: its episodes (name -> scenario file, in order), the values
    every episode shares (one value read by each) and those fitted per episode (None: every
    other free value of each episode). Checked against the episodes' scenarios on reading."""

    file: object  # Path
    name: str
    episodes: dict
    shared: tuple[str, ...]
    per_episode: tuple[str, ...] | None


def is_calibration_file(path) -> bool:
    """Whether the YAML at ``path`` is a calibration file (it has a top-level ``episodes:``)."""
    from sim.scenario.yamlio import load_yaml

    try:
        return "episodes" in load_yaml(path).data  # type: ignore[operator]
    except Exception:  # noqa: BLE001 - not readable here: the scenario reader will say why
        return False


def load_calibration(path) -> CalibrationFile:
    """Read and check a calibration file (docs/calibration.md): every error names the file, the
    line and the key, exit 2."""
    from pathlib import Path

    from sim.errors import did_you_mean
    from sim.scenario.bundled import find_scenario
    from sim.scenario.load import load_scenario
    from sim.scenario.yamlio import load_yaml

    path = Path(path)
    doc = load_yaml(path)
    data: dict = doc.data  # type: ignore[assignment]
    for key in data:
        if key not in CALIBRATION_KEYS:
            raise doc.error((key,), f"`{key}` is not a key of a calibration file"
                            f"{did_you_mean(key, CALIBRATION_KEYS)}; its keys are "
                            f"{', '.join(CALIBRATION_KEYS)}")
    episodes = data.get("episodes")
    if not isinstance(episodes, dict) or not episodes:
        raise doc.error(("episodes",), "`episodes` maps a name to a scenario file, e.g. "
                        "`y2025: baseline.yaml`")
    files, scenarios = {}, {}
    for name, value in episodes.items():
        if not isinstance(value, str):
            raise doc.error(("episodes", name), f"episode `{name}`: expected a scenario file "
                            f"or a shipped scenario's name, found {value!r}")
        local = path.parent / value
        try:
            files[name] = local if local.exists() else find_scenario(value)
        except Exception:  # noqa: BLE001 - the finder's own error does not name this file
            raise doc.error(("episodes", name), f"episode `{name}`: no scenario `{value}` "
                            f"(relative to {path.parent} or a shipped scenario)") from None
        scenarios[name] = load_scenario(files[name])
        if not getattr(scenarios[name], "record_file", None):
            raise doc.error(("episodes", name), f"episode `{name}` ({value}) names no record "
                            "(no `record:` key): a calibration has nothing to fit it to")
    values = {name: slots(s.data) for name, s in scenarios.items()}
    every = set().union(*values.values())
    shared = _keys(doc, data, "shared")
    for i, key in enumerate(shared):
        if key not in every:
            raise doc.error(("shared", i), f"`{key}` is not a value `sim calibrate` can "
                            f"estimate in any episode{did_you_mean(key, every)}")
        lacking = [n for n, v in values.items() if key not in v or v[key].value is None]
        if lacking:
            raise doc.error(("shared", i), f"shared value `{key}` is not a number in episode "
                            f"{', '.join(f'`{n}`' for n in lacking)}: a shared value must be "
                            "one every episode sets; list it under `per_episode` instead")
    per = data.get("per_episode")
    if per is not None:
        per = _keys(doc, data, "per_episode")
        for i, key in enumerate(per):
            if key not in every:
                raise doc.error(("per_episode", i), f"`{key}` is not a value `sim calibrate` "
                                f"can estimate in any episode{did_you_mean(key, every)}")
            if key in shared:
                raise doc.error(("per_episode", i), f"`{key}` is listed as shared too")
    name = data.get("calibration", path.stem)
    return CalibrationFile(path, str(name), files, tuple(shared),
                           None if per is None else tuple(per))


def _keys(doc, data: dict, section: str) -> list[str]:
    keys = data.get(section) or []
    if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
        raise doc.error((section,), f"`{section}` is a list of scenario keys, e.g. "
                        "[actors.us.behaviour.patience]")
    return keys

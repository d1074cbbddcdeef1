"""Where the shipped scenarios and their records live, and how a name or a path finds one.

One place answers this for the whole package. The scenarios are package data: in a clone,
``sim/scenario/shipped`` is a link to the repository's ``scenarios/`` folder (where they are
written and where the README points); in a wheel it is a real folder holding copies of them.
Either way they are found through ``importlib.resources``, so an installed ``sim`` works from any
folder.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import os
from importlib.resources import as_file, files
from pathlib import Path

from sim.errors import ScenarioError, did_you_mean

SHIPPED = "shipped"  # the package-data folder inside sim.scenario
DEFAULT_RECORD = "us_china_2025.yaml"
# What happens without `record:`, said in these words wherever it is said (the docs, `sim check`'s
# message, the key table; tests/test_docs_paths.py holds them to it).
NO_RECORD = ("a scenario without a `record:` key runs as usual and is not scored: it has nothing "
             "to score against")
_KEEP = contextlib.ExitStack()  # extracted copies (zip installs) live as long as the process
atexit.register(_KEEP.close)


@functools.cache
def scenarios_dir() -> Path:
    """The folder holding the shipped scenarios and ``record/``."""
    resource = files("sim.scenario") / SHIPPED
    if isinstance(resource, Path):
        return resource.resolve()
    # Installed as a zip: scenarios extend each other by file name, so they need real files.
    return _KEEP.enter_context(as_file(resource))


def default_record_path() -> Path:
    """The record the shipped scenarios are scored against when they name none."""
    return scenarios_dir() / "record" / DEFAULT_RECORD


def names() -> list[str]:
    """The names of the shipped scenarios (file names without ``.yaml``), sorted."""
    return sorted(p.stem for p in scenarios_dir().glob("*.yaml"))


def find_scenario(name_or_path: str | os.PathLike) -> Path:
    """The scenario file meant by ``name_or_path``: an existing file, else a shipped scenario.

    ``"baseline"`` or ``"baseline.yaml"`` name a shipped scenario unless a file of that name is in
    the working folder; anything else is a path. Raises ``ScenarioError`` (one paragraph naming
    the shipped scenarios) when neither exists.
    """
    path = Path(name_or_path)
    if path.is_file():
        return path
    if path.is_dir():  # `sim run scenarios/`: say so, and which files it could mean
        inside = sorted(p.name for p in path.glob("*.yaml"))
        held = (f"it holds {', '.join(inside[:3])}{', ...' if len(inside) > 3 else ''}"
                if inside else "it holds no .yaml file")
        example = (path / (inside[0] if inside else "FILE.yaml")).as_posix()
        raise ScenarioError(None, f"`{name_or_path}` is a folder, not a scenario file ({held}): "
                            f"give one of its files, e.g. `{example}`, or the name of a shipped "
                            "scenario (`sim list`)")
    bare = len(path.parts) == 1 and path.suffix in ("", ".yaml", ".yml")
    if bare:
        shipped = scenarios_dir() / f"{path.stem if path.suffix else path.name}.yaml"
        if shipped.is_file():
            return shipped
    known = names()
    hint = did_you_mean(path.stem, known) if bare else ""
    local = Path(f"{path}.yaml")
    if not path.suffix and local.is_file():
        hint = f" (did you mean the file `{local}`?)"
    raise ScenarioError(None, f"`{name_or_path}`: no such file, and no shipped scenario of that "
                        f"name{hint}. Shipped scenarios: {', '.join(known)} (`sim list` shows "
                        "their titles)")

"""Writing scenarios: `sim check`, `sim schema` and `sim new` (the texts it writes: `variant`
for a variant of another scenario, `dispute` for a new dispute and its record).

The JSON Schema comes from the same pydantic models `sim check` validates with
(``sim.scenario.schema``), so editors and `sim check` agree on keys, types and ranges. Checks that
need the whole scenario (references to levers, dates within the period, order of meetings) are
the validator's alone.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from sim.errors import UserError
from sim.scenario import bundled
from sim.scenario.language import Scenario, load_scenario
from sim.scenario.schema import json_schema, schema_paths  # noqa: F401  (sim schema; tests)
from sim.scenario.variant import extends_reference, new_scenario_text

# --- sim check ----------------------------------------------------------------------------------

def check_command(args: argparse.Namespace,
                  also: Callable[[Scenario], list[str]] | None = None,
                  record: Callable[[Path], list[str] | None] | None = None) -> int:
    """Validate each file: `ok  <file>` on stdout, or the error on stderr; exit 2 if any failed.

    ``also``: a further check of each loaded scenario, returning notes for its `ok` line (the
    CLI passes the check of the record it names, which lives in a higher layer). ``record``:
    checks a file that is a record rather than a scenario (notes), or returns None for any
    other file, which is then checked as a scenario. Every file of a
    batch is reported, whatever happens to one of them (even a bug in the checker), and the exit
    code survives a reader that leaves (`sim check *.yaml | head -1`)."""
    failed = 0
    for file in args.scenarios:
        try:
            notes = record(Path(file)) if record is not None else None
            if notes is None:
                scenario = load_scenario(file)
                notes = also(scenario) if also is not None else []
        except UserError as exc:
            print(exc, file=sys.stderr)
            failed += 1
        except Exception as exc:  # noqa: BLE001  (one broken file must not stop the batch)
            print(f"error: {file}: could not be checked ({type(exc).__name__}: {exc}); this is "
                  "a bug in sim, please report it with the file", file=sys.stderr)
            failed += 1
        else:
            _say(f"ok  {file}" + "".join(f"  (note: {n})" for n in notes or []))
    return 2 if failed else 0


def _say(line: str) -> None:
    try:
        print(line, flush=True)
    except BrokenPipeError:  # the reader left: keep checking, keep the exit code
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


# --- sim schema ---------------------------------------------------------------------------------

def schema_command(args: argparse.Namespace) -> int:
    print(json.dumps(json_schema(), indent=2))
    return 0


# --- sim new ------------------------------------------------------------------------------------

def new_command(args: argparse.Namespace,
                also: Callable[[Scenario], list[str]] | None = None) -> int:
    """Write a commented scenario that extends ``args.base``, or with ``args.dispute`` a new
    dispute and its empty record; never overwrite a file. ``also`` checks the scenario written
    (the CLI passes the check of its record)."""
    if getattr(args, "dispute", None):
        return _new_dispute(args, also)
    for option in ("sides", "start"):
        if getattr(args, option, None):
            raise UserError(None, f"--{option} goes with --dispute NAME (a new dispute); "
                            "without it `sim new` makes a variant of --from")
    if args.file is None:
        raise UserError(None, "give the new scenario's file (`sim new my.yaml`), or "
                        "`--dispute NAME --sides A,B` for a new dispute")
    file = Path(args.file)
    _refuse_existing(file)
    base_file = _find_base(args.base or "baseline", file)
    base = load_scenario(base_file)
    _write_checked({file: new_scenario_text(file, base_file, base)}, file, also)
    print(f"wrote {file}: extends {extends_reference(base_file, file)}; edit it, then "
          f"`sim check {file}` and `sim run {file}`")
    return 0


def _refuse_existing(file: Path) -> None:
    if file.is_dir():
        raise UserError(file, f"this is a folder; give the new file's name, e.g. "
                        f"{(file / 'my_scenario.yaml').as_posix()}")
    if file.exists() or file.is_symlink():
        raise UserError(file, "the file exists already; `sim new` never overwrites. Choose "
                        "another name or delete the file first")
    if not file.parent.is_dir():
        raise UserError(file, f"the folder {file.parent} does not exist")


def _new_dispute(args: argparse.Namespace, also) -> int:
    """`sim new [FILE] --dispute NAME --sides A,B`: FILE (default NAME.yaml) and its empty record
    record/NAME.yaml beside it, both checked before either appears."""
    from sim.scenario.dispute import Dispute, parse_sides, record_text, scenario_text
    from sim.scenario.types import Slug

    if args.base is not None:
        raise UserError(None, "--dispute starts a dispute of its own: it extends nothing, so "
                        "--from does not go with it")
    if not args.sides:
        raise UserError(None, f"--dispute {args.dispute} needs its two sides: --sides A,B "
                        "(e.g. --sides eu,us)")
    try:
        name = Slug().check(args.dispute)
    except Exception:  # noqa: BLE001  (pydantic's error, said in our words)
        raise UserError(None, f"--dispute {args.dispute}: a dispute's name may hold letters, "
                        "digits, `_` and `-` only (e.g. steel_dispute)") from None
    dispute = Dispute(name, parse_sides(args.sides), _start(getattr(args, "start", None)))
    file = Path(args.file) if args.file else Path(f"{name}.yaml")
    record = file.parent / "record" / f"{name}.yaml"
    _refuse_existing(file)
    if record.exists() or record.is_symlink():
        raise UserError(record, "the record file exists already; `sim new` never overwrites. "
                        "Choose another dispute name or delete the file first")
    made_folder = not record.parent.exists()
    record.parent.mkdir(exist_ok=True)
    try:
        _write_checked({record: record_text(dispute),
                        file: scenario_text(dispute, f"record/{name}.yaml")}, file, also)
    except BaseException:
        if made_folder and not any(record.parent.iterdir()):
            record.parent.rmdir()  # ours, and empty: leave nothing half-made
        raise
    print(f"wrote {file} (sides {', '.join(dispute.sides)}) and its empty record {record}; fill "
          f"in the record from your sources, then `sim check {file}` and `sim run {file}`")
    return 0


def _start(text: str | None) -> dt.date:
    if text is None:
        return dt.date.today().replace(day=1)
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UserError(None, f"--start {text}: expected a date written YYYY-MM-DD, e.g. "
                        "--start YYYY-MM-DD") from None


def _write_checked(texts: dict[Path, str], scenario: Path, also) -> None:
    """Write ``texts`` to scratch files beside their targets, check the scenario among them as
    `sim check` would, then link each into place (never over a file made meanwhile); on any
    failure nothing of ours is left."""
    scratch: dict[Path, Path] = {}
    linked: list[Path] = []
    try:
        for target, text in texts.items():
            fd, name = tempfile.mkstemp(prefix=f".{target.stem}-", suffix=".yaml",
                                        dir=target.parent)
            scratch[target] = Path(name)
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(text)
        for target in texts:  # link the others first: the scenario's `record:` names them
            if target != scenario:
                os.link(scratch[target], target)
                linked.append(target)
        checked = load_scenario(scratch[scenario])  # what we write must pass `sim check`
        if also is not None:
            also(checked)
        os.link(scratch[scenario], scenario)
    except FileExistsError as exc:
        for target in linked:
            target.unlink()
        raise UserError(exc.filename2 or scenario, "the file exists already; `sim new` never "
                        "overwrites") from None
    except BaseException:
        for target in linked:
            target.unlink()
        raise
    finally:
        for path in scratch.values():
            path.unlink(missing_ok=True)


def _find_base(base: str, new_file: Path) -> Path:
    name = base if Path(base).suffix else f"{base}.yaml"
    candidates = [Path(base), Path(name), new_file.parent / name, Path("scenarios") / name,
                  bundled.scenarios_dir() / name]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    known = bundled.names()
    from sim.errors import did_you_mean
    raise UserError(None, f"--from {base}: no such scenario (looked in "
                    f"{', '.join(dict.fromkeys(str(c.parent) for c in candidates))})"
                    f"{did_you_mean(base, known)}")

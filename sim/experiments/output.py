"""Output folders: `sim` writes only into folders it made, and replaces only its own.

Every folder `sim` writes carries a marker file (``MARKER``) listing what it wrote. An existing
``--out`` is replaced only if it is such a folder and holds nothing else (or is empty); a folder a
user made, a file, the current folder or one of its parents is refused with a paragraph saying
why and what to do, and left as it was. The files are written into a scratch folder beside the
target (``.NAME-xxxxxxxx``) that takes the target's place only when everything in it was written:
the swap happens under a lock on the parent folder (two runs replacing the same folder take turns)
with interruptions held back, so the target is always either the old output or the new one.
Folders follow the umask (``os.mkdir``, unlike ``tempfile.mkdtemp``, which makes them 0700).

A scratch folder holds ``WRITING`` (the writing process's id) until it takes the target's place.
A `sim` killed outright (``kill -9``, a power cut) leaves its scratch folder behind; the next
command writing the same ``--out`` recognises it as unfinished (its process is gone), removes it
and says so in one line.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import glob
import json
import os
import secrets
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

from sim.errors import UserError
from sim.experiments import interrupts, space

MARKER = ".sim-output.json"
WRITING = ".sim-writing"  # in a scratch folder while it is written: the writer's process id
WRITTEN_BY = "negotiation-sim"
# longest folder name accepted: the scratch and old-copy names add a prefix and a suffix, and most
# file systems stop at 255 bytes
MAX_NAME_BYTES = 200
# what earlier versions (before the marker) wrote: such a folder is recognised as a `sim` output
_LEGACY_NAMES = {"timeline.csv", "events.csv", "manifest.json", "scorecard.csv", "levers.png",
                 "overview.png", "scorecard.png", "ensemble.csv", "status.csv", "outcomes.csv",
                 "outcomes.json", "runs.csv", "trust_pressure.png", "status.png", "compare.csv",
                 "compare.md", "timelines", "report.html"}


def default_folder(name: str, kind: str) -> Path:
    """Where a command writes without ``--out``: a single run and an ensemble of the same scenario
    go to different folders, so neither replaces the other."""
    return Path("results") / (name if kind == "run" else f"{name}-{kind}")


def _refuse(out: Path, why: str) -> UserError:
    return UserError("--out", f"{out} {why}. Nothing was written and nothing was deleted. "
                     "Choose another folder with --out (a new name, or a folder an earlier `sim` "
                     "command wrote)" + (", or move the folder's contents yourself"
                                        if "holds" in why else ""))


def _own_files(folder: Path) -> set[str] | None:
    """The paths (relative to ``folder``) its marker lists, or None if it has no valid marker."""
    try:
        data = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("written_by") != WRITTEN_BY:
        return None
    files = data.get("files")
    return {str(f) for f in files} if isinstance(files, list) else None


def _contents(folder: Path) -> set[str]:
    """Every file and folder under ``folder``, as paths relative to it (symlinks not followed)."""
    found = set()
    for root, dirs, files in os.walk(folder):
        rel = Path(root).relative_to(folder)
        found |= {str(rel / n) for n in (*dirs, *files)}
    return {f.removeprefix("./") for f in found}


def _is_legacy_output(folder: Path, contents: set[str]) -> bool:
    """A folder an earlier `sim` wrote (no marker): only its file names and a manifest of ours."""
    top = {c for c in contents if "/" not in c}
    if not top or not top <= _LEGACY_NAMES or "manifest.json" not in top:
        return False
    if any(c.split("/")[0] != "timelines" for c in contents if "/" in c):
        return False
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(manifest, dict) and "scenario_sha256" in manifest


def check_replaceable(out: Path, shown: Path | None = None) -> None:
    """Raise a UserError unless ``out`` is absent, empty, or a `sim` output with nothing added.

    ``shown`` is the path as the user wrote it, for the message."""
    refuse = lambda why: _refuse(shown or out, why)  # noqa: E731
    if len(out.name.encode()) > MAX_NAME_BYTES:
        raise UserError("--out", f"the folder name `{out.name[:40]}...` is {len(out.name)} "
                        f"characters long; file systems accept about {MAX_NAME_BYTES}. Give the "
                        "scenario a shorter `name:` or choose a folder with --out")
    if not out.exists() and not out.is_symlink():
        return
    if out.is_symlink():
        raise refuse("is a symbolic link; `sim` will not replace it or write through it")
    if not out.is_dir():
        raise refuse("is an existing file, not a folder; `sim` writes a folder of results "
                     "and will not replace a file")
    here = Path.cwd().resolve()
    if out.resolve() == here or out.resolve() in here.parents:
        raise refuse("is the current folder or one of its parents; `sim` never replaces "
                      "a folder you are working in")
    contents = _contents(out)
    if not contents:
        return
    own = _own_files(out)
    if own is None:
        if _is_legacy_output(out, contents):
            return
        raise refuse("exists and was not written by `sim` (it has no "
                      f"{MARKER}); replacing it would delete what is in it")
    extra = sorted(contents - own - {MARKER})
    if extra:
        listed = ", ".join(extra[:3]) + (f" and {len(extra) - 3} more" if len(extra) > 3 else "")
        raise refuse(f"is an earlier `sim` output but holds files `sim` did not write "
                      f"({listed}); replacing it would delete them")


def _resolve(final: Path) -> Path:
    """``final`` made absolute without following its last part (``.`` and ``..`` resolved)."""
    final = Path(os.path.abspath(final))
    if final.name in ("", ".", ".."):
        final = final.resolve()
    return final


def _mkdir_scratch(parent: Path, name: str, tag: str = "") -> Path:
    for _ in range(100):
        scratch = parent / f".{name}-{tag}{secrets.token_hex(4)}"
        try:
            scratch.mkdir()  # follows the umask
            return scratch
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "could not make a scratch folder", str(parent))


def _writer_alive(scratch: Path) -> bool:
    try:
        pid = int((scratch / WRITING).read_text(encoding="utf-8").split()[0])
    except (OSError, ValueError, IndexError):
        return True  # not ours to judge (no id, or unreadable): leave it
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_unfinished(final: Path) -> list[Path]:
    """Remove the scratch folders an earlier `sim` writing ``final`` left when it was killed
    outright (its process is gone); returns them."""
    removed = []
    try:
        candidates = list(final.parent.glob(f".{glob.escape(final.name)}-*"))
    except OSError:
        return removed
    for path in candidates:
        tail = path.name[len(final.name) + 2:]
        if len(tail) == 8 and all(c in "0123456789abcdef" for c in tail) and \
                path.is_dir() and not path.is_symlink() and (path / WRITING).is_file() and \
                not _writer_alive(path):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


@contextlib.contextmanager
def _locked(parent: Path) -> Iterator[None]:
    """An exclusive lock on ``parent`` (flock on the folder itself: nothing left behind)."""
    fd = os.open(parent, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def write_marker(folder: Path, kind: str) -> None:
    """The marker: who wrote the folder, what kind of output it is, and every path in it."""
    files = sorted(_contents(folder) - {MARKER})
    (folder / MARKER).write_text(json.dumps(
        {"written_by": WRITTEN_BY, "kind": kind, "files": files,
         "note": "written by `sim`; sim replaces this folder only if it holds nothing else"},
        indent=1) + "\n", encoding="utf-8")


@contextlib.contextmanager
def staged_output(final: Path, kind: str = "run", needs: int = 0) -> Iterator[Path]:
    """A scratch folder that replaces ``final`` only if everything in it was written.

    ``final`` is checked before anything runs and again, under the lock, before the swap;
    ``needs`` (bytes, ``sim.experiments.space``) is checked against the free space first. If
    the disk fills up while the folder is written, the files that were complete (the CSV data
    first written) still take ``final``'s place, and a ``UserError`` (exit 2) says what was
    kept; if the folder cannot be written at all (its parent made read-only or removed
    meanwhile), nothing is left and a ``UserError`` says so. A parent removed meanwhile but
    made again as the results were written keeps every result, and a ``UserError`` (exit 2)
    says what happened."""
    shown = Path(final)
    final = _resolve(shown)
    try:  # under the lock: another run may be swapping the folder right now
        lock = _locked(final.parent) if final.parent.is_dir() else contextlib.nullcontext()
        with lock:
            check_replaceable(final, shown)
    except PermissionError:  # a parent we cannot open: the checks below still say why
        check_replaceable(final, shown)
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
        space.check_space(final.parent, needs, shown)
        if remove_unfinished(final):
            print(f"note: removed an unfinished {shown.name} left by an earlier `sim` that was "
                  "stopped outright (kill -9 or a crash)", file=sys.stderr)
        scratch = _mkdir_scratch(final.parent, final.name)
        (scratch / WRITING).write_text(f"{os.getpid()}\n", encoding="utf-8")
    except OSError as exc:
        raise UserError("--out", f"cannot create the folder {shown} ({exc.strerror or exc}). "
                        "Choose a folder you can write to with --out") from None
    try:
        yield scratch
        with interrupts.held():
            vanished = not (scratch / WRITING).is_file()  # removed, then made again as written
            (scratch / WRITING).unlink(missing_ok=True)
            write_marker(scratch, kind)
            _swap(scratch, final)
    except OSError as exc:
        with interrupts.held():
            raise _write_failed(exc, scratch, final, shown, kind) from None
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    if vanished:  # kept, but whoever removed the folder should hear of it, as of a full disk
        raise UserError("--out", f"the folder holding {shown} was removed while `sim` ran; it "
                        f"was made again and every result is in {shown}/, but anything else "
                        "that was in it is gone. Check what removed it, or choose another "
                        "folder with --out")


_CANNOT_WRITE = {errno.EROFS, errno.EACCES, errno.EPERM, errno.ENOENT, errno.ENOTDIR}


def _write_failed(exc: OSError, scratch: Path, final: Path, shown: Path, kind: str
                  ) -> BaseException:
    """What to raise when writing the folder failed: the disk filled up (keep the complete
    files), the folder cannot be written (keep nothing), or anything else (as it was)."""
    if space.disk_full(exc):
        try:
            kept = _keep_complete(scratch, final, kind)
        except OSError:
            kept = []
        if not kept:
            shutil.rmtree(scratch, ignore_errors=True)
            return UserError("--out", f"the disk holding {shown} filled up while the results "
                             "were written, before any of them was complete; nothing was kept. "
                             "Free some space, or choose a folder on another disk with --out")
        listed = ", ".join(kept[:6]) + (f" and {len(kept) - 6} more" if len(kept) > 6 else "")
        return UserError("--out", f"the disk holding {shown} filled up while the results were "
                         f"written; kept the complete files ({listed}) in {shown}/, without "
                         "the figures or files that did not fit. Free some space and run again, "
                         "or choose a folder on another disk with --out")
    cannot = exc.errno in _CANNOT_WRITE and not _writable(scratch)
    shutil.rmtree(scratch, ignore_errors=True)
    if cannot:
        return UserError("--out", f"cannot write {shown} any more ({exc.strerror}: its folder "
                         "was removed or made read-only while `sim` ran); nothing was kept. "
                         "Choose a folder you can write to with --out")
    return exc


def _writable(folder: Path) -> bool:
    try:
        probe = folder / ".sim-probe"
        probe.write_bytes(b"")
        probe.unlink()
        return True
    except OSError:
        return False


def _complete(path: Path) -> bool:
    """Whether a file that may have been cut short by a full disk is whole (by its kind)."""
    try:
        if path.suffix == ".png":
            with path.open("rb") as f:
                f.seek(max(0, path.stat().st_size - 12))
                return b"IEND" in f.read()
        if path.suffix == ".json":
            json.loads(path.read_text(encoding="utf-8"))
        if path.suffix == ".html":
            return path.read_text(encoding="utf-8").rstrip().endswith("</html>")
        with path.open("rb") as f:  # text files end with a line break
            f.seek(max(0, path.stat().st_size - 1))
            return f.read() == b"\n"
    except (OSError, ValueError):
        return False


def _keep_complete(scratch: Path, final: Path, kind: str) -> list[str]:
    """After a full disk: drop the file being written (the newest) and every file cut short,
    then, if a CSV of data is left, make the rest ``final`` (dropping figures, largest first,
    until the marker fits). Returns what was kept (none: nothing is swapped in)."""
    (scratch / WRITING).unlink(missing_ok=True)
    files = [p for p in scratch.rglob("*") if p.is_file()]
    newest = max(files, key=lambda p: p.stat().st_mtime_ns) if files else None
    if newest is not None and newest.suffix not in (".png", ".json", ".html"):
        newest.unlink()  # being written when the disk filled (its kind cannot be checked)
    for p in files:
        if p.exists() and not _complete(p):
            p.unlink()
    kept = lambda: sorted(str(p.relative_to(scratch)) for p in scratch.rglob("*")  # noqa: E731
                          if p.is_file())
    if not any(name.endswith(".csv") for name in kept()):
        return []
    while True:
        try:
            write_marker(scratch, kind)
            break
        except OSError as exc:
            if not space.disk_full(exc):
                raise
            spare = sorted((p for p in scratch.rglob("*") if p.is_file() and p.suffix
                            not in (".csv", ".json")), key=lambda p: -p.stat().st_size)
            if not spare:
                return []
            spare[0].unlink()
    names = [name for name in kept() if name != MARKER]
    _swap(scratch, final)
    return names


def _swap(scratch: Path, final: Path) -> None:
    with _locked(final.parent):
        check_replaceable(final)  # again: another run may have written it meanwhile
        old = None
        if final.exists():
            if not any(final.iterdir()):
                final.rmdir()  # fails (and nothing is lost) if a file appeared meanwhile
            else:
                old = _mkdir_scratch(final.parent, final.name, "old-")
                old.rmdir()
                final.rename(old)
        scratch.rename(final)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)

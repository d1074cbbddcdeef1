"""The parts every report.html is made of, and the one template that lays them out.

A report is a title, a subtitle and sections of blocks: figures (inlined as base64 PNG, so that
the page opens offline and can be mailed as one file), tables, paragraphs, a folded text (the
manifest) and the list of data files beside the page, as links with their sizes. Only a file that
decodes as an image is inlined; anything else is a link. Jinja2 escapes every value it is given.
"""

from __future__ import annotations

import base64
import binascii
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

FIGURE_SUFFIXES = (".png",)
NO_FIGURES = "No figures were drawn (--no-plots)."


@dataclass(frozen=True)
class Cell:
    """One table cell: its text and an optional CSS class (num, hit, miss, na)."""

    text: str
    cls: str = ""


@dataclass(frozen=True)
class Figures:
    """Figures inlined as base64 PNG, each with its file name as caption."""

    figures: list[dict]
    empty: str = NO_FIGURES
    kind: str = "figures"


@dataclass(frozen=True)
class Table:
    """A table with a header row and an optional caption above it."""

    head: Sequence[str]
    rows: list[list[Cell]]
    caption: str = ""
    kind: str = "table"


@dataclass(frozen=True)
class Text:
    """Paragraphs of plain text (escaped), with an optional caption and CSS class."""

    paragraphs: Sequence[str]
    caption: str = ""
    cls: str = ""
    kind: str = "text"


@dataclass(frozen=True)
class Folded:
    """Preformatted text folded under a summary line (the manifest)."""

    summary: str
    text: str
    open: bool = False
    kind: str = "pre"


@dataclass(frozen=True)
class Files:
    """The data files beside the page, as relative links with their sizes."""

    files: list[dict]
    note: str = "Beside this page, in the same folder (open them from there):"
    kind: str = "files"


@dataclass
class Section:
    """A heading and its blocks."""

    heading: str
    blocks: list = field(default_factory=list)


def human_size(n: int) -> str:
    """1234567 -> '1.2 MB'."""
    size = float(n)
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1000
    return f"{n} bytes"


def decodes(data: bytes) -> bool:
    """True if ``data`` is an image Pillow can decode (matplotlib brings Pillow)."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
        return True
    except Exception:  # noqa: BLE001 - any failure to decode means "not an image"
        return False


def figures(paths: Iterable[Path]) -> Figures:
    """The PNG figures among ``paths`` that exist and decode, inlined; other files are left to
    the file list."""
    out = []
    for path in paths:
        if path.suffix.lower() not in FIGURE_SUFFIXES or not path.is_file():
            continue
        data = path.read_bytes()
        if decodes(data):
            out.append({"alt": path.stem.replace("_", " "), "caption": path.name,
                        "data": base64.b64encode(data).decode("ascii")})
    return Figures(out)


def _size(path: Path) -> tuple[int, int]:
    if path.is_dir():
        files = [p for p in path.rglob("*") if p.is_file()]
        return sum(p.stat().st_size for p in files), len(files)
    return path.stat().st_size, 1


def files(folder: Path, names: Iterable[str] | None = None) -> Files:
    """Every file (or sub-folder) of ``folder`` but the report and sim's own hidden markers, as
    links with sizes; with ``names``, those of them that exist, in that order."""
    chosen = list(names) if names is not None else sorted(
        p.name for p in folder.iterdir() if not p.name.startswith("."))
    out = []
    for name in dict.fromkeys(chosen):
        path = folder / name
        if name == "report.html" or not path.exists():
            continue
        size, count = _size(path)
        what = human_size(size) + (f", {count} files" if path.is_dir() else "")
        out.append({"name": name + ("/" if path.is_dir() else ""),
                    "href": name + ("/" if path.is_dir() else ""), "size": what})
    return Files(out)


@cache
def _template():
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(loader=PackageLoader("sim.views", "templates"),
                      autoescape=select_autoescape(["html"]), trim_blocks=True,
                      lstrip_blocks=True)
    return env.get_template("report.html")


def render(title: str, subtitle: str, sections: Sequence[Section], partial: str = "") -> str:
    """The page: ``partial`` is a sentence saying what an interruption left out (or empty)."""
    return _template().render(title=title, subtitle=subtitle, sections=sections,
                              partial=partial)


def write(folder: Path, text: str) -> Path:
    path = folder / "report.html"
    path.write_text(text, encoding="utf-8")
    return path


_IMG = re.compile(r"<img\b[^>]*\bsrc=\"([^\"]*)\"", re.IGNORECASE)


def broken_images(page: str) -> list[str]:
    """The ``src`` of every <img> in ``page`` that does not decode as an inlined image (a link
    to a file, a data URL of something else, or bytes that are not an image)."""
    broken = []
    for src in _IMG.findall(page):
        head, _, data = src.partition(",")
        if not head.startswith("data:image/") or ";base64" not in head:
            broken.append(src[:60])
            continue
        try:
            raw = base64.b64decode(data, validate=True)
        except (binascii.Error, ValueError):
            broken.append(src[:60])
            continue
        if not decodes(raw):
            broken.append(src[:60])
    return broken


def image_count(page: str) -> int:
    return len(_IMG.findall(page))

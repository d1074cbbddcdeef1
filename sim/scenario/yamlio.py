"""Safe YAML reading that remembers where every key stood.

PyYAML's safe loader still keeps the last of two duplicate keys silently, expands aliases without
limit and forgets line numbers once the data is built. Scenario and record files need all three,
so documents are composed into nodes and built here by hand: plain data only, every key's position
kept.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from sim.errors import UserError

MAX_BYTES = 1_000_000
MAX_NODES = 200_000  # alias bombs expand past this long before memory suffers
MAX_DEPTH = 64  # mappings and lists nested deeper than this are not a scenario

_PLAIN_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
}


@dataclass
class YamlDoc:
    """Plain data read from one YAML file, with the line and column of every key and item."""

    file: Path
    data: object
    marks: dict[tuple, tuple[int, int]] = field(default_factory=dict)

    def where(self, path: tuple) -> tuple[int | None, int | None]:
        """Line and column of ``path``, or of its nearest ancestor that has one."""
        path = tuple(path)
        while path:
            if path in self.marks:
                return self.marks[path]
            path = path[:-1]
        return self.marks.get((), (None, None))

    def error(self, path: tuple, message: str, cls: type[UserError] = UserError) -> UserError:
        line, col = self.where(path)
        return cls(self.file, message, line, col, tuple(path))


# Forms YAML 1.1 (what PyYAML speaks) reads differently from YAML 1.2 and from what a reader
# sees: `012` is octal 10, `1:30` is base 60 (90), `0b11` binary, `no`/`on`/`yes`/`off` booleans.
_OCTAL = re.compile(r"[-+]?0[0-7_]+")
_BASE60 = re.compile(r"[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?")
_BINARY = re.compile(r"[-+]?0b[01_]+")
_INT, _FLOAT, _BOOL = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
                       "tag:yaml.org,2002:bool")


def _yaml11_surprise(node: yaml.ScalarNode, value: object) -> str | None:
    """Why a plain scalar would not mean what it seems to, or None."""
    text = node.value
    if node.tag == _BOOL and text.lower() not in ("true", "false"):
        return (f"`{text}` is read by YAML as {str(value).lower()}; write `{str(value).lower()}` "
                f"for a yes/no value, or quote it (`\"{text}\"`) for a name or text")
    if node.tag == _INT and _OCTAL.fullmatch(text):
        return (f"`{text}` is read by YAML 1.1 as the octal number {value}; write it without the "
                f"leading zero ({text.lstrip('+-0') or 0}), or quote it (`\"{text}\"`) for text")
    if node.tag in (_INT, _FLOAT) and _BASE60.fullmatch(text):
        return (f"`{text}` is read by YAML 1.1 as the base-60 number {value:g}; write the number "
                f"you mean, or quote it (`\"{text}\"`) for text")
    if node.tag == _INT and _BINARY.fullmatch(text):
        return (f"`{text}` is read by YAML 1.1 as the binary number {value}; write the number "
                f"you mean in decimal, or quote it for text")
    return None


class _Builder:
    """Turns composed YAML nodes into dicts, lists and scalars, checking as it goes."""

    def __init__(self, file: Path, cls: type[UserError], yaml11: bool = False):
        self.file = file
        self.cls = cls
        self.yaml11 = yaml11  # refuse YAML 1.1's surprising forms
        self.marks: dict[tuple, tuple[int, int]] = {}
        self.count = 0
        self.open: set[int] = set()  # ids of the nodes being built: an alias to one is a loop
        self.constructor = yaml.SafeLoader("")

    def fail(self, node: yaml.Node, path: tuple, message: str) -> UserError:
        return self.cls(self.file, message, node.start_mark.line + 1,
                        node.start_mark.column + 1, path)

    def scalar(self, node: yaml.Node, path: tuple) -> object:
        """Construct one plain scalar; a value PyYAML cannot build (2025-02-30) is a clean error."""
        try:
            value = self.constructor.construct_object(node)
        except (ValueError, TypeError, OverflowError, yaml.YAMLError) as exc:
            what = "date" if node.tag == "tag:yaml.org,2002:timestamp" else "value"
            raise self.fail(node, path, f"`{node.value}` is not a valid {what} ({exc})") from None
        surprise = self.yaml11 and not node.style and _yaml11_surprise(node, value)
        if surprise:
            raise self.fail(node, path, surprise)
        return value

    def build(self, node: yaml.Node, path: tuple) -> object:
        self.count += 1
        if self.count > MAX_NODES:
            raise self.fail(node, path, f"the file expands to more than {MAX_NODES} values "
                            "(aliases repeated inside aliases?); write the data out plainly")
        self.marks.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
        if node.tag not in _PLAIN_TAGS:
            raise self.fail(node, path, f"the YAML tag `{node.tag}` is not allowed; scenario files "
                            "hold plain data only (text, numbers, dates, lists and mappings)")
        if not isinstance(node, yaml.ScalarNode):
            if id(node) in self.open:
                raise self.fail(node, path, "an alias refers to the mapping or list that contains "
                                "it, which would never end; write the data out plainly")
            if len(self.open) >= MAX_DEPTH:
                raise self.fail(node, path, f"mappings and lists are nested more than {MAX_DEPTH} "
                                "deep; a scenario never needs that")
            self.open.add(id(node))
            try:
                return self.collection(node, path)
            finally:
                self.open.discard(id(node))
        value = self.scalar(node, path)
        if isinstance(value, float) and not math.isfinite(value):
            raise self.fail(node, path, f"expected a finite number, found `{node.value}`")
        if isinstance(value, dt.datetime):
            value = value.date()
        return value

    def collection(self, node: yaml.Node, path: tuple) -> object:
        if isinstance(node, yaml.MappingNode):
            out: dict = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    raise self.fail(key_node, path, "a key must be plain text")
                if key_node.tag == "tag:yaml.org,2002:merge":
                    raise self.fail(key_node, path, "YAML merge keys (`<<`) are not supported; "
                                    "use `extends:` to build on another scenario")
                key = self.scalar(key_node, path)
                if not isinstance(key, str | int):
                    key = str(key)
                if key in out:
                    first = self.marks.get((*path, key), (None, None))[0]
                    raise self.fail(key_node, (*path, key),
                                    f"the key `{key}` appears twice in the same mapping "
                                    f"(first on line {first}); keep one")
                self.marks[(*path, key)] = (key_node.start_mark.line + 1,
                                             key_node.start_mark.column + 1)
                out[key] = self.build(value_node, (*path, key))
            return out
        return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]


def as_date(value: object) -> dt.date | None:
    """A date from a YAML date or an ISO `YYYY-MM-DD` text, else None."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


_NOT_REGULAR = [(stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe (FIFO)"),
                (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"),
                (stat.S_ISSOCK, "a socket")]


def read_bounded(file: Path, cls: type[UserError] = UserError) -> bytes:
    """The bytes of a regular file of at most MAX_BYTES, refused BEFORE reading otherwise: a
    device such as /dev/zero would be read until memory runs out, a FIFO would block forever."""
    try:
        # O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer
        fd = os.open(file, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        raise cls(file, "no such file") from None
    except OSError as exc:
        raise cls(file, f"cannot read the file ({exc.strerror})") from None
    try:
        mode = os.fstat(fd)
        what = next((name for test, name in _NOT_REGULAR if test(mode.st_mode)), None)
        if what or not stat.S_ISREG(mode.st_mode):
            raise cls(file, f"this is {what or 'not a regular file'}, not a file to read; give "
                      "the path of a YAML file")
        too_big = cls(file, f"the file is {mode.st_size:,} bytes; scenario files are limited to "
                      f"{MAX_BYTES:,} bytes", 1, 1)
        if mode.st_size > MAX_BYTES:
            raise too_big
        chunks, size = [], 0
        while size <= MAX_BYTES:  # the file may grow while it is read: stop one byte past
            chunk = os.read(fd, MAX_BYTES + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > MAX_BYTES:
            raise cls(file, f"the file grew past {MAX_BYTES:,} bytes while it was read; scenario "
                      f"files are limited to {MAX_BYTES:,} bytes", 1, 1)
        return b"".join(chunks)
    except OSError as exc:
        raise cls(file, f"cannot read the file ({exc.strerror})") from None
    finally:
        os.close(fd)


# libyaml composes about ten times faster; its error messages differ from PyYAML's, so a file it
# refuses is composed again by the pure-Python loader, whose message (and mark) is the one shown.
_FAST = getattr(yaml, "CSafeLoader", None)


def _compose(text: str) -> yaml.Node | None:
    if _FAST is not None:
        try:
            return yaml.compose(text, Loader=_FAST)
        except yaml.YAMLError:
            pass
    return yaml.compose(text, Loader=yaml.SafeLoader)


def _tab_indent(text: str, line: int | None) -> int | None:
    """The line (1-based) whose indentation holds a tab, at or just before the line a parse
    error points at (a tab there is the likeliest cause), or None."""
    if line is None:
        return None
    lines = text.splitlines()
    for n in (line, line - 1):
        if 1 <= n <= len(lines):
            body = lines[n - 1]
            if "\t" in body[:len(body) - len(body.lstrip(" \t"))]:
                return n
    return None


def load_yaml(file: str | Path, cls: type[UserError] = UserError,
              yaml11: bool = False) -> YamlDoc:
    """Read ``file`` safely, or raise ``cls`` with the file, line and column of the problem.

    ``yaml11``: refuse the plain scalars YAML 1.1 reads surprisingly (`012` octal, `1:30` base 60,
    `no` as false) with a hint, rather than read them silently."""
    file = Path(file)
    raw = read_bounded(file, cls)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise cls(file, f"the file is not UTF-8 text (byte {exc.start})", line, column) from None
    try:
        node = _compose(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (None, None)
        tab = _tab_indent(text, line)
        if tab:
            raise cls(file, f"line {tab} is indented with a tab; YAML indents with spaces only: "
                      "replace the tab with spaces (an editor's \"convert indentation to "
                      "spaces\" does it for the whole file)", tab, 1) from None
        raise cls(file, f"this is not valid YAML: {exc.problem or exc.context}", line,
                  col) from None
    except yaml.YAMLError as exc:
        raise cls(file, f"this is not valid YAML: {exc}") from None
    except RecursionError:
        raise cls(file, "mappings and lists are nested too deeply to read; a scenario never needs "
                  "that", 1, 1) from None
    if node is None:
        raise cls(file, "the file is empty (or holds only comments); it must be a mapping of keys "
                  "such as `name:`", 1, 1)
    builder = _Builder(file, cls, yaml11)
    try:
        data = builder.build(node, ())
    except yaml.YAMLError as exc:
        raise cls(file, f"a value could not be read: {exc}") from None
    if not isinstance(data, dict):
        raise cls(file, f"the file must hold a mapping of keys, found a {type(data).__name__}",
                  node.start_mark.line + 1, node.start_mark.column + 1)
    return YamlDoc(file, data, builder.marks)

"""Safe YAML reading that remembers where every key stood.

PyYAML's safe loader still keeps the last of two duplicate keys silently, expands aliases without
limit and forgets line numbers once the data is built. Scenario and record files need all three,
so documents are composed into nodes and built here by hand: plain data only, every key's position
kept.
"""

from __future__ import annotations

import datetime as dt
import math
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


class _Builder:
    """Turns composed YAML nodes into dicts, lists and scalars, checking as it goes."""

    def __init__(self, file: Path, cls: type[UserError]):
        self.file = file
        self.cls = cls
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
            return self.constructor.construct_object(node)
        except (ValueError, TypeError, OverflowError, yaml.YAMLError) as exc:
            what = "date" if node.tag == "tag:yaml.org,2002:timestamp" else "value"
            raise self.fail(node, path, f"`{node.value}` is not a valid {what} ({exc})") from None

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


def load_yaml(file: str | Path, cls: type[UserError] = UserError) -> YamlDoc:
    """Read ``file`` safely, or raise ``cls`` with the file, line and column of the problem."""
    file = Path(file)
    try:
        raw = file.read_bytes()
    except FileNotFoundError:
        raise cls(file, "no such file") from None
    except OSError as exc:
        raise cls(file, f"cannot read the file ({exc.strerror})") from None
    if len(raw) > MAX_BYTES:
        raise cls(file, f"the file is {len(raw):,} bytes; scenario files are limited to "
                  f"{MAX_BYTES:,} bytes", 1, 1)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise cls(file, f"the file is not UTF-8 text (byte {exc.start})", line, column) from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (None, None)
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
    builder = _Builder(file, cls)
    try:
        data = builder.build(node, ())
    except yaml.YAMLError as exc:
        raise cls(file, f"a value could not be read: {exc}") from None
    if not isinstance(data, dict):
        raise cls(file, f"the file must hold a mapping of keys, found a {type(data).__name__}",
                  node.start_mark.line + 1, node.start_mark.column + 1)
    return YamlDoc(file, data, builder.marks)

"""Errors a user can fix: one paragraph naming the file, line, column and key path."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path


def key_path(parts: tuple) -> str:
    """Render ('actors', 'us', 'levers', 0) as ``actors.us.levers[0]``."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(top level)"


def did_you_mean(word: str, choices) -> str:
    """A ' (did you mean `x`?)' hint for a misspelt key or name, or ''."""
    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return f" (did you mean `{close[0]}`?)" if close else ""


@dataclass
class UserError(Exception):
    """A mistake in an input file, reported without a traceback and with exit code 2."""

    file: str | Path | None
    message: str
    line: int | None = None
    column: int | None = None
    path: tuple = ()

    def __str__(self) -> str:
        if not self.file and self.line is None and not self.path:
            return f"error: {self.message}"
        where = str(self.file) if self.file else "<input>"
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        key = f" at `{key_path(self.path)}`" if self.path else ""
        return f"error: {where}{key}: {self.message}"


class ScenarioError(UserError):
    """A scenario file that cannot be run as written."""


class RecordError(UserError):
    """A record file (the documented observations) that cannot be read as written."""

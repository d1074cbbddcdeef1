"""The `sim` command: a thin layer that parses arguments and hands each command to its module.

Adding a command: a module in this package with ``register(subparsers)`` that adds its parser and
sets ``handler``; then one line in ``COMMANDS`` below.
"""

from __future__ import annotations

import argparse
import importlib
import io
import os
import sys

from sim import __version__
from sim.errors import UserError
from sim.experiments import interrupts

README_HINT = "See README.md, or `sim COMMAND --help`."

# command modules, in the order `sim --help` lists them
COMMANDS = ["run", "compare", "sweep", "sensitivity", "validate", "calibrate",
            "explain", "listing", "record", "authoring", "app", "play"]


class Parser(argparse.ArgumentParser):
    """argparse with a one-paragraph error (no usage block) and exit code 2."""

    def error(self, message: str):
        self.exit(2, f"error: {self.prog}: {message} (see `{self.prog} --help`)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="sim", description="Replay a negotiation written in YAML as an agent-based model "
        "(`sim list` shows the shipped episodes), vary behaviour, and compare outcomes with "
        "the documented record.",
        epilog=README_HINT)
    parser.add_argument("--version", action="version", version=f"sim {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"sim.cli.{name}").register(sub)
    return parser


class _QuietPipe(io.TextIOBase):
    """stdout that, once its reader has gone (`sim check ... | head -1`), drops further output
    instead of raising, so the command still finishes and returns its own exit code."""

    def __init__(self, stream):
        self.stream = stream

    def write(self, text: str) -> int:
        try:
            return self.stream.write(text)
        except BrokenPipeError:
            self._close()
            return len(text)

    def flush(self) -> None:
        try:
            self.stream.flush()
        except BrokenPipeError:
            self._close()

    def _close(self) -> None:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, self.stream.fileno())
        os.close(devnull)

    def fileno(self) -> int:
        return self.stream.fileno()

    def isatty(self) -> bool:
        return self.stream.isatty()

    @property
    def encoding(self) -> str:
        return self.stream.encoding


def _prepare_streams() -> None:
    """stdout and stderr safe for non-UTF-8 terminals and for a closed pipe."""
    for stream in (sys.stdout, sys.stderr):
        # a non-UTF-8 terminal (LC_ALL=C without UTF-8 mode) shows `?` rather than crashing
        if (getattr(stream, "encoding", "utf-8") or "").lower().replace("-", "") != "utf8" \
                and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    sys.stdout, sys.stderr = _quiet(sys.stdout), _quiet(sys.stderr)


def _quiet(stream):
    if isinstance(stream, _QuietPipe):
        return stream
    try:
        stream.fileno()
    except (AttributeError, OSError, ValueError):  # e.g. pytest's captured output
        return stream
    return _QuietPipe(stream)


def main(argv: list[str] | None = None) -> int:
    stdout, stderr = sys.stdout, sys.stderr
    _prepare_streams()
    try:
        try:
            args = build_parser().parse_args(argv)
        except SystemExit as exc:  # a bad argument (2, message printed) or --help (0)
            return exc.code if isinstance(exc.code, int) else 2
        with interrupts.installed():
            return _run(args)
    finally:
        sys.stdout.flush()
        sys.stdout, sys.stderr = stdout, stderr


def _run(args: argparse.Namespace) -> int:
    try:
        code = args.handler(args)
    except UserError as exc:
        print(exc, file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # a signal, or a lost worker (interrupts.WorkerLost)
        why, code = interrupts.stop_status()
        print(f"{why} before anything finished; nothing was written.", file=sys.stderr)
        return code
    signum = interrupts.pending()
    if signum and code == 0:  # arrived while the files were written: they were completed first
        print(f"stopped by {interrupts.name(signum)} while writing; the files were completed "
              "first.", file=sys.stderr)
        return interrupts.exit_code(signum)
    return code


if __name__ == "__main__":
    sys.exit(main())

"""`sim app`: the classroom web page."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sim.cli import arguments
from sim.errors import UserError


def register(sub) -> None:
    app = sub.add_parser("app", help="start the classroom web page on localhost",
                         description="Start the classroom web page (works offline) and keep it "
                         "running until Ctrl+C, SIGTERM or SIGHUP, which stop its server too.")
    app.add_argument("--port", type=arguments.port, default=8765,
                     help="TCP port to serve on, 1 to 65535 (default 8765)")
    app.add_argument("--host", default="127.0.0.1",
                     help="address to listen on (default 127.0.0.1: this computer only; "
                     "0.0.0.0 for a classroom network)")
    app.add_argument("--scenario", type=Path, help="scenario to open first: a file or a shipped "
                     "name such as semiconductors_2023 (default: baseline)")
    app.add_argument("--play", metavar="SIDE", help="students play this side (an actor id or "
                     "label, any case: china, China); the model plays the other")
    app.set_defaults(handler=cmd_app)


def install_hint(package_dir: Path | None = None, python: str = sys.executable) -> str:
    """The command that adds the `app` extra the way this copy of sim was installed: an editable
    checkout (a pyproject.toml beside the package) or a wheel from PyPI or a file."""
    package_dir = package_dir or Path(__file__).resolve().parents[1]
    root = package_dir.parent
    if (root / "pyproject.toml").is_file() and (root / "sim").resolve() == package_dir.resolve():
        return f"{python} -m pip install -e '{root}[app]'"
    return f"{python} -m pip install 'negotiation-sim[app]'"


def cmd_app(args: argparse.Namespace) -> int:
    try:
        from sim.views import app
    except ImportError as exc:
        raise UserError(None, f"the web page needs the `app` extra ({exc.name} is missing): run "
                        f"`{install_hint()}` and try again") from None
    if args.scenario is not None:  # a shipped name (`semiconductors_2023`) as for `sim run`
        from sim.scenario.bundled import find_scenario
        args.scenario = find_scenario(args.scenario).resolve()
    if args.play:
        from sim.experiments.play import side_named
        from sim.scenario.language import load_scenario
        scenario = load_scenario(args.scenario or app.default_scenario())
        side = side_named(scenario, args.play)
        if side is None:
            raise UserError("--play", f"`{args.play}` is not a side of '{scenario.title}'; "
                            f"choose one of: {', '.join(scenario.actors)}")
        args.play = side
    return app.serve(args)

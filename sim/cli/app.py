"""`sim app`: the classroom web page."""

from __future__ import annotations

import argparse
from pathlib import Path

from sim.errors import UserError


def register(sub) -> None:
    app = sub.add_parser("app", help="start the classroom web page on localhost")
    app.add_argument("--port", type=int, default=8765)
    app.add_argument("--host", default="127.0.0.1")
    app.add_argument("--scenario", type=Path, help="scenario to open first")
    app.add_argument("--play", metavar="SIDE", help="students play this side (e.g. china); the "
                     "model plays the other")
    app.set_defaults(handler=cmd_app)


def cmd_app(args: argparse.Namespace) -> int:
    try:
        from sim.views import app
    except ImportError as exc:
        raise UserError(None, f"the web page needs the `app` extra ({exc.name} is missing): run "
                        "`.venv/bin/pip install -e '.[app]'` and try again") from None
    return app.serve(args)

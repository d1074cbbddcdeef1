"""`sim app`: the classroom web page."""

from __future__ import annotations

import argparse
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
    app.add_argument("--scenario", type=Path, help="scenario to open first (default: baseline)")
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

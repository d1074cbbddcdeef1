"""Two students, one per side, from their own browsers: a shared run joined with a short code.

The first student starts a room and gets a four-letter code; the second types it and takes the
other side; the model referees (constituencies, trust, pressure, the calendar). A room is the one
thing the server keeps across sessions, so it lives here, under a lock, and is dropped as soon as
both students have left.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from sim.views.app.runner import Runner

CODE_LETTERS = "ABCDEFGHJKMNPQRSTUVWXYZ"  # no I, L, O: read aloud across a room without doubt
_LOCK = threading.Lock()
ROOMS: dict[str, Room] = {}


@dataclass
class Room:
    """A shared run: its runner, which session plays which side, who to redraw on a change."""

    code: str
    runner: Runner
    sides: list[str]
    members: dict[str, str] = field(default_factory=dict)  # session id -> side
    redraw: dict[str, Callable[[], None]] = field(default_factory=dict)  # session id -> callback

    def notify(self) -> None:
        for callback in list(self.redraw.values()):
            callback()

    def free_side(self) -> str | None:
        return next((s for s in self.sides if s not in self.members.values()), None)


def open_room(make_runner: Callable[[Callable[[], None]], Runner], sides: list[str]) -> Room:
    """A new room with a fresh code; ``make_runner(notify)`` builds its shared runner."""
    with _LOCK:
        code = "".join(secrets.choice(CODE_LETTERS) for _ in range(4))
        while code in ROOMS:
            code = "".join(secrets.choice(CODE_LETTERS) for _ in range(4))
        room = Room(code, None, list(sides))  # type: ignore[arg-type]
        room.runner = make_runner(room.notify)
        ROOMS[code] = room
        return room


def join(code: str, session_id: str, redraw: Callable[[], None]) -> tuple[Room, str] | None:
    """Take the room's free side for ``session_id``; None if no such room or it is full."""
    with _LOCK:
        room = ROOMS.get(code.strip().upper())
        if room is None:
            return None
        side = room.members.get(session_id) or room.free_side()
        if side is None:
            return None
        room.members[session_id] = side
        room.redraw[session_id] = redraw
    room.notify()
    return room, side


def leave(code: str, session_id: str) -> None:
    """``session_id`` leaves; the last one out closes the room and its run."""
    with _LOCK:
        room = ROOMS.get(code)
        if room is None:
            return
        room.members.pop(session_id, None)
        room.redraw.pop(session_id, None)
        empty = not room.members
        if empty:
            del ROOMS[code]
    if empty:
        room.runner.close()
    else:
        room.notify()

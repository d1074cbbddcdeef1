"""Stand-in players for the page's tests: controllers that answer without a person."""

from __future__ import annotations


class Carrier:
    """A student who accepts every offer and carries on every week."""

    def propose(self, turn):
        return turn.suggestion

    def accepts(self, turn):
        return True

    def daily(self, model, actor):
        from sim.engine.control import Choice
        return Choice()

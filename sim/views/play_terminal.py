"""`sim play`: one side played at a terminal prompt, the model playing the other.

Every prompt reads one line, so a whole game can be scripted:
``printf 'a\\n\\n\\n' | sim play --as china``. Answers:

* your offer at the talks:   Enter = the package shown; ``p LEVER=VALUE ...`` changes values
  (lever ids and units as in the scenario: ``p us.tariff=30``); ``w`` walks away
* their offer at the talks:  ``a`` accepts; Enter or ``r`` rejects (you propose next round);
  ``p LEVER=VALUE ...`` rejects and proposes that; ``w`` walks away
* each week, and after news: ``i`` implements what was agreed, ``h`` holds back, ``m LEVER`` takes
  a measure on one of your levers; Enter keeps last week's choice

When the input runs out, every later prompt takes its Enter answer (said once).
"""

from __future__ import annotations

from typing import TextIO

from sim.engine.control import HOLD, IMPLEMENT, MEASURE, Choice, TalksTurn


class TerminalController:
    """Asks the player on ``out`` and reads answers from ``inp`` (one line per prompt)."""

    def __init__(self, model, actor: str, inp: TextIO, out: TextIO):
        self.model, self.actor, self.inp, self.out = model, actor, inp, out
        self.standing = Choice(IMPLEMENT)
        self.seen = 0
        self.counter: dict[str, float] | None = None
        self.ended_input = False
        self.agenda: list[str] = []

    # --- prompts ------------------------------------------------------------------------------
    def _read(self, prompt: str) -> str:
        self.out.write(prompt)
        self.out.flush()
        line = "" if self.ended_input else self.inp.readline()
        if not line and not self.ended_input:
            self.ended_input = True
            self.out.write("\n(no more input: Enter is taken for every later question)\n")
        elif line:
            self.out.write(line if line.endswith("\n") else line + "\n")
        return line.strip()

    def _package(self, words: list[str], base: dict[str, float]) -> dict[str, float]:
        package = dict(base)
        for word in words:
            key, _, value = word.partition("=")
            lever = self.model.levers.get(key)
            if lever is None or key not in package or not value:
                self.out.write(f"  (ignored `{word}`: use LEVER=VALUE with a lever on the "
                               f"agenda: {', '.join(package)})\n")
                continue
            try:
                package[key] = lever.spec.restrictiveness(lever.spec.clip(float(value)))
            except ValueError:
                self.out.write(f"  (ignored `{word}`: {value} is not a number)\n")
        return package

    def _show(self, package: dict[str, float], now: dict[str, float]) -> str:
        parts = []
        for k, h in package.items():
            if k not in self.agenda:
                continue
            spec = self.model.levers[k].spec
            moved = abs(h - now[k]) > 0.005
            parts.append(f"    {k:<22} {spec.label}: {spec.describe(spec.value_at(now[k]))}"
                         + (f" -> {spec.describe(spec.value_at(h))}" if moved else " (kept)"))
        return "\n".join(parts)

    # --- the controller -----------------------------------------------------------------------
    def propose(self, turn: TalksTurn) -> dict[str, float] | None:
        self.agenda = turn.agenda
        if self.counter is not None:
            package, self.counter = self.counter, None
            return package
        self.out.write(f"\n{turn.meeting}, round {turn.round} of {turn.rounds}: your offer. "
                       f"Suggested:\n{self._show(turn.suggestion, turn.now)}\n")
        answer = self._read("  [Enter] propose this, p LEVER=VALUE ... change it, w walk away > ")
        if answer.lower().startswith("w"):
            return None
        return self._package(answer.split()[1:] if answer.startswith("p") else [],
                             turn.suggestion)

    def accepts(self, turn: TalksTurn) -> bool | None:
        other = self.model.spec.actors[self.model.spec.other(self.actor)].label
        self.agenda = turn.agenda
        self.out.write(f"\n{turn.meeting}, round {turn.round} of {turn.rounds}: {other} offers\n"
                       f"{self._show(turn.offer, turn.now)}\n")
        answer = self._read("  a accept, [Enter] reject, p LEVER=VALUE ... counter, w walk away > ")
        if answer.lower().startswith("a"):
            return True
        if answer.lower().startswith("w"):
            return None
        if answer.startswith("p"):
            self.counter = self._package(answer.split()[1:], turn.suggestion)
        return False

    def daily(self, model, actor: str) -> Choice:
        news = [e for e in model.entries[self.seen:] if e.actor != actor]
        self.seen = len(model.entries)
        for e in news:
            self.out.write(f"  {model.spec.start + _days(e.day):%d %b} {e.kind}: {e.why}\n")
        if not (model.day % 7 == 1 or any(e.kind in ("agreement", "measure", "lapse")
                                           for e in news)):
            return self.standing
        me = model.negotiators[actor]
        own = [lv.id for lv in model.spec.levers if lv.actor == actor]
        self.out.write(f"\n{model.date:%d %b}: trust {me.trust:.2f}, pressure {me.pressure:.2f}; "
                       f"{me.other.label}: trust {me.other.trust:.2f}, pressure "
                       f"{me.other.pressure:.2f}; agreement "
                       f"{'in force' if model.agreement else 'none'}\n")
        answer = self._read(f"  i implement, h hold back, m LEVER measure ({', '.join(own)}), "
                            f"[Enter] keep ({self.standing.action}) > ")
        word = answer.split()
        if answer.startswith("i"):
            self.standing = Choice(IMPLEMENT)
        elif answer.startswith("h"):
            self.standing = Choice(HOLD)
        elif answer.startswith("m") and len(word) > 1 and word[1] in own:
            return Choice(MEASURE, word[1])
        elif answer:
            self.out.write(f"  (not understood: keeping {self.standing.action})\n")
        return self.standing


def _days(n: int):
    import datetime as dt
    return dt.timedelta(days=n)


def end_report(rows, scenario_title: str, side_label: str, runs: int) -> str:
    """The end comparison in plain lines."""
    lines = [f"\nThe end of '{scenario_title}', with you as {side_label}: your outcome against "
             f"{runs} model-vs-model runs and the documented record"]
    lines += [f"  {r.sentence()}" for r in rows]
    return "\n".join(lines)

"""`sim play`: one side played at a terminal prompt, the model playing the other.

Every prompt reads one line, so a whole game can be scripted:
``printf 'a\\n\\n\\n' | sim play --as china``. Answers:

* your offer at the talks:   Enter = the package shown; ``p LEVER=VALUE ...`` changes values
  (in the unit shown: ``p licensing=50`` is 50 %; a lever by its id or its last part);
  ``w`` walks away
* their offer at the talks:  ``a`` accepts; Enter or ``r`` rejects (you propose next round);
  ``p LEVER=VALUE ...`` rejects and proposes that; ``w`` walks away
* each week, and after news: ``i`` implements what was agreed, ``h`` holds back, ``m LEVER`` takes
  a measure on one of your levers; Enter carries on (last week's choice)

An answer that is not understood, or a value outside its lever's range, is said so with what is
allowed, and the same question is asked again: it never uses up a round. When the input runs
out, every later prompt takes its Enter answer (said once).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import TextIO

from sim.engine.control import HOLD, IMPLEMENT, MEASURE, Choice, TalksTurn
from sim.experiments.play import shown_range, typed_value

WORDS = {IMPLEMENT: "implement", HOLD: "hold back", MEASURE: "measure"}
SKIPPED_NEWS = ("offer",)  # the rounds of talks: the player saw them at the prompt
CARRY_ON = Choice("carry on")  # Enter each week: last week's choice again, nothing new
LISTED = ("accepted", "walked away", "measure")  # decisions listed one by one at the end


class NotUnderstood(ValueError):
    """An answer the prompt cannot use; its message says what is allowed."""


class TerminalController:
    """Asks the player on ``out`` and reads answers from ``inp`` (one line per prompt)."""

    def __init__(self, model, actor: str, inp: TextIO, out: TextIO):
        self.model, self.actor, self.inp, self.out = model, actor, inp, out
        self.standing = Choice(IMPLEMENT)
        self.seen = 0
        self.counter: dict[str, float] | None = None
        self.ended_input = False
        self.agenda: list[str] = []
        self.decisions: list[tuple[int, str, str]] = []  # (day, what was decided, its kind)
        self.tally: Counter = Counter()

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
        else:
            self.out.write("\n")
        return line.strip()

    def _ask(self, prompt: str, parse):
        """``parse(answer)`` of the first answer it understands; the others are said so and the
        question asked again (Enter is always understood, so a finished script cannot loop)."""
        while True:
            answer = self._read(prompt)
            try:
                return parse(answer)
            except NotUnderstood as why:
                self.out.write(f"  not understood: {why} (asked again; nothing was used up)\n")

    def _lever(self, name: str, allowed: list[str]) -> str:
        """The lever id ``name`` means among ``allowed`` (an id or its part after the dot)."""
        matches = [k for k in allowed if name in (k, k.partition(".")[2])] or [
            k for k in allowed if name and name in k.partition(".")[2]]  # a unique part of it
        if len(matches) != 1:
            raise NotUnderstood(f"`{name}` is not one of {', '.join(allowed)}")
        return matches[0]

    def _package(self, words: list[str], base: dict[str, float]) -> dict[str, float]:
        """``base`` with ``LEVER=VALUE`` words applied, each value in the lever's shown unit."""
        if not words:
            raise NotUnderstood("give LEVER=VALUE after p, e.g. p "
                                f"{self.agenda[0].partition('.')[2]}=30")
        package = dict(base)
        for word in words:
            key, _, value = word.partition("=")
            if not value:
                raise NotUnderstood(f"`{word}` is not LEVER=VALUE")
            lever_id = self._lever(key, [k for k in package if k in self.agenda])
            spec = self.model.levers[lever_id].spec
            try:
                package[lever_id] = spec.restrictiveness(typed_value(spec, value))
            except ValueError as exc:
                raise NotUnderstood(str(exc)) from None
        return package

    def _show(self, package: dict[str, float], now: dict[str, float]) -> str:
        parts = []
        for k, h in package.items():
            if k not in self.agenda:
                continue
            spec = self.model.levers[k].spec
            moved = abs(h - now[k]) > 0.005
            parts.append(f"    {k:<22} {spec.label} ({shown_range(spec)}): "
                         f"{spec.describe(spec.value_at(now[k]))}"
                         + (f" -> {spec.describe(spec.value_at(h))}" if moved else " (kept)"))
        return "\n".join(parts)

    def _decided(self, what: str, tally: str) -> None:
        self.decisions.append((self.model.day, what, tally))
        self.tally[tally] += 1

    # --- the controller -----------------------------------------------------------------------
    def propose(self, turn: TalksTurn) -> dict[str, float] | None:
        self.agenda = turn.agenda
        if self.counter is not None:
            package, self.counter = self.counter, None
            return package
        self.out.write(f"\n{turn.meeting}, round {turn.round} of {turn.rounds}: your offer. "
                       f"Suggested:\n{self._show(turn.suggestion, turn.now)}\n")

        def parse(answer: str):
            word = answer.split()
            if not answer:
                return turn.suggestion
            if word[0].lower() in ("w", "walk"):
                return None
            if word[0].lower() == "p":
                return self._package(word[1:], turn.suggestion)
            raise NotUnderstood(f"`{answer}`: Enter proposes the package shown, "
                                "p LEVER=VALUE changes it, w walks away")

        package = self._ask("  [Enter] propose this, p LEVER=VALUE ... change it, w walk away > ",
                            parse)
        if package is None:
            self._decided(f"walked away from {turn.meeting} (round {turn.round})", "walked away")
        else:
            self.out.write(f"  you propose:\n{self._show(package, turn.now)}\n")
            self._decided(f"proposed at {turn.meeting} (round {turn.round})", "proposed")
        return package

    def accepts(self, turn: TalksTurn) -> bool | None:
        other = self.model.spec.actors[self.model.spec.other(self.actor)].label
        self.agenda = turn.agenda
        self.out.write(f"\n{turn.meeting}, round {turn.round} of {turn.rounds}: {other} offers\n"
                       f"{self._show(turn.offer, turn.now)}\n")

        def parse(answer: str):
            word = answer.split()
            first = word[0].lower() if word else ""
            if first in ("a", "accept"):
                return True
            if first in ("", "r", "reject"):
                return False
            if first in ("w", "walk"):
                return None
            if first == "p":
                return self._package(word[1:], turn.suggestion)
            raise NotUnderstood(f"`{answer}`: a accepts, Enter or r rejects, "
                                "p LEVER=VALUE counters, w walks away")

        answer = self._ask("  a accept, [Enter] reject, p LEVER=VALUE ... counter, "
                           "w walk away > ", parse)
        where = f"{turn.meeting} (round {turn.round})"
        if isinstance(answer, dict):
            self.counter = answer
            self.out.write(f"  you reject and will propose:\n{self._show(answer, turn.now)}\n")
            self._decided(f"rejected {other}'s offer and countered at {where}", "rejected")
            return False
        self._decided({True: f"accepted {other}'s offer at {where}",
                       False: f"rejected {other}'s offer at {where}",
                       None: f"walked away from {where}"}[answer],
                      {True: "accepted", False: "rejected", None: "walked away"}[answer])
        return answer

    def daily(self, model, actor: str) -> Choice:
        news = [e for e in model.entries[self.seen:] if e.kind not in SKIPPED_NEWS]
        self.seen = len(model.entries)
        for e in news:
            who = ("you" if e.actor == actor else model.spec.actors[e.actor].label
                   if e.actor in model.spec.actors else "both")
            self.out.write(f"  {model.spec.start + dt.timedelta(days=e.day):%d %b} "
                           f"{e.kind} ({who}): {e.why}\n")
        if not (model.day % 7 == 1 or any(e.kind in ("agreement", "measure", "lapse")
                                           for e in news if e.actor != actor)):
            return self.standing
        me = model.negotiators[actor]
        own = [lv.id for lv in model.spec.levers if lv.actor == actor]
        self.out.write(f"\n{model.date:%d %b}: trust {me.trust:.2f}, pressure {me.pressure:.2f}; "
                       f"{me.other.label}: trust {me.other.trust:.2f}, pressure "
                       f"{me.other.pressure:.2f}; agreement "
                       f"{'in force' if model.agreement else 'none'}\n")

        def parse(answer: str) -> Choice:
            word = answer.split()
            first = word[0].lower() if word else ""
            if first == "":
                return CARRY_ON
            if first in ("i", "implement"):
                return Choice(IMPLEMENT)
            if first in ("h", "hold"):
                return Choice(HOLD)
            if first in ("m", "measure"):
                if len(word) < 2:
                    raise NotUnderstood(f"name the lever: m {own[0]}")
                return Choice(MEASURE, self._lever(word[1], own))
            talks = " (offers are made at the talks)" if first == "p" else ""
            raise NotUnderstood(f"`{answer}`{talks}: i implements, h holds back, m LEVER takes "
                                "a measure, Enter carries on")

        choice = self._ask(f"  i implement, h hold back, m LEVER measure ({', '.join(own)}), "
                           f"[Enter] carry on ({WORDS[self.standing.action]}) > ", parse)
        if choice is CARRY_ON:
            self._decided(f"carried on ({WORDS[self.standing.action]})", "carried on")
            return self.standing
        if choice.action == MEASURE:
            self._decided(f"took a measure on {choice.lever}", "measure")
        else:
            self.standing = choice
            self._decided(f"chose to {WORDS[choice.action]}", WORDS[choice.action])
        return choice


def decisions_report(controller: TerminalController) -> str:
    """The player's own decisions: counted, then the talks and measures one per line."""
    tally = ", ".join(f"{what} {n}" for what, n in controller.tally.items()) or "none"
    start = controller.model.spec.start
    lines = [f"\nYour decisions: {tally}"]
    lines += [f"  {start + dt.timedelta(days=day):%d %b} {what}"
              for day, what, kind in controller.decisions if kind in LISTED]
    return "\n".join(lines)


def end_report(rows, scenario_title: str, side_label: str, runs: int) -> str:
    """The end comparison in plain lines."""
    lines = [f"\nThe end of '{scenario_title}', with you as {side_label}: your outcome against "
             f"{runs} model-vs-model runs and the documented record"]
    lines += [f"  {r.sentence()}" for r in rows]
    return "\n".join(lines)


def who_paid_report(model) -> str:
    """What the game cost each side, in money ("" for a scenario without a trade layer)."""
    from sim.views.who_paid import lines, run_who_paid

    paid = run_who_paid(model.spec, model.columns)
    return "" if paid is None else "\n" + "\n".join(lines(paid, "Who paid in your game"))

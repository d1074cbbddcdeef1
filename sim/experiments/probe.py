"""The one-at-a-time probe behind `sim explain`: each behaviour value of each side moved alone
(towards each end of its range), the scenario re-run on the run's seed, and for each meeting
that fell short (talks without agreement, a meeting not held) and each decision point, the
nearest moved value that changes what it came to.

Every value reported was run: re-running the scenario with that one change (the same override
path, the same seed) gives the result it names. A value first tried at the end of its range is
tried nearer the run's own value (a quarter, half, three quarters of the way) to find the
smallest move that still works; effects need not be monotonic, so a nearer value that works may
be missed, never a reported one untrue.
"""

from __future__ import annotations

import dataclasses

from sim.engine.behaviour import PARAMS, ParamInfo
from sim.engine.spec import Scenario
from sim.errors import UserError
from sim.experiments.happenings import RANK, Change, Happening, Recorder
from sim.scenario.overrides import apply_overrides

STEPS = (0.25, 0.5, 0.75)  # shares of the way to the end of the range tried after the end works


def probe(scenario: Scenario, seed: int, found: list[Happening],
          behaviour: dict[str, dict[str, float]]) -> int:
    """Fill in each happening's ``changes`` (and ``together`` where no single value works);
    returns the number of runs made."""
    targets = [h for h in found if h.fell_short or (h.kind == "decision" and h.name)]
    runs = 0
    for actor, values in behaviour.items():
        label = scenario.actors[actor].label
        for param, info in PARAMS.items():
            was = float(values[param])
            for end in (info.low, info.high):
                if abs(end - was) < 1e-9:
                    continue
                key = f"actors.{actor}.behaviour.{param}"
                at_end: dict[str, Change] = {}  # what the end of the range moved
                nearest: dict[str, Change] = {}  # the nearest value that moved it as well
                for share in (1.0, *STEPS):  # the end first, then from the nearest
                    if share < 1.0 and not at_end:
                        break  # the end moved nothing: nearer values are not tried
                    value = rounded(was + (end - was) * share, info)
                    if value == rounded(was, info):
                        continue
                    came = came_to(scenario, seed, {key: value})
                    runs += 1
                    if came is None:
                        break
                    for h in targets:
                        result = moved(h, came)
                        if result is None:
                            continue
                        change = Change(actor, label, param, was, value, result)
                        if share == 1.0:
                            at_end[h.name] = change
                        else:
                            nearest.setdefault(h.name, change)
                for h in targets:
                    if h.name in at_end or h.name in nearest:
                        h.changes.append(nearest.get(h.name) or at_end[h.name])
    for h in targets:
        h.changes.sort(key=lambda c: c.size)
        if not h.changes and h.fell_short:
            runs += together(scenario, seed, h, behaviour)
    return runs


def together(scenario: Scenario, seed: int, h: Happening,
             behaviour: dict[str, dict[str, float]]) -> int:
    """Where no single value works: every side in the way moved at once (each absent side's
    initial_trust up, each side with a gap's resolve down), half way then all the way; the
    first that works goes into ``h.together``. Returns the runs made."""
    moves = [(p.actor, p.label, "initial_trust", PARAMS["initial_trust"].high) for p in h.absent]
    moves += [(s.actor, s.label, "resolve", PARAMS["resolve"].low) for s in h.sides
              if s.gap > 0.0005]
    if len(moves) < 2:
        return 0
    runs = 0
    for share in (0.5, 1.0):
        changes = []
        for actor, label, param, end in moves:
            was = float(behaviour[actor][param])
            value = rounded(was + (end - was) * share, PARAMS[param])
            changes.append(Change(actor, label, param, was, value, ""))
        came = came_to(scenario, seed, {c.key: c.value for c in changes})
        runs += 1
        result = moved(h, came) if came is not None else None
        if result is not None:
            h.together = [dataclasses.replace(c, result=result) for c in changes]
            break
    return runs


def rounded(value: float, info: ParamInfo) -> float:
    """Whole numbers for values counted in days or times; two decimals for the rest."""
    return float(round(value)) if info.high > 10 else round(value, 2)


def came_to(scenario: Scenario, seed: int, overrides: dict[str, object]
            ) -> dict[str, str] | None:
    """What each meeting came to (the furthest any of its occasions got) and the first action
    at each decision point, in the run with ``overrides``; None if the scenario refuses them."""
    try:
        changed = apply_overrides(scenario, overrides)
    except UserError:
        return None
    model = Recorder(changed, seed=seed).run_to_end()
    out: dict[str, str] = {}
    for _, meeting, held, _ in model.kept:
        name = meeting.spec.name
        if held.decision is not None:
            out.setdefault(name, held.decision.action)
            continue
        result = ("agreed" if held.agreed is not None else
                  "not held" if not held.held else
                  "no agreement" if held.talks is not None else "held")
        if RANK[result] > RANK.get(out.get(name, "not held"), 0) or name not in out:
            out[name] = result
    return out


def moved(h: Happening, came: dict[str, str]) -> str | None:
    """What ``h`` came to in a probe run, if that is a change worth naming: further for a
    meeting that fell short, another action at a decision point."""
    result = came.get(h.name)
    if result is None:
        return None
    if h.kind == "decision":
        return result if result != h.result else None
    return result if RANK.get(result, 0) > RANK.get(h.result, 0) else None

"""`sim play`: play one side of a scenario at the terminal; the model plays the other."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sim.errors import UserError


def register(sub) -> None:
    play = sub.add_parser(
        "play", help="play one side at the terminal (answers from the keyboard or a script)",
        description="Play one side: at each round of talks accept, reject or propose; each week "
        "carry on, implement, hold back or take a measure. Values are typed as they are shown "
        "(`p licensing=50` offers 50 %); an answer that is not understood, or a value outside "
        "its lever's range, is said so and asked again without using up the round. Answers are "
        "read one line at a time from stdin, so `printf 'a\\n...' | sim play --as china` plays "
        "a scripted game. The end lists your decisions and compares your outcome with the "
        "documented record and with model-vs-model runs; for a scenario with a trade section, "
        "it says who paid, in money.")
    play.add_argument("--as", dest="side", required=True, metavar="SIDE",
                      help="the side you play (an actor id or label of the scenario, in any "
                      "case: china, China)")
    play.add_argument("--scenario", type=Path, help="scenario YAML (default: the baseline)")
    play.add_argument("--seed", type=int, help="seed (default: the scenario's `seed:`)")
    play.add_argument("--runs", type=int, default=100,
                      help="model-vs-model runs to compare with (default 100)")
    play.set_defaults(handler=cmd_play)


def cmd_play(args: argparse.Namespace) -> int:
    from sim.engine.model import NegotiationModel
    from sim.experiments.play import compare, ensemble, observations_of, side_named
    from sim.scenario.bundled import scenarios_dir
    from sim.scenario.language import load_scenario
    from sim.views.play_terminal import (
        TerminalController,
        decisions_report,
        end_report,
        who_paid_report,
    )

    scenario = load_scenario(args.scenario or scenarios_dir() / "baseline.yaml")
    side = side_named(scenario, args.side)
    if side is None:
        raise UserError("--as", f"`{args.side}` is not a side of '{scenario.title}'; choose one "
                        f"of: {', '.join(scenario.actors)}")
    if args.runs < 1:
        raise UserError("--runs", f"--runs must be at least 1, found {args.runs}")
    me = scenario.actors[side].label
    print(f"'{scenario.title}': you play {me}, the model plays the other side. "
          f"{scenario.start:%d %b} to {scenario.end:%d %b %Y}. Values are typed as shown "
          "(a share shown as 20 % is typed 20).")
    controller = TerminalController(None, side, sys.stdin, sys.stdout)
    model = NegotiationModel(scenario, seed=args.seed, controllers={side: controller})
    controller.model = model
    model.run_to_end()
    print(decisions_report(controller))
    rows = compare(model, ensemble(scenario, args.runs), observations_of(scenario))
    print(end_report(rows, scenario.title, me, args.runs))
    paid = who_paid_report(model)
    if paid:  # a scenario with a trade layer: what the game cost each side
        print(paid)
    return 0

"""`sim play`: a side played from a script of answers on stdin, and the engine's controller hook."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sim.engine.control import HOLD, IMPLEMENT, MEASURE, Choice
from sim.engine.model import NegotiationModel

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "scenarios" / "baseline.yaml"


def _play(script: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sim", "play", "--as", "china", "--scenario",
                           str(BASELINE), "--runs", "20", *args], input=script, text=True,
                          capture_output=True, cwd=ROOT, timeout=120)


def test_a_scripted_game_reaches_the_end_comparison():
    done = _play("a\n" * 40)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "Geneva talks, round 1" in out and "London talks" in out
    assert "The end of" in out and "model runs" in out
    assert "US tariff on Chinese goods:" in out and "the record: 30 %" in out


def test_walking_away_leaves_no_agreement_and_a_bad_side_is_refused():
    done = _play("w\n" * 60)
    assert done.returncode == 0, done.stderr
    assert "Agreements signed: 0" in done.stdout
    bad = subprocess.run([sys.executable, "-m", "sim", "play", "--as", "mars"], text=True,
                         capture_output=True, cwd=ROOT, input="")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr and "china" in bad.stderr


class Script:
    """A controller with fixed answers: accept everything, and one choice every day."""

    def __init__(self, choice: Choice):
        self.choice, self.asked = choice, 0

    def propose(self, turn):
        self.asked += 1
        return turn.suggestion

    def accepts(self, turn):
        self.asked += 1
        return True

    def daily(self, model, actor):
        return self.choice


def test_the_hook_changes_only_the_controlled_side(baseline):
    plain = NegotiationModel(baseline).run_to_end()
    held = NegotiationModel(baseline, controllers={"china": Script(Choice(HOLD))}).run_to_end()
    assert held.columns["china.rare_earth_licensing"] != plain.columns["china.rare_earth_licensing"]
    assert held.levers["china.rare_earth_licensing"].value == \
        held.columns["china.rare_earth_licensing"][0]  # never implemented: licences stay put
    done = NegotiationModel(baseline, controllers={"china": Script(Choice(IMPLEMENT))})
    assert done.run_to_end().levers["china.rare_earth_licensing"].value > \
        plain.columns["china.rare_earth_licensing"][0]
    tight = NegotiationModel(baseline, controllers={"china": Script(
        Choice(MEASURE, "china.tariff_on_us"))}).run_to_end()
    assert any(e.kind == "measure" and e.actor == "china" and "player" in e.why
               for e in tight.entries)

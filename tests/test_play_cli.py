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


def _converse(answer, *args: str) -> str:
    """A game played by reading each prompt and answering ``answer(prompt)``: a student at the
    keyboard (a fixed script cannot know which question comes next)."""
    proc = subprocess.Popen([sys.executable, "-m", "sim", "play", "--as", "china", "--scenario",
                             str(BASELINE), *args], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True, cwd=ROOT, bufsize=0)
    out = []
    line = ""
    while (char := proc.stdout.read(1)):
        out.append(char)
        line = "" if char == "\n" else line + char
        if line.endswith("> "):
            proc.stdin.write(answer(line) + "\n")
            proc.stdin.flush()
    proc.wait(120)
    assert proc.returncode == 0
    return "".join(out)


def test_walking_away_leaves_no_agreement_and_a_bad_side_is_refused():
    out = _converse(lambda prompt: "w" if "walk away" in prompt else "", "--runs", "5")
    assert "Agreements signed: 0" in out and "walked away" in out
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


# --- one unit, refusals that use nothing up, the player's own decisions ---------------------------
WEEKS_BEFORE_GENEVA = "\n" * 4  # the weekly questions of 15, 22, 29 April and 6 May


def test_a_percent_offer_is_taken_as_percent():
    done = _play(WEEKS_BEFORE_GENEVA + "p licensing=50 tariff_on_us=20%\n", "--runs", "5")
    assert done.returncode == 0, done.stderr
    proposed = done.stdout.split("you propose:", 1)[1].split("\n\n", 1)[0]
    assert "China rare-earth licences approved (0 % to 100 %): 20 % -> 50 %" in proposed
    assert "China tariff on US goods (0 % to 200 %): 125 % -> 20 %" in proposed


def _rounds_asked(out: str) -> list[str]:
    return [line.split(":")[0] for line in out.splitlines() if line.startswith("Geneva talks")]


def test_an_out_of_range_or_unknown_answer_is_refused_and_uses_no_round():
    clean = _play(WEEKS_BEFORE_GENEVA + "p licensing=50\n" + "\n" * 30, "--runs", "5")
    noisy = _play(WEEKS_BEFORE_GENEVA + "p licensing=500\nxyz\np licensing=-5\n"
                  "p licensing=50\nmaybe\n" + "\n" * 29, "--runs", "5")
    assert clean.returncode == 0 and noisy.returncode == 0, noisy.stderr
    out = noisy.stdout
    assert ("not understood: 500 is outside the range of China rare-earth licences approved: "
            "0 % to 100 %") in out
    assert "not understood: -5 is outside the range" in out
    assert "not understood: `xyz`" in out and "not understood: `maybe`" in out
    assert out.count("not understood") == 4
    # the same rounds were asked, in the same order, and the game ended the same way
    assert _rounds_asked(out) == _rounds_asked(clean.stdout)
    assert _rounds_asked(out)[:2] == ["Geneva talks, round 1 of 12", "Geneva talks, round 2 of 12"]
    assert out.split("The end of", 1)[1] == clean.stdout.split("The end of", 1)[1]


def test_the_players_own_decisions_are_shown():
    done = _play(WEEKS_BEFORE_GENEVA + "\na\nm tariff_on_us\n", "--runs", "5")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "measure (you): China tightens China tariff on US goods from 125 % to 175 %" in out
    decisions = out.split("Your decisions:", 1)[1].split("The end of", 1)[0]
    assert "accepted US's offer at Geneva talks (round 2)" in decisions
    assert "took a measure on china.tariff_on_us" in decisions


def test_the_side_is_taken_in_any_case_and_a_wrong_one_in_one_line():
    done = _play("", "--runs", "2")  # --as china
    upper = subprocess.run([sys.executable, "-m", "sim", "play", "--as", "China", "--runs", "2"],
                           input="", text=True, capture_output=True, cwd=ROOT, timeout=120)
    assert upper.returncode == 0, upper.stderr
    assert upper.stdout.split("The end", 1)[1] == done.stdout.split("The end", 1)[1]
    bad = subprocess.run([sys.executable, "-m", "sim", "play", "--as", "Chinaa"], input="",
                         text=True, capture_output=True, cwd=ROOT, timeout=120)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1 and "china" in bad.stderr


def test_placement_words_are_true_at_the_ends():
    from sim.experiments.play import Row
    row = Row("k", "K", "1", "", 0.0, "2", below=0.0, same=0.0)
    assert row.placement() == "below every model run"
    assert Row("k", "K", "9", "", 100.0, "2", below=1.0).placement() == "above every model run"
    assert Row("k", "K", "2", "", 50.0, "2", same=1.0).placement() == \
        "the same as every model run"
    assert Row("k", "K", "2", "", 40.0, "2", below=0.3, same=0.2).placement() == \
        "higher than 40 % of model runs"


def test_values_are_typed_in_the_unit_they_are_shown_in(baseline):
    import pytest

    from sim.engine.model import NegotiationModel
    from sim.experiments.play import typed_value
    levers = NegotiationModel(baseline).levers
    licences = levers["china.rare_earth_licensing"].spec
    tariff = levers["us.tariff_on_china"].spec
    chips = levers["us.chip_controls"].spec
    assert typed_value(licences, "50") == pytest.approx(0.5)
    assert typed_value(licences, "50 %") == pytest.approx(0.5)
    assert typed_value(tariff, "30") == 30
    assert typed_value(chips, "0.4") == pytest.approx(0.4)
    for spec, text, allowed in ((licences, "101", "0 % to 100 %"), (tariff, "201", "0 % to 200 %"),
                                (chips, "2", "0.00 to 1.00"), (tariff, "abc", "0 % to 200 %")):
        with pytest.raises(ValueError, match=allowed):
            typed_value(spec, text)

"""The page's "why each meeting came to what it did": `sim explain` for the run on screen.

Folded like the settings and worked out only when opened: the run is replayed from its
scenario (with the page's behaviour values) and seed, which makes the same run byte for byte,
and each meeting and decision point so far is listed with each side's reservation, the best
offer it received, the gap, who stayed away, and the behaviour values that would have closed a
gap (the probe, on the run's seed). A run with a student playing cannot be replayed without the
student's answers, so the panel says so instead of guessing.
"""

from __future__ import annotations

import dataclasses
import threading
from collections import OrderedDict

import solara

from sim.experiments.explain import explain
from sim.experiments.happenings import Explanation
from sim.views.app.folded import Folded
from sim.views.app.runner import Runner
from sim.views.app.state import tick
from sim.views.explanation import explanation_html

_LOCK = threading.Lock()
_CACHE: OrderedDict[tuple, Explanation] = OrderedDict()
CACHED = 32  # explanations kept (a class watching a few settings each)


def explanation(model) -> Explanation:
    """The explanation of the page's whole run, once per scenario file, settings and seed
    (cached and shared, bounded: two tabs watching the same run share it)."""
    key = (model.scenario_file, tuple(sorted(model.settings.items())), model.seed_used)
    with _LOCK:
        if key not in _CACHE:
            _CACHE[key] = explain(model.spec, model.seed_used, probe_values=True)
            while len(_CACHE) > CACHED:
                _CACHE.popitem(last=False)
        _CACHE.move_to_end(key)
        return _CACHE[key]


def explain_html(model) -> str:
    """The meetings and decision points up to the page's day, with their numbers."""
    if model.controllers:
        return ("<p>With a student playing, the run depends on the student's answers and "
                "cannot be replayed here: choose <b>Watch both sides</b> and <b>Reset</b> to see "
                "why each meeting of the model's own run came to what it did.</p>")
    whole = explanation(model)
    so_far = [h for h in whole.happenings if h.date <= model.date]
    if not so_far:
        return "<p>No meeting or decision point yet: step on, then look again.</p>"
    shown = dataclasses.replace(whole, happenings=so_far)
    return explanation_html(shown, probed=whole.probe_runs > 0)


@solara.component
def ExplainPanel(runner: Runner):
    """Folded; its body is built (and the run explained) only once it is opened."""
    Folded("Why each meeting came to what it did (numbers)", lambda: ExplainBody(runner))


@solara.component
def ExplainBody(runner: Runner):
    tick.get()
    solara.HTML(tag="div", classes=["sim-explain"], unsafe_innerHTML=explain_html(runner.model))


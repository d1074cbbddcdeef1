"""A calibration over several episodes (a calibration file), and the views of it per episode.

The parameter vector holds each *shared* value once, under its scenario key, and each value
*per episode* once per episode that sets it, as ``EPISODE:KEY``. Every episode reads the shared
entries and its own (``distance.Episode.keys``); the distance is the mean of the episodes'
(``sim.experiments.distance``), so none dominates by its number of observations.

A shared value's prior is the first episode's (its documented range, or what that scenario's
`calibrate:` section narrows it to); its scenario value, where the screen leaves it unfitted,
stays each episode's own.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from sim.errors import UserError
from sim.experiments import priors as pr
from sim.experiments.abc_smc import Generation, Problem
from sim.experiments.distance import Episode
from sim.record.lookup import record_to_fit
from sim.scenario.calibration import slots
from sim.scenario.calibration_file import CalibrationFile
from sim.scenario.language import load_scenario

SEP = ":"  # EPISODE:KEY names a value fitted per episode


def _prior(scenario, key: str) -> pr.Prior:
    own = {p.key: p for p in pr.scenario_priors(scenario)}
    if key in own:
        return own[key]
    s = slots(scenario.data)[key]
    return pr.Prior(key, float(s.value), s.low, s.high, s.why)  # type: ignore[arg-type]


def problem(cal: CalibrationFile, kind: str = "fit", leave_out: str | None = None
            ) -> Problem:
    """The joint problem of ``cal``'s episodes (without ``leave_out``)."""
    if leave_out is not None and leave_out not in cal.episodes:
        raise UserError("--leave-out", f"`{leave_out}` is not an episode of {cal.file}; its "
                        f"episodes: {', '.join(cal.episodes)}")
    names = [n for n in cal.episodes if n != leave_out]
    if not names:
        raise UserError("--leave-out", "leaves no episode to fit")
    scenarios = {n: load_scenario(cal.episodes[n]) for n in names}
    first = scenarios[names[0]]
    free = [_prior(first, k) for k in cal.shared]
    for n in names:
        own = ([_prior(scenarios[n], k) for k in cal.per_episode
                if k in slots(scenarios[n].data)] if cal.per_episode is not None
               else [p for p in pr.scenario_priors(scenarios[n]) if p.key not in cal.shared])
        free += [replace(p, key=f"{n}{SEP}{p.key}") for p in own]
    episodes = [Episode(n, scenarios[n], record_to_fit(scenarios[n]),
                        tuple(_reads(n, p.key) for p in free), 1.0 / len(names))
                for n in names]
    return Problem(first, free, episodes[0].record, episodes, kind)


def _reads(episode: str, key: str) -> str | None:
    name, sep, rest = key.partition(SEP)
    if not sep:
        return key
    return rest if name == episode else None


def narrowed(problem_: Problem, keep: list[str]) -> Problem:
    """``problem_`` fitting only the values ``keep`` (the others at their scenario values)."""
    index = [i for i, p in enumerate(problem_.priors) if p.key in keep]
    episodes = [replace(ep, keys=tuple(ep.keys[i] for i in index)) for ep in problem_.parts()]
    return replace(problem_, priors=[problem_.priors[i] for i in index], episodes=episodes)


def episode_view(problem_: Problem, name: str, gen: Generation) -> tuple[Problem, Generation]:
    """One episode's part of a joint calibration, as a single-episode problem and generation
    (the values it reads, under its own scenario keys)."""
    ep = next(e for e in problem_.parts() if e.name == name)
    index = [i for i, k in enumerate(ep.keys) if k is not None]
    priors = [replace(problem_.priors[i], key=ep.keys[i]) for i in index]
    sub = Problem(ep.scenario, priors, ep.record)
    view = Generation(gen.index, gen.theta[:, index], gen.weights, gen.distances, gen.epsilon,
                      gen.runs_used)
    return sub, view


def shared_view(problem_: Problem, scenario, gen: Generation) -> tuple[Problem, Generation]:
    """The shared values of a joint calibration as a problem on ``scenario`` (an episode left
    out of the fit: it reads only the shared values; its own stay as its scenario sets them)."""
    index = [i for i, p in enumerate(problem_.priors) if SEP not in p.key]
    priors = [problem_.priors[i] for i in index]
    sub = Problem(scenario, priors, record_to_fit(scenario))
    theta = gen.theta[:, index] if index else np.zeros((len(gen.weights), 0))
    return sub, Generation(gen.index, theta, gen.weights, gen.distances, gen.epsilon,
                           gen.runs_used)

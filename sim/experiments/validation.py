"""Validation: does the score tell the scenario from worlds that are plainly wrong?

The scenario is run against *null worlds* on the same seeds (common random numbers: run ``i`` of
every world uses ``ensemble.seed_for(base, i)``), and each world's score is compared with the
scenario's run by run. The worlds are built from the scenario itself, so no country, lever or
meeting is named here:

* ``levers_frozen``: every lever keeps its initial value (its speed set to 0): agreements and
  measures are still made, but nothing they order takes effect.
* ``calendar_only``: levers frozen, and the status word given by the calendar alone, as if every
  dated meeting succeeded on its day and nothing else happened (``calendar_status``).
* ``random_dispositions``: every behaviour value of every side drawn per run, uniformly over its
  documented range (``sim.engine.behaviour.PARAMS``).
* ``without_<meeting>``: one dated or triggered meeting removed, for each meeting in turn.

Two scores per run: ``fit`` (``scorecard.summarise`` over the whole record, the score the README
has always quoted) and ``behaviour_fit``: the same formula over the observations that are *not*
fixed by the scenario's inputs or calendar. An observation counts as fixed when both the
levers-frozen and the calendar-only worlds hit it in at least ``FIXED_SHARE`` of their runs: a
world in which nothing the negotiators decide changes any lever or status cannot be right by
behaviour, so those hits say nothing about behaviour. Moves are always behavioural.

For each world: the mean score, and the mean paired difference (scenario minus world) with a 95 %
interval ``mean ± 1.96 · sd / sqrt(n)`` (normal approximation; the runs are independent draws).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

import numpy as np

from sim.engine.behaviour import PARAMS
from sim.engine.model import NegotiationModel
from sim.engine.spec import Scenario
from sim.errors import UserError
from sim.experiments.ensemble import Z95, seed_for
from sim.record import behaviour_score, scorecard
from sim.record.documents import Record
from sim.record.series_score import add_series_columns, with_series
from sim.scenario.language import apply_overrides

FIXED_SHARE = 0.99
SCORES = ("fit", "behaviour_fit")


@dataclass
class World:
    """One world to score: a scenario (maybe altered) and an optional rewrite of its status."""

    name: str
    description: str
    scenario: Scenario
    calendar: bool = False  # replace the status column by ``calendar_status``


# -- the null worlds ------------------------------------------------------------------------------
def frozen(scenario: Scenario) -> Scenario:
    """``scenario`` with every lever's speed 0: orders are given but nothing moves."""
    out = dataclasses.replace(scenario)
    out.actors = {a: dataclasses.replace(spec, levers=tuple(
        dataclasses.replace(lever, speed=0.0) for lever in spec.levers))
        for a, spec in scenario.actors.items()}
    out.sha256 = scenario.sha256 + ":levers_frozen"
    return out


def random_dispositions(scenario: Scenario) -> Scenario:
    """``scenario`` with every behaviour value drawn per run over its documented range."""
    overrides: dict[str, object] = {}
    for actor in scenario.actors:
        overrides[f"actors.{actor}.behaviour"] = {
            name: {"uniform": [info.low, info.high]} for name, info in PARAMS.items()}
    return apply_overrides(scenario, overrides)


def calendar_status(scenario: Scenario) -> list[str]:
    """The status word of each day from the calendar alone (the engine's status words).

    ``escalating`` until the first dated talks; after talks, ``truce`` (the first agreement) or
    ``framework_agreed`` (a later one); after a call, ``talks_restarted`` until the next talks.
    Triggered meetings have no date and are left out.
    """
    status, talks, changes = "escalating", 0, {}
    for m in sorted((m for m in scenario.meetings if m.date), key=lambda m: m.date):
        if m.kind == "talks":
            status = "truce" if talks == 0 else "framework_agreed"
            talks += 1
        else:
            status = "talks_restarted"
        changes[(m.date - scenario.start).days] = status
    out, current = [], "escalating"
    for day in range(scenario.days):
        current = changes.get(day, current)
        out.append(current)
    return out


def worlds(scenario: Scenario) -> list[World]:
    """The scenario itself first, then every null world built from it."""
    still = frozen(scenario)
    out = [World("scenario", f"{scenario.name} as written", scenario),
           World("levers_frozen", "every lever keeps its initial value", still),
           World("calendar_only", "levers frozen, status from the calendar alone", still, True),
           World("random_dispositions", "behaviour drawn per run over each documented range",
                 random_dispositions(scenario))]
    for m in scenario.meetings:
        out.append(World(f"without_{m.name}", f"{m.label} removed",
                         apply_overrides(scenario, {f"meetings.{m.name}": None})))
    return out


# -- running and scoring --------------------------------------------------------------------------
@dataclass
class Context:
    """What every worker needs: the worlds and the record."""

    worlds: list[World]
    record: Record


@dataclass(frozen=True)
class RunScores:
    """One run of one world, scored: hits per observation (None: not scored) and move marks."""

    world: int
    index: int
    hits: tuple[bool | None, ...]
    errors: tuple[float | None, ...]
    moves: tuple[scorecard.MoveScore, ...]
    behaviour_hits: tuple[bool | None, ...]  # status words scored over their window
    means: tuple[float, ...]  # window means of value observations (nan otherwise)


def score_task(context: Context, task: tuple[int, int, int]) -> RunScores:
    """Run world ``task[0]``'s run ``task[1]`` with seed ``task[2]`` and score it."""
    which, index, seed = task
    world = context.worlds[which]
    columns = NegotiationModel(world.scenario, seed=seed, run=index).run_to_end().columns
    if world.calendar:
        columns = {**columns, "status": calendar_status(world.scenario)}
    columns = add_series_columns(context.record, columns)  # the record's series, if it has any
    obs = scorecard.score_observations(context.record, columns)
    moves = scorecard.score_moves(context.record, columns)
    behaviour = behaviour_score.observation_scores(context.record, columns)
    return RunScores(which, index, tuple(s.hit for s in obs), tuple(s.error for s in obs),
                     tuple(moves), tuple(s.hit for s in behaviour),
                     tuple(behaviour_score.window_means(context.record, columns)))


@dataclass
class Report:
    """Every world's per-run scores on common seeds, and the comparisons drawn from them."""

    worlds: list[World]
    record: Record
    base_seed: int
    runs: int
    scores: dict[str, np.ndarray] = field(default_factory=dict)  # (worlds, runs), nan: not run
    fixed: list[str] = field(default_factory=list)  # ids of observations fixed by inputs
    proper: dict[int, dict[str, float]] = field(default_factory=dict)  # world -> proper scores
    partial: bool = False

    def rows(self) -> list[dict]:
        """One row per world: mean scores and the paired difference from the scenario."""
        done = np.all(np.isfinite(self.scores["fit"]), axis=0)
        out = []
        for w, world in enumerate(self.worlds):
            row: dict = {"world": world.name, "description": world.description,
                         "runs": int(done.sum())}
            for name in SCORES:
                data = self.scores[name][:, done]
                row[name] = float(data[w].mean()) if done.any() else math.nan
                row.update({f"{name}_{k}": v for k, v in
                            paired(data[0], data[w]).items()})
            row.update(self.proper.get(w, dict.fromkeys(PROPER, math.nan)))
            out.append(row)
        return out


def paired(base: np.ndarray, other: np.ndarray) -> dict[str, float]:
    """Mean of ``base - other`` and its 95 % interval (normal approximation)."""
    d = base - other
    n = len(d)
    mean = float(d.mean()) if n else math.nan
    half = float(Z95 * d.std(ddof=1) / math.sqrt(n)) if n > 1 else math.nan
    better = float((d > 0).mean()) if n else math.nan  # share of seeds the scenario wins
    return {"diff": mean, "low": mean - half, "high": mean + half, "better": better}


def fixed_observations(record: Record, hits: dict[int, list[RunScores]],
                       frozen_worlds: Iterable[int]) -> list[str]:
    """Ids of observations hit in at least ``FIXED_SHARE`` of the runs of every given world."""
    ids = [o.id for o in record.observations]
    fixed = set(ids)
    for w in frozen_worlds:
        runs = hits.get(w, [])
        for k, obs_id in enumerate(ids):
            share = sum(bool(r.hits[k]) for r in runs) / max(1, len(runs))
            if share < FIXED_SHARE:
                fixed.discard(obs_id)
    return [i for i in ids if i in fixed]


def _summary_fit(record: Record, r: RunScores, keep: set[str] | None) -> float:
    hits = r.hits if keep is None else r.behaviour_hits
    obs = [scorecard.ObservationScore(o.id, "", o.quantity, "", None, hit, err, o.weight)
           for o, hit, err in zip(record.observations, hits, r.errors, strict=True)
           if keep is None or o.id in keep]
    return scorecard.summarise(obs, r.moves).fit


Mapper = Callable[[Callable, Context, list], Iterator]


def validate(scenario: Scenario, record: Record, runs: int, *, seed: int | None = None,
             mapper: Mapper, progress: Callable[[int, int], None] | None = None) -> Report:
    """Score the scenario and its null worlds on ``runs`` common seeds (see the module doc).

    ``mapper(fn, context, tasks)`` yields ``fn(context, task)`` for every task in any order (one
    process or a pool). Ctrl-C keeps the seeds every world finished (``partial``)."""
    if runs < 2:
        raise UserError("--runs", f"needs at least 2 runs for an interval, found {runs}")
    base = scenario.seed if seed is None else seed
    record = with_series(record, scenario)  # scored as observations (sim.record.series_score)
    context = Context(worlds(scenario), record)
    tasks = [(w, i, seed_for(base, i)) for i in range(runs) for w in range(len(context.worlds))]
    results: dict[int, list[RunScores]] = {}
    report = Report(context.worlds, record, base, runs)
    try:
        for count, r in enumerate(mapper(score_task, context, tasks), start=1):
            results.setdefault(r.world, []).append(r)
            if progress:
                progress(count, len(tasks))
    except KeyboardInterrupt:  # a signal or a lost worker
        if not results:  # nothing to keep: the caller writes nothing and says so
            raise
        report.partial = True
    names = [w.name for w in context.worlds]
    report.fixed = fixed_observations(record, results, [names.index("levers_frozen"),
                                                        names.index("calendar_only")])
    keep = {o.id for o in record.observations} - set(report.fixed)
    for name in SCORES:
        report.scores[name] = np.full((len(names), runs), np.nan)
    for w, rs in results.items():
        for r in rs:
            report.scores["fit"][w, r.index] = _summary_fit(record, r, None)
            report.scores["behaviour_fit"][w, r.index] = _summary_fit(record, r, keep)
        report.proper[w] = _proper(record, rs, keep)
    return report


def _proper(record: Record, rs: list[RunScores], keep: set[str]) -> dict[str, float]:
    def flag(value: bool | None) -> int:
        return -1 if value is None else int(value)

    hits = np.array([[flag(h) for h in r.behaviour_hits] for r in rs], dtype=np.int8)
    means = np.array([r.means for r in rs], dtype=float)
    marks = np.array([[[flag(m.direction_hit), flag(m.size_hit), flag(m.timing_hit)]
                       for m in r.moves] for r in rs], dtype=np.int8)
    return behaviour_score.proper_scores(record, hits, means, marks, keep)


PARTS = ("", "_diff", "_low", "_high", "_better")
PROPER = ("brier", "crps", "interval_score")
CSV_FIELDS = ("world", "description", "runs", *(f"{s}{k}" for s in SCORES for k in PARTS),
              *PROPER)


def report_csv(report: Report) -> str:
    """The rows as CSV text (numbers to 4 decimals)."""
    lines = [",".join(CSV_FIELDS)]
    for row in report.rows():
        cells = [f"{v:.4f}" if isinstance(v, float) else str(v) for v in
                 (row[k] for k in CSV_FIELDS)]
        cells[1] = '"' + cells[1].replace('"', "'") + '"'
        lines.append(",".join(cells))
    return "\n".join(lines) + "\n"


def report_markdown(report: Report) -> str:
    """A table for the terminal and the README, and the fixed observations named."""
    head = ("| world | fit | scenario − world (95 % CI) | seeds won | behaviour fit | "
            "scenario − world (95 % CI) | seeds won |\n| --- | --- | --- | --- | --- | --- | --- |")
    lines = [head]
    for row in report.rows():
        cells = [row["world"]]
        for s in SCORES:
            cells.append(f"{row[s]:.3f}")
            cells.append("—" if row["world"] == "scenario" else
                         f"{row[f'{s}_diff']:+.3f} ({row[f'{s}_low']:+.3f} to "
                         f"{row[f'{s}_high']:+.3f}){'' if row[f'{s}_low'] > 0 else ' *'}")
            cells.append("—" if row["world"] == "scenario" else f"{row[f'{s}_better']:.0%}")
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", "Proper scores of each world's ensemble on the behavioural observations "
              "(lower is better): Brier over events and move marks; CRPS and 80 % interval "
              "score of value observations, in reading errors (the record's tolerance).", "",
              "| world | Brier | CRPS | interval score |", "| --- | --- | --- | --- |"]
    lines += [f"| {r['world']} | {r['brier']:.3f} | {r['crps']:.2f} | {r['interval_score']:.2f} |"
              for r in report.rows()]
    n = report.rows()[0]["runs"]
    fixed = ", ".join(report.fixed) or "none"
    lines += ["", f"{n} common seeds (base seed {report.base_seed}). * : the interval does not "
              "exclude zero, or the world scores as well: the score does not tell it from the "
              "scenario. Seeds won: share of seeds on which the scenario scores strictly higher.",
              f"Fixed by inputs or calendar ({len(report.fixed)}, left out of the "
              f"behaviour fit): {fixed}."]
    return "\n".join(lines)

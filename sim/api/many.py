"""Many seeded runs of one scenario: ``sim.ensemble`` and the ``Ensemble`` it returns."""

from __future__ import annotations

import functools
import math
import os
from pathlib import Path
from typing import TYPE_CHECKING

import sim.api.frames as frames
from sim.api.loading import ScenarioLike, as_scenario
from sim.engine.spec import Scenario
from sim.experiments import ensemble_files as files
from sim.experiments import interrupts, space
from sim.experiments.ensemble import QUANTILE_NAMES, Progress
from sim.experiments.ensemble import Ensemble as _Runs
from sim.experiments.executors import Workers, run_ensembles, start
from sim.experiments.output import default_folder, staged_output

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

FIGURES = ("levers", "trust_pressure", "status")


def ensemble(scenario: ScenarioLike, runs: int = 100, *, seed: int | None = None, jobs: int = 1,
             progress: bool | Progress | None = False, out: str | os.PathLike | None = None,
             figures: bool = True, timelines: bool = False, dask: str | None = None) -> Ensemble:
    """Run ``scenario`` ``runs`` times, each with its own seed, on ``jobs`` processes.

    Run ``i`` uses a seed derived from the base ``seed`` (default: the scenario's) and ``i``
    alone, so results do not depend on ``jobs`` (see ``sim.experiments.ensemble``).
    ``progress=True`` draws a progress bar on stderr; a callable gets ``(done, total)``.
    Interrupting (Ctrl-C, or the notebook's stop button) keeps the runs already finished: the
    result is then marked ``partial``.

    ``out`` also writes the folder `sim run --runs` writes (as ``Ensemble.save``), drawing the
    figures in the same processes; ``timelines`` then adds every run's timeline and events.
    ``dask`` runs on Dask instead of local processes: ``"local"`` (a LocalCluster of ``jobs``
    processes) or a scheduler's address; the results are the same.
    """
    s = as_scenario(scenario)
    callback, bar = frames.progress_of(progress, s.name)
    if out is None:
        if timelines:
            raise ValueError("timelines are written only with out=FOLDER")
        with start([s], runs, jobs=jobs, dask=dask) as workers:
            result = _run(s, runs, seed, callback, bar, workers)
        return result
    # signals are held back from the start: the runs' loop raises one between results (the
    # finished runs are kept); after the runs it waits until the folder is complete (a second
    # Ctrl-C must not leave half a folder), through the folder's final swap
    needs = space.ensemble_bytes(runs, s.days, figures, timelines)
    with interrupts.polled(), staged_output(Path(out), "ensemble", needs) as folder:
        every = folder / "timelines" if timelines else None
        if every:
            every.mkdir()
        with start([s], runs, jobs=jobs, timelines=[every], plots=figures,
                   dask=dask) as workers:
            result = _run(s, runs, seed, callback, bar, workers)
            with interrupts.held():
                result._write(folder, figures, workers, timelines)
    result.folder = Path(out)
    return result


def _run(s: Scenario, runs: int, seed: int | None, callback, bar, workers: Workers) -> Ensemble:
    ens, = run_ensembles([s], runs, seed=seed, progress=callback, workers=workers)
    if bar:
        bar.finish(ens.finished, runs, ens.partial)
    return Ensemble(ens)


class Ensemble:
    """Many runs of one scenario, on seeds derived from one base seed: per-day quantiles of
    every quantity, talks-status shares, outcome statistics and hit rates against the record."""

    def __init__(self, runs: _Runs):
        self._ens = runs
        self.folder: Path | None = None  # where the files were last written, if anywhere
        self.files: list[str] = []  # the names written there

    @property
    def scenario(self) -> Scenario:
        """The scenario that was run."""
        return self._ens.scenario

    @property
    def runs_requested(self) -> int:
        """How many runs were asked for."""
        return self._ens.runs

    @property
    def finished(self) -> int:
        """How many runs finished (fewer than requested only when ``partial``)."""
        return self._ens.finished

    @property
    def partial(self) -> bool:
        """True when the ensemble was interrupted and holds only the runs that finished."""
        return self._ens.partial

    @property
    def base_seed(self) -> int:
        """The base seed the runs' seeds derive from."""
        return self._ens.base_seed

    @property
    def outcomes(self) -> pd.DataFrame:
        """One row per outcome: ``outcome``, ``kind`` (probability or value), ``n``, ``mean``,
        ``se``, quantiles ``p10``..``p90`` (values only) and ``description``."""
        rows = [{"outcome": t["id"], **t} for t in self._ens.outcome_stats()]
        return frames.frame(rows, files.OUTCOME_FIELDS)

    @property
    def runs(self) -> pd.DataFrame:
        """One row per finished run: ``run``, ``seed`` and every outcome's value (nan where an
        outcome does not apply). ``sim.run(scenario, seed=...)`` replays any of them."""
        ens = self._ens
        ids = [o.id for o in ens.plan.outcomes]
        done = [int(i) for i in range(ens.runs) if ens.done[i]]
        rows = [{"run": i, "seed": int(ens.seeds[i]), **dict(zip(ids, ens.outcomes[i].tolist(),
                                                                strict=True))} for i in done]
        return frames.frame(rows, ["run", "seed", *ids])

    @property
    def timeline(self) -> pd.DataFrame:
        """Per day and quantity (long format): ``date``, ``quantity``, ``runs``, ``mean`` and
        the quantiles ``p10``, ``p25``, ``p50``, ``p75``, ``p90`` over the runs."""
        ens = self._ens
        per_q = [ens.day_quantiles(q) for q in range(len(ens.plan.quantities))]
        rows = [{"date": date, "quantity": name, "runs": ens.finished, "mean": float(mean[d]),
                 **{k: float(qs[j, d]) for j, k in enumerate(QUANTILE_NAMES)}}
                for d, date in enumerate(ens.plan.dates)
                for name, (mean, qs) in zip(ens.plan.quantities, per_q, strict=True)]
        return frames.frame(rows, ["date", "quantity", "runs", "mean", *QUANTILE_NAMES], ["date"])

    @property
    def status(self) -> pd.DataFrame:
        """Per day, the share of runs in each talks status (one column per status)."""
        shares = self._ens.status_shares()
        rows = [{"date": date, **{k: float(v[d]) for k, v in shares.items()}}
                for d, date in enumerate(self._ens.plan.dates)]
        return frames.frame(rows, ["date", *shares], ["date"])

    @property
    def scorecard(self) -> pd.DataFrame:
        """Each observation's hit rate and each documented move's mark rates over the runs,
        as ``scorecard.csv`` (``record_type`` tells which)."""
        ens = self._ens
        hits, marks = ens.hit_rates(), ens.mark_rates()
        rows = [{"record_type": "observation", "id": o.id, "date": o.date_text(),
                 "quantity": o.quantity, "expected": o.expected_text(), "hit_rate": hits[o.id],
                 "doc": o.doc} for o in ens.plan.record.observations if o.id in hits]
        for m in ens.plan.record.moves:
            r = marks.get(m.id, {})
            rows.append({"record_type": "move", "id": m.id, "date": m.window_text(),
                         "quantity": m.quantity, "expected": m.expected_text(),
                         **{f"{k}_rate": r.get(k, math.nan) for k in ("direction", "size",
                                                                      "timing")},
                         "doc": m.doc})
        return frames.frame(rows, ["record_type", "id", "date", "quantity", "expected",
                                   "hit_rate", "direction_rate", "size_rate", "timing_rate",
                                   "doc"])

    def plot(self, kind: str = "levers") -> Figure:
        """A matplotlib figure: ``"levers"`` (a fan of every lever with the record),
        ``"trust_pressure"`` or ``"status"`` (the share of runs in each talks status)."""
        from sim.views.ensemble_figures import figure_jobs

        jobs = {path.stem: (function, args) for function, args, path in
                figure_jobs(self._ens, Path("."))}
        return frames.pick(kind, {k: functools.partial(frames.draw, *jobs[k]) for k in FIGURES})

    def save(self, folder: str | os.PathLike | None = None, *, figures: bool = True) -> Path:
        """Write the files `sim run --runs` writes into ``folder`` (default ``results/<name>``):
        ensemble.csv, status.csv, outcomes.csv/.json, runs.csv, scorecard.csv, manifest.json
        and, with ``figures``, levers.png, trust_pressure.png, status.png, and report.html. An
        existing folder is replaced only if `sim` wrote it (else ``UserError``). Returns the
        folder."""
        out = Path(folder) if folder is not None else default_folder(self.scenario.name,
                                                                     "ensemble")
        needs = space.ensemble_bytes(self.finished, self.scenario.days, figures)
        with interrupts.held(), staged_output(out, "ensemble", needs) as scratch:
            self._write(scratch, figures, None, False)
        self.folder = out
        return out

    def _write(self, folder: Path, figures: bool, workers: Workers | None,
               timelines: bool) -> list[str]:
        from sim.views.ensemble_figures import write_ensemble
        from sim.views.report import ensemble_report

        self.files = write_ensemble(self._ens, folder, plots=figures, workers=workers,
                                    extra={"timelines": timelines})
        self.files.insert(0, ensemble_report(self._ens, folder, self.files).name)
        return self.files

    def summary(self) -> str:
        """What `sim run --runs` prints: headline outcomes and hits against the record."""
        from sim.views.terminal import summary

        return summary(self._ens)

    def __repr__(self) -> str:
        flag = " PARTIAL" if self.partial else ""
        return f"<Ensemble {self.scenario.name} runs={self.finished}{flag}>"

    def _repr_html_(self) -> str:
        rates = self._ens.hit_rates()
        half = sum(r >= 0.5 for r in rates.values())
        facts = [f"{self.finished} runs" + (f" of {self.runs_requested} (PARTIAL)"
                                            if self.partial else ""),
                 f"base seed {self.base_seed}",
                 f"{half} of {len(rates)} observations hit in at least half of the runs"]
        out = self.outcomes
        out = out[~out["outcome"].str.startswith(("held.", "final_status."))]
        card = self.scorecard
        card = card[card["record_type"] == "observation"]
        return frames.html_block(
            f"{self.scenario.title}: ensemble", facts,
            [("outcomes", out[["outcome", "mean", "se", "p10", "p50", "p90"]]),
             ("scorecard (share of runs hitting each observation)",
              card[["id", "date", "quantity", "expected", "hit_rate"]])])

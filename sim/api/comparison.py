"""Scenarios side by side on the same seeds: ``sim.compare`` and the ``Comparison`` it returns."""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

import sim.api.frames as frames
from sim.api.loading import ScenarioLike, as_scenario
from sim.api.many import Ensemble
from sim.engine.spec import Scenario
from sim.errors import UserError
from sim.experiments import interrupts, space
from sim.experiments.compare import COMPARE_FIELDS, _names, compare_csv, compare_table
from sim.experiments.ensemble import SEED_RULE, Progress
from sim.experiments.executors import Workers, run_ensembles, start
from sim.experiments.output import staged_output
from sim.experiments.runs import manifest

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

    from sim.views.who_paid_compare import ComparedPaid


def compare(*scenarios: ScenarioLike | Ensemble | Sequence[ScenarioLike | Ensemble],
            runs: int = 200, seed: int | None = None, jobs: int = 1,
            progress: bool | Progress | None = False,
            out: str | os.PathLike | None = None, dask: str | None = None) -> Comparison:
    """Compare two or more scenarios run on the same seeds (common random numbers).

    Give scenarios (names, paths or loaded ``Scenario``) to run ``runs`` of each, interleaved,
    from the base ``seed`` (default: the first scenario's); or give ``Ensemble`` results already
    run with the same base seed and number of runs (``runs``, ``seed`` and ``jobs`` are then
    theirs, and nothing is run again). Differences are paired run by run, so they
    show the effect of the change rather than of chance. ``out`` also writes the folder
    `sim compare` writes (as ``Comparison.save``). ``dask``: as for ``sim.api.ensemble``.
    """
    items = list(scenarios[0]) if len(scenarios) == 1 and isinstance(scenarios[0], list | tuple) \
        else list(scenarios)
    if len(items) < 2:
        raise UserError("sim compare", "needs at least two scenario files")
    done = [i for i in items if isinstance(i, Ensemble)]
    if len(done) == len(items):
        return Comparison([i._ens for i in done], _check_same_seeds(done))
    if done:
        raise TypeError("compare either scenarios (to run) or Ensemble results, not a mix")
    loaded = [as_scenario(i) for i in items if isinstance(i, str | os.PathLike | Scenario)]
    if len(loaded) != len(items):
        raise TypeError("compare takes scenarios (names, paths, Scenario) or Ensemble results")
    names = _names(loaded)
    callback, bar = frames.progress_of(progress, "compare " + " vs ".join(names))
    if out is None:
        with start(loaded, runs, jobs=jobs, dask=dask) as workers:
            return _run(loaded, runs, seed, callback, bar, workers)
    # signals are held back from the start: the runs' loop raises one between results (the
    # finished runs are kept); after the runs it waits until the folder is complete (a second
    # Ctrl-C must not leave half a folder), through the folder's final swap
    with interrupts.polled(), \
            start(loaded, runs, jobs=jobs, plots=True, dask=dask) as workers, \
            staged_output(Path(out), "compare", space.ensemble_bytes(
                runs, max(s.days for s in loaded), True, scenarios=len(loaded))) as folder:
        result = _run(loaded, runs, seed, callback, bar, workers)
        with interrupts.held():
            result._write(folder, workers)
    result.folder = Path(out)
    return result


def _run(loaded, runs: int, seed: int | None, callback, bar, workers: Workers) -> Comparison:
    ensembles = run_ensembles(loaded, runs, seed=seed, progress=callback, workers=workers)
    if bar:
        bar.finish(sum(e.finished for e in ensembles), runs * len(loaded), ensembles[0].partial)
    return Comparison(ensembles, runs)


def _check_same_seeds(items: Sequence[Ensemble]) -> int:
    first = items[0]
    for other in items[1:]:
        if (other.base_seed, other.runs_requested) != (first.base_seed, first.runs_requested):
            raise ValueError(
                f"ensembles differ in base seed or runs ({first.scenario.name}: "
                f"{first.base_seed}/{first.runs_requested}, {other.scenario.name}: "
                f"{other.base_seed}/{other.runs_requested}); run them with the same seed= and "
                "runs= so that they compare on common random numbers")
    return first.runs_requested


class Comparison:
    """Scenarios run on the same seeds: each outcome's mean per scenario, the paired difference
    of each against the first (with a 95 % interval), and hit rates against the record."""

    def __init__(self, ensembles: list, runs_requested: int):
        self._ensembles = ensembles
        self.runs_requested = runs_requested
        self.names: list[str] = _names([e.scenario for e in ensembles])
        self.folder: Path | None = None  # where the files were last written, if anywhere
        self.files: list[str] = []

    @property
    def ensembles(self) -> dict[str, Ensemble]:
        """Each scenario's ensemble, by name (names made unique with ``_2``, ``_3``...)."""
        return {n: Ensemble(e) for n, e in zip(self.names, self._ensembles, strict=True)}

    @property
    def partial(self) -> bool:
        """True when interrupted: only runs finished for every scenario are compared."""
        return any(e.partial for e in self._ensembles)

    @property
    def common(self) -> int:
        """How many seeds finished for every scenario (the runs compared)."""
        return int(np.logical_and.reduce([e.done for e in self._ensembles]).sum())

    @cached_property
    def _rows(self) -> list[dict]:
        return compare_table(self._ensembles, self.names)

    @cached_property
    def _paid(self) -> ComparedPaid:
        from sim.views.who_paid_compare import compared_paid

        return compared_paid(self._ensembles, self.names)

    @property
    def who_paid(self) -> pd.DataFrame:
        """For each scenario with a `trade:` section, each side's buyers' loss, extra tariff
        revenue, exporters' lost sales and net loss in its currency: the ``median`` over the
        runs compared, ``p10``, ``p90`` and the median ``share_of_gdp_a_year`` (no rows for a
        scenario without one)."""
        from sim.views.who_paid_compare import FIELDS, records

        return frames.frame(records(self._paid), FIELDS)

    @property
    def outcomes(self) -> pd.DataFrame:
        """One row per outcome and scenario: ``mean``, ``se`` and, from the second scenario on,
        ``difference`` from the first (``reference``) with ``ci95_low``/``ci95_high``."""
        return frames.frame(self._rows, COMPARE_FIELDS)

    @property
    def scorecard(self) -> pd.DataFrame:
        """Each observation of the record with the share of runs hitting it, one column per
        scenario: which world reproduces what the documents report."""
        cards = [Ensemble(e).scorecard for e in self._ensembles]
        keys = ["record_type", "id", "date", "quantity", "expected"]
        out = cards[0][cards[0]["record_type"] == "observation"][keys]
        for name, card in zip(self.names, cards, strict=True):
            rates = card[card["record_type"] == "observation"][["id", "hit_rate"]]
            out = out.merge(rates.rename(columns={"hit_rate": name}), on="id", how="left")
        return out.drop(columns="record_type")

    @property
    def markdown(self) -> str:
        """The comparison table `sim compare` prints, in Markdown."""
        from sim.views.terminal import compare_markdown

        return compare_markdown(self._rows, self.names, self.common, self.partial)

    def plot(self, kind: str = "levers") -> Figure:
        """A matplotlib figure with every scenario's fan in each panel and the record
        overlaid: ``"levers"`` or ``"trust_pressure"``."""
        from sim.views.ensemble_figures import compare_figure_jobs

        jobs = {path.stem: (function, args) for function, args, path in
                compare_figure_jobs(self._ensembles, self.names, Path("."))}
        return frames.pick(kind, {k: functools.partial(frames.draw, *jobs[k]) for k in jobs})

    def save(self, folder: str | os.PathLike | None = None) -> Path:
        """Write the files `sim compare` writes into ``folder`` (default
        ``results/compare-<names>``): compare.csv, compare.md, levers.png, trust_pressure.png,
        manifest.json and one folder of aggregates per scenario. Returns the folder."""
        out = Path(folder) if folder is not None else \
            Path("results") / ("compare-" + "-".join(self.names))
        with interrupts.held(), staged_output(out, "compare") as scratch:
            self._write(scratch, None)
        self.folder = out
        return out

    def _write(self, folder: Path, workers: Workers | None) -> list[str]:
        from sim.views.ensemble_figures import compare_figure_jobs, draw_file, write_ensemble

        ensembles, names, first = self._ensembles, self.names, self._ensembles[0]
        (folder / "compare.csv").write_text(compare_csv(self._rows), encoding="utf-8")
        (folder / "compare.md").write_text(f"# {' vs '.join(names)}\n\n" + self.markdown
                                           + self._paid_markdown(), encoding="utf-8")
        figures = compare_figure_jobs(ensembles, names, folder) if self.common else []
        (workers or Workers([], 1)).render([(draw_file, job) for job in figures])
        self.files = ["compare.csv", "compare.md", *(path.name for _, _, path in figures)]
        for e, name in zip(ensembles, names, strict=True):
            write_ensemble(e, folder / name, plots=False)
        info = {"partial": self.partial, "scenarios": names,
                "runs_requested": self.runs_requested, "runs_compared": self.common,
                "jobs": first.jobs, "start_method": first.start_method,
                "base_seed": first.base_seed, "seeds": SEED_RULE + "; the same seeds for "
                "every scenario (common random numbers)",
                "scenario_sha256": {n: e.scenario.sha256 for n, e in zip(names, ensembles,
                                                                         strict=True)}}
        (folder / "manifest.json").write_text(json.dumps(
            manifest(first.scenario, first.base_seed, first.seconds,
                     {"partial": self.partial, "compare": info}), indent=2) + "\n",
            encoding="utf-8")
        from sim.views.report import compare_report

        self.files.insert(0, compare_report(ensembles, names, self._rows, folder, self.files,
                                            self.partial, self._paid).name)
        return self.files

    def _paid_markdown(self) -> str:
        from sim.views.who_paid_compare import markdown

        return markdown(self._paid)

    def summary(self) -> str:
        """What `sim compare` prints: the scenarios, the seeds and the table; and who paid in
        each scenario with a `trade:` section."""
        status = "PARTIAL (interrupted) " if self.partial else ""
        return (f"{status}comparison of {', '.join(self.names)} on {self.common} common seeds "
                f"(base seed {self._ensembles[0].base_seed})\n{self.markdown}"
                + self._paid_markdown())

    def __repr__(self) -> str:
        return f"<Comparison {' vs '.join(self.names)} runs={self.common}>"

    def _repr_html_(self) -> str:
        facts = [f"{self.common} runs per scenario on the same seeds",
                 f"base seed {self._ensembles[0].base_seed}"] + \
            (["PARTIAL (interrupted)"] if self.partial else [])
        return frames.html_block(
            " vs ".join(self.names), facts,
            [(f"outcomes: means, and the difference from {self.names[0]} (95 % CI)",
              self._wide()),
             ("scorecard (share of runs hitting each observation)", self.scorecard)])

    def _wide(self) -> pd.DataFrame:
        """One row per headline outcome: each scenario's mean, then each difference."""
        rows: dict[str, dict] = {}
        for r in self._rows:
            if r["outcome"].startswith(("held.", "final_status.")):
                continue
            row = rows.setdefault(r["outcome"], {"outcome": r["outcome"]})
            row[r["scenario"]] = frames.fmt(r["mean"])
            if r["scenario"] != r["reference"]:
                row[f"{r['scenario']} − {r['reference']}"] = (
                    f"{frames.fmt(r['difference'])} [{frames.fmt(r['ci95_low'])}, "
                    f"{frames.fmt(r['ci95_high'])}]")
        columns = ["outcome", *self.names, *(f"{n} − {self.names[0]}" for n in self.names[1:])]
        return frames.frame(list(rows.values()), columns)

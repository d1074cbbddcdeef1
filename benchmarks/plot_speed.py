"""Plots of a long run: a multi-year single run with its figures against the 2025 baseline's.

    .venv/bin/python benchmarks/plot_speed.py [repeats]

Times, per repeat and in one process: one run, its scoring, and levers.png, overview.png and
scorecard.png, first for the baseline (four months), then for the baseline stretched over three
years (a throw-away scenario written to a temporary folder, meetings moved into 2018-2019, scored
against the 2018-2020 record), then for the shipped trade-war scenario (March 2018 to December
2021, sixteen meetings, its own record). Reports the medians and their ratios. Target: < 2.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from sim.engine.model import NegotiationModel
from sim.record.fit import score
from sim.record.reader import load_record
from sim.scenario.language import load_scenario
from sim.views import plots

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "scenarios" / "baseline.yaml"
TRADE_WAR = ROOT / "scenarios" / "trade_war_2018.yaml"
RECORD_2018 = ROOT / "scenarios" / "record" / "us_china_2018.yaml"
LONG = f"""extends: {BASELINE}
name: three_years
title: Baseline stretched over three years (benchmark only)
dates: {{start: 2018-01-01, end: 2020-12-31}}
meetings:
  - {{name: geneva, date: 2018-12-01}}
  - {{name: leaders_call, date: 2019-06-29}}
  - {{name: london, date: 2019-12-13}}
"""


def once(scenario, record, folder: Path) -> float:
    t0 = time.perf_counter()
    columns = NegotiationModel(scenario, seed=1).run_to_end().columns
    fit = score(columns, scenario, record)
    plots.write_run_plots(columns, scenario, folder, fit.observations)
    plots.save(plots.scorecard_figure(fit, scenario), folder / "scorecard.png")
    return time.perf_counter() - t0


def main(repeats: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "long.yaml").write_text(LONG)
        cases = {"2025 baseline (4 months)": (load_scenario(BASELINE), None),
                 "three years": (load_scenario(folder / "long.yaml"),
                                 load_record(ROOT / "scenarios" / "record" / "us_china_2018.yaml")),
                 "trade war (3.8 years)": (load_scenario(TRADE_WAR), load_record(RECORD_2018))}
        times: dict[str, list[float]] = {name: [] for name in cases}
        for _ in range(repeats):  # interleaved, so that load on the machine hits both alike
            for name, (scenario, record) in cases.items():
                times[name].append(once(scenario, record or load_record(), folder))
    medians = {name: statistics.median(t) for name, t in times.items()}
    for name, m in medians.items():
        print(f"{name:<26} median {m:5.2f} s  (runs: {', '.join(f'{t:.2f}' for t in times[name])})")
    short, *longer = medians.values()
    for name, m in zip(list(medians)[1:], longer, strict=True):
        print(f"ratio {name} / 2025: {m / short:.2f} (target < 2)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)

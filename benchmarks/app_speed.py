"""Server-side cost of the classroom page, without a browser (the browser side: benchmarks/room.py).

    .venv/bin/python benchmarks/app_speed.py [repeats]

Per repeat: building ClassroomModel with a moved slider (what Reset does), one Step (a model day
plus every panel's HTML: strip, why panel, the SVG charts), and a whole run drawn day by day (what
Play does). The baseline band is computed once before (the page caches it per scenario file).
Targets: a Step well under 0.2 s; Play's server work far under 1/5 s a day (Play >= 5 days/s).
"""

from __future__ import annotations

import statistics
import sys
import time

from sim.scenario.bundled import scenarios_dir
from sim.views.app import panels as panels
from sim.views.app.model import BAND_RUNS, ClassroomModel, baseline_band

BASELINE = scenarios_dir() / "baseline.yaml"


def draw(model, band) -> None:
    panels.status_html(model)
    panels.narrative_html(model)
    panels.why_line(model)
    panels.charts_html(model, band)


def once(patience: float, band) -> dict[str, float]:
    t0 = time.perf_counter()
    model = ClassroomModel(scenario_file=str(BASELINE), **{"us.patience": patience})
    t1 = time.perf_counter()
    for _ in range(30):
        model.step()
    t2 = time.perf_counter()
    model.step()
    draw(model, band)
    t3 = time.perf_counter()
    days = 0
    while model.running:
        model.step()
        draw(model, band)
        days += 1
    t4 = time.perf_counter()
    return {"reset": t1 - t0, "step+draw": t3 - t2, "play day": (t4 - t3) / max(1, days)}


def main() -> int:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    t = time.perf_counter()
    band = baseline_band(BASELINE)
    print(f"baseline band ({BAND_RUNS} runs, once per scenario file): "
          f"{time.perf_counter() - t:.3f} s")
    once(0.5, band)  # warm-up
    rows = [once(0.3 + 0.1 * (i % 6), band) for i in range(repeats)]
    for key in ("reset", "step+draw", "play day"):
        values = [r[key] for r in rows]
        print(f"{key:>10}: median {1000 * statistics.median(values):.1f} ms, "
              f"max {1000 * max(values):.1f} ms over {repeats}")
    day = statistics.median(r["play day"] for r in rows)
    print(f"server side of Play: {1 / day:.0f} days/s possible (target >= 5)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

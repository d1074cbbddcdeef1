"""How long the classroom page takes from a slider change to a redrawn page at the run's end.

    /work/venv/bin/python benchmarks/app_speed.py [repeats]

Times, per repeat: building ClassroomModel with a moved slider (what Reset does), running it to
the end, and redrawing both charts to PNG (what SolaraViz's FigureMatplotlib does each render),
plus the narrative and date panels. The baseline band is computed once before (it is cached per
scenario file in the page too) and reported separately. Target: < 0.5 s per repeat.
"""

from __future__ import annotations

import io
import statistics
import sys
import time
from pathlib import Path

from sim.views import app

BASELINE = Path(__file__).resolve().parent.parent / "scenarios" / "baseline.yaml"


def png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def once(patience: float) -> dict[str, float]:
    t0 = time.perf_counter()
    model = app.ClassroomModel(scenario_file=str(BASELINE), **{"us.patience": patience})
    t1 = time.perf_counter()
    model.run_to_end()
    t2 = time.perf_counter()
    band = app.baseline_band(model.scenario_file)
    png(app.lever_chart(model, band))
    png(app.trust_pressure_chart(model, band))
    app.narrative_html(model)
    t3 = time.perf_counter()
    return {"build": t1 - t0, "run": t2 - t1, "redraw": t3 - t2, "total": t3 - t0}


def main() -> int:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    t = time.perf_counter()
    app.baseline_band(BASELINE)
    print(f"baseline band ({app.BAND_RUNS} runs, once per scenario file): "
          f"{time.perf_counter() - t:.3f} s")
    once(0.5)  # warm-up: fonts, caches
    rows = [once(0.3 + 0.1 * (i % 6)) for i in range(repeats)]
    for key in ("build", "run", "redraw", "total"):
        values = [r[key] for r in rows]
        print(f"{key:>7}: median {statistics.median(values):.3f} s, "
              f"max {max(values):.3f} s over {repeats}")
    total = statistics.median(r["total"] for r in rows)
    print(f"slider change -> run to end -> redraw: {total:.3f} s "
          f"({'within' if total < 0.5 else 'OVER'} the 0.5 s target)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

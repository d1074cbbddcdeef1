"""What the terminal shows: progress while runs finish, and the summaries printed at the end."""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Sequence

from sim.experiments.ensemble import Ensemble
from sim.record import outcomes as oc


class ProgressBar:
    """A progress bar on stderr (tqdm's: rate and time left, redrawn at most ten times a second)
    on a terminal; silent elsewhere, except for the final line written by ``finish``.
    Called as ``bar(done, total)`` after each finished run."""

    def __init__(self, label: str, stream=None):
        self.label = label
        self.stream = stream or sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.started = time.perf_counter()
        self.bar = None

    def __call__(self, done: int, total: int) -> None:
        if not self.tty:
            return
        if self.bar is None:
            from tqdm import tqdm

            self.bar = tqdm(total=total, desc=self.label, file=self.stream, unit="run",
                            mininterval=0.1, dynamic_ncols=True, leave=False)
        self.bar.total = total
        self.bar.update(done - self.bar.n)

    def finish(self, done: int, total: int, partial: bool) -> None:
        if self.bar is not None:
            self.bar.close()  # leave=False: the bar's line is cleared
            self.bar = None
        elapsed = time.perf_counter() - self.started
        note = f" - interrupted: partial result from {done} of {total}" if partial else ""
        self.stream.write(f"{self.label}: {done} runs in {elapsed:.1f} s{note}\n")
        self.stream.flush()


def _fmt_value(x: float) -> str:
    return "n/a" if not math.isfinite(x) else f"{x:.3g}"


def summary(ens: Ensemble, table: list[dict] | None = None) -> str:
    """The headline outcomes in a few lines."""
    s = ens.scenario
    table = table or ens.outcome_stats()
    head = (f"{s.title}: {ens.finished} runs (base seed {ens.base_seed}, {ens.jobs} job"
            f"{'s' if ens.jobs > 1 else ''}, {ens.seconds:.1f} s)")
    if ens.partial:
        head += f"  PARTIAL: interrupted after {ens.finished} of {ens.runs} runs"
    lines = [head]
    shown = [t for t in table if not t["id"].startswith(("held.", "final_status."))]
    for t in shown:
        if t["kind"] == oc.PROBABILITY:
            text = f"{t['mean']:.3f} ± {t['se']:.3f}" if t["n"] else "n/a"
            text += f" (n={t['n']})" if t["n"] != ens.finished else ""
        else:
            text = (f"median {_fmt_value(t['p50'])} (10-90 %: {_fmt_value(t['p10'])} to "
                    f"{_fmt_value(t['p90'])}), mean {_fmt_value(t['mean'])}" if t["n"] else "n/a")
            text += f" (n={t['n']})" if t["n"] != ens.finished else ""
        lines.append(f"  {t['description'][:52]:<52} {text}")
    rates = ens.hit_rates()
    if rates:
        half = sum(r >= 0.5 for r in rates.values())
        lines.append(f"  record: {half} of {len(rates)} observations hit in at least half of the "
                     f"runs (mean hit rate {sum(rates.values()) / len(rates):.2f})")
    return "\n".join(lines)


def _short(x: float, kind: str) -> str:
    if not math.isfinite(x):
        return "n/a"
    return f"{x:.2f}" if kind == oc.PROBABILITY else f"{x:.3g}"


def _signed(x: float, kind: str) -> str:
    if not math.isfinite(x):
        return "n/a"
    return f"{x:+.2f}" if kind == oc.PROBABILITY else f"{x:+.3g}"


def compare_markdown(rows: list[dict], names: Sequence[str], runs: int, partial: bool) -> str:
    """A Markdown table: each scenario's mean, and B - A with a 95 % interval."""
    head = ["outcome", names[0]]
    for n in names[1:]:
        head += [n, f"{n} − {names[0]} (95 % CI)"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    by_outcome: dict[str, list[dict]] = {}
    for r in rows:
        by_outcome.setdefault(r["outcome"], []).append(r)
    for group in by_outcome.values():
        kind = group[0]["kind"]
        label = group[0]["description"]
        if len(label) > 70:
            label = label[:67] + "..."
        cells = [(label + ("" if kind == oc.PROBABILITY else ", mean")).replace("|", "\\|"),
                 _short(group[0]["mean"], kind)]
        for r in group[1:]:
            diff = _signed(r["difference"], kind)
            ci = (f" [{_signed(r['ci95_low'], kind)}, {_signed(r['ci95_high'], kind)}]"
                  if math.isfinite(r["ci95_low"]) else "")
            mark = {"paired": "", "unpaired": " (unpaired)"}.get(r["method"],
                                                                 " (not in both)")
            cells += [_short(r["mean"], kind), f"{diff}{ci}{mark}"]
        lines.append("| " + " | ".join(cells) + " |")
    note = (f"\n{runs} runs per scenario on the same seeds (common random numbers); B − A is the "
            "mean of the per-run differences, 95 % CI = ± 1.96 standard errors of those "
            "differences (unpaired where an outcome applies to different runs).")
    if partial:
        note += "\n**PARTIAL**: interrupted; only runs finished for every scenario are compared."
    return "\n".join(lines) + "\n" + note + "\n"

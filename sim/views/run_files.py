"""A single run's folder: its CSVs, scorecard and figures, and the lines printed about it."""

from __future__ import annotations

from pathlib import Path

from sim.engine.spec import Scenario
from sim.experiments.runs import RunResult, write_run
from sim.record import scorecard
from sim.record.fit import Fit
from sim.views import plots, report
from sim.views.scorecard_figure import scorecard_figure
from sim.views.trade_figures import read_consequences, who_paid_figure, write_consequences

RUN_FILES = ["report.html", "timeline.csv", "events.csv", "manifest.json", "scorecard.csv"]
RUN_FIGURES = ["overview.png", "scorecard.png"]
WHO_PAID_FIGURE = report.WHO_PAID_FIGURE  # beside a run of a scenario with a `trade:` section


def write_scorecard(fit: Fit, scenario: Scenario, folder: Path, figure: bool = True) -> None:
    """scorecard.csv and (with ``figure``) scorecard.png."""
    scorecard.write_scorecard_csv(folder / "scorecard.csv", fit.observation_scores,
                                  fit.move_scores)
    if figure:
        plots.save(scorecard_figure(fit, scenario), folder / "scorecard.png")


def record_items(fit: Fit, scenario: Scenario) -> list:
    """What the figures draw of the record: its observations and its documented moves."""
    if not fit.observations:  # no record: nothing to draw
        return []
    from sim.record.lookup import record_for

    return [*fit.observations, *record_for(scenario).moves]


def write_run_folder(result: RunResult, fit: Fit, folder: Path, figures: bool = True
                     ) -> list[str]:
    """Every file of one run into ``folder`` (which exists); returns the names written."""
    write_run(result, folder)
    write_scorecard(fit, result.scenario, folder, figures)
    # who paid, for a scenario with a `trade:` section: the data, and its figure for the report
    traded = write_consequences(folder, result.scenario, result.columns)
    drawn = []
    if figures:
        plots.write_run_plots(result.columns, result.scenario, folder, record_items(fit,
                                                                                    result.scenario))
        if traded:
            plots.save(who_paid_figure(read_consequences(traded)), folder / WHO_PAID_FIGURE)
            drawn.append(WHO_PAID_FIGURE)
    report.run_report(result, fit, folder)
    return (RUN_FILES + (RUN_FIGURES if figures else []) + drawn
            + ([traded.name] if traded else []))


def summary(result: RunResult) -> str:
    """A few lines for the terminal: agreements, final lever values."""
    s = result.scenario
    lines = [f"{s.title} (seed {result.seed}, {s.start} to {s.end})"]
    for e in result.events:
        if e["kind"] in {"agreement", "agreement in principle", "no agreement", "talks not held",
                         "talks restart", "call declined", "summit declined", "lapse",
                         "extension", "measure", "threat", "threat withdrawn", "suspension"}:
            lines.append(f"  {e['date']}  {e['kind']:<14} {e['why']}")
    lines.append("  final values:")
    for lever in s.levers:
        first, last = result.columns[lever.id][0], result.columns[lever.id][-1]
        lines.append(f"    {lever.label:<36} {lever.describe(first):>8} -> {lever.describe(last)}")
    from sim.scenario.wording import status_word  # the scenario's word for it

    lines.append(f"  final status: {status_word(s, result.columns['status'][-1])}")
    return "\n".join(lines)

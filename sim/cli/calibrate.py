"""`sim calibrate`: estimate a scenario's free values from its record, with uncertainty."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from .arguments import add_executor_options


def register(sub) -> None:
    cmd = sub.add_parser(
        "calibrate", help="estimate free values from the record (ABC-SMC), with uncertainty",
        description="Estimate the scenario's free values (behaviour values, weights, assumed "
        "initial values) from its record by approximate Bayesian computation (sequential Monte "
        "Carlo). Writes posterior samples, identifiability, plots, a calibrated scenario and "
        "its predictive fan charts. Ctrl-C keeps the finished generations; run again with "
        "--resume to continue them.")
    cmd.add_argument("scenario", help="a scenario file, or the name of a shipped scenario "
                     "(`sim list` shows them)")
    cmd.add_argument("--budget", type=int, default=2000, help="model runs in all (default 2000)")
    cmd.add_argument("--population", type=int, help="particles per generation "
                     "(default: budget / 10, at most 1000)")
    add_executor_options(cmd)
    cmd.add_argument("--until", type=dt.date.fromisoformat, metavar="YYYY-MM-DD",
                     help="fit only what the record documents before this date; score the rest "
                     "out of sample")
    cmd.add_argument("--method", choices=("auto", "pyabc", "builtin"), default="auto",
                     help="the ABC-SMC sampler: pyabc (the `calibrate` extra), the built-in one, "
                     "or auto (default: pyabc when installed)")
    cmd.add_argument("--resume", action="store_true",
                     help="continue the calibration in --out (pyabc's database or the built-in "
                     "sampler's generations) up to the new --budget")
    cmd.add_argument("--priors", type=Path, help="YAML side file changing the priors after the "
                     "scenario's `calibrate:` section")
    cmd.add_argument("--record", type=Path, help="record YAML (default: the scenario's own)")
    cmd.add_argument("--checks", type=int, default=100,
                     help="posterior predictive runs for the scores and fan charts (default 100)")
    cmd.add_argument("--out", type=Path, help="output folder (default results/calibrate-NAME)")
    cmd.set_defaults(handler=calibrate_command)


def calibrate_command(args) -> int:
    """Run (or resume) the calibration and write what it found; 128 + the signal's number after
    Ctrl-C or SIGTERM (both reach it as a KeyboardInterrupt through `sim`'s signal handling,
    which the samplers catch to keep the finished generations), 3 after a lost worker. Stopped
    before the first generation finished, it leaves no folder it created."""
    from sim.errors import UserError
    from sim.experiments import abc_smc, interrupts, priors
    from sim.experiments.output import check_replaceable, write_marker
    from sim.record.lookup import record_to_fit
    from sim.scenario.bundled import find_scenario
    from sim.scenario.language import load_scenario
    from sim.views.terminal import ProgressBar

    scenario = load_scenario(find_scenario(args.scenario))
    if args.budget < 4:
        raise UserError("--budget", f"must be at least 4 runs, found {args.budget}")
    population = args.population or max(2, min(1000, args.budget // 10))
    record = record_to_fit(scenario, args.record)
    free = priors.apply_priors_file(scenario, priors.scenario_priors(scenario), args.priors)
    if not free:
        raise UserError(str(args.scenario), "has no free values to calibrate")
    out = args.out or Path("results") / f"calibrate-{scenario.name}"
    method = choose_method(args.method, args.dask)
    check_resume(out, args.resume)
    if not args.resume:  # a calibration writes in place (to resume): only into a folder of ours
        check_replaceable(out, args.out)
    fitted, held = split_record(record, args.until)
    problem = abc_smc.Problem(scenario, free, fitted)
    bar = ProgressBar(f"calibrate {scenario.name} ({method})")
    created = not out.exists()
    out.mkdir(parents=True, exist_ok=True)
    kept: list = []  # the finished generations, once the sampler has returned
    try:  # a signal stops the sampler between runs (polled), and waits for the files
        with interrupts.polled():
            return _sample_and_write(args, scenario, problem, record, held, population,
                                     method, out, bar, kept)
    except KeyboardInterrupt:
        if created and not kept:  # stopped before a generation finished: leave nothing
            shutil.rmtree(out, ignore_errors=True)
        raise
    finally:  # even after Ctrl-C: the folder says it is sim's, listing what it holds
        if out.is_dir():
            write_marker(out, "calibration")


def _sample_and_write(args, scenario, problem, record, held, population: int, method: str,
                      out: Path, bar, kept: list) -> int:
    from sim.cli.run import partial_exit
    from sim.experiments import abc_smc, interrupts
    from sim.experiments.task_map import mapper
    from sim.views.calibration_outputs import write_outputs

    if method == "pyabc":
        from sim.experiments import abc_pyabc

        gens, stopped = abc_pyabc.run(problem, budget=args.budget, population=population,
                                      jobs=args.jobs, folder=out, resume=args.resume,
                                      progress=bar)
    else:
        gens, stopped = abc_smc.run(problem, budget=args.budget, population=population,
                                    mapper=mapper(args.jobs, args.dask), folder=out,
                                    progress=bar)
    kept += gens
    done = gens[-1].runs_used if gens else 0
    bar.finish(done, args.budget, stopped)
    if not gens:
        if stopped:
            raise KeyboardInterrupt  # nothing finished: nothing is kept, and `sim` says so
        print(f"no generation finished ({done} runs); nothing written besides {out}/")
        return 0
    args.method = method
    with interrupts.held():  # the files are completed first
        text = write_outputs(args, scenario, problem, record, held, gens, out,
                             mapper(args.jobs, args.dask))
    print(("PARTIAL (interrupted; --resume continues it): " if stopped else "") + text)
    return partial_exit(stopped, f"kept the {len(gens)} finished generations in {out}/ "
                        "(--resume continues it)")


def choose_method(asked: str, dask: str | None = None) -> str:
    """The sampler to use: pyabc when asked for or (``auto``) installed, else the built-in one,
    with a one-line note when ``auto`` falls back. ``--dask`` runs the built-in sampler (pyabc's
    sampler here is a local process pool)."""
    from sim.errors import UserError
    from sim.experiments.abc_pyabc import available

    if dask and asked == "pyabc":
        raise UserError("--dask", "runs the built-in sampler; use --method builtin (or auto) "
                        "with --dask, or drop --dask to use pyabc")
    if asked == "builtin" or dask:
        return "builtin"
    if available():
        return "pyabc"
    if asked == "pyabc":
        raise UserError("--method pyabc", "pyabc is not installed: `pip install -e "
                        "'.[calibrate]'` (or `pip install pyabc`), or use --method builtin")
    print("note: pyabc is not installed (`pip install -e '.[calibrate]'`): using the built-in "
          "ABC-SMC sampler")
    return "builtin"


def check_resume(out: Path, resume: bool) -> None:
    """Never overwrite a calibration: one in ``out`` continues only with --resume, and
    --resume needs one."""
    from sim.errors import UserError
    from sim.experiments.abc_pyabc import database_has_generations

    found = database_has_generations(out) or (out / "generations" / "gen-000.csv").exists()
    if found and not resume:
        raise UserError(str(out), "holds a calibration already: add --resume to continue it "
                        "(with a larger --budget), or give another --out")
    if resume and not found:
        raise UserError("--resume", f"{out} holds no calibration to continue")


def split_record(record, until):
    from sim.experiments.posterior import split

    return split(record, until)

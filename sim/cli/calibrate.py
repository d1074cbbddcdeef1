"""`sim calibrate`: estimate a scenario's free values from its record, with uncertainty."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from .arguments import add_executor_options

KINDS = ("adaptive", "fit")  # sim.experiments.distance.KINDS (`sim --help` stays fast)
DEFAULT_DISTANCE = "adaptive"  # chosen by measurement: docs/calibration.md


def register(sub) -> None:
    cmd = sub.add_parser(
        "calibrate", help="estimate free values from the record (ABC-SMC), with uncertainty",
        description="Estimate the scenario's free values (behaviour values, weights, assumed "
        "initial values) from its record by approximate Bayesian computation (sequential Monte "
        "Carlo). Writes posterior samples, identifiability, plots, a calibrated scenario and "
        "its predictive fan charts. Ctrl-C keeps the finished generations; run again with "
        "--resume to continue them.")
    cmd.add_argument("scenario", help="a scenario file, the name of a shipped scenario "
                     "(`sim list` shows them), or a calibration file naming several episodes "
                     "(docs/calibration.md)")
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
    cmd.add_argument("--params", action="append", default=[], metavar="KEY",
                     help="fit exactly these free values (repeat), without the screen; "
                     "per-episode values of a calibration file are EPISODE:KEY")
    cmd.add_argument("--no-screen", action="store_true",
                     help="fit every free value, without the Morris screen")
    cmd.add_argument("--screen-trajectories", type=int, default=10,
                     help="Morris trajectories of the screen (default 10)")
    cmd.add_argument("--screen-runs", type=int, default=4,
                     help="runs per point of the screen, on common seeds (default 4)")
    cmd.add_argument("--distance", choices=KINDS, default=DEFAULT_DISTANCE,
                     help="`adaptive` (per-item proper scores with adaptive weights, move "
                     f"dates included) or `fit` (1 - behaviour fit); default {DEFAULT_DISTANCE}")
    cmd.add_argument("--leave-out", metavar="EPISODE",
                     help="with a calibration file: fit the other episodes and validate the "
                     "shared values on this one")
    cmd.add_argument("--validate-runs", type=int, default=100,
                     help="runs per world when validating the episode left out (default 100)")
    cmd.set_defaults(handler=calibrate_command)


def calibrate_command(args) -> int:
    """Run (or resume) the calibration and write what it found; 128 + the signal's number after
    Ctrl-C or SIGTERM (both reach it as a KeyboardInterrupt through `sim`'s signal handling,
    which the samplers catch to keep the finished generations), 3 after a lost worker. Stopped
    before the first generation finished, it leaves no folder it created."""
    from sim.errors import UserError
    from sim.experiments import interrupts
    from sim.experiments.output import check_replaceable, write_marker
    from sim.views.terminal import ProgressBar

    if args.budget < 4:
        raise UserError("--budget", f"must be at least 4 runs, found {args.budget}")
    population = args.population or max(2, min(1000, args.budget // 10))
    scenario, problem, record, held, cal = _problem(args)
    out = args.out or Path("results") / f"calibrate-{cal.name if cal else scenario.name}"
    method = choose_method(args.method, args.dask, problem.kind)
    _check_params(args.params, problem)
    check_resume(out, args.resume)
    if not args.resume:  # a calibration writes in place (to resume): only into a folder of ours
        check_replaceable(out, args.out)
    created = not out.exists()
    out.mkdir(parents=True, exist_ok=True)
    kept: list = []  # the finished generations, once the sampler has returned
    try:  # a signal stops the screen or the sampler between runs (polled), and waits for files
        with interrupts.polled():
            problem, screen_text = _screen(args, problem, out)
            print(screen_text)
            bar = ProgressBar(f"calibrate {cal.name if cal else scenario.name} ({method})")
            return _sample_and_write(args, scenario, problem, record, held, population,
                                     method, out, bar, kept, cal)
    except KeyboardInterrupt:
        if created and not kept:  # stopped before a generation finished: leave nothing
            shutil.rmtree(out, ignore_errors=True)
        raise
    finally:  # even after Ctrl-C: the folder says it is sim's, listing what it holds
        if out.is_dir():
            write_marker(out, "calibration")


def _problem(args):
    """(first scenario, problem, its record, held-out record, calibration file or None)."""
    from sim.errors import UserError
    from sim.experiments import abc_smc, joint, priors
    from sim.record.lookup import record_to_fit
    from sim.scenario.bundled import find_scenario
    from sim.scenario.calibration_file import is_calibration_file, load_calibration
    from sim.scenario.language import load_scenario

    path = Path(args.scenario)
    if path.is_file() and is_calibration_file(path):
        for option, given in (("--until", args.until), ("--priors", args.priors),
                              ("--record", args.record)):
            if given:
                raise UserError(option, "applies to one scenario; a calibration file's episodes "
                                "use their own records and `calibrate:` sections")
        cal = load_calibration(path)
        problem = joint.problem(cal, args.distance, args.leave_out)
        empty = split_record(problem.record, None)[1]
        return problem.scenario, problem, problem.record, empty, cal
    if args.leave_out:
        raise UserError("--leave-out", "needs a calibration file naming several episodes "
                        "(docs/calibration.md)")
    scenario = load_scenario(find_scenario(args.scenario))
    record = record_to_fit(scenario, args.record)
    free = priors.apply_priors_file(scenario, priors.scenario_priors(scenario), args.priors)
    if not free:
        raise UserError(str(args.scenario), "has no free values to calibrate")
    fitted, held = split_record(record, args.until)
    return scenario, abc_smc.Problem(scenario, free, fitted, kind=args.distance), record, \
        held, None


def _check_params(params: list[str], problem) -> None:
    from sim.errors import UserError

    keys = [p.key for p in problem.priors]
    bad = [k for k in params if k not in keys]
    if bad:
        raise UserError("--params", f"`{bad[0]}` is not a free value here; free values: "
                        f"{', '.join(keys)}")


def _screen(args, problem, out: Path):
    """The problem narrowed to the values the screen keeps (or ``--params``), and what to
    print. A resumed calibration reads its screen back."""
    from sim.errors import UserError
    from sim.experiments import joint, screening
    from sim.experiments.task_map import mapper
    from sim.views.terminal import ProgressBar

    keys = [p.key for p in problem.priors]
    if args.params:
        return joint.narrowed(problem, args.params), \
            f"fitting the {len(args.params)} values given with --params (no screen)"
    if args.no_screen:
        return problem, f"fitting all {len(keys)} free values (--no-screen)"
    rows = screening.load(out) if args.resume else None
    if rows is None or [r.key for r in rows] and sorted(r.key for r in rows) != sorted(keys):
        total = screening.runs_needed(len(keys), args.screen_trajectories, args.screen_runs)
        bar = ProgressBar(f"screen {len(keys)} values ({total} runs)")
        rows = screening.screen(problem, trajectories=args.screen_trajectories,
                                runs=args.screen_runs, mapper=mapper(args.jobs, args.dask),
                                seed=problem.scenario.seed, progress=bar)
        bar.finish(total, total, False)
        screening.save(out, rows)
    kept = [r.key for r in rows if r.kept]
    if not kept:
        raise UserError("screen", "no free value moves the distance measurably (screen.csv); "
                        "name values with --params, or raise --screen-trajectories")
    return joint.narrowed(problem, kept), screening.report(rows)


def _sample_and_write(args, scenario, problem, record, held, population: int, method: str,
                      out: Path, bar, kept: list, cal=None) -> int:
    from sim.cli.run import partial_exit
    from sim.experiments import abc_smc, interrupts
    from sim.experiments.task_map import mapper
    from sim.views.calibration_outputs import write_outputs

    from .calibrate_joint import episode_checks, write_joint

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
        if cal is None:
            text = write_outputs(args, scenario, problem, record, held, gens, out,
                                 mapper(args.jobs, args.dask))
            text += "\n" + episode_checks(args, out, scenario.name, problem.record, problem,
                                           gens[-1])
        else:
            text = write_joint(args, cal, problem, gens, out)
    if problem.kind != "fit":  # the outputs' summary line names the `fit` distance
        text = text.replace("(distance 1 - behaviour fit)", f"({problem.kind} distance)")
    print(("PARTIAL (interrupted; --resume continues it): " if stopped else "") + text)
    return partial_exit(stopped, f"kept the {len(gens)} finished generations in {out}/ "
                        "(--resume continues it)")


def choose_method(asked: str, dask: str | None = None, distance: str = "fit") -> str:
    """The sampler to use: pyabc when asked for or (``auto``) installed, else the built-in one,
    with a one-line note when ``auto`` falls back. ``--dask`` runs the built-in sampler (pyabc's
    sampler here is a local process pool); so does the adaptive distance (its weights and
    early rejection are the built-in sampler's)."""
    from sim.errors import UserError
    from sim.experiments.abc_pyabc import available

    if dask and asked == "pyabc":
        raise UserError("--dask", "runs the built-in sampler; use --method builtin (or auto) "
                        "with --dask, or drop --dask to use pyabc")
    if distance == "adaptive" and asked == "pyabc":
        raise UserError("--distance adaptive", "runs on the built-in sampler; use --method "
                        "builtin (or auto), or --distance fit with pyabc")
    if asked == "builtin" or dask or distance == "adaptive":
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

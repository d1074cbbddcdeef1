import atexit
import os
import signal
import sys


def _early_stop(signum: int, frame) -> None:
    # a signal before `sim` has loaded (and installed its own handling): nothing has started
    print(f"stopped by {signal.Signals(signum).name} before anything finished; nothing was "
          "written.", file=sys.stderr)
    raise SystemExit(128 + signum)


for _s in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGHUP", None)):
    if _s is not None:
        signal.signal(_s, _early_stop)

from sim.cli import main  # noqa: E402  (after the handlers: loading takes a while)

code = main()
for _s in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGHUP", None)):
    if _s is not None:  # the work is over: a signal now only ends the process sooner
        signal.signal(_s, signal.SIG_DFL)
# Everything is written and closed: end now, after the exit functions (which end the pools'
# forkserver), without the interpreter's own clean-up, which after an interrupted pool was seen
# to wait (its garbage collection) for more than 15 s on a busy machine.
sys.stdout.flush()
sys.stderr.flush()
atexit._run_exitfuncs()
os._exit(code if isinstance(code, int) else 1)

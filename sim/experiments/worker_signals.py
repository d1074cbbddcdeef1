"""Imported first by the forkserver that starts `sim`'s worker processes (``pool.PRELOAD``), and
by nothing else: the stop signals are ignored in the forkserver, and so in every worker it forks
from then on, from birth (ignored signals are inherited). The parent alone answers Ctrl-C,
SIGTERM and SIGHUP, and stops the workers itself (``sim.experiments.pool``).

Importing it changes this process's signal handling: that is its whole purpose."""

import signal

for _s in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGHUP", None)):
    if _s is not None:
        signal.signal(_s, signal.SIG_IGN)

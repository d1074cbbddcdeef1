"""The floor for benchmarks/room.py --floor: a solara page with one line of text and nothing else.

What N Chromium pages and solara's own front end cost before the classroom page adds anything;
served like `sim app` (same settings, the same gzip-once cache), so only the page differs.
"""

import solara

from sim.views.app.static import install

install()


@solara.component
def Page():
    solara.HTML(tag="div", classes=["sim-chart"], unsafe_innerHTML="one line")

"""Per-session state of the classroom page, as solara reactives.

Solara keeps a module-level reactive's value per kernel (one browser tab) and drops it when the
kernel is closed or culled, so these hold nothing across sessions and nothing after one ends.
"""

import solara

tick = solara.reactive(0)  # bumped whenever the run changes: every panel re-renders
session = solara.reactive(None)  # this tab's Runner
settings = solara.reactive({})  # the sliders' values, applied by Reset
side = solara.reactive("")  # the side the student plays ("" = watch both)
view = solara.reactive("sim")  # "sim" or "about"
room = solara.reactive("")  # the join code of the two-student room this tab is in ("" = none)

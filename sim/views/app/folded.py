"""A folded panel of the page whose body is built only once it is opened: a tab that never opens
it (most of a room) costs the server and the browser nothing for it."""

from __future__ import annotations

from collections.abc import Callable

import solara
from solara.alias import rv


@solara.component
def Folded(title: str, body: Callable[[], object], start_open: bool = False):
    """``title`` in the fold's header; ``body()`` renders its content when it is open.
    ``start_open`` opens it at first (and again when that value changes)."""
    expand, set_expand = solara.use_state_or_update(start_open)
    with rv.ExpansionPanels(v_model=0 if expand else None,
                            on_v_model=lambda v: set_expand(v == 0)):
        with rv.ExpansionPanel():
            rv.ExpansionPanelHeader(children=[title])
            with rv.ExpansionPanelContent():
                if expand:
                    body()

"""The words outputs use for a dispute: its talks statuses and its dispute-wide outcomes.

The engine's status names (escalating, truce, ...) are fixed: records name them and the model
moves between them. What a reader sees is the scenario's word for each (its `wording:` section),
by default the status name with spaces ("talks restarted"), so that a scenario about a ceasefire
or a trade deal says so in its summaries, outcome names and plots.
"""

from __future__ import annotations

from sim.engine.model import STATUSES
from sim.engine.spec import Scenario


def _section(scenario: Scenario | None, part: str) -> dict:
    data = getattr(scenario, "data", None) or {}
    return dict((data.get("wording") or {}).get(part) or {})


def status_words(scenario: Scenario | None) -> dict[str, str]:
    """Each talks status and the word ``scenario`` shows for it."""
    words = {status: status.replace("_", " ") for status in STATUSES}
    return words | _section(scenario, "statuses")


def status_word(scenario: Scenario | None, status: str) -> str:
    """The word shown for ``status`` (a status the engine does not list is shown as it is)."""
    return status_words(scenario).get(status, str(status).replace("_", " "))


def outcome_names(scenario: Scenario | None) -> dict[str, str]:
    """The names of the dispute-wide outcomes (``models.NAMED_OUTCOMES``), the scenario's where
    it gives them, else built from its status words."""
    truce = status_word(scenario, "truce")
    names = {
        "any_agreement": "P(at least one agreement)",
        "collapse": f"P({truce} collapses before the end)",
        "collapse_given_truce": f"P({truce} collapses, given an agreement)",
        "days_to_first_agreement": "days to the first agreement (runs with one)",
        "measures": "new measures taken (both sides)",
        "fit": "fit to the documented record (0-1)",
    }
    return names | _section(scenario, "outcomes")

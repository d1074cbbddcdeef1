"""The `wording:` section of the scenario language: the words outputs use for a dispute.

Kept apart from ``sim.scenario.models`` (which names it as the type of ``Scenario.wording``), so it
has its own small base with the same rules as the models' ``Part``: unknown keys are refused
with a did-you-mean, and the key table and `extends` treat it like any other mapping.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, create_model, model_validator

from sim.engine.model import STATUSES
from sim.errors import did_you_mean
from sim.scenario.types import Text, fail

# the outcomes of an ensemble that belong to no meeting, side or lever (sim.record.outcomes)
NAMED_OUTCOMES = ("any_agreement", "collapse", "collapse_given_truce", "days_to_first_agreement",
                  "measures", "fit")
TextT = Annotated[str, Text()]


class Words(BaseModel):
    """A mapping of the `wording:` section: fixed optional keys, unknown ones refused."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, validate_default=False,
                              json_schema_extra=lambda schema, cls: schema.pop("title", None))
    alternatives: ClassVar[dict[tuple[str, ...], str]] = {}  # as models.Part: none here
    named: ClassVar[bool] = False

    @model_validator(mode="before")
    @classmethod
    def _known_keys(cls, data: object) -> object:
        if isinstance(data, dict):
            for k in data:
                if k not in cls.model_fields:
                    raise fail(f"unknown key `{k}`{did_you_mean(k, cls.model_fields)}; allowed "
                               f"here: {', '.join(sorted(cls.model_fields))}", at=(k,))
        return data


def _key(doc: str, example: str) -> Any:
    return Field(None, description=doc, examples=[example])


def _words(name: str, doc: str, examples: dict[str, str], what: str) -> type[Words]:
    """One optional text key per key of ``examples`` (the key table lists each)."""
    fields = {k: (TextT, _key(f"{what} `{k}`", f"{k}: {ex}")) for k, ex in examples.items()}
    return create_model(name, __base__=Words, __doc__=doc, **fields)


_STATUS_EXAMPLES = {"escalating": "fighting", "truce": "ceasefire", "stalled": "deadlock",
                    "talks_restarted": "talks resumed", "framework_agreed": "deal signed"}
StatusWords = _words("StatusWords", "a word per talks status, shown in summaries, outcome names "
                     "and plots (a record's `status:` still names the status itself)",
                     {s: _STATUS_EXAMPLES.get(s, s) for s in STATUSES}, "the word for")
OutcomeNames = _words("OutcomeNames", "a name per dispute-wide outcome of an ensemble (default: "
                      "from the status words, e.g. `P(truce collapses before the end)`); those of "
                      "meetings, sides and levers come from their labels", {
                          "any_agreement": "\"P(any deal)\"",
                          "collapse": "\"P(the ceasefire breaks down before the end)\"",
                          "collapse_given_truce": "\"P(the ceasefire breaks down, given one)\"",
                          "days_to_first_agreement": "days to the first deal",
                          "measures": "new sanctions (both sides)",
                          "fit": "fit to the record (0-1)"}, "the name of")


class Wording(Words):
    """the words outputs use for this dispute's talks statuses and outcomes (default: the words
    of the 2025 episode: truce, framework agreed, "truce collapses", ...)"""

    example: ClassVar[str] = "wording: {statuses: {truce: ceasefire}}"
    statuses: StatusWords = _key(StatusWords.__doc__, "statuses: {truce: ceasefire}")
    outcomes: OutcomeNames = _key(OutcomeNames.__doc__, "outcomes: {collapse: \"P(...)\"}")

"""A lever's measures in law, in the scenario language: the layers its initial value is made of,
the instruments its side has prepared on it, and the terms of what a side commits to when a deal
covers one of its levers. Part of the language's models (``sim.scenario.models``, which the key
table and the schema are generated from); the engine reads them from ``sim.engine.layers`` and
``sim.engine.levers`` specs built by ``sim.scenario.lever_specs``."""

from __future__ import annotations

from typing import ClassVar, Literal

from sim.scenario.parts import Part, TextT, key, num


class Layer(Part):
    """one measure the lever's initial value is made of (its legal form says what a deal's cut
    does to it)"""

    example: ClassVar[str] = ("counter_measures: {amount: 91, if_cut: drop, source: \"doc 003: "
                              "'promised to withdraw further measures'\"}")
    alternatives = {("source", "assumption"): "each layer says where it comes from: give "
                    "exactly one of `source` (document and quote) or `assumption` (why)"}

    amount: num(0, None) = key("the restriction it adds, in the lever's unit (towards its "
                               "restrictive end)", "amount: 24", required=True)
    if_cut: Literal["suspend", "drop"] = key(
        "what a deal that cuts this measure does to it, by its legal form: `suspend` (set aside "
        "for the agreement's term; it returns if the terms lapse) or `drop` (revoked for good)",
        "if_cut: drop", "suspend")
    source: TextT = key("document and quote the layer comes from (give this or `assumption`)",
                        "source: \"joint statement: '24 percentage points'\"")
    assumption: TextT = key("why the layer is there, when no document gives it",
                            "assumption: \"the rate in force before April\"")


class Instrument(Part):
    """a measure this side has prepared on the lever (a rate in law, a list adopted in advance):
    each time the side tightens the lever it imposes the next one in full, not a step"""

    example: ClassVar[str] = ("section_232: {amount: 22.7, source: \"proclamation: 'an "
                              "additional 25 percent ad valorem rate of duty'\"}")
    alternatives = {("source", "assumption"): "each prepared instrument says where it comes "
                    "from: give exactly one of `source` (document and quote) or `assumption` "
                    "(why)"}

    amount: num(0, None) = key("the restriction it adds when imposed, in the lever's unit "
                               "(towards its restrictive end; at most `max` - `min`)",
                               "amount: 22.7", required=True)
    if_cut: Literal["suspend", "drop"] = key(
        "what a deal that cuts this measure does to it, by its legal form: `suspend` or `drop` "
        "(as for a layer)", "if_cut: drop", "suspend")
    after_days: num(1, 3650, integer=True) = key(
        "schedules it: adopted together with the instrument before it, it is announced when that "
        "one is imposed and falls due this many days later, when its side may still withdraw, "
        "postpone or drop it like any deadline (not for the first instrument)",
        "after_days: 1095")
    source: TextT = key("document and quote the instrument comes from (give this or "
                        "`assumption`)", "source: \"doc: 'a second stage in three years'\"")
    assumption: TextT = key("why the instrument is there, when no document gives it",
                            "assumption: \"the rate the side threatened\"")


class Commitment(Part):
    """what this side commits to when a deal covers one of its levers, where it differs from its
    own dispositions (any key left out: the side's own value)"""

    example: ClassVar[str] = ("china.purchases: {compliance: 0.6, verification_days: 90, "
                              "source: \"...\"}")
    alternatives = {("source", "assumption"): "a commitment's terms say where they come from: "
                    "give exactly one of `source` (document and quote) or `assumption` (why)"}

    compliance: num(0, 1) = key("how fully it delivers this commitment (its `compliance` for "
                                "this lever)", "compliance: 0.6")
    linkage: num(0, 1) = key("how far delivering it waits on the other side's verified delivery",
                             "linkage: 0.5")
    verification_days: num(0, 365, integer=True) = key(
        "how old the evidence is by which the other sides verify this delivery: they judge a "
        "shortfall on what they could see that many days ago (trade data come out late)",
        "verification_days: 60")
    source: TextT = key("document and quote the terms come from (give this or `assumption`)",
                        "source: \"doc 004: '...'\"")
    assumption: TextT = key("why these terms, when no document gives them",
                            "assumption: \"customs data are published two months late\"")

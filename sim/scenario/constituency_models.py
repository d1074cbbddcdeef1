"""The scenario language's constituencies: the groups at home whose state presses a side (firms
that run down a stock, a stock market, groups that feel their losses in money, producers a lever
protects), each a pydantic model of its keys (``sim.scenario.models`` uses them under
`actors.<side>.constituencies`)."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import Discriminator, Field

from sim.scenario.parts import Name, Part, TextT, key, num
from sim.scenario.types import Dist


class Constituency(Part):
    """a domestic group whose state becomes pressure on its side"""

    example: ClassVar[str] = "manufacturers: {kind: firms, depends_on: china.rare_earth_licensing}"
    alternatives = {("source", "assumption"): "a constituency gives at most one of `source` "
                    "(document and quote) or `assumption` (why it was chosen)"}

    kind: Literal["firms", "market", "losses", "protected"] = key(
        "`firms` (run down a stock while the other side restricts a lever), `market` (moves "
        "on the day's news), `losses` (feel their losses in money, from the `trade:` "
        "section) or `protected` (producers a lever of their own side protects)",
        "kind: firms", required=True)
    label: TextT = key("plain-language name", "label: US firms that need rare earths")
    weight: num(0, 10) = key("its share in the side's pressure", "weight: 0.6", 1.0)
    direction: Literal["settle", "escalate"] = key(
        "which way its pressure pushes its side: `settle` (toward a deal: it wants the dispute "
        "over) or `escalate` (toward new measures and a harder bargain: it gains from them); "
        "`protected` groups must say it", "direction: settle", "settle")
    source: TextT = key("document and quote for the group and its weight (give this or "
                        "`assumption`; required for `protected`)",
                        "source: \"petition_2017: 'the industry asked for relief'\"")
    assumption: TextT = key("why the group and its weight were chosen, when no document says",
                            "assumption: \"a group the side's politics answers to\"")


class Firms(Constituency):
    """firms that run down a stock of supplies while the other side restricts a lever"""

    kind: Literal["firms"] = key(Constituency.model_fields["kind"].description, "kind: firms",
                                 required=True)
    depends_on: TextT = key("the lever the firms need open (its id): one of the other side's "
                            "(rare earths it licenses) or one of their own side's (importers "
                            "pay its tariff)",
                            "depends_on: china.rare_earth_licensing", required=True)
    count: num(1, 1000, integer=True) = key("number of firms", "count: 12", 10)
    stock_days: Annotated[object, Dist(0, 3650)] = key(
        "days of supply each firm holds at the start (a distribution draws one per firm)",
        "stock_days: {uniform: [25, 80]}", 60)
    comfort_days: num(1, 3650) = key("stock at which a firm feels no pressure",
                                     "comfort_days: 60", 60)


class Market(Constituency):
    """a stock market that moves on the day's news"""

    kind: Literal["market"] = key(Constituency.model_fields["kind"].description, "kind: market",
                                  required=True)
    news_sensitivity: num(0, 1) = key("share the index moves per unit of the day's news",
                                      "news_sensitivity: 0.01", 0.01)
    volatility: num(0, 0.2) = key("daily noise of the index", "volatility: 0.006", 0.005)
    initial_drawdown: num(0, 0.9) = key("fall from the peak on the start date",
                                        "initial_drawdown: 0.12", 0.0)
    pain_drawdown: num(0.01, 1) = key("fall from the peak that means full pressure",
                                      "pain_drawdown: 0.2", 0.2)


class Losses(Constituency):
    """a group that feels what the dispute costs it in money: its sectors' flows in the `trade:`
    section, over a window of days, as a share of their flow or of the side's GDP"""

    kind: Literal["losses"] = key(Constituency.model_fields["kind"].description,
                                  "kind: losses", required=True)
    loss: Literal["lost_exports", "buyers_loss", "net"] = key(
        "which money it feels: `lost_exports` (its exporters' sales below the flow without the "
        "dispute), `buyers_loss` (its buyers' extra spending and lost surplus) or `net` (the "
        "side's buyers' loss less its extra tariff revenue, plus its lost exports)",
        "loss: lost_exports", required=True)
    sectors: Annotated[list[Name], Field(min_length=1)] = key(
        "the `trade:` sectors it feels (their ids); default: every sector the side exports "
        "(lost_exports), imports (buyers_loss) or takes part in (net)",
        "sectors: [us_exports_to_china_soybeans]")
    relative_to: Literal["flow", "gdp"] = key(
        "what the loss is a share of: the sectors' flow without the dispute (`flow`) or the "
        "side's GDP at a yearly rate (`gdp`, from `trade: gdp:`)", "relative_to: flow", "flow")
    painful: num(0.00001, 10) = key(
        "the share (of `relative_to`) at which the group presses with full force: an "
        "assumption, label it so", "painful: 0.5", required=True)
    window_days: num(1, 730, integer=True) = key(
        "days of losses it remembers (a rolling window)", "window_days: 90", 90)


class Protected(Constituency):
    """producers at home whom a lever of their own side protects from the other side's goods:
    they press while it restricts less than protects them"""

    kind: Literal["protected"] = key(Constituency.model_fields["kind"].description,
                                     "kind: protected", required=True)
    protected_by: TextT = key("the lever of its own side that protects it (its id)",
                              "protected_by: us.steel_tariff", required=True)
    content_at: num(0.01, 1) = key(
        "the lever's restrictiveness (0-1 of its range, 1 at its restrictive end) that protects "
        "it enough: below it the group presses, with full force when the lever is wide open",
        "content_at: 0.5", required=True)
    direction: Literal["settle", "escalate"] = key(
        Constituency.model_fields["direction"].description, "direction: escalate",
        required=True)


AnyConstituency = Annotated[Firms | Market | Losses | Protected, Discriminator("kind")]

__all__ = ["AnyConstituency", "Constituency", "Firms", "Losses", "Market", "Protected"]

"""The `trade:` section of a scenario: the dispute's bilateral flows by sector, in money, and the
numbers that connect levers to them, each with its source and quote (or labelled an assumption).

The pydantic models here are the section's language (checked with the rest of the scenario, so a
mistake is reported with file, line and key); ``check_section`` checks what no schema can state
(a sector names a lever or an actor the scenario has, a tariff lever is in percent, a quote names
a document of the section); ``trade_spec`` builds the engine's frozen ``TradeSpec`` from a loaded
scenario. Nothing here names a side, a lever or a year. docs/economics.md explains the formulas.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from sim.engine.trade import LeverRef, Sector, TradeSpec
from sim.errors import did_you_mean
from sim.scenario.types import Number, Slug, Text, fail

Name = Annotated[str, Slug()]
TextT = Annotated[str, Text()]
DocId = Annotated[str, Slug("<document>")]
ActorId = Annotated[str, Slug("<actor>")]
SectorId = Annotated[str, Slug("<sector>")]


def key(doc: str, example: str, default: Any = None, *, required: bool = False) -> Any:
    """A key of the section: what it means (one phrase) and how one writes it."""
    if required:
        return Field(description=doc, examples=[example])
    return Field(default, description=doc, examples=[example])


def num(low: float | None = None, high: float | None = None, integer: bool = False) -> Any:
    return Annotated[float, Number(low, high, integer)]


class TradePart(BaseModel):
    """A mapping of the `trade:` section: unknown keys are refused with a did-you-mean, as in the
    rest of the language."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, validate_default=False,
                              json_schema_extra=lambda s, c: s.pop("title", None))
    # what the language's walkers (extends, schema) ask of every mapping
    alternatives: ClassVar[dict[tuple[str, ...], str]] = {}
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


class Sourced(TradePart):
    """a number with where it comes from: a document of the section and a verbatim quote, or
    `assumption: true` and a note saying why this value"""

    example: ClassVar[str] = ("{value: 2.53, doc: fgkk_2020, quote: \"...\"} or "
                              "{value: 60, assumption: true, note: \"...\"}")

    value: num() = key("the number", "value: 2.53", required=True)
    doc: Name = key("id of a document under `trade.documents`", "doc: fgkk_2020")
    quote: TextT = key("the words of the document that give the number, copied verbatim",
                       "quote: \"complete pass-through of the tariffs\"")
    assumption: Literal[True] = key("the number is not given by a document (say why in `note`)",
                           "assumption: true")
    derived: Literal[True] = key("the number is computed from the quoted ones (say how in `note`)",
                        "derived: true")
    note: TextT = key("how the number was read or why it was assumed", "note: \"...\"")

    @model_validator(mode="after")
    def _sourced(self) -> Sourced:
        given = self.model_fields_set
        if self.assumption:
            if "note" not in given:
                raise fail("an assumed number needs a `note` saying why this value", rule=True)
        elif self.derived and "note" not in given:
            raise fail("a derived number needs a `note` saying how it was computed", rule=True)
        elif not {"doc", "quote"} <= given:
            raise fail("every number of the trade section needs its source: give `doc` (a "
                       "document id) and `quote` (its words, verbatim), or `assumption: true` "
                       "and a `note`", rule=True)
        return self


def sourced(low: float | None = None, high: float | None = None) -> Any:
    """A Sourced number whose value must lie in [low, high]."""
    return Annotated[Sourced, _Range(low, high)]


class _Range:
    """Checks a Sourced value's range after the mapping itself is valid."""

    def __init__(self, low: float | None, high: float | None):
        self.low, self.high = low, high

    def __get_pydantic_core_schema__(self, source, handler):
        from pydantic_core import core_schema

        def check(value: Sourced) -> Sourced:
            v = value.value
            if (self.low is not None and v < self.low) or (self.high is not None
                                                            and v > self.high):
                want = (f"from {self.low:g} to {self.high:g}" if self.low is not None
                        and self.high is not None else f"of at least {self.low:g}"
                        if self.low is not None else f"of at most {self.high:g}")
                raise fail(f"expected a number {want}, found {v:g}", at=("value",))
            return value

        return core_schema.no_info_after_validator_function(check, handler(source))


class Document(TradePart):
    """a source the section quotes"""

    example: ClassVar[str] = "fgkk_2020: {url: https://..., headline: The Return to Protectionism}"

    url: TextT = key("where it can be read", "url: https://www.nber.org/papers/w25638",
                     required=True)
    headline: TextT = key("its title", "headline: The Return to Protectionism", required=True)
    notes: TextT = key("authors, date, which copy was read", "notes: QJE 2020")


class Commitment(TradePart):
    """a purchase commitment: a lever whose value is the share of a promised amount delivered"""

    example: ClassVar[str] = "commitment: {lever: china.purchases_of_us_goods, amount: {...}}"

    lever: TextT = key("the commitment lever, `<actor>.<lever>` (its range: none to all of "
                       "`amount` delivered)", "lever: china.purchases_of_us_goods",
                       required=True)
    amount: sourced(0) = key("the promised amount at the top of the lever's range, in the "
                             "section's currency", "amount: {value: 200000, doc: ..., quote: ...}",
                             required=True)


class TradeSector(TradePart):
    """one bilateral flow of goods and the levers it responds to"""

    example: ClassVar[str] = ("imports: {exporter: china, importer: us, value: {...}, "
                              "tariff: us.tariff_on_china}")
    alternatives = {("value", "monthly"): "a sector's flow is given once: `value` (a year) or "
                    "`monthly` (twelve months)"}

    label: TextT = key("plain-language name", "label: US imports of goods from China")
    exporter: Name = key("the actor whose goods these are", "exporter: china", required=True)
    importer: Name = key("the actor that buys them", "importer: us", required=True)
    value: sourced(0) = key("value in the base year, a year's worth, in the section's currency "
                            "(give this or `monthly`)", "value: {value: 130400, doc: ..., "
                            "quote: ...}")
    monthly: list[sourced(0)] = key(
        "value in each month of the base year, January to December (gives the seasons)",
        "monthly: [{value: 41335.6, doc: ..., quote: ...}, ...]")
    tariff: TextT = key("the importer's tariff lever, `<actor>.<lever>`, in percent: raises "
                        "the buyers' price by `pass_through`, cuts the volume by `elasticity`",
                        "tariff: us.tariff_on_china")
    base_tariff: sourced(0, 1000) = key("the tariff (percent) already paid in the base year",
                                        "base_tariff: {value: 3.0, doc: ..., quote: ...}")
    cap: TextT = key("a licence or control lever, `<actor>.<lever>`: withholds its 0-1 "
                     "restrictiveness as a share of the flow", "cap: china.export_licensing")
    commitment: Commitment = key(Commitment.__doc__, Commitment.example)
    elasticity: sourced(0, 50) = key("import demand elasticity: percent fall in volume per "
                                     "percent rise in the buyers' price",
                                     "elasticity: {value: 2.53, doc: fgkk_2020, quote: ...}")
    pass_through: sourced(0, 1) = key("share of a tariff rise paid by the importer's buyers "
                                      "(1: complete)", "pass_through: {value: 1, doc: ..., "
                                      "quote: ...}")
    growth: sourced(-0.5, 1) = key("yearly growth of the flow without the dispute (0.03: 3 %)",
                                   "growth: {value: 0, assumption: true, note: ...}")
    lag_days: sourced(0, 730) = key("mean delay, in days, of the response to a lever",
                                    "lag_days: {value: 60, assumption: true, note: ...}")

    @model_validator(mode="after")
    def _one_value(self) -> TradeSector:
        given = self.model_fields_set
        if ("value" in given) == ("monthly" in given):
            raise fail("a sector's flow is given once: `value` (a year) or `monthly` (twelve "
                       "months), with its source", rule=True)
        if "monthly" in given and len(self.monthly) != 12:
            raise fail(f"`monthly` lists the twelve months of the base year, found "
                       f"{len(self.monthly)}", at=("monthly",), rule=True)
        if not given & {"tariff", "cap", "commitment"}:
            raise fail("a sector responds to at least one lever: give `tariff`, `cap` or "
                       "`commitment`", rule=True)
        return self


class Trade(TradePart):
    """the dispute's trade in money: flows by sector, what moves them, each number sourced
    (docs/economics.md)"""

    example: ClassVar[str] = "trade: {currency: USD million, base_year: 2017, sectors: {...}}"

    currency: TextT = key("the unit of every amount in the section", "currency: USD million",
                          "USD million")
    base_year: num(1900, 2100, integer=True) = key("the year the flows are valued at",
                                                   "base_year: 2017", required=True)
    documents: dict[DocId, Document] = key("the sources quoted, by id",
                                           "documents: {fgkk_2020: {url: ..., headline: ...}}")
    gdp: dict[ActorId, sourced(0)] = key("each side's GDP a year, in the section's currency, "
                                         "for shares of GDP", "gdp: {us: {value: 19500000, "
                                         "doc: ..., quote: ...}}")
    sectors: dict[SectorId, TradeSector] = key("the flows, by name", "sectors: {imports: {...}}",
                                               required=True)


# --- checks no schema can state, and the engine's spec ------------------------------------------

Fail = Callable[[tuple, str], Exception]


def _sourced_items(section: dict):
    """(path below `trade`, sourced mapping) for every sourced number of the section."""
    for actor, g in (section.get("gdp") or {}).items():
        yield ("gdp", actor), g
    for name, s in (section.get("sectors") or {}).items():
        for k in ("value", "base_tariff", "elasticity", "pass_through", "growth", "lag_days"):
            if isinstance(s.get(k), dict):
                yield ("sectors", name, k), s[k]
        for i, m in enumerate(s.get("monthly") or []):
            yield ("sectors", name, "monthly", i), m
        if isinstance(s.get("commitment"), dict):
            yield ("sectors", name, "commitment", "amount"), s["commitment"].get("amount") or {}


def check_section(data: dict, fail: Fail) -> None:
    """Check the `trade:` section of the whole (merged) scenario ``data``: actors and levers it
    names exist, a tariff lever is in percent, every `doc` names a document of the section.
    ``fail(path, message)`` makes the error naming the file and line."""
    section = data.get("trade")
    if not section:
        return
    actors = data.get("actors") or {}
    levers = {f"{a}.{n}": lv for a, spec in actors.items() for n, lv in (spec.get("levers")
                                                                          or {}).items()}
    docs = section.get("documents") or {}
    root = ("trade",)
    for path, item in _sourced_items(section):
        d = item.get("doc")
        if d is not None and d not in docs:
            raise fail((*root, *path, "doc"), f"`{d}` is not a document of the trade section"
                       f"{did_you_mean(d, docs)}; add it under `trade.documents`")
    for actor in section.get("gdp") or {}:
        _known(fail, (*root, "gdp", actor), actor, actors, "an actor")
    for name, s in section["sectors"].items():
        at = (*root, "sectors", name)
        for side in ("exporter", "importer"):
            _known(fail, (*at, side), s[side], actors, "an actor")
        if s["exporter"] == s["importer"]:
            raise fail((*at, "importer"), f"a sector flows between two sides; `{name}` has "
                       f"`{s['importer']}` at both ends")
        for k in ("tariff", "cap"):
            if k in s:
                _known(fail, (*at, k), s[k], levers, "a lever")
        if "tariff" in s and levers[s["tariff"]].get("unit") != "percent":
            raise fail((*at, "tariff"), f"a tariff lever is a rate in percent; `{s['tariff']}` "
                       f"is in {levers[s['tariff']].get('unit')}")
        if "commitment" in s:
            _known(fail, (*at, "commitment", "lever"), s["commitment"]["lever"], levers,
                   "a lever")


def _known(fail: Fail, path: tuple, value: str, valid, what: str) -> None:
    if value not in valid:
        raise fail(path, f"`{value}` is not {what}{did_you_mean(value, valid)}; expected one of "
                   f"{', '.join(sorted(valid))}")


# Defaults when a sector gives no number: the literature's central values (assumptions, see
# docs/economics.md): complete pass-through (Amiti, Redding & Weinstein in the JEP;
# Fajgelbaum et al. 2020) and an import-demand elasticity of 2.53 (Fajgelbaum et al. 2020).
DEFAULT_ELASTICITY = 2.53
DEFAULT_PASS_THROUGH = 1.0


def _value(item: dict | None, default: float) -> float:
    return float(item["value"]) if item else default


def spread(year: float, growth: float) -> tuple[float, ...]:
    """A year's value over its twelve months along the flow's trend (growing at ``growth`` a
    year), summing to the year: so a flow given by the year grows smoothly into the next,
    without a step each January."""
    weights = [(1.0 + growth) ** ((m - 5.5) / 12.0) for m in range(12)]
    total = sum(weights)
    return tuple(year * w / total for w in weights)


def trade_spec(scenario) -> TradeSpec | None:
    """The engine's TradeSpec of a loaded scenario (None when it has no `trade:` section)."""
    section = (scenario.data or {}).get("trade")
    if not section:
        return None
    refs = {lv.id: LeverRef(lv.id, float(lv.min), float(lv.max), lv.unit,
                            lv.restrictive == "high")
            for a in scenario.actors.values() for lv in a.levers}
    year = int(section["base_year"])
    sectors = []
    for name, s in section["sectors"].items():
        growth = _value(s.get("growth"), 0.0)
        if "monthly" in s:
            monthly = tuple(float(m["value"]) for m in s["monthly"])
        else:
            monthly = spread(float(s["value"]["value"]), growth)
        commitment = s.get("commitment")
        sectors.append(Sector(
            name=name, label=s.get("label", name), exporter=s["exporter"],
            importer=s["importer"], monthly=monthly, base_year=year,
            elasticity=_value(s.get("elasticity"), DEFAULT_ELASTICITY),
            pass_through=_value(s.get("pass_through"), DEFAULT_PASS_THROUGH),
            base_duty=_value(s.get("base_tariff"), 0.0) / 100.0,
            growth=growth, lag_days=_value(s.get("lag_days"), 0.0),
            duty=refs.get(s.get("tariff")), cap=refs.get(s.get("cap")),
            commitment=refs.get(commitment["lever"]) if commitment else None,
            commitment_amount=float(commitment["amount"]["value"]) if commitment else 0.0))
    gdp = tuple((a, float(g["value"])) for a, g in (section.get("gdp") or {}).items())
    return TradeSpec(tuple(sectors), str(section.get("currency", "USD million")), gdp)


__all__ = ["Commitment", "Document", "Sourced", "Trade", "TradeSector", "check_section",
           "trade_spec"]


def commented_example(base) -> list[str]:
    """The commented `trade:` section `sim new` writes: what the parent's section holds (when it
    has one) and every key of the section with an example (docs/economics.md)."""
    section = (base.data or {}).get("trade") or {}
    actors = list(base.actors)
    percent = [lv.id for lv in base.levers if lv.unit == "percent"]
    plain = [lv.id for lv in base.levers if lv.unit != "percent" and not lv.horizon_days]
    kept = [lv.id for lv in base.levers if lv.horizon_days]
    tariff = (percent or [base.levers[0].id])[0]
    cap = plain[0] if plain else "<a licence or control lever>"
    commitment = kept[-1] if kept else "<a commitment lever>"
    sectors = list(section.get("sectors") or {})
    lines = [
        "",
        "# --- trade: flows by sector in money, and the levers that move them (docs/economics.md)",
        "# Every number gives `doc` + `quote` (verbatim), or `assumption: true` + `note`.",
    ]
    if sectors:
        lines += [f"# The parent's section is inherited: sectors {', '.join(sectors)}.",
                  "# To change a number, give it with its reason:",
                  f"# trade: {{sectors: {{{sectors[0]}: {{elasticity: {{value: 2.0, assumption: "
                  "true, note: \"why\"}}}}",
                  "# Every key, for a new sector or a new section:"]
    return lines + [
        "# trade:",
        f"#   currency: {section.get('currency', 'USD million')}",
        f"#   base_year: {section.get('base_year', base.start.year - 1)}",
        "#   documents: {paper: {url: https://..., headline: Its title, notes: who, when}}",
        f"#   gdp: {{{actors[0]}: {{value: 19386200, doc: paper, quote: \"...\"}}}}",
        "#   sectors:",
        "#     imports:",
        "#       label: What flows",
        f"#       exporter: {actors[-1]}",
        f"#       importer: {actors[0]}",
        "#       value: {value: 500000, doc: paper, quote: \"...\"}   # or monthly: [12 of them]",
        "#       # monthly: [{value: 41000, doc: paper, quote: \"...\"}, ...]",
        f"#       tariff: {tariff}          # a lever in percent",
        "#       base_tariff: {value: 3.0, doc: paper, quote: \"...\"}",
        f"#       # cap: {cap}         # a licence or control: withholds its restrictiveness",
        f"#       # commitment: {{lever: {commitment}, amount: {{value: 200000, doc: paper, "
        "quote: \"...\"}}",
        "#       elasticity: {value: 2.53, assumption: true, note: \"why\"}",
        "#       pass_through: {value: 1, doc: paper, quote: \"...\"}",
        "#       growth: {value: 0, assumption: true, note: \"why\"}",
        "#       lag_days: {value: 60, derived: true, doc: paper, quote: \"...\", note: \"how\"}",
    ]

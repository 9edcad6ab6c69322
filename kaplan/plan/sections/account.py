"""The account ("point", 点) and its competition ("line", 线): profile, competitors, installed base."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StrictBool, StrictInt

from kaplan.plan.base import (
    CompetitorStatus,
    Date,
    Id,
    Item,
    Level,
    MarketPosition,
    Md,
    Money,
    Month,
    Number,
    Pattern,
    Per,
    Percent,
    Rating,
    Ref,
    Source,
    Strict,
    UnitKind,
)


# --- account ("point") ---------------------------------------------------------------
class Contact(Item):
    """A way to reach the account: switchboard, purchasing office…"""

    label: str | None = Field(None, description="What this contact is, e.g. 'Purchasing office'.")
    phone: str | None = Field(None, description="Phone number.")
    email: str | None = Field(None, description="E-mail address.")
    address: str | None = Field(None, description="Postal address.")


class Scale(Strict):
    """How big the account is."""

    employees: StrictInt | None = Field(None, ge=0, description="Number of employees.")
    revenue: Money | None = Field(None, description="Annual revenue.")
    sites: StrictInt | None = Field(None, ge=0, description="Number of plants or sites.")
    notes: Md | None = Field(None, description="Notes on scale (Markdown).")


class Volume(Strict):
    """A consumption volume: quantity per period."""

    qty: Number = Field(description="Quantity.")
    unit: str = Field(description="Unit, e.g. 't' or 'sets'.")
    per: Per = Field("year", description="Period the quantity is counted over.")


class Consumption(Item):
    """What the account consumes of a category: volume, pattern, cycle (用量/模式/周期)."""

    category: str = Field(description="Product category consumed.")
    volume: Volume | None = Field(None, description="How much, per period.")
    pattern: Pattern | None = Field(None, description="How they buy it.")
    cycle_months: StrictInt | None = Field(None, ge=0, description="Purchase cycle in months.")
    next_purchase: Date | None = Field(None, description="Forecast date of the next purchase.")
    notes: Md | None = Field(None, description="Notes (Markdown).")


class Development(Strict):
    """Where the account is going (发展状况)."""

    direction: Md | None = Field(None, description="Strategic direction (Markdown).")
    plans: list[str] = Field(default_factory=list, description="Announced plans and investments.")
    position: MarketPosition | None = Field(None, description="Position in its industry.")
    competitiveness: Md | None = Field(None, description="Potential competitiveness (Markdown).")


class Swot(Strict):
    """The account's SWOT as we see it."""

    strengths: list[str] = Field(default_factory=list, description="Strengths.")
    weaknesses: list[str] = Field(default_factory=list, description="Weaknesses.")
    opportunities: list[str] = Field(default_factory=list, description="Opportunities.")
    threats: list[str] = Field(default_factory=list, description="Threats.")


class Unit(Item):
    """A part of the account's group: a division, plant, site or entity (分支机构), the field of play."""

    id: Id = Field(description="Unique id in this plan.")
    name: str = Field(description="The unit's name.")
    kind: UnitKind | None = Field(None, description="Group, division, subsidiary, plant, site…")
    parent: Ref | None = Field(None, description="The unit it belongs to: an id from `account.units`.")
    location: str | None = Field(None, description="Where it is.")
    in_scope: StrictBool = Field(True, description="Whether we sell to it (part of the field of play).")
    notes: Md | None = Field(None, description="Notes (Markdown).")


class Shareholder(Item):
    """A shareholder of the account (股本结构)."""

    name: str = Field(description="The shareholder's name.")
    share: Percent | None = Field(None, description="Their share, in percent (0 to 100).")


class PurchasingWindow(Item):
    """When the account buys something: a tender, a repricing, a shutdown, a stock-up."""

    what: str = Field(description="What happens, e.g. 'annual tender for refractories'.")
    months: list[Month] = Field(default_factory=list, description="The months it happens in, 1 to 12.")
    notes: Md | None = Field(None, description="Notes (Markdown).")


class Terms(Strict):
    """The account-level commercial terms."""

    payment: str | None = Field(None, description="Payment terms.")
    delivery: str | None = Field(None, description="Delivery terms.")
    pricing: str | None = Field(None, description="Pricing terms (index, yearly repricing…).")


class Account(Strict):
    """The account's basic profile ("point", 点)."""

    name: str = Field(description="The account's usual name.")
    legal_name: str | None = Field(None, description="Registered legal name.")
    group: str | None = Field(None, description="Parent group.")
    industry: str | None = Field(None, description="Industry.")
    hq: str | None = Field(None, description="Headquarters location.")
    website: Annotated[str, Field(pattern=r"^https?://\S+$")] | None = Field(
        None, description="Web site: an http(s) URL."
    )
    business_scope: list[str] = Field(default_factory=list, description="Business scope (经营范围).")
    contacts: list[Contact] = Field(default_factory=list, description="Switchboard, offices…")
    scale: Scale | None = Field(None, description="Size of the account.")
    consumption: list[Consumption] = Field(
        default_factory=list, description="Consumption by category, to forecast purchases."
    )
    development: Development | None = Field(None, description="Direction, plans and position.")
    swot: Swot | None = Field(None, description="SWOT analysis.")
    units: list[Unit] = Field(
        default_factory=list, description="The field of play: divisions, plants, sites, entities."
    )
    shareholders: list[Shareholder] = Field(default_factory=list, description="Shareholders (股本结构).")
    purchasing_calendar: list[PurchasingWindow] = Field(
        default_factory=list, description="When the account buys: tenders, repricing, shutdowns."
    )
    terms: Terms | None = Field(None, description="Account-level commercial terms.")


# --- competition ("line") ------------------------------------------------------------
class CompetitorRep(Strict):
    """The competitor's sales rep."""

    name: str | None = Field(None, description="Their name.")
    style: Md | None = Field(None, description="Their selling style.")
    channels: list[str] = Field(default_factory=list, description="Their channels.")


class Competitor(Item):
    """Competitor intelligence: the eight facts of the source article."""

    id: Id = Field(description="Unique id in this plan.")
    name: str = Field(description="Company name.")
    status: CompetitorStatus = Field("active", description="Their position at this account.")
    products: list[str] = Field(default_factory=list, description="Products and services they offer.")
    usage: Md | None = Field(None, description="How the account uses them today.")
    satisfaction: Rating | None = Field(None, description="The account's satisfaction, 1 to 5.")
    position: Md | None = Field(None, description="Industry position and core competence.")
    rep: CompetitorRep | None = Field(None, description="Their sales rep.")
    market_share: Number | None = Field(None, ge=0, le=100, description="Market share in percent.")
    potential: Md | None = Field(None, description="Growth potential and threat to us.")
    threat: Level | None = Field(None, description="How much they threaten us.")
    counter: Md | None = Field(None, description="Our counter-strategy.")
    as_of: Date | None = Field(None, description="When this intelligence was gathered.")
    pricing: Md | None = Field(None, description="Their price level and terms.")
    source: Source | None = Field(None, description="Where this intelligence comes from.")


class InstalledProduct(Item):
    """A product the account uses now."""

    product: str = Field(description="Product name.")
    vendor: Ref = Field(description="An id from `competitors`, or `us`.")
    since: StrictInt | None = Field(None, description="Year installed.")
    quantity: str | None = Field(None, description="How many or how much.")
    price: Money | None = Field(None, description="Price paid.")
    performance: Md | None = Field(None, description="How it performs.")
    pros: list[str] = Field(default_factory=list, description="Strong points.")
    cons: list[str] = Field(default_factory=list, description="Weak points.")
    satisfaction: Rating | None = Field(None, description="Satisfaction, 1 to 5.")
    unit: Ref | None = Field(None, description="The unit that uses it: an id from `account.units`.")
    contract: Ref | None = Field(None, description="The contract it runs under: an id from `contracts`.")

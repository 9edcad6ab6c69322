"""The account-plan format, version 1, as strict Pydantic models.

Field descriptions are the format's documentation: ``kaplan schema`` publishes them.
The model knows nothing of YAML, Jinja or Click.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    model_validator,
)

FORMAT_VERSION = 1
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
RESERVED_IDS = frozenset({"us"})


def _parse_date(value: Any) -> Any:
    """Accept only ``YYYY-MM-DD`` text that names a real day."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if not isinstance(value, str) or not DATE_RE.match(value):
        raise ValueError(f"expected a date written YYYY-MM-DD, got {value!r}")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a real date (check the month and the day)") from None


def _check_slug(value: str) -> str:
    if not SLUG_RE.match(value):
        raise ValueError(
            f"{value!r} is not a valid id: use lowercase a-z, 0-9 and single hyphens, like 'wang-fang'"
        )
    if value in RESERVED_IDS:
        raise ValueError(f"{value!r} is reserved (it means our own company); choose another id")
    return value


Date = Annotated[
    dt.date,
    BeforeValidator(_parse_date, json_schema_input_type=str),
    Field(json_schema_extra={"format": "date"}),
]
Id = Annotated[str, AfterValidator(_check_slug), Field(json_schema_extra={"pattern": SLUG_RE.pattern})]
Ref = Annotated[str, Field(description="The id of another entry of this plan.")]
Number = StrictFloat
Rating = Annotated[StrictInt, Field(ge=1, le=5)]
Md = Annotated[str, Field(json_schema_extra={"contentMediaType": "text/markdown"})]
Stage = Annotated[StrictInt, Field(ge=1, le=8)]


class Strict(BaseModel):
    """Base of every model of the format.

    Why: plans are typed by people; a misspelt key must be an error with a hint, never
    silently ignored. Numbers typed where text is expected (a phone number) become text.
    """

    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True, allow_inf_nan=False, frozen=True)


class Item(Strict):
    """A mapping inside a list: it may be marked private."""

    private: StrictBool = Field(False, description="Only the `private` audience sees this item.")


class MoneyValue(Strict):
    """An amount of money in a currency."""

    amount: Number = Field(description="The amount.")
    currency: str | None = Field(None, description="ISO 4217 code such as CNY; default: the plan's currency.")


def _money_from_number(value: Any) -> Any:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return {"amount": value}
    return value


Money = Annotated[
    MoneyValue,
    BeforeValidator(_money_from_number, json_schema_input_type=float | MoneyValue),
]

# --- enumerations -----------------------------------------------------------------
Status = Literal["draft", "active", "review", "approved", "archived"]
Tier = Literal["A", "B", "C", "D"]
Locale = Literal["zh", "en"]
Per = Literal["month", "quarter", "year"]
Pattern = Literal["continuous", "batch", "project", "seasonal"]
MarketPosition = Literal["leader", "challenger", "follower", "niche"]
TeamRole = Literal["account_manager", "sales", "presales", "service", "executive_sponsor"]
PersonStatus = Literal["active", "left", "moved"]
Influence = Literal["high", "medium", "low", "unknown"]
Support = Literal["champion", "supporter", "neutral", "skeptic", "opponent", "unknown"]
Coverage = Literal["none", "brief", "multiple", "in_depth"]
Political = Literal["inner_circle", "power_structure", "formal_only", "unknown"]
Basis = Literal["consent", "public", "contract"]
RelationKind = Literal["influences", "conflicts", "ally", "informal_report"]
CompetitorStatus = Literal["incumbent", "active", "potential", "displaced"]
Level = Literal["high", "medium", "low"]
NeedKind = Literal["product", "service", "special", "personal"]
Visibility = Literal["explicit", "hidden"]
Outcome = Literal["open", "won", "lost", "no_decision"]
BudgetStatus = Literal["unknown", "requested", "approved"]
BuyingRole = Literal[
    "economic_buyer",
    "user_buyer",
    "technical_buyer",
    "coach",
    "champion",
    "influencer",
    "gatekeeper",
    "approver",
    "procurement",
    "legal",
    "blocker",
]
Mode = Literal["growth", "trouble", "even_keel", "overconfident"]
CriterionKind = Literal[
    "technical", "commercial", "price", "quality", "brand", "standard", "service", "relationship"
]
CompetitionPosition = Literal["ahead", "even", "behind"]
ContractSide = Literal["ours", "theirs"]
CruxKind = Literal["product_service", "special_need", "person", "personal"]
ActionStatus = Literal["open", "done", "dropped"]

STAGE_KEYS = (
    "need",
    "screening",
    "team",
    "criteria",
    "evaluation",
    "preferred",
    "negotiation",
    "signing",
)


# --- plan -------------------------------------------------------------------------
class Period(Strict):
    """The period the plan covers."""

    start: Date | None = Field(None, description="First day of the plan period.")
    end: Date | None = Field(None, description="Last day of the plan period.")


class PlanMeta(Strict):
    """Who owns the plan, its status and review rhythm."""

    owner: Ref | None = Field(None, description="The account manager: an id from `team`.")
    status: Status = Field("draft", description="Where the plan stands in its own review cycle.")
    period: Period | None = Field(None, description="The period the plan covers.")
    reviewed: Date | None = Field(None, description="Date of the last plan review (drives staleness).")
    review_every_days: StrictInt = Field(
        90, ge=1, description="How often the plan must be reviewed, in days."
    )
    tier: Tier | None = Field(None, description="Account tier, A (most strategic) to D.")
    currency: str | None = Field(
        None, description="Default currency for bare money numbers (default from kaplan.yaml)."
    )
    locale: Locale | None = Field(
        None, description="Language of this plan's documents (default from kaplan.yaml)."
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


# --- our team ----------------------------------------------------------------------
class TeamMember(Item):
    """A member of our own account team."""

    id: Id = Field(description="Unique id in this plan.")
    name: str = Field(description="Full name.")
    role: TeamRole | None = Field(None, description="Role on the account team.")
    email: str | None = Field(None, description="E-mail address.")


# --- the customer's people ("face") ------------------------------------------------
class Education(Item):
    """A degree."""

    school: str | None = Field(None, description="School or university.")
    degree: str | None = Field(None, description="Degree.")
    year: StrictInt | None = Field(None, description="Year of graduation.")


class Likes(Strict):
    """What the person likes."""

    food: str | None = Field(None, description="Favourite food.")
    restaurants: list[str] = Field(default_factory=list, description="Favourite restaurants.")
    colors: list[str] = Field(default_factory=list, description="Favourite colours.")
    pets: str | None = Field(None, description="Pets.")
    books: list[str] = Field(default_factory=list, description="Books they like.")
    hobbies: list[str] = Field(default_factory=list, description="Hobbies.")


class Vacation(Strict):
    """Last and next holidays."""

    last: str | None = Field(None, description="Where and when they last went on holiday.")
    next: str | None = Field(None, description="Their next holiday plan.")


class Personal(Strict):
    """Personal profile (个人资料): sensitive, seen only by the `private` audience."""

    basis: Basis | None = Field(None, description="Lawful basis for holding this data (PIPL/GDPR).")
    as_of: Date | None = Field(None, description="When this was last checked.")
    family: Md | None = Field(None, description="Family situation.")
    education: list[Education] = Field(default_factory=list, description="Education.")
    likes: Likes | None = Field(None, description="Food, restaurants, colours, pets, books, hobbies.")
    vacation: Vacation | None = Field(None, description="Holidays.")
    schedule: Md | None = Field(None, description="Daily routine.")
    relationships: Md | None = Field(None, description="Personal relationships.")
    goals: list[str] = Field(default_factory=list, description="Personal ideals and goals.")
    wishes: list[str] = Field(default_factory=list, description="Unfulfilled wishes.")


class Person(Item):
    """A person at the customer: org chart, power map and profile."""

    id: Id = Field(description="Unique id in this plan.")
    name: str = Field(description="Full name.")
    title: str | None = Field(None, description="Job title.")
    department: str | None = Field(None, description="Department.")
    reports_to: Ref | None = Field(None, description="Their manager: an id from `people`.")
    status: PersonStatus = Field("active", description="Still in post, left, or moved.")
    influence: Influence = Field("unknown", description="Influence on decisions.")
    support: Support = Field("unknown", description="Their attitude to us.")
    coverage: Coverage = Field("none", description="How well we know them.")
    political: Political = Field("unknown", description="Their place in the power structure.")
    last_contact: Date | None = Field(None, description="Date of our last real contact.")
    standing: Md | None = Field(None, description="Position, weight and work plans (工作计划/地位).")
    notes: Md | None = Field(None, description="Notes (Markdown).")
    personal: Personal | None = Field(None, description="Personal profile; private audience only.")


class Relationship(Item):
    """An influence line between two of the customer's people."""

    from_: Ref = Field(alias="from", description="An id from `people`.")
    to: Ref = Field(description="An id from `people`.")
    kind: RelationKind = Field("influences", description="What kind of line it is.")
    notes: Md | None = Field(None, description="Notes (Markdown).")


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


# --- needs ----------------------------------------------------------------------------
class Need(Item):
    """A customer need (客户需求)."""

    id: Id = Field(description="Unique id in this plan.")
    statement: Md = Field(description="The need, in the customer's terms.")
    kind: NeedKind = Field("product", description="Product, service, special or personal need.")
    visibility: Visibility = Field("explicit", description="Said out loud, or hidden.")
    holder: Ref | None = Field(
        None, description="Whose need: an id from `people` (required for personal needs)."
    )
    project: Ref | None = Field(None, description="The project it belongs to: an id from `projects`.")
    priority: Level | None = Field(None, description="Priority.")
    evidence: Md | None = Field(None, description="What tells us the need is real.")

    @model_validator(mode="after")
    def _personal_needs_a_holder(self) -> Need:
        if self.kind == "personal" and not self.holder:
            raise ValueError("a personal need must name its `holder` (an id from `people`)")
        return self


# --- projects ----------------------------------------------------------------------------
class StageEntry(Item):
    """A stage the project reached, and when."""

    stage: Stage = Field(description="Stage 1 to 8.")
    on: Date = Field(description="Date the stage was reached.")


class Timeline(Strict):
    """Key dates of the purchase."""

    need_by: Date | None = Field(None, description="When the customer needs the goods.")
    decide_by: Date | None = Field(None, description="When they will decide.")
    sign_by: Date | None = Field(None, description="When they will sign.")


class Budget(Strict):
    """The budget of the purchase."""

    amount: Money | None = Field(None, description="Budget amount.")
    status: BudgetStatus = Field("unknown", description="Where the budget stands.")
    owner: Ref | None = Field(None, description="Who holds the budget: an id from `people`.")


class Win(Strict):
    """What a person wins."""

    personal: Md | None = Field(None, description="What they win personally.")
    business: Md | None = Field(None, description="What they win for the business.")


class BuyingTeamMember(Item):
    """A member of the customer's buying team (采购小组)."""

    person: Ref = Field(description="An id from `people`.")
    roles: list[BuyingRole] = Field(default_factory=list, description="Their buying roles.")
    mode: Mode | None = Field(None, description="Their response mode (Miller Heiman).")
    win: Win | None = Field(None, description="What this person wins.")


class Criterion(Item):
    """A purchase criterion (采购标准)."""

    criterion: str = Field(description="The criterion.")
    kind: CriterionKind | None = Field(None, description="Kind of criterion.")
    weight: Number | None = Field(None, ge=0, le=1, description="Weight from 0 to 1.")
    shaped_by_us: StrictBool = Field(False, description="Did we shape this criterion?")
    our_rank: StrictInt | None = Field(None, ge=1, description="Our rank on it (1 = best).")


class DecisionStep(Item):
    """A step of the decision process."""

    step: str = Field(description="The step.")
    owner: Ref | None = Field(None, description="Who owns it: an id from `people`.")
    by: Date | None = Field(None, description="When it should be done.")


class PaperProcess(Strict):
    """The paper process: terms, contract and approvals."""

    payment_terms: str | None = Field(None, description="Payment terms.")
    contract: ContractSide | None = Field(None, description="Whose contract paper.")
    approvals: list[Ref] = Field(default_factory=list, description="Approvers: ids from `people`.")


class Competition(Item):
    """Where a competitor stands in this project."""

    competitor: Ref = Field(description="An id from `competitors`.")
    position: CompetitionPosition | None = Field(None, description="Their position against us.")


class Project(Item):
    """A procurement project, on the 8-stage buying ladder."""

    id: Id = Field(description="Unique id in this plan.")
    name: str = Field(description="Project name.")
    stage: Stage = Field(description="Current stage, 1 to 8.")
    stage_since: Date | None = Field(None, description="Date the current stage was reached.")
    history: list[StageEntry] = Field(default_factory=list, description="Stages reached, with dates.")
    purpose: Md | None = Field(None, description="Purpose of the purchase.")
    value: Money | None = Field(None, description="Expected order value.")
    outcome: Outcome = Field("open", description="Open, won, lost or no decision.")
    timeline: Timeline | None = Field(None, description="Key dates.")
    budget: Budget | None = Field(None, description="Budget.")
    buying_team: list[BuyingTeamMember] = Field(default_factory=list, description="Buying team.")
    criteria: list[Criterion] = Field(default_factory=list, description="Purchase criteria.")
    decision_process: list[DecisionStep] = Field(default_factory=list, description="Steps to a decision.")
    paper_process: PaperProcess | None = Field(None, description="Terms, contract, approvals.")
    competition: list[Competition] = Field(default_factory=list, description="Competitors in it.")
    special_requirements: list[str] = Field(default_factory=list, description="Special requirements.")
    red_flags: list[Md] = Field(default_factory=list, description="Red flags: what could lose it.")
    strengths: list[Md] = Field(default_factory=list, description="Our leverage.")
    notes: Md | None = Field(None, description="Notes (Markdown).")


# --- cruxes and actions ----------------------------------------------------------------------
class Crux(Item):
    """A crux (要害): where to strike."""

    id: Id = Field(description="Unique id in this plan.")
    kind: CruxKind = Field(description="Product/service, special need, person or personal.")
    statement: Md = Field(description="The crux.")
    refs: list[Ref] = Field(
        default_factory=list, description="Ids of the people, needs and projects it is about."
    )
    action: Md | None = Field(None, description="How we strike it.")


class Action(Item):
    """A next action."""

    id: Id = Field(description="Unique id in this plan.")
    what: str = Field(description="What to do.")
    owner: Ref | None = Field(None, description="Who does it: an id from `team`.")
    due: Date | None = Field(None, description="Due date.")
    status: ActionStatus = Field("open", description="Open, done or dropped.")
    person: Ref | None = Field(None, description="The customer's person it concerns.")
    project: Ref | None = Field(None, description="The project it serves.")
    share: StrictBool = Field(
        False, description="Shown in the partner (external) edition; `private: true` wins over it."
    )


class Plan(Strict):
    """A strategic plan for one key account."""

    kaplan: Literal[1] = Field(description="Format version: 1.")
    summary: Md | None = Field(None, description="Executive summary, first in every dossier.")
    partner_summary: Md | None = Field(
        None, description="The summary written for partners: the only summary an external edition shows."
    )
    plan: PlanMeta = Field(default_factory=PlanMeta, description="Owner, status, review rhythm.")
    account: Account = Field(description="The account's profile (点).")
    team: list[TeamMember] = Field(default_factory=list, description="Our account team.")
    people: list[Person] = Field(default_factory=list, description="The customer's people.")
    relationships: list[Relationship] = Field(
        default_factory=list, description="Influence lines between the customer's people."
    )
    competitors: list[Competitor] = Field(default_factory=list, description="Competitors (线).")
    installed_base: list[InstalledProduct] = Field(
        default_factory=list, description="What the account uses now."
    )
    needs: list[Need] = Field(default_factory=list, description="Customer needs.")
    projects: list[Project] = Field(default_factory=list, description="Procurement projects.")
    cruxes: list[Crux] = Field(default_factory=list, description="The cruxes (要害) to strike.")
    actions: list[Action] = Field(default_factory=list, description="Next actions.")

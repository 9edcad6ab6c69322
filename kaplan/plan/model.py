"""The account-plan format, version 1 with the 1.1 additions, as strict Pydantic models.

Field descriptions are the format's documentation: ``kaplan schema`` publishes them.
The model knows nothing of YAML, Jinja or Click. The section models live in
:mod:`kaplan.plan.sections` and the building blocks in :mod:`kaplan.plan.base`; every name is
re-exported here, so ``from kaplan.plan.model import X`` keeps working.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, StrictInt

from kaplan.plan.base import (
    DATE_RE,
    RESERVED_IDS,
    SLUG_RE,
    ActionStatus,
    Basis,
    BudgetStatus,
    BuyingRole,
    CompetitionPosition,
    CompetitorStatus,
    ContractSide,
    Coverage,
    CriterionKind,
    CruxKind,
    Date,
    Id,
    Influence,
    Item,
    Level,
    Locale,
    MarketPosition,
    Md,
    Mode,
    Money,
    MoneyValue,
    NeedKind,
    Number,
    Outcome,
    Pattern,
    Per,
    PersonStatus,
    Political,
    Rating,
    Ref,
    RelationKind,
    Stage,
    Status,
    Strict,
    Support,
    TeamRole,
    Tier,
    Visibility,
    Waivers,
)
from kaplan.plan.sections.account import (
    Account,
    Competitor,
    CompetitorRep,
    Consumption,
    Contact,
    Development,
    InstalledProduct,
    PurchasingWindow,
    Scale,
    Shareholder,
    Swot,
    Terms,
    Unit,
    Volume,
)
from kaplan.plan.sections.activity import Commitment, LogEntry, Meeting, Risk
from kaplan.plan.sections.people import (
    Education,
    Likes,
    Person,
    Personal,
    Relationship,
    TeamMember,
    Vacation,
)
from kaplan.plan.sections.projects import (
    Action,
    Budget,
    BuyingTeamMember,
    Competition,
    Criterion,
    Crux,
    DecisionStep,
    Metric,
    Need,
    PaperProcess,
    Project,
    StageEntry,
    Timeline,
    Win,
)
from kaplan.plan.sections.standing import (
    Contract,
    Measure,
    Objective,
    Partnership,
    PartnershipLevel,
    Wallet,
    Whitespace,
)

__all__ = [
    "DATE_RE",
    "RESERVED_IDS",
    "SLUG_RE",
    "Account",
    "Action",
    "ActionStatus",
    "Basis",
    "Budget",
    "BudgetStatus",
    "BuyingRole",
    "BuyingTeamMember",
    "Commitment",
    "Competition",
    "CompetitionPosition",
    "Competitor",
    "CompetitorRep",
    "CompetitorStatus",
    "Consumption",
    "Contact",
    "Contract",
    "ContractSide",
    "Coverage",
    "Criterion",
    "CriterionKind",
    "Crux",
    "CruxKind",
    "Date",
    "DecisionStep",
    "Development",
    "Education",
    "Id",
    "Influence",
    "InstalledProduct",
    "Item",
    "Level",
    "Likes",
    "Locale",
    "LogEntry",
    "MarketPosition",
    "Md",
    "Measure",
    "Meeting",
    "Metric",
    "Mode",
    "Money",
    "MoneyValue",
    "Need",
    "NeedKind",
    "Number",
    "Objective",
    "Outcome",
    "PaperProcess",
    "Partnership",
    "PartnershipLevel",
    "Pattern",
    "Per",
    "Period",
    "Person",
    "PersonStatus",
    "Personal",
    "Plan",
    "PlanMeta",
    "Political",
    "Project",
    "PurchasingWindow",
    "Rating",
    "Ref",
    "RelationKind",
    "Relationship",
    "Risk",
    "Scale",
    "Shareholder",
    "Stage",
    "StageEntry",
    "Status",
    "Strict",
    "Support",
    "Swot",
    "TeamMember",
    "TeamRole",
    "Terms",
    "Tier",
    "Timeline",
    "Unit",
    "Vacation",
    "Visibility",
    "Volume",
    "Waivers",
    "Wallet",
    "Whitespace",
    "Win",
]


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
    # format 1.1: the account as a whole
    partnership: Partnership | None = Field(None, description="Where we stand with the account as a whole.")
    objectives: list[Objective] = Field(default_factory=list, description="Account goals with a measure.")
    whitespace: list[Whitespace] = Field(
        default_factory=list, description="Where we could sell: unit × offering, and who holds it."
    )
    contracts: list[Contract] = Field(default_factory=list, description="Our agreements with the account.")
    meetings: list[Meeting] = Field(default_factory=list, description="Planned meetings.")
    log: list[LogEntry] = Field(default_factory=list, description="What happened: visits, calls, complaints…")
    risks: list[Risk] = Field(default_factory=list, description="What could go wrong.")
    waive: Waivers = Field(default_factory=dict)

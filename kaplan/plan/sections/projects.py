"""Needs, procurement projects on the 8-stage ladder, cruxes and next actions."""

from __future__ import annotations

from pydantic import Field, StrictBool, StrictInt, model_validator

from kaplan.plan.base import (
    ActionStatus,
    BudgetStatus,
    BuyingRole,
    CompetitionPosition,
    ContractSide,
    CriterionKind,
    CruxKind,
    Date,
    Id,
    Item,
    Level,
    Md,
    Mode,
    Money,
    NeedKind,
    Number,
    Outcome,
    Percent,
    Ref,
    Source,
    Stage,
    StepStatus,
    Strict,
    Visibility,
)


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
    source: Source | None = Field(None, description="Where we learnt of the need.")

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
    status: StepStatus = Field("planned", description="Planned, done or slipped.")


class PaperProcess(Strict):
    """The paper process: terms, contract and approvals."""

    payment_terms: str | None = Field(None, description="Payment terms.")
    contract: ContractSide | None = Field(None, description="Whose contract paper.")
    approvals: list[Ref] = Field(default_factory=list, description="Approvers: ids from `people`.")


class Competition(Item):
    """Where a competitor stands in this project."""

    competitor: Ref = Field(description="An id from `competitors`.")
    position: CompetitionPosition | None = Field(None, description="Their position against us.")


class Metric(Item):
    """A measurable outcome the customer wants from the project."""

    kpi: str = Field(description="The measure, e.g. 'unplanned stops per month'.")
    baseline: str | None = Field(None, description="Where it stands today.")
    target: str | None = Field(None, description="Where the customer wants it.")


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
    unit: Ref | None = Field(None, description="The unit that buys: an id from `account.units`.")
    probability: Percent | None = Field(
        None, description="Our chance of winning, in percent (forecast = value × probability)."
    )
    compelling_event: Md | None = Field(None, description="Why they must decide by a date.")
    metrics: list[Metric] = Field(default_factory=list, description="The customer's measurable outcome.")
    lead_time_weeks: StrictInt | None = Field(None, ge=0, description="Our delivery lead time once signed.")
    loss_reason: Md | None = Field(None, description="Why it was lost (outcome lost or no_decision).")


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
    objective: Ref | None = Field(None, description="The objective it moves: an id from `objectives`.")
    meeting: Ref | None = Field(None, description="The meeting it prepares: an id from `meetings`.")
    share: StrictBool = Field(
        False, description="Shown in the partner (external) edition; `private: true` wins over it."
    )

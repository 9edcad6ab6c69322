"""Format 1.1, the account as a whole: where we stand (partnership), what we aim for (objectives),
where we could sell (whitespace) and what we hold (contracts)."""

from __future__ import annotations

from pydantic import Field, StrictBool, StrictInt, model_validator

from kaplan.plan.base import (
    ContractKind,
    Date,
    Id,
    Item,
    Md,
    Money,
    Number,
    ObjectiveKind,
    ObjectiveStatus,
    Ref,
    Rung,
    Strict,
    WhitespaceState,
)


# --- partnership ---------------------------------------------------------------------------------
class PartnershipLevel(Strict):
    """Where we stand on the buy-sell hierarchy, and where we aim to stand."""

    now: Rung | None = Field(
        None, description="Where we stand today, 1 (commodity) to 5 (strategic partner)."
    )
    target: Rung | None = Field(None, description="Where we aim to stand.")
    by: Date | None = Field(None, description="When we aim to stand there.")


class Wallet(Strict):
    """Our share of what the account spends in our categories."""

    ours: Money | None = Field(None, description="What they spend with us.")
    total: Money | None = Field(None, description="What they spend in our categories in all.")
    as_of: Date | None = Field(None, description="When these figures were true.")


class Partnership(Strict):
    """Where we stand with the account as a whole."""

    level: PartnershipLevel | None = Field(None, description="The buy-sell hierarchy: now, target, by.")
    wallet: Wallet | None = Field(None, description="Share of wallet.")
    strengths: list[Md] = Field(default_factory=list, description="Our strategic strengths at this account.")
    vulnerabilities: list[Md] = Field(default_factory=list, description="Our critical vulnerabilities.")


# --- objectives ------------------------------------------------------------------------------------
class Measure(Strict):
    """How an objective is measured."""

    unit: str | None = Field(None, description="Unit of the measure, e.g. 'CNY', '%', 'plants'.")
    baseline: Number | None = Field(None, description="Where it started.")
    target: Number = Field(description="Where it must get to.")
    current: Number | None = Field(None, description="Where it stands now.")
    as_of: Date | None = Field(None, description="When `current` was measured.")


class Objective(Item):
    """An account goal with a measure, and the deals that move it."""

    id: Id = Field(description="Unique id in this plan.")
    statement: Md = Field(description="The goal.")
    kind: ObjectiveKind = Field(
        "revenue", description="Revenue, share, footprint, relationship or customer success."
    )
    measure: Measure | None = Field(None, description="How it is measured.")
    due: Date | None = Field(None, description="When it must be reached.")
    owner: Ref | None = Field(None, description="Who owns it: an id from `team`.")
    status: ObjectiveStatus = Field("on_track", description="On track, at risk, off track, done or dropped.")
    projects: list[Ref] = Field(
        default_factory=list, description="The deals that move it: ids from `projects`."
    )
    share: StrictBool = Field(
        False, description="Shown in the partner (external) edition; `private: true` wins over it."
    )


# --- whitespace ----------------------------------------------------------------------------------
class Whitespace(Item):
    """A cell of the whitespace map: one unit × one offering, and who holds it."""

    unit: Ref = Field(description="An id from `account.units`.")
    offering: str = Field(description="What we could sell there.")
    state: WhitespaceState = Field(
        description="Ours, a competitor's, open, a live project, or not applicable."
    )
    competitor: Ref | None = Field(None, description="Who holds it (required when state is competitor).")
    project: Ref | None = Field(None, description="The live project (required when state is project).")
    potential: Money | None = Field(None, description="What it could be worth a year.")
    notes: Md | None = Field(None, description="Notes (Markdown).")

    @model_validator(mode="after")
    def _state_names_its_holder(self) -> Whitespace:
        if self.state == "competitor" and not self.competitor:
            raise ValueError(
                "a cell in state competitor must name its `competitor` (an id from `competitors`)"
            )
        if self.state == "project" and not self.project:
            raise ValueError("a cell in state project must name its `project` (an id from `projects`)")
        return self


# --- contracts -----------------------------------------------------------------------------------
class Contract(Item):
    """An agreement we hold with the account; its renewal is a project."""

    id: Id = Field(description="Unique id in this plan.")
    name: str = Field(description="The contract's name.")
    kind: ContractKind | None = Field(None, description="Supply, service, framework or other.")
    start: Date | None = Field(None, description="First day.")
    end: Date = Field(description="Last day.")
    value: Money | None = Field(None, description="Its value.")
    notice_days: StrictInt | None = Field(None, ge=0, description="Days of notice before the end.")
    renewal: Ref | None = Field(None, description="The project that renews it: an id from `projects`.")
    unit: Ref | None = Field(None, description="The unit it covers: an id from `account.units`.")
    notes: Md | None = Field(None, description="Notes (Markdown).")

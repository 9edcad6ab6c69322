"""Format 1.1, what happens at the account: meetings to come, the log of what happened, the risks."""

from __future__ import annotations

from pydantic import Field, StrictBool

from kaplan.plan.base import Date, Id, Item, Level, LogKind, LogStatus, Md, Money, Ref, Strict


class Commitment(Strict):
    """The most and the least we will ask the customer to commit to in a meeting."""

    best: Md | None = Field(None, description="The best commitment we will ask for.")
    minimum: Md | None = Field(None, description="The least we leave with.")


class Meeting(Item):
    """A planned meeting; each one dated today or later gets its own briefing."""

    id: Id = Field(description="Unique id in this plan.")
    on: Date = Field(description="The day of the meeting.")
    title: str = Field(description="What the meeting is.")
    attendees: list[Ref] = Field(default_factory=list, description="The customer's people in the room.")
    ours: list[Ref] = Field(default_factory=list, description="Who of our team goes: ids from `team`.")
    project: Ref | None = Field(None, description="The project it serves: an id from `projects`.")
    objective: Md | None = Field(None, description="What this meeting must achieve.")
    commitment: Commitment | None = Field(None, description="The commitment to ask for: best and minimum.")
    questions: list[str] = Field(default_factory=list, description="What we must find out.")
    outcome: Md | None = Field(None, description="What happened (written afterwards).")
    share: StrictBool = Field(
        False, description="Shown in the partner (external) edition; `private: true` wins over it."
    )


class LogEntry(Item):
    """Something that happened: a visit, call, complaint… It counts as contact with its people."""

    on: Date = Field(description="When it happened.")
    kind: LogKind = Field(description="Visit, call, e-mail, meeting, review, complaint, claim or event.")
    summary: Md = Field(description="What happened.")
    people: list[Ref] = Field(default_factory=list, description="The customer's people involved.")
    by: Ref | None = Field(None, description="Who on our side: an id from `team`.")
    project: Ref | None = Field(None, description="The project it concerns: an id from `projects`.")
    value: Money | None = Field(None, description="The amount of a claim.")
    status: LogStatus | None = Field(
        None, description="Open or closed, for complaints and claims (default open for those kinds)."
    )


class Risk(Item):
    """What could go wrong at the account, and what we do about it."""

    id: Id = Field(description="Unique id in this plan.")
    statement: Md = Field(description="The risk.")
    likelihood: Level | None = Field(None, description="How likely it is.")
    impact: Level | None = Field(None, description="How much it would hurt.")
    mitigation: Md | None = Field(None, description="What we do about it.")
    owner: Ref | None = Field(None, description="Who owns it: an id from `team`.")
    project: Ref | None = Field(None, description="The project it threatens: an id from `projects`.")

"""Our team and the customer's people ("face", 面): org chart, power map, profiles."""

from __future__ import annotations

from pydantic import Field, StrictInt

from kaplan.plan.base import (
    AccountRole,
    Basis,
    Coverage,
    Date,
    Id,
    Influence,
    Item,
    Md,
    PersonStatus,
    Political,
    Ref,
    RelationKind,
    Rung,
    Source,
    Strict,
    Support,
    TeamRole,
)


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
    unit: Ref | None = Field(None, description="The unit they work in: an id from `account.units`.")
    owner: Ref | None = Field(None, description="Who on our side owns this relationship: an id from `team`.")
    account_role: AccountRole | None = Field(
        None,
        description="Their role across all projects: sponsor, anti-sponsor, strategic coach, key player.",
    )
    sees_us_at: Rung | None = Field(
        None, description="Where this person places us on the buy-sell hierarchy."
    )
    phone: str | None = Field(None, description="Work phone.")
    email: str | None = Field(None, description="Work e-mail.")
    source: Source | None = Field(None, description="Where our picture of them comes from.")


class Relationship(Item):
    """An influence line between two of the customer's people."""

    from_: Ref = Field(alias="from", description="An id from `people`.")
    to: Ref = Field(description="An id from `people`.")
    kind: RelationKind = Field("influences", description="What kind of line it is.")
    notes: Md | None = Field(None, description="Notes (Markdown).")

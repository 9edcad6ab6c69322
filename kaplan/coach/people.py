"""Coaching rules on the customer's people: coverage of influencers, contact, lawful basis."""

from __future__ import annotations

from collections.abc import Iterator

from kaplan.coach.base import Context, Hit, Rule, days_text, registrar
from kaplan.plan.yaml12 import PathKey

RULES: list[Rule] = []
rule = registrar(RULES)


@rule(
    "uncovered-influencer",
    "warning",
    "people",
    "person with influence high and coverage none/brief",
    "TAS power map; seed article (流程线: key people)",
)
def uncovered_influencer(ctx: Context) -> Iterator[Hit]:
    for i, person in enumerate(ctx.plan.people):
        if person.influence == "high" and person.coverage in ("none", "brief"):
            yield Hit(
                ("people", i, "influence"),
                f"{person.name} has high influence and we barely know them (coverage "
                f"{person.coverage}): plan a proper meeting and find out what they need",
                f"{person.name}影响力高，我们却几乎不了解他：安排一次正式会面，弄清他的需求",
            )


@rule(
    "stale-contact",
    "warning",
    "freshness",
    "person (status active) with influence high whose last_contact is older than 60 days (or none)",
    "seed article (与时俱进, 与客户同步)",
)
def stale_contact(ctx: Context) -> Iterator[Hit]:
    for i, person in enumerate(ctx.plan.people):
        if (
            person.status == "active"
            and person.influence == "high"
            and ctx.older_than(person.last_contact, 60)
        ):
            if person.last_contact is None:
                en = f"no contact recorded with {person.name}, a high-influence person: meet them and log the date"
                zh = f"没有记录与高影响力人物{person.name}的接触：去见他，并记下日期"
                path: PathKey = ("people", i, "influence")
            else:
                days = (ctx.today - person.last_contact).days
                en = f"last contact with {person.name} was {days_text(days)} ago: high-influence people go cold in two months; get back in touch"
                zh = f"上次与{person.name}接触已是 {days} 天前：高影响力人物两个月不联系就会疏远，尽快再联系"
                path = ("people", i, "last_contact")
            yield Hit(path, en, zh)


@rule(
    "personal-no-basis",
    "warning",
    "people",
    "personal block without basis",
    "PIPL / GDPR: a lawful basis for personal data",
)
def personal_no_basis(ctx: Context) -> Iterator[Hit]:
    for i, person in enumerate(ctx.plan.people):
        if person.personal is not None and person.personal.basis is None:
            yield Hit(
                ("people", i, "personal"),
                f"personal details of {person.name} without a lawful basis: add `basis: consent`, "
                "`public` or `contract`, or delete them",
                f"{person.name}的个人资料没有注明合法依据：补上 `basis: consent`、`public` 或 `contract`，否则删除",
            )

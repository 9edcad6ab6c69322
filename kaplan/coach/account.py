"""Coaching rules on the account picture: competitors, needs and cruxes, and gift risk."""

from __future__ import annotations

import re
from collections.abc import Iterator

from kaplan.coach.base import Context, Hit, Rule, registrar
from kaplan.plan.yaml12 import PathKey

RULES: list[Rule] = []
rule = registrar(RULES)


GIFT_WORDS = (
    "回扣",
    "红包",
    "礼品",
    "礼物",
    "送礼",
    "购物卡",
    "好处费",
    "宴请",
    "gift",
    "kickback",
    "bribe",
    "cash",
    "hospitality",
    "favour",
    "favor",
)
# A Chinese term matches anywhere; a Latin term only as a whole word, so "favorable" and "cashflow" pass.
_GIFT_RE = re.compile(
    # A Latin term is a whole word, in the singular or the plural ("gifts", "favours" are alarms too).
    "|".join(
        re.escape(w) if not w.isascii() else rf"(?<![a-z]){re.escape(w)}(?:e?s)?(?![a-z])" for w in GIFT_WORDS
    ),
    re.IGNORECASE,
)
# Benign phrases that contain a gift word but are ordinary business: a gift word that overlaps one of
# them does not count ("送礼品包装样品" reads 送 + 礼品包装, "send gift-packaging samples").
BENIGN_PHRASES = (
    r"cash[\s-]*flows?",  # finance: "improve cash flow", "cash-flow forecast"
    r"in\s+(?:(?:our|your|their|its)\s+)?favou?r(?:\s+of)?",  # "in our favour", "in favor of"
    r"gift[\s-]+packaging",  # a product category: board and paper for gift packaging
    "礼品包装",  # the same category in Chinese: 礼品包装用白卡纸 is a paper product, not a gift
)
_BENIGN_RE = re.compile("|".join(BENIGN_PHRASES), re.IGNORECASE)


def gift_word(text: str) -> str | None:
    """The first gift word of ``text`` that overlaps no benign phrase, as written, or None."""
    benign = [m.span() for m in _BENIGN_RE.finditer(text)]
    for found in _GIFT_RE.finditer(text):
        if not any(found.start() < end and start < found.end() for start, end in benign):
            return found.group(0)
    return None


# --- competition -------------------------------------------------------------------------------------
@rule(
    "no-threat",
    "warning",
    "competition",
    "competitor incumbent/active without threat",
    "seed article (线: competitor's potential and threat to us)",
)
def no_threat(ctx: Context) -> Iterator[Hit]:
    for i, c in enumerate(ctx.plan.competitors):
        if c.status in ("incumbent", "active") and c.threat is None:
            path: PathKey = (
                ("competitors", i, "status") if "status" in c.model_fields_set else ("competitors", i, "name")
            )
            yield Hit(
                path,
                f"{c.name} is {c.status} here but their threat is not assessed: rate it high, medium "
                "or low so the team knows where to defend",
                f"{c.name}在这家客户{'是现有供应商' if c.status == 'incumbent' else '很活跃'}，却没有评估威胁程度："
                "标上高、中或低，让团队知道该在哪里防守",
            )


@rule(
    "no-counter",
    "warning",
    "competition",
    "competitor with threat high without counter",
    "seed article (及时阻截竞争对手)",
)
def no_counter(ctx: Context) -> Iterator[Hit]:
    for i, c in enumerate(ctx.plan.competitors):
        if c.threat == "high" and not c.counter:
            yield Hit(
                ("competitors", i, "threat"),
                f"{c.name} is a high threat and we have no counter-strategy: write how we block them",
                f"{c.name}威胁很大，我们却没有应对策略：写下如何阻截对方",
            )


# --- needs and cruxes ----------------------------------------------------------------------------------
@rule(
    "no-person-crux",
    "warning",
    "needs",
    "plan with an open project at stage ≥ 3 and no crux of kind person",
    "seed article (准: 人物要害)",
)
def no_person_crux(ctx: Context) -> Iterator[Hit]:
    late = [(i, p) for i, p in ctx.open_projects() if p.stage >= 3]
    if late and not any(c.kind == "person" for c in ctx.plan.cruxes):
        i, p = late[0]
        path: PathKey = ("cruxes",) if "cruxes" in ctx.plan.model_fields_set else ("projects", i, "stage")
        yield Hit(
            path,
            f"“{p.name}” is at stage {p.stage} and no crux names the person who tips the decision: "
            "find the key person and how to win them",
            f"“{p.name}”已到第 {p.stage} 阶段，却没有找出人物要害：找准左右决策的关键人物，以及赢得此人的办法",
        )


@rule(
    "hidden-need-no-evidence",
    "info",
    "needs",
    "need with visibility hidden and no evidence",
    "seed article (隐藏的需求)",
)
def hidden_need_no_evidence(ctx: Context) -> Iterator[Hit]:
    for i, need in enumerate(ctx.plan.needs):
        if need.visibility == "hidden" and not need.evidence:
            yield Hit(
                ("needs", i, "visibility"),
                "a hidden need without evidence is a guess: note what you saw or heard that points to it",
                "没有依据的隐藏需求只是猜测：记下你看到或听到的迹象",
            )


@rule(
    "gift-risk",
    "warning",
    "needs",
    "personal need, personal crux or action whose text contains one of: "
    + ", ".join(GIFT_WORDS)
    + " (case-insensitive; a Latin term matches whole words only), outside benign phrases such as "
    "cash flow and 礼品包装: an anti-bribery reminder",
    "anti-bribery compliance (反商业贿赂)",
)
def gift_risk(ctx: Context) -> Iterator[Hit]:
    """Gifts, cash and hospitality to win business: a reminder of anti-bribery law.

    Latin terms match whole words only ("favorable", "cashflow" and "gifted" pass). Before matching,
    the :data:`BENIGN_PHRASES` are set aside: "cash flow" is finance, "in our favour" is an idiom, and
    礼品包装 / "gift packaging" is a product category (a paper mill sells 礼品包装用白卡纸). The list is
    short on purpose: "gift box", 礼品 on its own or 送礼 stay alarms, because they usually are gifts.
    """
    texts: list[tuple[PathKey, str]] = []
    for i, need in enumerate(ctx.plan.needs):
        if need.kind == "personal":
            texts += [
                (("needs", i, "statement"), need.statement),
                (("needs", i, "evidence"), need.evidence or ""),
            ]
    for i, crux in enumerate(ctx.plan.cruxes):
        if crux.kind == "personal":
            texts += [
                (("cruxes", i, "statement"), crux.statement),
                (("cruxes", i, "action"), crux.action or ""),
            ]
    for i, action in enumerate(ctx.plan.actions):
        texts.append((("actions", i, "what"), action.what))
    for path, text in texts:
        word = gift_word(text)
        if word is not None:
            yield Hit(
                path,
                f"mentions '{word}': gifts, cash and hospitality to win business can break anti-bribery "
                "law and the customer's own rules; check it with compliance or win on value instead",
                f"提到“{word}”：以礼品、现金或宴请换取生意可能触犯反商业贿赂法规和客户的规定；"
                "请先与合规部门确认，或改用价值取胜",
                at_value=True,
            )

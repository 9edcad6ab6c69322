"""The building blocks of the plan format: the strict base model, field types and enumerations.

The section models (:mod:`kaplan.plan.sections`) and :class:`~kaplan.plan.model.Plan` are built from these.
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
)

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# The same in the JSON Schema, for editors that ignore `format: date` (most do): only days that exist,
# 29 February in leap years only (divisible by 4, and by 400 for a century).
DATE_PATTERN = (
    r"^(?!0000)(?:\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)"
    r"|02-(?:0[1-9]|1\d|2[0-8]))|(?:\d\d(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)"
    r"-02-29)$"
)
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
    Field(json_schema_extra={"format": "date", "pattern": DATE_PATTERN}),
]
Id = Annotated[str, AfterValidator(_check_slug), Field(json_schema_extra={"pattern": SLUG_RE.pattern})]
Ref = Annotated[str, Field(description="The id of another entry of this plan.")]
Number = StrictFloat
Rating = Annotated[StrictInt, Field(ge=1, le=5)]
Md = Annotated[str, Field(json_schema_extra={"contentMediaType": "text/markdown"})]
Stage = Annotated[StrictInt, Field(ge=1, le=8)]
Percent = Annotated[Number, Field(ge=0, le=100)]
Month = Annotated[StrictInt, Field(ge=1, le=12)]
Rung = Annotated[StrictInt, Field(ge=1, le=5, description="A rung of the buy-sell hierarchy, 1 to 5.")]


class Strict(BaseModel):
    """Base of every model of the format.

    Why: plans are typed by people; a misspelt key must be an error with a hint, never
    silently ignored. Numbers typed where text is expected (a phone number) become text.
    """

    model_config = ConfigDict(
        extra="forbid",
        coerce_numbers_to_str=True,
        allow_inf_nan=False,
        frozen=True,
        # Why: built at import, each of the ~50 models would make its own validator, its sections'
        # schemas inlined again into every parent's. Deferred, the first `Plan.model_validate` builds
        # one validator for the whole tree: `kaplan check FILE` starts faster, and a command that
        # validates no plan (`kaplan rules`) pays for none.
        defer_build=True,
    )


def _check_waivers(value: dict[str, str]) -> dict[str, str]:
    for code, reason in value.items():
        if not reason.strip():
            raise ValueError(
                f"the waiver of '{code}' needs a reason: write why this finding does not apply here"
            )
    return value


Waivers = Annotated[
    dict[str, str],
    AfterValidator(_check_waivers),
    Field(
        description="Reviewed exceptions to coaching findings on this item: finding code → the reason.",
        json_schema_extra={"propertyNames": {"pattern": SLUG_RE.pattern}},
    ),
]


class Item(Strict):
    """A mapping inside a list: it may be marked private, and may waive coaching findings."""

    private: StrictBool = Field(False, description="Only the `private` audience sees this item.")
    waive: Waivers = Field(default_factory=dict)


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
# format 1.1
UnitKind = Literal["group", "division", "subsidiary", "plant", "site", "department", "buying_center"]
AccountRole = Literal["sponsor", "anti_sponsor", "strategic_coach", "key_player"]
SourceKind = Literal["customer", "coach", "public", "partner", "internal", "rumor"]
Confidence = Literal["confirmed", "likely", "assumed"]
StepStatus = Literal["planned", "done", "slipped"]
ObjectiveKind = Literal["revenue", "share", "footprint", "relationship", "customer_success"]
ObjectiveStatus = Literal["on_track", "at_risk", "off_track", "done", "dropped"]
WhitespaceState = Literal["ours", "competitor", "open", "project", "not_applicable"]
ContractKind = Literal["supply", "service", "framework", "other"]
LogKind = Literal["visit", "call", "email", "meeting", "review", "complaint", "claim", "event"]
LogStatus = Literal["open", "closed"]


class Source(Strict):
    """Where our picture of a person, competitor or need comes from."""

    kind: SourceKind | None = Field(None, description="Who told us: the customer, a coach, public sources…")
    by: Ref | None = Field(None, description="Who on our side heard it: an id from `team`.")
    on: Date | None = Field(None, description="When we heard it.")
    confidence: Confidence | None = Field(None, description="How sure we are.")

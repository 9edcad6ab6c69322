"""Labels of every heading and enum value, in Chinese and English.

The tables are data, in ``labels.yaml`` beside this module (shipped in the wheel), read once.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources

import yaml

# The ladder belongs to the format (plan/meaning.py); its labels stay importable from here.
from kaplan.plan.meaning import STAGES as STAGES
from kaplan.plan.meaning import stage_label as stage_label
from kaplan.plan.model import Locale

Pair = tuple[str, str]


@dataclass(frozen=True)
class Tables:
    """The label tables: enum kind → value → (Chinese, English); words; the twelve months."""

    enums: dict[str, dict[str, Pair]]
    words: dict[str, Pair]
    months: tuple[Pair, ...]


def _pair(value: object, where: str) -> Pair:
    if not (isinstance(value, list) and len(value) == 2 and all(isinstance(x, str) and x for x in value)):
        raise TypeError(f"labels.yaml: {where}: expected [Chinese, English], got {value!r}")
    return value[0], value[1]


@functools.cache
def tables() -> Tables:
    """The tables of ``labels.yaml``, checked: a broken file is a bug in kaplan, and says where."""
    text = resources.files("kaplan.documents").joinpath("labels.yaml").read_text("utf-8")
    data = yaml.load(text, Loader=yaml.CSafeLoader)
    enums = {
        str(kind): {str(value): _pair(pair, f"enums.{kind}.{value}") for value, pair in values.items()}
        for kind, values in data["enums"].items()
    }
    words = {str(key): _pair(pair, f"words.{key}") for key, pair in data["words"].items()}
    months = tuple(_pair(pair, f"months[{i}]") for i, pair in enumerate(data["months"]))
    if len(months) != 12:
        raise TypeError(f"labels.yaml: months: expected 12, got {len(months)}")
    return Tables(enums, words, months)


def enum_label(kind: str, value: str | None, locale: Locale) -> str:
    """The label of an enum value in the locale (the value itself if unknown)."""
    if value is None:
        return ""
    pair = tables().enums.get(kind, {}).get(value)
    if pair is None:
        return value
    return pair[0] if locale == "zh" else pair[1]


def word(key: str, locale: Locale, **fields: object) -> str:
    """A heading or fixed word in the locale, with ``{fields}`` filled in."""
    zh, en = tables().words[key]
    text = zh if locale == "zh" else en
    return text.format(**fields) if fields else text


def month_label(month: int, locale: Locale) -> str:
    """A month (1 to 12) in the locale, short: ``3月`` or ``Mar``."""
    zh, en = tables().months[month - 1]
    return zh if locale == "zh" else en


def enum_kinds() -> dict[str, dict[str, Pair]]:
    """Every enum kind and its values' labels (for tests and documentation)."""
    return tables().enums


def words() -> dict[str, Pair]:
    """Every heading and fixed word (for tests)."""
    return tables().words


def chinese_amount(amount: float, wan_digits: int = 1) -> str:
    """An amount of 10,000 or more in 万 or 亿, as Chinese readers count: ``120 万``, ``1.28 亿``.

    The space is a no-break space: the number never ends one line and its unit starts the next.
    """
    if round(abs(amount) / 10_000, wan_digits) >= 10_000:  # 9,999.96 万 reads as 1 亿
        return trim_number(f"{amount / 100_000_000:,.2f}") + "\u00a0亿"
    return trim_number(f"{amount / 10_000:,.{wan_digits}f}") + "\u00a0万"


def trim_number(number: str) -> str:
    """``1.50`` → ``1.5``, ``2.00`` → ``2``; whole numbers keep their zeros (``120``)."""
    return number.rstrip("0").rstrip(".") if "." in number else number

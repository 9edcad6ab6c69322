"""One cell ↔ one plan value, both ways: what an export writes and what an import reads back.

An export writes each value so that reading it back gives the same value (the round trip changes no
byte of a plan); an import also reads what people and CRMs type: ``1,200,000``, ``45%``, ``yes``,
``2026-12-18 00:00``, an Excel date. A blank cell means "no change", never "delete".
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from kaplan.interop.columns import Kind


class CellError(ValueError):
    """A cell kaplan cannot read as its column's kind; the message says what to write instead."""


class _Blank:
    def __repr__(self) -> str:
        return "BLANK"


BLANK: Any = _Blank()  # a blank cell: the import leaves the value as it is

_LARGEST_WHOLE = 10**15  # larger floats are written as they are, not as a run of digits
_TRUE = frozenset({"true", "yes", "y", "1", "是", "对", "x", "✓"})
_FALSE = frozenset({"false", "no", "n", "0", "否", "不"})
_ISO_DAY = re.compile(
    r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2})?)?$"
)
_OTHER_DAY = re.compile(
    r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})(?: \d{1,2}:\d{2}(?::\d{2})?(?: ?[AP]M)?)?$", re.I
)
_MONEY_NOISE = re.compile(r"[\s,_'’$€¥£￥]|(?<=\d)(?:CNY|RMB|USD|EUR|元)$", re.I)


def to_cell(value: Any, kind: Kind) -> Any:
    """The cell an export writes for a plan value (None: an empty cell)."""
    if value is None or value == [] or value == "":
        return None
    if kind == "list":
        return _list_cell([str(v) for v in value])
    if kind == "int_list":
        return ", ".join(str(v) for v in value)
    if kind == "number" and isinstance(value, float) and value.is_integer() and abs(value) < _LARGEST_WHOLE:
        return int(value)
    return value


def _list_cell(items: list[str]) -> str:
    """One item per line; JSON when a line break, a blank item or a leading ``[`` would not survive that."""
    awkward = any(not v.strip() or "\n" in v or "\r" in v for v in items)
    if awkward or items[0].lstrip().startswith("["):
        return json.dumps(items, ensure_ascii=False)
    return "\n".join(items)


def from_cell(raw: Any, kind: Kind) -> Any:
    """The plan value of a cell, :data:`BLANK` when it is empty; :class:`CellError` when unreadable."""
    if raw is None or raw == "":
        return BLANK
    if isinstance(raw, str) and not raw.strip() and kind != "text":
        return BLANK  # a stray space in a number or date cell; text keeps even a space, as written
    reader = _READERS[kind]
    return reader(raw)


def _text(raw: Any) -> str:
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, float) and raw.is_integer() and abs(raw) < _LARGEST_WHOLE:
        return str(int(raw))
    if isinstance(raw, dt.datetime):
        return raw.date().isoformat() if raw.time() == dt.time() else raw.isoformat(sep=" ")
    if isinstance(raw, dt.date):
        return raw.isoformat()
    return str(raw)


def _int(raw: Any) -> int:
    number = _number(raw)
    if isinstance(number, float):
        if not number.is_integer():
            raise CellError(f"{_shown(raw)} is not a whole number: write it without decimals")
        return int(number)
    return number


def _number(raw: Any) -> int | float:
    if isinstance(raw, (bool, dt.date, dt.datetime)):
        raise CellError(f"{_shown(raw)} is not a number")
    if isinstance(raw, (int, float)):
        return _whole(raw)
    text = _MONEY_NOISE.sub("", str(raw).strip())
    text = text.removesuffix("%")  # a probability of 45% is 45: the format counts in percent
    try:
        number: int | float = int(text) if re.fullmatch(r"[+-]?\d+", text) else float(text)
    except ValueError:
        raise CellError(f"{_shown(raw)} is not a number: write digits, such as 1200000 or 0.5") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise CellError(f"{_shown(raw)} is not a number: write digits, such as 1200000 or 0.5")
    return _whole(number)


def _whole(number: int | float) -> int | float:
    """``640000.0`` (``640,000.00`` in a CRM) is written 640000, as a person writes it."""
    if isinstance(number, float) and number.is_integer() and abs(number) < _LARGEST_WHOLE:
        return int(number)
    return number


def _bool(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, (int, float)) and raw in (0, 1):
        return bool(raw)
    text = str(raw).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise CellError(f"{_shown(raw)} is not yes or no: write true or false")


def _date(raw: Any) -> dt.date:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    text = str(raw).strip()
    iso = _ISO_DAY.match(text)
    if iso:
        return _day(raw, int(iso[1]), int(iso[2]), int(iso[3]))
    other = _OTHER_DAY.match(text)
    if other:
        first, second, year = int(other[1]), int(other[2]), int(other[3])
        if first <= 12 and second <= 12 and first != second:
            raise CellError(
                f"{_shown(raw)} could be {_month_day(first, second)} or {_month_day(second, first)}: "
                "write dates as YYYY-MM-DD (or export them so from the CRM)"
            )
        month, day = (first, second) if second > 12 else (second, first)
        return _day(raw, year, month, day)
    raise CellError(f"{_shown(raw)} is not a date: write it as YYYY-MM-DD, such as 2026-12-18")


def _day(raw: Any, year: int, month: int, day: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise CellError(f"{_shown(raw)} is not a real date (check the month and the day)") from None


def _month_day(month: int, day: int) -> str:
    return f"{dt.date(2000, month, 1):%B} {day}"


def _list(raw: Any) -> list[str]:
    if not isinstance(raw, str):
        return [_text(raw)]
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    if text.lstrip().startswith("["):
        try:
            items = json.loads(text)
        except ValueError:
            items = None
        if isinstance(items, list) and all(isinstance(i, str) for i in items):
            return items
    return [line for line in text.split("\n") if line.strip()]


def _int_list(raw: Any) -> list[int]:
    if not isinstance(raw, str):
        return [_int(raw)]
    return [_int(part) for part in re.split(r"[\n,;，；、\s]+", raw.strip()) if part]


def _shown(raw: Any) -> str:
    text = _text(raw)
    return repr(text if len(text) <= 40 else text[:39] + "…")


_READERS = {
    "text": _text,
    "int": _int,
    "number": _number,
    "bool": _bool,
    "date": _date,
    "list": _list,
    "int_list": _int_list,
}

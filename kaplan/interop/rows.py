"""Tables in kaplan's layout → edits of list items, every unusable cell located at file, sheet, row, column."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from kaplan.interop.cells import BLANK, CellError, from_cell
from kaplan.interop.columns import ACCOUNT, SHEETS, Column, Path, Sheet, all_columns, sheet_named
from kaplan.interop.tables import Table
from kaplan.plan.messages import did_you_mean


def column_letter(index: int) -> str:
    """``0`` → ``A``, ``26`` → ``AA``: how a spreadsheet names a column."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass(frozen=True)
class Cell:
    """Where a value came from: file, sheet, row and column, as the spreadsheet numbers them."""

    file: str
    sheet: str
    row: int
    column: int  # 0-based; shown as a letter
    header: str = ""

    def where(self) -> str:
        named = f" ({self.header})" if self.header else ""
        return f"{self.file}: sheet {self.sheet}, row {self.row}, column {column_letter(self.column)}{named}"


@dataclass(frozen=True)
class Problem:
    """A row or cell kaplan cannot use, or a note about one; errors stop the import."""

    where: str
    message: str
    severity: str = "error"

    def text(self) -> str:
        return f"{self.where}: {self.severity}: {self.message}"


@dataclass
class Edit:
    """What one row says about one item: its keys and the values of its non-blank cells."""

    sheet: Sheet
    account: str
    key: tuple[Any, ...]
    row: Cell  # the row's account cell, for what concerns the row as a whole
    parent: str | None = None  # the project a buying-team row belongs to
    occurrence: int = 0  # the n-th row with these keys (log entries may repeat)
    values: dict[Path, Any] = field(default_factory=dict)
    cells: dict[Path, Cell] = field(default_factory=dict)


def table_edits(tables: Sequence[Table], problems: list[Problem]) -> list[Edit]:
    """The edits of every table in kaplan's layout, in the sheets' order; problems are appended."""
    edits: list[Edit] = []
    order = {s.name: i for i, s in enumerate(SHEETS)}
    for table in tables:
        sheet = sheet_named(table.name)
        if sheet is None:
            names = ", ".join(s.name for s in SHEETS)
            problems.append(
                Problem(
                    f"{table.file}: sheet {table.name}",
                    f"not a sheet kaplan knows ({names}): it was left alone",
                    "warning",
                )
            )
            continue
        edits += _edits(table, sheet, problems)
    edits.sort(key=lambda e: order[e.sheet.name])  # projects before their buying teams
    return edits


def _edits(table: Table, sheet: Sheet, problems: list[Problem]) -> list[Edit]:
    columns = _header(table, sheet, problems)
    if columns is None:
        return []
    edits: list[Edit] = []
    seen: dict[tuple[Any, ...], int] = {}
    for number, cells in table.data():
        edit = _row(table, sheet, columns, number, cells, problems)
        if edit is None:
            continue
        identity = (edit.account, edit.parent, *edit.key)
        if identity in seen and sheet.unique:
            problems.append(
                Problem(edit.row.where(), f"this row repeats row {seen[identity]}: keep one of them")
            )
            continue
        # Two log entries may say the same on the same day: the second row is the second entry.
        edit.occurrence = sum(1 for e in edits if (e.account, e.parent, *e.key) == identity)
        seen[identity] = number
        edits.append(edit)
    return edits


def _header(table: Table, sheet: Sheet, problems: list[Problem]) -> dict[int, Column | str] | None:
    """Column index → its column (or ``account`` / the parent key); None when the header is unusable."""
    known = {c.header: c for c in all_columns(sheet)}
    lead = [ACCOUNT] if sheet.parent_key is None else [ACCOUNT, sheet.parent_key]
    out: dict[int, Column | str] = {}
    ok = True
    for index, name in enumerate(table.header):
        at = Cell(table.file, table.name, table.header_row + 1, index, name)
        if not name:
            continue
        if name in lead:
            value: Column | str = name
        elif name in known:
            value = known[name]
        else:
            hint = did_you_mean(name, [*lead, *known])
            problems.append(Problem(at.where(), f"unknown column '{name}'{hint}"))
            ok = False
            continue
        if value in out.values():
            problems.append(Problem(at.where(), f"column '{name}' appears twice: keep one"))
            ok = False
        out[index] = value
    missing = [
        k
        for k in (*lead, *sheet.keys)
        if k not in {v if isinstance(v, str) else v.header for v in out.values()}
    ]
    if missing:
        at = Cell(table.file, table.name, table.header_row + 1, 0)
        problems.append(Problem(at.where(), f"the header has no {', '.join(missing)} column: add it"))
        ok = False
    return out if ok else None


def _row(
    table: Table,
    sheet: Sheet,
    columns: dict[int, Column | str],
    number: int,
    cells: list[Any],
    problems: list[Problem],
) -> Edit | None:
    read = _read_cells(table, columns, number, cells, problems)
    if read is None:
        return None
    lead, values, located = read
    keys = (ACCOUNT, *([sheet.parent_key] if sheet.parent_key else []), *sheet.keys)
    missing = [k for k in keys if k not in lead and (k,) not in values]
    if missing:
        at = located.get((missing[0],)) or Cell(table.file, table.name, number, 0)
        problems.append(
            Problem(at.where(), f"the row has no {', '.join(missing)}: fill it in, or delete the row")
        )
        return None
    key = tuple(values[(k,)] for k in sheet.keys)
    parent = lead.get(sheet.parent_key) if sheet.parent_key else None
    return Edit(sheet, lead[ACCOUNT], key, located[(ACCOUNT,)], parent, values=values, cells=located)


def _read_cells(
    table: Table, columns: dict[int, Column | str], number: int, cells: list[Any], problems: list[Problem]
) -> tuple[dict[str, str], dict[Path, Any], dict[Path, Cell]] | None:
    """A row's lead cells (account, project), its values and where each is; None when a cell is bad."""
    lead: dict[str, str] = {}
    values: dict[Path, Any] = {}
    located: dict[Path, Cell] = {}
    bad = False
    for index, column in columns.items():
        header = column if isinstance(column, str) else column.header
        at = Cell(table.file, table.name, number, index, header)
        try:
            value = from_cell(cells[index], "text" if isinstance(column, str) else column.kind)
        except CellError as exc:
            problems.append(Problem(at.where(), str(exc)))
            bad = True
            continue
        path = (column,) if isinstance(column, str) else column.path
        located[path] = at
        if isinstance(column, str):
            if value is not BLANK and value.strip():
                lead[column] = value.strip()
        elif value is not BLANK:
            values[path] = value
    return None if bad else (lead, values, located)

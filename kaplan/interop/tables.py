"""Workbook files ↔ tables of cells: xlsx through openpyxl, CSV through the standard library.

Files are untrusted (a CRM export, a workbook mailed round): a file over 50 MB, a zip that would
inflate past 200 MB, a folder or a device is refused with a message; a formula is read as its text
and never evaluated. Text that a spreadsheet would take for a formula (``=``, ``+``, ``-``, ``@``…)
is written escaped: typed as text in xlsx, after a ``'`` in CSV (which an import takes off again).
Written files are byte-identical for the same tables: fixed zip times, no "created now".
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import warnings
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kaplan.errors import KaplanError
from kaplan.files import NotReadable, read_regular

MAX_BYTES = 50 * 1024 * 1024
MAX_INFLATED = 200 * 1024 * 1024
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_CORE_TIME = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")

csv.field_size_limit(MAX_BYTES)  # one cell may hold a long text; the file as a whole is bounded


@dataclass
class Table:
    """One sheet of a workbook or one CSV file: its rows of cells, the first one the header."""

    file: str  # as the user gave it
    name: str  # the workbook tab, or the CSV file's stem
    rows: list[list[Any]] = field(default_factory=list)
    header_row: int = 0  # index into rows of the header (CRM reports may have a title above it)
    _header: tuple[int, list[str]] | None = field(default=None, repr=False, compare=False)

    @property
    def header(self) -> list[str]:
        """The header's names, stripped (read once per header row: a CRM reader asks for it per cell)."""
        if self._header is None or self._header[0] != self.header_row:
            row = self.rows[self.header_row] if self.rows else []
            self._header = (self.header_row, [str(h).strip() if h is not None else "" for h in row])
        return self._header[1]

    def data(self) -> list[tuple[int, list[Any]]]:
        """The rows below the header as (spreadsheet row number, cells), blank rows left out."""
        width = len(self.header)
        out = []
        for index in range(self.header_row + 1, len(self.rows)):
            cells = self.rows[index]
            if any(c is not None and (not isinstance(c, str) or c.strip()) for c in cells):
                cells.extend([None] * (width - len(cells)))  # in place: a reader may rewrite cells
                out.append((index + 1, cells))
        return out


class UnreadableFile(KaplanError):
    """A workbook or CSV kaplan will not read; the message names the file and what to do."""


def read_tables(path: Path, shown: str) -> list[Table]:
    """Every sheet of an xlsx workbook, or the one table of a CSV file."""
    suffix = path.suffix.lower()
    if suffix in (".xls", ".xlsb", ".ods", ".numbers"):
        raise UnreadableFile(
            f"{shown}: kaplan reads .xlsx and .csv files: save it as an Excel workbook (.xlsx)"
        )
    try:
        raw = read_regular(path, MAX_BYTES)
    except NotReadable as exc:
        raise UnreadableFile(f"{shown}: {exc}: split it, or export fewer rows") from None
    except OSError as exc:
        raise UnreadableFile(f"{shown}: cannot read the file: {exc.strerror}") from None
    if suffix in (".xlsx", ".xlsm") or raw[:4] == b"PK\x03\x04":
        return _read_xlsx(raw, shown)
    return [Table(shown, path.stem, _read_csv(raw, shown))]


def _read_xlsx(raw: bytes, shown: str) -> list[Table]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        inflated = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise UnreadableFile(
            f"{shown}: not an xlsx workbook (the file is damaged or of another kind)"
        ) from None
    if inflated > MAX_INFLATED:
        raise UnreadableFile(
            f"{shown}: the workbook unpacks to {inflated / 1048576:.0f} MB, over kaplan's 200 MB: "
            "split it, or export fewer rows"
        )
    from openpyxl import load_workbook  # only an xlsx import pays for openpyxl

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about Excel features it drops (validation…)
            book = load_workbook(io.BytesIO(raw), read_only=True, data_only=False, keep_links=False)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise UnreadableFile(f"{shown}: not a readable xlsx workbook ({type(exc).__name__}: {exc})") from None
    tables = []
    for sheet in book.worksheets:
        # values_only gives a formula as its text ("=A1*2"): kaplan never evaluates it
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
        tables.append(Table(shown, sheet.title, rows))
    book.close()
    return tables


def _read_csv(raw: bytes, shown: str) -> list[list[Any]]:
    for encoding in ("utf-8-sig", "gb18030"):  # Excel in Chinese saves CSV as GB18030 (GBK)
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise UnreadableFile(f'{shown}: the file is neither UTF-8 nor GB18030 text: save it as "CSV UTF-8"')
    # The delimiter is the one the header uses most: a comma, or a semicolon where Excel's
    # locale writes decimal commas, or a tab. Quoting stays Excel's (doubled quotes).
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), csv.excel, delimiter=delimiter))
    except csv.Error as exc:
        raise UnreadableFile(f"{shown}: not readable as CSV ({exc})") from None
    return [[_unescape(cell) if cell != "" else None for cell in row] for row in rows]


def _unescape(text: str) -> str:
    """Take off the ``'`` an export put before text a spreadsheet would read as a formula."""
    if text.startswith("'") and text[1:2] in (*FORMULA_START, "'"):
        return text[1:]
    return text


def needs_escape(text: str) -> bool:
    """Whether a spreadsheet could take this text for a formula (CSV injection)."""
    return text.startswith((*FORMULA_START, "'"))


# --- writing -------------------------------------------------------------------------------------


def workbook_bytes(tables: Sequence[Table], stamp: dt.date) -> bytes:
    """An xlsx workbook of the tables: a bold, frozen header with filters; dates as dates."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    for table in tables:
        sheet = book.create_sheet(table.name)
        header, body = table.rows[0], table.rows[1:]
        for i, name in enumerate(header, start=1):
            width = max([len(str(name)), *(_width(r[i - 1]) for r in body[:200] if i - 1 < len(r))])
            sheet.column_dimensions[get_column_letter(i)].width = min(60, max(8, width + 2))
        sheet.freeze_panes = "B2"
        sheet.auto_filter.ref = f"A1:{get_column_letter(max(1, len(header)))}{len(table.rows)}"
        bold = Font(bold=True)
        sheet.append([_cell(WriteOnlyCell, sheet, name, font=bold) for name in header])
        wrap = Alignment(wrap_text=True, vertical="top")
        for row in body:
            sheet.append([_cell(WriteOnlyCell, sheet, value, wrap=wrap) for value in row])
    out = io.BytesIO()
    book.properties.creator = "kaplan"
    stamp_time = dt.datetime.combine(stamp, dt.time())
    book.properties.created = book.properties.modified = stamp_time
    book.save(out)
    return _fixed_zip(out.getvalue(), stamp_time)


def _cell(factory: Any, sheet: Any, value: Any, font: Any = None, wrap: Any = None) -> Any:
    cell = factory(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # never a formula, whatever the text starts with
        if needs_escape(value):
            cell.quotePrefix = True  # Excel's own mark for "text, although it looks like a formula"
        if wrap is not None and "\n" in value:
            cell.alignment = wrap
    elif isinstance(value, dt.date):
        cell.number_format = "yyyy-mm-dd"
    if font is not None:
        cell.font = font
    return cell


def _width(value: Any) -> int:
    if value is None:
        return 0
    text = value.isoformat() if isinstance(value, dt.date) else str(value)
    line = max(text.split("\n"), key=len)
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in line)  # CJK takes two columns


def _fixed_zip(data: bytes, stamp: dt.datetime) -> bytes:
    """The same workbook with fixed entry times and document dates, so equal tables give equal bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    when = stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = _CORE_TIME.sub(lambda m: m[1] + when + m[2], body)
            entry = zipfile.ZipInfo(info.filename, _ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            target.writestr(entry, body)
    return out.getvalue()


def csv_bytes(table: Table) -> bytes:
    """A CSV file of the table, in UTF-8 with a byte-order mark (so Excel reads Chinese right)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    for row in table.rows:
        writer.writerow([_csv_text(value) for value in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    text = str(value)
    return "'" + text if isinstance(value, str) and needs_escape(text) else text

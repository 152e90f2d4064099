"""Reading the spreadsheets people bring: .xlsx from Excel or WPS, or .csv (UTF-8, or the
GBK that Excel on Chinese Windows writes). Used by the roster and quiz importers.

And saving the ones the bot makes (`workbook_bytes`): every piece of text in them is
written as text, so a name or an answer starting with "=" is never run as a formula
when the secretary opens the file."""

from __future__ import annotations

import csv
import io
from typing import Any

from bot import texts

MAX_ROWS = 5000


class TableError(Exception):
    """The file as a whole cannot be read; the message is for the user."""


def read_grid(data: bytes, suffix: str) -> list[list[Any]]:
    """The file's first sheet as rows of cells, empty rows dropped."""
    suffix = suffix.lower()
    if suffix == ".xlsx":
        grid = _read_xlsx(data)
    elif suffix == ".csv":
        grid = _read_csv(data)
    else:
        raise TableError(texts.IMPORT_BAD_SUFFIX)
    grid = [row for row in grid if any(cell_text(c) for c in row)]
    if not grid:
        raise TableError(texts.IMPORT_EMPTY)
    if len(grid) - 1 > MAX_ROWS:
        raise TableError(texts.IMPORT_TOO_MANY.format(limit=MAX_ROWS))
    return grid


def _read_xlsx(data: bytes) -> list[list[Any]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise TableError(texts.IMPORT_UNREADABLE) from exc
    try:
        ws = wb.worksheets[0]
        return [list(r) for r in ws.iter_rows(values_only=True, max_row=MAX_ROWS + 2)]
    finally:
        wb.close()


def _read_csv(raw: bytes) -> list[list[Any]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise TableError(texts.IMPORT_UNREADABLE)
    try:
        return [list(r) for r in csv.reader(io.StringIO(text, newline=""))]
    except csv.Error as exc:  # e.g. a stray carriage return inside a field
        raise TableError(texts.IMPORT_UNREADABLE) from exc


def workbook_bytes(wb: Any) -> bytes:
    """The workbook as .xlsx bytes, every str cell stored as a string (openpyxl would
    store "=HYPERLINK(…)" or "=WEBSERVICE(…)" typed by a member as a live formula)."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def rows_by_header(grid: list[list[Any]], known: tuple[str, ...],
                   required: tuple[str, ...]) -> list[dict[str, Any]]:
    """Rows as {column: cell}; unknown or missing columns are refused, named."""
    header = [cell_text(c) for c in grid[0]]
    unknown = [h for h in header if h and h not in known]
    if unknown:
        raise TableError(texts.IMPORT_UNKNOWN_COLUMNS.format(columns="、".join(unknown)))
    missing = [c for c in required if c not in header]
    if missing:
        raise TableError(texts.IMPORT_MISSING_COLUMNS.format(columns="、".join(missing)))
    return [{h: (values[i] if i < len(values) else None) for i, h in enumerate(header) if h}
            for values in grid[1:]]

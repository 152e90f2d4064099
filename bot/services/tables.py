"""Reading the spreadsheets people bring: .xlsx from Excel or WPS, or .csv (UTF-8, or the
GBK that Excel on Chinese Windows writes). Used by the roster and quiz importers.

And saving the ones the bot makes (`workbook_bytes`): every piece of text in them is
written as text, so a name or an answer starting with "=" is never run as a formula
when the secretary opens the file."""

from __future__ import annotations

import csv
import io
import zipfile
from typing import Any

from bot import texts

MAX_ROWS = 5000
# A branch's roster or question bank is tens of kilobytes. Anything far larger is a
# mistake or an attack (a 336 KB .xlsx holding one 3-million-cell row took 24 s and
# 2.8 GB to read), and is refused before it is parsed.
MAX_BYTES = 1_000_000
MAX_UNPACKED_BYTES = 10_000_000  # an .xlsx is a zip: what its parts expand to
MAX_COLUMNS = 30
MAX_CELL_CHARS = 2000


class TableError(Exception):
    """The file as a whole cannot be read; the message is for the user."""


def check_size(size: int | None) -> None:
    """Refuse a file too big to be a roster or a question bank, before reading it."""
    if size is not None and size > MAX_BYTES:
        raise TableError(texts.IMPORT_TOO_BIG.format(size=_megabytes(size),
                                                     limit=_megabytes(MAX_BYTES)))


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f}MB"


def read_grid(data: bytes, suffix: str) -> list[list[Any]]:
    """The file's first sheet as rows of cells, empty rows dropped. Within the limits
    above, or TableError saying which; CPU-bound, so callers on the event loop run it in
    a thread (`asyncio.to_thread`)."""
    check_size(len(data))
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
    for number, row in enumerate(grid, 1):
        if any(cell_text(c) for c in row[MAX_COLUMNS:]):
            raise TableError(texts.IMPORT_TOO_WIDE.format(limit=MAX_COLUMNS))
        if any(len(cell_text(c)) > MAX_CELL_CHARS for c in row):
            raise TableError(texts.IMPORT_CELL_TOO_LONG.format(row=number,
                                                               limit=MAX_CELL_CHARS))
    return [row[:MAX_COLUMNS] for row in grid]


def _read_xlsx(data: bytes) -> list[list[Any]]:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError) as exc:
        raise TableError(texts.IMPORT_UNREADABLE) from exc
    if unpacked > MAX_UNPACKED_BYTES:
        # openpyxl reads a whole row before it can drop cells past MAX_COLUMNS: a sheet
        # that expands this far is refused unread.
        raise TableError(texts.IMPORT_TOO_BIG.format(size=_megabytes(unpacked),
                                                     limit=_megabytes(MAX_UNPACKED_BYTES)))
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise TableError(texts.IMPORT_UNREADABLE) from exc
    try:
        ws = wb.worksheets[0]
        return [list(r) for r in ws.iter_rows(values_only=True, max_row=MAX_ROWS + 2,
                                              max_col=MAX_COLUMNS + 1)]
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
        rows = []
        for r in csv.reader(io.StringIO(text, newline="")):
            rows.append(r[:MAX_COLUMNS + 1])
            if len(rows) > MAX_ROWS + 2:
                break
        return rows
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

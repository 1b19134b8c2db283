"""One xlsx writer for every export and template: finished-looking sheets, written safely.

Every sheet gets a bold, filled, frozen header row, an autofilter, column widths that fit (a CJK
character counts double), real date and number formats, and every text written as text — a cell
that begins with = + - @ never becomes a formula. XlsxWriter runs in constant-memory mode (rows go
to disk as they are written), into a temp file beside the target that is renamed at the end: a
cancelled or failed export leaves no half-written file behind.
"""

from __future__ import annotations

import errno
import os
import secrets
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.exceptions import FileCreateError
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from services.errors import UserError
from services.i18n import t

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]

KINDS = ("text", "phone", "date", "datetime", "money", "int", "number", "bool")
PROGRESS_EVERY = 2000  # rows between progress reports (and cancel checks)
SAMPLE_ROWS = 500  # rows looked at to fit column widths
MAX_WIDTH = 60
HEADER_FILL = "#dde7f0"
REQUIRED_COLOR = "#b71c1c"
EXAMPLE_COLOR = "#808080"
_EPOCH = date(1899, 12, 30)  # Excel's day 0 (for dates from 1900-03-01 on)
_FIRST_SAFE = date(1900, 3, 1)  # before this, Excel's phantom 1900-02-29 shifts serials
_FIRST_DAY = date(1900, 1, 1)  # Excel has no dates before this: such values are written as text
_NUM_FORMATS = {"date": "yyyy-mm-dd", "datetime": "yyyy-mm-dd hh:mm", "money": "#,##0.00", "int": "0",
                "phone": "@"}


@dataclass(frozen=True)
class OutColumn:
    """One column of a sheet.

    `kind` decides how values are written: text/phone as text, date/datetime as real dates (a
    str in a date column — a birthday with no year — is written as text), money from cents to
    yuan, int/number as numbers, bool as 是/否. The rest is for templates: `choices` becomes a
    drop-down, `required` colours the header and notes it, `note` is the header's comment and
    `hint` the message shown when a cell of the column is selected.
    """

    header: str
    kind: str = "text"
    width: int = 12
    choices: tuple[str, ...] = ()
    required: bool = False
    note: str = ""
    hint: str = ""
    date_check: bool = True  # templates: validate date cells (off for 生日, which also takes 5月1日)


@dataclass
class SheetSpec:
    """A sheet to write: its columns and its rows (any iterable; consumed once, in order).

    `total` is the number of rows expected (for progress). `example` styles the rows as an
    example (grey italics); `validate_rows` adds the drop-downs and date checks of the columns to
    that many rows under the header. After writing, `written` holds the number of rows written.
    """

    name: str
    columns: list[OutColumn]
    rows: Iterable[Sequence[object]]
    total: int = 0
    example: bool = False
    validate_rows: int = 0
    autofilter: bool = True
    written: int = field(default=0, init=False)


class _Cancelled(Exception):
    pass


def text_width(text: str) -> int:
    """Display width in Excel's character units: CJK and full-width characters count double."""
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def write_sheets(path: Path | str, sheets: Iterable[SheetSpec], progress: Progress | None = None,
                 cancelled: Cancelled | None = None) -> int:
    """Write the sheets to `path` (.xlsx) and return the number of data rows written.

    Raises UserError when the file cannot be saved (open in Excel, disk full, no such folder) or
    when `cancelled()` turned true ("已取消导出"); in both cases no file is left behind.
    """
    target = Path(path)
    specs = list(sheets)
    temp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.keben-tmp")
    try:  # fail now, not after the work, when the folder is missing or read-only
        os.close(os.open(temp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666))  # 0o666: the umask applies
    except OSError as exc:
        raise _save_error(target, exc, creating=True) from exc
    workbook = xlsxwriter.Workbook(str(temp), {
        "constant_memory": True, "strings_to_formulas": False, "strings_to_numbers": False,
        "strings_to_urls": False,
    })
    closed = False
    try:
        total = sum(spec.total for spec in specs)
        written = _write_all(workbook, specs, total, progress, cancelled)
        workbook.close()
        closed = True
        os.replace(temp, target)
        return written
    except _Cancelled:
        raise UserError(t("已取消导出")) from None
    except FileCreateError as exc:
        cause = exc.args[0] if exc.args and isinstance(exc.args[0], OSError) else OSError(str(exc))
        raise _save_error(target, cause) from exc
    except OSError as exc:
        raise _save_error(target, exc) from exc
    finally:
        if not closed:
            _discard(workbook)
        temp.unlink(missing_ok=True)


def _write_all(workbook: xlsxwriter.Workbook, specs: list[SheetSpec], total: int,
               progress: Progress | None, cancelled: Cancelled | None) -> int:
    styles = _Styles(workbook)
    done = 0
    if cancelled is not None and cancelled():
        raise _Cancelled
    for spec in specs:
        sheet = workbook.add_worksheet(spec.name)
        _prepare(sheet, spec, styles)
        writers = [_cell_writer(sheet, column.kind, styles, spec.example) for column in spec.columns]
        sample = [text_width(c.header) + 3 for c in spec.columns]  # + the filter button
        row_number = 0
        for row_number, values in enumerate(spec.rows, start=1):
            for col, value in enumerate(values):
                if value is not None and value != "":
                    writers[col](row_number, col, value)
            if row_number <= SAMPLE_ROWS:
                _measure(values, sample)
            if row_number % PROGRESS_EVERY == 0:
                if cancelled is not None and cancelled():
                    raise _Cancelled
                if progress is not None:
                    progress(done + row_number, total)
        spec.written = row_number
        done += row_number
        _finish(sheet, spec, styles, sample)
    if progress is not None:
        progress(done, max(total, done))
    return done


class _Styles:
    def __init__(self, workbook: xlsxwriter.Workbook) -> None:
        header = {"bold": True, "bg_color": HEADER_FILL, "bottom": 1, "valign": "vcenter"}
        self.header = workbook.add_format(header)
        self.required = workbook.add_format({**header, "font_color": REQUIRED_COLOR})
        self.cells: dict[str, Format | None] = {
            kind: workbook.add_format({"num_format": _NUM_FORMATS[kind]}) if kind in _NUM_FORMATS else None
            for kind in KINDS
        }
        example = {"italic": True, "font_color": EXAMPLE_COLOR}
        self.examples: dict[str, Format] = {
            kind: workbook.add_format({**example, **({"num_format": _NUM_FORMATS[kind]}
                                                       if kind in _NUM_FORMATS else {})})
            for kind in KINDS
        }


def _prepare(sheet: Worksheet, spec: SheetSpec, styles: _Styles) -> None:
    sheet.freeze_panes(1, 0)
    sheet.set_row(0, 20)
    for col, column in enumerate(spec.columns):
        sheet.write_string(0, col, column.header, styles.required if column.required else styles.header)
        note = column.note or (t("必填") if column.required else "")
        if note:
            sheet.write_comment(0, col, note, {"x_scale": 1.6, "y_scale": 1.2})
    if spec.validate_rows:
        _validations(sheet, spec)


def _finish(sheet: Worksheet, spec: SheetSpec, styles: _Styles, sample: list[int]) -> None:
    for col, column in enumerate(spec.columns):
        width = min(MAX_WIDTH, max(column.width, sample[col] + 1))
        sheet.set_column(col, col, width, styles.cells[column.kind] if column.kind == "phone" else None)
    if spec.autofilter and spec.columns:
        sheet.autofilter(0, 0, max(spec.written, 1), len(spec.columns) - 1)


def _measure(values: Sequence[object], widths: list[int]) -> None:
    for col, value in enumerate(values):
        if isinstance(value, str) and value:
            width = text_width(value)
            if width > widths[col]:
                widths[col] = width
        elif isinstance(value, date):
            widths[col] = max(widths[col], 16 if isinstance(value, datetime) else 10)


def _validations(sheet: Worksheet, spec: SheetSpec) -> None:
    last = spec.validate_rows
    for col, column in enumerate(spec.columns):
        options: dict[str, Any] | None = None
        if column.choices:
            options = {"validate": "list", "source": list(column.choices), "error_type": "warning",
                       "error_title": column.header,
                       "error_message": t("请从下拉列表中选择：{choices}", choices="、".join(column.choices))}
        elif column.kind in ("date", "datetime") and column.date_check:
            options = {"validate": "date", "criteria": "between", "minimum": date(1900, 3, 1),
                       "maximum": date(2100, 12, 31), "error_type": "warning", "error_title": column.header,
                       "error_message": t("请填日期，如 2024-05-01")}
        elif column.hint:
            options = {"validate": "any"}
        if options is None:
            continue
        if column.hint:
            options.update(input_title=column.header[:32], input_message=column.hint[:255])
        sheet.data_validation(1, col, last, col, options)


CellWriter = Callable[[int, int, Any], object]


def _cell_writer(sheet: Worksheet, kind: str, styles: _Styles, example: bool) -> CellWriter:
    """The function that writes one value of a column of this kind."""
    fmt = styles.examples[kind] if example else styles.cells[kind]
    date_fmt = styles.examples["date"] if example else styles.cells["date"]
    datetime_fmt = styles.examples["datetime"] if example else styles.cells["datetime"]
    # Text keeps the column's look (phone: '@', so an edited cell stays text).
    string_fmt = fmt if kind in ("text", "phone") else styles.examples["text"] if example else None
    write_string, write_number = sheet.write_string, sheet.write_number

    def text(row: int, col: int, value: Any) -> object:
        return write_string(row, col, value if isinstance(value, str) else str(value), string_fmt)

    def when(row: int, col: int, value: Any) -> object:
        if isinstance(value, date):
            day = value.date() if isinstance(value, datetime) else value
            if day < _FIRST_DAY:
                return text(row, col, value.isoformat())
            if isinstance(value, datetime) and kind == "datetime":
                return write_number(row, col, _serial(value), datetime_fmt)
            return write_number(row, col, _serial(day), date_fmt)
        return text(row, col, value)

    def money(row: int, col: int, value: Any) -> object:
        if isinstance(value, int) and not isinstance(value, bool):
            return write_number(row, col, value / 100, fmt)
        return text(row, col, value)

    def number(row: int, col: int, value: Any) -> object:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return write_number(row, col, value, fmt)
        return text(row, col, value)

    def yes_no(row: int, col: int, value: Any) -> object:
        if isinstance(value, bool):
            return write_string(row, col, t("是") if value else t("否"), string_fmt)
        return text(row, col, value)

    return {"date": when, "datetime": when, "money": money, "int": number, "number": number,
            "bool": yes_no}.get(kind, text)


def _serial(value: date) -> float:
    """Excel's serial number of a date or datetime from 1900-01-01 on (write_datetime's, faster)."""
    day = value.date() if isinstance(value, datetime) else value
    days = (day - _EPOCH).days - (1 if day < _FIRST_SAFE else 0)  # Excel's phantom 1900-02-29
    if isinstance(value, datetime):
        return days + (value.hour * 3600 + value.minute * 60 + value.second) / 86400
    return days


def _discard(workbook: xlsxwriter.Workbook) -> None:
    """Drop an unfinished workbook: close and remove its constant-memory row files."""
    for sheet in workbook.worksheets():
        handle = getattr(sheet, "row_data_fh", None)
        if handle is not None:
            handle.close()
        name = getattr(sheet, "row_data_filename", None)
        if name:
            Path(name).unlink(missing_ok=True)
    workbook.fileclosed = True


def _save_error(target: Path, exc: OSError, creating: bool = False) -> UserError:
    name, folder = target.name, str(target.parent)
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return UserError(t("磁盘空间不足，无法保存“{name}”，请清理磁盘或换个位置后重试", name=name))
    if isinstance(exc, FileNotFoundError) and creating:
        return UserError(t("文件夹“{folder}”不存在，请换个位置保存", folder=folder))
    if isinstance(exc, IsADirectoryError) or target.is_dir():
        return UserError(t("“{name}”是一个文件夹，请换个文件名", name=name))
    if isinstance(exc, PermissionError):
        if creating:
            return UserError(t("没有权限在文件夹“{folder}”里保存文件，请换个位置", folder=folder))
        return UserError(t("文件“{name}”正被其他程序（如 Excel）打开，请关闭后重试", name=name))
    return UserError(t("无法保存“{name}”：{error}", name=name, error=exc.strerror or exc))

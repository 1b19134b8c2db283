"""Reading spreadsheets: .xlsx, .xlsm, .xls, .ods (python-calamine) and .csv, through one API.

`open_spreadsheet()` looks at what a file really is (its first bytes, not only its name), so a
renamed PDF, a password-protected workbook, an HTML page saved as .xls or a huge file each get one
clear line naming the file; whatever goes wrong inside, only a UserError leaves this module.

Rows and columns keep their places on the sheet: preview rows start at sheet row 1, column 0 is
column A, and every data row carries the row number the user sees in Excel or WPS. Values are passed
on as the file holds them (see services.excel.values for turning them into clean values); CSV values
are always text, leading zeros kept.
"""

from __future__ import annotations

import codecs
import csv
import errno
import itertools
import re
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn, cast

from python_calamine import CalamineSheet, CalamineWorkbook, PasswordError, SheetTypeEnum, SheetVisibleEnum

from services.errors import UserError
from services.excel import filecheck
from services.excel.columns import header_index, normalize_header
from services.excel.values import cell_text
from services.i18n import t

HEADER_SCAN_ROWS = 30
EXTENSIONS = {".xlsx": "xlsx", ".xlsm": "xlsm", ".xls": "xls", ".ods": "ods", ".csv": "csv", ".txt": "csv",
              ".tsv": "csv"}
DELIMITERS = ",;\t|"

_CHUNK = 4 * 1024 * 1024
_SNIFF_CHARS = 64 * 1024


@dataclass
class Table:
    sheet: str
    header_row: int  # 1-based sheet row number of the header row
    headers: list[str]  # cell_text of each header cell ("" for blank), trailing blank columns dropped
    rows: list[list[object]]  # data rows after the header, padded/truncated to len(headers); blank rows dropped
    row_numbers: list[int]  # 1-based sheet row number of each data row, as Excel/WPS shows it


RowStream = Iterator[tuple[int, list[object]]]


class Spreadsheet:
    """An open spreadsheet file. Use `open_spreadsheet()`; close it (or use `with`) when done."""

    path: Path
    format: str  # "xlsx" | "xlsm" | "xls" | "ods" | "csv"
    encoding: str | None = None  # csv only: detected or given
    delimiter: str | None = None  # csv only: sniffed or given
    epoch_1904: bool = False  # the workbook counts date serial numbers from 1904 (old Mac Excel)
    sheet_names: list[str]  # visible sheets only

    def preview_rows(self, sheet: str, limit: int = 60) -> list[list[object]]:
        """The first `limit` rows of a sheet as they are (from sheet row 1, blank rows included,
        all padded to the same width): for finding the header row and for the wizard."""
        raise NotImplementedError

    def iter_table(self, sheet: str, header_row: int) -> tuple[list[str], RowStream, int]:
        """Headers, a stream of (sheet row number, row) for the non-blank rows under the header,
        and about how many rows the stream holds (blank ones included): for huge files."""
        rows, merges, last_row = self._open_rows(sheet)
        if not 1 <= header_row <= last_row:
            raise UserError(t("表头行“{row}”不在表里：文件“{name}”的工作表“{sheet}”共 {count} 行",
                              row=header_row, name=self.path.name, sheet=sheet, count=last_row))
        header = next(itertools.islice(rows, header_row - 1, None), [])
        headers = [cell_text(value) for value in header]
        while headers and not headers[-1]:
            headers.pop()
        if not headers:
            raise UserError(t("文件“{name}”的工作表“{sheet}”第 {row} 行是空的，不能作为表头",
                              name=self.path.name, sheet=sheet, row=header_row))
        stream = _data_rows(rows, header_row, len(headers), merges)
        return headers, self._guard(stream), last_row - header_row

    def table(self, sheet: str, header_row: int | None = None, *, kind: str | None = None) -> Table:
        """The sheet's rows under its header row; header_row None → found with the kind's headers."""
        if header_row is None:
            header_row = find_header_row(self.preview_rows(sheet, HEADER_SCAN_ROWS), kind)
        headers, stream, _ = self.iter_table(sheet, header_row)
        rows: list[list[object]] = []
        numbers: list[int] = []
        for number, row in stream:
            numbers.append(number)
            rows.append(row)
        return Table(sheet, header_row, headers, rows, numbers)

    def close(self) -> None:
        """Let go of the file."""

    def __enter__(self) -> Spreadsheet:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # ---- for the formats --------------------------------------------------------------------------

    def _open_rows(self, sheet: str) -> tuple[Iterator[list[Any]], dict[int, list[tuple[int, int]]], int]:
        """Rows from sheet row 1, merged ranges to fill down ({first row index: [(column, last row
        index)]}, 0-based), and the number of the sheet's last row."""
        raise NotImplementedError

    def _guard(self, stream: RowStream) -> RowStream:
        """Errors met while streaming the file become a UserError too."""
        with _reading(self.path):
            yield from stream

    def _no_data(self, sheet: str) -> NoReturn:
        if len(self.sheet_names) <= 1:
            raise UserError(t("文件“{name}”里没有数据", name=self.path.name))
        raise UserError(t("文件“{name}”的工作表“{sheet}”里没有数据", name=self.path.name, sheet=sheet))

    def _no_sheet(self, sheet: str) -> NoReturn:
        raise UserError(t("文件“{name}”里没有名为“{sheet}”的工作表", name=self.path.name, sheet=sheet))


def _data_rows(rows: Iterable[list[Any]], first_index: int, width: int,
               merges: dict[int, list[tuple[int, int]]]) -> RowStream:
    """Rows padded or cut to `width`, blank ones dropped, merged cells filled down."""
    active: dict[int, tuple[int, object]] = {}  # column → (last row index, value) of a merged cell
    for index, row in enumerate(rows, first_index):
        if len(row) != width:
            row = row[:width] if len(row) > width else row + [""] * (width - len(row))
        if merges and index in merges:
            for column, last in merges[index]:
                if column < width:
                    active[column] = (last, row[column])
        if _is_blank(row):
            continue
        if active:
            for column, (last, value) in list(active.items()):
                if index > last:
                    del active[column]
                elif row[column] == "":
                    row[column] = value
        yield index + 1, row


def _is_blank(row: list[Any]) -> bool:
    for value in row:  # stops at the first filled cell: usually the first one
        if value == "" or value is None:
            continue
        if value.__class__ is str and not value.strip():
            continue
        return False
    return True


# ---- workbooks (python-calamine) ---------------------------------------------------------------------

class _Workbook(Spreadsheet):
    def __init__(self, path: Path, format: str, book: CalamineWorkbook, epoch_1904: bool) -> None:
        self.path, self.format, self._book, self.epoch_1904 = path, format, book, epoch_1904
        sheets = [m for m in book.sheets_metadata if m.typ == SheetTypeEnum.WorkSheet]
        self._all_names = [m.name for m in sheets]
        self.sheet_names = [m.name for m in sheets if m.visible == SheetVisibleEnum.Visible] or self._all_names
        self._loaded: tuple[str, CalamineSheet] | None = None  # the last sheet read: they can be big
        self._parts: dict[str, str] | None = None  # xlsx: sheet name → its XML part

    def _sheet(self, name: str) -> CalamineSheet:
        if self._loaded is not None and self._loaded[0] == name:
            return self._loaded[1]
        if name not in self._all_names:
            self._no_sheet(name)
        self._loaded = None
        self._refuse_if_too_big(name)
        with _reading(self.path):
            sheet = self._book.get_sheet_by_name(name)
        self._loaded = (name, sheet)
        return sheet

    def _refuse_if_too_big(self, name: str) -> None:
        if self.format not in ("xlsx", "xlsm"):
            return  # an .xls was checked whole on opening; python-calamine sizes .ods by its cells
        if self._parts is None:
            self._parts = filecheck.xlsx_sheet_parts(self.path)
        part = self._parts.get(name)
        extent = filecheck.xlsx_sheet_too_big(self.path, part) if part else None
        if extent is not None:
            raise UserError(t("文件“{name}”的工作表“{sheet}”范围太大（{rows} 行 × {columns} 列）：表格边上远处可能有"
                              "零星内容，请删除多余的行和列后再导入", name=self.path.name, sheet=name, rows=extent[0],
                              columns=extent[1]))

    def preview_rows(self, sheet: str, limit: int = 60) -> list[list[object]]:
        loaded = self._sheet(sheet)
        if loaded.start is None:
            return []
        with _reading(self.path):
            rows = loaded.to_python(skip_empty_area=False, nrows=max(limit, 1))[:limit]
        return cast(list[list[object]], rows)

    def _open_rows(self, sheet: str) -> tuple[Iterator[list[Any]], dict[int, list[tuple[int, int]]], int]:
        loaded = self._sheet(sheet)
        start, end = loaded.start, loaded.end
        if start is None or end is None:
            self._no_data(sheet)
        merges: dict[int, list[tuple[int, int]]] = {}
        for (first_row, column), (last_row, _) in loaded.merged_cell_ranges or ():
            if last_row > first_row:
                merges.setdefault(first_row, []).append((column, last_row))
        with _reading(self.path):
            rows: Iterator[list[Any]] = iter(loaded.iter_rows())  # from sheet row 1; columns from `start`
        if start[1]:
            padding = [""] * start[1]
            rows = (padding + row for row in rows)  # column 0 is column A, as in preview_rows
        return rows, merges, end[0] + 1

    def close(self) -> None:
        self._loaded = None
        with suppress(Exception):  # closing twice is fine
            self._book.close()


def _read_workbook(path: Path, format: str, by_content: bool) -> Spreadsheet:
    """Open with python-calamine; `by_content` when the name says another format than the bytes."""
    if format == "xls":
        with _reading(path):
            problem = filecheck.xls_problem(path)
        if problem is not None:
            filecheck.damaged(path)
    with _reading(path):
        if by_content:
            with path.open("rb") as file:
                book = CalamineWorkbook.from_filelike(file)
        else:
            book = CalamineWorkbook.from_path(str(path))
    return _Workbook(path, format, book, format in ("xlsx", "xlsm") and _is_1904(path))


def _is_1904(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            head = archive.read("xl/workbook.xml")[:4096]
    except Exception:  # calamine read the file already; the flag is a nicety
        return False
    return re.search(rb"date1904\s*=\s*[\"'](?:1|true)[\"']", head) is not None


# ---- CSV ---------------------------------------------------------------------------------------------

class _Csv(Spreadsheet):
    def __init__(self, path: Path, encoding: str, delimiter: str, skip_first: bool, lines: int) -> None:
        self.path, self.format, self.encoding, self.delimiter = path, "csv", encoding, delimiter
        self.sheet_names = [path.stem]
        self._skip_first = skip_first  # a "sep=;" line, which Excel reads and hides
        self._lines = lines

    def _records(self) -> Iterator[list[Any]]:
        with self.path.open(encoding=self.encoding, newline="") as file:
            if self._skip_first:
                file.readline()
            yield from csv.reader(file, delimiter=self.delimiter or ",")

    def preview_rows(self, sheet: str, limit: int = 60) -> list[list[object]]:
        if sheet not in self.sheet_names:
            self._no_sheet(sheet)
        with _reading(self.path):
            rows: list[list[object]] = list(itertools.islice(self._records(), limit))
        width = max((len(row) for row in rows), default=0)
        return [row + [""] * (width - len(row)) for row in rows]

    def _open_rows(self, sheet: str) -> tuple[Iterator[list[Any]], dict[int, list[tuple[int, int]]], int]:
        if sheet not in self.sheet_names:
            self._no_sheet(sheet)
        if not any(not _is_blank(row) for row in self.preview_rows(sheet, HEADER_SCAN_ROWS)):
            self._no_data(sheet)
        return self._records(), {}, max(self._lines, HEADER_SCAN_ROWS)


def _read_csv(path: Path, encoding: str | None, delimiter: str | None) -> Spreadsheet:
    if delimiter is not None:
        delimiter = {"tab": "\t", "\\t": "\t"}.get(delimiter.lower(), delimiter)
        if len(delimiter) != 1 or delimiter in "\"\r\n":
            raise UserError(t("分隔符“{delimiter}”不对：应为一个字符，如 , ; | 或 tab", delimiter=delimiter))
    encoding, lines = _check_encoding(path, encoding)
    with _reading(path), path.open(encoding=encoding, newline="") as file:
        sample = file.read(_SNIFF_CHARS)
    if "\x00" in sample or sum(ch < " " and ch not in "\t\r\n\f\v\x1a" for ch in sample) > len(sample) // 100:
        filecheck.not_spreadsheet(path)
    first_line = sample.split("\n", 1)[0].strip()
    hinted = re.fullmatch(r"sep=(.)", first_line)
    if hinted:
        sample = sample.split("\n", 1)[1] if "\n" in sample else ""
    chosen = delimiter or (hinted[1] if hinted else _sniff_delimiter(sample))
    return _Csv(path, encoding, chosen, hinted is not None, lines)


def _check_encoding(path: Path, given: str | None) -> tuple[str, int]:
    """The encoding (given, or UTF-8 with or without BOM, UTF-16 with BOM, else GB18030), checked
    against the whole file; and the number of lines, for progress."""
    with path.open("rb") as file:
        head = file.read(4)
    if given is not None:
        try:
            candidates = [codecs.lookup(given).name]
        except LookupError:
            raise UserError(t("不认识的编码“{encoding}”：常用的是 utf-8 和 gbk", encoding=given)) from None
        if candidates == ["utf-8"] and head.startswith(codecs.BOM_UTF8):
            candidates = ["utf-8-sig"]
    elif head.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]
    else:
        candidates = ["utf-8", "gb18030"]
    for encoding in candidates:
        lines = _decodes_as(path, encoding)
        if lines is not None:
            return encoding, lines
    if given is not None:
        raise UserError(t("文件“{name}”不是用 {encoding} 编码保存的，请换一种编码再试",
                          name=path.name, encoding=given))
    raise UserError(t("看不出文件“{name}”的编码：请用 Excel/WPS 另存为“CSV UTF-8”或 .xlsx 后再导入",
                      name=path.name))


def _decodes_as(path: Path, encoding: str) -> int | None:
    decoder = codecs.getincrementaldecoder(encoding)()
    lines = 0
    try:
        with path.open("rb") as file:
            while chunk := file.read(_CHUNK):
                decoder.decode(chunk)
                lines += chunk.count(b"\n")
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return None
    except OSError as error:
        filecheck.cannot_open(path, error)
    return lines + 1


def _sniff_delimiter(sample: str) -> str:
    """The delimiter of a CSV sample: csv.Sniffer's guess when most lines hold it (a title line
    above the header holds none), else the one most lines hold equally often, else ","."""
    sample = sample[: sample.rfind("\n") + 1] or sample  # whole lines only
    lines = [line for line in sample.splitlines() if line.strip()][:100]
    try:
        sniffed = csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        sniffed = ""
    if sniffed and 2 * sum(sniffed in line for line in lines) >= len(lines):
        return sniffed
    best, best_lines = ",", 0
    for delimiter in DELIMITERS:
        counts = Counter(line.count(delimiter) for line in lines)
        counts.pop(0, None)
        agreeing = max(counts.values(), default=0)  # lines with the same number of this delimiter
        if agreeing > best_lines:
            best, best_lines = delimiter, agreeing
    return best


# ---- opening -----------------------------------------------------------------------------------------

def open_spreadsheet(path: str | Path, *, encoding: str | None = None,
                     delimiter: str | None = None) -> Spreadsheet:
    """Open a .xlsx, .xlsm, .xls, .ods or .csv (also .txt/.tsv) file; only UserError escapes."""
    path = Path(path)
    with _reading(path):
        return _open(path, encoding, delimiter)


def _open(path: Path, encoding: str | None, delimiter: str | None) -> Spreadsheet:
    if not path.is_file():
        raise UserError(t("找不到文件“{name}”", name=path.name or str(path)))
    named = EXTENSIONS.get(path.suffix.lower())
    if named is None:
        raise UserError(t("不能导入“{name}”：只支持 .xlsx .xlsm .xls .ods .csv 文件，请用 Excel/WPS 另存为 .xlsx 后再导入",
                          name=path.name))
    size = path.stat().st_size
    with path.open("rb") as file:
        head = file.read(8)
    if size == 0:
        raise UserError(t("文件“{name}”里没有数据", name=path.name))
    if size > filecheck.MAX_BYTES:
        filecheck.too_big(path, size)
    if head.startswith(filecheck.ZIP):
        content = filecheck.zip_format(path)
        workbook_format = named if named in ("xlsx", "xlsm") and content == "xlsx" else content
        return _read_workbook(path, workbook_format, by_content=_family(named) != content)
    if head.startswith(filecheck.OLE2):
        return _read_ole2(path, named)
    filecheck.refuse_other_formats(path, head)
    filecheck.refuse_markup(path)
    return _read_csv(path, encoding, delimiter)


def _family(named: str) -> str:
    return "xlsx" if named == "xlsm" else named


def _read_ole2(path: Path, named: str) -> Spreadsheet:
    """An OLE2 file: an .xls workbook, or an .xlsx locked with a password (Office wraps those in OLE2)."""
    if filecheck.has_encrypted_package(path):
        filecheck.password(path)
    if named == "xls":
        return _read_workbook(path, "xls", by_content=False)
    if named in ("xlsx", "xlsm", "ods"):
        try:
            return _read_workbook(path, "xls", by_content=True)  # an .xls renamed .xlsx still reads
        except UserError:
            filecheck.password(path)
    return _read_workbook(path, "xls", by_content=True)


# ---- errors ------------------------------------------------------------------------------------------

@contextmanager
def _reading(path: Path) -> Iterator[None]:
    """Whatever fails while reading (python-calamine errors, and even its panics, which are not
    Exceptions) becomes a UserError naming the file."""
    try:
        yield
    except (UserError, KeyboardInterrupt, SystemExit, GeneratorExit):
        raise
    except BaseException as error:
        _unreadable(path, error)


def _unreadable(path: Path, error: BaseException) -> NoReturn:
    if isinstance(error, PasswordError):
        filecheck.password(path)
    if isinstance(error, UserError):
        raise error
    if isinstance(error, csv.Error):
        raise UserError(t("无法读取文件“{name}”：CSV 内容格式有误（可能有没配对的引号）", name=path.name)) from error
    if isinstance(error, PermissionError | FileNotFoundError | IsADirectoryError) or (
            isinstance(error, OSError) and error.errno == errno.EIO):  # a drive that went away
        filecheck.cannot_open(path, error)  # anything else going wrong inside the file means it is damaged
    filecheck.damaged(path, error)


# ---- finding the header row and the sheet ---------------------------------------------------------------

def find_header_row(rows: list[list[object]], kind: str | None) -> int:
    """The 1-based row (within the first 30) whose cells best name the kind's columns.

    Title rows, merged titles and blank rows above are passed over: a row counts the distinct
    columns it names, a row with a single filled cell (a title) counts for less, and ties go to
    the earliest. If no row names a column: the first row with two or more text cells.
    """
    row, score = _best_header(rows, kind)
    return row if score > 0 else _first_text_row(rows)


def _best_header(rows: list[list[object]], kind: str | None) -> tuple[int, float]:
    index = header_index(kind) if kind else {}
    best, best_score = 1, 0.0
    for number, row in enumerate(rows[:HEADER_SCAN_ROWS], 1):
        texts = [normalize_header(value) for value in row if isinstance(value, str) and value.strip()]
        keys = {index[text] for text in texts if text in index}
        filled = sum(not _is_blank([value]) for value in row)
        score = len(keys) - (0.5 if keys and filled < 2 else 0)
        if score > best_score:
            best, best_score = number, score
    return best, best_score


def _first_text_row(rows: list[list[object]]) -> int:
    first_filled = 0
    for number, row in enumerate(rows[:HEADER_SCAN_ROWS], 1):
        if sum(isinstance(value, str) and bool(value.strip()) for value in row) >= 2:
            return number
        if not first_filled and not _is_blank(row):
            first_filled = number
    return first_filled or 1


def best_sheet(book: Spreadsheet, kind: str) -> tuple[str, int]:
    """The visible sheet whose header row names the kind's columns best (ties: the first), with
    that header row; sheets with no data are passed over."""
    choice: tuple[str, int] | None = None
    best_score = -1.0
    refused: UserError | None = None
    for name in book.sheet_names:
        try:
            rows = book.preview_rows(name, HEADER_SCAN_ROWS)
        except UserError as error:  # one unreadable sheet need not stop the others
            refused = refused or error
            continue
        if all(_is_blank(row) for row in rows):
            continue
        row, score = _best_header(rows, kind)
        if score > best_score:
            choice, best_score = (name, row if score > 0 else _first_text_row(rows)), score
    if choice is None:
        raise refused or UserError(t("文件“{name}”里没有数据", name=book.path.name))
    return choice


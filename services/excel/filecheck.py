"""What a file really is, and whether python-calamine can be trusted with it.

The first part tells spreadsheets from what people pick by mistake or get from other systems
(a PDF or a picture renamed .xlsx, a Word document, an HTML page saved as .xls, a workbook locked
with a password) and words the message for each, naming the file.

The second part checks the sizes a workbook declares. python-calamine sizes its memory from numbers
in the file: a sheet holding one stray value in cell XFD1048576, or an .xls whose row count, string
count or a cell's column is damaged, makes it ask for gigabytes — and a failed allocation in Rust
ends the whole process (SIGABRT: no exception, no log, the app just vanishes). Linux lends far more
memory than it has, so some of these only abort on Windows, which lends none. These checks read
those numbers first; each returns None when the file is fine, else a short reason or the size.
"""

from __future__ import annotations

import codecs
import errno
import posixpath
import re
import struct
import zipfile
from pathlib import Path
from typing import IO, NoReturn
from xml.etree import ElementTree

from services.errors import UserError
from services.i18n import t

MAX_BYTES = 200 * 1024 * 1024
MAX_UNPACKED_BYTES = 3 * 1024 * 1024 * 1024  # what a zipped workbook may grow to when unpacked
MAX_CELLS = 30_000_000  # rows × columns of one sheet's used range: ~1 GB inside python-calamine
# A part that unpacks to more than this many times its packed size (and past BOMB_MIN_BYTES) is a zip
# bomb: real sheets pack 3-30 times (a million formatted empty rows, the most, about 30).
MAX_RATIO = 100
BOMB_MIN_BYTES = 10 * 1024 * 1024
ZIP = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_MARK = "EncryptedPackage".encode("utf-16-le")  # the stream an encrypted .xlsx hides in
_NOT_SPREADSHEETS = ((b"%PDF", "PDF"), (b"\x89PNG", "PNG 图片"), (b"\xff\xd8\xff", "JPG 图片"),
                     (b"GIF8", "GIF 图片"), (b"Rar!", "RAR 压缩包"), (b"7z\xbc\xaf", "7z 压缩包"),
                     (b"\x1f\x8b", "gz 压缩包"), (b"BM", "BMP 图片"))
_CHUNK = 1024 * 1024


# ---- what the file is ----------------------------------------------------------------------------

def zip_format(path: Path) -> str:
    """"xlsx" or "ods" for a zipped workbook; anything else zipped is refused."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
            bombs = [info for info in archive.infolist()
                     if info.file_size > max(BOMB_MIN_BYTES, MAX_RATIO * info.compress_size)]
            mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, RuntimeError) as error:
        damaged(path, error)
    if unpacked > MAX_UNPACKED_BYTES:
        raise UserError(t("文件“{name}”解压后有 {mb} MB，太大了，请拆分后再导入", name=path.name,
                          mb=round(unpacked / 1024 / 1024)))
    if bombs:  # (a part that unpacks past the size its header gives is refused by python-calamine as damaged)
        raise UserError(t("不能导入“{name}”：文件里的内容解压后从 {kb} KB 变成 {mb} MB，不像正常的表格（可能是恶意的“压缩炸弹”）",
                          name=path.name, kb=max(1, round(bombs[0].compress_size / 1024)),
                          mb=round(bombs[0].file_size / 1024 / 1024)))
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "content.xml" in names and b"spreadsheet" in mimetype:
        return "ods"
    if "xl/workbook.bin" in names:
        raise UserError(t("不能导入“{name}”：这是 Excel 二进制工作簿（.xlsb），请另存为 .xlsx 后再导入",
                          name=path.name))
    what = ("Word 文档" if "word/document.xml" in names else "PowerPoint 文档" if "ppt/presentation.xml" in names
            else "ODF 文档" if "content.xml" in names else "zip 压缩包")
    not_spreadsheet(path, what)


def has_encrypted_package(path: Path) -> bool:
    try:
        with path.open("rb") as file:
            start = file.read(1024 * 1024)
            file.seek(max(0, path.stat().st_size - 1024 * 1024))
            end = file.read()
    except OSError as error:
        cannot_open(path, error)
    return _ENCRYPTED_MARK in start or _ENCRYPTED_MARK in end


def refuse_other_formats(path: Path, head: bytes) -> None:
    """Pictures, PDFs and archives that are not spreadsheets, known by their first bytes."""
    for magic, what in _NOT_SPREADSHEETS:
        if head.startswith(magic):
            not_spreadsheet(path, what)


def refuse_markup(path: Path) -> None:
    """Web pages and XML that some systems save with an .xls name, which no reader here reads."""
    with path.open("rb") as file:
        head = file.read(2048).lstrip(codecs.BOM_UTF8).lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html", b"<table", b"<meta", b"<head")):
        raise UserError(t("文件“{name}”其实是网页（HTML），请用 Excel/WPS 打开后另存为 .xlsx 再导入", name=path.name))
    if head.startswith(b"<?xml") or b"urn:schemas-microsoft-com:office:spreadsheet" in head:
        raise UserError(t("文件“{name}”是 XML 表格，请用 Excel/WPS 打开后另存为 .xlsx 再导入", name=path.name))


def password(path: Path) -> NoReturn:
    raise UserError(t("文件“{name}”设置了打开密码，请在 Excel/WPS 里去掉密码后再导入", name=path.name))


def not_spreadsheet(path: Path, what: str = "") -> NoReturn:
    if what:
        raise UserError(t("文件“{name}”不是表格文件（看起来是{what}），请选择 .xlsx .xls .ods 或 .csv 文件",
                          name=path.name, what=what))
    raise UserError(t("文件“{name}”不是表格文件，请选择 .xlsx .xls .ods 或 .csv 文件", name=path.name))


def too_big(path: Path, size: int) -> NoReturn:
    raise UserError(t("文件“{name}”太大（{mb} MB），请拆分后再导入", name=path.name, mb=round(size / 1024 / 1024)))


def cannot_open(path: Path, error: OSError) -> NoReturn:
    """The file could not be read. A file that vanished after it was chosen (moved, deleted, a
    network drive or USB stick gone) is said so in Chinese, not with the system's English reason."""
    if isinstance(error, PermissionError):
        raise UserError(t("无法打开文件“{name}”：没有读取权限，或文件正被其他程序（如 Excel/WPS）占用，请关闭后再试",
                          name=path.name)) from error
    if isinstance(error, FileNotFoundError):
        raise UserError(t("找不到文件“{name}”：它可能已被移动、改名或删除（或所在的U盘、网络盘已断开），请重新选择文件",
                          name=path.name)) from error
    if error.errno == errno.EIO:
        raise UserError(t("无法读取文件“{name}”：读取磁盘出错（U盘或网络盘可能已断开），请把文件复制到电脑上再试",
                          name=path.name)) from error
    raise UserError(t("无法打开文件“{name}”：{reason}", name=path.name,
                      reason=error.strerror or type(error).__name__)) from error


def damaged(path: Path, error: BaseException | None = None) -> NoReturn:
    raise UserError(t("无法读取文件“{name}”：文件可能已损坏", name=path.name)) from error


# ---- .xlsx: the used range of a sheet ------------------------------------------------------------

_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"([A-Z]+)?(\d+)?:?([A-Z]+)(\d+)\"")
_VALUE_CELL = re.compile(rb"<(?:\w+:)?c\s+r=\"([A-Z]+)(\d+)\"[^>]*>\s*<(?:\w+:)?(?:v|is|f)\b")
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def xlsx_sheet_parts(path: Path) -> dict[str, str]:
    """Sheet name → its XML part in the zip (xl/worksheets/sheet1.xml); {} if that cannot be told."""
    try:
        with zipfile.ZipFile(path) as archive:
            book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
            rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except Exception:  # python-calamine reports a broken workbook better
        return {}
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels}
    parts = {}
    for sheet in book.iter():
        if sheet.tag.endswith("}sheet") and sheet.get("name") and targets.get(sheet.get(_REL)):
            target = targets[sheet.get(_REL)] or ""
            part = target.lstrip("/") if target.startswith("/") else posixpath.normpath("xl/" + target)
            parts[sheet.get("name", "")] = part
    return parts


def xlsx_sheet_too_big(path: Path, part: str) -> tuple[int, int] | None:
    """(rows, columns) of a sheet whose used range is past MAX_CELLS, else None.

    The <dimension> at the top of the sheet says it in one read; only when that is too big (it also
    counts cells that are merely formatted) or missing are the cells with values scanned for the
    real extent. A <dimension> that understates the sheet is believed: scanning every sheet would
    double the time a large import takes.
    """
    try:
        with zipfile.ZipFile(path) as archive, archive.open(part) as sheet:
            head = sheet.read(4096)
            declared = _DIMENSION.search(head)
            if declared is not None and int(declared[4]) * _column_number(declared[3]) <= MAX_CELLS:
                return None
            rows, columns = _value_extent(head + sheet.read(_CHUNK), sheet)  # ~1 s per 100,000 rows
    except Exception:  # python-calamine reports a broken workbook better
        return None
    return (rows, columns) if rows * columns > MAX_CELLS else None


def _value_extent(first: bytes, rest: IO[bytes]) -> tuple[int, int]:
    rows = columns = 0
    buffer = first
    while buffer:
        for match in _VALUE_CELL.finditer(buffer):
            rows = max(rows, int(match[2]))
            columns = max(columns, _column_number(match[1]))
        chunk = rest.read(_CHUNK)
        buffer = buffer[-512:] + chunk if chunk else b""  # a cell cut in two is seen whole next time
    return rows, columns


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


# ---- .xls: the compound file and the BIFF records inside -----------------------------------------

_ENDOFCHAIN = 0xFFFFFFFE
_FREESECT = 0xFFFFFFFF


def xls_problem(path: Path) -> str | None:
    """Why python-calamine must not be given this .xls, or None. Reads the whole file (an .xls
    holds at most 65,536 rows, and the reader refuses files over 200 MB)."""
    data = path.read_bytes()
    try:
        return _cfb_problem(data)
    except (struct.error, IndexError, ValueError, KeyError):
        return "damaged"


def _cfb_problem(data: bytes) -> str | None:
    if len(data) < 512:
        return "short"
    shift, mini_shift = struct.unpack_from("<HH", data, 30)
    if shift not in (9, 12) or mini_shift != 6:
        return "header"
    size = 1 << shift  # the header takes the first sector
    sectors = max(len(data) // size, 1)
    dir_sectors, fat_sectors, dir_start = struct.unpack_from("<III", data, 40)
    minifat_start, minifat_sectors, difat_start, difat_sectors = struct.unpack_from("<IIII", data, 60)
    if max(dir_sectors, fat_sectors, minifat_sectors, difat_sectors) > sectors:
        return "header counts"

    def sector(number: int) -> bytes:
        if number >= sectors:
            raise ValueError("sector out of file")
        return data[(number + 1) * size:(number + 2) * size]

    difat = [n for n in struct.unpack_from("<109I", data, 76) if n != _FREESECT]
    next_difat, seen = difat_start, 0
    while next_difat not in (_ENDOFCHAIN, _FREESECT):
        seen += 1
        if seen > sectors:
            return "difat loop"
        links = struct.unpack(f"<{size // 4}I", sector(next_difat))
        difat.extend(n for n in links[:-1] if n != _FREESECT)
        next_difat = links[-1]
    fat: list[int] = []
    for number in difat[:sectors]:
        fat.extend(struct.unpack(f"<{size // 4}I", sector(number)))

    def chain(start: int) -> bytes:
        out, number, steps = [], start, 0
        while number not in (_ENDOFCHAIN, _FREESECT):
            steps += 1
            if steps > sectors:
                raise ValueError("chain loop")
            out.append(sector(number))
            number = fat[number]
        return b"".join(out)

    directory = chain(dir_start)
    entries = [directory[i:i + 128] for i in range(0, len(directory) - 127, 128)]
    streams: dict[str, tuple[int, int]] = {}
    for entry in entries:
        name_size = min(struct.unpack_from("<H", entry, 64)[0], 64)
        name = entry[:max(name_size - 2, 0)].decode("utf-16-le", "replace")
        start, length = struct.unpack_from("<IQ" if size == 4096 else "<II", entry, 116)
        if length > len(data):
            return "stream size"
        streams[name] = (start, length)
    if not entries:
        return "no directory"
    workbook = streams.get("Workbook") or streams.get("Book")
    if workbook is None:
        return None  # python-calamine says it is no workbook
    start, length = workbook
    if length < 4096:
        root_start, _ = struct.unpack_from("<IQ" if size == 4096 else "<II", entries[0], 116)
        mini_stream = chain(root_start)
        minifat = struct.unpack(f"<{len(chain(minifat_start)) // 4}I", chain(minifat_start))
        pieces: list[bytes] = []
        number, steps = start, 0
        while number not in (_ENDOFCHAIN, _FREESECT):
            steps += 1
            if steps > len(minifat) + 1:
                raise ValueError("mini chain loop")
            pieces.append(mini_stream[number * 64:number * 64 + 64])
            number = minifat[number]
        biff = b"".join(pieces)[:length]
    else:
        biff = chain(start)[:length]
    return _biff_problem(biff)


_CELL_RECORDS = frozenset({0x0203, 0x0204, 0x0205, 0x027E, 0x00FD, 0x0006, 0x0201})
_MULTI_CELL_RECORDS = frozenset({0x00BD, 0x00BE})  # MulRk, MulBlank: a run of columns in one row


def _biff_problem(stream: bytes) -> str | None:
    """What python-calamine sizes its memory by: each sheet's row × column counts (DIMENSIONS), the
    cells' columns, and the shared-string count (SST).

    Rows are 16-bit, so a sheet's cells can only grow past MAX_CELLS through a column past IV
    (256), which no real .xls has: one comparison per cell record keeps this fast.
    """
    at, end = 0, len(stream)
    unpack = struct.unpack_from
    while at + 4 <= end:
        kind, length = unpack("<HH", stream, at)
        if kind in _CELL_RECORDS:
            if length >= 4 and stream[at + 7]:  # column's high byte
                return "cells"
        elif kind in _MULTI_CELL_RECORDS:
            if length >= 6 and (stream[at + 7] or stream[min(at + 3 + length, end - 1)]):
                return "cells"
        elif kind == 0x0200 and length in (10, 14):
            if length == 14:
                first_row, last_row, first_col, last_col = unpack("<IIHH", stream, at + 4)
            else:
                first_row, last_row, first_col, last_col = unpack("<HHHH", stream, at + 4)
            if _declared_cells(first_row, last_row, first_col, last_col) > MAX_CELLS:
                return "dimensions"
        elif kind == 0x00FC and length >= 8:
            count = unpack("<i", stream, at + 8)[0]
            if not 0 <= count <= end:
                return "shared strings"
        at += 4 + length
    return None


def _declared_cells(first_row: int, last_row: int, first_col: int, last_col: int) -> int:
    """Cells python-calamine reserves for a DIMENSIONS record, reckoned as it does (in wrapping
    32-bit arithmetic: a first row past the last one makes a count of about four billion)."""
    end_row, end_col = (last_row - 1, last_col - 1) if last_row >= 1 and last_col >= 1 else (first_row, first_col)
    rows = (end_row - first_row + 1) % 2**32
    columns = (end_col - first_col + 1) % 2**32
    return rows * columns

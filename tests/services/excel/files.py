"""Spreadsheets like the ones shop owners really keep, written into a folder (a test's tmp_path).

Each builder returns the path it wrote. The generic writers (`write_xlsx`, `write_xls`, `write_ods`,
`write_csv`) take rows as lists of cells, row 1 first; None or "" leaves a cell empty.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

Rows = Sequence[Sequence[object]]

CUSTOMER_HEADERS = ["客户姓名", "微信", "手机号码", "生日", "所在城市", "客户标签", "累计消费", "备注", "介绍人"]

# The shop owner's list (`shop_owner_xlsx`): a merged title on row 1, row 2 blank, headers on row 3.
SHOP_TITLE = "2024年老客户名单"
SHOP_HEADER_ROW = 3
SHOP_ROWS: list[list[object]] = [
    # row 4: the phone stored as a number, the birthday as an Excel date; 杭州 merged over rows 4-5
    ["张丽", "zhangli_88", 13800138000, date(1990, 5, 1), "杭州", "VIP；老客", 1280.5, "喜欢红色", ""],
    # row 5: the birthday as text; the city cell is covered by the merge above
    ["王芳", "wangfang", 13912345678, "1988/8/15", None, "新客,宝妈", "￥2,000", "", "张丽"],
    None,  # row 6: blank
    # row 7: stray spaces, the phone typed as text with spaces, a birthday with no year
    [" 李娜 ", "", "139 1234 5679", "5月1日", "上海", "", 0, "  ", ""],
    # row 8: row 4 again, as happens when two lists are pasted together
    ["张丽", "zhangli_88", 13800138000, date(1990, 5, 1), "杭州", "VIP；老客", 1280.5, "喜欢红色", ""],
    [None, " "],  # row 9: looks blank (one cell holds a space)
    # row 10: +86 and dashes, a lunar birthday, a trailing space, 万
    ["赵敏", "zhaomin", "+86 137-0000-1111", "农历八月十五", "北京 ", "VIP", "1.28万", "老客户介绍", "王芳"],
]
SHOP_ROW_NUMBERS = [4, 5, 7, 8, 10]

# One small table that every format can hold, for checking that they all read the same.
SAME_ROWS: list[list[object]] = [
    ["客户名单"],
    [],
    ["姓名", "微信号", "手机", "生日", "累计消费", "备注"],
    ["张丽", "zhangli_88", 13800138000, date(1990, 5, 1), 1280.5, "喜欢红色"],
    [],
    ["王芳", "wangfang", "0571-88886666", "5月1日", 200, ""],
    ["李娜", "lina", 13912345678, date(1985, 12, 31), 0, "老客户，常买面膜"],
]
SAME_HEADER_ROW = 3
SAME_ROW_NUMBERS = [4, 6, 7]


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


# ---- generic writers ------------------------------------------------------------------------------

def write_xlsx(path: Path, sheets: dict[str, Rows], *, merged: dict[str, list[str]] | None = None,
               hidden: Sequence[str] = (), start: str = "A1") -> Path:
    """Sheets as Excel saves them (openpyxl), dates as real date cells; `merged` ranges per sheet
    (e.g. {"客户": ["A1:I1"]}); `start` moves the top-left of every sheet (e.g. "C3")."""
    import openpyxl
    from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

    letter, first_row = coordinate_from_string(start)
    first_column = column_index_from_string(letter)
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row or ()):
                if value is None or value == "":
                    continue
                cell = sheet.cell(row=first_row + r, column=first_column + c, value=value)
                if isinstance(value, datetime):
                    cell.number_format = "yyyy-mm-dd hh:mm"
                elif isinstance(value, date):
                    cell.number_format = "yyyy-mm-dd"
        for cells in (merged or {}).get(name, []):
            sheet.merge_cells(cells)
        if name in hidden:
            sheet.sheet_state = "hidden"
    book.save(path)
    return path


def write_xls(path: Path, sheets: dict[str, Rows], *, merged: dict[str, list[tuple[int, int, int, int]]] | None = None,
              hidden: Sequence[str] = ()) -> Path:
    """An Excel 97-2003 .xls (xlwt); merged ranges as (first row, last row, first col, last col), 0-based."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for name, rows in sheets.items():
        sheet = book.add_sheet(name)
        covered: set[tuple[int, int]] = set()
        for r1, r2, c1, c2 in (merged or {}).get(name, []):
            first = rows[r1][c1] if r1 < len(rows) and c1 < len(rows[r1] or ()) else ""
            sheet.write_merge(r1, r2, c1, c2, first)
            covered.update((r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1))
        for r, row in enumerate(rows):
            for c, value in enumerate(row or ()):
                if value is None or value == "" or (r, c) in covered:
                    continue
                if isinstance(value, date):
                    sheet.write(r, c, value, date_style)
                else:
                    sheet.write(r, c, value)
        if name in hidden:
            sheet.visibility = 1
    book.save(str(path))
    return path


def write_ods(path: Path, sheets: dict[str, Rows], *, hidden: Sequence[str] = ()) -> Path:
    """An OpenDocument spreadsheet (odfpy), as LibreOffice or WPS save it; dates as date cells."""
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.style import Style, TableProperties
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    hidden_style = Style(name="hidden", family="table")
    hidden_style.addElement(TableProperties(display="false"))
    document.automaticstyles.addElement(hidden_style)
    for name, rows in sheets.items():
        table = Table(name=name, stylename=hidden_style) if name in hidden else Table(name=name)
        for row in rows:
            table_row = TableRow()
            for value in row or ():
                table_row.addElement(_ods_cell(value, TableCell, P))
            table.addElement(table_row)
        document.spreadsheet.addElement(table)
    document.save(str(path))
    return path


def _ods_cell(value: object, cell_class: type, paragraph: type) -> object:
    if value is None or value == "":
        return cell_class()
    if isinstance(value, bool):
        cell = cell_class(valuetype="boolean", booleanvalue="true" if value else "false")
    elif isinstance(value, date):
        cell = cell_class(valuetype="date", datevalue=value.isoformat())
    elif isinstance(value, int | float):
        cell = cell_class(valuetype="float", value=value)
    else:
        cell = cell_class(valuetype="string")
    cell.addElement(paragraph(text=_text(value)))
    return cell


def write_csv(path: Path, rows: Rows, *, encoding: str = "utf-8", delimiter: str = ",") -> Path:
    """A CSV as Excel writes it: every value as the text it shows."""
    with path.open("w", encoding=encoding, newline="") as file:
        writer = csv.writer(file, delimiter=delimiter)
        for row in rows:
            writer.writerow([_text(value) for value in row or ()])
    return path


# ---- the files ----------------------------------------------------------------------------------

def shop_owner_xlsx(folder: Path, name: str = "老客户名单.xlsx") -> Path:
    """The list as a shop owner keeps it: see SHOP_ROWS (rows 4-10 under a title and a blank row)."""
    headers = [" 客户姓名", "微信", "手机号码 ", "生日", "所在城市", "客户标签", "累计消费", "备注", "介绍人"]
    rows: list[Sequence[object] | None] = [[SHOP_TITLE], [], headers, *SHOP_ROWS]
    return write_xlsx(folder / name, {"老客户": [row or [] for row in rows]},
                      merged={"老客户": ["A1:I1", "E4:E5"]})


def same_table_files(folder: Path) -> dict[str, Path]:
    """SAME_ROWS in every format KeBen reads: xlsx, xlsm, xls, ods, and CSV as UTF-8 (with BOM) and GBK."""
    sheets = {"客户": SAME_ROWS}
    return {
        "xlsx": write_xlsx(folder / "same.xlsx", sheets, merged={"客户": ["A1:F1"]}),
        "xlsm": write_xlsx(folder / "same.xlsm", sheets),
        "xls": write_xls(folder / "same.xls", sheets, merged={"客户": [(0, 0, 0, 5)]}),
        "ods": write_ods(folder / "same.ods", sheets),
        "csv-utf8": write_csv(folder / "same-utf8.csv", SAME_ROWS, encoding="utf-8-sig"),
        "csv-gbk": write_csv(folder / "same-gbk.csv", SAME_ROWS, encoding="gbk", delimiter=";"),
    }


def gbk_semicolon_csv(folder: Path, name: str = "客户-gbk.csv") -> Path:
    """Excel on Chinese Windows, with ';' as list separator: GBK text, leading zeros that must stay,
    a quoted cell holding a ';'."""
    rows = [
        ["姓名", "手机", "会员号", "备注"],
        ["张丽", "13800138000", "00123", "喜欢红色;常买面膜"],
        ["王芳", "0571-88886666", "00456", "老客户"],
    ]
    return write_csv(folder / name, rows, encoding="gbk", delimiter=";")


def utf8_bom_csv(folder: Path, name: str = "客户-utf8.csv") -> Path:
    """Excel's 'CSV UTF-8' (a BOM in front), comma separated."""
    rows = [["姓名", "微信号", "生日"], ["张丽", "zhangli_88", "1990/5/1"], ["Zoë", "zoe", "5月1日"]]
    return write_csv(folder / name, rows, encoding="utf-8-sig")


def renamed_pdf(folder: Path, name: str = "客户.xlsx") -> Path:
    path = folder / name
    path.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n")
    return path


def renamed_png(folder: Path, name: str = "客户.xls") -> Path:
    path = folder / name
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    return path


def fake_encrypted_xlsx(folder: Path, name: str = "加密.xlsx") -> Path:
    """What Excel writes for a workbook with an open password: an OLE2 container (not a zip)
    holding EncryptionInfo and EncryptedPackage streams. Only the parts readers look at are real."""
    path = folder / name
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(16) + b"\x3e\x00\x03\x00\xfe\xff\x09\x00"
    directory = "EncryptionInfo".encode("utf-16-le") + bytes(50) + "EncryptedPackage".encode("utf-16-le")
    path.write_bytes(header.ljust(512, b"\x00") + directory.ljust(1024, b"\x00") + bytes(2048))
    return path


def empty_xlsx(folder: Path, name: str = "空表.xlsx") -> Path:
    return write_xlsx(folder / name, {"Sheet1": []})


def multi_sheet_xlsx(folder: Path, name: str = "多个表.xlsx") -> Path:
    """A cover sheet first, the customers on the second sheet (headers on row 2 under a note),
    a third sheet of orders, and a hidden sheet whose headers would match even better."""
    cover = [["客户资料"], [], ["制表人：小王", "日期：2024-05-01"], ["说明：本表记录所有客户的联系方式"]]
    customers = [
        ["（红色为VIP）"],
        ["姓名", "微信", "电话", "城市"],
        ["张丽", "zhangli_88", 13800138000, "杭州"],
        ["王芳", "wangfang", 13912345678, "上海"],
    ]
    orders = [["客户", "日期", "商品", "金额"], ["张丽", date(2024, 5, 1), "面膜", 199]]
    old = [CUSTOMER_HEADERS, ["旧客户", "old", 13700000001, "", "", "", "", "", ""]]
    return write_xlsx(folder / name, {"封面": cover, "客户": customers, "订单": orders, "旧客户": old},
                      hidden=["旧客户"])


def html_as_xls(folder: Path, name: str = "导出.xls") -> Path:
    """What many web systems call an Excel export: an HTML table with an .xls name."""
    path = folder / name
    path.write_text("<html><head><meta charset='utf-8'></head><body><table><tr><td>姓名</td></tr>"
                    "</table></body></html>", encoding="utf-8")
    return path


def big_customers_xlsx(path: Path, rows: int = 100_000) -> Path:
    """A customer list of `rows` rows × 12 columns (xlsxwriter, constant memory), for speed checks."""
    import xlsxwriter

    cities = ["杭州", "上海", "北京", "广州", "深圳"]
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("客户")
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, ["客户姓名", "微信", "手机号码", "性别", "生日", "所在城市", "地址", "来源", "客户标签",
                           "累计消费", "首次购买日期", "备注"])
    for i in range(1, rows + 1):
        sheet.write_string(i, 0, f"客户{i}")
        sheet.write_string(i, 1, f"wx_{i:07d}")
        sheet.write_number(i, 2, 13800000000 + i)
        sheet.write_string(i, 3, "女" if i % 3 else "男")
        sheet.write_datetime(i, 4, datetime(1970 + i % 40, 1 + i % 12, 1 + i % 28), day)
        sheet.write_string(i, 5, cities[i % 5])
        sheet.write_string(i, 6, f"{cities[i % 5]}市解放路{i}号")
        sheet.write_string(i, 7, "朋友圈")
        sheet.write_string(i, 8, "VIP；老客" if i % 2 else "新客")
        sheet.write_number(i, 9, (i * 37 % 100_000) / 100)
        sheet.write_datetime(i, 10, datetime(2020 + i % 5, 1 + i % 12, 1 + i % 28), day)
        sheet.write_string(i, 11, "喜欢红色，常买面膜" if i % 4 == 0 else "")
    book.close()
    return path

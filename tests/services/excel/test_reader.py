"""Reading spreadsheets as shop owners really have them: every format, title rows above the header,
merged cells, CSV encodings, the row numbers the user sees, and a clear line for every bad file."""

from __future__ import annotations

import time
import zipfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.errors import UserError
from services.excel.filecheck import MAX_BYTES
from services.excel.reader import Table, best_sheet, find_header_row, open_spreadsheet
from services.excel.values import cell_text
from tests.services.excel import files


def read(path: Path, **options: str) -> Table:
    with open_spreadsheet(path, **options) as book:
        sheet, header_row = best_sheet(book, "customers")
        return book.table(sheet, header_row)


def shown(table: Table) -> tuple[int, list[str], list[list[str]], list[int]]:
    """What the user sees of a table: every cell as text."""
    return table.header_row, table.headers, [[cell_text(v) for v in row] for row in table.rows], table.row_numbers


# ---- every format --------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["xlsx", "xlsm", "xls", "ods", "csv-utf8", "csv-gbk"])
def test_each_format_reads_to_the_same_table(tmp_path: Path, name: str) -> None:
    path = files.same_table_files(tmp_path)[name]
    table = read(path)
    assert shown(table) == (
        3, ["姓名", "微信号", "手机", "生日", "累计消费", "备注"],
        [["张丽", "zhangli_88", "13800138000", "1990-05-01", "1280.5", "喜欢红色"],
         ["王芳", "wangfang", "0571-88886666", "5月1日", "200", ""],
         ["李娜", "lina", "13912345678", "1985-12-31", "0", "老客户，常买面膜"]],
        files.SAME_ROW_NUMBERS,
    )


@pytest.mark.parametrize("name", ["xlsx", "xlsm", "xls", "ods"])
def test_workbooks_keep_numbers_and_dates_as_such(tmp_path: Path, name: str) -> None:
    table = read(files.same_table_files(tmp_path)[name])
    assert table.rows[0][2:5] == [13800138000, date(1990, 5, 1), 1280.5]
    assert table.rows[2][3] == date(1985, 12, 31)


def test_csv_values_stay_text(tmp_path: Path) -> None:
    with open_spreadsheet(files.gbk_semicolon_csv(tmp_path)) as book:
        table = book.table(book.sheet_names[0])
    assert table.rows == [["张丽", "13800138000", "00123", "喜欢红色;常买面膜"],
                          ["王芳", "0571-88886666", "00456", "老客户"]]


# ---- the shop owner's list -------------------------------------------------------------------------

def test_the_header_is_found_below_a_merged_title_and_a_blank_row(tmp_path: Path) -> None:
    path = files.shop_owner_xlsx(tmp_path)
    with open_spreadsheet(path) as book:
        assert book.format == "xlsx" and book.sheet_names == ["老客户"]
        assert best_sheet(book, "customers") == ("老客户", files.SHOP_HEADER_ROW)
        table = book.table("老客户", kind="customers")
    assert table.header_row == 3
    assert table.headers == files.CUSTOMER_HEADERS  # stray spaces gone
    assert table.row_numbers == files.SHOP_ROW_NUMBERS  # title, blank rows counted; blank rows dropped


def test_the_shop_owners_values_come_through_as_the_file_holds_them(tmp_path: Path) -> None:
    table = read(files.shop_owner_xlsx(tmp_path))
    by_row = dict(zip(table.row_numbers, table.rows, strict=True))
    assert by_row[4] == ["张丽", "zhangli_88", 13800138000.0, date(1990, 5, 1), "杭州", "VIP；老客", 1280.5,
                         "喜欢红色", ""]
    assert by_row[5][3:5] == ["1988/8/15", "杭州"]  # the merged 城市 cell applies to row 5 too
    assert by_row[7][:4] == [" 李娜 ", "", "139 1234 5679", "5月1日"]
    assert by_row[8] == by_row[4]  # the duplicate row is there: the engine merges it
    assert by_row[10][2:7] == ["+86 137-0000-1111", "农历八月十五", "北京 ", "VIP", "1.28万"]


def test_a_merged_cell_fills_only_its_own_rows_and_column(tmp_path: Path) -> None:
    rows = [["姓名", "城市", "备注"], ["张丽", "杭州", "合并的备注"], ["王芳", "", ""], ["李娜", "", ""], [], ["赵敏", "", ""]]
    path = files.write_xlsx(tmp_path / "m.xlsx", {"客户": rows}, merged={"客户": ["B2:B5", "C2:C3"]})
    table = read(path)
    assert table.rows == [["张丽", "杭州", "合并的备注"], ["王芳", "杭州", "合并的备注"], ["李娜", "杭州", ""],
                          ["赵敏", "", ""]]  # row 5 is blank but for the merge: still dropped
    assert table.row_numbers == [2, 3, 4, 6]


def test_merged_cells_in_an_xls_are_filled_too(tmp_path: Path) -> None:
    rows = [["姓名", "城市"], ["张丽", "杭州"], ["王芳", ""]]
    table = read(files.write_xls(tmp_path / "m.xls", {"客户": rows}, merged={"客户": [(1, 2, 1, 1)]}))
    assert table.rows == [["张丽", "杭州"], ["王芳", "杭州"]]


def test_rows_and_columns_keep_their_sheet_places(tmp_path: Path) -> None:
    """A table starting at C3 (a 'framed' look): row numbers and columns are the sheet's."""
    rows = [["2024 客户"], [], ["姓名", "手机", "", "备注", ""], ["张丽", 13800138000, "", "老客", ""],
            [], ["王芳", "", "x", "", ""]]
    path = files.write_xlsx(tmp_path / "framed.xlsx", {"客户": rows}, start="C3")
    with open_spreadsheet(path) as book:
        preview = book.preview_rows("客户")
        assert preview[0] == [""] * 6 and preview[2][2] == "2024 客户"  # row 1 is sheet row 1, column 0 is A
        table = book.table("客户", kind="customers")
        headers, stream, approx = book.iter_table("客户", 5)
        streamed = list(stream)
    assert table.header_row == 5
    assert table.headers == ["", "", "姓名", "手机", "", "备注"]
    assert table.row_numbers == [6, 8]
    assert table.rows == [["", "", "张丽", 13800138000, "", "老客"], ["", "", "王芳", "", "x", ""]]
    assert headers == table.headers and streamed == list(zip(table.row_numbers, table.rows, strict=True))
    assert approx == 3


def test_rows_are_padded_to_the_headers_and_cut_after_them(tmp_path: Path) -> None:
    path = tmp_path / "ragged.csv"
    path.write_text("姓名,手机,,\n张丽\n王芳,139,多余,更多\n", encoding="utf-8")
    table = read(path)
    assert table.headers == ["姓名", "手机"]
    assert table.rows == [["张丽", ""], ["王芳", "139"]]


def test_iter_table_streams_what_table_holds(tmp_path: Path) -> None:
    path = files.shop_owner_xlsx(tmp_path)
    with open_spreadsheet(path) as book:
        table = book.table("老客户", 3)
        headers, stream, approx = book.iter_table("老客户", 3)
        assert headers == table.headers
        assert list(stream) == list(zip(table.row_numbers, table.rows, strict=True))
        assert approx == 7  # rows 4-10, blank ones included


def test_an_explicit_header_row_is_used_and_checked(tmp_path: Path) -> None:
    with open_spreadsheet(files.shop_owner_xlsx(tmp_path)) as book:
        table = book.table("老客户", 4)
        assert table.headers[0] == "张丽" and table.row_numbers[0] == 5
        with pytest.raises(UserError, match="文件“老客户名单.xlsx”的工作表“老客户”第 2 行是空的"):
            book.table("老客户", 2)
        with pytest.raises(UserError, match="共 10 行"):
            book.table("老客户", 11)
        with pytest.raises(UserError, match="没有名为“订单”的工作表"):
            book.table("订单")


# ---- finding the header row and the sheet ----------------------------------------------------------

@pytest.mark.parametrize(("rows", "expected"), [
    ([["2024年客户名单"], [], ["客户姓名", "微信", "手机"], ["张丽", "zl", "138"]], 3),
    ([["客户"], ["姓名", "电话"], ["张丽", "138"]], 2),  # a title that is itself a header word
    ([["姓名"], ["张丽"]], 1),  # a one-column list
    ([["制表：小王", ""], ["姓名", "编号", "微信"], ["姓名", "编号", "微信"]], 2),  # ties: the earliest
    ([[], ["a", "b"], ["c", "d"]], 2),  # nothing recognised: the first row with two text cells
    ([[""], ["只有一个"], [1, 2]], 2),  # nothing like a header: the first filled row
    ([], 1),
])
def test_find_header_row(rows: list[list[object]], expected: int) -> None:
    assert find_header_row(rows, "customers") == expected


def test_the_header_is_looked_for_in_the_first_30_rows_only() -> None:
    rows: list[list[object]] = [["说明", "…"]] * 30 + [["姓名", "微信"]]
    assert find_header_row(rows, "customers") == 1


def test_best_sheet_skips_the_cover_and_the_hidden_sheet(tmp_path: Path) -> None:
    with open_spreadsheet(files.multi_sheet_xlsx(tmp_path)) as book:
        assert book.sheet_names == ["封面", "客户", "订单"]  # 旧客户 is hidden
        assert best_sheet(book, "customers") == ("客户", 2)
        assert best_sheet(book, "purchases") == ("订单", 1)
        table = book.table("客户", kind="customers")
    assert table.headers == ["姓名", "微信", "电话", "城市"] and table.row_numbers == [3, 4]


@pytest.mark.parametrize("writer", [files.write_xls, files.write_ods])
def test_hidden_sheets_are_skipped_in_xls_and_ods(tmp_path: Path, writer) -> None:
    path = writer(tmp_path / f"h.{'xls' if writer is files.write_xls else 'ods'}",
                  {"客户": [["姓名"], ["张丽"]], "隐藏": [["x"]]}, hidden=["隐藏"])
    with open_spreadsheet(path) as book:
        assert book.sheet_names == ["客户"]


# ---- CSV -------------------------------------------------------------------------------------------

def test_gbk_and_its_semicolons_are_detected(tmp_path: Path) -> None:
    with open_spreadsheet(files.gbk_semicolon_csv(tmp_path)) as book:
        assert (book.format, book.encoding, book.delimiter) == ("csv", "gb18030", ";")
        assert book.sheet_names == ["客户-gbk"]
        assert book.table("客户-gbk").headers == ["姓名", "手机", "会员号", "备注"]


def test_a_utf8_bom_is_detected_and_kept_out_of_the_first_header(tmp_path: Path) -> None:
    with open_spreadsheet(files.utf8_bom_csv(tmp_path)) as book:
        assert (book.encoding, book.delimiter) == ("utf-8-sig", ",")
        table = book.table(book.sheet_names[0])
    assert table.headers == ["姓名", "微信号", "生日"]
    assert table.rows[1] == ["Zoë", "zoe", "5月1日"]


def test_plain_utf8_tabs_and_pipes(tmp_path: Path) -> None:
    tabs = files.write_csv(tmp_path / "t.txt", [["姓名", "备注"], ["张丽", "a,b;c"]], delimiter="\t")
    pipes = files.write_csv(tmp_path / "p.csv", [["姓名", "备注"], ["张丽", "a,b"]], delimiter="|")
    with open_spreadsheet(tabs) as book:
        assert (book.encoding, book.delimiter) == ("utf-8", "\t")
    with open_spreadsheet(pipes) as book:
        assert book.delimiter == "|" and book.table("p").rows == [["张丽", "a,b"]]


def test_encoding_and_delimiter_can_be_given(tmp_path: Path) -> None:
    path = files.gbk_semicolon_csv(tmp_path)
    with open_spreadsheet(path, encoding="gbk", delimiter=",") as book:
        assert (book.encoding, book.delimiter) == ("gbk", ",")
        assert book.table(book.sheet_names[0]).headers == ["姓名;手机;会员号;备注"]
    with pytest.raises(UserError, match="不是用 utf-8 编码保存的"):
        open_spreadsheet(path, encoding="utf-8")
    with pytest.raises(UserError, match="不认识的编码“klingon”"):
        open_spreadsheet(path, encoding="klingon")
    with pytest.raises(UserError, match="分隔符"):
        open_spreadsheet(path, delimiter=";;")


def test_excels_sep_line_sets_the_delimiter_and_is_not_a_row(tmp_path: Path) -> None:
    path = tmp_path / "sep.csv"
    path.write_text("sep=;\n姓名;手机\n张丽;13800138000\n", encoding="utf-8")
    with open_spreadsheet(path) as book:
        assert book.delimiter == ";"
        table = book.table("sep")
    assert (table.header_row, table.headers, table.row_numbers) == (1, ["姓名", "手机"], [2])


def test_a_csv_renamed_xlsx_and_an_xlsx_renamed_csv_both_read(tmp_path: Path) -> None:
    csv_inside = files.write_csv(tmp_path / "其实是csv.xlsx", [["姓名", "微信"], ["张丽", "zl"]])
    xlsx_inside = files.write_xlsx(tmp_path / "其实是xlsx.csv", {"客户": [["姓名", "微信"], ["张丽", "zl"]]})
    assert read(csv_inside).rows == read(xlsx_inside).rows == [["张丽", "zl"]]
    with open_spreadsheet(xlsx_inside) as book:
        assert book.format == "xlsx"


def test_an_xls_renamed_xlsx_reads(tmp_path: Path) -> None:
    path = files.write_xls(tmp_path / "x.xls", {"客户": [["姓名"], ["张丽"]]})
    renamed = path.rename(tmp_path / "x.xlsx")
    with open_spreadsheet(renamed) as book:
        assert book.format == "xls" and book.table("客户").rows == [["张丽"]]


# ---- bad files ------------------------------------------------------------------------------------

def _truncated_xlsx(folder: Path) -> Path:
    path = files.shop_owner_xlsx(folder, "坏了.xlsx")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def _broken_sheet_xml(folder: Path) -> Path:
    """A zip that is fine, holding a sheet whose XML is not."""
    good = files.shop_owner_xlsx(folder, "good.xlsx")
    path = folder / "坏了.xlsx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename.startswith("xl/worksheets/"):
                data = data[: len(data) // 2]
            target.writestr(item, data)
    return path


def _word_document(folder: Path) -> Path:
    path = folder / "名单.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return path


def _write(name: str, data: bytes):
    def build(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(data)
        return path
    return build


def _huge(folder: Path) -> Path:
    path = folder / "大文件.xlsx"
    with path.open("wb") as file:
        file.truncate(MAX_BYTES + 50 * 1024 * 1024)  # sparse: takes no disk
    return path


BAD_FILES = [
    (lambda folder: folder / "不存在.xlsx", "找不到文件“不存在.xlsx”"),
    (files.renamed_pdf, "文件“客户.xlsx”不是表格文件（看起来是PDF）"),
    (files.renamed_png, "文件“客户.xls”不是表格文件（看起来是PNG 图片）"),
    (_word_document, "文件“名单.xlsx”不是表格文件（看起来是Word 文档）"),
    (files.fake_encrypted_xlsx, "文件“加密.xlsx”设置了打开密码，请在 Excel/WPS 里去掉密码后再导入"),
    (_write("假的.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)), "文件“假的.xlsx”设置了打开密码"),
    (files.empty_xlsx, "文件“空表.xlsx”里没有数据"),
    (_write("空.csv", b""), "文件“空.csv”里没有数据"),
    (_write("空行.csv", b"\r\n , \r\n\r\n"), "文件“空行.csv”里没有数据"),
    (_huge, r"文件“大文件.xlsx”太大（250 MB），请拆分后再导入"),
    (_truncated_xlsx, "无法读取文件“坏了.xlsx”：文件可能已损坏"),
    (_broken_sheet_xml, "无法读取文件“坏了.xlsx”：文件可能已损坏"),
    (_write("坏了.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 8), "无法读取文件“坏了.xls”"),
    (_write("客户.numbers", b"whatever"), "不能导入“客户.numbers”：只支持 .xlsx .xlsm .xls .ods .csv 文件"),
    (_write("客户.docx", b"PK\x03\x04"), "不能导入“客户.docx”"),
    (files.html_as_xls, "文件“导出.xls”其实是网页（HTML），请用 Excel/WPS 打开后另存为 .xlsx 再导入"),
    (_write("乱码.csv", bytes(range(128, 256)) * 4), "看不出文件“乱码.csv”的编码"),
    (_write("二进制.csv", b"abc\x00\x01\x02\x03" * 50), "文件“二进制.csv”不是表格文件"),
]


@pytest.mark.parametrize(("build", "message"), BAD_FILES)
def test_each_bad_file_gets_one_clear_line(tmp_path: Path, build, message: str) -> None:
    path = build(tmp_path)
    with pytest.raises(UserError) as caught:
        read(path)
    assert caught.value.message.startswith(message)
    assert "\n" not in caught.value.message and "Error" not in caught.value.message


def test_an_empty_sheet_next_to_a_full_one(tmp_path: Path) -> None:
    path = files.write_xlsx(tmp_path / "两个表.xlsx", {"空的": [], "客户": [["姓名"], ["张丽"]]})
    with open_spreadsheet(path) as book:
        assert best_sheet(book, "customers") == ("客户", 1)
        with pytest.raises(UserError, match="文件“两个表.xlsx”的工作表“空的”里没有数据"):
            book.table("空的")


def test_a_file_locked_by_another_program_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = files.shop_owner_xlsx(tmp_path)

    def locked(self: Path, *args: object, **kwargs: object) -> object:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "open", locked)  # as Windows does while Excel has the file open
    with pytest.raises(UserError, match="文件“老客户名单.xlsx”.*正被其他程序（如 Excel/WPS）占用"):
        open_spreadsheet(path)


# ---- anything at all ----------------------------------------------------------------------------------

_SEEDS: dict[str, bytes] = {}


def _seed(suffix: str, folder: Path) -> bytes:
    """A real file of that kind, for the fuzzer to damage."""
    if suffix not in _SEEDS:
        builders = {".xlsx": files.shop_owner_xlsx, ".xls": lambda f: files.same_table_files(f)["xls"],
                    ".csv": files.gbk_semicolon_csv, ".ods": lambda f: files.same_table_files(f)["ods"]}
        _SEEDS[suffix] = builders[suffix](folder).read_bytes()
    return _SEEDS[suffix]


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(suffix=st.sampled_from([".xlsx", ".csv", ".xls", ".ods"]),
       how=st.sampled_from(["random", "damaged", "cut", "head"]),
       data=st.binary(max_size=4096), spot=st.integers(min_value=0), seed_size=st.integers(min_value=0))
def test_any_bytes_give_a_table_or_a_user_error(tmp_path: Path, suffix: str, how: str, data: bytes,
                                                spot: int, seed_size: int) -> None:
    seed = _seed(suffix, tmp_path / "seed") if (tmp_path / "seed").mkdir(exist_ok=True) is None else b""
    if how == "random":
        content = data
    elif how == "damaged":  # real file, some bytes overwritten
        at = spot % len(seed)
        content = seed[:at] + data + seed[at + len(data):]
    elif how == "cut":
        content = seed[: seed_size % len(seed)]
    else:  # the right magic bytes, then anything
        content = seed[:8] + data
    path = tmp_path / f"fuzz{suffix}"
    path.write_bytes(content)
    started = time.monotonic()
    try:
        table = read(path)
    except UserError as error:
        assert error.message and "\n" not in error.message
    else:
        assert isinstance(table, Table)
        assert all(len(row) == len(table.headers) for row in table.rows)
    assert time.monotonic() - started < 10


# ---- sizes that would bring the app down -----------------------------------------------------------
# python-calamine sizes its memory by what a file declares; a failed allocation in Rust kills the
# process outright (SIGABRT). Without services.excel.filecheck the stray value and the damaged DIMENSIONS
# end pytest here; the other two ask for 48 GB and for a 65,000-column range, which Linux lends but
# Windows (no overcommit) does not.

def test_one_stray_value_far_away_is_refused_with_what_to_do(tmp_path: Path) -> None:
    path = files.write_xlsx(tmp_path / "远处.xlsx", {"客户": [["姓名"], ["张丽"]], "说明": [["姓名", "微信"], ["王芳", "wf"]]})
    import openpyxl

    book = openpyxl.load_workbook(path)
    book["客户"]["XFD1048576"] = "x"
    book.save(path)
    with open_spreadsheet(path) as opened:
        with pytest.raises(UserError, match=r"工作表“客户”范围太大（1048576 行 × 16384 列）.*删除多余的行和列"):
            opened.table("客户")
        assert best_sheet(opened, "customers") == ("说明", 1)  # the other sheet still imports


def test_cells_that_are_only_formatted_far_away_are_fine(tmp_path: Path) -> None:
    import openpyxl
    from openpyxl.styles import Font

    path = files.write_xlsx(tmp_path / "格式.xlsx", {"客户": [["姓名"], ["张丽"]]})
    book = openpyxl.load_workbook(path)
    book["客户"]["XFD1048576"].font = Font(bold=True)  # the sheet's <dimension> now says A1:XFD1048576
    book.save(path)
    assert read(path).rows == [["张丽"]]


def _patched_xls(folder: Path, record: bytes, offset: int, value: bytes) -> Path:
    """The same-table .xls with bytes changed inside the first record of a kind (e.g. DIMENSIONS)."""
    path = files.same_table_files(folder)["xls"]
    data = bytearray(path.read_bytes())
    at = data.index(record) + 4 + offset
    data[at:at + len(value)] = value
    broken = folder / "坏了.xls"
    broken.write_bytes(bytes(data))
    return broken


@pytest.mark.parametrize(("record", "offset", "value"), [
    (b"\x00\x02\x0e\x00", 7, b"\xb8"),  # DIMENSIONS: 3 billion rows
    (b"\x00\x02\x0e\x00", 0, b"\x90"),  # DIMENSIONS: first row after the last (4 billion, wrapped)
    (b"\xfc\x00", 4, b"\xff\xff\xff\x7f"),  # SST: 2 billion shared strings
    (b"\xfd\x00\x0a\x00", 3, b"\xff"),  # a cell in column 65,000
])
def test_a_damaged_xls_is_refused_before_it_can_take_the_app_down(tmp_path: Path, record: bytes, offset: int,
                                                                     value: bytes) -> None:
    path = _patched_xls(tmp_path, record, offset, value)
    with pytest.raises(UserError, match="无法读取文件“坏了.xls”：文件可能已损坏"):
        read(path)


def test_a_1904_workbook_says_so(tmp_path: Path) -> None:
    """Old Mac Excel counts days from 1904: date cells come right, and plain serials can be read so."""
    import openpyxl
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    book = openpyxl.Workbook()
    book.epoch = CALENDAR_MAC_1904
    book.active.append(["姓名", "生日"])
    book.active.append(["张丽", date(1990, 5, 1)])
    book.save(tmp_path / "mac.xlsx")
    with open_spreadsheet(tmp_path / "mac.xlsx") as opened:
        assert opened.epoch_1904
        assert opened.table(opened.sheet_names[0]).rows == [["张丽", date(1990, 5, 1)]]
    with open_spreadsheet(files.shop_owner_xlsx(tmp_path)) as opened:
        assert not opened.epoch_1904

"""Build tests/data/hostile/: awkward real-world spreadsheets for tests/services/excel/test_hostile.py.

    .venv/bin/python tests/data/make_hostile.py            # rebuild every file it can
    .venv/bin/python tests/data/make_hostile.py zip-bomb   # only files whose name holds "zip-bomb"

The files are committed; the tests never run this. Two tools are needed for generation only and
are not project dependencies: LibreOffice (`soffice`, Debian's libreoffice-calc-nogui) writes the
LibreOffice files (.ods, .xlsx, BIFF8 .xls, the PDF, the recalculated formulas), and
msoffcrypto-tool (PyPI) encrypts the password-protected workbook. Without one of them the files it
makes are left as they are. hostile/README.md says where each file comes from.

Every readable file holds the same customers (CUSTOMERS, under the headers HEADERS), so the test
can check the values the importer gets out of each.
"""

from __future__ import annotations

import csv
import io
import shutil
import struct
import subprocess
import sys
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = Path(__file__).resolve().parent / "hostile"
PASSWORD = "1234"

TITLE = "2024年老客户名单"
HEADERS = ["姓名", "微信", "手机", "生日", "城市", "累计消费"]
# (备注名, 微信号, 手机, 生日, 城市, 累计消费)
CUSTOMERS: list[tuple[str, str, int, date, str, float]] = [
    ("张丽", "zhangli_88", 13800138000, date(1990, 5, 1), "杭州", 1280.5),
    ("王芳", "wangfang", 13912345678, date(1988, 8, 15), "上海", 200.0),
    ("李娜", "lina_1985", 13700001111, date(1985, 12, 31), "北京", 0.0),
]


def _rows() -> list[list[object]]:
    return [list(customer) for customer in CUSTOMERS]


# ---- openpyxl sources -----------------------------------------------------------------------------

def _book(title_rows: int = 1) -> tuple[object, object]:
    """A workbook whose sheet 客户 has a merged title, a blank row, then HEADERS and CUSTOMERS."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "客户"
    sheet["A1"] = TITLE
    sheet.merge_cells(f"A1:F{title_rows}")
    sheet.append([])
    sheet.append(HEADERS)
    for row in _rows():
        sheet.append(row)
    for cells in sheet.iter_rows(min_row=title_rows + 3, min_col=4, max_col=4):
        cells[0].number_format = "yyyy-mm-dd"
    return book, sheet


def source(path: Path) -> Path:
    """The table as openpyxl writes it: what LibreOffice converts."""
    book, _sheet = _book()
    book.save(path)
    return path


def merged_cells(path: Path) -> Path:
    """A title merged over two rows, a merged note under it, the header on row 4, and the city of
    张丽 merged down over 王芳's row (so 王芳 is in 杭州 too)."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "客户"
    sheet["A1"] = TITLE
    sheet.merge_cells("A1:F2")
    sheet["A3"] = "（红色为VIP）"
    sheet.merge_cells("A3:F3")
    for column, header in enumerate(HEADERS, 1):
        sheet.cell(row=4, column=column, value=header)
    for number, row in enumerate(_rows(), 5):
        for column, value in enumerate(row, 1):
            sheet.cell(row=number, column=column, value=value)
        sheet.cell(row=number, column=4).number_format = "yyyy-mm-dd"
    sheet["E6"] = None
    sheet.merge_cells("E5:E6")
    book.save(path)
    return path


def formulas_without_values(path: Path) -> Path:
    """Formulas as programs write them: no cached value (累计消费 = 单价 × 数量, 姓名 by CONCAT)."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "客户"
    sheet.append(HEADERS + ["单价", "数量"])
    for number, (name, wechat, phone, birthday, city, spent) in enumerate(CUSTOMERS, 2):
        sheet.append([name, wechat, phone, birthday, city, f"=G{number}*H{number}", spent, 1])
        sheet.cell(row=number, column=4).number_format = "yyyy-mm-dd"
    sheet.append(['="赵"&"敏"', "zhaomin", 13612345678, None, "广州", 5])
    book.save(path)
    return path


def formulas_for_libreoffice(path: Path) -> Path:
    """The same, for LibreOffice to recalculate and save with the values cached."""
    return formulas_without_values(path)


def hyperlinks(path: Path) -> Path:
    """WeChat IDs and names that are links (the shown text is the value)."""
    book, sheet = _book()
    for number, (name, wechat, *_rest) in enumerate(CUSTOMERS, 4):
        sheet.cell(row=number, column=2).hyperlink = f"https://example.com/wx/{wechat}"
        sheet.cell(row=number, column=1).hyperlink = f"mailto:{wechat}@example.com"
        sheet.cell(row=number, column=1).value = name
    book.save(path)
    return path


def rich_text(path: Path) -> Path:
    """Names and cities in several runs of different fonts and colours (shared rich strings)."""
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont

    book, sheet = _book()
    red, bold = InlineFont(color="FFFF0000"), InlineFont(b=True)
    for number, (name, _wechat, _phone, _birthday, city, _spent) in enumerate(CUSTOMERS, 4):
        sheet.cell(row=number, column=1).value = CellRichText(TextBlock(bold, name[0]), name[1:])
        sheet.cell(row=number, column=5).value = CellRichText(TextBlock(red, city))
    sheet["A1"] = CellRichText(TextBlock(bold, "2024年"), "老客户名单")
    book.save(path)
    return path


def hidden_sheets(path: Path) -> Path:
    """A hidden and a very hidden sheet in front whose headers match better than the visible one."""
    import openpyxl

    book = openpyxl.Workbook()
    old = book.active
    old.title = "旧客户"
    old.append(["备注名", "微信号", "手机", "生日", "城市", "累计消费", "标签", "来源"])
    old.append(["旧客户", "old_one", 13500000000, None, "", 0, "", ""])
    old.sheet_state = "hidden"
    settings = book.create_sheet("设置")
    settings.append(["备注名", "微信号", "手机"])
    settings.append(["下拉选项", "x", ""])
    settings.sheet_state = "veryHidden"
    sheet = book.create_sheet("客户")
    sheet.append(HEADERS)
    for row in _rows():
        sheet.append(row)
        sheet.cell(row=sheet.max_row, column=4).number_format = "yyyy-mm-dd"
    book.active = 2
    book.save(path)
    return path


def excel_1904_xlsx(path: Path) -> Path:
    """Old Mac Excel's date system: serial numbers count from 1904-01-01."""
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    book, _sheet = _book()
    book.epoch = CALENDAR_MAC_1904
    book.save(path)
    return path


def excel_1904_xls(path: Path) -> Path:
    """The same in an Excel 97-2003 file (the DATEMODE record)."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    book.dates_1904 = True
    sheet = book.add_sheet("客户")
    day = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    sheet.write_merge(0, 0, 0, 5, TITLE)
    for column, header in enumerate(HEADERS):
        sheet.write(2, column, header)
    for number, row in enumerate(_rows(), 3):
        for column, value in enumerate(row):
            sheet.write(number, column, value, day) if isinstance(value, date) else sheet.write(number, column, value)
    book.save(str(path))
    return path


def wps_like(path: Path) -> Path:
    """An imitation of a WPS 表格 file (no real one could be had): WPS's custom document properties
    (KSOProductBuildVer) and a picture-in-cell column (照片) holding its DISPIMG formula, whose
    cached value other readers see as text."""
    book, sheet = _book()
    sheet.cell(row=3, column=7).value = "照片"
    book.save(path)
    parts = _unzip(path)
    custom = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties xmlns='
              '"http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" xmlns:vt='
              '"http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"><property '
              'fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="KSOProductBuildVer"><vt:lpwstr>'
              '2052-12.1.0.16120</vt:lpwstr></property><property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" '
              'pid="3" name="ICV"><vt:lpwstr>6F2A1E3C4B5D4E8F9A0B1C2D3E4F5A6B</vt:lpwstr></property></Properties>')
    parts["docProps/custom.xml"] = custom.encode()
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>", b'<Override PartName="/docProps/custom.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.custom-properties+xml"/></Types>')
    sheet_xml = parts["xl/worksheets/sheet1.xml"]
    for number in range(4, 4 + len(CUSTOMERS)):
        image = (f'<c r="G{number}" t="str"><f>_xlfn.DISPIMG("ID_9C1E4D0A{number}B2F",1)</f>'
                 f'<v>=DISPIMG("ID_9C1E4D0A{number}B2F",1)</v></c></row>').encode()
        row_end = sheet_xml.index(b"</row>", sheet_xml.index(f'<row r="{number}"'.encode()))
        sheet_xml = sheet_xml[:row_end] + image + sheet_xml[row_end + len(b"</row>"):]
    parts["xl/worksheets/sheet1.xml"] = sheet_xml
    _zip(path, parts)
    return path


def google_sheets_like(path: Path) -> Path:
    """An imitation of a Google Sheets “Download → .xlsx” (no real one could be had): no docProps,
    no <dimension>, every text a shared string, Google's sheetFormatPr, and formatted but empty
    cells down to row 1000 of the grid."""
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    strings: list[str] = []

    def shared(text: str) -> str:
        if text not in strings:
            strings.append(text)
        return str(strings.index(text))

    rows = [f'<row r="1"><c r="A1" s="1" t="s"><v>{shared(TITLE)}</v></c></row>',
            '<row r="3">' + "".join(f'<c r="{chr(65 + i)}3" s="1" t="s"><v>{shared(h)}</v></c>'
                                    for i, h in enumerate(HEADERS)) + "</row>"]
    for number, (name, wechat, phone, birthday, city, spent) in enumerate(CUSTOMERS, 4):
        serial = (birthday - date(1899, 12, 30)).days
        rows.append(f'<row r="{number}"><c r="A{number}" s="1" t="s"><v>{shared(name)}</v></c>'
                    f'<c r="B{number}" s="1" t="s"><v>{shared(wechat)}</v></c><c r="C{number}" s="1"><v>{phone}</v></c>'
                    f'<c r="D{number}" s="2"><v>{serial}</v></c><c r="E{number}" s="1" t="s"><v>{shared(city)}</v></c>'
                    f'<c r="F{number}" s="1"><v>{spent:g}</v></c></row>')
    rows += [f'<row r="{n}">' + "".join(f'<c r="{chr(65 + i)}{n}" s="1"/>' for i in range(6)) + "</row>"
             for n in range(4 + len(CUSTOMERS), 1001)]
    sheet = (f'<?xml version="1.0" ?>\n<worksheet {ns} {rel}><sheetPr><outlinePr summaryBelow="0" '
             'summaryRight="0"/></sheetPr><sheetFormatPr customHeight="1" defaultColWidth="12.63" '
             'defaultRowHeight="15.75"/><sheetViews><sheetView workbookViewId="0"/></sheetViews>'
             f'<sheetData>{"".join(rows)}</sheetData><mergeCells count="1"><mergeCell ref="A1:F1"/></mergeCells>'
             '<drawing r:id="rId1"/></worksheet>')
    sst = "".join(f"<si><t>{s}</t></si>" for s in strings)
    parts = {
        "[Content_Types].xml": '<?xml version="1.0" ?>\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default ContentType="application/xml" Extension="xml"/><Default ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml" Extension="rels"/><Override ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml" PartName="/xl/worksheets/sheet1.xml"/>'
        '<Override ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml" '
        'PartName="/xl/sharedStrings.xml"/><Override ContentType="application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.styles+xml" PartName="/xl/styles.xml"/><Override ContentType="application/vnd.'
        'openxmlformats-officedocument.spreadsheetml.sheet.main+xml" PartName="/xl/workbook.xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0" ?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0" ?>\n<Relationships xmlns="http://schemas.openxmlformats.org/'
        'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
        '2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId2" Type="http://schemas.'
        'openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
        '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/workbook.xml": f'<?xml version="1.0" ?>\n<workbook {ns} {rel}><workbookPr/><sheets><sheet '
        'state="visible" name="工作表1" sheetId="1" r:id="rId3"/></sheets><definedNames/><calcPr/></workbook>',
        "xl/styles.xml": f'<?xml version="1.0" ?>\n<styleSheet {ns}><numFmts count="1"><numFmt numFmtId="164" '
        'formatCode="yyyy-mm-dd"/></numFmts><fonts count="1"><font><sz val="10.0"/><color rgb="FF000000"/><name '
        'val="Arial"/><scheme val="minor"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/>'
        '</fill><fill><patternFill patternType="lightGray"/></fill></fills><borders count="1"><border/></borders>'
        '<cellStyleXfs count="1"><xf borderId="0" fillId="0" fontId="0" numFmtId="0" applyAlignment="1" '
        'applyFont="1"/></cellStyleXfs><cellXfs count="3"><xf borderId="0" fillId="0" fontId="0" numFmtId="0" '
        'xfId="0" applyAlignment="1" applyFont="1"/><xf borderId="0" fillId="0" fontId="0" numFmtId="0" xfId="0" '
        'applyAlignment="1" applyFont="1"/><xf borderId="0" fillId="0" fontId="0" numFmtId="164" xfId="0" '
        'applyAlignment="1" applyFont="1" applyNumberFormat="1"/></cellXfs><cellStyles count="1"><cellStyle '
        'xfId="0" name="Normal" builtinId="0"/></cellStyles><dxfs count="0"/></styleSheet>',
        "xl/sharedStrings.xml": f'<?xml version="1.0" ?>\n<sst {ns} count="{len(strings)}" '
        f'uniqueCount="{len(strings)}">{sst}</sst>',
        "xl/worksheets/sheet1.xml": sheet,
    }
    _zip(path, {name: text.encode() for name, text in parts.items()})
    return path


def csv_gbk(path: Path) -> Path:
    """Excel on Chinese Windows: “CSV (逗号分隔)” is GBK."""
    return _csv(path, "gbk", ",")


def csv_utf16(path: Path) -> Path:
    """Excel's “Unicode 文本”: UTF-16 little-endian with a BOM, tab separated."""
    return _csv(path, "utf-16", "\t")


def _csv(path: Path, encoding: str, delimiter: str) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(HEADERS)
    for name, wechat, phone, birthday, city, spent in CUSTOMERS:
        writer.writerow([name, wechat, phone, f"{birthday:%Y/%-m/%-d}", city, f"{spent:g}"])
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


# ---- broken and hostile ---------------------------------------------------------------------------

def zip_bomb(path: Path, megabytes: int = 200, declared: int | None = None) -> Path:
    """A workbook whose one sheet unpacks from ~half a megabyte to `megabytes` MB of cells all at
    A1 (parsing it would take tens of seconds and gigabytes). `declared` writes a smaller size in
    the zip's headers than the sheet really unpacks to, as a bomb that lies about itself does."""
    parts = _unzip(HOSTILE / "libreoffice.xlsx")
    head = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.'
            b'openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:F6"/><sheetData><row r="1">')
    block = b'<c r="A1" t="n"><v>1</v></c>' * 37449  # ~1 MB
    chunks = [head, *(block for _ in range(megabytes)), b"</row></sheetData></worksheet>"]
    entries = []
    for name, data in parts.items():
        stream = _deflate(chunks if name == "xl/worksheets/sheet1.xml" else [data])
        if name == "xl/worksheets/sheet1.xml" and declared is not None:
            stream = (*stream[:3], declared)
        entries.append((name, *stream))
    _raw_zip(path, entries)
    return path


def zip_bomb_lying(path: Path) -> Path:
    return zip_bomb(path, megabytes=40, declared=9000)


def truncated_xlsx(path: Path) -> Path:
    """A download cut off half-way."""
    data = (HOSTILE / "libreoffice.xlsx").read_bytes()
    path.write_bytes(data[: len(data) * 6 // 10])
    return path


def truncated_xls(path: Path) -> Path:
    data = (HOSTILE / "libreoffice-excel97.xls").read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def empty(path: Path) -> Path:
    path.write_bytes(b"")
    return path


def empty_workbook(path: Path) -> Path:
    """A real workbook whose only sheet has no cell at all (a “新建” file saved straight away)."""
    import openpyxl

    openpyxl.Workbook().save(path)
    return path


def encrypted(path: Path) -> Path:
    """libreoffice.xlsx with the open password PASSWORD (ECMA-376 agile encryption, msoffcrypto-tool)."""
    from msoffcrypto.format.ooxml import OOXMLFile

    with (HOSTILE / "libreoffice.xlsx").open("rb") as plain, path.open("wb") as out:
        OOXMLFile(plain).encrypt(PASSWORD, out)
    return path


# ---- LibreOffice --------------------------------------------------------------------------------

FILTERS = {"ods": "ods:calc8", "xlsx": 'xlsx:Calc MS Excel 2007 XML', "xls": "xls:MS Excel 97",
           "pdf": "pdf:calc_pdf_Export"}


def libreoffice(build: Callable[[Path], Path], fmt: str) -> Callable[[Path], Path]:
    """A file LibreOffice Calc saved: `build`'s workbook opened and saved again as `fmt`."""
    def make(path: Path) -> Path:
        soffice = shutil.which("soffice") or shutil.which("libreoffice")
        if soffice is None:
            raise LookupError("LibreOffice (soffice) is not installed")
        with tempfile.TemporaryDirectory() as folder:
            src = build(Path(folder) / "source.xlsx")
            out = Path(folder) / "out"
            subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{folder}/profile",
                            "--convert-to", FILTERS[fmt], "--outdir", str(out), str(src)],
                           check=True, capture_output=True, timeout=180)
            shutil.copyfile(out / f"source.{fmt}", path)
        return path
    return make


# ---- zips ---------------------------------------------------------------------------------------

def _unzip(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _zip(path: Path, parts: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(zipfile.ZipInfo(name, (2024, 5, 1, 9, 30, 0)), data, zipfile.ZIP_DEFLATED)


def _deflate(chunks: Iterable[bytes]) -> tuple[bytes, int, int, int]:
    """(raw deflate stream, CRC-32, real size, declared size)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    out, crc, size = [], 0, 0
    for chunk in chunks:
        out.append(compressor.compress(chunk))
        crc, size = zlib.crc32(chunk, crc), size + len(chunk)
    out.append(compressor.flush())
    return b"".join(out), crc, size, size


def _raw_zip(path: Path, entries: list[tuple[str, bytes, int, int, int]]) -> None:
    """A zip written by hand, so that the sizes in its headers can be anything."""
    body, central = bytearray(), bytearray()
    for name, stream, crc, _real, declared in entries:
        encoded, offset = name.encode(), len(body)
        body += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x5821, crc, len(stream), declared,
                            len(encoded), 0) + encoded + stream
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x5821, crc, len(stream), declared,
                               len(encoded), 0, 0, 0, 0, 0, offset) + encoded
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(central), len(body), 0)
    path.write_bytes(bytes(body + central + end))


# ---- the corpus -----------------------------------------------------------------------------------

def renamed_pdf(path: Path) -> Path:
    """The customer sheet printed to PDF by LibreOffice, then given an .xlsx name."""
    libreoffice(source, "pdf")(path)
    return path


FILES: dict[str, Callable[[Path], Path]] = {  # in build order: later files start from earlier ones
    "libreoffice.xlsx": libreoffice(source, "xlsx"),
    "libreoffice.ods": libreoffice(source, "ods"),
    "libreoffice-excel97.xls": libreoffice(source, "xls"),
    "formulas-cached.xlsx": libreoffice(formulas_for_libreoffice, "xlsx"),
    "formulas-no-cache.xlsx": formulas_without_values,
    "wps-like.xlsx": wps_like,
    "google-sheets-like.xlsx": google_sheets_like,
    "excel-1904.xlsx": excel_1904_xlsx,
    "excel-1904.xls": excel_1904_xls,
    "merged-cells.xlsx": merged_cells,
    "hyperlinks.xlsx": hyperlinks,
    "rich-text.xlsx": rich_text,
    "hidden-sheets.xlsx": hidden_sheets,
    "gbk.csv": csv_gbk,
    "utf16.csv": csv_utf16,
    "encrypted.xlsx": encrypted,
    "zip-bomb.xlsx": zip_bomb,
    "zip-bomb-lying.xlsx": zip_bomb_lying,
    "truncated.xlsx": truncated_xlsx,
    "truncated.xls": truncated_xls,
    "renamed-pdf.xlsx": renamed_pdf,
    "empty.xlsx": empty,
    "empty-workbook.xlsx": empty_workbook,
}


def main(only: list[str]) -> int:
    HOSTILE.mkdir(exist_ok=True)
    for name, build in FILES.items():
        if only and not any(part in name for part in only):
            continue
        try:
            build(HOSTILE / name)
        except (ImportError, LookupError) as missing:
            print(f"skipped {name}: {missing}")
            continue
        print(f"{name}: {(HOSTILE / name).stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Excel kind `care` (关怀记录): import with customers found by name, WeChat ID or phone, duplicates,
bad cells, undo, export and the template."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import CareEntry
from services.care import list_care, save_care
from services.excel import columns
from services.excel.engine import ImportOptions, run_import, suggest_mapping
from services.excel.export import export_kind
from services.excel.templates import write_template
from services.excel.undo import undo_import
from tests.services.helpers import AddCustomer

HEADERS = ["客户", "客户微信号", "客户手机", "日期", "类型", "花费", "备注"]


def rows(*cells: list[object]) -> list[tuple[int, list[object]]]:
    return [(2 + i, list(c)) for i, c in enumerate(cells)]


def do_import(session: Session, data: list[tuple[int, list[object]]], headers: list[str] = HEADERS, **options):
    mapping = suggest_mapping(session, "care", headers)
    return run_import(session, "care", headers, data, ImportOptions(mapping, **options), file_name="关怀.xlsx")


def test_registered() -> None:
    assert columns.KIND_LABELS["care"] == "关怀记录"
    assert [c.header for c in columns.KINDS["care"]] == HEADERS


def test_import_finds_customers_and_explains_bad_cells(session: Session, add_customer: AddCustomer) -> None:
    li = add_customer("李娜", wechat_id="lina88")
    wang = add_customer("王芳", phone="13800138000")
    result = do_import(session, rows(
        ["", "lina88", "", "2024-09-15", "礼物", "¥588", "中秋月饼"],
        ["王芳", "", "", "2024/2/10", "拜访", "", "上门拜年"],
        ["", "", "13800138000", "2024-02-10", "拜访", "100", ""],  # the same visit again: updated
        ["没这个人", "", "", "2024-01-01", "礼物", "", ""],
        ["李娜", "", "", "2099-01-01", "派对", "abc", ""],
    ))
    assert (result.created, result.skipped) == (2, 2)
    assert sorted((e.row, e.column) for e in result.errors) == [(5, "客户"), (6, "日期"), (6, "类型"), (6, "花费")]
    entries = {(e.customer_id, e.kind): e for e in list_care(session)}
    assert entries[(li, "gift")].cost_cents == 58800 and entries[(li, "gift")].note == "中秋月饼"
    assert entries[(wang, "visit")].cost_cents == 10000 and entries[(wang, "visit")].note == "上门拜年"


def test_english_headers_and_default_kind(session: Session, add_customer: AddCustomer) -> None:
    add_customer("李娜")
    result = do_import(session, rows(["李娜", "2024-05-01", "", "送了花"]), headers=["Customer", "Date", "Cost", "Note"])
    assert result.created == 1
    assert [(e.kind, e.note) for e in list_care(session)] == [("gift", "送了花")]


def test_undo_takes_the_entries_back(session: Session, add_customer: AddCustomer) -> None:
    li = add_customer("李娜")
    kept = save_care(session, li, date(2024, 9, 15), "gift", "100", "原来的")
    result = do_import(session, rows(["李娜", "", "", "2024-09-15", "礼物", "588", "改过的"],
                                     ["李娜", "", "", "2024-10-01", "服务", "0", "新的"]))
    assert (result.created, result.updated) == (1, 1)
    undo_import(session, result.batch_id)
    assert [(e.id, e.cost_cents, e.note) for e in list_care(session)] == [(kept, 10000, "原来的")]
    assert session.scalar(select(CareEntry.id).where(CareEntry.note == "新的")) is None


def test_export_and_template(session: Session, add_customer: AddCustomer, tmp_path: Path) -> None:
    li = add_customer("李娜", wechat_id="lina88")
    save_care(session, li, date(2024, 9, 15), "gift", "588", "=中秋月饼")
    path = tmp_path / "关怀.xlsx"
    assert export_kind(session, "care", path) == 1
    sheet = load_workbook(path).active
    values = [c.value for c in next(sheet.iter_rows(min_row=2, max_row=2))]
    assert values[0:2] == ["李娜", "lina88"] and values[4:] == ["礼物", 588, "=中秋月饼"]
    assert sheet.cell(2, 7).data_type == "s"  # text, never a formula
    template = tmp_path / "模板.xlsx"
    write_template("care", template)
    book = load_workbook(template)
    assert [c.value for c in book.worksheets[0][1]] == HEADERS
    assert book.worksheets[1].title == "说明"

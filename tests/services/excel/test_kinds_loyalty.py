"""Excel kinds `products` and `points`: import with bad cells explained, duplicates, undo (also of a
purchases import's points), export and templates."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Customer, Purchase
from models.loyalty import Product
from services import points as pts
from services import products as prod
from services.excel import columns
from services.excel.engine import ImportOptions, run_import, suggest_mapping
from services.excel.export import export_kind
from services.excel.templates import write_template
from services.excel.undo import undo_import
from tests.services.helpers import AddCustomer

PRODUCT_HEADERS = ["名称", "分类", "价格", "复购周期(天)", "在售", "备注"]
POINT_HEADERS = ["客户", "客户微信号", "客户手机", "日期", "积分", "原因", "备注"]


def rows(*cells: list[object]) -> list[tuple[int, list[object]]]:
    return [(2 + i, list(c)) for i, c in enumerate(cells)]


def do_import(session: Session, kind: str, headers: list[str], data: list[tuple[int, list[object]]], **options):
    mapping = suggest_mapping(session, kind, headers)
    return run_import(session, kind, headers, data, ImportOptions(mapping, **options), file_name=f"{kind}.xlsx")


def balance(session: Session, cid: int) -> int:
    session.expire_all()
    return session.get(Customer, cid).points_balance  # type: ignore[union-attr]


def test_registered() -> None:
    assert (columns.KIND_LABELS["products"], columns.KIND_LABELS["points"]) == ("商品", "积分")
    assert [c.header for c in columns.KINDS["products"]] == PRODUCT_HEADERS
    assert [c.header for c in columns.KINDS["points"]] == POINT_HEADERS


def test_products_import_update_and_link(session: Session, add_customer: AddCustomer) -> None:
    from services.timeline import save_purchase

    cid = add_customer("张丽")
    bought = save_purchase(session, cid, date(2024, 5, 1), "2023 大红袍 250g", 1, "880")
    existing = prod.create_product(session, prod.ProductInput("肉桂", "岩茶", 58000, 45))
    result = do_import(session, "products", PRODUCT_HEADERS, rows(
        ["大红袍", "岩茶", "¥880", 45, "是", "送礼"],
        ["肉桂", "", "600", "", "", ""],  # existing: only the filled cells change
        ["", "岩茶", "100", "", "", ""],
        ["水仙", "岩茶", "-5", "0", "也许", ""],
    ))
    assert (result.created, result.updated, result.skipped) == (1, 1, 2)
    assert sorted((e.row, e.column) for e in result.errors) == [
        (4, "名称"), (5, "价格"), (5, "在售"), (5, "复购周期(天)")]
    got = {p.name: p for p in prod.list_products(session)}
    assert (got["大红袍"].price_cents, got["大红袍"].cycle_days, got["大红袍"].note) == (88000, 45, "送礼")
    assert (got["肉桂"].id, got["肉桂"].price_cents, got["肉桂"].category, got["肉桂"].cycle_days) == (existing, 60000,
                                                                                                "岩茶", 45)
    assert session.get(Purchase, bought).product_id == got["大红袍"].id  # type: ignore[union-attr]
    undo_import(session, result.batch_id)
    assert [p.name for p in prod.list_products(session)] == ["肉桂"]
    assert prod.get_product(session, existing).price_cents == 58000


def test_points_import(session: Session, add_customer: AddCustomer) -> None:
    li = add_customer("李娜", wechat_id="lina88")
    wang = add_customer("王芳", phone="13800138000")
    result = do_import(session, "points", POINT_HEADERS, rows(
        ["", "lina88", "", "2024-05-01", "200", "社群打卡", "满勤"],
        ["王芳", "", "", "2024-05-02", "500", "", ""],
        ["", "", "13800138000", "2024-06-01", "-300", "兑换奖励", "建盏"],
        ["李娜", "", "", "2024-05-01", "abc", "", ""],
        ["李娜", "", "", "2024-05-01", "100", "过期", ""],
        ["李娜", "", "", "2024-05-01", "100", "兑换奖励", ""],
        ["没这个人", "", "", "2024-05-01", "100", "", ""],
    ))
    assert (result.created, result.skipped) == (3, 4)
    assert sorted((e.row, e.column) for e in result.errors) == [(5, "积分"), (6, "原因"), (7, "积分"), (8, "客户")]
    assert (balance(session, li), balance(session, wang)) == (200, 200)
    assert [(line.points, line.reason) for line in pts.ledger(session, wang)] == [(-300, "reward"), (500, "manual")]
    undo_import(session, result.batch_id)
    assert (balance(session, li), balance(session, wang)) == (0, 0)


def test_undoing_a_purchases_import_takes_its_points_back(session: Session, add_customer: AddCustomer) -> None:
    cid = add_customer("张丽")
    headers = ["客户", "购买日期", "商品", "数量", "金额"]
    result = do_import(session, "purchases", headers, rows(["张丽", "2024-05-01", "大红袍", 1, "880"],
                                                          ["张丽", "2024-06-01", "肉桂", 1, "580"]))
    assert result.created == 2
    assert balance(session, cid) == 1460
    undo_import(session, result.batch_id)
    assert balance(session, cid) == 0 and pts.ledger(session, cid) == []
    assert session.scalar(select(Purchase.id)) is None


def test_export_and_templates(session: Session, add_customer: AddCustomer, tmp_path: Path) -> None:
    cid = add_customer("李娜", wechat_id="lina88")
    prod.create_product(session, prod.ProductInput("=大红袍", "岩茶", 88000, 45))
    pts.add_points(session, cid, 200, "checkin", "满勤", date(2024, 5, 1))
    from services.timeline import save_purchase

    save_purchase(session, cid, date(2024, 5, 2), "肉桂", 1, "580")  # its points are not exported
    path = tmp_path / "商品.xlsx"
    assert export_kind(session, "products", path) == 1
    values = [c.value for c in next(load_workbook(path).active.iter_rows(min_row=2, max_row=2))]
    assert values == ["=大红袍", "岩茶", 880, 45, "是", None]  # a formula-looking name stays text
    path = tmp_path / "积分.xlsx"
    assert export_kind(session, "points", path) == 1
    values = [c.value for c in next(load_workbook(path).active.iter_rows(min_row=2, max_row=2))]
    assert values[0] == "李娜" and values[4:] == [200, "社群打卡", "满勤"]
    for kind in ("products", "points"):
        write_template(kind, tmp_path / f"{kind}-模板.xlsx")
        sheet = load_workbook(tmp_path / f"{kind}-模板.xlsx").worksheets[0]
        assert [c.value for c in sheet[1]] == [c.header for c in columns.KINDS[kind]]
    assert session.scalar(select(Product.id)) is not None

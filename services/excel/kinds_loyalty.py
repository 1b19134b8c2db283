"""Excel kinds of the 会员 page: `products` (商品目录) and `points` (积分记录) — their columns, how a row is
imported (services.excel.kinds.Kind), and how they are exported.

Kept in their own module; `register_loyalty_kinds()` puts them into the Excel registries, i.e.

    columns.KINDS.update(LOYALTY_COLUMNS); columns.KIND_LABELS.update(LOYALTY_LABELS)
    kinds.KIND_CLASSES.update(LOYALTY_KIND_CLASSES)
    undo.CREATED_TABLES = (*LOYALTY_CREATED_TABLES, …); undo.RECORD_TABLES.update(…their tables…)
    export: `export_loyalty_kind(session, kind, path, …)`.

A product is the same record when its 名称 is (any case); updating overwrites only the cells that are
filled in, and after the import unlinked purchases are matched to the catalogue. A points row names
its customer like the notes do (客户 / 客户微信号 / 客户手机); the same customer, day, points and
reason is the same entry. Imported entries change the balances and tiers in one pass at the end.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import ChatGroup, Customer
from models.loyalty import PointEntry, Product
from services.errors import ValidationError
from services.excel import values as v
from services.excel.columns import CUSTOMER_REF, Column
from services.excel.kinds_base import Kind, customer_of
from services.excel.pages import PageKinds, register_page_kinds
from services.excel.resolve import ImportContext
from services.excel.writer import Cancelled, OutColumn, Progress, SheetSpec, write_sheets
from services.excel.writing import Pending, Problems, Values
from services.excel.writing import parse_cell as _parse
from services.excel.writing import update_record as _update_record
from services.i18n import t
from services.points import REASON_LABELS, expiry_of, reason_of_label
from services.products import ProductInput, validate_product

REASON_CHOICES = tuple(REASON_LABELS[r] for r in ("purchase", "referral", "checkin", "manual", "reward"))
YES_NO = ("是", "否")

LOYALTY_COLUMNS: dict[str, tuple[Column, ...]] = {
    "products": (
        Column("name", "名称", ("商品", "商品名称", "产品", "产品名称", "品名", "Product", "Name"), required=True, width=24),
        Column("category", "分类", ("品类", "类别", "商品分类", "Category"), width=10),
        Column("price", "价格", ("单价", "售价", "零售价", "Price"), width=10),
        Column("cycle_days", "复购周期(天)", ("复购周期", "周期", "复购天数", "使用周期", "Cycle", "Cycle Days"), width=12),
        Column("active", "在售", ("是否在售", "上架", "状态", "Active", "On Sale"), choices=YES_NO, width=6),
        Column("note", "备注", ("说明", "描述", "Note", "Description"), width=30),
    ),
    "points": (
        *CUSTOMER_REF,
        Column("entry_on", "日期", ("积分日期", "时间", "Date"), width=12),
        Column("points", "积分", ("分数", "积分变动", "变动", "Points"), required=True, width=8),
        Column("reason", "原因", ("积分原因", "类型", "来源", "Reason"), choices=REASON_CHOICES, width=10),
        Column("note", "备注", ("说明", "Note"), width=30),
    ),
}
LOYALTY_LABELS = {"products": "商品", "points": "积分"}
LOYALTY_VALUE_KINDS = {"price": "money", "cycle_days": "int", "active": "bool", "entry_on": "date", "points": "int",
                       "customer_wechat_id": "phone", "customer_phone": "phone"}
# For the templates' 说明 sheet (column key → what it is, how to write it) and their example rows.
LOYALTY_HELP: dict[str, tuple[str, str]] = {
    "name": ("商品名称，和购买记录里写的一致最好", "文字"), "category": ("品类，如 普洱、白茶、护肤品", "文字"),
    "price": ("零售价", "金额，单位元"), "cycle_days": ("一份大约用多少天，到期提醒复购", "整数天；不提醒就空着"),
    "active": ("还在卖吗", "是 或 否；不填为 是"), "note": ("备注", "文字"),
    "entry_on": ("积分的日期", "日期，如 2024-05-01；不填为导入当天"),
    "points": ("加分写正数，扣分写负数", "整数，如 200 或 -500"),
    "reason": ("积分的原因", "从下拉列表中选；不填时正数为 手动调整、负数为 兑换奖励"),
}
LOYALTY_EXAMPLES: dict[str, dict[str, object]] = {
    "products": {"name": "2019 易武古树普洱 357g", "category": "普洱", "price": 128000, "cycle_days": 60,
                 "active": True, "note": "春茶，送礼首选"},
    "points": {"customer_name": "张丽", "customer_wechat_id": "zhangli_1988", "customer_phone": "13800138000",
               "entry_on": date(2024, 5, 1), "points": 200, "reason": "社群打卡", "note": "五月打卡满勤"},
}






def _signed_int(value: object) -> int:
    text = v.cell_text(value).replace("＋", "+").replace("－", "-").replace("−", "-")
    negative = text.startswith("-")
    number = v.parse_int(text.lstrip("+-"), minimum=0) if text.lstrip("+-") else 0
    if number == 0:
        raise ValueError(t("积分“{text}”不对：写一个不为 0 的整数，扣分写负数", text=text))
    return -number if negative else number


class Products(Kind):
    name = "products"

    def __init__(self) -> None:
        self.created_or_renamed = False

    def parse(self, ctx: ImportContext, raw: dict[str, Any]) -> tuple[Values, Problems]:
        problems: Problems = {}
        price = _parse(raw, problems, "price", v.parse_money)
        cycle = _parse(raw, problems, "cycle_days", lambda x: v.parse_int(x, minimum=1))
        active = _parse(raw, problems, "active", v.parse_bool)
        data = ProductInput(v.cell_text(raw.get("name")), v.cell_text(raw.get("category")), price or 0, cycle,
                            v.cell_text(raw.get("note")), True if active is None else active)
        existing = self.match(ctx, {"name": data.name.strip()})
        try:
            data = validate_product(ctx.session, data, existing)
        except ValidationError as exc:
            for key, message in exc.fields.items():
                problems.setdefault({"price_cents": "price"}.get(key, key), message)
        values: Values = {"name": data.name, "category": data.category, "price_cents": price, "cycle_days": cycle,
                          "note": data.note, "active": active}
        return values, problems

    def file_key(self, values: Values) -> tuple[Any, ...] | None:
        return ("product", values["name"].casefold())

    def match(self, ctx: ImportContext, values: Values) -> int | None:
        return ctx.session.scalar(select(Product.id).where(func.lower(Product.name) == values["name"].lower(),
                                                           Product.deleted_at.is_(None)).limit(1))

    def create(self, ctx: ImportContext, pending: Pending, values: Values) -> int:
        pending.flush()
        product = Product(name=values["name"], category=values["category"], price_cents=values["price_cents"] or 0,
                          cycle_days=values["cycle_days"], note=values["note"],
                          active=True if values["active"] is None else values["active"],
                          import_batch_id=pending.batch_id)
        ctx.session.add(product)
        ctx.session.flush()
        self.created_or_renamed = True
        return product.id

    def update(self, ctx: ImportContext, pending: Pending, record_id: int, values: Values) -> None:
        changes = {k: values[k] for k in ("category", "price_cents", "cycle_days", "note", "active")
                   if values[k] not in (None, "")}
        _update_record(ctx, pending, Product, record_id, changes)

    def merge(self, ctx: ImportContext, pending: Pending, record_id: int, values: Values) -> None:
        self.update(ctx, pending, record_id, values)

    def finish(self, ctx: ImportContext, pending: Pending) -> None:
        """New products: the purchases that name them get linked (services.products)."""
        if self.created_or_renamed:
            from services.products import link_purchases

            link_purchases(ctx.session)


class Points(Kind):
    name = "points"

    def __init__(self) -> None:
        self.touched: set[int] = set()

    def parse(self, ctx: ImportContext, raw: dict[str, Any]) -> tuple[Values, Problems]:
        problems: Problems = {}
        values: Values = {"customer_id": customer_of(ctx, raw, problems)}
        values["entry_on"] = _parse(raw, problems, "entry_on", v.parse_date) or date.today()
        if values["entry_on"] > date.today():
            problems["entry_on"] = t("日期{d}晚于今天", d=values["entry_on"])
        points = _parse(raw, problems, "points", _signed_int)
        if points is None and "points" not in problems:
            problems["points"] = t("积分为空")
        values["points"] = points or 0
        reason = _parse(raw, problems, "reason", reason_of_label)
        if reason is None and "reason" not in problems:
            reason = "manual" if values["points"] >= 0 else "reward"
        if reason == "expire":
            problems["reason"] = t("过期是自动算出的，不能导入")
        elif reason == "reward" and values["points"] > 0:
            problems["points"] = t("兑换奖励是扣分，积分要写负数")
        elif reason in ("purchase", "referral", "checkin") and values["points"] < 0:
            problems["points"] = t("“{reason}”是加分，积分要写正数", reason=t(REASON_LABELS[reason]))
        values["reason"] = reason or "manual"
        values["note"] = v.cell_text(raw.get("note"))
        return values, problems

    def file_key(self, values: Values) -> tuple[Any, ...] | None:
        return None  # two identical rows are two entries (two check-ins on one day)

    def match(self, ctx: ImportContext, values: Values) -> int | None:
        return ctx.session.scalar(select(PointEntry.id).where(
            PointEntry.customer_id == values["customer_id"], PointEntry.entry_on == values["entry_on"],
            PointEntry.points == values["points"], PointEntry.reason == values["reason"],
            PointEntry.deleted_at.is_(None)).limit(1))

    def create(self, ctx: ImportContext, pending: Pending, values: Values) -> int:
        expires = expiry_of(ctx.session, values["entry_on"]) if values["points"] > 0 else None
        pending.add(PointEntry, {"customer_id": values["customer_id"], "entry_on": values["entry_on"],
                                 "points": values["points"], "reason": values["reason"], "note": values["note"],
                                 "expires_on": expires})
        self.touched.add(values["customer_id"])
        return int(values["customer_id"])

    def update(self, ctx: ImportContext, pending: Pending, record_id: int, values: Values) -> None:
        if values["note"]:
            _update_record(ctx, pending, PointEntry, record_id, {"note": values["note"]})

    def finish(self, ctx: ImportContext, pending: Pending) -> None:
        from services.points import refresh_balances
        from services.tiers import recompute_tiers

        pending.flush()
        if self.touched:
            refresh_balances(ctx.session, sorted(self.touched))
            recompute_tiers(ctx.session, sorted(self.touched))


LOYALTY_KIND_CLASSES: dict[str, type[Kind]] = {"products": Products, "points": Points}
LOYALTY_CREATED_TABLES: tuple[Any, ...] = (PointEntry, Product)


def register_loyalty_kinds() -> None:
    """Put the two kinds into the Excel registries (idempotent). Point entries go before the
    purchases in undo's order: an undone purchases import takes its purchases' points with it."""
    register_page_kinds(PageKinds(LOYALTY_COLUMNS, LOYALTY_LABELS, LOYALTY_KIND_CLASSES, LOYALTY_CREATED_TABLES, export_loyalty_kind,
                                  LOYALTY_HELP, LOYALTY_EXAMPLES, LOYALTY_VALUE_KINDS, customer_help=True,
                                  sheet=loyalty_workbook_sheet),
                        undo_first=True)


# ---- export -------------------------------------------------------------------------------------------

def export_loyalty_kind(session: Session, kind: str, path: Path | str, progress: Progress | None = None,
                        cancelled: Cancelled | None = None) -> int:
    """Export every live product, or every live points entry of a live customer; returns the rows."""
    if kind not in LOYALTY_COLUMNS:
        raise ValueError(f"not a loyalty kind: {kind}")
    return write_sheets(path, [loyalty_sheet(session, kind)], progress, cancelled)


CHECKIN_GROUP_HEADER = "打卡社群"  # a full workbook's 积分 column: the 社群 of a check-in


def loyalty_sheet(session: Session, kind: str) -> SheetSpec:
    """The sheet of products or points, as the page exports it."""
    columns = [OutColumn(c.header, LOYALTY_VALUE_KINDS.get(c.key, "text"), c.width) for c in LOYALTY_COLUMNS[kind]]
    rows = _product_rows(session) if kind == "products" else _point_rows(session)
    return SheetSpec(LOYALTY_LABELS[kind], columns, rows, total=len(rows))


def loyalty_workbook_sheet(session: Session, kind: str) -> SheetSpec:
    """The sheet of a full workbook: 积分 ends with 打卡社群 (the group a check-in was ticked in, which
    the 打卡 page reads: without it a restored check-in could be ticked, and earn, a second time)."""
    spec = loyalty_sheet(session, kind)
    if kind != "points":
        return spec
    rows = _point_rows(session, with_groups=True)
    return SheetSpec(spec.name, [*spec.columns, OutColumn(CHECKIN_GROUP_HEADER, "text", 12)], rows, total=len(rows))


def _product_rows(session: Session) -> list[list[object]]:
    return [[p.name, p.category, p.price_cents, p.cycle_days, p.active, p.note]
            for p in session.scalars(select(Product).where(Product.deleted_at.is_(None))
                                     .order_by(Product.category, Product.name))]


def _point_rows(session: Session, *, with_groups: bool = False) -> list[list[object]]:
    """Every live entry but the expiry ones (worked out again from the dates after an import) and those
    of purchases (a purchases import earns them again): what re-imports without counting twice."""
    return [[name, wechat_id, phone, e.entry_on, e.points, t(REASON_LABELS.get(e.reason, e.reason)), e.note,
             *([group or ""] if with_groups else [])]
            for e, name, wechat_id, phone, group in session.execute(
                select(PointEntry, Customer.remark_name, Customer.wechat_id, Customer.phone, ChatGroup.name)
                .join(Customer, Customer.id == PointEntry.customer_id)
                .outerjoin(ChatGroup, (ChatGroup.id == PointEntry.group_id) & ChatGroup.deleted_at.is_(None))
                .where(PointEntry.deleted_at.is_(None), Customer.deleted_at.is_(None), PointEntry.reason != "expire",
                       PointEntry.purchase_id.is_(None))
                .order_by(PointEntry.entry_on.desc(), PointEntry.id.desc()))]

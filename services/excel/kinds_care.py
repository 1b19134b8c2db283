"""Excel kind of the care log (关怀记录): `care` — its columns, how a row is imported
(services.excel.kinds.Kind), and how it is exported.

Kept in its own module; the Excel registries take it in with `register_care_kinds` (like the 社群 kinds):

    columns.KINDS.update(CARE_COLUMNS); columns.KIND_LABELS.update(CARE_LABELS)
    kinds.KIND_CLASSES.update(CARE_KIND_CLASSES)
    undo.CREATED_TABLES = (*CARE_CREATED_TABLES, *undo.CREATED_TABLES)  (+ RECORD_TABLES)
    export: `export_care_kind(session, kind, path, …)`.

Rows name their customer like the other record kinds: 客户 (备注名), 客户微信号 or 客户手机. The same
customer, day and type is one record: importing it again updates its 花费 and 备注 (when filled in).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import CareEntry, Customer
from services.care import KIND_LABELS, kind_of_label
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

KIND_CHOICES = tuple(KIND_LABELS.values())

CARE_COLUMNS: dict[str, tuple[Column, ...]] = {
    "care": (
        *CUSTOMER_REF,
        Column("given_on", "日期", ("关怀日期", "送礼日期", "拜访日期", "时间", "Date"), required=True, width=12),
        Column("kind", "类型", ("关怀类型", "方式", "Type", "Kind"), choices=KIND_CHOICES, width=8),
        Column("cost", "花费", ("金额", "成本", "费用", "价值", "Cost"), width=10),
        Column("note", "备注", ("内容", "说明", "礼物", "Note"), width=30),
    ),
}
CARE_LABELS = {"care": "关怀记录"}
CARE_VALUE_KINDS = {"given_on": "date", "cost": "money", "customer_wechat_id": "phone", "customer_phone": "phone"}
CARE_HELP: dict[str, tuple[str, str]] = {
    "given_on": ("哪一天送的礼、拜访或帮的忙", "日期，如 2024-09-15"),
    "kind": ("关怀的类型", "从下拉列表中选：礼物、拜访、服务、帮忙、其他；不填为 礼物"),
    "cost": ("花了多少钱", "金额，单位元；不填为 0"),
    "note": ("送了什么、做了什么", "文字"),
}
CARE_EXAMPLES: dict[str, dict[str, object]] = {
    "care": {"customer_name": "张丽", "customer_wechat_id": "zhangli_1988", "customer_phone": "13800138000",
             "given_on": date(2024, 9, 15), "kind": "礼物", "cost": 58800, "note": "中秋月饼礼盒"},
}


class Care(Kind):
    name = "care"

    def parse(self, ctx: ImportContext, raw: dict[str, Any]) -> tuple[Values, Problems]:
        problems: Problems = {}
        values: Values = {"customer_id": customer_of(ctx, raw, problems)}
        values["given_on"] = _parse(raw, problems, "given_on", v.parse_date)
        if values["given_on"] is None and "given_on" not in problems:
            problems["given_on"] = t("日期为空")
        elif values["given_on"] and values["given_on"] > date.today():
            problems["given_on"] = t("日期{d}晚于今天", d=values["given_on"])
        values["kind"] = _parse(raw, problems, "kind", lambda x: kind_of_label(v.cell_text(x))) or "gift"
        values["cost_cents"] = _parse(raw, problems, "cost", v.parse_money)
        values["note"] = v.cell_text(raw.get("note"))
        return values, problems

    def file_key(self, values: Values) -> tuple[Any, ...] | None:
        return (values["customer_id"], values["given_on"], values["kind"])

    def match(self, ctx: ImportContext, values: Values) -> int | None:
        return ctx.session.scalar(select(CareEntry.id).where(
            CareEntry.customer_id == values["customer_id"], CareEntry.given_on == values["given_on"],
            CareEntry.kind == values["kind"], CareEntry.deleted_at.is_(None)).order_by(CareEntry.id))

    def create(self, ctx: ImportContext, pending: Pending, values: Values) -> int:
        pending.add(CareEntry, {"customer_id": values["customer_id"], "given_on": values["given_on"],
                                "kind": values["kind"], "cost_cents": values["cost_cents"] or 0,
                                "note": values["note"]})
        return int(values["customer_id"])

    def update(self, ctx: ImportContext, pending: Pending, record_id: int, values: Values) -> None:
        changes = {"cost_cents": values["cost_cents"], "note": values["note"] or None}
        _update_record(ctx, pending, CareEntry, record_id, {k: val for k, val in changes.items() if val is not None})

    def merge(self, ctx: ImportContext, pending: Pending, record_id: int, values: Values) -> None:
        """The same entry twice in a file: the later row's filled cells win."""
        pending.flush()
        found = self.match(ctx, values)
        if found is not None:
            self.update(ctx, pending, found, values)




CARE_KIND_CLASSES: dict[str, type[Kind]] = {"care": Care}
CARE_CREATED_TABLES: tuple[Any, ...] = (CareEntry,)


def register_care_kinds() -> None:
    """Put the kind into the Excel registries (idempotent)."""
    register_page_kinds(PageKinds(CARE_COLUMNS, CARE_LABELS, CARE_KIND_CLASSES, CARE_CREATED_TABLES, export_care_kind,
                                  CARE_HELP, CARE_EXAMPLES, CARE_VALUE_KINDS, customer_help=True, sheet=lambda s, _k: care_sheet(s)),
                        undo_first=True)


# ---- export -------------------------------------------------------------------------------------------

def export_care_kind(session: Session, kind: str, path: Path | str, progress: Progress | None = None,
                     cancelled: Cancelled | None = None) -> int:
    """Export every live care entry of a live customer; returns the rows written."""
    if kind not in CARE_COLUMNS:
        raise ValueError(f"not a care kind: {kind}")
    return write_sheets(path, [care_sheet(session)], progress, cancelled)


def care_sheet(session: Session) -> SheetSpec:
    columns = [OutColumn(c.header, CARE_VALUE_KINDS.get(c.key, "text"), c.width) for c in CARE_COLUMNS["care"]]
    rows: list[list[object]] = [
        [name, wechat_id, phone, e.given_on, KIND_LABELS.get(e.kind, e.kind), e.cost_cents, e.note]
        for e, name, wechat_id, phone in session.execute(
            select(CareEntry, Customer.remark_name, Customer.wechat_id, Customer.phone)
            .join(Customer, Customer.id == CareEntry.customer_id)
            .where(CareEntry.deleted_at.is_(None), Customer.deleted_at.is_(None))
            .order_by(CareEntry.given_on.desc(), CareEntry.id.desc()))]
    return SheetSpec(CARE_LABELS["care"], columns, rows, total=len(rows))

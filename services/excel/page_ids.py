"""客户编号 on the pages' sheets of a full workbook (群成员, 积分, 关怀记录): whose row it is, by id.

The pages' sheet functions (`PageKinds.sheet`, in the kinds_*.py modules) name a row's customer as the
pages' own exports do — 客户 (备注名), 客户微信号, 客户手机 — which cannot tell apart two customers
sharing a 备注名 with neither 微信号 nor 手机. A full workbook adds the 客户编号 column (the 客户
sheet's 编号) before 客户, which a restore reads first (services.excel.workbook_pages).

The ids come from a query of their own per kind, over the same rows in the same order as the page's
sheet function (ROW_CUSTOMERS). Each row's 客户 / 客户微信号 / 客户手机 are checked against that
query's as the rows are written: should a page's sheet ever change its rows or their order without
this module following, the export stops with a bug rather than write a customer's rows under another's
number. A page sheet naming customers that has no query here is written as its page writes it (the
restore then names its customers by 备注名, as for a hand-made sheet); test_workbook_pages checks
that none is missing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from models import CareEntry, ChatGroup, Customer, GroupMember
from models.loyalty import PointEntry
from services.excel.columns import KINDS
from services.excel.writer import OutColumn, SheetSpec

WHO = (Customer.id, Customer.remark_name, Customer.wechat_id, Customer.phone)
Rows = Select[int, str, str, str]  # (id, 备注名, 微信号, 手机) of each row's customer


def _members() -> Rows:  # as kinds_groups._member_rows
    return (select(*WHO).select_from(GroupMember).join(ChatGroup, ChatGroup.id == GroupMember.group_id)
            .join(Customer, Customer.id == GroupMember.customer_id)
            .where(ChatGroup.deleted_at.is_(None), Customer.deleted_at.is_(None))
            .order_by(ChatGroup.name, GroupMember.group_id, Customer.pinyin, Customer.id))


def _points() -> Rows:  # as kinds_loyalty._point_rows
    return (select(*WHO).select_from(PointEntry).join(Customer, Customer.id == PointEntry.customer_id)
            .where(PointEntry.deleted_at.is_(None), Customer.deleted_at.is_(None), PointEntry.reason != "expire",
                   PointEntry.purchase_id.is_(None))
            .order_by(PointEntry.entry_on.desc(), PointEntry.id.desc()))


def _care() -> Rows:  # as kinds_care.care_sheet
    return (select(*WHO).select_from(CareEntry).join(Customer, Customer.id == CareEntry.customer_id)
            .where(CareEntry.deleted_at.is_(None), Customer.deleted_at.is_(None))
            .order_by(CareEntry.given_on.desc(), CareEntry.id.desc()))


# page kind → the customers of its sheet's rows, in the sheet's order: (id, 备注名, 微信号, 手机)
ROW_CUSTOMERS: dict[str, Callable[[], Rows]] = {"group-members": _members, "points": _points, "care": _care}


def names_customers(kind: str) -> bool:
    """Whether the rows of this kind's sheet name a customer (客户, 客户微信号, 客户手机)."""
    return any(c.key == "customer_name" for c in KINDS[kind])


def with_customer_ids(session: Session, kind: str, spec: SheetSpec, header: str) -> SheetSpec:
    """The page's sheet with a `header` (客户编号) column before 客户; as it is when its rows name no
    customer or no query here follows them."""
    query = ROW_CUSTOMERS.get(kind)
    if query is None or not names_customers(kind):
        return spec
    at = [c.key for c in KINDS[kind]].index("customer_name")
    columns = [*spec.columns[:at], OutColumn(header, "int", 8), *spec.columns[at:]]
    return SheetSpec(spec.name, columns, _rows(session, kind, query(), spec.rows, at), total=spec.total)


def _rows(session: Session, kind: str, query: Rows, rows: Any, at: int) -> Iterator[Sequence[object]]:
    customers = session.execute(query.execution_options(yield_per=2000))
    try:
        for row, (cid, *who) in zip(rows, customers, strict=True):
            if list(row[at:at + 3]) != who:
                raise RuntimeError(f"{kind}: row {list(row)} is not customer {cid} {who}")
            yield [*row[:at], cid, *row[at:]]
    except ValueError as error:  # zip: not as many rows as customers
        raise RuntimeError(f"{kind}: the sheet's rows and ROW_CUSTOMERS differ ({error})") from error
    finally:
        customers.close()

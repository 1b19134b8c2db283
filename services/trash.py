"""回收站 for timeline records: deleted notes, purchases and follow-ups, restorable one by one.

(Deleted customers live in the same trash; see services.customers.trash_customers.)

The pages' own records (社群, 话术, 素材, 朋友圈, 转介绍 …) join the same trash through PAGE_SOURCES:
one `TrashSource` per kind, whose functions the page's service module provides. Their records have
customer_id 0 and the source's label as "customer name" column text.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from models import Customer, FollowUp, Note, Purchase
from services.i18n import t
from services.timeline import money, refresh_aggregates

KINDS: dict[str, Any] = {"note": Note, "purchase": Purchase, "follow_up": FollowUp}


@dataclass(frozen=True)
class TrashSource:
    """A page's deleted records: `listed(session)` → (id, name, summary, deleted_at) of each,
    `restore(session, ids)` and `purge(session, ids or None for all)` (each may commit)."""

    kind: str
    label: str  # shown in the 类型 column, through t()
    listed: Callable[[Session], list[tuple[int, str, str, datetime]]]
    restore: Callable[[Session, list[int]], object]
    purge: Callable[[Session, list[int] | None], object]


def _groups(session: Session) -> list[tuple[int, str, str, datetime]]:
    from services.groups import list_groups

    return [(g.id, g.name, g.kind, g.deleted_at or datetime.min) for g in list_groups(session, status="trash")]


def _restore_groups(session: Session, ids: Sequence[int]) -> object:
    from services.groups import restore_groups

    return restore_groups(session, ids)


def _purge_groups(session: Session, ids: Sequence[int] | None) -> object:
    from services.groups import purge_groups

    return purge_groups(session, ids)


def _library(name: str) -> Callable[..., Any]:
    """services.library's function `name`, imported when first called (话术 and 素材)."""
    def call(*args: Any) -> Any:
        from services import library

        return getattr(library, name)(*args)
    return call


def _lazy(name: str) -> Callable[..., Any]:
    """The function `module.name` of a services module, imported when first called."""
    def call(*args: Any) -> Any:
        import importlib

        module, function = name.split(".")
        return getattr(importlib.import_module(f"services.{module}"), function)(*args)
    return call


PAGE_SOURCES: dict[str, TrashSource] = {
    "group": TrashSource("group", "社群", _groups, _restore_groups, _purge_groups),
    "script": TrashSource("script", "话术", _library("trashed_script_entries"), _library("restore_scripts"),
                          _library("purge_scripts")),
    "material": TrashSource("material", "素材", _library("trashed_material_entries"), _library("restore_materials"),
                            _library("purge_trashed_materials")),
    "post": TrashSource("post", "朋友圈", _lazy("moments.trashed_post_entries"),
                        _lazy("moments.restore_posts"), _lazy("moments.purge_trashed_posts")),
    "referral": TrashSource("referral", "转介绍", _lazy("referrals.trashed_referral_entries"),
                            _lazy("referrals.restore_referrals"), _lazy("referrals.purge_referrals")),
    "campaign": TrashSource("campaign", "裂变活动", _lazy("campaigns.trashed_campaign_entries"),
                            _lazy("campaigns.restore_campaigns"), _lazy("campaigns.purge_campaigns")),
    "product": TrashSource("product", "商品", _lazy("products.trashed_product_entries"),
                           _lazy("products.restore_products"), _lazy("products.purge_products")),
    "point": TrashSource("point", "积分", _lazy("points.trashed_point_entries"),
                         _lazy("points.restore_point_entries"), _lazy("points.purge_point_entries")),
    "care": TrashSource("care", "关怀", _lazy("care.trashed_care_entries"), _lazy("care.restore_care"),
                        _lazy("care.purge_care")),
}


@dataclass(frozen=True)
class TrashedRecord:
    kind: str  # "note" | "purchase" | "follow_up"
    id: int
    customer_id: int
    customer_name: str
    summary: str
    deleted_at: datetime

    @property
    def kind_label(self) -> str:
        if self.kind in PAGE_SOURCES:
            return t(PAGE_SOURCES[self.kind].label)
        return {"note": t("笔记"), "purchase": t("购买"), "follow_up": t("跟进")}[self.kind]


def list_trashed_records(session: Session) -> list[TrashedRecord]:
    """Deleted records of customers that are not themselves in the trash, newest first."""
    found: list[TrashedRecord] = []
    live = Customer.deleted_at.is_(None)
    for note_id, cid, name, kind, body, at in session.execute(
        select(Note.id, Note.customer_id, Customer.remark_name, Note.kind, Note.body, Note.deleted_at)
        .join(Customer, Customer.id == Note.customer_id).where(Note.deleted_at.is_not(None), live)
    ):
        found.append(TrashedRecord("note", note_id, cid, name, f"{kind}：{body[:60]}", at or datetime.min))
    for pid, cid, name, product, cents, day, at in session.execute(
        select(Purchase.id, Purchase.customer_id, Customer.remark_name, Purchase.product,
               Purchase.amount_cents, Purchase.purchased_on, Purchase.deleted_at)
        .join(Customer, Customer.id == Purchase.customer_id).where(Purchase.deleted_at.is_not(None), live)
    ):
        found.append(TrashedRecord("purchase", pid, cid, name, f"{day} {product} {money(cents)}", at or datetime.min))
    for fid, cid, name, reason, due, at in session.execute(
        select(FollowUp.id, FollowUp.customer_id, Customer.remark_name, FollowUp.reason, FollowUp.due_on,
               FollowUp.deleted_at)
        .join(Customer, Customer.id == FollowUp.customer_id).where(FollowUp.deleted_at.is_not(None), live)
    ):
        found.append(TrashedRecord("follow_up", fid, cid, name, f"{due} {reason}", at or datetime.min))
    for source in PAGE_SOURCES.values():
        found += [TrashedRecord(source.kind, rid, 0, name, summary, at) for rid, name, summary, at in source.listed(session)]
    found.sort(key=lambda r: r.deleted_at, reverse=True)
    return found


def restore_records(session: Session, records: list[tuple[str, int]]) -> int:
    """Put (kind, id) records back on their customers' timelines."""
    touched: set[int] = set()
    for kind, source in PAGE_SOURCES.items():
        ids = [rid for k, rid in records if k == kind]
        if ids:
            source.restore(session, ids)
    for kind, record_id in records:
        if kind in PAGE_SOURCES:
            continue
        model = KINDS[kind]
        record = session.get(model, record_id)
        if record is not None and record.deleted_at is not None:
            record.deleted_at = None
            touched.add(record.customer_id)
    session.flush()
    refresh_aggregates(session, sorted(touched))
    session.commit()
    return len(records)


def purge_records(session: Session, records: list[tuple[str, int]] | None = None) -> int:
    """Delete for good: these (kind, id) records, or every deleted record when None."""
    removed = 0
    for kind, source in PAGE_SOURCES.items():
        ids = [rid for k, rid in records or () if k == kind]
        if records is None or ids:
            source.purge(session, None if records is None else ids)
    for kind, model in KINDS.items():
        statement = delete(model).where(model.deleted_at.is_not(None))
        if records is not None:
            ids = [rid for k, rid in records if k == kind]
            if not ids:
                continue
            statement = statement.where(model.id.in_(ids))
        removed += int(session.execute(statement).rowcount)  # type: ignore[attr-defined]
    session.commit()
    return removed


"""回收站 for timeline records: deleted notes, purchases and follow-ups, restorable one by one.

(Deleted customers live in the same trash; see services.customers.trash_customers.)
"""

from __future__ import annotations

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
class TrashedRecord:
    kind: str  # "note" | "purchase" | "follow_up"
    id: int
    customer_id: int
    customer_name: str
    summary: str
    deleted_at: datetime

    @property
    def kind_label(self) -> str:
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
    found.sort(key=lambda r: r.deleted_at, reverse=True)
    return found


def restore_records(session: Session, records: list[tuple[str, int]]) -> int:
    """Put (kind, id) records back on their customers' timelines."""
    touched: set[int] = set()
    for kind, record_id in records:
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


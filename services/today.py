"""今天: what needs doing today. The foundation lists follow-ups; later issues add more kinds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import Customer, FollowUp


@dataclass(frozen=True)
class DueFollowUp:
    id: int
    customer_id: int
    customer_name: str
    due_on: date
    reason: str

    def overdue(self, today: date) -> bool:
        return self.due_on < today


def due_follow_ups(session: Session, today: date, days_ahead: int = 0, limit: int = 500) -> list[DueFollowUp]:
    """Open follow-ups due up to `today + days_ahead` (overdue ones included), oldest first."""
    rows = session.execute(
        select(FollowUp.id, FollowUp.customer_id, Customer.remark_name, FollowUp.due_on, FollowUp.reason)
        .join(Customer, Customer.id == FollowUp.customer_id)
        .where(FollowUp.done_at.is_(None), FollowUp.deleted_at.is_(None), Customer.deleted_at.is_(None),
               FollowUp.due_on <= today + timedelta(days=days_ahead))
        .order_by(FollowUp.due_on, FollowUp.id).limit(limit)
    ).all()
    return [DueFollowUp(*row) for row in rows]


@dataclass(frozen=True)
class BookSummary:
    customers: int
    added_this_month: int
    overdue: int
    due_today: int


def book_summary(session: Session, today: date) -> BookSummary:
    live = Customer.deleted_at.is_(None)
    customers = session.scalar(select(func.count()).where(live)) or 0
    added = session.scalar(select(func.count()).where(live, Customer.added_on >= today.replace(day=1))) or 0
    open_due = select(func.count()).select_from(FollowUp).join(Customer, Customer.id == FollowUp.customer_id) \
        .where(live, FollowUp.done_at.is_(None), FollowUp.deleted_at.is_(None))
    overdue = session.scalar(open_due.where(FollowUp.due_on < today)) or 0
    due_today = session.scalar(open_due.where(FollowUp.due_on == today)) or 0
    return BookSummary(int(customers), int(added), int(overdue), int(due_today))

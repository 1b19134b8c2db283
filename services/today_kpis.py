"""The figures above Today's list: new customers per week, revenue per month, repurchase rate,
referrals per month and follow-up completion — each series in one SQL pass.

    repurchase rate       customers who bought at least twice / customers who bought at all
    follow-up completion  follow-ups due in the last 30 days (up to the day) that are done / all of them
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from models import Customer, FollowUp, Purchase, Referral

WEEKS = 8
MONTHS = 6
COMPLETION_DAYS = 30


@dataclass(frozen=True)
class Kpis:
    day: date
    new_per_week: tuple[tuple[date, int], ...]  # (Monday, customers added that week), oldest first
    revenue_per_month: tuple[tuple[date, int], ...]  # (first of month, fen)
    referrals_per_month: tuple[tuple[date, int], ...]  # (first of month, referrals)
    buyers: int
    repeat_buyers: int
    follow_ups_due: int  # due in the last COMPLETION_DAYS days up to the day
    follow_ups_done: int

    @property
    def repurchase_rate(self) -> float | None:
        return self.repeat_buyers / self.buyers if self.buyers else None

    @property
    def follow_up_completion(self) -> float | None:
        return self.follow_ups_done / self.follow_ups_due if self.follow_ups_due else None

    def to_json(self) -> dict[str, Any]:
        return {
            "date": self.day.isoformat(),
            "new_customers_per_week": [{"week": w.isoformat(), "count": n} for w, n in self.new_per_week],
            "revenue_per_month": [{"month": m.strftime("%Y-%m"), "revenue": cents / 100}
                                  for m, cents in self.revenue_per_month],
            "referrals_per_month": [{"month": m.strftime("%Y-%m"), "count": n} for m, n in self.referrals_per_month],
            "repurchase_rate": self.repurchase_rate, "follow_up_completion": self.follow_up_completion,
        }


def week_starts(day: date, weeks: int = WEEKS) -> list[date]:
    """The Mondays of the last `weeks` weeks, ending with the week of `day`."""
    monday = day - timedelta(days=day.weekday())
    return [monday - timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]


def month_starts(day: date, months: int = MONTHS) -> list[date]:
    """The first days of the last `months` months, ending with the month of `day`."""
    starts = []
    year, month = day.year, day.month
    for _ in range(months):
        starts.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return starts[::-1]


def _bucketed(session: Session, column: Any, value: Any, starts: list[date], end: date, *where: Any) -> list[int]:
    """Sum `value` over rows whose `column` falls in each [start, next start) — one pass, portable SQL."""
    bounds = [*starts[1:], end + timedelta(days=1)]
    sums = [func.coalesce(func.sum(case(((column >= lo) & (column < hi), value), else_=0)), 0)
            for lo, hi in zip(starts, bounds, strict=True)]
    row = session.execute(select(*sums).where(column >= starts[0], column <= end, *where)).one()
    return [int(v or 0) for v in row]


def compute_kpis(session: Session, day: date) -> Kpis:
    live = Customer.deleted_at.is_(None)
    weeks = week_starts(day)
    added = _bucketed(session, Customer.added_on, 1, weeks, day, live)
    months = month_starts(day)
    revenue = _bucketed(session, Purchase.purchased_on, Purchase.amount_cents, months, day,
                        Purchase.deleted_at.is_(None))
    referrals = _bucketed(session, Referral.referred_on, 1, months, day, Referral.deleted_at.is_(None))
    buyers, repeat = session.execute(select(
        func.count().filter(Customer.purchase_count >= 1), func.count().filter(Customer.purchase_count >= 2),
    ).where(live)).one()
    since = day - timedelta(days=COMPLETION_DAYS - 1)
    due, done = session.execute(
        select(func.count(), func.count(FollowUp.done_at))
        .join(Customer, Customer.id == FollowUp.customer_id)
        .where(live, FollowUp.deleted_at.is_(None), FollowUp.due_on >= since, FollowUp.due_on <= day)).one()
    return Kpis(day, tuple(zip(weeks, added, strict=True)), tuple(zip(months, revenue, strict=True)),
                tuple(zip(months, referrals, strict=True)), int(buyers or 0), int(repeat or 0),
                int(due or 0), int(done or 0))

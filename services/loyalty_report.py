"""会员与积分 in numbers — for the 会员 page and `python main.py report loyalty [--json]`:
customers per tier, points issued / spent / expired, and what care (关怀记录) cost in the last 12
months."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import Customer
from models.loyalty import CareEntry
from services.i18n import t
from services.points import point_totals
from services.tiers import tier_counts


@dataclass(frozen=True)
class LoyaltyNumbers:
    tiers: list[tuple[str, int]]  # lowest tier first, then 未达到 when any
    points_issued: int
    points_spent: int
    points_expired: int
    points_outstanding: int
    care_cost_12m_cents: int


def loyalty_numbers(session: Session, today: date | None = None) -> LoyaltyNumbers:
    today = today or date.today()
    totals = point_totals(session)
    care = session.scalar(
        select(func.coalesce(func.sum(CareEntry.cost_cents), 0))
        .join(Customer, Customer.id == CareEntry.customer_id)
        .where(CareEntry.deleted_at.is_(None), Customer.deleted_at.is_(None),
               CareEntry.given_on > today - timedelta(days=365), CareEntry.given_on <= today)) or 0
    return LoyaltyNumbers(tier_counts(session), totals.issued, totals.spent, totals.expired, totals.outstanding,
                          int(care))


def cli_report(session: Session, args: Any) -> int:
    """`python main.py report loyalty [--json]`."""
    from services.cli import emit

    numbers = loyalty_numbers(session)
    care_yuan = numbers.care_cost_12m_cents / 100
    payload = {"tiers": [{"name": name, "customers": count} for name, count in numbers.tiers],
               "points_issued": numbers.points_issued, "points_spent": numbers.points_spent,
               "points_expired": numbers.points_expired, "points_outstanding": numbers.points_outstanding,
               "care_cost_12m": int(care_yuan) if care_yuan.is_integer() else round(care_yuan, 2)}
    lines = [t("会员等级")]
    if numbers.tiers:
        lines += [f"  {name}  {count:>9,}" for name, count in numbers.tiers]
    else:
        lines.append("  " + t("还没有设置会员等级（会员页 → 会员等级 → 加载默认等级）"))
    lines += ["", t("积分：发放 {issued}，使用 {spent}，过期 {expired}，未用 {left}", issued=f"{numbers.points_issued:,}",
                    spent=f"{numbers.points_spent:,}", expired=f"{numbers.points_expired:,}",
                    left=f"{numbers.points_outstanding:,}"),
              t("近 12 个月关怀花费：￥{cost}", cost=f"{care_yuan:,.2f}".replace(".00", ""))]
    emit(args, payload, lines)
    return 0

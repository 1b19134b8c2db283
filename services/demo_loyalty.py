"""Demo data of the 会员 page: the demo shop's catalogue (services.demo PRODUCTS, with the cycles a tea
and beauty shop would use), its purchases linked to it, points from every purchase, some check-ins
and rewards, referral points, and the default member tiers computed. Set-based: a few statements
whatever the number of customers."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from models import ChatGroup, Customer, GroupMember, ReminderState
from models.loyalty import MemberTier, PointEntry, Product
from services import points, tiers
from services.demo_words import PRODUCTS
from services.products import link_purchases

# Product line → repurchase cycle (days); products that do not run out have none.
CYCLES = {"普洱": 60, "白茶": 60, "岩茶": 45, "护肤": 45, "养生": 45, "瑜伽": 60}
NO_CYCLE = ("瑜伽垫", "瑜伽服", "年度", "礼盒", "护理卡")
NOTES = {"2006年易武老生普 整提7饼": "收藏级，只卖老客", "白茶品鉴礼盒": "中秋、春节送礼", "美容院护理卡 10次": "到店使用"}
REWARDS = (("兑换 建盏品茗杯一只", 800), ("兑换 小青柑一罐", 300), ("兑换 面膜一盒", 500), ("兑换 到店护理一次", 1500))


def _cycle(line: str, name: str) -> int | None:
    if line not in CYCLES or any(word in name for word in NO_CYCLE):
        return None
    return 30 if "面膜" in name else CYCLES[line]


def fill(session: Session, options: Any) -> dict[str, int]:
    """Catalogue, links, points and tiers; the caller commits."""
    have = set(session.scalars(select(Product.name)))
    rows = [{"name": name, "category": line, "price_cents": price * 100, "cycle_days": _cycle(line, name),
             "note": NOTES.get(name, ""), "active": "旅行茶具" not in name}
            for line, items in PRODUCTS.items() for name, price in items if name not in have]
    if rows:
        session.execute(insert(Product), rows)
    link_purchases(session)
    earned = points.award_purchase_points(session)
    extra = _checkins_and_rewards(session, getattr(options, "seed", None))
    points.award_referral_points(session)
    points.refresh_balances(session)
    added = 0 if session.scalar(select(MemberTier.id).limit(1)) else tiers.load_default_tiers(session)
    if not added:
        tiers.recompute_tiers(session, announce=False)
    _recent_upgrades(session)
    return {"products": len(rows), "point_entries": earned + extra, "member_tiers": added}


def _checkins_and_rewards(session: Session, seed: object) -> int:
    """Check-ins in their groups for about one member in three (as the 打卡 page ticks them: once per
    group and day, while a member), rewards for one in 25 of those with points."""
    rng = random.Random(f"loyalty-{seed}")
    today = date.today()
    points.refresh_balances(session)
    holders = list(session.execute(select(Customer.id, Customer.points_balance)
                                   .where(Customer.deleted_at.is_(None)).order_by(Customer.id)))
    memberships: dict[int, list[tuple[int, date, date]]] = {}  # customer → (group, first day, last day)
    for gid, cid, joined, left in session.execute(
            select(GroupMember.group_id, GroupMember.customer_id, GroupMember.joined_on, GroupMember.left_on)
            .join(ChatGroup, ChatGroup.id == GroupMember.group_id).where(ChatGroup.deleted_at.is_(None))
            .order_by(GroupMember.id)):
        first, last = max(joined or today - timedelta(days=120), today - timedelta(days=120)), min(left or today, today)
        if first <= last:
            memberships.setdefault(cid, []).append((gid, first, last))
    rows: list[dict[str, Any]] = []
    now = datetime.now().replace(microsecond=0)
    for cid, balance in holders:
        for gid, first, last in memberships.get(cid, ()):
            if rng.random() >= 1 / 3:
                continue
            span = (last - first).days
            for day in sorted({first + timedelta(days=rng.randint(0, span)) for _ in range(rng.randint(1, 6))}):
                rows.append({"customer_id": cid, "entry_on": day, "points": 5, "reason": "checkin", "group_id": gid,
                             "note": "", "created_at": now, "updated_at": now})
        if balance >= 1500 and rng.random() < 1 / 25:
            note, cost = rng.choice(REWARDS)
            rows.append({"customer_id": cid, "entry_on": today - timedelta(days=rng.randint(1, 60)), "points": -cost,
                         "reason": "reward", "note": note, "group_id": None, "created_at": now, "updated_at": now})
        elif rng.random() < 1 / 200:
            rows.append({"customer_id": cid, "entry_on": today - timedelta(days=rng.randint(1, 90)), "points": 200,
                         "reason": "manual", "note": "帮忙转发新品海报", "group_id": None, "created_at": now,
                         "updated_at": now})
    for start in range(0, len(rows), 5000):
        session.execute(insert(PointEntry), rows[start:start + 5000])
    return len(rows)


def _recent_upgrades(session: Session) -> None:
    """A few Today items "升级为 金卡会员": the latest buyers who reached a tier above the first."""
    top = [tier.id for tier in tiers.list_tiers(session, with_counts=False) if tier.threshold > 0]
    if not top:
        return
    today = date.today()
    rows = session.execute(select(Customer.id, Customer.tier_id).where(
        Customer.deleted_at.is_(None), Customer.tier_id.in_(top), Customer.last_purchase_on >= today - timedelta(days=7))
        .order_by(Customer.last_purchase_on.desc(), func.random()).limit(3)).all()
    for cid, tier_id in rows:
        key = f"tier_up:{cid}:{tier_id}:{today.isoformat()}"
        if session.get(ReminderState, key) is None:
            session.add(ReminderState(key=key, customer_id=cid, result=""))
    session.flush()

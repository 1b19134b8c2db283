"""The views over 转介绍: a customer's referral tree and the leaderboard of referrers (KOCs).

    tree = referral_tree(session, customer_id)         # nested TreeNode, one recursive query
    board = leaderboard(session, start=date(2025, 1, 1))  # ranked by referred, buyers, revenue

Both read the stored customer totals (purchase_count, total_spent_cents — kept by
services.timeline) and skip customers and referrals in the 回收站.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Integer, and_, case, func, literal, select
from sqlalchemy.orm import Session, aliased

from models import Customer, Referral
from services.errors import NotFoundError
from services.i18n import t

MAX_DEPTH = 50  # deepest tree level read (a guard: real chains are a few levels)


@dataclass
class TreeNode:
    """One person in a referral tree, with the people they brought under `children`."""

    customer_id: int
    name: str
    joined: date | None  # 添加日期
    referred_on: date | None  # when their 介绍人 brought them (None for the root)
    method: str  # how ("" for the root)
    purchase_count: int
    total_spent_cents: int
    level: int  # 0 = the root
    children: list[TreeNode] = field(default_factory=list)

    def walk(self) -> list[TreeNode]:
        """This node and everyone under it, depth first."""
        found = [self]
        for child in self.children:
            found.extend(child.walk())
        return found

    @property
    def downline(self) -> int:
        """How many people are under this node, at every level."""
        return len(self.walk()) - 1

    @property
    def downline_buyers(self) -> int:
        return sum(1 for node in self.walk()[1:] if node.purchase_count > 0)

    @property
    def downline_spent_cents(self) -> int:
        """What everyone under this node has spent."""
        return sum(node.total_spent_cents for node in self.walk()[1:])

    @property
    def depth(self) -> int:
        """Levels below this node (0 for a leaf)."""
        return max((child.depth + 1 for child in self.children), default=0)


def referral_tree(session: Session, customer_id: int, depth: int | None = None) -> TreeNode:
    """Everyone `customer_id` brought, and whom they brought, … (`depth` levels; all when None).

    One recursive CTE down the live referrals, joined to the customers once — no query per node.
    Children are ordered by 介绍日期."""
    root = session.get(Customer, customer_id)
    if root is None or root.deleted_at is not None:
        raise NotFoundError(t("这位客户已不在客户本里"))
    limit = MAX_DEPTH if depth is None else max(0, min(depth, MAX_DEPTH))
    down = (select(Referral.referee_id.label("id"), Referral.referrer_id.label("parent"),
                   literal(1, Integer).label("level"), Referral.referred_on.label("referred_on"),
                   Referral.method.label("method"))
            .where(Referral.referrer_id == customer_id, Referral.deleted_at.is_(None))
            .cte("down", recursive=True))
    step = (select(Referral.referee_id, Referral.referrer_id, down.c.level + 1, Referral.referred_on, Referral.method)
            .join(down, Referral.referrer_id == down.c.id)
            .where(Referral.deleted_at.is_(None), down.c.level < limit))
    down = down.union_all(step)
    rows = session.execute(
        select(down.c.id, down.c.parent, down.c.level, down.c.referred_on, down.c.method, Customer.remark_name,
               Customer.added_on, Customer.purchase_count, Customer.total_spent_cents)
        .join(Customer, Customer.id == down.c.id)
        .where(Customer.deleted_at.is_(None), down.c.level <= limit)
        .order_by(down.c.level, down.c.referred_on, down.c.id)).all()
    top = TreeNode(root.id, root.display_name, root.added_on, None, "", root.purchase_count,
                   root.total_spent_cents, 0)
    nodes = {root.id: top}
    for cid, parent, level, referred_on, method, name, added_on, count, spent in rows:
        holder = nodes.get(parent)
        if holder is None or cid in nodes:  # under a customer in the 回收站, or a loop in old data
            continue
        node = TreeNode(cid, name, added_on, referred_on, method, count, spent, level)
        nodes[cid] = node
        holder.children.append(node)
    return top


@dataclass(frozen=True)
class LeaderRow:
    """A referrer on the leaderboard."""

    rank: int
    customer_id: int
    name: str
    referred: int  # customers they brought (directly) in the period
    buyers: int  # of those, how many have bought
    revenue_cents: int  # what those customers have spent in all
    own_spent_cents: int  # what the referrer themselves has spent
    loyalty_type: str
    last_referred_on: date | None

    @property
    def conversion(self) -> float | None:
        """Share of the referred who bought (None when they referred nobody)."""
        return self.buyers / self.referred if self.referred else None


def leaderboard(session: Session, start: date | None = None, end: date | None = None,
                limit: int = 50) -> list[LeaderRow]:
    """Referrers ranked by referred customers, then referred buyers, then referred revenue.

    With start/end, only the referrals made in that period count (by 介绍日期, inclusive); the
    buyers and revenue are what those referred customers have bought in all (their stored totals).
    One grouped query."""
    referrer, referee = aliased(Customer, name="referrer"), aliased(Customer, name="referee")
    conditions: list[Any] = [Referral.deleted_at.is_(None), referee.deleted_at.is_(None)]
    if start is not None:
        conditions.append(Referral.referred_on >= start)
    if end is not None:
        conditions.append(Referral.referred_on <= end)
    per_referrer = (
        select(Referral.referrer_id.label("id"), func.count().label("referred"),
               func.sum(case((referee.purchase_count > 0, 1), else_=0)).label("buyers"),
               func.sum(referee.total_spent_cents).label("revenue"),
               func.max(Referral.referred_on).label("last_on"))
        .join(referee, referee.id == Referral.referee_id).where(and_(*conditions))
        .group_by(Referral.referrer_id).subquery())
    rows = session.execute(
        select(per_referrer.c.id, referrer.remark_name, per_referrer.c.referred, per_referrer.c.buyers,
               per_referrer.c.revenue, referrer.total_spent_cents, referrer.loyalty_type, per_referrer.c.last_on)
        .join(referrer, referrer.id == per_referrer.c.id).where(referrer.deleted_at.is_(None))
        .order_by(per_referrer.c.referred.desc(), per_referrer.c.buyers.desc(), per_referrer.c.revenue.desc(),
                  referrer.pinyin, referrer.id)
        .limit(max(0, limit))).all()
    return [LeaderRow(rank, cid, name, int(referred), int(buyers or 0), int(revenue or 0), int(own or 0),
                      loyalty or "", last_on)
            for rank, (cid, name, referred, buyers, revenue, own, loyalty, last_on) in enumerate(rows, start=1)]


@dataclass(frozen=True)
class MethodRow:
    method: str
    referrals: int
    buyers: int  # referred customers who have bought
    revenue_cents: int  # what they have spent


def method_stats(session: Session, start: date | None = None, end: date | None = None) -> list[MethodRow]:
    """Referrals per 裂变 method (the twelve, in seed order; those with none included), one query."""
    from models.referral import REFERRAL_METHODS

    referee = aliased(Customer)
    statement = (select(Referral.method, func.count(), func.sum(case((referee.purchase_count > 0, 1), else_=0)),
                        func.sum(referee.total_spent_cents))
                 .join(referee, referee.id == Referral.referee_id)
                 .where(Referral.deleted_at.is_(None), referee.deleted_at.is_(None)))
    if start is not None:
        statement = statement.where(Referral.referred_on >= start)
    if end is not None:
        statement = statement.where(Referral.referred_on <= end)
    found = {m: (int(n), int(b or 0), int(r or 0)) for m, n, b, r in session.execute(statement.group_by(Referral.method))}
    methods = [*REFERRAL_METHODS, *sorted(set(found) - set(REFERRAL_METHODS))]
    return [MethodRow(m, *found.get(m, (0, 0, 0))) for m in methods]

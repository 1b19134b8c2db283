"""会员等级: tiers reached by the points balance, the spending of the last 12 months (the 365 days up to
and including today) or the number of purchases; the highest tier reached wins ("highest" = the
tier's 级别 `sort`, then its threshold).

Customer.tier_id and Customer.member_level (the tier's name) are worked out by `recompute_tiers` —
one read of the customers (with a grouped sum of their last-12-months purchases when a tier needs
it) and an executemany of the changed rows. It runs after purchases, point changes and imports
(services.timeline.refresh_aggregates), after a tier is edited, and once at start. While no tier is
defined, member_level stays what the seller typed.

An upgrade (to a tier with a threshold above 0) leaves a Today item "王芳 升级为 金卡会员 — 送上祝贺":
a ReminderState "tier_up:<customer>:<tier>:<date>", created once per customer and tier
(services.today_extra.tier_up_items shows it until it is done). Editing the tiers themselves never
announces: that is the seller re-drawing the lines, not customers moving up; nor does a pass over
everyone (the daily one) or one that moves more than ANNOUNCE_LIMIT customers up at once (an import
of old purchases).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import bindparam, case, func, select, update
from sqlalchemy.orm import Session

from models import Customer, Purchase, ReminderState
from models.loyalty import TIER_BASES, MemberTier
from services.errors import NotFoundError, ValidationError
from services.i18n import t
from services.sqlutil import chunks

ANNOUNCE_LIMIT = 200  # more upgrades than this in one pass is history arriving (an import), not news
BASIS_LABELS = {"points": "积分", "spend_12m": "近12个月消费", "purchases": "购买次数"}
MAX_THRESHOLD = 2_000_000_000
# (name, basis, threshold, benefits, colour) — 12-month spending, in fen.
DEFAULT_TIERS = (
    ("普通会员", "spend_12m", 0, "积分兑换礼品；生日当月送一份小礼物", "#9e9e9e"),
    ("银卡会员", "spend_12m", 200_000, "全年 95 折；新品优先试用；生日礼盒", "#78909c"),
    ("金卡会员", "spend_12m", 1_000_000, "全年 9 折；每季度一次专属品鉴；节日礼盒；一对一顾问随时响应", "#c9a227"),
    ("黑金会员", "spend_12m", 5_000_000, "全年 85 折；私享品鉴会与定制服务；逢年过节登门拜访；优先发货、终身售后", "#37474f"),
)


@dataclass(frozen=True)
class TierInput:
    name: str
    basis: str = "spend_12m"
    threshold: int = 0  # points, fen or purchases
    benefits: str = ""
    color: str = "#b8860b"
    sort: int | None = None  # None: after the others


@dataclass(frozen=True)
class TierRow:
    id: int
    name: str
    basis: str
    threshold: int
    benefits: str
    color: str
    sort: int
    customers: int = 0

    @property
    def basis_label(self) -> str:
        return t(BASIS_LABELS.get(self.basis, self.basis))

    @property
    def threshold_text(self) -> str:
        return threshold_text(self.basis, self.threshold)


def threshold_text(basis: str, threshold: int) -> str:
    """'近12个月消费 ≥ ￥2,000' style value only: '￥2,000' / '500 分' / '3 次'."""
    if basis == "spend_12m":
        from services.timeline import money

        return money(threshold)
    if basis == "points":
        return t("{n} 分", n=f"{threshold:,}")
    return t("{n} 次", n=threshold)


def _validate(session: Session, data: TierInput, tier_id: int | None = None) -> TierInput:
    errors: dict[str, str] = {}
    name = " ".join(data.name.split())
    if not name:
        errors["name"] = t("请填写等级名称，如“金卡会员”")
    elif len(name) > 32:
        errors["name"] = t("等级名称最多 32 个字")
    elif session.scalar(select(MemberTier.id).where(MemberTier.name == name, MemberTier.id != (tier_id or 0))):
        errors["name"] = t("已经有叫“{name}”的等级了", name=name)
    if data.basis not in TIER_BASES:
        errors["basis"] = t("等级按什么算：积分、近12个月消费 或 购买次数")
    if data.threshold < 0:
        errors["threshold"] = t("门槛不能是负数")
    elif data.threshold > MAX_THRESHOLD:
        errors["threshold"] = t("门槛太大了")
    color = data.color.strip() or "#b8860b"
    if not (color.startswith("#") and len(color) in (4, 7, 9)):
        errors["color"] = t("颜色要写成 #RRGGBB")
    if errors:
        raise ValidationError(errors)
    return TierInput(name, data.basis, data.threshold, data.benefits.strip(), color, data.sort)


def list_tiers(session: Session, *, with_counts: bool = True) -> list[TierRow]:
    """The tiers from the lowest to the highest, with how many live customers are in each."""
    counts: dict[int, int] = {}
    if with_counts:
        counts = {tid: int(n) for tid, n in session.execute(
            select(Customer.tier_id, func.count()).where(Customer.deleted_at.is_(None), Customer.tier_id.is_not(None))
            .group_by(Customer.tier_id)) if tid is not None}
    return [TierRow(m.id, m.name, m.basis, m.threshold, m.benefits, m.color, m.sort, counts.get(m.id, 0))
            for m in _ordered(session)]


LEVEL_CHOICES_MAX = 50


def level_choices(session: Session) -> list[str]:
    """The 会员等级 the customer list can filter by: the tiers' names from the lowest up, or — no tier
    defined yet — the levels the seller typed or imported (the most common first, at most 50)."""
    tiers = [tier.name for tier in _ordered(session)]
    if tiers:
        return tiers
    live = (Customer.deleted_at.is_(None), Customer.member_level != "")
    return list(session.scalars(select(Customer.member_level).where(*live).group_by(Customer.member_level)
                                .order_by(func.count().desc(), Customer.member_level).limit(LEVEL_CHOICES_MAX)))


def _ordered(session: Session) -> list[MemberTier]:
    return list(session.scalars(select(MemberTier).order_by(MemberTier.sort, MemberTier.threshold, MemberTier.id)))


def create_tier(session: Session, data: TierInput) -> int:
    data = _validate(session, data)
    sort = data.sort if data.sort is not None else (session.scalar(select(func.max(MemberTier.sort))) or 0) + 1
    tier = MemberTier(name=data.name, basis=data.basis, threshold=data.threshold, benefits=data.benefits,
                      color=data.color, sort=sort)
    session.add(tier)
    session.flush()
    recompute_tiers(session, announce=False)
    session.commit()
    return tier.id


def update_tier(session: Session, tier_id: int, data: TierInput) -> None:
    tier = _get(session, tier_id)
    data = _validate(session, data, tier_id)
    tier.name, tier.basis, tier.threshold = data.name, data.basis, data.threshold
    tier.benefits, tier.color = data.benefits, data.color
    if data.sort is not None:
        tier.sort = data.sort
    session.flush()
    recompute_tiers(session, announce=False)
    session.commit()


def move_tier(session: Session, tier_id: int, step: int) -> None:
    """Move a tier one place up (+1, higher) or down (−1) among the others; renumbers 级别 1…n."""
    tiers = _ordered(session)
    index = next((i for i, tier in enumerate(tiers) if tier.id == tier_id), None)
    if index is None:
        raise NotFoundError(t("这个等级已被删除"))
    target = max(0, min(len(tiers) - 1, index + step))
    tiers.insert(target, tiers.pop(index))
    for number, tier in enumerate(tiers, 1):
        tier.sort = number
    session.flush()
    recompute_tiers(session, announce=False)
    session.commit()


def delete_tier(session: Session, tier_id: int) -> int:
    """Delete a tier (they are settings, not records: no 回收站); its customers drop to the next tier
    they reach. Returns how many customers were in it. Commits."""
    tier = _get(session, tier_id)
    name = tier.name
    moved = session.execute(update(Customer).where(Customer.tier_id == tier_id)
                            .values(tier_id=None, member_level="", updated_at=Customer.updated_at)).rowcount  # type: ignore[attr-defined]
    session.delete(tier)
    session.flush()
    if not session.scalar(select(MemberTier.id).limit(1)):  # the last one: its name goes from every customer
        session.execute(update(Customer).where(Customer.member_level == name)
                        .values(member_level="", updated_at=Customer.updated_at))
    recompute_tiers(session, announce=False)
    session.commit()
    return int(moved)


def _get(session: Session, tier_id: int) -> MemberTier:
    tier = session.get(MemberTier, tier_id)
    if tier is None:
        raise NotFoundError(t("这个等级已被删除"))
    return tier


def load_default_tiers(session: Session) -> int:
    """Add 普通会员 / 银卡 ￥2,000 / 金卡 ￥10,000 / 黑金 ￥50,000 (12-month spending) — those whose
    names are not taken; returns how many were added. Commits."""
    have = set(session.scalars(select(MemberTier.name)))
    start = session.scalar(select(func.max(MemberTier.sort))) or 0
    added = 0
    for number, (name, basis, threshold, benefits, color) in enumerate(DEFAULT_TIERS, start + 1):
        if name not in have:
            session.add(MemberTier(name=name, basis=basis, threshold=threshold, benefits=benefits, color=color,
                                   sort=number))
            added += 1
    session.flush()
    recompute_tiers(session, announce=False)
    session.commit()
    return added


def rank_key(session: Session) -> Any:
    """An ORDER BY key putting customers in tier order (higher tier = larger), NULL without a tier;
    None while no tier is defined (member_level is then the seller's own text). A CASE over
    customer.tier_id, read from the (deleted_at, tier_id) index (services.customer_query)."""
    ranks = {tier.id: rank for rank, tier in enumerate(_ordered(session), start=1)}
    return case(ranks, value=Customer.tier_id, else_=None) if ranks else None


def has_tiers(session: Session) -> bool:
    return session.scalar(select(MemberTier.id).limit(1)) is not None


# ---- recompute -----------------------------------------------------------------------------------

def recompute_tiers(session: Session, customer_ids: list[int] | None = None, today: date | None = None,
                    *, announce: bool = True) -> list[tuple[int, str | None, str | None]]:
    """Set tier_id and member_level of these customers (or all live ones) to the highest tier they
    reach; returns (customer id, old tier name, new tier name) of those whose tier changed. Upgrades
    leave a Today item when `announce`. No commit."""
    today = today or date.today()
    tiers = _ordered(session)
    if not tiers:
        for chunk in chunks(customer_ids) if customer_ids is not None else [None]:
            clear = update(Customer).where(Customer.tier_id.is_not(None)).values(
                tier_id=None, updated_at=Customer.updated_at)
            session.execute(clear if chunk is None else clear.where(Customer.id.in_(chunk)))
        return []
    rank = {tier.id: i for i, tier in enumerate(tiers)}
    names = {tier.id: tier.name for tier in tiers}
    needs_spend = any(tier.basis == "spend_12m" for tier in tiers)
    top_down = list(reversed(tiers))
    changes: list[tuple[int, str | None, str | None]] = []
    writes: list[dict[str, object]] = []
    upgrades: list[tuple[int, int]] = []
    for chunk in chunks(customer_ids) if customer_ids is not None else [None]:
        spend = _spend_12m(session, today, chunk) if needs_spend else {}
        statement = select(Customer.id, Customer.tier_id, Customer.member_level, Customer.points_balance,
                           Customer.purchase_count).where(Customer.deleted_at.is_(None))
        if chunk is not None:
            statement = statement.where(Customer.id.in_(chunk))
        for cid, old_id, level, points, purchases in session.connection().execute(statement):
            values = {"points": points or 0, "spend_12m": spend.get(cid, 0), "purchases": purchases or 0}
            new = next((tier for tier in top_down if values[tier.basis] >= tier.threshold), None)
            new_id = new.id if new else None
            new_name = new.name if new else ""
            if new_id == old_id and level == new_name:
                continue
            writes.append({"cid": cid, "tier": new_id, "level": new_name})
            if new_id != old_id:
                changes.append((cid, names.get(old_id) if old_id is not None else None, new.name if new else None))
                if new is not None and new.threshold > 0 and (old_id not in rank or rank[new.id] > rank[old_id]):
                    upgrades.append((cid, new.id))
    table: Any = Customer.__table__
    for start in range(0, len(writes), 5000):
        session.execute(update(table).where(table.c.id == bindparam("cid"))
                        .values(tier_id=bindparam("tier"), member_level=bindparam("level")),
                        writes[start:start + 5000])
    if announce and 0 < len(upgrades) <= ANNOUNCE_LIMIT:
        _announce(session, upgrades, today)
    return changes


def _spend_12m(session: Session, today: date, customer_ids: list[int] | None) -> dict[int, int]:
    """customer id → the sum of their live purchases of the 365 days up to and including `today`."""
    statement = (select(Purchase.customer_id, func.sum(Purchase.amount_cents))
                 .where(Purchase.deleted_at.is_(None), Purchase.purchased_on > today - timedelta(days=365),
                        Purchase.purchased_on <= today).group_by(Purchase.customer_id))
    if customer_ids is not None:
        statement = statement.where(Purchase.customer_id.in_(customer_ids))
    return {cid: int(total or 0) for cid, total in session.connection().execute(statement)}


def _announce(session: Session, upgrades: list[tuple[int, int]], today: date) -> None:
    """A Today item per upgrade — unless this customer was already congratulated on this tier."""
    seen: set[str] = set()
    for chunk in chunks(sorted({cid for cid, _tier in upgrades})):
        for key in session.scalars(select(ReminderState.key).where(
                ReminderState.key >= "tier_up:", ReminderState.key < "tier_up;",
                ReminderState.customer_id.in_(chunk))):
            seen.add(":".join(key.split(":")[:3]))
    for cid, tier_id in upgrades:
        prefix = f"tier_up:{cid}:{tier_id}"
        if prefix not in seen:
            seen.add(prefix)
            session.add(ReminderState(key=f"{prefix}:{today.isoformat()}", customer_id=cid, result=""))
    session.flush()


def recompute_all(session: Session, today: date | None = None) -> int:
    """Everyone, without announcing (the 会员等级 tab's 重新计算, and the daily pass); commits."""
    changed = recompute_tiers(session, today=today, announce=False)
    session.commit()
    return len(changed)


def tier_counts(session: Session) -> list[tuple[str, int]]:
    """(tier name, live customers) from the lowest tier to the highest, then 未达到 when any."""
    rows = list_tiers(session)
    result = [(row.name, row.customers) for row in rows]
    unreached = session.scalar(select(func.count()).where(Customer.deleted_at.is_(None), Customer.tier_id.is_(None)))
    if rows and unreached:
        result.append((t("未达到"), int(unreached)))
    return result

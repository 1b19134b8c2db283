"""Loyalty and care: the product catalogue, points (积分), member tiers (会员等级), auto-tag rules and
the care log (关怀记录). Seed 001: "私域如何做高客单的生意" §五–§七, "喜茶千万私域运营拆解" 积分/会员体系,
"私域运营精细化" §2.2 标签动态调整."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, Timestamps

# Why points moved: earned by a purchase, a referred buyer, a group check-in or by hand; spent on a
# reward; taken back when they expire.
POINT_REASONS = ("purchase", "referral", "checkin", "manual", "reward", "expire")
# What a tier's threshold counts: the points balance, the spending of the last 12 months (fen), or
# the number of purchases.
TIER_BASES = ("points", "spend_12m", "purchases")
# The conditions an auto-tag rule can watch; `params` holds their values, e.g. {"category": "普洱"},
# {"cents": 500000}, {"days": 90}, {"group_id": 3}.
AUTO_TAG_KINDS = ("category", "spend_12m", "no_purchase_days", "in_group")
CARE_KINDS = ("gift", "visit", "service", "favour", "other")  # 礼物 拜访 服务 帮忙 其他


class Product(Timestamps, Base):
    """A product the seller sells, with how long it lasts (repurchase cycle, days)."""

    __tablename__ = "product"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    category: Mapped[str] = mapped_column(String(50), default="", index=True)
    price_cents: Mapped[int] = mapped_column(Integer, default=0)
    cycle_days: Mapped[int | None] = mapped_column(Integer, default=None)  # None: no repurchase reminder
    note: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)  # still on sale
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)  # 回收站
    import_batch_id: Mapped[int | None] = mapped_column(Integer, default=None, index=True)


class PointEntry(Timestamps, Base):
    """One line of a customer's points ledger: + earned, − spent or expired."""

    __tablename__ = "point_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id", ondelete="CASCADE"))
    entry_on: Mapped[date] = mapped_column(Date)
    points: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(10), default="manual")  # one of POINT_REASONS
    note: Mapped[str] = mapped_column(Text, default="")
    purchase_id: Mapped[int | None] = mapped_column(ForeignKey("purchase.id", ondelete="SET NULL"), default=None)
    referral_id: Mapped[int | None] = mapped_column(ForeignKey("referral.id", ondelete="SET NULL"), default=None)
    # The group of a 社群打卡 entry (services.points.record_checkins): one per member, group and day.
    group_id: Mapped[int | None] = mapped_column(ForeignKey("chat_group.id", ondelete="SET NULL"), default=None)
    expires_on: Mapped[date | None] = mapped_column(Date, default=None)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    import_batch_id: Mapped[int | None] = mapped_column(Integer, default=None, index=True)

    __table_args__ = (Index("ix_point_entry_customer", "customer_id", "entry_on"),
                      Index("ix_point_entry_purchase", "purchase_id"),  # deleting purchases looks them up
                      Index("ix_point_entry_referral", "referral_id"),
                      Index("ix_point_entry_group", "group_id", "entry_on"))  # a group's check-ins of a day


class MemberTier(Timestamps, Base):
    """会员等级: reached when the basis reaches the threshold; the highest tier reached wins."""

    __tablename__ = "member_tier"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(32), unique=True)
    basis: Mapped[str] = mapped_column(String(12), default="spend_12m")  # one of TIER_BASES
    threshold: Mapped[int] = mapped_column(Integer, default=0)  # points, fen, or purchases
    benefits: Mapped[str] = mapped_column(Text, default="")
    color: Mapped[str] = mapped_column(String(9), default="#b8860b")
    sort: Mapped[int] = mapped_column(Integer, default=0)


class AutoTagRule(Timestamps, Base):
    """"bought category X → tag X", "spent over ￥N in 12 months → 高净值", "no purchase in 90 days → 沉睡",
    "joined group G → tag". Tags a rule adds carry its id (customer_tag.auto_rule_id) and are taken
    off when the condition stops holding."""

    __tablename__ = "auto_tag_rule"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), default="")
    kind: Mapped[str] = mapped_column(String(20))  # one of AUTO_TAG_KINDS
    params: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    tag_id: Mapped[int] = mapped_column(ForeignKey("tag.id", ondelete="CASCADE"))
    enabled: Mapped[bool] = mapped_column(Boolean, default=False)  # previewed before it is switched on
    sort: Mapped[int] = mapped_column(Integer, default=0)


class AutoTagExclusion(Base):
    """A customer the seller took a rule's tag off by hand: the rule leaves them alone until the
    seller clears the rule's exclusions (services.auto_tags)."""

    __tablename__ = "auto_tag_exclusion"

    rule_id: Mapped[int] = mapped_column(ForeignKey("auto_tag_rule.id", ondelete="CASCADE"), primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id", ondelete="CASCADE"), primary_key=True,
                                             index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=datetime.now,
                                                 server_default=func.current_timestamp())


class CareEntry(Timestamps, Base):
    """关怀记录: a gift, visit, service or favour given to a client."""

    __tablename__ = "care_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id", ondelete="CASCADE"))
    given_on: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(10), default="gift")  # one of CARE_KINDS
    cost_cents: Mapped[int] = mapped_column(Integer, default=0)
    note: Mapped[str] = mapped_column(Text, default="")
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    import_batch_id: Mapped[int | None] = mapped_column(Integer, default=None, index=True)

    __table_args__ = (Index("ix_care_entry_customer", "customer_id", "given_on"),)

"""转介绍: who brought whom. The referrals issue adds campaigns and rewards views on top."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, Timestamps

# The twelve 裂变 methods of seed 001 (做私域，一定要了解的12种裂变引流法).
REFERRAL_METHODS = ("分销", "任务", "内容", "现场", "地推", "口碑", "积分", "打卡", "联合", "工具", "拼团", "比赛")
REWARD_STATUSES = ("无", "待发放", "已发放")


REWARD_KINDS = ("现金", "红包", "积分", "礼品", "优惠券", "服务", "其他")


class Campaign(Timestamps, Base):
    """裂变活动: a referral drive with a method, dates, a goal and what it cost."""

    __tablename__ = "campaign"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    method: Mapped[str] = mapped_column(String(8), default="口碑")  # one of REFERRAL_METHODS
    starts_on: Mapped[date | None] = mapped_column(Date, default=None)
    ends_on: Mapped[date | None] = mapped_column(Date, default=None)
    goal: Mapped[str] = mapped_column(Text, default="")
    cost_cents: Mapped[int] = mapped_column(Integer, default=0)
    note: Mapped[str] = mapped_column(Text, default="")
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)


class Referral(Timestamps, Base):
    __tablename__ = "referral"

    id: Mapped[int] = mapped_column(primary_key=True)
    referrer_id: Mapped[int] = mapped_column(ForeignKey("customer.id", ondelete="CASCADE"))
    referee_id: Mapped[int] = mapped_column(ForeignKey("customer.id", ondelete="CASCADE"), unique=True)
    referred_on: Mapped[date | None] = mapped_column(Date, default=None)
    method: Mapped[str] = mapped_column(String(8), default="口碑")
    reward: Mapped[str] = mapped_column(String(100), default="")
    reward_status: Mapped[str] = mapped_column(String(8), default="无")
    reward_kind: Mapped[str] = mapped_column(String(10), default="", server_default=text("''"))  # one of REWARD_KINDS, or ""
    reward_value_cents: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaign.id", ondelete="SET NULL"), default=None)
    note: Mapped[str] = mapped_column(Text, default="")
    import_batch_id: Mapped[int | None] = mapped_column(Integer, default=None)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)

    __table_args__ = (Index("ix_referral_referrer", "referrer_id"),)

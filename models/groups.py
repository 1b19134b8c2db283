"""社群: WeChat groups, their members, SOP templates, the tasks they lay, and daily stats."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, Timestamps

GROUP_KINDS = ("引流群", "福利群", "快闪群", "VIP群", "服务群")
GROUP_STATUSES = ("active", "archived")  # 运营中 已归档
MEMBER_ROLES = ("owner", "admin", "koc", "member")  # 群主 管理 气氛组KOC 成员
SOP_SHAPES = ("daily", "weekly", "sequence")  # 每日时段 / 每周 / 按天序列
TASK_STATUSES = ("open", "done", "skipped")


class ChatGroup(Timestamps, Base):
    __tablename__ = "chat_group"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("wechat_account.id", ondelete="SET NULL"),
                                                   default=None)
    kind: Mapped[str] = mapped_column(String(10), default="福利群")  # one of GROUP_KINDS
    created_on: Mapped[date | None] = mapped_column(Date, default=None)
    status: Mapped[str] = mapped_column(String(10), default="active")
    positioning: Mapped[str] = mapped_column(Text, default="")  # 定位
    rules: Mapped[str] = mapped_column(Text, default="")  # 群规
    welcome: Mapped[str] = mapped_column(Text, default="")  # 欢迎语
    announcement: Mapped[str] = mapped_column(Text, default="")  # 群公告
    auto_replies: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)  # [{"q": …, "a": …}]
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    import_batch_id: Mapped[int | None] = mapped_column(Integer, default=None, index=True)


class GroupMember(Timestamps, Base):
    __tablename__ = "group_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("chat_group.id", ondelete="CASCADE"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(8), default="member")  # one of MEMBER_ROLES
    joined_on: Mapped[date | None] = mapped_column(Date, default=None)
    left_on: Mapped[date | None] = mapped_column(Date, default=None)
    import_batch_id: Mapped[int | None] = mapped_column(Integer, default=None, index=True)

    __table_args__ = (UniqueConstraint("group_id", "customer_id", name="uq_group_member_customer"),)


class SopTemplate(Timestamps, Base):
    __tablename__ = "sop_template"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), unique=True)
    shape: Mapped[str] = mapped_column(String(10), default="daily")  # one of SOP_SHAPES
    description: Mapped[str] = mapped_column(Text, default="")
    days: Mapped[int] = mapped_column(Integer, default=0)  # a sequence's length in days
    version: Mapped[int] = mapped_column(Integer, default=1)  # bumped on every edit (re-apply asks)
    builtin: Mapped[bool] = mapped_column(Boolean, default=False)


class SopStep(Base):
    """One step. `day`: 0 for daily slots, 1–7 (Monday = 1) for weekly, 1… for sequences."""

    __tablename__ = "sop_step"

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("sop_template.id", ondelete="CASCADE"), index=True)
    day: Mapped[int] = mapped_column(Integer, default=0)
    time: Mapped[str] = mapped_column(String(5), default="09:00")  # HH:MM local, no time zone
    title: Mapped[str] = mapped_column(String(100))
    body: Mapped[str] = mapped_column(Text, default="")
    material_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    sort: Mapped[int] = mapped_column(Integer, default=0)


class GroupTemplateUse(Timestamps, Base):
    """A template applied to a group from a date (to an end date for sequences or if chosen)."""

    __tablename__ = "group_template_use"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("chat_group.id", ondelete="CASCADE"), index=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("sop_template.id", ondelete="CASCADE"))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date, default=None)
    template_version: Mapped[int] = mapped_column(Integer, default=1)


class GroupTask(Timestamps, Base):
    __tablename__ = "group_task"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("chat_group.id", ondelete="CASCADE"))
    use_id: Mapped[int | None] = mapped_column(ForeignKey("group_template_use.id", ondelete="SET NULL"),
                                               default=None, index=True)
    step_id: Mapped[int | None] = mapped_column(ForeignKey("sop_step.id", ondelete="SET NULL"), default=None)
    due_at: Mapped[datetime] = mapped_column(DateTime)
    title: Mapped[str] = mapped_column(String(100))
    body: Mapped[str] = mapped_column(Text, default="")
    material_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(8), default="open")  # one of TASK_STATUSES
    done_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    done_note: Mapped[str] = mapped_column(Text, default="")
    edited: Mapped[bool] = mapped_column(Boolean, default=False)  # changed by hand: re-apply keeps it
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)

    __table_args__ = (Index("ix_group_task_due", "due_at", "group_id"),)


class GroupDailyStat(Timestamps, Base):
    """群日数据: one row per group and day, typed in or imported."""

    __tablename__ = "group_daily_stat"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("chat_group.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    members: Mapped[int | None] = mapped_column(Integer, default=None)  # at the end of the day
    joined: Mapped[int] = mapped_column(Integer, default=0)
    left: Mapped[int] = mapped_column(Integer, default=0)
    exposures: Mapped[int] = mapped_column(Integer, default=0)  # 入群渠道曝光数
    messages: Mapped[int] = mapped_column(Integer, default=0)
    active_speakers: Mapped[int] = mapped_column(Integer, default=0)
    buyers: Mapped[int] = mapped_column(Integer, default=0)
    orders: Mapped[int] = mapped_column(Integer, default=0)
    revenue_cents: Mapped[int] = mapped_column(Integer, default=0)
    cost_cents: Mapped[int] = mapped_column(Integer, default=0)
    import_batch_id: Mapped[int | None] = mapped_column(Integer, default=None, index=True)

    __table_args__ = (UniqueConstraint("group_id", "day", name="uq_group_daily_stat_day"),)

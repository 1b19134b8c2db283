"""客户 — one person in the book, and the customer↔tag link."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, Timestamps


class Customer(Timestamps, Base):
    __tablename__ = "customer"

    id: Mapped[int] = mapped_column(primary_key=True)
    remark_name: Mapped[str] = mapped_column(String(100))  # 备注名, the main display name
    real_name: Mapped[str] = mapped_column(String(100), default="")
    wechat_id: Mapped[str] = mapped_column(String(100), default="")
    nickname: Mapped[str] = mapped_column(String(100), default="")
    wechat_account_id: Mapped[int | None] = mapped_column(
        ForeignKey("wechat_account.id", ondelete="SET NULL"), default=None
    )
    phone: Mapped[str] = mapped_column(String(32), default="")  # digits only, e.g. 13800138000
    gender: Mapped[str] = mapped_column(String(8), default="")  # "" / 男 / 女
    # Birthday: month and day always together; the year is optional; lunar birthdays keep the
    # lunar month/day (and whether the month is a leap month).
    birthday_year: Mapped[int | None] = mapped_column(Integer, default=None)
    birthday_month: Mapped[int | None] = mapped_column(Integer, default=None)
    birthday_day: Mapped[int | None] = mapped_column(Integer, default=None)
    birthday_lunar: Mapped[bool] = mapped_column(Boolean, default=False)
    birthday_leap_month: Mapped[bool] = mapped_column(Boolean, default=False)
    city: Mapped[str] = mapped_column(String(100), default="")
    address: Mapped[str] = mapped_column(Text, default="")
    occupation: Mapped[str] = mapped_column(String(100), default="")
    source: Mapped[str] = mapped_column(String(100), default="")  # 来源渠道
    added_on: Mapped[date | None] = mapped_column(Date, default=None)  # 添加日期
    stage: Mapped[str] = mapped_column(String(16), default="潜在")  # computed, see services.stages
    stage_override: Mapped[str] = mapped_column(String(16), default="")  # manual stage, kept as such
    member_level: Mapped[str] = mapped_column(String(32), default="")  # 会员等级

    # Kept by services.timeline whenever purchases or follow-ups change, so that the list can sort
    # and filter on them in SQL.
    total_spent_cents: Mapped[int] = mapped_column(Integer, default=0)
    purchase_count: Mapped[int] = mapped_column(Integer, default=0)
    first_purchase_on: Mapped[date | None] = mapped_column(Date, default=None)
    last_purchase_on: Mapped[date | None] = mapped_column(Date, default=None)
    next_follow_up_on: Mapped[date | None] = mapped_column(Date, default=None)
    last_interaction_on: Mapped[date | None] = mapped_column(Date, default=None)  # note, purchase, done follow-up

    # Layers (分层), recomputed by services.layers — never typed by hand.
    rfm_r: Mapped[int | None] = mapped_column(Integer, default=None)  # 1–5, None without purchases
    rfm_f: Mapped[int | None] = mapped_column(Integer, default=None)
    rfm_m: Mapped[int | None] = mapped_column(Integer, default=None)
    rfm_segment: Mapped[str] = mapped_column(String(8), default="", server_default=text("''"))  # 重要价值 …
    loyalty_type: Mapped[str] = mapped_column(String(8), default="", server_default=text("''"))  # 忠实型 / 羊毛型 / 需求型 / 低需求

    # Loyalty (services.loyalty): the points balance (sum of the live ledger) and the member tier
    # reached; member_level shows that tier's name once tiers are defined.
    points_balance: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # (No foreign key: adding one would make SQLite rebuild the customer table and lose its search
    # triggers; services.loyalty clears tier_id when a tier is deleted.)
    tier_id: Mapped[int | None] = mapped_column(Integer, default=None)

    # Search support: lower-cased names, WeChat ID, phone, pinyin and initials, custom text values.
    pinyin: Mapped[str] = mapped_column(String(400), default="")
    initials: Mapped[str] = mapped_column(String(100), default="")
    search_text: Mapped[str] = mapped_column(Text, default="")
    search_letters: Mapped[str] = mapped_column(Text, default="", server_default=text("''"))  # services.text.letter_items

    deleted_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)  # 回收站
    import_batch_id: Mapped[int | None] = mapped_column(Integer, default=None, index=True)  # created by

    tags: Mapped[list[CustomerTag]] = relationship(
        back_populates="customer", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def display_name(self) -> str:
        return self.remark_name or self.real_name or self.nickname or self.wechat_id

    __table_args__ = (
        Index("ix_customer_live_pinyin", "deleted_at", "pinyin"),
        Index("ix_customer_live_total", "deleted_at", "total_spent_cents"),
        Index("ix_customer_live_last", "deleted_at", "last_purchase_on"),
        Index("ix_customer_live_next", "deleted_at", "next_follow_up_on"),
        Index("ix_customer_live_added", "deleted_at", "added_on"),
        # 积分 and 会员等级 columns of the list (services.customer_query) and the tier filters of the
        # care reminders (services.care): sorted and filtered through these at 100,000 customers.
        Index("ix_customer_live_points", "deleted_at", "points_balance"),
        Index("ix_customer_live_level", "deleted_at", "member_level"),
        Index("ix_customer_live_tier", "deleted_at", "tier_id"),
        # Covering index: short searches scan this narrow index instead of the wide table.
        Index("ix_customer_search", "deleted_at", "search_text"),
        Index("ix_customer_search_letters", "deleted_at", "search_letters"),  # short letter queries (zl)
        Index("ix_customer_wechat_id", "wechat_id"),
        Index("ix_customer_phone", "phone"),
    )


class CustomerTag(Base):
    __tablename__ = "customer_tag"

    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customer.id", ondelete="CASCADE"), primary_key=True
    )
    tag_id: Mapped[int] = mapped_column(ForeignKey("tag.id", ondelete="CASCADE"), primary_key=True)
    # Set when an auto-tag rule added the tag (services.auto_tags takes it off again when the
    # condition stops holding); None for tags the seller gave by hand.
    auto_rule_id: Mapped[int | None] = mapped_column(ForeignKey("auto_tag_rule.id", ondelete="SET NULL"),
                                                     default=None)

    customer: Mapped[Customer] = relationship(back_populates="tags")

    __table_args__ = (Index("ix_customer_tag_tag", "tag_id", "customer_id"),)

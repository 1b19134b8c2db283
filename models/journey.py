"""客户SOP journey rules, repurchase cycles, and the done/snoozed state of computed Today items."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, Timestamps

# What a rule counts its offset from.
JOURNEY_TRIGGERS = ("added", "first_purchase", "any_purchase", "last_interaction", "birthday", "custom_date")


class JourneyRule(Timestamps, Base):
    """T+N reminders: e.g. T+0 欢迎 after being added, 30 days without interaction → 唤醒."""

    __tablename__ = "journey_rule"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    trigger: Mapped[str] = mapped_column(String(20), default="added")  # one of JOURNEY_TRIGGERS
    offset_days: Mapped[int] = mapped_column(Integer, default=0)
    custom_field_id: Mapped[int | None] = mapped_column(ForeignKey("custom_field.id", ondelete="CASCADE"),
                                                        default=None)  # for custom_date
    # {"tags_all": [ids], "tags_any": [ids], "tags_none": [ids], "stages": [...], "loyalty_types": [...]}
    condition: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    script_id: Mapped[int | None] = mapped_column(ForeignKey("script.id", ondelete="SET NULL"), default=None)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    sort: Mapped[int] = mapped_column(Integer, default=0)


class RepurchaseCycle(Timestamps, Base):
    """How long a product lasts: purchases whose product contains one of `keywords` are due again
    `days` after purchase (the loyalty issue adds a product catalogue with its own cycles)."""

    __tablename__ = "repurchase_cycle"

    id: Mapped[int] = mapped_column(primary_key=True)
    category: Mapped[str] = mapped_column(String(50), unique=True)
    keywords: Mapped[str] = mapped_column(String(400), default="")  # separated by spaces or commas
    days: Mapped[int] = mapped_column(Integer, default=60)


class ReminderState(Base):
    """Done / snoozed state of a computed Today item (journey, birthday, repurchase …), by a stable key
    such as "journey:3:1234:2026-11-23"; follow-ups keep theirs on the follow_up row."""

    __tablename__ = "reminder_state"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id", ondelete="CASCADE"), default=None,
                                                    index=True)
    done_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    result: Mapped[str] = mapped_column(Text, default="")
    snoozed_until: Mapped[date | None] = mapped_column(Date, default=None)

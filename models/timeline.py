"""What happens around a customer: notes, purchases and follow-ups."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, Timestamps

NOTE_KINDS = ("身份", "购买", "咨询", "喜好", "售后", "其他")


class Note(Timestamps, Base):
    __tablename__ = "note"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(8), default="其他")
    body: Mapped[str] = mapped_column(Text)
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    noted_at: Mapped[datetime] = mapped_column(DateTime)  # when it happened, shown on the timeline
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)  # 回收站
    import_batch_id: Mapped[int | None] = mapped_column(Integer, default=None, index=True)  # created by

    __table_args__ = (Index("ix_note_customer", "customer_id", "noted_at"),)


class Purchase(Timestamps, Base):
    __tablename__ = "purchase"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id", ondelete="CASCADE"))
    purchased_on: Mapped[date] = mapped_column(Date)
    product: Mapped[str] = mapped_column(String(200))
    # The catalogue's product when picked or matched (services.products); the text above stays.
    product_id: Mapped[int | None] = mapped_column(ForeignKey("product.id", ondelete="SET NULL"), default=None,
                                                   index=True)
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    amount_cents: Mapped[int] = mapped_column(Integer, default=0)  # the whole line, in fen
    channel: Mapped[str] = mapped_column(String(50), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)  # 回收站
    import_batch_id: Mapped[int | None] = mapped_column(Integer, default=None, index=True)  # created by

    __table_args__ = (
        Index("ix_purchase_customer", "customer_id", "purchased_on"),
        # 该复购了: a product's purchases since a day (services.repurchase.product_due, at every 今天)
        Index("ix_purchase_product_day", "product_id", "purchased_on"),
    )


class FollowUp(Timestamps, Base):
    __tablename__ = "follow_up"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id", ondelete="CASCADE"))
    due_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(200))
    done_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    result: Mapped[str] = mapped_column(Text, default="")
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)  # 回收站
    import_batch_id: Mapped[int | None] = mapped_column(Integer, default=None, index=True)  # created by

    __table_args__ = (
        Index("ix_follow_up_customer", "customer_id", "due_on"),
        Index("ix_follow_up_open", "done_at", "due_on"),
    )

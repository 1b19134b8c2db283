"""标签组 / 标签."""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, Timestamps


class TagGroup(Timestamps, Base):
    __tablename__ = "tag_group"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), unique=True)
    multi: Mapped[bool] = mapped_column(Boolean, default=True)  # False: a customer has at most one
    color: Mapped[str] = mapped_column(String(9), default="#607d8b")
    sort: Mapped[int] = mapped_column(Integer, default=0)

    tags: Mapped[list[Tag]] = relationship(
        back_populates="group", order_by="Tag.sort, Tag.id", cascade="all, delete-orphan"
    )


class Tag(Timestamps, Base):
    __tablename__ = "tag"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("tag_group.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(50))
    color: Mapped[str] = mapped_column(String(9), default="")  # "" = the group's colour
    sort: Mapped[int] = mapped_column(Integer, default=0)

    group: Mapped[TagGroup] = relationship(back_populates="tags")

    __table_args__ = (UniqueConstraint("group_id", "name", name="uq_tag_group_name"),)

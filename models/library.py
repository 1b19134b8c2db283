"""话术库 scripts and 素材库 materials: reusable text, images and links."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, Timestamps

SCRIPT_CATEGORIES = ("开场", "欢迎语", "回访", "催复购", "生日祝福", "售后", "唤醒", "其他")
PLACEHOLDERS = ("{称呼}", "{姓名}", "{产品}", "{上次购买}")
MATERIAL_KINDS = ("text", "image", "link")


class Script(Timestamps, Base):
    __tablename__ = "script"

    id: Mapped[int] = mapped_column(primary_key=True)
    category: Mapped[str] = mapped_column(String(20), default="其他")
    title: Mapped[str] = mapped_column(String(100))
    body: Mapped[str] = mapped_column(Text, default="")  # may hold PLACEHOLDERS
    use_count: Mapped[int] = mapped_column(Integer, default=0)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    import_batch_id: Mapped[int | None] = mapped_column(Integer, default=None, index=True)


class Material(Timestamps, Base):
    __tablename__ = "material"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(8), default="text")  # one of MATERIAL_KINDS
    category: Mapped[str] = mapped_column(String(20), default="")
    title: Mapped[str] = mapped_column(String(100))
    body: Mapped[str] = mapped_column(Text, default="")  # the text, or the link's address
    path: Mapped[str] = mapped_column(String(260), default="")  # image: relative to the data folder
    tags: Mapped[str] = mapped_column(String(200), default="")  # free words, separated by spaces
    use_count: Mapped[int] = mapped_column(Integer, default=0)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    import_batch_id: Mapped[int | None] = mapped_column(Integer, default=None, index=True)

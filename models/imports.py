"""导入批次: what one import created and changed, so that it can be undone."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class ImportBatch(Base):
    __tablename__ = "import_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # customers / notes / purchases / referrals / all
    file_name: Mapped[str] = mapped_column(String(260))
    sheet: Mapped[str] = mapped_column(String(100), default="")
    started_at: Mapped[datetime] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    rows: Mapped[int] = mapped_column(Integer, default=0)
    created: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    skipped: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[int] = mapped_column(Integer, default=0)
    undone_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)


class ImportChange(Base):
    """A record an import updated, with its values before, so that undo can put them back.

    Records an import *created* carry its batch id in their own `import_batch_id` column instead.
    """

    __tablename__ = "import_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batch.id", ondelete="CASCADE"))
    table_name: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[int] = mapped_column(Integer)
    before: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)

    __table_args__ = (Index("ix_import_change_batch", "batch_id", "table_name"),)


class SavedMapping(Base):
    """The column mapping a user confirmed for a set of headers, offered again for the same set."""

    __tablename__ = "saved_mapping"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    headers_key: Mapped[str] = mapped_column(Text)  # the headers, joined
    mapping: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)  # header → field key or ""

    __table_args__ = (Index("ix_saved_mapping_key", "kind", "headers_key", unique=True),)

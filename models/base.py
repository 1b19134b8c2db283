"""Declarative base and the mixins every table shares."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, MetaData, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Stable constraint names, so Alembic migrations work the same on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Timestamps:
    """created_at / updated_at in local time to the microsecond, set by the ORM (and by Core inserts
    and updates). Undo-import compares them with the moment an import finished, so an edit in the
    same second as the import still counts; the server default only covers raw SQL."""

    created_at: Mapped[datetime] = mapped_column(DateTime, default=datetime.now,
                                                 server_default=func.current_timestamp())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime, default=datetime.now, server_default=func.current_timestamp(), onupdate=datetime.now
    )

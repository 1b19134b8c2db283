"""What the seller sets up once: her WeChat accounts, custom fields and saved filters."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, Timestamps

CUSTOM_FIELD_KINDS = ("text", "number", "date", "choice", "bool")


class WechatAccount(Timestamps, Base):
    __tablename__ = "wechat_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), unique=True)  # what the seller calls it: 工作号1
    wechat_id: Mapped[str] = mapped_column(String(100), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    sort: Mapped[int] = mapped_column(Integer, default=0)


class CustomField(Timestamps, Base):
    __tablename__ = "custom_field"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), unique=True)
    kind: Mapped[str] = mapped_column(String(10), default="text")  # one of CUSTOM_FIELD_KINDS
    choices: Mapped[list[str]] = mapped_column(JSON, default=list)
    show_in_list: Mapped[bool] = mapped_column(Boolean, default=False)
    sort: Mapped[int] = mapped_column(Integer, default=0)


class CustomFieldValue(Base):
    """One value, stored as canonical text: numbers as '12.5', dates as ISO, yes/no as '1'/'0'."""

    __tablename__ = "custom_field_value"

    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customer.id", ondelete="CASCADE"), primary_key=True
    )
    field_id: Mapped[int] = mapped_column(
        ForeignKey("custom_field.id", ondelete="CASCADE"), primary_key=True
    )
    value: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (Index("ix_custom_field_value_field", "field_id", "value"),)


class SmartList(Timestamps, Base):
    """A named, saved customer filter (see services.customer_query.CustomerFilter)."""

    __tablename__ = "smart_list"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), unique=True)
    spec: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)


class AppSetting(Base):
    """Settings that belong to the data, not to one laptop (thresholds, rules), shared in team mode."""

    __tablename__ = "app_setting"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[object] = mapped_column(JSON)

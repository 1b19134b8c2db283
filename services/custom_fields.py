"""The seller's own fields (肤质, 茶叶偏好, 车型 …): defined in settings, valued per customer."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from models import CustomField, CustomFieldValue
from models.settings import CUSTOM_FIELD_KINDS
from services.errors import UserError, ValidationError
from services.i18n import t
from services.text import fold

KIND_LABELS = {"text": "文本", "number": "数字", "date": "日期", "choice": "单选", "bool": "是/否"}
_YES = {"是", "yes", "y", "true", "1", "有", "√"}
_NO = {"否", "no", "n", "false", "0", "无", "×"}


@dataclass(frozen=True)
class FieldDef:
    id: int
    name: str
    kind: str
    choices: tuple[str, ...]
    show_in_list: bool

    @property
    def key(self) -> str:
        """The form/validation key of this field."""
        return f"custom:{self.id}"


def list_fields(session: Session) -> list[FieldDef]:
    rows = session.scalars(select(CustomField).order_by(CustomField.sort, CustomField.id))
    return [FieldDef(f.id, f.name, f.kind, tuple(f.choices or ()), f.show_in_list) for f in rows]


def save_field(session: Session, name: str, kind: str, choices: list[str] | None = None,
               show_in_list: bool = False, field_id: int | None = None) -> int:
    name = fold(name)
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = t("字段名不能为空")
    if kind not in CUSTOM_FIELD_KINDS:
        errors["kind"] = t("不支持的字段类型")
    clean_choices = [fold(c) for c in choices or [] if fold(c)]
    if kind == "choice" and not clean_choices:
        errors["choices"] = t("单选字段至少要有一个选项")
    clash = session.scalar(select(CustomField.id).where(CustomField.name == name, CustomField.id != (field_id or 0)))
    if clash:
        errors["name"] = t("已经有叫“{name}”的字段了", name=name)
    if errors:
        raise ValidationError(errors)
    if field_id is None:
        sort = int(session.scalar(select(func.coalesce(func.max(CustomField.sort), 0))) or 0) + 1
        record = CustomField(name=name, kind=kind, choices=clean_choices, show_in_list=show_in_list, sort=sort)
        session.add(record)
    else:
        record = session.get(CustomField, field_id) or _missing()
        if record.kind != kind and _has_values(session, field_id):
            raise UserError(t("字段“{name}”已有数据，不能改类型", name=record.name))
        record.name, record.kind, record.choices, record.show_in_list = name, kind, clean_choices, show_in_list
    session.commit()
    return record.id


def delete_field(session: Session, field_id: int) -> None:
    """Delete a field and its values; searches stop finding customers by them."""
    from services.customers import refresh_search_text

    touched = list(session.scalars(select(CustomFieldValue.customer_id).where(CustomFieldValue.field_id == field_id)))
    session.execute(delete(CustomFieldValue).where(CustomFieldValue.field_id == field_id))
    session.execute(delete(CustomField).where(CustomField.id == field_id))
    refresh_search_text(session, touched)
    session.commit()


def _missing() -> CustomField:
    raise UserError(t("这个字段已被删除"))


def _has_values(session: Session, field_id: int) -> bool:
    return session.scalar(select(CustomFieldValue.customer_id).where(
        CustomFieldValue.field_id == field_id, CustomFieldValue.value != "").limit(1)) is not None


def clean_value(spec: FieldDef, raw: str) -> str:
    """Canonical stored text for a typed value, or ValueError with a message."""
    text = fold(raw)
    if not text:
        return ""
    if spec.kind == "number":
        number = text.replace(",", "").replace("，", "")
        if not re.fullmatch(r"-?\d+(\.\d+)?", number):
            raise ValueError(t("“{name}”应填数字，而不是“{value}”", name=spec.name, value=raw))
        return str(float(number)).removesuffix(".0")
    if spec.kind == "date":
        match = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", text)
        try:
            if not match:
                raise ValueError
            return date(int(match[1]), int(match[2]), int(match[3])).isoformat()
        except ValueError:
            raise ValueError(t("“{name}”应填日期（如 2024-05-01），而不是“{value}”",
                               name=spec.name, value=raw)) from None
    if spec.kind == "choice":
        if text not in spec.choices:
            raise ValueError(t("“{name}”只能选：{choices}", name=spec.name, choices="、".join(spec.choices)))
        return text
    if spec.kind == "bool":
        if text.lower() in _YES:
            return "1"
        if text.lower() in _NO:
            return "0"
        raise ValueError(t("“{name}”只能填 是 或 否", name=spec.name))
    return text


def display_value(spec: FieldDef, stored: str) -> str:
    if spec.kind == "bool" and stored:
        return t("是") if stored == "1" else t("否")
    return stored


def clean_values(session: Session, values: dict[int, str]) -> tuple[dict[int, str], dict[str, str]]:
    specs = {f.id: f for f in list_fields(session)} if values else {}
    clean: dict[int, str] = {}
    errors: dict[str, str] = {}
    for field_id, raw in values.items():
        spec = specs.get(field_id)
        if spec is None:
            continue
        try:
            clean[field_id] = clean_value(spec, raw)
        except ValueError as exc:
            errors[spec.key] = str(exc)
    return clean, errors


def store_values(session: Session, customer_id: int, values: dict[int, str]) -> None:
    for field_id, value in values.items():
        record = session.get(CustomFieldValue, (customer_id, field_id))
        if record is None:
            session.add(CustomFieldValue(customer_id=customer_id, field_id=field_id, value=value))
        else:
            record.value = value


def searchable_values(session: Session, customer_ids: list[int]) -> dict[int, list[str]]:
    """Text and choice values, which the customer search also looks in."""
    rows = session.execute(
        select(CustomFieldValue.customer_id, CustomFieldValue.value)
        .join(CustomField, CustomField.id == CustomFieldValue.field_id)
        .where(CustomFieldValue.customer_id.in_(customer_ids), CustomFieldValue.value != "",
               CustomField.kind.in_(("text", "choice")))
    ).all()
    found: dict[int, list[str]] = {}
    for cid, value in rows:
        found.setdefault(cid, []).append(value)
    return found

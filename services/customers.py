"""客户: create, edit, validate, trash and restore customers; bulk actions on a selection."""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from models import Customer, CustomerTag, CustomFieldValue, FollowUp, WechatAccount
from services import custom_fields as cf
from services.birthday import Birthday
from services.errors import ConflictError, NotFoundError, ValidationError
from services.i18n import t
from services.sqlutil import chunks, expire_held
from services.stages import STAGES
from services.text import fold, normalize_phone, search_columns

GENDERS = ("", "男", "女")


@dataclass
class CustomerInput:
    """A customer's profile as the user typed it (also what the Excel engine will hand in)."""

    remark_name: str = ""
    real_name: str = ""
    wechat_id: str = ""
    nickname: str = ""
    wechat_account_id: int | None = None
    phone: str = ""
    gender: str = ""
    birthday: Birthday | None = None
    city: str = ""
    address: str = ""
    occupation: str = ""
    source: str = ""
    added_on: date | None = None
    stage_override: str = ""
    member_level: str = ""
    custom: dict[int, str] = field(default_factory=dict)  # field id → value as typed

    @classmethod
    def of(cls, customer: Customer, custom: dict[int, str] | None = None) -> CustomerInput:
        birthday = None
        if customer.birthday_month and customer.birthday_day:
            birthday = Birthday(
                customer.birthday_month, customer.birthday_day, customer.birthday_year,
                customer.birthday_lunar, customer.birthday_leap_month,
            )
        values = {f.name: getattr(customer, f.name) for f in fields(cls)
                  if f.name not in ("birthday", "custom")}
        return cls(**values, birthday=birthday, custom=dict(custom or {}))


def validate(session: Session, data: CustomerInput, customer_id: int | None = None) -> CustomerInput:
    """Return a cleaned copy, or raise ValidationError naming every bad field."""
    errors: dict[str, str] = {}
    text_fields = ("remark_name", "real_name", "wechat_id", "nickname", "city", "address",
                   "occupation", "source", "member_level")
    clean = replace(data)
    for name in text_fields:
        setattr(clean, name, fold(getattr(data, name)))
    if not clean.remark_name:
        errors["remark_name"] = t("备注名不能为空")
    elif len(clean.remark_name) > 100:
        errors["remark_name"] = t("备注名太长（最多100个字）")
    try:
        clean.phone = normalize_phone(data.phone)
    except ValueError as exc:
        errors["phone"] = str(exc)
    if clean.gender not in GENDERS:
        errors["gender"] = t("性别只能是 男 或 女")
    if clean.birthday is not None:
        try:
            clean.birthday.validate()
        except ValueError as exc:
            errors["birthday"] = str(exc)
    if clean.stage_override and clean.stage_override not in STAGES:
        errors["stage_override"] = t("没有“{stage}”这个阶段", stage=clean.stage_override)
    if clean.added_on and clean.added_on > date.today():
        errors["added_on"] = t("添加日期不能晚于今天")
    if clean.wechat_account_id is not None and session.get(WechatAccount, clean.wechat_account_id) is None:
        errors["wechat_account_id"] = t("这个微信号已被删除，请重新选择")
    if clean.wechat_id and "wechat_id" not in errors:
        owner = session.scalar(
            select(Customer.remark_name).where(
                Customer.wechat_id == clean.wechat_id, Customer.deleted_at.is_(None),
                Customer.id != (customer_id or 0),
            )
        )
        if owner is not None:
            errors["wechat_id"] = t("微信号 {wid} 已经是客户“{name}”的了", wid=clean.wechat_id, name=owner)
    custom, custom_errors = cf.clean_values(session, data.custom)
    clean.custom = custom
    errors.update(custom_errors)
    if errors:
        raise ValidationError(errors)
    return clean


def create_customer(session: Session, data: CustomerInput, tag_ids: list[int] | None = None) -> Customer:
    """Validate and add a customer; nothing is written when a field is invalid."""
    clean = validate(session, data)
    customer = Customer(remark_name=clean.remark_name, added_on=clean.added_on or date.today())
    session.add(customer)
    _apply(customer, clean)
    session.flush()
    cf.store_values(session, customer.id, clean.custom)
    if tag_ids:
        from services.tags import set_customer_tags

        set_customer_tags(session, customer.id, tag_ids)
    refresh_search_text(session, [customer.id])
    session.commit()
    return customer


def update_customer(session: Session, customer_id: int, data: CustomerInput,
                    opened_at: datetime | None = None) -> Customer:
    """Validate and save a profile edit. `opened_at` is the customer's updated_at when the form was
    filled: if the record has changed since (团队模式: someone else saved it), ConflictError and
    nothing is written; the caller offers 重新载入 or 覆盖 (the same call without `opened_at`)."""
    customer = get_customer(session, customer_id)
    if opened_at is not None:
        _check_unchanged(session, customer, opened_at)
    clean = validate(session, data, customer_id)
    _apply(customer, clean)
    cf.store_values(session, customer_id, clean.custom)
    session.flush()
    refresh_search_text(session, [customer_id])
    session.commit()
    return customer


def _check_unchanged(session: Session, customer: Customer, opened_at: datetime) -> None:
    """Raise ConflictError when the customer's updated_at is no longer `opened_at`.

    The row is read FOR UPDATE (PostgreSQL): a second KeBen saving the same customer waits for this
    transaction, then sees the new updated_at and gets its own ConflictError. Compared in Python,
    not in SQL, so SQLite's text timestamps (with or without microseconds) compare as times."""
    current = session.scalar(select(Customer.updated_at).where(Customer.id == customer.id).with_for_update())
    if current is not None and current != opened_at:  # nothing written yet: the caller's session just closes
        raise ConflictError(t("“{name}”的资料在你打开之后已被别人修改（{time}）。可以重新载入看看新的资料，"
                              "或者用你的修改覆盖。", name=customer.display_name,
                              time=current.strftime("%m-%d %H:%M:%S")), changed_at=current)


def _apply(customer: Customer, clean: CustomerInput) -> None:
    for name in ("remark_name", "real_name", "wechat_id", "nickname", "wechat_account_id", "phone",
                 "gender", "city", "address", "occupation", "source", "stage_override",
                 "member_level"):
        setattr(customer, name, getattr(clean, name))
    if clean.added_on:
        customer.added_on = clean.added_on
    b = clean.birthday
    customer.birthday_month = b.month if b else None
    customer.birthday_day = b.day if b else None
    customer.birthday_year = b.year if b else None
    customer.birthday_lunar = b.lunar if b else False
    customer.birthday_leap_month = b.leap_month if b else False


def get_customer(session: Session, customer_id: int) -> Customer:
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise NotFoundError(t("找不到这位客户（可能已被彻底删除）"))
    return customer


SEARCH_COLUMNS = ("pinyin", "initials", "search_text", "search_letters")


def refresh_search_text(session: Session, customer_ids: list[int]) -> None:
    """Recompute pinyin, initials and the search text of these customers (flushed before).

    One UPDATE run over all of them (not an ORM update per customer, which also looked through every
    object the session holds: an import of 20,000 changed rows spent most of its time there); the
    customers the session holds read those columns again."""
    table = cast(Table, Customer.__table__)
    statement = update(table).where(table.c.id == bindparam("customer")).values(
        {name: bindparam(name) for name in SEARCH_COLUMNS})
    for chunk in chunks(customer_ids):
        rows = session.execute(
            select(Customer.id, Customer.remark_name, Customer.real_name, Customer.nickname,
                   Customer.wechat_id, Customer.phone).where(Customer.id.in_(chunk))
        ).all()
        custom = cf.searchable_values(session, chunk)
        if rows:
            session.execute(statement, [{"customer": cid, **search_columns(remark, real, nick, wid, phone,
                                                                           custom.get(cid, []))}
                                        for cid, remark, real, nick, wid, phone in rows])
    expire_held(session, (Customer,), customer_ids, [*SEARCH_COLUMNS, "updated_at"])


# ---- trash -------------------------------------------------------------------------------------

def trash_customers(session: Session, customer_ids: list[int]) -> int:
    """Move customers (with their notes and purchases) to the 回收站."""
    result = session.execute(
        update(Customer).where(Customer.id.in_(customer_ids), Customer.deleted_at.is_(None))
        .values(deleted_at=datetime.now())
    )
    session.commit()
    return int(result.rowcount)  # type: ignore[attr-defined]


def restore_customers(session: Session, customer_ids: list[int]) -> int:
    result = session.execute(
        update(Customer).where(Customer.id.in_(customer_ids), Customer.deleted_at.is_not(None))
        .values(deleted_at=None)
    )
    session.commit()
    return int(result.rowcount)  # type: ignore[attr-defined]


def purge_customers(session: Session, customer_ids: list[int] | None = None) -> int:
    """Delete for good from the trash (all of it when `customer_ids` is None)."""
    statement = delete(Customer).where(Customer.deleted_at.is_not(None))
    if customer_ids is not None:
        statement = statement.where(Customer.id.in_(customer_ids))
    result = session.execute(statement)
    session.commit()
    return int(result.rowcount)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class TrashedCustomer:
    id: int
    name: str
    wechat_id: str
    phone: str
    deleted_at: datetime


def list_trash(session: Session) -> list[TrashedCustomer]:
    rows = session.execute(
        select(Customer.id, Customer.remark_name, Customer.wechat_id, Customer.phone,
               Customer.deleted_at)
        .where(Customer.deleted_at.is_not(None)).order_by(Customer.deleted_at.desc())
    ).all()
    return [TrashedCustomer(cid, name, wid, phone, deleted_at or datetime.min)
            for cid, name, wid, phone, deleted_at in rows]


# ---- bulk actions --------------------------------------------------------------------------------

def bulk_set_follow_up(session: Session, customer_ids: list[int], due_on: date, reason: str) -> int:
    """Give every selected customer a follow-up on `due_on`."""
    from services.timeline import refresh_aggregates

    reason = fold(reason) or t("跟进")
    session.execute(
        insert(FollowUp),
        [{"customer_id": cid, "due_on": due_on, "reason": reason} for cid in customer_ids],
    )
    refresh_aggregates(session, customer_ids)
    session.commit()
    return len(customer_ids)


def customer_tag_ids(session: Session, customer_id: int) -> list[int]:
    return list(session.scalars(select(CustomerTag.tag_id).where(CustomerTag.customer_id == customer_id)))


def custom_values(session: Session, customer_id: int) -> dict[int, str]:
    rows = session.execute(
        select(CustomFieldValue.field_id, CustomFieldValue.value)
        .where(CustomFieldValue.customer_id == customer_id)
    ).all()
    return {fid: value for fid, value in rows}


def live_count(session: Session) -> int:
    from sqlalchemy import func

    return int(session.scalar(select(func.count()).where(Customer.deleted_at.is_(None))) or 0)


def summary(customer: Customer) -> dict[str, Any]:
    """A plain dict for the CLI and JSON output."""
    return {"id": customer.id, "name": customer.display_name, "wechat_id": customer.wechat_id,
            "phone": customer.phone}

"""A customer's timeline: notes (typed, pinnable), purchases and follow-ups.

Every change here also refreshes the customer's stored totals (累计消费, 最近购买, 下次跟进, 阶段),
which the list sorts and filters on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import TypeVar

from sqlalchemy import bindparam, func, select, text, update
from sqlalchemy.orm import Session

from models import Customer, FollowUp, Note, Purchase
from models.timeline import NOTE_KINDS
from services.errors import UserError, ValidationError
from services.i18n import t
from services.layers import last_interaction_sql, refresh_layers
from services.sqlutil import chunks, expire_held, update_all
from services.stages import stage_sql, stage_thresholds
from services.text import fold

T = TypeVar("T")
MAX_AMOUNT = Decimal(100_000_000)


@dataclass(frozen=True)
class TimelineItem:
    kind: str  # "note" | "purchase" | "follow_up" | "group" (id = the group's) | "moment" (id = the post's) | "care"
    # | "referral" (id = the referral's)
    id: int
    when: datetime
    title: str  # 身份 / 购买 ¥1,280 / 跟进 …
    body: str
    pinned: bool = False
    done: bool = False
    overdue: bool = False


def parse_money(text: str) -> int:
    """'￥1,280.50元' → 128050 fen; ValueError with a message otherwise."""
    cleaned = re.sub(r"[￥¥,，元\s]", "", fold(text))
    try:
        value = Decimal(cleaned or "0")
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite() or not re.fullmatch(r"[-+]?\d*\.?\d*", cleaned):
        raise ValueError(t("金额“{text}”不是数字", text=text))
    if value < 0:
        raise ValueError(t("金额不能是负数"))
    if value > MAX_AMOUNT:
        raise ValueError(t("金额“{text}”太大了（最多一亿元）", text=text))
    return int((value * 100).quantize(Decimal("1")))


def money(cents: int) -> str:
    return f"¥{cents / 100:,.2f}".replace(".00", "")


# ---- notes -------------------------------------------------------------------------------------

def save_note(session: Session, customer_id: int, kind: str, body: str, *, pinned: bool = False,
              noted_at: datetime | None = None, note_id: int | None = None) -> int:
    body = body.strip()
    errors = {}
    if not body:
        errors["body"] = t("笔记内容不能为空")
    if kind not in NOTE_KINDS:
        errors["kind"] = t("笔记类型只能是：{kinds}", kinds="、".join(NOTE_KINDS))
    if errors:
        raise ValidationError(errors)
    note = Note(customer_id=customer_id) if note_id is None else _get(session, Note, note_id)
    note.kind, note.body, note.pinned = kind, body, pinned
    note.noted_at = noted_at or note.noted_at or datetime.now().replace(microsecond=0)
    session.add(note)
    session.flush()
    refresh_aggregates(session, [note.customer_id])  # 最近互动
    session.commit()
    return note.id


def set_note_pinned(session: Session, note_id: int, pinned: bool) -> None:
    _get(session, Note, note_id).pinned = pinned
    session.commit()


def delete_note(session: Session, note_id: int) -> None:
    """Move a note to the 回收站 (restorable from there)."""
    note = _get(session, Note, note_id)
    note.deleted_at = _now()
    session.flush()
    refresh_aggregates(session, [note.customer_id])  # 最近互动
    session.commit()


# ---- purchases ---------------------------------------------------------------------------------

def save_purchase(session: Session, customer_id: int, purchased_on: date | None, product: str,
                  quantity: int, amount: str, channel: str = "", note: str = "",
                  purchase_id: int | None = None, product_id: int | None = None) -> int:
    """Add or edit a purchase; `product_id` is the catalogue product picked (None: matched from the
    text, services.products). A new purchase earns its points and its customer's referrer theirs
    (services.points); totals, balances and tiers follow."""
    errors = {}
    product = fold(product)
    if not product:
        errors["product"] = t("请填写买了什么")
    if purchased_on is None:
        errors["purchased_on"] = t("请填写购买日期")
    elif purchased_on > date.today():
        errors["purchased_on"] = t("购买日期不能晚于今天")
    if quantity < 1:
        errors["quantity"] = t("数量至少是1")
    try:
        cents = parse_money(amount)
    except ValueError as exc:
        errors["amount"] = str(exc)
    if errors:
        raise ValidationError(errors)
    record = Purchase(customer_id=customer_id) if purchase_id is None else _get(session, Purchase, purchase_id)
    record.purchased_on, record.product, record.quantity = purchased_on, product, quantity  # type: ignore[assignment]
    record.amount_cents, record.channel, record.note = cents, fold(channel), note.strip()
    from services import points, products

    record.product_id = product_id if product_id is not None else products.match_product(session, product)
    session.add(record)
    session.flush()
    points.purchase_saved(session, record.id, created=purchase_id is None)
    points.award_referral_points(session, [customer_id])
    refresh_aggregates(session, [customer_id])
    session.commit()
    return record.id


def delete_purchase(session: Session, purchase_id: int) -> None:
    """Move a purchase to the 回收站; the customer's totals no longer count it."""
    record = _get(session, Purchase, purchase_id)
    record.deleted_at = _now()
    session.flush()
    refresh_aggregates(session, [record.customer_id])
    session.commit()


# ---- follow-ups --------------------------------------------------------------------------------

def save_follow_up(session: Session, customer_id: int, due_on: date | None, reason: str,
                   follow_up_id: int | None = None) -> int:
    if due_on is None:
        raise ValidationError({"due_on": t("请选择跟进日期")})
    reason = fold(reason) or t("跟进")
    record = FollowUp(customer_id=customer_id) if follow_up_id is None else _get(session, FollowUp, follow_up_id)
    record.due_on, record.reason = due_on, reason
    session.add(record)
    session.flush()
    refresh_aggregates(session, [customer_id])
    session.commit()
    return record.id


def complete_follow_up(session: Session, follow_up_id: int, result: str,
                       next_due_on: date | None = None, next_reason: str = "") -> None:
    """Mark a follow-up done with its result; optionally plan the next one."""
    record = _get(session, FollowUp, follow_up_id)
    record.done_at = datetime.now().replace(microsecond=0)
    record.result = result.strip()
    if next_due_on is not None:
        session.add(FollowUp(customer_id=record.customer_id, due_on=next_due_on,
                             reason=fold(next_reason) or record.reason))
    session.flush()
    refresh_aggregates(session, [record.customer_id])
    session.commit()


def delete_follow_up(session: Session, follow_up_id: int) -> None:
    """Move a follow-up to the 回收站."""
    record = _get(session, FollowUp, follow_up_id)
    record.deleted_at = _now()
    session.flush()
    refresh_aggregates(session, [record.customer_id])
    session.commit()


def get_note(session: Session, note_id: int) -> Note:
    return _get(session, Note, note_id)


def get_purchase(session: Session, purchase_id: int) -> Purchase:
    return _get(session, Purchase, purchase_id)


def get_follow_up(session: Session, follow_up_id: int) -> FollowUp:
    return _get(session, FollowUp, follow_up_id)


# ---- the timeline ------------------------------------------------------------------------------

def timeline(session: Session, customer_id: int, today: date | None = None) -> list[TimelineItem]:
    """Pinned notes first, then everything newest first."""
    today = today or date.today()
    items: list[TimelineItem] = []
    for note in session.scalars(select(Note).where(Note.customer_id == customer_id, Note.deleted_at.is_(None))):
        items.append(TimelineItem("note", note.id, note.noted_at, note.kind, note.body, pinned=note.pinned))
    for p in session.scalars(select(Purchase).where(Purchase.customer_id == customer_id, Purchase.deleted_at.is_(None))):
        detail = "  ".join(x for x in (f"×{p.quantity}" if p.quantity != 1 else "", p.channel, p.note) if x)
        items.append(TimelineItem("purchase", p.id, datetime.combine(p.purchased_on, datetime.min.time()),
                                  f"{t('购买')} {money(p.amount_cents)}", f"{p.product}  {detail}".strip()))
    for f in session.scalars(select(FollowUp).where(FollowUp.customer_id == customer_id, FollowUp.deleted_at.is_(None))):
        body = f.reason + (f"\n{t('结果')}：{f.result}" if f.result else "")
        items.append(TimelineItem("follow_up", f.id, datetime.combine(f.due_on, datetime.min.time()),
                                  t("跟进"), body, done=f.done_at is not None,
                                  overdue=f.done_at is None and f.due_on < today))
    from services.groups import group_timeline_items  # 社群: joined / left a group

    items += group_timeline_items(session, customer_id)
    from services.moments import timeline_items as moment_timeline_items  # 朋友圈互动: liked, asked …

    items += moment_timeline_items(session, customer_id)
    from services.care import timeline_items as care_timeline_items  # 关怀: gifts, visits, services …

    items += care_timeline_items(session, customer_id)
    from services.referrals import timeline_items as referral_timeline_items  # 转介绍: 由谁介绍, 介绍了谁

    items += referral_timeline_items(session, customer_id)
    items.sort(key=lambda item: (not item.pinned, -item.when.timestamp(), -item.id))
    return items


def refresh_aggregates(session: Session, customer_ids: list[int] | None = None,
                       today: date | None = None) -> None:
    """Recompute 累计消费, purchase counts and dates, 下次跟进, 最近互动, 阶段, the layers (RFM,
    忠诚类型: services.layers), the points balances and the member tiers (services.loyalty) — of
    these customers, or of all when None."""
    today = today or date.today()
    session.flush()  # the purchases and follow-ups the caller changed
    f = FollowUp.__table__.alias("f")
    next_due = select(func.min(f.c.due_on)).where(f.c.customer_id == Customer.id, f.c.done_at.is_(None),
                                                  f.c.deleted_at.is_(None))
    values = {
        "next_follow_up_on": next_due.scalar_subquery(),
        # after the purchase columns below are written: 最近互动 reads last_purchase_on
        "last_interaction_on": last_interaction_sql(session.get_bind().dialect.name),
        "updated_at": Customer.updated_at,  # derived totals are not an edit (undo-import relies on this)
    }
    for chunk in chunks(customer_ids) if customer_ids is not None else [None]:
        if chunk is None:
            session.execute(text(_PURCHASE_TOTALS))
        else:
            session.execute(text(_PURCHASE_TOTALS + " WHERE customer.id IN :ids")
                            .bindparams(bindparam("ids", expanding=True)), {"ids": chunk})
        expire_held(session, (Customer,), chunk, list(_TOTALS))  # plain SQL: the ORM does not follow it
        statement = update(Customer).values(values)
        if chunk is not None:
            statement = statement.where(Customer.id.in_(chunk))
        update_all(session, statement, Customer, everyone=chunk is None)
    refresh_stages(session, customer_ids, today)
    refresh_layers(session, customer_ids, today)
    from services.loyalty import refresh_loyalty  # 积分 balances, 会员等级

    refresh_loyalty(session, customer_ids, today)
    from services.auto_tags import apply_rules  # 自动标签 that follow purchases (买过普洱, 90天没买 …)

    apply_rules(session, customer_ids, today=today)


# 累计消费, 购买次数, 首次/最近购买 of the customer rows updated, from one look at their purchases
# (SQLite ≥ 3.15 and PostgreSQL both take a row value here; SQLAlchemy has no construct for it): four
# correlated subqueries, one per column, took twice as long over 100,000 customers.
_PURCHASE_TOTALS = (
    "UPDATE customer SET (total_spent_cents, purchase_count, first_purchase_on, last_purchase_on) = "
    "(SELECT coalesce(sum(p.amount_cents), 0), count(*), min(p.purchased_on), max(p.purchased_on) "
    "FROM purchase AS p WHERE p.customer_id = customer.id AND p.deleted_at IS NULL)")
_TOTALS = ("total_spent_cents", "purchase_count", "first_purchase_on", "last_purchase_on")


def refresh_stages(session: Session, customer_ids: list[int] | None, today: date) -> int:
    """Recompute 阶段 as of `today`; returns how many customers changed stage.

    Stages move with time alone (新客 becomes 已购, then 沉睡 …), so the app also runs this for
    everyone once at start (see `age_stages`)."""
    stage = stage_sql(Customer.purchase_count, Customer.total_spent_cents,
                      Customer.first_purchase_on, Customer.last_purchase_on, today, stage_thresholds(session))
    changed = 0
    for chunk in chunks(customer_ids) if customer_ids is not None else [None]:
        statement = update(Customer).values(stage=stage, updated_at=Customer.updated_at).where(Customer.stage != stage)
        if chunk is not None:
            statement = statement.where(Customer.id.in_(chunk))
        changed += update_all(session, statement, Customer, everyone=chunk is None)
    return changed


def age_stages(session: Session, today: date | None = None) -> int:
    """Bring every customer's stage up to date with the calendar; commits; returns the changes."""
    changed = refresh_stages(session, None, today or date.today())
    session.commit()
    return changed


def _now() -> datetime:
    return datetime.now().replace(microsecond=0)


def _get(session: Session, model: type[T], record_id: int) -> T:
    """A live note, purchase or follow-up (not one in the 回收站)."""
    record = session.get(model, record_id)
    if record is None or getattr(record, "deleted_at", None) is not None:
        raise UserError(t("这条记录已被删除"))
    return record

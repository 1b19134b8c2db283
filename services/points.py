"""积分: a dated ledger per customer — earned by purchase (N points per ￥), by referring a buyer, by a
group check-in or by hand; spent on rewards; taken back when they expire.

Rules:
- Customer.points_balance is the sum of the customer's live entries, kept in step by
  `refresh_balances` (one UPDATE … SELECT SUM for the customers touched).
- A purchase saved in the app earns floor(amount × rate) points as an entry tied to it
  (`purchase_id`); editing the purchase adjusts that entry, deleting it moves the entry out with it
  and restoring the purchase brings it back (`align_purchase_entries`, run by
  services.timeline.refresh_aggregates). Purchases recorded before points were switched on earn
  nothing until the seller asks (`award_purchase_points`, the 积分 tab's "为历史购买补积分").
- Referring a buyer earns the referrer points once per referral (`referral_id`), even if the entry
  is later deleted by hand.
- Expiry (optional, `EXPIRY_MONTHS`): an earned entry expires that many months after its date
  unless spent; spending takes the oldest live points first (FIFO). `expire_points` writes the
  "expire" entries that are due and is idempotent: it compares what should have expired with what
  the ledger already took back.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Integer, bindparam, cast, func, literal, literal_column, select, update
from sqlalchemy.orm import Session

from models import ChatGroup, Customer, Purchase, Referral
from models.loyalty import PointEntry
from services import settings_store
from services.errors import NotFoundError, UserError, ValidationError
from services.i18n import t
from services.sqlutil import chunks, update_all

POINTS_PER_YUAN = settings_store.declare(
    "points.per_yuan", float, 1.0, "消费每 ￥1 积多少分", unit="分", minimum=0, maximum=1000,
    help="购买记录保存时自动积分；0 表示购买不积分", group="points")
REFERRAL_POINTS = settings_store.declare(
    "points.referral", int, 100, "介绍的新客成交后，介绍人得多少分", unit="分", minimum=0, maximum=1_000_000,
    help="每位被介绍人只给一次", group="points")
CHECKIN_POINTS = settings_store.declare(
    "points.checkin", int, 5, "社群打卡一次得多少分", unit="分", minimum=0, maximum=100_000, group="points")
EXPIRY_MONTHS = settings_store.declare(
    "points.expiry_months", int, 0, "积分多少个月后过期", unit="个月", minimum=0, maximum=120,
    help="0 表示永不过期；先得的积分先用、先过期", group="points")

REASON_LABELS = {"purchase": "购买", "referral": "转介绍", "checkin": "社群打卡", "manual": "手动调整",
                 "reward": "兑换奖励", "expire": "过期"}
EARN_REASONS = ("purchase", "referral", "checkin", "manual")
SPEND_REASONS = ("reward", "manual")
MAX_POINTS = 100_000_000


@dataclass(frozen=True)
class LedgerLine:
    id: int
    entry_on: date
    points: int
    reason: str
    note: str
    expires_on: date | None
    balance: int  # after this entry
    purchase_id: int | None
    referral_id: int | None
    group_name: str = ""  # the group of a 社群打卡 entry (services.checkins)

    @property
    def reason_label(self) -> str:
        """社群打卡 · 茶友福利群 for a check-in tied to a group; else the reason alone."""
        label = t(REASON_LABELS.get(self.reason, self.reason))
        return f"{label} · {self.group_name}" if self.group_name else label

    @property
    def removable(self) -> bool:
        """Entries tied to a purchase follow it; expiry entries are worked out."""
        return self.purchase_id is None and self.reason != "expire"


def reason_of_label(text: str) -> str:
    """'兑换奖励' or 'reward' → 'reward'; ValueError for anything else."""
    folded = text.strip().lower()
    for key, label in REASON_LABELS.items():
        if folded in (key, label.lower(), t(label).lower()):
            return key
    aliases = {"兑换": "reward", "奖励": "reward", "消费": "purchase", "介绍": "referral", "打卡": "checkin",
               "签到": "checkin", "手动": "manual", "调整": "manual", "到期": "expire"}
    if folded in aliases:
        return aliases[folded]
    raise ValueError(t("原因“{text}”不对，只能是：{all}", text=text, all="、".join(REASON_LABELS.values())))


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def expiry_of(session: Session, entry_on: date, months: int | None = None) -> date | None:
    months = settings_store.get(session, EXPIRY_MONTHS) if months is None else months
    return add_months(entry_on, months) if months else None


def points_for_amount(session: Session, amount_cents: int, rate: float | None = None) -> int:
    """floor(amount in yuan × rate) — the same arithmetic as the SQL pass (`award_purchase_points`)."""
    rate = settings_store.get(session, POINTS_PER_YUAN) if rate is None else rate
    return int(amount_cents * rate) // 100


def _live_customer(session: Session, customer_id: int) -> Customer:
    customer = session.get(Customer, customer_id)
    if customer is None or customer.deleted_at is not None:
        raise NotFoundError(t("这位客户已被删除"))
    return customer


def _check(points: int, entry_on: date | None) -> date:
    errors: dict[str, str] = {}
    if points <= 0:
        errors["points"] = t("积分要大于 0")
    elif points > MAX_POINTS:
        errors["points"] = t("积分太大了（最多一亿）")
    day = entry_on or date.today()
    if day > date.today():
        errors["entry_on"] = t("日期不能晚于今天")
    if errors:
        raise ValidationError(errors)
    return day


def add_points(session: Session, customer_id: int, points: int, reason: str = "manual", note: str = "",
               entry_on: date | None = None) -> int:
    """Give a customer points (a check-in, a favour, a correction …); commits; returns the entry id."""
    if reason not in EARN_REASONS:
        raise ValidationError({"reason": t("加积分的原因只能是：{all}",
                                           all="、".join(t(REASON_LABELS[r]) for r in EARN_REASONS))})
    day = _check(points, entry_on)
    _live_customer(session, customer_id)
    entry = PointEntry(customer_id=customer_id, entry_on=day, points=points, reason=reason, note=note.strip(),
                       expires_on=expiry_of(session, day))
    session.add(entry)
    session.flush()
    _after_change(session, [customer_id])
    session.commit()
    return entry.id


def spend_points(session: Session, customer_id: int, points: int, note: str = "", entry_on: date | None = None,
                 reason: str = "reward") -> int:
    """Take points off (a reward given, a correction); refuses more than the balance. Commits."""
    if reason not in SPEND_REASONS:
        raise ValidationError({"reason": t("扣积分的原因只能是：兑换奖励、手动调整")})
    day = _check(points, entry_on)
    customer = _live_customer(session, customer_id)
    expire_points(session, date.today(), [customer_id])
    refresh_balances(session, [customer_id])
    have = balance(session, customer_id)
    if points > have:
        raise ValidationError({"points": t("{name} 只有 {have} 积分，不够扣 {points} 分",
                                           name=customer.remark_name, have=have, points=points)})
    entry = PointEntry(customer_id=customer_id, entry_on=day, points=-points, reason=reason, note=note.strip())
    session.add(entry)
    session.flush()
    _after_change(session, [customer_id])
    session.commit()
    return entry.id


def delete_entry(session: Session, entry_id: int) -> None:
    """Move a hand-made entry to the 回收站 (purchase entries follow their purchase). Commits."""
    entry = session.get(PointEntry, entry_id)
    if entry is None or entry.deleted_at is not None:
        raise NotFoundError(t("这条积分记录已被删除"))
    if entry.purchase_id is not None:
        raise UserError(t("这条积分来自一笔购买：删除或修改那笔购买记录，积分会跟着变"))
    if entry.reason == "expire":
        raise UserError(t("过期记录是自动算出的，不能删除"))
    entry.deleted_at = datetime.now().replace(microsecond=0)
    session.flush()
    _after_change(session, [entry.customer_id])
    session.commit()


def _after_change(session: Session, customer_ids: list[int]) -> None:
    from services.tiers import recompute_tiers

    refresh_balances(session, customer_ids)
    recompute_tiers(session, customer_ids)


def balance(session: Session, customer_id: int, on: date | None = None) -> int:
    """The sum of the live entries (dated on or before `on`, when given)."""
    statement = select(func.coalesce(func.sum(PointEntry.points), 0)).where(
        PointEntry.customer_id == customer_id, PointEntry.deleted_at.is_(None))
    if on is not None:
        statement = statement.where(PointEntry.entry_on <= on)
    return int(session.scalar(statement) or 0)


def ledger(session: Session, customer_id: int) -> list[LedgerLine]:
    """The customer's live entries, newest first, each with the balance after it (and the group's
    name for check-ins — a group in the 回收站 still named)."""
    entries = session.execute(select(PointEntry, ChatGroup.name)
                              .outerjoin(ChatGroup, ChatGroup.id == PointEntry.group_id)
                              .where(PointEntry.customer_id == customer_id, PointEntry.deleted_at.is_(None))
                              .order_by(PointEntry.entry_on, PointEntry.id)).all()
    running, lines = 0, []
    for e, group_name in entries:
        running += e.points
        lines.append(LedgerLine(e.id, e.entry_on, e.points, e.reason, e.note, e.expires_on, running,
                                e.purchase_id, e.referral_id, group_name or ""))
    lines.reverse()
    return lines


def refresh_balances(session: Session, customer_ids: Iterable[int] | None = None) -> None:
    """Customer.points_balance = the sum of their live entries (these customers, or all); no commit."""
    total = select(func.coalesce(func.sum(PointEntry.points), 0)).where(
        PointEntry.customer_id == Customer.id, PointEntry.deleted_at.is_(None)).scalar_subquery()
    ids = None if customer_ids is None else sorted(set(customer_ids))
    for chunk in chunks(ids) if ids is not None else [None]:
        statement = update(Customer).values(points_balance=total, updated_at=Customer.updated_at).where(
            Customer.points_balance != total)
        if chunk is not None:
            statement = statement.where(Customer.id.in_(chunk))
        update_all(session, statement, Customer, everyone=chunk is None)


# ---- purchases ---------------------------------------------------------------------------------

def purchase_saved(session: Session, purchase_id: int, created: bool) -> None:
    """A purchase saved in the app: a new one earns its points; an edited one's entry follows its
    amount and date (a purchase from before points began earns only when it is edited). No commit."""
    purchase = session.get(Purchase, purchase_id)
    if purchase is None:
        return
    entry = session.scalar(select(PointEntry).where(PointEntry.customer_id == purchase.customer_id,
                                                    PointEntry.purchase_id == purchase_id))
    points = points_for_amount(session, purchase.amount_cents)
    if entry is None:
        if points > 0 and purchase.deleted_at is None:
            session.add(PointEntry(customer_id=purchase.customer_id, entry_on=purchase.purchased_on, points=points,
                                   reason="purchase", note=purchase.product, purchase_id=purchase_id,
                                   expires_on=expiry_of(session, purchase.purchased_on)))
    elif not created:
        entry.points, entry.note = points, purchase.product
        if entry.entry_on != purchase.purchased_on:
            entry.entry_on, entry.expires_on = purchase.purchased_on, expiry_of(session, purchase.purchased_on)
        if points <= 0:
            session.delete(entry)
    session.flush()


def award_purchase_points(session: Session, purchase_ids: list[int] | None = None, *,
                          batch_id: int | None = None, customer_ids: list[int] | None = None,
                          entry_batch_id: int | None = None) -> int:
    """Points for live purchases that have none yet — these purchases, an import batch's, some
    customers', or all — in one INSERT … SELECT per chunk; returns the entries written. No commit,
    no balance refresh (the caller refreshes the customers it touched)."""
    rate = settings_store.get(session, POINTS_PER_YUAN)
    if rate <= 0:
        return 0
    months = settings_store.get(session, EXPIRY_MONTHS)
    p = Purchase.__table__.alias("p")
    e = PointEntry.__table__.alias("e")
    points = cast(p.c.amount_cents * rate, Integer) / 100
    now = datetime.now().replace(microsecond=0)
    source = select(
        p.c.customer_id, p.c.purchased_on, points, literal("purchase"), p.c.product, p.c.id,
        _plus_months(session, p.c.purchased_on, months), literal(entry_batch_id, Integer), literal(now), literal(now),
    ).where(p.c.deleted_at.is_(None), p.c.amount_cents > 0, points > 0,
            ~select(e.c.id).where(e.c.customer_id == p.c.customer_id, e.c.purchase_id == p.c.id).exists())
    if batch_id is not None:
        source = source.where(p.c.import_batch_id == batch_id)
    columns = ["customer_id", "entry_on", "points", "reason", "note", "purchase_id", "expires_on",
               "import_batch_id", "created_at", "updated_at"]
    written = 0
    entry_table: Any = PointEntry.__table__
    keys = purchase_ids if purchase_ids is not None else customer_ids
    column = p.c.id if purchase_ids is not None else p.c.customer_id
    for chunk in chunks(keys) if keys is not None else [None]:
        part = source if chunk is None else source.where(column.in_(chunk))
        # preserve_rowcount: SQLAlchemy keeps an INSERT … SELECT's count on PostgreSQL only when asked.
        insert_part = entry_table.insert().from_select(columns, part).execution_options(preserve_rowcount=True)
        written += int(session.execute(insert_part).rowcount)  # type: ignore[attr-defined]
    return written


def _plus_months(session: Session, day: Any, months: int) -> Any:
    if not months:
        return literal(None, PointEntry.expires_on.type)
    if session.get_bind().dialect.name == "sqlite":
        return func.date(day, f"+{int(months)} months")
    return cast(day + literal_column(f"INTERVAL '{int(months)} months'"), PointEntry.expires_on.type)


def align_purchase_entries(session: Session, customer_ids: list[int] | None = None) -> None:
    """Entries of purchases moved to the 回收站 go there too; those of restored purchases come back.
    No commit."""
    deleted = select(Purchase.id).where(Purchase.deleted_at.is_not(None))
    live = select(Purchase.id).where(Purchase.deleted_at.is_(None))
    now = datetime.now().replace(microsecond=0)
    for chunk in chunks(customer_ids) if customer_ids is not None else [None]:
        scope: list[Any] = [PointEntry.purchase_id.is_not(None)]
        if chunk is not None:
            scope.append(PointEntry.customer_id.in_(chunk))
        session.execute(update(PointEntry).where(*scope, PointEntry.deleted_at.is_(None),
                                                 PointEntry.purchase_id.in_(deleted)).values(deleted_at=now))
        session.execute(update(PointEntry).where(*scope, PointEntry.deleted_at.is_not(None),
                                                 PointEntry.purchase_id.in_(live)).values(deleted_at=None))


# ---- referrals ----------------------------------------------------------------------------------

def award_referral_points(session: Session, referee_ids: list[int] | None = None) -> list[int]:
    """The referrer of each of these referees (or of all) who has bought earns REFERRAL_POINTS — once
    per referral, ever. Returns the referrers who earned (their balances refreshed); no commit."""
    points = settings_store.get(session, REFERRAL_POINTS)
    if points <= 0:
        return []
    referee = Customer.__table__.alias("referee")
    referrer = Customer.__table__.alias("referrer")
    first = select(func.min(Purchase.purchased_on)).where(
        Purchase.customer_id == Referral.referee_id, Purchase.deleted_at.is_(None)).scalar_subquery()
    statement = (select(Referral.id, Referral.referrer_id, referee.c.remark_name, first)
                 .join(referee, referee.c.id == Referral.referee_id)
                 .join(referrer, referrer.c.id == Referral.referrer_id)
                 .where(Referral.deleted_at.is_(None), referee.c.deleted_at.is_(None), referrer.c.deleted_at.is_(None),
                        first.is_not(None),
                        ~select(PointEntry.id).where(PointEntry.customer_id == Referral.referrer_id,
                                                     PointEntry.referral_id == Referral.id).exists()))
    earned: list[int] = []
    rows: list[dict[str, Any]] = []
    for chunk in chunks(referee_ids) if referee_ids is not None else [None]:
        part = statement if chunk is None else statement.where(Referral.referee_id.in_(chunk))
        for rid, referrer_id, name, bought in session.execute(part):
            day = min(bought, date.today())
            rows.append({"customer_id": referrer_id, "entry_on": day, "points": points, "reason": "referral",
                         "note": t("介绍 {name} 成交", name=name), "referral_id": rid,
                         "expires_on": expiry_of(session, day)})
            earned.append(referrer_id)
    if rows:
        entries: Any = PointEntry.__table__
        session.execute(entries.insert(), rows)
        refresh_balances(session, earned)
    return earned


# ---- expiry -------------------------------------------------------------------------------------

def expire_points(session: Session, today: date | None = None, customer_ids: list[int] | None = None) -> int:
    """Write the "expire" entries due by `today` (FIFO), for these customers or every customer with a
    positive balance and an earned entry past its date; idempotent. Returns the entries written;
    refreshes the balances it changed; no commit."""
    today = today or date.today()
    due = (select(PointEntry.customer_id).join(Customer, Customer.id == PointEntry.customer_id)
           .where(PointEntry.deleted_at.is_(None), PointEntry.points > 0, PointEntry.reason != "expire",
                  PointEntry.expires_on <= today, Customer.deleted_at.is_(None)).distinct())
    if customer_ids is None:
        candidates = sorted(session.scalars(due.where(Customer.points_balance > 0)))
    else:
        candidates = sorted(session.scalars(due.where(PointEntry.customer_id.in_(customer_ids))))
    written: list[int] = []
    for chunk in chunks(candidates):
        ledgers: dict[int, list[tuple[int, date, int, str, date | None]]] = {}
        for row in session.execute(select(PointEntry.customer_id, PointEntry.id, PointEntry.entry_on,
                                          PointEntry.points, PointEntry.reason, PointEntry.expires_on)
                                   .where(PointEntry.customer_id.in_(chunk), PointEntry.deleted_at.is_(None))
                                   .order_by(PointEntry.entry_on, PointEntry.id)):
            ledgers.setdefault(row[0], []).append(tuple(row[1:]))  # type: ignore[arg-type]
        for cid, entries in ledgers.items():
            owed, on = _expiry_owed(entries, today)
            if owed:
                session.add(PointEntry(
                    customer_id=cid, entry_on=on, points=-owed, reason="expire",
                    note=t("{n} 积分到期", n=owed) if owed > 0 else t("过期积分调整：退回 {n} 分", n=-owed)))
                written.append(cid)
    if written:
        session.flush()
        refresh_balances(session, written)
    return len(written)


def _expiry_owed(entries: list[tuple[int, date, int, str, date | None]], today: date) -> tuple[int, date]:
    """(points still to take back, the date to write) for one ledger: replay the spends in date order,
    each taking from the oldest lots still live on its day; what is left of lots past their date
    should have expired. Minus what expiry entries already took."""
    lots: list[list[Any]] = [[on, points, expires] for _id, on, points, reason, expires in entries
                             if points > 0 and reason != "expire"]
    already = -sum(points for _id, _on, points, reason, _e in entries if reason == "expire")
    for _id, on, points, reason, _e in entries:
        if points >= 0 or reason == "expire":
            continue
        need = -points
        for lot in lots:
            if need <= 0:
                break
            if lot[0] <= on and (lot[2] is None or lot[2] > on) and lot[1] > 0:
                taken = min(lot[1], need)
                lot[1] -= taken
                need -= taken
    expired = [lot for lot in lots if lot[2] is not None and lot[2] <= today and lot[1] > 0]
    should = int(sum(lot[1] for lot in expired))
    last: date = max((lot[2] for lot in expired), default=today)
    return should - already, min(last, today)


def set_expiry_months(session: Session, months: int) -> None:
    """Change the expiry rule; earned entries get their new dates (0: none). Commits."""
    settings_store.put(session, EXPIRY_MONTHS, months)
    rows = session.execute(select(PointEntry.id, PointEntry.entry_on).where(
        PointEntry.points > 0, PointEntry.reason != "expire")).all()
    values = [{"eid": eid, "expires": add_months(on, months) if months else None} for eid, on in rows]
    if values:
        table: Any = PointEntry.__table__
        session.execute(update(table).where(table.c.id == bindparam("eid")).values(expires_on=bindparam("expires")),
                        values)
    session.commit()


# ---- lists and totals ----------------------------------------------------------------------------

@dataclass(frozen=True)
class PointHolder:
    id: int
    name: str
    balance: int
    tier: str
    last_entry_on: date | None


def customers_by_balance(session: Session, text: str = "", limit: int = 500) -> list[PointHolder]:
    """Live customers with points (or a ledger), highest balance first; `text` filters by name."""
    last = select(func.max(PointEntry.entry_on)).where(PointEntry.customer_id == Customer.id,
                                                       PointEntry.deleted_at.is_(None)).scalar_subquery()
    statement = (select(Customer.id, Customer.remark_name, Customer.points_balance, Customer.member_level, last)
                 .where(Customer.deleted_at.is_(None), Customer.points_balance != 0)
                 .order_by(Customer.points_balance.desc(), Customer.id).limit(limit))
    if text.strip():
        like = f"%{text.strip().lower()}%"
        statement = statement.where(Customer.search_text.like(like) | Customer.remark_name.like(like))
    return [PointHolder(*row) for row in session.execute(statement)]


@dataclass(frozen=True)
class PointTotals:
    issued: int  # every point earned (live entries)
    spent: int  # spent on rewards and taken off by hand
    expired: int
    outstanding: int  # the live balances of live customers
    holders: int


def point_totals(session: Session, since: date | None = None) -> PointTotals:
    live: list[Any] = [PointEntry.deleted_at.is_(None)]
    if since is not None:
        live.append(PointEntry.entry_on >= since)
    issued = session.scalar(select(func.coalesce(func.sum(PointEntry.points), 0)).where(
        *live, PointEntry.points > 0, PointEntry.reason != "expire")) or 0
    spent = session.scalar(select(func.coalesce(func.sum(PointEntry.points), 0)).where(
        *live, PointEntry.points < 0, PointEntry.reason != "expire")) or 0
    expired = session.scalar(select(func.coalesce(func.sum(PointEntry.points), 0)).where(
        *live, PointEntry.reason == "expire")) or 0
    outstanding, holders = session.execute(select(func.coalesce(func.sum(Customer.points_balance), 0),
                                                  func.count()).where(Customer.deleted_at.is_(None),
                                                                      Customer.points_balance > 0)).one()
    return PointTotals(int(issued), -int(spent), -int(expired), int(outstanding), int(holders))



# ---- trash ---------------------------------------------------------------------------------------

def trashed_point_entries(session: Session) -> list[tuple[int, str, str, datetime]]:
    """For the global 回收站 (services.trash): hand-made entries deleted by the seller (purchase
    entries follow their purchase and are not listed)."""
    rows = session.execute(
        select(PointEntry.id, Customer.remark_name, PointEntry.entry_on, PointEntry.points, PointEntry.reason,
               PointEntry.note, PointEntry.deleted_at)
        .join(Customer, Customer.id == PointEntry.customer_id)
        .where(PointEntry.deleted_at.is_not(None), PointEntry.purchase_id.is_(None), PointEntry.reason != "expire",
               Customer.deleted_at.is_(None))
        .order_by(PointEntry.deleted_at.desc()))
    return [(eid, name, f"{on} {t(REASON_LABELS.get(reason, reason))} {points:+d} {note}".strip(), at or datetime.min)
            for eid, name, on, points, reason, note, at in rows]


def restore_point_entries(session: Session, ids: list[int]) -> int:
    if not ids:
        return 0
    ids = [i for i in ids if i not in _duplicate_checkins(session, ids)]
    owners = sorted(set(session.scalars(select(PointEntry.customer_id).where(PointEntry.id.in_(ids)))))
    restored = session.execute(update(PointEntry).where(PointEntry.id.in_(ids), PointEntry.deleted_at.is_not(None))
                               .values(deleted_at=None)).rowcount  # type: ignore[attr-defined]
    _after_change(session, owners)
    session.commit()
    return int(restored)


def _duplicate_checkins(session: Session, ids: list[int]) -> set[int]:
    """Trashed check-ins whose member already has a live one of that group and day (recorded again
    after this one was deleted): restoring them would pay the day twice, so they stay."""
    live = PointEntry.__table__.alias("live")
    return set(session.scalars(select(PointEntry.id).where(
        PointEntry.id.in_(ids), PointEntry.reason == "checkin", PointEntry.group_id.is_not(None),
        select(live.c.id).where(live.c.customer_id == PointEntry.customer_id, live.c.group_id == PointEntry.group_id,
                                live.c.entry_on == PointEntry.entry_on, live.c.reason == "checkin",
                                live.c.deleted_at.is_(None)).exists())))


def purge_point_entries(session: Session, ids: list[int] | None = None) -> int:
    """Delete for good: these trashed hand-made entries, or all of them (purchase entries stay with
    their trashed purchase until it is purged)."""
    from sqlalchemy import delete

    statement = delete(PointEntry).where(PointEntry.deleted_at.is_not(None), PointEntry.purchase_id.is_(None))
    if ids is not None:
        statement = statement.where(PointEntry.id.in_(ids))
    removed = int(session.execute(statement).rowcount)  # type: ignore[attr-defined]
    session.commit()
    return removed

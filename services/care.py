"""关怀记录: gifts, visits, services and favours given to a client (seed 001 "私域如何做高客单的生意" §七
要维护关系 — "那些老客户，你每一年做了哪些服务？").

    save_care / get_care / list_care       one entry: date, kind, cost, note
    trash_care / restore_care / purge_care the 回收站 (services.trash PAGE_SOURCES "care")
    care_year(customer, year)              what did I do for 李娜 this year: entries and their cost
    neglected_top_clients(months)          top clients by spending with nothing given for N months
    timeline_items(customer)               the entries on the customer's timeline
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.orm import Session

from models import CareEntry, Customer, MemberTier
from models.loyalty import CARE_KINDS
from services.errors import NotFoundError, ValidationError
from services.i18n import t
from services.text import fold

KIND_LABELS = {"gift": "礼物", "visit": "拜访", "service": "服务", "favour": "帮忙", "other": "其他"}
MAX_COST_CENTS = 10_000_000_000  # ¥1 亿
LIST_LIMIT = 5000


def kind_of_label(text: str) -> str:
    """'礼物' or 'gift' → 'gift'; ValueError otherwise."""
    text = fold(text).strip()
    for key, label in KIND_LABELS.items():
        if text.lower() in (key, label, t(label).lower()):
            return key
    raise ValueError(t("关怀类型“{text}”不对，只能是：{all}", text=text, all="、".join(KIND_LABELS.values())))


@dataclass(frozen=True)
class CareRow:
    id: int
    customer_id: int
    customer_name: str
    given_on: date
    kind: str
    cost_cents: int
    note: str

    @property
    def kind_label(self) -> str:
        return t(KIND_LABELS.get(self.kind, self.kind))


@dataclass(frozen=True)
class CareYear:
    customer_id: int
    customer_name: str
    year: int
    entries: tuple[CareRow, ...]
    total_cents: int
    by_kind: dict[str, int] = field(default_factory=dict)  # kind → number of entries
    spent_cents: int = 0  # what the client spent with the seller that year

    def summary(self) -> str:
        """今年为 李娜 做了 5 件事（礼物 2、拜访 1…），花费 ¥1,280."""
        if not self.entries:
            return t("{year} 年还没有为 {name} 做过什么", year=self.year, name=self.customer_name)
        kinds = "、".join(f"{t(KIND_LABELS[k])} {n}" for k, n in self.by_kind.items())
        return t("{year} 年为 {name} 做了 {n} 件事（{kinds}），花费 {cost}", year=self.year, name=self.customer_name,
                 n=len(self.entries), kinds=kinds, cost=money(self.total_cents))


@dataclass(frozen=True)
class NeglectedClient:
    customer_id: int
    name: str
    tier_name: str
    total_spent_cents: int
    last_purchase_on: date | None
    last_care_on: date | None  # None: never


def money(cents: int) -> str:
    return f"¥{cents / 100:,.2f}".replace(".00", "")


# ---- one entry ----------------------------------------------------------------------------------

def _cost(value: str | int | None) -> int:
    if value is None or value == "":
        return 0
    if isinstance(value, int):
        cents = value
    else:
        from services.timeline import parse_money

        try:
            cents = parse_money(value)
        except ValueError as exc:
            raise ValidationError({"cost": str(exc)}) from None
    if cents < 0:
        raise ValidationError({"cost": t("花费不能是负数")})
    if cents > MAX_COST_CENTS:
        raise ValidationError({"cost": t("花费太大了（最多一亿元）")})
    return cents


def save_care(session: Session, customer_id: int | None, given_on: date | None, kind: str,
              cost: str | int | None = 0, note: str = "", care_id: int | None = None) -> int:
    """Add or edit an entry; `cost` is yuan text ("1,280.5") or fen (int). Commits; returns its id."""
    errors: dict[str, str] = {}
    customer = session.get(Customer, customer_id) if customer_id is not None else None
    if customer is None or customer.deleted_at is not None:
        errors["customer"] = t("请选择一位客户")
    if given_on is None:
        errors["given_on"] = t("请填写日期")
    elif given_on > date.today():
        errors["given_on"] = t("日期不能晚于今天（要提前安排，请用跟进或节日关怀提醒）")
    if kind not in CARE_KINDS:
        errors["kind"] = t("关怀类型只能是：{all}", all="、".join(KIND_LABELS.values()))
    try:
        cents = _cost(cost)
    except ValidationError as exc:
        errors.update(exc.fields)
    if errors:
        raise ValidationError(errors)
    entry = CareEntry() if care_id is None else get_care(session, care_id)
    entry.customer_id, entry.given_on, entry.kind = int(customer_id), given_on, kind  # type: ignore[arg-type, assignment]
    entry.cost_cents, entry.note = cents, note.strip()
    session.add(entry)
    session.commit()
    return entry.id


def get_care(session: Session, care_id: int) -> CareEntry:
    entry = session.get(CareEntry, care_id)
    if entry is None or entry.deleted_at is not None:
        raise NotFoundError(t("这条关怀记录已被删除"))
    return entry


def _rows(session: Session, statement: Any) -> list[CareRow]:
    return [CareRow(e.id, e.customer_id, name, e.given_on, e.kind, e.cost_cents, e.note)
            for e, name in session.execute(statement)]


def list_care(session: Session, start: date | None = None, end: date | None = None, kind: str = "",
              text: str = "", customer_id: int | None = None, limit: int = LIST_LIMIT) -> list[CareRow]:
    """Live entries of live customers, newest first; `text` finds the customer (name, 备注名, pinyin,
    WeChat ID, phone) or the note."""
    statement = (select(CareEntry, Customer.remark_name).join(Customer, Customer.id == CareEntry.customer_id)
                 .where(*_filters(start, end, kind, text, customer_id))
                 .order_by(CareEntry.given_on.desc(), CareEntry.id.desc()).limit(limit))
    return _rows(session, statement)


def care_totals(session: Session, start: date | None = None, end: date | None = None, kind: str = "",
                text: str = "", customer_id: int | None = None) -> tuple[int, int, int]:
    """(entries, total cost in fen, customers) of the same filter as list_care, without the limit."""
    row = session.execute(select(func.count(), func.coalesce(func.sum(CareEntry.cost_cents), 0),
                                 func.count(func.distinct(CareEntry.customer_id)))
                          .join(Customer, Customer.id == CareEntry.customer_id)
                          .where(*_filters(start, end, kind, text, customer_id))).one()
    return int(row[0]), int(row[1]), int(row[2])


def _filters(start: date | None, end: date | None, kind: str, text: str, customer_id: int | None) -> list[Any]:
    found: list[Any] = [CareEntry.deleted_at.is_(None), Customer.deleted_at.is_(None)]
    if start is not None:
        found.append(CareEntry.given_on >= start)
    if end is not None:
        found.append(CareEntry.given_on <= end)
    if kind:
        found.append(CareEntry.kind == kind)
    if customer_id is not None:
        found.append(CareEntry.customer_id == customer_id)
    needle = fold(text).strip().lower()
    if needle:
        found.append(or_(Customer.search_text.contains(needle, autoescape=True),
                         CareEntry.note.contains(needle, autoescape=True)))
    return found


def care_cost(session: Session, start: date, end: date) -> int:
    """The cost of every live entry between the two days (inclusive), in fen (for `report loyalty`)."""
    return care_totals(session, start, end)[1]


# ---- the trash ----------------------------------------------------------------------------------

def trash_care(session: Session, care_ids: Sequence[int]) -> int:
    result = session.execute(update(CareEntry).where(CareEntry.id.in_(list(care_ids)), CareEntry.deleted_at.is_(None))
                             .values(deleted_at=datetime.now().replace(microsecond=0)))
    session.commit()
    return int(result.rowcount)  # type: ignore[attr-defined]


def restore_care(session: Session, care_ids: Sequence[int]) -> int:
    result = session.execute(update(CareEntry).where(CareEntry.id.in_(list(care_ids)),
                                                     CareEntry.deleted_at.is_not(None)).values(deleted_at=None))
    session.commit()
    return int(result.rowcount)  # type: ignore[attr-defined]


def purge_care(session: Session, care_ids: Sequence[int] | None = None) -> int:
    """Delete for good from the trash (all of it when None)."""
    statement = delete(CareEntry).where(CareEntry.deleted_at.is_not(None))
    if care_ids is not None:
        statement = statement.where(CareEntry.id.in_(list(care_ids)))
    result = session.execute(statement)
    session.commit()
    return int(result.rowcount)  # type: ignore[attr-defined]


def trashed_care_entries(session: Session) -> list[tuple[int, str, str, datetime]]:
    """(id, customer name, summary, deleted_at) of the entries in the trash, for the 回收站 page."""
    rows = session.execute(select(CareEntry, Customer.remark_name).join(Customer, Customer.id == CareEntry.customer_id)
                           .where(CareEntry.deleted_at.is_not(None), Customer.deleted_at.is_(None))
                           .order_by(CareEntry.deleted_at.desc()))
    return [(e.id, name, _summary(e), e.deleted_at or datetime.min) for e, name in rows]


def _summary(entry: CareEntry) -> str:
    parts = [entry.given_on.isoformat(), t(KIND_LABELS.get(entry.kind, entry.kind))]
    if entry.cost_cents:
        parts.append(money(entry.cost_cents))
    if entry.note:
        parts.append(entry.note[:40])
    return " ".join(parts)


# ---- views --------------------------------------------------------------------------------------

def care_year(session: Session, customer_id: int, year: int) -> CareYear:
    """What the seller did for the customer in `year`: entries (newest first), cost, count by kind."""
    customer = session.get(Customer, customer_id)
    if customer is None or customer.deleted_at is not None:
        raise NotFoundError(t("这位客户已被删除"))
    start, end = date(year, 1, 1), date(year, 12, 31)
    entries = list_care(session, start, end, customer_id=customer_id)
    by_kind = {k: n for k in CARE_KINDS if (n := sum(1 for e in entries if e.kind == k))}
    from models import Purchase

    spent = session.scalar(select(func.coalesce(func.sum(Purchase.amount_cents), 0)).where(
        Purchase.customer_id == customer_id, Purchase.deleted_at.is_(None),
        Purchase.purchased_on >= start, Purchase.purchased_on <= end))
    return CareYear(customer_id, customer.display_name, year, tuple(entries), sum(e.cost_cents for e in entries),
                    by_kind, int(spent or 0))


def care_years(session: Session, customer_id: int) -> list[int]:
    """The years with entries for the customer, and this year, newest first."""
    years = {d.year for d in session.scalars(select(CareEntry.given_on).where(
        CareEntry.customer_id == customer_id, CareEntry.deleted_at.is_(None)))}
    return sorted(years | {date.today().year}, reverse=True)


def months_before(day: date, months: int) -> date:
    """The same day `months` earlier (the month's last day when it has no such day)."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    for last in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def neglected_top_clients(session: Session, months: int = 3, limit: int = 50, tier_ids: Sequence[int] | None = None,
                          today: date | None = None) -> list[NeglectedClient]:
    """The clients who spent the most (of these member tiers, when given) with nothing given to them in
    the last `months` months — whom to look after next."""
    today = today or date.today()
    since = months_before(today, max(months, 0))
    last_care = (select(CareEntry.customer_id, func.max(CareEntry.given_on).label("last_on"))
                 .where(CareEntry.deleted_at.is_(None)).group_by(CareEntry.customer_id).subquery())
    statement = (select(Customer.id, Customer.remark_name, MemberTier.name, Customer.total_spent_cents,
                        Customer.last_purchase_on, last_care.c.last_on)
                 .outerjoin(last_care, last_care.c.customer_id == Customer.id)
                 .outerjoin(MemberTier, MemberTier.id == Customer.tier_id)
                 .where(Customer.deleted_at.is_(None), Customer.total_spent_cents > 0,
                        or_(last_care.c.last_on.is_(None), last_care.c.last_on < since))
                 .order_by(Customer.total_spent_cents.desc(), Customer.id).limit(limit))
    if tier_ids:
        statement = statement.where(Customer.tier_id.in_(list(tier_ids)))
    return [NeglectedClient(cid, name, tier or "", int(spent), last_purchase, last_on)
            for cid, name, tier, spent, last_purchase, last_on in session.execute(statement)]


def tier_choices(session: Session) -> list[tuple[int, str]]:
    """(id, name) of the member tiers, in their order (for filters and the reminder settings)."""
    return [(tid, name) for tid, name in session.execute(
        select(MemberTier.id, MemberTier.name).order_by(MemberTier.sort, MemberTier.threshold, MemberTier.id))]


def timeline_items(session: Session, customer_id: int) -> list[Any]:
    """The customer's care entries as timeline items (kind "care", id = the entry's)."""
    from services.timeline import TimelineItem

    items: list[Any] = []
    for entry in session.scalars(select(CareEntry).where(and_(CareEntry.customer_id == customer_id,
                                                               CareEntry.deleted_at.is_(None)))):
        title = t(KIND_LABELS.get(entry.kind, entry.kind))
        if entry.cost_cents:
            title += f" {money(entry.cost_cents)}"
        items.append(TimelineItem("care", entry.id, datetime.combine(entry.given_on, datetime.min.time()), title,
                                  entry.note or t("（没有备注）")))
    return items

"""复购周期: how long a product lasts, and who is due to buy it again.

A cycle is a category ("普洱"), the words that recognise its products in a purchase ("普洱 生普
熟普 小青柑") and a number of days. A customer is due to repurchase on (their latest purchase
of the category) + days, provided they have not bought from the category since. The defaults fit
the products of the demo shop (services.demo); the seller edits them under 设置 → 客户SOP.

Each reminder's key is "repurchase:<cycle>:<customer>:<purchase date>" (services.today keeps the
done / snoozed state under it).

Catalogue products (services.products) with a cycle of their own win over the keyword cycles: a
purchase linked to such a product is due at purchased_on + the product's cycle_days (unless the
customer bought the same product since), and no keyword cycle counts it. Their reminders use the
negative product id as the cycle id: "repurchase:-<product>:<customer>:<purchase date>".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from models import Customer, Purchase, RepurchaseCycle
from models.loyalty import Product
from services.birthday_dates import live_unindexed
from services.errors import NotFoundError, ValidationError
from services.i18n import t
from services.sqlutil import chunks

DEFAULT_CYCLES = (
    ("普洱", "普洱 生普 熟普 小青柑 易武", 60),
    ("白茶", "白茶 寿眉 银针 白牡丹", 60),
    ("岩茶", "岩茶 肉桂 大红袍 水仙", 45),
    ("面膜", "面膜", 30),
    ("护肤品", "面霜 精华 乳液 洁面 防晒 眼霜 护肤", 60),
    ("滋补养生", "燕窝 阿胶 枸杞 红枣 西洋参 艾灸", 45),
    ("护理卡/课程", "护理卡 调理卡 私教课 团课", 90),
)
MAX_DAYS = 3650


@dataclass(frozen=True)
class CycleInfo:
    id: int
    category: str
    keywords: tuple[str, ...]
    days: int

    @property
    def keywords_text(self) -> str:
        return " ".join(self.keywords)


def split_keywords(text: str) -> tuple[str, ...]:
    """'普洱，生普 熟普、小青柑' → ('普洱', '生普', '熟普', '小青柑')."""
    return tuple(dict.fromkeys(w for w in re.split(r"[\s,，、;；/|]+", text) if w))


def seed_default_cycles(session: Session) -> None:
    """Add the default cycles when there are none (no commit; services.journeys.ensure_defaults)."""
    if session.scalar(select(RepurchaseCycle.id).limit(1)) is None:
        for category, keywords, days in DEFAULT_CYCLES:
            session.add(RepurchaseCycle(category=category, keywords=keywords, days=days))
        session.flush()


def list_cycles(session: Session) -> list[CycleInfo]:
    from services.journeys import ensure_defaults

    ensure_defaults(session)
    return [CycleInfo(c.id, c.category, split_keywords(c.keywords), c.days)
            for c in session.scalars(select(RepurchaseCycle).order_by(RepurchaseCycle.id))]


def save_cycle(session: Session, category: str, keywords: str, days: int, cycle_id: int | None = None) -> int:
    """Add or edit a cycle; commits; ValidationError names each bad field."""
    errors: dict[str, str] = {}
    category = " ".join(category.split())
    words = split_keywords(keywords)
    if not category:
        errors["category"] = t("请填写品类，如“普洱”")
    elif len(category) > 50:
        errors["category"] = t("品类最多 50 个字")
    elif session.scalar(select(RepurchaseCycle.id).where(RepurchaseCycle.category == category,
                                                         RepurchaseCycle.id != (cycle_id or 0))) is not None:
        errors["category"] = t("已经有叫“{name}”的品类了", name=category)
    if not words:
        errors["keywords"] = t("请填写至少一个关键词：购买记录的商品名里含有它，就算这个品类")
    elif len(" ".join(words)) > 400:
        errors["keywords"] = t("关键词太多了（最多 400 个字）")
    if not 1 <= days <= MAX_DAYS:
        errors["days"] = t("复购周期应在 1 到 {max} 天之间", max=MAX_DAYS)
    if errors:
        raise ValidationError(errors)
    cycle = RepurchaseCycle() if cycle_id is None else _cycle(session, cycle_id)
    cycle.category, cycle.keywords, cycle.days = category, " ".join(words), days
    session.add(cycle)
    session.commit()
    return cycle.id


def delete_cycle(session: Session, cycle_id: int) -> None:
    _cycle(session, cycle_id)
    session.execute(delete(RepurchaseCycle).where(RepurchaseCycle.id == cycle_id))
    session.commit()


def _cycle(session: Session, cycle_id: int) -> RepurchaseCycle:
    cycle = session.get(RepurchaseCycle, cycle_id)
    if cycle is None:
        raise NotFoundError(t("这个复购品类已被删除"))
    return cycle


# ---- due -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class RepurchaseDue:
    cycle_id: int
    category: str
    customer_id: int
    customer_name: str
    product: str  # the latest purchase of the category
    purchased_on: date
    due: date
    days: int = 0  # the cycle's length

    @property
    def key(self) -> str:
        return repurchase_key(self.cycle_id, self.customer_id, self.purchased_on)


def repurchase_key(cycle_id: int, customer_id: int, purchased_on: date) -> str:
    return f"repurchase:{cycle_id}:{customer_id}:{purchased_on.isoformat()}"


def cycle_due(session: Session, cycle: CycleInfo, due_from: date, due_to: date,
              customer_ids: list[int] | None = None) -> list[RepurchaseDue]:
    """Customers whose latest purchase of the category falls due between the two dates (inclusive)."""
    return _due(session, [cycle], due_from, due_to, customer_ids)


def _due(session: Session, cycles: list[CycleInfo], due_from: date, due_to: date,
         customer_ids: list[int] | None = None) -> list[RepurchaseDue]:
    """All the cycles at once: one pass over the purchases in the cycles' date ranges finds each
    customer's latest purchase of each category there; customers who bought anything later (their
    last_purchase_on says so) are then checked for a later purchase of the category, by customer."""
    cycles = [c for c in cycles if c.keywords]
    if not cycles:
        return []
    ranges = {c.id: (due_from - timedelta(days=c.days), due_to - timedelta(days=c.days)) for c in cycles}
    in_range = or_(*(Purchase.purchased_on.between(lo, hi) for lo, hi in set(ranges.values())))
    latest = _latest_of_category(session, cycles, ranges, [Purchase.deleted_at.is_(None), in_range], customer_ids)
    if not latest:
        return []
    customers: dict[int, tuple[str, date]] = {}  # id → (name, last purchase: a candidate's is never NULL)
    for chunk in chunks(sorted({cid for _cycle, cid in latest})):
        customers.update((cid, (name, last or date.min)) for cid, name, last in session.connection().execute(
            select(Customer.id, Customer.remark_name, Customer.last_purchase_on)
            .where(Customer.id.in_(chunk), live_unindexed())))  # by primary key, not a deleted_at index
    # Bought something after the candidate purchase: was it from the same category?
    recheck = {cid: bought for (_cycle, cid), (bought, _p) in latest.items()
               if cid in customers and customers[cid][1] > bought}
    if recheck:
        since = min(recheck.values())
        later = _latest_of_category(session, cycles, {c.id: (since, date.max) for c in cycles},
                                    [Purchase.deleted_at.is_(None), Purchase.purchased_on > since], sorted(recheck))
        latest = {key: value for key, value in latest.items() if later.get(key, value)[0] <= value[0]}
    by_id = {c.id: c for c in cycles}
    return [RepurchaseDue(cycle_id, by_id[cycle_id].category, cid, customers[cid][0], product, bought,
                          bought + timedelta(days=by_id[cycle_id].days), by_id[cycle_id].days)
            for (cycle_id, cid), (bought, product) in latest.items() if cid in customers]


def _latest_of_category(session: Session, cycles: list[CycleInfo], ranges: dict[int, tuple[date, date]],
                        where: list[Any], customer_ids: list[int] | None) -> dict[tuple[int, int], tuple[date, str]]:
    """(cycle id, customer id) → the latest purchase (date, product) of the category within the cycle's range."""
    statement = select(Purchase.customer_id, Purchase.purchased_on, Purchase.product).where(
        *where, Purchase.product_id.is_(None) | Purchase.product_id.not_in(_cycled_products()))
    categories: dict[str, list[CycleInfo]] = {}  # product → the cycles it belongs to (names repeat a lot)
    latest: dict[tuple[int, int], tuple[date, str]] = {}
    for chunk in chunks(customer_ids) if customer_ids is not None else [None]:
        part = statement if chunk is None else statement.where(Purchase.customer_id.in_(chunk))
        for cid, bought, product in session.connection().execute(part):
            mine = categories.get(product)
            if mine is None:
                mine = categories[product] = [c for c in cycles if _matches(product, c)]
            for cycle in mine:
                lo, hi = ranges[cycle.id]
                if lo <= bought <= hi:
                    known = latest.get((cycle.id, cid))
                    if known is None or bought > known[0]:
                        latest[(cycle.id, cid)] = (bought, product)
    return latest


def _matches(product: str, cycle: CycleInfo) -> bool:
    """Whether a purchase's product belongs to the cycle's category (a keyword in its name, any case)."""
    name = product.casefold()
    return any(word.casefold() in name for word in cycle.keywords)


def _cycled_products() -> Any:
    """The ids of catalogue products with a cycle of their own (their purchases skip the keywords)."""
    return select(Product.id).where(Product.cycle_days.is_not(None), Product.deleted_at.is_(None))


def product_cycle_days(session: Session, product_id: int) -> int | None:
    return session.scalar(select(Product.cycle_days).where(Product.id == product_id))


def product_due(session: Session, due_from: date, due_to: date, customer_ids: list[int] | None = None,
                product_ids: list[int] | None = None) -> list[RepurchaseDue]:
    """Customers whose latest purchase of a cycled catalogue product falls due between the two dates
    (inclusive) and who have not bought that product since. One query per distinct cycle length
    (each a range on purchased_on), then a check for later purchases of the same products."""
    cycles = {pid: (name, int(days or 0)) for pid, name, days in session.execute(
        select(Product.id, Product.name, Product.cycle_days).where(Product.cycle_days.is_not(None),
                                                                   Product.deleted_at.is_(None)))
        if product_ids is None or pid in product_ids}
    if not cycles:
        return []
    # The latest purchase of each (product, customer) bought since `lo`: due when it falls in the
    # range, which also means nothing of that product was bought after it. One grouped query per
    # cycle length, the due ones then joined to their customer (joined before grouping, each of the
    # ~20,000 purchases of a 100,000-customer store looked its customer up: 77 ms → 47 ms a query).
    # On SQLite a bare column beside max() comes from the row holding the max, so the purchase's own
    # words arrive in the same query; other servers read them for the due ones afterwards.
    sqlite = session.get_bind().dialect.name == "sqlite"
    latest: dict[tuple[int, int], date] = {}
    customers: dict[int, str] = {}
    words: dict[tuple[int, int], str] = {}
    for days in sorted({d for _n, d in cycles.values()}):
        pids = [pid for pid, (_n, d) in cycles.items() if d == days]
        lo, hi = due_from - timedelta(days=days), due_to - timedelta(days=days)
        last = func.max(Purchase.purchased_on)
        grouped = (select(Purchase.product_id, Purchase.customer_id, last.label("last"),
                          *([Purchase.product] if sqlite else []))
                   .where(Purchase.deleted_at.is_(None), Purchase.product_id.in_(pids), Purchase.purchased_on >= lo)
                   .group_by(Purchase.product_id, Purchase.customer_id).having(last <= hi))
        for chunk in chunks(customer_ids) if customer_ids is not None else [None]:
            due = (grouped if chunk is None else grouped.where(Purchase.customer_id.in_(chunk))).subquery()
            part = (select(due.c.product_id, due.c.customer_id, due.c.last, Customer.remark_name,
                           *([due.c.product] if sqlite else []))
                    .join(Customer, Customer.id == due.c.customer_id).where(live_unindexed()))
            for pid, cid, bought, name, *said in session.connection().execute(part):
                latest[(int(pid or 0), cid)] = bought
                customers[cid] = name
                if said:
                    words[(int(pid or 0), cid)] = said[0]
    if not latest:
        return []
    if not sqlite:
        for chunk in chunks(sorted({cid for _pid, cid in latest})):
            since = min(bought for (_p, cid), bought in latest.items() if cid in chunk)
            for pid, cid, bought, text in session.connection().execute(
                    select(Purchase.product_id, Purchase.customer_id, Purchase.purchased_on, Purchase.product)
                    .where(Purchase.customer_id.in_(chunk), Purchase.product_id.in_(list(cycles)),
                           Purchase.deleted_at.is_(None), Purchase.purchased_on >= since)):
                if latest.get((int(pid or 0), cid)) == bought:
                    words[(int(pid or 0), cid)] = text
    found = []
    for (pid, cid), bought in latest.items():
        if cid not in customers:
            continue
        name, days = cycles[pid]
        found.append(RepurchaseDue(-pid, name, cid, customers[cid], words.get((pid, cid), name), bought,
                                   bought + timedelta(days=days), days))
    return found


def repurchases_due(session: Session, due_from: date, due_to: date,
                    cycles: list[CycleInfo] | None = None) -> list[RepurchaseDue]:
    """Every cycle's (or these keyword cycles') customers due between the two dates, with the
    catalogue products' own cycles, soonest first."""
    found = _due(session, list_cycles(session) if cycles is None else cycles, due_from, due_to)
    found += product_due(session, due_from, due_to)
    found.sort(key=lambda i: (i.due, i.category, i.customer_id))
    return found

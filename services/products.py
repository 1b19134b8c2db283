"""商品目录: the products the seller sells, with category, price and repurchase cycle (days).

Purchases keep their own product text (what the seller typed) and point at a catalogue product when
one was picked or matched (`purchase.product_id`): an exact name first, then the longest catalogue
name contained in the text ("2019 易武 大红袍 礼盒" → 大红袍). `link_purchases` matches every
unlinked purchase in a few SQL statements (one pass per 400 distinct product texts). Sales figures
(units, revenue, buyers, last sold) come from one grouped query over the linked purchases; a
product's cycle drives the repurchase reminders of its purchases (services.repurchase).

Deleted products wait in the 回收站 (services.trash PAGE_SOURCES "product"); their purchases keep
the link and their text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import case, delete, func, select, update
from sqlalchemy.orm import Session

from models import Purchase
from models.loyalty import Product
from services.errors import NotFoundError, ValidationError
from services.i18n import t
from services.sqlutil import chunks
from services.text import fold

MAX_CYCLE = 3650
MAX_PRICE = 10_000_000_000  # fen: one hundred million yuan
UNCATEGORISED = "未分类"


@dataclass(frozen=True)
class ProductInput:
    name: str
    category: str = ""
    price_cents: int = 0
    cycle_days: int | None = None
    note: str = ""
    active: bool = True


@dataclass(frozen=True)
class ProductRow:
    id: int
    name: str
    category: str
    price_cents: int
    cycle_days: int | None
    note: str
    active: bool
    units: int = 0  # sold, over the live linked purchases
    revenue_cents: int = 0
    buyers: int = 0
    last_sold_on: date | None = None


def validate_product(session: Session, data: ProductInput, product_id: int | None = None) -> ProductInput:
    """The input cleaned up; ValidationError names each bad field."""
    errors: dict[str, str] = {}
    name = fold(data.name)
    category = fold(data.category)
    if not name:
        errors["name"] = t("请填写商品名称")
    elif len(name) > 200:
        errors["name"] = t("商品名称最多 200 个字")
    else:
        clash = session.execute(select(Product.id, Product.deleted_at).where(
            func.lower(Product.name) == name.lower(), Product.id != (product_id or 0))).first()
        if clash is not None:
            errors["name"] = (t("回收站里有叫“{name}”的商品，请先恢复它或清空回收站", name=name) if clash.deleted_at
                              else t("已经有叫“{name}”的商品了", name=name))
    if len(category) > 50:
        errors["category"] = t("分类最多 50 个字")
    if data.price_cents < 0:
        errors["price_cents"] = t("价格不能是负数")
    elif data.price_cents > MAX_PRICE:
        errors["price_cents"] = t("价格太大了（最多一亿元）")
    if data.cycle_days is not None and not 1 <= data.cycle_days <= MAX_CYCLE:
        errors["cycle_days"] = t("复购周期应在 1 到 {max} 天之间（不提醒就空着）", max=MAX_CYCLE)
    if errors:
        raise ValidationError(errors)
    return ProductInput(name, category, data.price_cents, data.cycle_days, data.note.strip(), data.active)


def create_product(session: Session, data: ProductInput) -> int:
    data = validate_product(session, data)
    product = Product(name=data.name, category=data.category, price_cents=data.price_cents,
                      cycle_days=data.cycle_days, note=data.note, active=data.active)
    session.add(product)
    session.commit()
    return product.id


def update_product(session: Session, product_id: int, data: ProductInput) -> None:
    """Save the product's fields; a new category moves the 买过某类商品 auto tags of its buyers."""
    product = _get(session, product_id)
    data = validate_product(session, data, product_id)
    recategorised = product.category != data.category
    product.name, product.category, product.price_cents = data.name, data.category, data.price_cents
    product.cycle_days, product.note, product.active = data.cycle_days, data.note, data.active
    session.flush()
    if recategorised:
        _category_rules_follow(session, _buyers(session, [product_id]))
    session.commit()


def get_product(session: Session, product_id: int) -> ProductRow:
    return _row(_get(session, product_id))


def _get(session: Session, product_id: int) -> Product:
    product = session.get(Product, product_id)
    if product is None or product.deleted_at is not None:
        raise NotFoundError(t("这个商品已被删除"))
    return product


def _row(p: Product, sales: tuple[int, int, int, date | None] | None = None) -> ProductRow:
    units, revenue, buyers, last = sales or (0, 0, 0, None)
    return ProductRow(p.id, p.name, p.category, p.price_cents, p.cycle_days, p.note, p.active,
                      units, revenue, buyers, last)


def list_products(session: Session, text: str = "", category: str | None = None,
                  active: bool | None = None, *, with_sales: bool = True) -> list[ProductRow]:
    """Live products by category and name; `text` finds a name, category or note part, any case."""
    statement = select(Product).where(Product.deleted_at.is_(None)).order_by(Product.category, Product.name)
    if text.strip():
        like = f"%{fold(text).lower()}%"
        statement = statement.where(func.lower(Product.name).like(like) | func.lower(Product.category).like(like)
                                    | func.lower(Product.note).like(like))
    if category is not None:
        statement = statement.where(Product.category == category)
    if active is not None:
        statement = statement.where(Product.active.is_(active))
    products = list(session.scalars(statement))
    sales = product_sales(session) if with_sales and products else {}
    return [_row(p, sales.get(p.id)) for p in products]


def product_sales(session: Session, start: date | None = None,
                  end: date | None = None) -> dict[int, tuple[int, int, int, date | None]]:
    """product id → (units, revenue in fen, buyers, last sold) over live linked purchases — one
    grouped query (on the product_id index)."""
    statement = (select(Purchase.product_id, func.sum(Purchase.quantity), func.sum(Purchase.amount_cents),
                        func.count(func.distinct(Purchase.customer_id)), func.max(Purchase.purchased_on))
                 .where(Purchase.product_id.is_not(None), Purchase.deleted_at.is_(None))
                 .group_by(Purchase.product_id))
    if start is not None:
        statement = statement.where(Purchase.purchased_on >= start)
    if end is not None:
        statement = statement.where(Purchase.purchased_on <= end)
    return {pid: (int(units or 0), int(revenue or 0), int(buyers or 0), last)
            for pid, units, revenue, buyers, last in session.execute(statement) if pid is not None}


def categories(session: Session) -> list[str]:
    """The categories in use by live products, in order."""
    return [c for c in session.scalars(select(Product.category).where(Product.deleted_at.is_(None))
                                       .distinct().order_by(Product.category)) if c]


def product_names(session: Session, active_only: bool = True) -> list[tuple[int, str]]:
    """(id, name) of the live products, for a picker."""
    statement = select(Product.id, Product.name).where(Product.deleted_at.is_(None)).order_by(Product.name)
    if active_only:
        statement = statement.where(Product.active.is_(True))
    return [(pid, name) for pid, name in session.execute(statement)]


# ---- trash ---------------------------------------------------------------------------------------

def trash_products(session: Session, ids: list[int]) -> int:
    """Move products to the 回收站; their purchases keep their text and link."""
    if not ids:
        return 0
    moved = session.execute(update(Product).where(Product.id.in_(ids), Product.deleted_at.is_(None))
                            .values(deleted_at=datetime.now().replace(microsecond=0))).rowcount  # type: ignore[attr-defined]
    session.commit()
    return int(moved)


def restore_products(session: Session, ids: list[int]) -> int:
    if not ids:
        return 0
    restored = session.execute(update(Product).where(Product.id.in_(ids), Product.deleted_at.is_not(None))
                               .values(deleted_at=None)).rowcount  # type: ignore[attr-defined]
    session.commit()
    return int(restored)


def trashed_product_entries(session: Session) -> list[tuple[int, str, str, datetime]]:
    """For the global 回收站 (services.trash): (id, name, "分类 · ￥价格", deleted_at) of each."""
    from services.timeline import money

    return [(p.id, p.name, f"{p.category or t(UNCATEGORISED)} · {money(p.price_cents)}", p.deleted_at or datetime.min)
            for p in session.scalars(select(Product).where(Product.deleted_at.is_not(None))
                                     .order_by(Product.deleted_at.desc()))]


def purge_products(session: Session, ids: list[int] | None = None) -> int:
    """Delete for good (purchases keep their text; their link is cleared by the foreign key, so the
    category rules judge them by their text again)."""
    statement = delete(Product).where(Product.deleted_at.is_not(None))
    trashed = select(Product.id).where(Product.deleted_at.is_not(None))
    if ids is not None:
        statement = statement.where(Product.id.in_(ids))
        trashed = trashed.where(Product.id.in_(ids))
    buyers = _buyers(session, list(session.scalars(trashed)))
    removed = int(session.execute(statement).rowcount)  # type: ignore[attr-defined]
    session.flush()
    _category_rules_follow(session, buyers)
    session.commit()
    return removed


def _buyers(session: Session, product_ids: list[int]) -> list[int]:
    """Customers with a purchase linked to these products (through the purchase.product_id index)."""
    found: set[int] = set()
    for chunk in chunks(product_ids):
        found.update(session.scalars(select(Purchase.customer_id).where(Purchase.product_id.in_(chunk)).distinct()))
    return sorted(found)


def _category_rules_follow(session: Session, customer_ids: list[int]) -> None:
    """The 买过某类商品 auto-tag rules, for these customers (services.auto_tags); no commit."""
    from services.auto_tags import apply_rules

    if customer_ids:
        apply_rules(session, customer_ids, kinds=("category",))


# ---- matching purchases to the catalogue ---------------------------------------------------------

class Matcher:
    """Matches free text to catalogue products: the exact name (any case), else the longest catalogue
    name the text contains. Built once from the live products."""

    def __init__(self, products: list[tuple[int, str]]) -> None:
        self.exact = {name.casefold(): pid for pid, name in products}
        self.by_length = sorted(((name.casefold(), pid) for pid, name in products if name),
                                key=lambda item: (-len(item[0]), item[0]))

    def match(self, text: str) -> int | None:
        folded = fold(text).casefold()
        if not folded:
            return None
        if folded in self.exact:
            return self.exact[folded]
        for name, pid in self.by_length:
            if name in folded:
                return pid
        return None


def matcher(session: Session) -> Matcher:
    return Matcher([(pid, name) for pid, name in session.execute(
        select(Product.id, Product.name).where(Product.deleted_at.is_(None)))])


def match_product(session: Session, text: str) -> int | None:
    """The catalogue product a purchase's text names, or None."""
    return matcher(session).match(text)


def link_purchases(session: Session, ids: list[int] | None = None, *, batch_id: int | None = None) -> int:
    """Fill product_id of unlinked purchases (these ids, an import batch's, or all) whose text names a
    catalogue product; returns how many were linked. No commit.

    The distinct texts of the unlinked purchases (found through the product_id index) are matched
    in Python, then one UPDATE … CASE per 400 texts writes the links."""
    found = matcher(session)
    if not found.exact:
        return 0
    base: list[Any] = [Purchase.product_id.is_(None), Purchase.deleted_at.is_(None)]
    if batch_id is not None:
        base.append(Purchase.import_batch_id == batch_id)
    texts: set[str] = set()
    for chunk in chunks(ids) if ids is not None else [None]:
        statement = select(Purchase.product).where(*base).distinct()
        if chunk is not None:
            statement = statement.where(Purchase.id.in_(chunk))
        texts.update(session.scalars(statement))
    mapping = {text: pid for text in texts if (pid := found.match(text)) is not None}
    linked = 0
    items = sorted(mapping.items())
    for start in range(0, len(items), 400):
        part = dict(items[start:start + 400])
        writes = update(Purchase).where(*base, Purchase.product.in_(list(part))).values(
            product_id=case(part, value=Purchase.product), updated_at=Purchase.updated_at)
        if ids is not None:
            for chunk in chunks(ids):
                linked += int(session.execute(writes.where(Purchase.id.in_(chunk))).rowcount)  # type: ignore[attr-defined]
        else:
            linked += int(session.execute(writes).rowcount)  # type: ignore[attr-defined]
    return linked


# ---- sales report --------------------------------------------------------------------------------

@dataclass(frozen=True)
class SalesLine:
    name: str  # the product, or the category
    category: str
    units: int
    orders: int
    revenue_cents: int
    buyers: int


@dataclass(frozen=True)
class SalesReport:
    start: date
    end: date
    products: tuple[SalesLine, ...]  # best-selling first; "未关联商品" for purchases outside the catalogue
    categories: tuple[SalesLine, ...]
    revenue_cents: int
    orders: int


def sales_report(session: Session, start: date, end: date) -> SalesReport:
    """Sales by product and by category between the two dates (inclusive), from live purchases."""
    rows = session.execute(
        select(Purchase.product_id, Product.name, Product.category, func.sum(Purchase.quantity), func.count(),
               func.sum(Purchase.amount_cents), func.count(func.distinct(Purchase.customer_id)))
        .outerjoin(Product, Product.id == Purchase.product_id)
        .where(Purchase.deleted_at.is_(None), Purchase.purchased_on.between(start, end))
        .group_by(Purchase.product_id, Product.name, Product.category)).all()
    products: list[SalesLine] = []
    by_category: dict[str, list[int]] = {}
    buyers_by_category = _category_buyers(session, start, end)
    for pid, name, category, units, orders, revenue, buyers in rows:
        label = name if pid is not None and name is not None else t("未关联商品")
        cat = (category or t(UNCATEGORISED)) if pid is not None else t("未关联商品")
        products.append(SalesLine(label, cat, int(units or 0), int(orders), int(revenue or 0), int(buyers)))
        totals = by_category.setdefault(cat, [0, 0, 0])
        totals[0] += int(units or 0)
        totals[1] += int(orders)
        totals[2] += int(revenue or 0)
    products.sort(key=lambda line: (-line.revenue_cents, line.name))
    cats = [SalesLine(cat, cat, u, o, r, buyers_by_category.get(cat, 0)) for cat, (u, o, r) in by_category.items()]
    cats.sort(key=lambda line: (-line.revenue_cents, line.name))
    return SalesReport(start, end, tuple(products), tuple(cats), sum(p.revenue_cents for p in products),
                       sum(p.orders for p in products))


def _category_buyers(session: Session, start: date, end: date) -> dict[str, int]:
    """Distinct buyers per category (a buyer of two products of one category counts once)."""
    cat: Any = case((Purchase.product_id.is_(None), t("未关联商品")),
                    else_=func.coalesce(func.nullif(Product.category, ""), t(UNCATEGORISED)))
    return {name: int(n) for name, n in session.execute(
        select(cat, func.count(func.distinct(Purchase.customer_id)))
        .outerjoin(Product, Product.id == Purchase.product_id)
        .where(Purchase.deleted_at.is_(None), Purchase.purchased_on.between(start, end)).group_by(cat))}

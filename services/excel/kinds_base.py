"""What every import kind is, and what several share: the `Kind` interface (parse a row's cells, find the
record it duplicates, write it), finding the customer a row names, matching a customer's records of
the store, and checking a 介绍人.

A kind never writes half a row: `parse` finds every problem first (the engine skips a row with
any), and `create` / `update` then write the whole row. Creating goes through `Pending` (bulk
inserts, for speed); updating an existing record saves its values before (`ImportChange`) so that
undo can put them back.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from models import Referral
from services.excel import values as v
from services.excel.resolve import ImportContext, describe_customer
from services.excel.writing import Pending, Problems, Values
from services.excel.writing import cell as _cell
from services.i18n import t


class Kind:
    name = ""

    def parse(self, ctx: ImportContext, raw: dict[str, Any]) -> tuple[Values, Problems]:
        raise NotImplementedError

    def file_key(self, values: Values) -> tuple[Any, ...] | None:
        """Rows of the same file with the same key are one record (merged, not doubled)."""
        return None

    def match(self, ctx: ImportContext, values: Values) -> int | None:
        raise NotImplementedError

    def create(self, ctx: ImportContext, pending: Pending, values: Values) -> int:
        raise NotImplementedError

    def update(self, ctx: ImportContext, pending: Pending, record_id: int, values: Values) -> None:
        raise NotImplementedError

    def merge(self, ctx: ImportContext, pending: Pending, record_id: int, values: Values) -> None:
        """A row repeating one already imported from this file (same key): nothing more to write."""

    def prefetch(self, ctx: ImportContext, rows: list[Values], policy: str) -> None:
        """Before a window of rows (those without problems) is written with this duplicate policy:
        a kind may read at once what matching and updating them will ask, instead of row by row."""

    def finish(self, ctx: ImportContext, pending: Pending) -> None:
        """After the last row (totals, referrals that point forward)."""


def customer_of(ctx: ImportContext, raw: dict[str, Any], problems: Problems) -> int | None:
    """The customer a record's row names (客户编号, 客户微信号, 客户手机 or a unique 备注名), else None
    with the reason in `problems`."""
    number = _cell(raw, "customer_number")
    if number is not None:
        try:
            found = ctx.by_number.get(v.parse_int(number))
        except ValueError:
            found = None
        if found is not None:
            return found
    name = v.cell_text(raw.get("customer_name"))
    wechat_id = v.cell_text(raw.get("customer_wechat_id"))
    phone = ""
    if _cell(raw, "customer_phone") is not None:
        try:
            phone = v.parse_phone(raw["customer_phone"])
        except ValueError as exc:
            problems["customer_phone"] = str(exc)
    found = None
    if wechat_id:
        found = ctx.by_wechat.get(wechat_id.lower())
    if found is None and phone:
        found = ctx.by_phone.get(phone)
    if found is None and name:
        named = ctx.by_name.get(name, [])
        if len(named) > 1:
            problems["customer_name"] = t("有 {n} 位客户都叫“{name}”，请加上客户微信号或手机来区分", n=len(named), name=name)
            return None
        found = named[0] if named else None
    if found is None and "customer_phone" not in problems:
        shown = name or wechat_id or phone
        problems["customer_name"] = (t("客户“{name}”在客户本里找不到（请先导入客户）", name=shown) if shown
                                     else t("没有写是哪位客户"))
    return found


class StoreRecords(Kind):
    """A kind of records a customer has (notes, purchases, follow-ups), matched to the store's record
    of the same customer with the same `keys`. For each window of rows the records of its customers
    are read at once (a query per row before: 50,000 purchases took 28 s); this import's own rows
    are left out (repeats inside one file are the kind's file_key's business)."""

    model: Any = None
    keys: tuple[str, ...] = ()

    def __init__(self) -> None:
        self.known: dict[tuple[Any, ...], int] = {}  # keys → the first such live record of the store
        self.known_customers: set[int] = set()  # whose records `known` holds; others are asked row by row
        self.records: list[Any] = []  # held so that the session keeps them for the window (it holds weakly)

    def prefetch(self, ctx: ImportContext, rows: list[Values], policy: str) -> None:
        self.known.clear()
        self.records = []
        self.known_customers = {values["customer_id"] for values in rows} if policy != "add" else set()
        if not self.known_customers:
            return
        model = self.model
        query = (select(model.id, *(getattr(model, key) for key in self.keys))
                 .where(model.customer_id.in_(sorted(self.known_customers)), model.deleted_at.is_(None))
                 .order_by(model.id.desc()))
        if ctx.batch_id is not None:
            query = query.where(model.import_batch_id.is_(None) | (model.import_batch_id != ctx.batch_id))
        for record_id, *key in ctx.session.execute(query):
            self.known[tuple(key)] = record_id  # the lowest id of equal ones is written last
        if policy == "update":  # the records the rows will update, in the session for update_record
            ids = sorted({record for values in rows
                          if (record := self.known.get(tuple(values[key] for key in self.keys))) is not None})
            self.records = list(ctx.session.scalars(select(model).where(model.id.in_(ids)))) if ids else []

    def match(self, ctx: ImportContext, values: Values) -> int | None:
        if values["customer_id"] in self.known_customers:
            return self.known.get(tuple(values[key] for key in self.keys))
        model = self.model
        return ctx.session.scalar(select(model.id).where(
            *(getattr(model, key) == values[key] for key in self.keys), model.deleted_at.is_(None))
            .order_by(model.id).limit(1))


def referral_problem(ctx: ImportContext, referrer_id: int, referee_id: int) -> str | None:
    """Why `referrer` cannot be `referee`'s 介绍人: themselves, or a cycle (A brought B brought A)."""
    if referrer_id == referee_id:
        return t("介绍人不能是自己")
    parent: dict[int, int] = {ee: er for er, ee in ctx.session.execute(
        select(Referral.referrer_id, Referral.referee_id).where(Referral.deleted_at.is_(None)))}
    seen, current = set(), referrer_id
    while current in parent and current not in seen:
        seen.add(current)
        current = parent[current]
        if current == referee_id:
            return t("会形成循环：{a} 本来就是 {b} 介绍来的", a=describe_customer(ctx, referee_id), b=describe_customer(ctx, referrer_id))
    return None

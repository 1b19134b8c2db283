"""The import kinds of the customer book: customers (services.excel.kinds_customers), notes, purchases,
follow-ups and referrals, and KIND_CLASSES, the registry the pages' own kinds are added to. The
`Kind` interface and what kinds share: services.excel.kinds_base.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from sqlalchemy import select

from models import FollowUp, Note, Purchase, Referral
from models.referral import REFERRAL_METHODS, REWARD_KINDS, REWARD_STATUSES
from models.timeline import NOTE_KINDS
from services.excel import values as v
from services.excel.kinds_base import Kind, StoreRecords, customer_of, referral_problem
from services.excel.kinds_customers import Customers
from services.excel.resolve import ImportContext, describe_customer
from services.excel.writing import Pending, Problems, Values
from services.excel.writing import parse_cell as _parse
from services.excel.writing import update_record as _update_record
from services.i18n import t

__all__ = ["KIND_CLASSES", "Customers", "FollowUps", "Kind", "Notes", "Purchases", "Referrals", "customer_of",
           "referral_problem"]


class Notes(StoreRecords):
    name = "notes"
    model = Note
    keys = ("customer_id", "body")

    def parse(self, ctx: ImportContext, raw: dict[str, Any]) -> tuple[Values, Problems]:
        problems: Problems = {}
        values: Values = {"customer_id": customer_of(ctx, raw, problems)}
        values["kind"] = v.cell_text(raw.get("kind")) or "其他"
        if values["kind"] not in NOTE_KINDS:
            problems["kind"] = t("笔记类型“{k}”不对，只能是：{kinds}", k=values["kind"], kinds="、".join(NOTE_KINDS))
        values["body"] = v.cell_text(raw.get("body"))
        if not values["body"]:
            problems["body"] = t("笔记内容为空")
        noted = _parse(raw, problems, "noted_at", v.parse_datetime)
        values["noted_at"] = noted or datetime.now().replace(microsecond=0)
        values["pinned"] = bool(_parse(raw, problems, "pinned", v.parse_bool))
        return values, problems

    def file_key(self, values: Values) -> tuple[Any, ...] | None:
        return (values["customer_id"], values["body"])

    def create(self, ctx: ImportContext, pending: Pending, values: Values) -> int:
        pending.add(Note, {k: values[k] for k in ("customer_id", "kind", "body", "pinned", "noted_at")})
        return int(values["customer_id"])

    def update(self, ctx: ImportContext, pending: Pending, record_id: int, values: Values) -> None:
        _update_record(ctx, pending, Note, record_id, {k: values[k] for k in ("kind", "pinned")})


class Purchases(StoreRecords):
    name = "purchases"
    model: Any = Purchase
    keys: tuple[str, ...] = ("customer_id", "purchased_on", "product", "amount_cents")  # no file_key: two rows, two purchases

    def __init__(self) -> None:
        super().__init__()
        self.touched: set[int] = set()

    def parse(self, ctx: ImportContext, raw: dict[str, Any]) -> tuple[Values, Problems]:
        problems: Problems = {}
        values: Values = {"customer_id": customer_of(ctx, raw, problems)}
        values["purchased_on"] = _parse(raw, problems, "purchased_on", v.parse_date)
        if values["purchased_on"] is None and "purchased_on" not in problems:
            problems["purchased_on"] = t("购买日期为空")
        elif values["purchased_on"] and values["purchased_on"] > date.today():
            problems["purchased_on"] = t("购买日期{d}晚于今天", d=values["purchased_on"])
        values["product"] = v.cell_text(raw.get("product"))
        if not values["product"]:
            problems["product"] = t("商品为空")
        values["quantity"] = _parse(raw, problems, "quantity", lambda x: v.parse_int(x, minimum=1)) or 1
        values["amount_cents"] = _parse(raw, problems, "amount", v.parse_money) or 0
        values["channel"] = v.cell_text(raw.get("channel"))
        values["note"] = v.cell_text(raw.get("note"))
        return values, problems

    def file_key(self, values: Values) -> tuple[Any, ...] | None:
        return None  # two identical purchase rows in one file are two purchases

    def create(self, ctx: ImportContext, pending: Pending, values: Values) -> int:
        pending.add(Purchase, {k: values[k] for k in ("customer_id", "purchased_on", "product", "quantity",
                                                       "amount_cents", "channel", "note")})
        self.touched.add(values["customer_id"])
        return int(values["customer_id"])

    def update(self, ctx: ImportContext, pending: Pending, record_id: int, values: Values) -> None:
        _update_record(ctx, pending, Purchase, record_id, {k: values[k] for k in ("quantity", "channel", "note")})

    def finish(self, ctx: ImportContext, pending: Pending) -> None:
        from services.timeline import refresh_aggregates

        pending.flush()
        if self.name == "purchases":  # 积分 for the new purchases, in one pass (services.loyalty)
            from services.loyalty import after_import

            after_import(ctx.session, pending.batch_id, sorted(self.touched))
        refresh_aggregates(ctx.session, sorted(self.touched))


class FollowUps(Purchases):
    name = "follow-ups"
    model = FollowUp
    keys = ("customer_id", "due_on", "reason")

    def parse(self, ctx: ImportContext, raw: dict[str, Any]) -> tuple[Values, Problems]:
        problems: Problems = {}
        values: Values = {"customer_id": customer_of(ctx, raw, problems)}
        values["due_on"] = _parse(raw, problems, "due_on", v.parse_date)
        if values["due_on"] is None and "due_on" not in problems:
            problems["due_on"] = t("跟进日期为空")
        values["reason"] = v.cell_text(raw.get("reason")) or t("跟进")
        done = bool(_parse(raw, problems, "done", v.parse_bool))
        values["done_at"] = datetime.combine(values["due_on"], time(12)) if done and values["due_on"] else None
        values["result"] = v.cell_text(raw.get("result"))
        return values, problems

    def file_key(self, values: Values) -> tuple[Any, ...] | None:
        return (values["customer_id"], values["due_on"], values["reason"])

    def create(self, ctx: ImportContext, pending: Pending, values: Values) -> int:
        pending.add(FollowUp, {k: values[k] for k in ("customer_id", "due_on", "reason", "done_at", "result")})
        self.touched.add(values["customer_id"])
        return int(values["customer_id"])

    def update(self, ctx: ImportContext, pending: Pending, record_id: int, values: Values) -> None:
        _update_record(ctx, pending, FollowUp, record_id, {k: values[k] for k in ("done_at", "result")})


class Referrals(Kind):
    """转介绍 rows: 介绍人 and 被介绍人 by name, WeChat ID or phone; 活动 by name (it must exist).

    A row is refused when the new customer already has another 介绍人 (in the store or earlier in the
    file) or when it would close a loop; the loop check walks an in-memory map of the store's
    referrals plus the file's rows so far (read once, not per row)."""

    name = "referrals"
    referrers: set[int]

    def __init__(self) -> None:
        self.referrers = set()  # the 介绍人 of the rows parsed without problems

    def _campaign_ids(self, ctx: ImportContext) -> dict[str, int]:
        found: dict[str, int] | None = getattr(self, "_campaigns", None)
        if found is None:
            from services.campaigns import campaign_name_map

            found = self._campaigns = campaign_name_map(ctx.session)
        return found

    def _referrer_of(self, ctx: ImportContext) -> dict[int, int]:
        """referee → referrer: the live referrals of the store, then the rows of this file as parsed."""
        found: dict[int, int] | None = getattr(self, "_links", None)
        if found is None:
            found = self._links = {ee: er for er, ee in ctx.session.execute(
                select(Referral.referrer_id, Referral.referee_id).where(Referral.deleted_at.is_(None)))}
        return found

    def parse(self, ctx: ImportContext, raw: dict[str, Any]) -> tuple[Values, Problems]:
        problems: Problems = {}
        values: Values = {}
        for key in ("referrer", "referee"):
            text = v.cell_text(raw.get(key))
            values[f"{key}_id"] = ctx.find_customer(text)
            if values[f"{key}_id"] is None:
                problems[key] = ctx.not_found(text)
        values["referred_on"] = _parse(raw, problems, "referred_on", v.parse_date)
        values["method"] = v.cell_text(raw.get("method")) or "口碑"
        if values["method"] not in REFERRAL_METHODS:
            problems["method"] = t("方式“{m}”不对，只能是：{all}", m=values["method"], all="、".join(REFERRAL_METHODS))
        campaign = v.cell_text(raw.get("campaign"))
        values["campaign_id"] = self._campaign_ids(ctx).get(campaign) if campaign else None
        if campaign and values["campaign_id"] is None:
            problems["campaign"] = t("没有叫“{name}”的裂变活动：请先在“转介绍 → 裂变活动”里新建，或把这格留空",
                                     name=campaign)
        values["reward_kind"] = v.cell_text(raw.get("reward_kind"))
        if values["reward_kind"] and values["reward_kind"] not in REWARD_KINDS:
            problems["reward_kind"] = t("奖励类型只能是：{all}", all="、".join(REWARD_KINDS))
        values["reward_value_cents"] = _parse(raw, problems, "reward_value", v.parse_money) or 0
        values["reward"] = v.cell_text(raw.get("reward"))[:100]
        has_reward = bool(values["reward"] or values["reward_kind"] or values["reward_value_cents"])
        values["reward_status"] = v.cell_text(raw.get("reward_status")) or ("待发放" if has_reward else "无")
        if values["reward_status"] not in REWARD_STATUSES:
            problems["reward_status"] = t("奖励状态只能是：{all}", all="、".join(REWARD_STATUSES))
        values["note"] = v.cell_text(raw.get("note"))
        if not problems:
            self._check_link(ctx, values, problems)
        return values, problems

    def _check_link(self, ctx: ImportContext, values: Values, problems: Problems) -> None:
        """One 介绍人 per customer, nobody their own, no loops; a good row joins the map."""
        referrer, referee = values["referrer_id"], values["referee_id"]
        links = self._referrer_of(ctx)
        if referrer == referee:
            problems["referrer"] = t("介绍人不能是自己")
        elif links.get(referee, referrer) != referrer:
            problems["referee"] = t("{b}已经是{a}介绍来的，一位客户只能有一位介绍人", b=describe_customer(ctx, referee),
                                    a=describe_customer(ctx, links[referee]))
        else:
            chain, current = [referrer], referrer
            while current in links and len(chain) <= len(links):
                current = links[current]
                chain.append(current)
                if current == referee:
                    names = " → ".join(describe_customer(ctx, cid) for cid in [*reversed(chain), referee])
                    problems["referrer"] = t("会形成循环：{chain}（箭头表示“介绍了”）", chain=names)
                    return
            links[referee] = referrer
            self.referrers.add(referrer)

    def file_key(self, values: Values) -> tuple[Any, ...] | None:
        return (values["referee_id"],)

    def match(self, ctx: ImportContext, values: Values) -> int | None:
        return ctx.session.scalar(select(Referral.id).where(Referral.referee_id == values["referee_id"]))

    def create(self, ctx: ImportContext, pending: Pending, values: Values) -> int:
        existing = self.match(ctx, values)  # "add" skips matching, but a customer has one referral row
        if existing is not None:
            self.update(ctx, pending, existing, values)
            return existing
        pending.flush()
        ctx.session.add(Referral(import_batch_id=pending.batch_id, **values))
        ctx.session.flush()
        return int(values["referee_id"])

    def update(self, ctx: ImportContext, pending: Pending, record_id: int, values: Values) -> None:
        _update_record(ctx, pending, Referral, record_id, {**values, "deleted_at": None})

    def finish(self, ctx: ImportContext, pending: Pending) -> None:
        """The referrers' 忠实型 depends on their referred buyers."""
        from services.layers import refresh_layers

        if self.referrers:
            refresh_layers(ctx.session, sorted(self.referrers))


KIND_CLASSES: dict[str, type[Kind]] = {
    "customers": Customers, "notes": Notes, "purchases": Purchases, "follow-ups": FollowUps,
    "referrals": Referrals,
}

"""The `customers` import kind: a row's profile, tags, custom values, 备注 and next follow-up; 累计消费
and 介绍人 at the end; a re-imported list's customers read a window at a time."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import select, update
from sqlalchemy.orm import Session, lazyload

from models import Customer, CustomerTag, CustomFieldValue, FollowUp, Note, Purchase, Referral
from services.custom_fields import clean_value
from services.excel import values as v
from services.excel.kinds_base import Kind, referral_problem
from services.excel.resolve import CustomerKey, ImportContext
from services.excel.writing import CellMemo, Pending, Problems, Values, note_change, snapshot
from services.excel.writing import cell as _cell
from services.excel.writing import parse_cell as _parse
from services.i18n import t
from services.sqlutil import chunks
from services.text import search_columns


def _has_note(session: Session, customer_id: int, body: str) -> bool:
    """Importing the same list again must not repeat its 备注 on every customer."""
    return session.scalar(select(Note.id).where(Note.customer_id == customer_id, Note.body == body,
                                                Note.deleted_at.is_(None)).limit(1)) is not None


def _has_open_follow_up(session: Session, customer_id: int, due_on: date) -> bool:
    return session.scalar(select(FollowUp.id).where(FollowUp.customer_id == customer_id, FollowUp.due_on == due_on,
                                                    FollowUp.done_at.is_(None), FollowUp.deleted_at.is_(None))
                          .limit(1)) is not None


TEXT_FIELDS = ("remark_name", "real_name", "wechat_id", "nickname", "city", "address", "occupation",
               "source", "member_level")
SEARCHED_FIELDS = frozenset(("remark_name", "real_name", "nickname", "wechat_id", "phone"))  # in search_text
PROFILE_FIELDS = (*TEXT_FIELDS, "phone", "gender", "wechat_account_id", "added_on", "birthday_year",
                  "birthday_month", "birthday_day", "birthday_lunar", "birthday_leap_month")


class Prefetched(NamedTuple):
    """What updating one customer of a re-imported list reads, read for a window of rows at once."""

    customer: Customer
    tags: set[int]
    custom: dict[int, str]
    notes: set[str]  # her live notes' bodies among the window's 备注
    due: set[date]  # her open follow-ups' dates among the window's 下次跟进


class Customers(Kind):
    name = "customers"

    def __init__(self) -> None:
        self.referrers: dict[int, str] = {}  # customer id → the 介绍人 text, resolved at the end
        # customer id → imported (累计消费, 首次购买, 最近购买): a tuple, 100,000 of them in a large file
        self.totals: dict[int, tuple[int | None, date | None, date | None]] = {}
        self.touched: set[int] = set()
        self.created: set[int] = set()  # made by this import: no purchases in the store before _add_totals
        # customer id → (the customer, her tag ids, her custom values, her notes of this window's 备注,
        # her open follow-ups' dates among the window's 下次跟进), read for a window of rows at once
        # (prefetch); taken by update, unless touched since
        self.prefetched: dict[int, Prefetched] = {}
        self.left_out: list[tuple[int, str]] = []
        self.search_stale: set[int] = set()  # updated customers whose names, WeChat ID, phone or custom values changed
        self.memo = CellMemo()

    def parse(self, ctx: ImportContext, raw: dict[str, Any]) -> tuple[Values, Problems]:
        problems: Problems = {}
        parse = self.memo.parse  # each column's distinct cells parsed once
        text = v.cell_text
        values: Values = {name: text(raw[name]) for name in TEXT_FIELDS if name in raw}
        if not values.get("remark_name"):
            fallback = v.cell_text(raw.get("real_name")) or v.cell_text(raw.get("nickname"))
            if fallback:
                values["remark_name"] = fallback
            else:
                problems["remark_name"] = t("备注名（客户姓名）为空")
        if len(values.get("remark_name", "")) > 100:
            problems["remark_name"] = t("备注名太长（最多100个字）")
        values["phone"] = _parse(raw, problems, "phone", v.parse_phone) or ""  # phones do not repeat: no memo
        values["gender"] = parse(raw, problems, "gender", v.parse_gender) or ""
        birthday = parse(raw, problems, "birthday", v.parse_birthday)
        if birthday is not None:
            values.update(birthday_year=birthday.year, birthday_month=birthday.month, birthday_day=birthday.day,
                          birthday_lunar=birthday.lunar, birthday_leap_month=birthday.leap_month)
        for key in ("added_on", "first_purchase_on", "last_purchase_on", "next_follow_up_on"):
            values[key] = parse(raw, problems, key, v.parse_date)
        if values["added_on"] and values["added_on"] > date.today():
            problems["added_on"] = t("添加日期{d}晚于今天", d=values["added_on"])
        values["total_spent"] = parse(raw, problems, "total_spent", v.parse_money)
        # A tuple: one cell's tags are shared by the rows repeating it. The labels (ctx.tags) only
        # keep a "组/标签" piece whole, and this import makes no tag of such a name.
        values["tags"] = parse(raw, problems, "tags", lambda cell: tuple(v.split_tags(cell, ctx.tags))) or ()
        values["referrer"] = v.cell_text(raw.get("referrer"))
        values["remark"] = v.cell_text(raw.get("remark"))
        account = v.cell_text(raw.get("wechat_account"))
        values["wechat_account"] = account
        custom: dict[int, str] = {}
        for key, cell in raw.items():
            if key.startswith("custom:") and _cell(raw, key) is not None:
                spec = ctx.custom_fields.get(int(key.split(":", 1)[1]))
                if spec is not None:
                    try:
                        custom[spec.id] = clean_value(spec, v.cell_text(cell))
                    except ValueError as exc:
                        problems[key] = str(exc)
        values["custom"] = custom
        if values["referrer"] and values["referrer"] in (values.get("remark_name"), values.get("wechat_id")):
            problems["referrer"] = t("介绍人不能是自己")
        return values, problems

    def file_key(self, values: Values) -> tuple[Any, ...] | None:
        if values.get("wechat_id"):
            return ("wechat", values["wechat_id"].lower())
        if values.get("phone"):
            return ("phone", values["phone"])
        return ("name", values.get("remark_name"))

    def match(self, ctx: ImportContext, values: Values) -> int | None:
        return ctx.match_customer(values.get("remark_name", ""), values.get("wechat_id", ""), values["phone"])

    def merge(self, ctx: ImportContext, pending: Pending, record_id: int, values: Values) -> None:
        """The same customer twice in one file: the later row fills in and adds (tags, notes)."""
        self.update(ctx, pending, record_id, values)

    def _profile(self, ctx: ImportContext, values: Values) -> dict[str, Any]:
        get = values.get
        profile = {name: value for name in PROFILE_FIELDS if (value := get(name)) is not None and value != ""}
        if values["wechat_account"]:
            profile["wechat_account_id"] = ctx.account_id(values["wechat_account"])
        return profile

    def create(self, ctx: ImportContext, pending: Pending, values: Values) -> int:
        cid = ctx.new_customer_id()
        row = {"id": cid, "added_on": values.get("added_on") or date.today(), **self._profile(ctx, values)}
        row.update(search_columns(row.get("remark_name", ""), row.get("real_name", ""), row.get("nickname", ""),
                                  row.get("wechat_id", ""), row.get("phone", ""), self._searchable(ctx, values)))
        pending.add(Customer, row)
        self.created.add(cid)
        ctx.remember(CustomerKey(cid, row["remark_name"], row.get("wechat_id", ""), row.get("phone", "")))
        self._extras(ctx, pending, cid, values, existing_tags=set(), existing_custom={})
        return cid

    def prefetch(self, ctx: ImportContext, rows: list[Values], policy: str) -> None:
        """The customers a re-imported list updates, read a window at a time: four queries per row
        before (20,000 rows into a store of 100,000 took 18 s)."""
        self.prefetched.clear()
        if policy != "update":
            return
        matched = ((self.match(ctx, values), values) for values in rows)
        wanted = {cid: values for cid, values in matched if cid is not None and cid not in self.touched}
        if not wanted:
            return
        session = ctx.session
        ids = sorted(wanted)
        found = {c.id: c for c in session.scalars(
            select(Customer).where(Customer.id.in_(ids)).options(lazyload(Customer.tags)))}
        tags: dict[int, set[int]] = {cid: set() for cid in found}
        for cid, tag_id in session.execute(select(CustomerTag.customer_id, CustomerTag.tag_id)
                                           .where(CustomerTag.customer_id.in_(ids))):
            tags[cid].add(tag_id)
        custom: dict[int, dict[int, str]] = {cid: {} for cid in found}
        for cid, fid, value in session.execute(select(CustomFieldValue.customer_id, CustomFieldValue.field_id,
                                                      CustomFieldValue.value).where(CustomFieldValue.customer_id.in_(ids))):
            custom[cid][fid] = value
        remarks = {values["remark"] for values in wanted.values() if values.get("remark")}
        notes: dict[int, set[str]] = {cid: set() for cid in found}
        if remarks:
            for cid, body in session.execute(select(Note.customer_id, Note.body).where(
                    Note.customer_id.in_(ids), Note.body.in_(sorted(remarks)), Note.deleted_at.is_(None))):
                notes[cid].add(body)
        due_dates = {values["next_follow_up_on"] for values in wanted.values() if values.get("next_follow_up_on")}
        due: dict[int, set[date]] = {cid: set() for cid in found}
        if due_dates:
            for cid, day in session.execute(select(FollowUp.customer_id, FollowUp.due_on).where(
                    FollowUp.customer_id.in_(ids), FollowUp.due_on.in_(sorted(due_dates)),
                    FollowUp.done_at.is_(None), FollowUp.deleted_at.is_(None))):
                due[cid].add(day)
        self.prefetched = {cid: Prefetched(customer, tags[cid], custom[cid], notes[cid], due[cid])
                           for cid, customer in found.items()}

    def update(self, ctx: ImportContext, pending: Pending, record_id: int, values: Values) -> None:
        session = ctx.session
        ready = self.prefetched.pop(record_id, None) if record_id not in self.touched else None
        if record_id in self.touched:
            pending.flush()  # created or changed earlier in this file: its rows must be in the store first
        customer = ready.customer if ready else session.get(Customer, record_id, options=[lazyload(Customer.tags)])
        if customer is None:
            return
        profile = self._profile(ctx, values)
        changed = {k: val for k, val in profile.items() if getattr(customer, k) != val}
        if changed:
            snapshot(session, pending.batch_id, Customer, customer, list(changed) + ["search_text", "search_letters", "pinyin", "initials"])
            for key, value in changed.items():
                setattr(customer, key, value)
        notes: set[str] | None = None
        due: set[date] | None = None
        if ready:
            existing_tags, existing_custom, notes, due = ready.tags, ready.custom, ready.notes, ready.due
        else:
            existing_tags = set(session.scalars(select(CustomerTag.tag_id).where(CustomerTag.customer_id == record_id)))
            existing_custom = {fid: val for fid, val in session.execute(
                select(CustomFieldValue.field_id, CustomFieldValue.value).where(CustomFieldValue.customer_id == record_id))}
        self._extras(ctx, pending, record_id, values, existing_tags, existing_custom, updating=True, notes=notes,
                     due=due)
        if values["custom"] or not changed.keys().isdisjoint(SEARCHED_FIELDS):
            self.search_stale.add(record_id)  # its search text is worked out again at the end (finish)
        ctx.remember(CustomerKey(record_id, customer.remark_name, customer.wechat_id, customer.phone))

    def _searchable(self, ctx: ImportContext, values: Values) -> list[str]:
        return [val for fid, val in values["custom"].items()
                if val and ctx.custom_fields[fid].kind in ("text", "choice")]

    def _extras(self, ctx: ImportContext, pending: Pending, cid: int, values: Values,
                existing_tags: set[int], existing_custom: dict[int, str], updating: bool = False,
                notes: set[str] | None = None, due: set[date] | None = None) -> None:
        """Tags, custom values, the 备注 note, next follow-up; totals and referrers come at the end.

        On a customer that was already there, what is added is noted for undo. `notes`: her live
        notes among the window's 备注, `due`: her open follow-ups' dates among its 下次跟进
        (prefetch); else the store is asked."""
        single_groups = {ctx.tag_group_of[tid][0] for tid in existing_tags
                         if tid in ctx.tag_group_of and not ctx.tag_group_of[tid][1]}
        for name in values["tags"]:
            tag_id = ctx.tag_id(name)
            group, multi = ctx.tag_group_of[tag_id]
            if tag_id in existing_tags or (not multi and group in single_groups):
                continue  # already there, or its single-choice group already has a tag
            existing_tags.add(tag_id)
            if not multi:
                single_groups.add(group)
            pending.add(CustomerTag, {"customer_id": cid, "tag_id": tag_id})
            if updating:
                note_change(ctx.session, pending.batch_id, "customer_tag", cid, {"tag_id": tag_id})
        for fid, value in values["custom"].items():
            if existing_custom.get(fid) == value:
                continue
            if updating:
                note_change(ctx.session, pending.batch_id, "custom_field_value", cid,
                            {"field_id": fid, "value": existing_custom.get(fid)})
            if fid in existing_custom:
                ctx.session.execute(update(CustomFieldValue).where(
                    CustomFieldValue.customer_id == cid, CustomFieldValue.field_id == fid).values(value=value))
            else:
                pending.add(CustomFieldValue, {"customer_id": cid, "field_id": fid, "value": value})
        if values["remark"] and not (updating and (values["remark"] in notes if notes is not None
                                                   else _has_note(ctx.session, cid, values["remark"]))):
            pending.add(Note, {"customer_id": cid, "kind": "其他", "body": values["remark"], "pinned": False,
                               "noted_at": datetime.now().replace(microsecond=0)})
        if values["next_follow_up_on"] and not (updating and (
                values["next_follow_up_on"] in due if due is not None
                else _has_open_follow_up(ctx.session, cid, values["next_follow_up_on"]))):
            pending.add(FollowUp, {"customer_id": cid, "due_on": values["next_follow_up_on"],
                                   "reason": t("跟进（导入）"), "result": ""})
        if values["referrer"]:
            self.referrers[cid] = values["referrer"]
        if values["total_spent"] or values["first_purchase_on"] or values["last_purchase_on"]:
            # Only what _add_totals reads: keeping whole rows here would hold the file in memory.
            self.totals[cid] = (values["total_spent"], values["first_purchase_on"], values["last_purchase_on"])
        self.touched.add(cid)

    def finish(self, ctx: ImportContext, pending: Pending) -> None:
        self.prefetched.clear()
        pending.flush()
        if self.search_stale:
            from services.customers import refresh_search_text

            ctx.session.flush()
            refresh_search_text(ctx.session, sorted(self.search_stale))
        self._add_totals(ctx, pending)
        pending.flush()
        self.left_out = self._add_referrals(ctx, pending)
        from sqlalchemy import func

        from services.timeline import refresh_aggregates

        # A first import touches every customer: one pass over the table, not 5,000 ids at a time.
        everyone = len(self.touched) >= int(ctx.session.scalar(
            select(func.count()).select_from(Customer).where(Customer.deleted_at.is_(None))) or 0)
        refresh_aggregates(ctx.session, None if everyone else sorted(self.touched))

    def _add_totals(self, ctx: ImportContext, pending: Pending) -> None:
        """累计消费 in the file but no such purchases in the store: record the difference as a purchase
        on the last purchase date (and the first purchase date, at ¥0, when it is earlier), so that
        累计消费, 首次购买 and 最近购买 read as in the file."""
        from sqlalchemy import func

        current: dict[int, int] = {}
        for chunk in chunks([cid for cid in self.totals if cid not in self.created]):
            current.update({cid: int(total or 0) for cid, total in ctx.session.execute(
                select(Purchase.customer_id, func.sum(Purchase.amount_cents))
                .where(Purchase.customer_id.in_(chunk), Purchase.deleted_at.is_(None))
                .group_by(Purchase.customer_id))})
        for cid, (spent, first, last) in self.totals.items():
            total = spent or 0
            missing = total - int(current.get(cid) or 0)
            if missing <= 0 and cid in current:
                continue
            day = last or first or date.today()
            pending.add(Purchase, {"customer_id": cid, "purchased_on": day, "product": t("历史累计消费（导入）"),
                                   "quantity": 1, "amount_cents": max(missing, 0), "channel": "", "note": ""})
            if first and first < day:
                pending.add(Purchase, {"customer_id": cid, "purchased_on": first, "product": t("首次购买（导入）"),
                                       "quantity": 1, "amount_cents": 0, "channel": "",
                                       "note": t("金额已计入累计消费")})

    def check_referrers(self, ctx: ImportContext, parsed: list[tuple[Values, Problems]]) -> None:
        """Before anything is written: every 介绍人 must name a customer of the store or of the file."""
        in_file: set[str] = set()
        for values, problems in parsed:
            if not problems:
                in_file.update(x for x in (values.get("remark_name"), values.get("wechat_id", "").lower(),
                                           values.get("phone")) if x)
        for values, problems in parsed:
            text = values.get("referrer", "")
            if text and not problems and text not in in_file and text.lower() not in in_file \
                    and ctx.find_customer(text) is None:
                problems["referrer"] = (t("介绍人“{name}”在文件和客户本里都找不到", name=text)
                                        if len(ctx.by_name.get(text.strip(), [])) < 2 else ctx.not_found(text))

    def _add_referrals(self, ctx: ImportContext, pending: Pending) -> list[tuple[int, str]]:
        """Link each customer to the 介绍人 named in the file; returns (customer id, problem) left out."""
        left_out: list[tuple[int, str]] = []
        for cid, text in self.referrers.items():
            referrer = ctx.find_customer(text)
            if referrer is None:
                left_out.append((cid, t("介绍人：{problem}", problem=ctx.not_found(text))))
                continue
            problem = referral_problem(ctx, referrer, cid)
            if problem:
                left_out.append((cid, problem))
                continue
            existing = ctx.session.scalar(select(Referral).where(Referral.referee_id == cid))
            if existing is None:
                ctx.session.add(Referral(referrer_id=referrer, referee_id=cid, referred_on=None, method="口碑",
                                         import_batch_id=pending.batch_id))
            elif existing.referrer_id != referrer or existing.deleted_at is not None:
                snapshot(ctx.session, pending.batch_id, Referral, existing, ["referrer_id", "deleted_at"])
                existing.referrer_id, existing.deleted_at = referrer, None
            ctx.session.flush()
        return left_out

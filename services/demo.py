"""演示数据: fill a store with believable Chinese customers, notes, purchases and follow-ups.

Deterministic for a seed (relative to today). Fast enough for 100,000 customers and about
500,000 notes: rows go in through SQLAlchemy Core executemany, with the stored pinyin, initials
and search text computed here exactly as `services.customers.refresh_search_text` would, and the
stored totals and stages recomputed once at the end by `services.timeline.refresh_aggregates`.
"""

from __future__ import annotations

import calendar
import importlib
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Table, func, select, text
from sqlalchemy.orm import Session

from models import Customer, CustomerTag, FollowUp, Note, Purchase, Tag, TagGroup, WechatAccount
from services.accounts import save_account
from services.demo_words import (
    _CHANNEL_WEIGHTS,
    _CITY_WEIGHTS,
    _INTEREST_WEIGHTS,
    _NOTE_KIND_WEIGHTS,
    _OCCUPATION_WEIGHTS,
    _SLOTS,
    _SOURCE_WEIGHTS,
    _SURNAME_WEIGHTS,
    _WXID_ALPHABET,
    CATEGORY,
    CATEGORY_FRAGMENTS,
    CITIES,
    COMPOUNDS,
    DISTRICTS,
    EMOJI,
    ENGLISH,
    FEMALE_CHARS,
    FOLLOW_UP_REASONS,
    FOLLOW_UP_RESULTS,
    FRAGMENTS,
    INDUSTRIES,
    INTERESTS,
    KIDS,
    MALE_CHARS,
    MAX_CENTS,
    MIN_CENTS,
    NOTE_KINDS_WEIGHTED,
    NOTE_TEMPLATES,
    OCCUPATIONS,
    PHONE_PREFIXES,
    PIN_CHANCE,
    POETIC,
    PREFERENCE_TEMPLATES,
    PRODUCT_LINES,
    PRODUCTS,
    PURCHASE_CHANNELS,
    PURCHASE_NOTES,
    REMARK_INTERESTS,
    ROADS,
    SOURCE_CHANNEL,
    SOURCES,
    SURNAMES,
    TITLES_F,
    TITLES_M,
)
from services.errors import UserError
from services.i18n import t
from services.tags import save_group, save_tag
from services.text import pinyin_of, search_columns
from services.timeline import refresh_aggregates

BATCH = 5000  # customers generated, inserted and reported per step
INSERT_CHUNK = 10000  # rows per executemany


@dataclass
class DemoOptions:
    customers: int = 2000
    seed: int = 1
    notes_per_customer: float | None = None  # None = about 5 per customer


# ---- the setup the demo customers refer to -------------------------------------------------------

ACCOUNTS = (("工作号1", "chaxiang_shop01", "主号，老客都在这里"), ("工作号2", "chaxiang_shop02", "新客和抖音来的"))

# (group, multi, tags); colours come from services.tags.GROUP_COLORS.
TAG_TREE: tuple[tuple[str, bool, tuple[str, ...]], ...] = (
    ("基础属性", True, ("宝妈", "学生", "上班族", "退休")),
    ("消费能力", False, ("高", "中", "低")),
    ("风格偏好", True, ("新中式", "简约", "甜美", "商务")),
    ("兴趣", True, ("普洱", "白茶", "岩茶", "护肤", "养生", "瑜伽")),
    ("渠道", False, ("朋友圈", "转介绍", "门店", "线上平台")),
)

# ---- the entry point ---------------------------------------------------------------------------------

# The other pages' demo data, filled after the customers: "module.function" names, each called as
# function(session, options) -> counts (it may commit; it must stay quick at 100,000 customers).
PAGE_FILLERS: tuple[str, ...] = (
    "services.demo_groups.fill",
    "services.demo_library.fill",
    "services.demo_referrals.fill",
    "services.demo_moments.fill",
    "services.demo_loyalty.fill",
    "services.demo_care.fill",
    "services.layers.fill_demo_layers",  # keep last: the layers read the referrals etc. added above
)


def fill_demo(session: Session, options: DemoOptions, progress: Callable[[int, int], None] | None = None,
              cancelled: Callable[[], bool] | None = None) -> dict[str, int]:
    """Fill the store with believable Chinese demo data; returns counts per kind.

    The keys: customers, notes, purchases, follow_ups (rows added), customer_tags (tag assignments
    added), tags and tag_groups (the demo tag tree, created or reused), wechat_accounts (the two
    demo accounts, created or reused). Adds to a store that already holds customers without
    clashing phones or WeChat IDs. One transaction for the customers; cancelling rolls it back
    and raises UserError.
    """
    if options.customers < 0:
        raise UserError(t("演示客户数不能是负数"))
    notes_per = 5.0 if options.notes_per_customer is None else max(0.0, options.notes_per_customer)
    # Setup first (these helpers commit): accounts and the tag tree, reused by name.
    account_ids = _ensure_accounts(session)
    tags, group_multi, group_count = _ensure_tags(session)
    try:
        counts = _fill(session, options, notes_per, account_ids, tags, group_multi, progress, cancelled)
        if counts["customers"] and session.get_bind().dialect.name == "postgresql":
            # Customer ids were given explicitly: move the id sequence past them.
            session.execute(text("SELECT setval(pg_get_serial_sequence('customer', 'id'), "
                                 "(SELECT max(id) FROM customer))"))
        refresh_aggregates(session)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    counts.update(tags=len(tags), tag_groups=group_count, wechat_accounts=len(account_ids))
    for path in PAGE_FILLERS:
        module, name = path.rsplit(".", 1)
        filler = getattr(importlib.import_module(module), name)
        try:
            counts.update(filler(session, options))
            session.commit()
        except BaseException:
            session.rollback()
            raise
    return counts


def _ensure_accounts(session: Session) -> list[int]:
    ids = []
    for name, wechat_id, note in ACCOUNTS:
        existing = session.scalar(select(WechatAccount.id).where(WechatAccount.name == name))
        ids.append(existing if existing is not None else save_account(session, name, wechat_id, note))
    return ids


def _ensure_tags(session: Session) -> tuple[dict[str, int], dict[int, bool], int]:
    """The demo tag tree: tag name → id, group id → multi (as stored), and how many groups."""
    tags: dict[str, int] = {}
    multi: dict[int, bool] = {}
    for group_name, group_multi, tag_names in TAG_TREE:
        group = session.scalar(select(TagGroup).where(TagGroup.name == group_name))
        group_id = group.id if group is not None else save_group(session, group_name, multi=group_multi)
        multi[group_id] = group.multi if group is not None else group_multi
        for tag_name in tag_names:
            tag_id = session.scalar(select(Tag.id).where(Tag.group_id == group_id, Tag.name == tag_name))
            tags[f"{group_name}/{tag_name}"] = tag_id if tag_id is not None else save_tag(session, group_id, tag_name)
    return tags, multi, len(TAG_TREE)


def _table(model: Any) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


def _insert(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert rows in multi-row INSERT … VALUES statements.

    Asking for RETURNING makes SQLAlchemy batch an executemany into multi-row statements
    ("insertmanyvalues"). That matters on SQLite: the full-text (FTS5) triggers cost about three
    times as much when every row is its own statement (measured: 100k customers and 500k notes
    took 23 s row by row, 8 s batched).
    """
    key = next(iter(table.primary_key.columns))
    for start in range(0, len(rows), INSERT_CHUNK):
        session.execute(table.insert().returning(key), rows[start:start + INSERT_CHUNK]).close()


def _fill(session: Session, options: DemoOptions, notes_per: float, account_ids: list[int],
          tags: dict[str, int], group_multi: dict[int, bool],
          progress: Callable[[int, int], None] | None, cancelled: Callable[[], bool] | None) -> dict[str, int]:
    first_id = int(session.scalar(select(func.max(Customer.id))) or 0) + 1
    # An empty store gets the seed's own sequence; adding to a store continues with other people.
    rng = random.Random(options.seed if first_id == 1 else f"{options.seed}+{first_id}")
    today = date.today()
    now = datetime.now().replace(microsecond=0)
    used_phones: set[str] = set()
    used_wechat_ids: set[str] = set()
    if first_id > 1:
        used_phones.update(session.scalars(select(Customer.phone).where(Customer.phone != "")))
        used_wechat_ids.update(w.lower() for w in session.scalars(
            select(Customer.wechat_id).where(Customer.wechat_id != "")))
    tag_group = {tag_id: group_id for tag_id, group_id in
                 session.execute(select(Tag.id, Tag.group_id).where(Tag.id.in_(tags.values())))}
    maker = _Maker(rng, today, now, notes_per, account_ids, tags, tag_group, group_multi,
                   used_phones, used_wechat_ids)
    counts = {"customers": 0, "notes": 0, "purchases": 0, "follow_ups": 0, "customer_tags": 0}
    total = options.customers
    tables = {name: _table(model) for name, model in (
        ("customers", Customer), ("notes", Note), ("purchases", Purchase), ("follow_ups", FollowUp),
        ("customer_tags", CustomerTag))}
    done = 0
    while True:
        if cancelled is not None and cancelled():
            session.rollback()
            raise UserError(t("已取消"))
        if done >= total:
            break
        size = min(BATCH, total - done)
        batch: dict[str, list[dict[str, Any]]] = {name: [] for name in tables}
        for i in range(size):
            maker.customer(first_id + done + i, batch)
        for name, rows in batch.items():  # customers first: the others refer to them
            _insert(session, tables[name], rows)
            counts[name] += len(rows)
        done += size
        if progress is not None:
            progress(done, total)
    return counts


class _Maker:
    """Makes one customer's rows at a time from a seeded random generator."""

    def __init__(self, rng: random.Random, today: date, now: datetime, notes_per: float,
                 account_ids: list[int], tags: dict[str, int], tag_group: dict[int, int],
                 group_multi: dict[int, bool], used_phones: set[str], used_wechat_ids: set[str]) -> None:
        self.rng = rng
        self.today = today
        self.now = now
        self.notes_per = notes_per
        self.account_ids = account_ids
        self.tags = tags
        self.tag_group = tag_group
        self.group_multi = group_multi
        self.used_phones = used_phones
        self.used_wechat_ids = used_wechat_ids
        self.today_ordinal = today.toordinal()
        self.referrers = tuple(f"{s}{title}" for s in SURNAMES[:40] for title in ("姐", "老师", "总"))
        self.surname_cum = _cumulative(_SURNAME_WEIGHTS)
        self.city_cum = _cumulative(_CITY_WEIGHTS)
        self.occupation_cum = _cumulative(_OCCUPATION_WEIGHTS)
        self.source_cum = _cumulative(_SOURCE_WEIGHTS)
        self.interest_cum = _cumulative(_INTEREST_WEIGHTS)
        self.channel_cum = _cumulative(_CHANNEL_WEIGHTS)
        self.kind_cum = _cumulative(_NOTE_KIND_WEIGHTS)

    def pick(self, items: Sequence[str], cum: list[float]) -> str:
        return self.rng.choices(items, cum_weights=cum)[0]

    # -- one customer ------------------------------------------------------------------------------

    def customer(self, cid: int, out: dict[str, list[dict[str, Any]]]) -> None:
        rng = self.rng
        r = rng.random()
        gender = "女" if r < 0.78 else "男" if r < 0.98 else ""
        surname = self.pick(SURNAMES, self.surname_cum)
        chars = MALE_CHARS if gender == "男" else FEMALE_CHARS
        given = rng.choice(chars) if rng.random() < 0.65 else rng.choice(chars) + rng.choice(chars)
        name = surname + given
        birth_year = int(rng.triangular(1958, 2006, 1987))
        age = self.today.year - birth_year
        occupation = self._occupation(gender, age)
        city = self.pick(CITIES, self.city_cum)
        source = self.pick(SOURCES, self.source_cum)
        interest = self.pick(INTERESTS, self.interest_cum)
        tier = "高" if (r := rng.random()) < 0.2 else "中" if r < 0.65 else "低"
        added_on = date.fromordinal(self.today_ordinal - rng.randint(0, 3 * 365))
        remark = self._remark(surname, given, name, gender, city, interest, occupation, source, birth_year)
        real_name = name if rng.random() < 0.75 else ""
        nickname = self._nickname(surname, given, name, gender)
        wechat_id = self._wechat_id(name, birth_year, nickname)
        phone = self._phone(cid) if rng.random() < 0.85 else ""

        b_year: int | None = None
        b_month: int | None = None
        b_day: int | None = None
        lunar = False
        if rng.random() < 0.7:
            lunar = rng.random() < 0.2
            b_month = rng.randint(1, 12)
            b_year = birth_year if rng.random() >= 0.3 else None
            last = 29 if lunar else calendar.monthrange(b_year or 2000, b_month)[1]
            b_day = rng.randint(1, last)
        address = ""
        if rng.random() < 0.35:
            district = rng.choice(DISTRICTS.get(city, ("高新区", "经开区", "新城区")))
            address = (f"{city}市{district}{rng.choice(ROADS)}{rng.randint(1, 388)}号"
                       f"{rng.choice(COMPOUNDS)}{rng.randint(1, 30)}幢{rng.randint(1, 28)}0{rng.randint(1, 4)}")
        member_level = ""
        if tier == "高" and rng.random() < 0.6:
            member_level = rng.choice(("金卡", "钻石卡"))
        elif tier == "中" and rng.random() < 0.3:
            member_level = "银卡"

        out["customers"].append({
            "id": cid, "remark_name": remark, "real_name": real_name, "wechat_id": wechat_id,
            "nickname": nickname, "wechat_account_id": self.account_ids[0 if rng.random() < 0.6 else 1],
            "phone": phone, "gender": gender, "birthday_year": b_year, "birthday_month": b_month,
            "birthday_day": b_day, "birthday_lunar": lunar, "birthday_leap_month": False, "city": city,
            "address": address, "occupation": occupation, "source": source, "added_on": added_on,
            "stage": "潜在", "stage_override": "", "member_level": member_level,
            **search_columns(remark, real_name, nickname, wechat_id, phone),
        })
        self._tags(cid, tier, source, occupation, gender, age, interest, out["customer_tags"])
        line = interest if rng.random() < 0.85 else rng.choice(PRODUCT_LINES)
        products = PRODUCTS[line]
        self._notes(cid, added_on, city, occupation, gender, CATEGORY[line], products, out["notes"])
        self._purchases(cid, added_on, tier, products, out["purchases"])
        self._follow_ups(cid, added_on, out["follow_ups"])

    def _occupation(self, gender: str, age: int) -> str:
        rng = self.rng
        if age <= 22 and rng.random() < 0.6:
            return "学生"
        if age >= 58 and rng.random() < 0.6:
            return "退休"
        if gender == "女" and 25 <= age <= 42 and rng.random() < 0.25:
            return "宝妈"
        if rng.random() < 0.06:
            return ""
        return self.pick(OCCUPATIONS, self.occupation_cum)

    def _remark(self, surname: str, given: str, name: str, gender: str, city: str, interest: str,
                occupation: str, source: str, birth_year: int) -> str:
        rng = self.rng
        r = rng.random()
        if r < 0.36:
            return name
        if r < 0.46:
            return f"{name}-{rng.choice(REMARK_INTERESTS)}"
        if r < 0.58:
            title = rng.choice(TITLES_M if gender == "男" else TITLES_F)
            suffix = f"-{interest}" if rng.random() < 0.6 else ""
            return f"{surname}{title}{suffix}"
        if r < 0.68:
            return f"{name} {city}"
        if r < 0.73:
            return f"{surname}总({rng.choice(INDUSTRIES)})"
        if r < 0.78 and gender == "女":
            return f"小{given[-1]}宝妈" if occupation == "宝妈" or rng.random() < 0.5 else f"{given[-1]}{given[-1]}"
        if r < 0.83:
            return f"{name}-{source}"
        if r < 0.88:
            return f"{rng.choice('ABC')}-{name}"
        if r < 0.93:
            return f"{name}{birth_year % 100:02d}"
        if r < 0.97:
            return f"{rng.choice(ENGLISH)} {surname}"
        return f"{name}({occupation or city})"

    def _nickname(self, surname: str, given: str, name: str, gender: str) -> str:
        rng = self.rng
        r = rng.random()
        if r < 0.22:
            return rng.choice(EMOJI) + rng.choice(ENGLISH)
        if r < 0.42:
            return rng.choice(POETIC)
        if r < 0.55:
            return rng.choice(ENGLISH)
        if r < 0.65 and gender == "女":
            return f"{rng.choice(KIDS)}妈妈"
        if r < 0.75:
            return given[-1] * 2 if len(given) == 1 else given
        if r < 0.85:
            return name
        if r < 0.92:
            return f"{rng.choice(ENGLISH)}{rng.choice(EMOJI)}"
        return f"{rng.choice(POETIC)}{rng.choice(EMOJI)}"

    def _wechat_id(self, name: str, birth_year: int, nickname: str) -> str:
        rng = self.rng
        r = rng.random()
        if r < 0.08:
            return ""
        if r < 0.5:
            candidate = "wxid_" + "".join(rng.choices(_WXID_ALPHABET, k=14))
        else:
            full, initials = pinyin_of(name)
            base = full if len(full) <= 12 else initials
            style = rng.random()
            if style < 0.4:
                candidate = f"{base}_{birth_year}"
            elif style < 0.6:
                candidate = f"{base}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
            elif style < 0.8:
                candidate = f"{initials}{rng.randint(1000, 99999)}"
            else:
                english = [n for n in ENGLISH if n in nickname]
                candidate = f"{(english[0] if english else base).lower()}_{rng.randint(100, 9999)}"
        candidate = candidate[:18]
        while candidate.lower() in self.used_wechat_ids:
            candidate += str(rng.randint(0, 9))
        self.used_wechat_ids.add(candidate.lower())
        return candidate

    def _phone(self, cid: int) -> str:
        """A valid mobile, unique per customer id (a scramble of the id), never an existing one."""
        n = (cid * 7_368_787 + 24_681_357) % 100_000_000
        n = int(f"{n:08d}"[::-1])
        n = (n * 5_219_243 + 61_803_398) % 100_000_000
        for _ in range(5):
            phone = self.rng.choice(PHONE_PREFIXES) + f"{n:08d}"
            if phone not in self.used_phones:
                self.used_phones.add(phone)
                return phone
        return ""

    def _tags(self, cid: int, tier: str, source: str, occupation: str, gender: str, age: int, interest: str,
              out: list[dict[str, Any]]) -> None:
        rng = self.rng
        tags = self.tags
        candidates = [tags["消费能力/" + tier], tags["渠道/" + SOURCE_CHANNEL[source]]]
        if occupation in ("宝妈", "学生", "退休"):
            candidates.append(tags["基础属性/" + occupation])
        elif occupation:
            candidates.append(tags["基础属性/上班族"])
        candidates.append(tags["兴趣/" + interest])
        if rng.random() < 0.4:
            candidates.append(tags["兴趣/" + rng.choice(INTERESTS)])
        if occupation == "企业主" or gender == "男":
            candidates.append(tags["风格偏好/商务"])
        candidates.append(tags["风格偏好/" + ("甜美" if age < 30 else rng.choice(("新中式", "简约", "新中式")))])
        if gender == "女" and 25 <= age <= 42 and occupation != "宝妈" and rng.random() < 0.2:
            candidates.append(tags["基础属性/宝妈"])
        rng.shuffle(candidates)
        want = rng.choices((1, 2, 3, 4, 5), cum_weights=(15, 40, 70, 90, 100))[0]
        chosen: list[int] = []
        single_used: set[int] = set()
        for tag_id in candidates:
            if len(chosen) >= want:
                break
            group = self.tag_group[tag_id]
            if tag_id in chosen or (not self.group_multi[group] and group in single_used):
                continue
            chosen.append(tag_id)
            single_used.add(group)
        out.extend({"customer_id": cid, "tag_id": tag_id} for tag_id in chosen)

    def _notes(self, cid: int, added_on: date, city: str, occupation: str, gender: str, category: str,
               products: tuple[tuple[str, int], ...], out: list[dict[str, Any]]) -> None:
        rng = self.rng
        if self.notes_per <= 0:
            return
        spread = rng.expovariate(1.0 / self.notes_per)  # many with a few notes, some with many
        count = min(60, int(spread) + (rng.random() < spread % 1))
        context = {"city": city, "job": occupation or "上班族"}
        fragments = CATEGORY_FRAGMENTS[category]
        male = gender == "男"
        start = added_on.toordinal()
        span = self.today_ordinal - start
        for index in range(count):
            if index == 0 and rng.random() < 0.6:
                kind, day = "身份", start
            else:
                kind, day = self.pick(NOTE_KINDS_WEIGHTED, self.kind_cum), start + rng.randint(0, span)
            if kind == "喜好":
                template = rng.choice(PREFERENCE_TEMPLATES[category])
            else:
                template = rng.choice(NOTE_TEMPLATES[kind])
            values: dict[str, str] = {}
            for slot in _SLOTS[template]:
                if slot in context:
                    values[slot] = context[slot]
                elif slot == "product":
                    values[slot] = rng.choice(products)[0]
                elif slot == "referrer":
                    values[slot] = rng.choice(self.referrers)
                elif slot in fragments:
                    values[slot] = rng.choice(fragments[slot])
                elif slot == "family" and male:
                    values[slot] = rng.choice(FRAGMENTS["family_m"])
                else:
                    values[slot] = rng.choice(FRAGMENTS[slot])
            when = datetime.combine(date.fromordinal(day), time(rng.randint(8, 22), rng.randint(0, 59)))
            if when > self.now:
                # Later today than now: an hour or two ago instead (no random draw, so the rest
                # of the data does not depend on the time of day).
                when = self.now.replace(second=0) - timedelta(minutes=1 + when.minute + 60 * (when.hour % 2))
            body = template.format_map(values)
            if male:
                body = body.replace("她", "他")
            out.append({"customer_id": cid, "kind": kind, "body": body,
                        "pinned": rng.random() < PIN_CHANCE[kind], "noted_at": when})

    def _purchases(self, cid: int, added_on: date, tier: str, products: tuple[tuple[str, int], ...],
                   out: list[dict[str, Any]]) -> None:
        rng = self.rng
        if rng.random() >= 0.65:
            return
        if tier == "高":
            count, limit = rng.randint(2, 8), 10_000
        elif tier == "中":
            count, limit = rng.choices((1, 2, 3, 4, 5), cum_weights=(30, 60, 80, 92, 100))[0], 1_500
        else:
            count, limit = rng.choices((1, 2, 3), cum_weights=(60, 90, 100))[0], 500
        affordable = [p for p in products if p[1] <= limit] or [min(products, key=lambda p: p[1])]
        start = max(added_on.toordinal(), self.today_ordinal - 730)
        for _ in range(count):
            product, price = rng.choice(affordable)
            quantity = 1 if price > 1500 or rng.random() < 0.7 else rng.randint(2, 3)
            discount = rng.choice((1.0, 1.0, 1.0, 1.0, 0.95, 0.9, 0.88))
            cents = round(price * quantity * discount) * 100
            out.append({
                "customer_id": cid, "purchased_on": date.fromordinal(rng.randint(start, self.today_ordinal)),
                "product": product, "quantity": quantity, "amount_cents": min(MAX_CENTS, max(MIN_CENTS, cents)),
                "channel": self.pick(PURCHASE_CHANNELS, self.channel_cum),
                "note": rng.choice(PURCHASE_NOTES) if rng.random() < 0.15 else "",
            })

    def _follow_ups(self, cid: int, added_on: date, out: list[dict[str, Any]]) -> None:
        rng = self.rng
        if rng.random() >= 0.25:
            return
        for _ in range(1 if rng.random() < 0.75 else 2):
            due = date.fromordinal(self.today_ordinal + rng.randint(-30, 30))
            if due < added_on:
                due = added_on + timedelta(days=rng.randint(0, 7))
            done_at: datetime | None = None
            result = ""
            if due < self.today and rng.random() < 0.6:
                done_at = datetime.combine(due, time(rng.randint(9, 21), rng.randint(0, 59)))
                result = rng.choice(FOLLOW_UP_RESULTS)
            out.append({"customer_id": cid, "due_on": due, "reason": rng.choice(FOLLOW_UP_REASONS),
                        "done_at": done_at, "result": result})


def _cumulative(weights: Sequence[float]) -> list[float]:
    total = 0.0
    out = []
    for w in weights:
        total += w
        out.append(total)
    return out

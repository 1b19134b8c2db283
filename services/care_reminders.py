"""Today's care reminders (seed 001 "私域如何做高客单的生意" §五 主动给高端客户的朋友圈进行点赞、互动, §七 要维护关系):

    care  节日关怀   `days_before` days before a chosen festival (中秋节, 春节 …) through the festival day, one
                     item per chosen client (member tiers and/or tags): "中秋节关怀：王芳（金卡）". A client
                     with a care entry (services.care) in the 30 days before the festival is left out —
                     logging the gift ticks the reminder.
    like  给TA点赞   every week from Monday, one item per chosen client (top `like_limit` by spending):
                     "去朋友圈给 王芳 点赞或评论", ticked off client by client.

Festival dates come from the calendar package (lunar-python, as services.calendar_cn uses it), never
from a table. Done and snoozed state live in ReminderState (services.today) under the keys
"care:{festival}:{customer}:{festival day}" and "like:{customer}:{monday}" — one per client and
festival, one per client and week.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from lunar_python import Solar
from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from models import CareEntry, Customer, CustomerTag, MemberTier
from services import settings_store
from services.i18n import t

if TYPE_CHECKING:
    from services.today import TodayItem

# The festivals a seller may choose (names as lunar-python spells them; all in calendar_cn.SELLING_FESTIVALS).
CARE_FESTIVALS = ("元旦", "春节", "元宵节", "情人节", "妇女节", "母亲节", "端午节", "父亲节", "七夕节", "中秋节",
                  "国庆节", "重阳节", "圣诞节")
ALIASES = {"元旦节": "元旦"}  # lunar-python's name → the one shown
CARED_BEFORE_DAYS = 30  # a care entry this many days before the festival counts as done

FESTIVALS = settings_store.declare("care.festivals", list, ["春节", "中秋节"], "节日关怀：哪些节日", group="care")
DAYS_BEFORE = settings_store.declare("care.days_before", int, 7, "节日关怀：提前几天提醒", unit="天", minimum=0,
                                     maximum=60, group="care")
CARE_TIERS = settings_store.declare("care.tier_ids", list, [], "节日关怀：哪些会员等级", group="care")
CARE_TAGS = settings_store.declare("care.tag_ids", list, [], "节日关怀：有这些标签的客户", group="care")
CARE_LIMIT = settings_store.declare("care.limit", int, 200, "节日关怀：最多提醒几位", minimum=1, maximum=5000,
                                    group="care")
LIKE_TIERS = settings_store.declare("care.like_tier_ids", list, [], "点赞提醒：哪些会员等级", group="care")
LIKE_TAGS = settings_store.declare("care.like_tag_ids", list, [], "点赞提醒：有这些标签的客户", group="care")
LIKE_LIMIT = settings_store.declare("care.like_limit", int, 30, "点赞提醒：每周最多几位", minimum=1, maximum=500,
                                    group="care")


def festivals_between(start: date, end: date, names: Sequence[str] | None = None) -> list[tuple[str, date]]:
    """(festival, day) of the festivals from `start` through `end` (of these names, when given)."""
    found = []
    day = start
    while day <= end:
        solar = Solar.fromYmd(day.year, day.month, day.day)
        for name in dict.fromkeys((*solar.getLunar().getFestivals(), *solar.getFestivals())):
            name = ALIASES.get(name, name)
            if name in CARE_FESTIVALS and (names is None or name in names):
                found.append((name, day))
        day += timedelta(days=1)
    return found


def chosen_clients(session: Session, tier_ids: Sequence[int], tag_ids: Sequence[int], limit: int,
                   ) -> list[tuple[int, str, str]]:
    """(id, name, tier name) of the live customers in these tiers or having any of these tags, the
    biggest spenders first."""
    tiers = [int(x) for x in tier_ids if isinstance(x, int)]
    tags = [int(x) for x in tag_ids if isinstance(x, int)]
    if not tiers and not tags:
        return []
    conditions: list[Any] = []
    if tiers:
        conditions.append(Customer.tier_id.in_(tiers))
    if tags:
        conditions.append(exists().where(CustomerTag.customer_id == Customer.id, CustomerTag.tag_id.in_(tags)))
    rows = session.execute(
        select(Customer.id, Customer.remark_name, MemberTier.name).outerjoin(MemberTier, MemberTier.id == Customer.tier_id)
        .where(Customer.deleted_at.is_(None), or_(*conditions))
        .order_by(Customer.total_spent_cents.desc(), Customer.id).limit(limit))
    return [(cid, name, tier or "") for cid, name, tier in rows]


def care_items(session: Session, day: date) -> list[TodayItem]:
    """节日关怀 and 给TA点赞 items for `day` (before done / snoozed state is applied)."""
    return [*festival_items(session, day), *like_items(session, day)]


def festival_items(session: Session, day: date) -> list[TodayItem]:
    from services.today import TodayItem

    settings = settings_store.get_many(session, [FESTIVALS, DAYS_BEFORE, CARE_TIERS, CARE_TAGS, CARE_LIMIT])
    names = [n for n in settings[FESTIVALS.key] if n in CARE_FESTIVALS]
    if not names:
        return []
    coming = festivals_between(day, day + timedelta(days=settings[DAYS_BEFORE.key]), names)
    if not coming:
        return []
    clients = chosen_clients(session, settings[CARE_TIERS.key], settings[CARE_TAGS.key], settings[CARE_LIMIT.key])
    items = []
    for festival, on in coming:
        cared = _cared_since(session, [c[0] for c in clients], on - timedelta(days=CARED_BEFORE_DAYS), on)
        days = (on - day).days
        when = t("今天") if days == 0 else t("还有 {n} 天", n=days)
        for cid, name, tier in clients:
            if cid in cared:
                continue
            title = t("{festival}关怀：{name}", festival=festival, name=name) + (f"（{tier}）" if tier else "")
            items.append(TodayItem(
                "care", f"care:{festival}:{cid}:{on.isoformat()}", title, on, cid, name,
                detail=t("{festival} {m}月{d}日 · {when} · 送份心意、问候一声，记进关怀记录", festival=festival,
                         m=on.month, d=on.day, when=when),
                script_category="回访", group="care"))
    return items


def like_items(session: Session, day: date) -> list[TodayItem]:
    from services.today import TodayItem

    settings = settings_store.get_many(session, [LIKE_TIERS, LIKE_TAGS, LIKE_LIMIT])
    clients = chosen_clients(session, settings[LIKE_TIERS.key], settings[LIKE_TAGS.key], settings[LIKE_LIMIT.key])
    monday = day - timedelta(days=day.weekday())
    return [TodayItem("like", f"like:{cid}:{monday.isoformat()}", t("去朋友圈给 {name} 点赞或评论", name=name),
                      monday, cid, name,
                      detail=t("本周 · {tier}", tier=tier) if tier else t("本周"),
                      script_category="开场", group="like")
            for cid, name, tier in clients]


def _cared_since(session: Session, customer_ids: list[int], start: date, end: date) -> set[int]:
    if not customer_ids:
        return set()
    found: set[int] = set()
    for i in range(0, len(customer_ids), 900):
        found.update(session.scalars(select(CareEntry.customer_id).where(
            CareEntry.customer_id.in_(customer_ids[i:i + 900]), CareEntry.deleted_at.is_(None),
            CareEntry.given_on >= start, CareEntry.given_on <= end)))
    return found

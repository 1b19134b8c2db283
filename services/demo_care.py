"""Demo data of the 关怀 and 自动标签 tabs: care entries for the top clients (gifts before 中秋 and 春节,
visits, services, favours — seed 001 "私域如何做高客单的生意" §七 要维护关系), three switched-on auto-tag
rules (买过普洱 → 普洱, 近12个月消费满 ¥5,000 → 高净值, 90 天没买 → 沉睡) applied in one set-based pass,
and the care reminders set for the big spenders. Quick at 100,000 customers: one query for the top
clients, one bulk insert, a few statements per rule.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from lunar_python import Lunar
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from models import AutoTagRule, CareEntry, Customer, MemberTier
from services import auto_tags, settings_store
from services import care_reminders as reminders

TOP_SHARE = 0.08  # the top clients by spending who get looked after
MAX_TOP = 400
GIFTS = (("中秋月饼礼盒", 288, 688), ("春节年货礼盒", 388, 988), ("新茶试饮装", 88, 168), ("生日鲜花", 199, 399),
         ("定制茶杯一对", 168, 268))
VISITS = ("上门拜访，一起喝了下午茶", "去店里坐了坐，聊了孩子上学的事", "约在茶馆品鉴新到的老班章", "路过送了一盒小青柑")
SERVICES = ("免费上门清洗茶具", "帮忙挑选送客户的礼盒并包装", "免费寄存三饼老茶", "陪同去茶山看茶")
FAVOURS = ("帮孩子打听了学校的事", "介绍了靠谱的装修师傅", "帮忙代收了快递", "推荐了医院的专家号")
RULES = (("category", {"category": "普洱"}, ("兴趣", "普洱"), "买过普洱 → 普洱"),
         ("spend_12m", {"cents": 500_000}, ("客户状态", "高净值"), "12个月消费满 ¥5,000 → 高净值"),
         ("no_purchase_days", {"days": 90}, ("客户状态", "沉睡"), "90天没买 → 沉睡"))


def festival_day(year: int, month: int, day: int) -> date:
    solar = Lunar.fromYmd(year, month, day).getSolar()
    return date(solar.getYear(), solar.getMonth(), solar.getDay())


def fill(session: Session, options: Any) -> dict[str, int]:
    """Care entries, rules and reminder settings; the caller commits."""
    rng = random.Random(f"care-{getattr(options, 'seed', 1)}")
    today = date.today()
    live = int(session.scalar(select(Customer.id).order_by(Customer.id.desc()).limit(1)) or 0)
    top = list(session.scalars(select(Customer.id).where(Customer.deleted_at.is_(None), Customer.total_spent_cents > 0)
                               .order_by(Customer.total_spent_cents.desc(), Customer.id)
                               .limit(min(MAX_TOP, max(10, int(live * TOP_SHARE))))))
    festivals = sorted(d for year in (today.year - 1, today.year)
                       for d in (festival_day(year, 8, 15), festival_day(year, 1, 1)) if d <= today)
    rows = []
    for cid in top:
        rows += _entries_for(rng, cid, festivals, today)
    if rows:
        session.execute(insert(CareEntry), rows)
    rules = _rules(session)
    _reminder_settings(session)
    return {"care_entries": len(rows), "auto_tag_rules": rules}


def _entries_for(rng: random.Random, customer_id: int, festivals: list[date], today: date) -> list[dict[str, Any]]:
    found = []
    if rng.random() < 0.25:  # about a quarter not looked after for a long while: the neglected list
        festivals = [d for d in festivals if (today - d).days > 120]
    for day in festivals:
        if rng.random() < 0.6:
            name, low, high = GIFTS[0] if day.month >= 8 else GIFTS[1]
            found.append(_row(customer_id, day - timedelta(days=rng.randint(2, 10)), "gift",
                              rng.randint(low, high) * 100, name))
    recent = 120 if rng.random() < 0.25 else 0
    for kind, texts, chance in (("visit", VISITS, 0.35), ("service", SERVICES, 0.3), ("favour", FAVOURS, 0.12),
                                ("gift", tuple(g[0] for g in GIFTS[2:]), 0.3)):
        if rng.random() < chance:
            cost = 0 if kind in ("favour", "service") and rng.random() < 0.7 else rng.randint(5, 40) * 1000
            found.append(_row(customer_id, today - timedelta(days=rng.randint(recent, 500)), kind, cost,
                              rng.choice(texts)))
    return [r for r in found if r["given_on"] <= today]


def _row(customer_id: int, day: date, kind: str, cost_cents: int, note: str) -> dict[str, Any]:
    return {"customer_id": customer_id, "given_on": day, "kind": kind, "cost_cents": cost_cents, "note": note}


def _rules(session: Session) -> int:
    """The three rules, switched on and applied once (rules of an earlier demo run are kept)."""
    have = set(session.scalars(select(AutoTagRule.name)))
    added = 0
    for sort, (kind, params, (group, tag), name) in enumerate(RULES):
        if name in have:
            continue
        tag_id = auto_tags.ensure_tag(session, group, tag)
        session.add(AutoTagRule(name=name, kind=kind, params=params, tag_id=tag_id, enabled=True, sort=sort))
        added += 1
    session.flush()
    auto_tags.apply_rules(session)
    return added


def _reminder_settings(session: Session) -> None:
    """节日关怀 and 给TA点赞 for the two highest member tiers and the 高净值 tag."""
    tiers = list(session.scalars(select(MemberTier.id).order_by(MemberTier.threshold.desc()).limit(2)))
    rich = auto_tags.ensure_tag(session, "客户状态", "高净值")
    pairs: tuple[tuple[settings_store.Setting[Any], Any], ...] = ((reminders.FESTIVALS, ["春节", "中秋节", "端午节"]), (reminders.CARE_TIERS, tiers),
                           (reminders.CARE_TAGS, [rich]), (reminders.LIKE_TIERS, tiers[:1]),
                           (reminders.LIKE_TAGS, [rich]), (reminders.LIKE_LIMIT, 20))
    for setting, value in pairs:
        settings_store.put(session, setting, value)

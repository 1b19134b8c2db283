"""演示数据 for the 社群 page: six groups of the tea shop over both demo accounts, members sampled from
the demo customers, the built-in SOP templates applied (past tasks mostly done), and 60 days of
believable daily stats. Registered in services.demo.PAGE_FILLERS; deterministic for a seed, relative
to today; one transaction (the caller commits). Customer ids are sampled from one id query, so it
stays quick at 100,000 customers.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from models import ChatGroup, Customer, GroupDailyStat, GroupMember, GroupTask, SopTemplate, WechatAccount
from services.sop import apply_template

STATS_DAYS = 60
DONE_NOTES = ("已发", "已发，群里很热闹", "发了，十几个人回复", "按时发了", "已发，有3个人私聊问价", "已发，顺便发了小红包",
              "已发，接龙8单", "发了，反馈不错")


@dataclass(frozen=True)
class DemoGroup:
    name: str
    kind: str
    account: int  # index into the demo accounts
    age_days: int
    size: int  # members linked to customers
    headcount: int  # 群人数 today (the group also has people not in the book)
    daily_join: float
    talk: float  # messages per member per day
    speak: float  # share of members speaking per day
    buy: float  # share of members buying per day
    ticket: int  # yuan per buyer
    template: str  # "daily" / "weekly" / "flash" / "icebreak" / ""
    archived: bool = False
    texts: tuple[str, str, str, str] = ("", "", "", "")  # positioning, rules, welcome, announcement


RULES = "1. 不发广告、不拉人\n2. 友好交流，不争吵\n3. 有问题@群主，私聊也可以\n违反群规的先提醒一次，再犯请出群。"
GROUPS = (
    DemoGroup("茶香福利1群", "福利群", 0, 160, 180, 236, 1.2, 0.9, 0.16, 0.004, 260, "daily",
              texts=("老客复购、新品尝鲜、每周三会员日", RULES, "欢迎进群！每天早上打卡、中午分享茶知识、晚上答疑，周三会员日有专属价～",
                     "【本周会员日】周三晚 8 点，老白茶饼会员价 298，限 30 饼。")),
    DemoGroup("老茶客VIP群", "VIP群", 0, 320, 60, 68, 0.15, 1.4, 0.3, 0.006, 980, "weekly",
              texts=("高客单老客：一对一服务、名山古树优先预订", RULES, "欢迎加入老茶客VIP群，这里的好茶都先给您留着。",
                     "2025 春茶预订已开始，古树茶量少，群内优先。")),
    DemoGroup("新客引流群", "引流群", 1, 24, 120, 152, 4.5, 0.5, 0.09, 0.002, 68, "icebreak",
              texts=("承接抖音、小红书来的新朋友，先交朋友再卖茶", RULES, "欢迎新朋友！做个自我介绍：城市+称呼+平时喝什么茶～",
                     "新人福利：回复「试喝」领 3 款茶样（付邮费即可）。")),
    DemoGroup("双11囤茶快闪群", "快闪群", 1, 4, 90, 118, 18.0, 1.6, 0.22, 0.012, 129, "flash",
              texts=("7 天快闪：双11囤茶，第 3 天开团", "本群只开 7 天，不发广告，有问题@群主。", "欢迎来到双11囤茶快闪群！第 3 天上午 10 点开团。",
                     "开团时间：第 3 天上午 10 点；截单：第 7 天晚 9 点。")),
    DemoGroup("售后服务群", "服务群", 0, 210, 150, 171, 0.4, 0.3, 0.05, 0.0, 0, "",
              texts=("买过的客户：冲泡指导、存茶答疑、售后问题", RULES, "您好，这里是售后服务群，冲泡、存放、物流问题随时问～",
                     "存茶小贴士：避光、防潮、无异味，普洱要通风。")),
    DemoGroup("春茶尝鲜快闪群", "快闪群", 1, 95, 70, 0, 10.0, 1.2, 0.2, 0.012, 199, "flash", archived=True,
              texts=("春茶上新快闪，已结束", "本群只开 7 天。", "欢迎！春茶 3 天后开团。", "春茶已截单，感谢大家！")),
)


def fill(session: Session, options: Any) -> dict[str, int]:
    """Add the demo groups (once: a store that already has them keeps them)."""
    counts = {"chat_groups": 0, "group_members": 0, "group_tasks": 0, "group_daily_stats": 0}
    existing = set(session.scalars(select(ChatGroup.name).where(ChatGroup.name.in_([g.name for g in GROUPS]))))
    accounts = list(session.scalars(select(WechatAccount.id).order_by(WechatAccount.sort, WechatAccount.id)))
    customers = [row[0] for row in session.execute(select(Customer.id, Customer.added_on).where(
        Customer.deleted_at.is_(None)).order_by(Customer.added_on.desc(), Customer.id.desc())).all()]
    if existing or not customers:
        return counts
    rng = random.Random(f"groups-{getattr(options, 'seed', 1)}")
    today = date.today()
    now = datetime.now().replace(microsecond=0)
    templates = _templates(session)
    big_spenders = list(session.scalars(select(Customer.id).where(Customer.deleted_at.is_(None))
                                        .order_by(Customer.total_spent_cents.desc()).limit(200)))
    for spec in GROUPS:
        group = ChatGroup(name=spec.name, kind=spec.kind, account_id=accounts[spec.account % len(accounts)]
                          if accounts else None, created_on=today - timedelta(days=spec.age_days),
                          status="archived" if spec.archived else "active", positioning=spec.texts[0],
                          rules=spec.texts[1], welcome=spec.texts[2], announcement=spec.texts[3],
                          auto_replies=[{"q": "怎么下单", "a": "群里接龙，或者私聊我"},
                                        {"q": "多久发货", "a": "下单后 48 小时内发顺丰"}])
        session.add(group)
        session.flush()
        counts["chat_groups"] += 1
        pool = big_spenders if spec.kind == "VIP群" else customers[:400] if spec.kind == "引流群" else customers
        counts["group_members"] += _members(session, rng, group.id, spec, pool, today)
        counts["group_tasks"] += _tasks(session, rng, group.id, spec, templates, today, now)
        counts["group_daily_stats"] += _stats(session, rng, group.id, spec, today)
    return counts


def _templates(session: Session) -> dict[str, int]:
    """The built-in templates by their role in the demo."""
    found: dict[str, int] = {}
    for tid, shape, days in session.execute(select(SopTemplate.id, SopTemplate.shape, SopTemplate.days)
                                            .where(SopTemplate.builtin.is_(True)).order_by(SopTemplate.id)):
        key = {"daily": "daily", "weekly": "weekly"}.get(shape) or ("flash" if days == 7 else "icebreak")
        found.setdefault(key, tid)
    return found


def _members(session: Session, rng: random.Random, group_id: int, spec: DemoGroup, pool: list[int],
             today: date) -> int:
    chosen = rng.sample(pool, min(spec.size, len(pool)))
    rows = []
    now = datetime.now()
    for n, cid in enumerate(chosen):
        joined = today - timedelta(days=rng.randint(0, max(spec.age_days, 0)))
        left = None
        if spec.age_days > 10 and rng.random() < 0.1:
            left = min(today, joined + timedelta(days=rng.randint(1, max(spec.age_days // 2, 2))))
        role = "admin" if n < 1 else "koc" if n < 4 else "member"
        if spec.archived:  # everyone left when the group closed, a week after it began; nobody joined after
            left = today - timedelta(days=spec.age_days - 7)
            joined = min(joined, left)
        rows.append({"group_id": group_id, "customer_id": cid, "role": role, "joined_on": joined, "left_on": left,
                     "created_at": now, "updated_at": now})
    if rows:
        session.execute(insert(GroupMember), rows)
    return len(rows)


def _tasks(session: Session, rng: random.Random, group_id: int, spec: DemoGroup, templates: dict[str, int],
           today: date, now: datetime) -> int:
    template = templates.get(spec.template)
    if template is None:
        return _hand_tasks(session, group_id, today)
    start = today - timedelta(days=spec.age_days - 1)
    windows = {"daily": (max(start, today - timedelta(days=13)), today + timedelta(days=27)),
               "weekly": (max(start, today - timedelta(days=27)), today + timedelta(days=55)),
               "flash": (start, None), "icebreak": (start, None)}
    first, last = windows[spec.template]
    use_id = apply_template(session, group_id, template, first, last, commit=False)
    if spec.template == "icebreak":  # after breaking the ice, the daily routine
        apply_template(session, group_id, templates["daily"], first + timedelta(days=5), today + timedelta(days=20),
                       commit=False)
    past = list(session.execute(select(GroupTask.id, GroupTask.due_at).where(
        GroupTask.group_id == group_id, GroupTask.due_at < now)))
    done, skipped = [], []
    for task_id, due in past:
        recent = (now - due).days < 3
        luck = rng.random()
        if luck < (0.72 if recent else 0.9):
            done.append({"id": task_id, "done_at": due + timedelta(minutes=rng.randint(0, 40)),
                         "done_note": rng.choice(DONE_NOTES) if rng.random() < 0.4 else ""})
        elif luck < (0.76 if recent else 0.95):
            skipped.append(task_id)
    for row in done:
        session.execute(update(GroupTask).where(GroupTask.id == row["id"]).values(
            status="done", done_at=row["done_at"], done_note=row["done_note"]))
    if skipped:
        session.execute(update(GroupTask).where(GroupTask.id.in_(skipped)).values(status="skipped", done_note="今天休息"))
    return int(session.scalar(select(func.count()).where(GroupTask.group_id == group_id)) or 0) if use_id else 0


def _hand_tasks(session: Session, group_id: int, today: date) -> int:
    """售后服务群: a few tasks added by hand."""
    rows = [
        (today, "10:00", "冲泡小课堂", "【冲泡小课堂】白茶怎么泡不苦？水温 90℃，投茶 5 克，前三泡快出汤。"),
        (today + timedelta(days=2), "20:00", "存茶答疑", "今晚 8 点集中回答存茶问题：普洱、白茶怎么存，放多久好喝。"),
        (today + timedelta(days=5), "15:00", "售后回访", "给近一个月下单的客户逐个回访，问问喝得怎么样。"),
    ]
    now = datetime.now()
    session.execute(insert(GroupTask), [
        {"group_id": group_id, "due_at": datetime.combine(day, datetime.strptime(at, "%H:%M").time()), "title": title,
         "body": body, "material_ids": [], "status": "open", "done_note": "", "edited": True, "created_at": now,
         "updated_at": now} for day, at, title, body in rows])
    return len(rows)


def _stats(session: Session, rng: random.Random, group_id: int, spec: DemoGroup, today: date) -> int:
    """60 days (or since the group began) of daily numbers that add up: 群人数 moves by 进群 − 退群."""
    days = min(STATS_DAYS, spec.age_days + 1)
    first = today - timedelta(days=days - 1)
    if spec.archived:  # a 7-day flash group long over
        days, first = 7, today - timedelta(days=spec.age_days)
    joins = [_count(rng, spec.daily_join * (3.0 if spec.kind == "快闪群" and d < 2 else 1.0)) for d in range(days)]
    lefts = [_count(rng, spec.daily_join * (0.25 if spec.kind != "快闪群" else 0.1)) for _ in range(days)]
    members = max(spec.headcount or 60, 10) - sum(joins) + sum(lefts)
    members = max(members, 8)
    rows = []
    now = datetime.now()
    for offset in range(days):
        day = first + timedelta(days=offset)
        members = max(0, members + joins[offset] - lefts[offset])
        weekend = day.weekday() >= 5
        liveliness = rng.uniform(0.7, 1.3) * (0.8 if weekend else 1.0)
        if spec.kind == "快闪群" and offset in (2, 3):
            liveliness *= 2.2  # 开团
        speakers = min(members, _count(rng, members * spec.speak * liveliness))
        messages = max(speakers, _count(rng, members * spec.talk * liveliness))
        buy = spec.buy * (4 if spec.kind == "快闪群" and offset in (2, 3, 5) else 1)
        if spec.kind == "福利群" and day.isoweekday() == 3:
            buy *= 3  # 会员日
        buyers = min(members, _count(rng, members * buy))
        revenue = sum(int(spec.ticket * rng.uniform(0.6, 1.6) * 100) for _ in range(buyers))
        cost = 0
        if buyers or rng.random() < 0.2:
            cost = rng.choice((0, 2000, 5000, 8800, 10000)) + (30000 if spec.kind == "快闪群" and offset == 0 else 0)
        rows.append({"group_id": group_id, "day": day, "members": members, "joined": joins[offset],
                     "left": lefts[offset], "exposures": int(joins[offset] / rng.uniform(0.03, 0.08)) if joins[offset]
                     else rng.randint(0, 40), "messages": messages, "active_speakers": speakers, "buyers": buyers,
                     "orders": buyers + (1 if buyers and rng.random() < 0.3 else 0), "revenue_cents": revenue,
                     "cost_cents": cost, "created_at": now, "updated_at": now})
    session.execute(insert(GroupDailyStat), rows)
    return len(rows)


def _count(rng: random.Random, mean: float) -> int:
    """A whole count around `mean` (never negative)."""
    if mean <= 0:
        return 0
    return max(0, int(rng.gauss(mean, max(mean ** 0.5, 0.5)) + 0.5))

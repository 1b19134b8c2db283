"""演示数据 for the 转介绍 page: who brought whom among the demo customers.

About a quarter of the customers came through a referral (all the 老客转介绍 ones, some from 社群 and
地推): chains of two to four levels, a few KOCs who each brought 5–15 people, methods weighted toward
口碑, 分销, 拼团 and 积分, three campaigns of the tea shop (two over, one running) with dates, goal and
cost, and rewards — the older ones mostly given, the recent ones mostly still owed.

A referrer always joined before the people they brought (so there are no cycles). Registered in
services.demo.PAGE_FILLERS before the layers (忠实型 reads the referrals); deterministic for a seed,
relative to today; rows go in with executemany, one pass over the customers — quick at 100,000.
A store that already has referrals keeps them and gets none from the demo.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from models import Campaign, Customer, Referral

INSERT_CHUNK = 10000
MAX_LEVEL = 3  # a referee's level: 1 = brought by someone nobody referred; 3 = the fourth person of a chain
METHODS = ("口碑", "分销", "拼团", "积分", "任务", "内容", "打卡", "现场", "地推", "联合", "工具", "比赛")
_METHOD_WEIGHTS = (34, 16, 15, 12, 5, 4, 4, 3, 3, 2, 1, 1)
_METHOD_CUM = tuple(sum(_METHOD_WEIGHTS[:i + 1]) for i in range(len(_METHOD_WEIGHTS)))
CAMPAIGN_SHARE = 0.6  # of the customers added while a campaign ran, how many a referral brought
REFERRED_SOURCES = {"老客转介绍": 1.0, "社群": 0.35, "地推": 0.3, "朋友圈": 0.06, "门店": 0.08}


@dataclass(frozen=True)
class DemoCampaign:
    name: str
    method: str
    starts_ago: int  # days before today
    ends_ago: int  # negative: still running
    goal: str
    cost_yuan: int  # for 2,000 customers; scaled with the demo's size
    reward_kind: str
    reward_yuan: int
    reward: str
    note: str = ""


CAMPAIGNS = (
    DemoCampaign("老带新·送茶样", "口碑", 150, 90, "老客每介绍 1 位新朋友加微信，送 50g 茶样；目标 80 位新客", 1600,
                 "礼品", 50, "50g 老白茶茶样", "朋友圈 + 一对一私聊通知老客"),
    DemoCampaign("春茶三人拼团", "拼团", 55, 40, "三人成团享 8 折，团长再送品鉴装；目标 40 团", 2400,
                 "优惠券", 30, "团长券 ¥30", "在福利群和朋友圈开团"),
    DemoCampaign("分享积分换品茗杯", "积分", 20, -10, "推荐 1 位好友得 200 积分，1000 积分换品茗杯", 800,
                 "积分", 20, "200 积分", "进行中"),
)
GIFTS = (("红包", 20, ""), ("红包", 50, ""), ("礼品", 68, "小罐熟普"), ("优惠券", 30, "满300减30"),
         ("积分", 10, "100 积分"), ("服务", 0, "免费茶艺课一次"))


def fill(session: Session, options: Any) -> dict[str, int]:
    counts = {"referrals": 0, "campaigns": 0}
    if session.scalar(select(func.count()).select_from(Referral)):
        return counts
    people = session.execute(
        select(Customer.id, Customer.added_on, Customer.source, Customer.purchase_count, Customer.total_spent_cents)
        .where(Customer.deleted_at.is_(None), Customer.added_on.is_not(None))
        .order_by(Customer.added_on, Customer.id)).all()
    if len(people) < 10:
        return counts
    rng = random.Random(f"referrals-{getattr(options, 'seed', 1)}")
    today = date.today()
    campaigns = _campaigns(session, rng, today, len(people))
    counts["campaigns"] = len(campaigns)
    rows = _referrals(rng, people, today, campaigns)
    for start in range(0, len(rows), INSERT_CHUNK):
        session.execute(insert(Referral), rows[start:start + INSERT_CHUNK])
    counts["referrals"] = len(rows)
    return counts


def _campaigns(session: Session, rng: random.Random, today: date,
               customers: int) -> list[tuple[int, DemoCampaign, date, date]]:
    taken = set(session.scalars(select(Campaign.name)))
    scale = max(1.0, customers / 2000)
    made = []
    for demo in CAMPAIGNS:
        if demo.name in taken:
            continue
        starts, ends = today - timedelta(days=demo.starts_ago), today - timedelta(days=demo.ends_ago)
        campaign = Campaign(name=demo.name, method=demo.method, starts_on=starts, ends_on=ends, goal=demo.goal,
                            cost_cents=int(round(demo.cost_yuan * scale, -1)) * 100, note=demo.note)
        session.add(campaign)
        session.flush()
        made.append((campaign.id, demo, starts, min(ends, today)))
    return made


def _referrals(rng: random.Random, people: Sequence[Any], today: date,
               campaigns: list[tuple[int, DemoCampaign, date, date]]) -> list[dict[str, Any]]:
    kocs = _kocs(rng, people)
    level: dict[int, int] = {}  # referee → their level
    earlier: list[int] = []  # everyone added so far (possible referrers)
    chainable: list[int] = []  # referees added so far whose level allows one more below them
    buyers: list[int] = []
    open_kocs: list[int] = []
    now = datetime.now().replace(microsecond=0)
    rows: list[dict[str, Any]] = []
    covered = {day for _cid, _demo, starts, ends in campaigns
               for day in range(starts.toordinal(), ends.toordinal() + 1)}  # days a campaign ran
    for cid, added_on, source, purchases, _spent in people:
        chance = REFERRED_SOURCES.get(source or "", 0.03)
        if added_on.toordinal() in covered:
            chance = max(chance, CAMPAIGN_SHARE)  # a running campaign brings most of the new friends
        if earlier and rng.random() < chance:
            referrer = _referrer(rng, earlier, chainable, buyers, open_kocs, kocs)
            if level.get(referrer, 0) >= MAX_LEVEL:  # a chain is long enough: someone who came on their own
                referrer = next((c for c in (rng.choice(earlier) for _ in range(20)) if c not in level), earlier[0])
            level[cid] = level.get(referrer, 0) + 1
            if level[cid] < MAX_LEVEL:
                chainable.append(cid)
            running = campaigns if added_on.toordinal() in covered else []
            rows.append(_row(rng, referrer, cid, added_on, source, today, running, now))
        earlier.append(cid)
        if cid in kocs:
            open_kocs.append(cid)
        if purchases:
            buyers.append(cid)
    return rows


def _kocs(rng: random.Random, people: Sequence[Any]) -> dict[int, int]:
    """A few big referrers among the earlier half, the bigger spenders first: id → how many they bring."""
    half = people[: max(1, len(people) // 2)]
    spenders = sorted(half, key=lambda p: -p[4])[: max(10, len(half) // 10)]
    count = min(len(spenders), max(3, len(people) // 600))
    chosen = rng.sample(spenders, count)
    return {p[0]: rng.choice((5, 6, 7, 8, 9, 10, 12, 15)) for p in chosen}


def _referrer(rng: random.Random, earlier: list[int], chainable: list[int], buyers: list[int],
              open_kocs: list[int], kocs: dict[int, int]) -> int:
    roll = rng.random()
    if open_kocs and roll < 0.35:
        koc = rng.choice(open_kocs)
        kocs[koc] -= 1
        if kocs[koc] <= 0:
            open_kocs.remove(koc)
        return koc
    if chainable and roll < 0.65:
        return rng.choice(chainable)
    if buyers and roll < 0.9:
        return rng.choice(buyers)
    return rng.choice(earlier)


def _row(rng: random.Random, referrer: int, referee: int, added_on: date, source: str, today: date,
         campaigns: list[tuple[int, DemoCampaign, date, date]], now: datetime) -> dict[str, Any]:
    referred_on = min(added_on, today)
    campaign = next(((cid, demo) for cid, demo, starts, ends in campaigns if starts <= referred_on <= ends), None)
    row: dict[str, Any] = {"referrer_id": referrer, "referee_id": referee, "referred_on": referred_on,
                           "campaign_id": None, "note": "", "reward": "", "reward_kind": "", "reward_value_cents": 0,
                           "reward_status": "无", "import_batch_id": None, "deleted_at": None,
                           "created_at": now, "updated_at": now}
    age = (today - referred_on).days
    if campaign is not None and rng.random() < 0.7:
        cid, demo = campaign
        row.update(campaign_id=cid, method=demo.method, reward_kind=demo.reward_kind,
                   reward_value_cents=demo.reward_yuan * 100, reward=demo.reward)
        row["reward_status"] = "已发放" if age > 14 and rng.random() < 0.85 else "待发放"
        return row
    row["method"] = "地推" if source == "地推" else rng.choices(METHODS, cum_weights=_METHOD_CUM)[0]
    if rng.random() < 0.55:
        kind, yuan, what = rng.choice(GIFTS)
        if row["method"] == "分销":
            kind, yuan, what = "现金", rng.choice((30, 50, 80, 120)), "分销佣金"
        row.update(reward_kind=kind, reward_value_cents=yuan * 100, reward=what)
        row["reward_status"] = "已发放" if age > 30 and rng.random() < 0.9 else "待发放"
    if rng.random() < 0.08:
        row["note"] = rng.choice(("同事，一起来店里喝过茶", "闺蜜", "小区邻居", "瑜伽课认识的", "老客的妹妹",
                                  "带着一起拼团", "朋友圈看到她晒的茶"))
    return row

"""演示数据 for the 朋友圈 page: the tea (and a little skincare) shop's posts over the last four and the
next four weeks on both demo accounts — about two a day on 工作号1, one on 工作号2 — in the six
content pillars. Past posts are mostly 已发布 with believable results and some customers linked as
likes, comments, inquiries and orders; a few were skipped, two are still waiting (they show on
Today); future ones are planned, some still drafts. Promotions use 部分可见 / 不给谁看 with the demo
tags; 周三会员日 is a weekly series. A few product cards (services.demo_library.product_card) are
written into media/moments/ as images.

Registered in services.demo.PAGE_FILLERS; deterministic for a seed, relative to today; added once
(a store that already has posts keeps them). Customers are sampled from one id query, so it stays
quick at 100,000 customers.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from models import (
    Customer,
    MomentInteraction,
    MomentPost,
    MomentPostImage,
    MomentPostTag,
    Pillar,
    Tag,
    WechatAccount,
)
from services.demo_library import product_card
from services.library_materials import data_root_of
from services.moments import MEDIA_FOLDER

WEEKS = 4
# pillar → texts; "{n}" is filled with a small number so that repeated texts still differ a little.
TEXTS: dict[str, tuple[str, ...]] = {
    "产品种草": (
        "今年的冰岛古树生普到了🍃 第一泡就是冰糖甜，喉韵很长，喝完嘴里回甘能留十几分钟。\n喜欢生普的姐妹可以先来要个茶样～",
        "老白茶饼拆了一饼，枣香已经出来了。煮着喝比泡着喝更有味道，冬天围炉刚刚好🔥",
        "小青柑来了！新会的柑皮 + 宫廷熟普，办公室一颗一泡，懒人也能喝好茶🍊",
        "玫瑰精华面霜回购率第一的秘密：质地是化开的，不黏不闷，换季脸干的姐妹闭眼入🌹",
        "正山小种，松烟香很淡，适合刚开始喝红茶的朋友。早上一杯，整个人都醒了☀️",
        "武夷肉桂这批是牛栏坑的，岩韵足，第{n}泡还有桂皮香，喝岩茶的老茶客懂的😄",
        "新到一批手工竹编茶盘，每一件纹路都不一样，配白瓷盖碗特别雅。",
    ),
    "用户口碑": (
        "张姐喝了三个月的老白茶，说睡眠都好了不少😊 谢谢信任，好茶就是要分享给懂的人。",
        "收到客户的反馈截图，比卖出一饼茶还开心❤️ 「茶汤很干净，家里老人也爱喝」",
        "第{n}位回购小青柑的姐妹了，她说办公室同事已经被她带着一起喝了哈哈",
        "老客王哥又来订了两提岩茶送客户，说拿得出手，喝过的都问哪里买的👍",
        "面霜用了一个月的李老师发来对比照，换季不起皮了，她说今年冬天靠它了✨",
        "「包装用心，茶也好喝」——每一句反馈我都认真收藏着，谢谢你们🙏",
    ),
    "专业知识": (
        "白茶怎么存？记住三个字：干、净、避。不要放冰箱，不要和香皂、调料放一起。",
        "生普和熟普到底差在哪？生普是自然转化，茶性偏凉；熟普经过渥堆，温和养胃。胃不好的先喝熟普。",
        "盖碗泡岩茶，水温一定要够：100℃ 沸水，前四泡快出汤，后面再慢慢延长。",
        "为什么有的茶越放越值钱？因为内含物质在慢慢转化——但前提是存得对，受潮的茶只会越放越差。",
        "换季护肤小知识：先修护屏障再谈功效，洗脸水温别太高，35℃ 左右最合适。",
        "茶叶罐选什么材质？锡罐最好，其次是陶罐，透明玻璃罐只适合短期放。",
        "喝茶会不会影响睡眠？下午三点以后建议喝熟普或老白茶，咖啡因少很多。",
    ),
    "生活人设": (
        "周末带孩子去茶山，她第一次自己采茶，采了一小把说要泡给外婆喝😂",
        "早起泡一壶茶，看会儿书，这是一天里最安静的半小时☕",
        "今天店里来了只小猫，在茶台边上睡了一下午，不忍心赶它走🐱",
        "下雨天，煮一壶老白茶，放一张老唱片，什么都不想做。",
        "去朋友的工作室喝茶，聊到很晚。做茶十年，最珍贵的是这些因茶结缘的朋友。",
        "给自己放个假，明天去爬山，回来给大家看山上的野茶树⛰️",
        "今天的午饭：番茄牛腩 + 一杯凤凰单丛解腻，满足😋",
    ),
    "活动福利": (
        "【周三会员日】今晚 8 点，老白茶饼会员价 298，限 30 饼，老规矩私聊报名～",
        "双11提前囤：买两提送一罐小青柑，只到本周日🎁",
        "新客福利：第一次下单送三款茶样 + 手写冲泡卡，回复「试喝」就好。",
        "面霜买一送一小样，限前 {n}0 位，先到先得🌹",
        "转发这条朋友圈集 28 个赞，截图找我领 20 元无门槛券❤️",
        "老客专属：推荐一位朋友下单，你们俩各得一份岩茶品鉴装。",
    ),
    "品牌故事": (
        "开店第七年。最开始只是想给身边朋友找到干净的好茶，没想到一路走到现在。",
        "我们的每一批茶，都是我亲自上山看过、喝过才进的。这是我对你们的承诺。",
        "为什么坚持手写冲泡卡？因为茶是有温度的，我希望你打开包裹的时候，也能感受到。",
        "茶山上的李师傅做了三十年茶，他说：「茶不骗人，你怎么对它，它就怎么对你。」",
    ),
}
# Share of each pillar in the plan, roughly what a careful seller keeps (selling under ~30 %).
WEIGHTS = {"产品种草": 14, "用户口碑": 16, "专业知识": 21, "生活人设": 30, "活动福利": 8, "品牌故事": 11}
# (pillar) → (likes, comments, inquiries per post for a typical post, order rate per inquiry, ticket yuan)
RESULTS = {"产品种草": (14, 4, 3, 0.4, 268), "用户口碑": (18, 5, 1.5, 0.3, 298), "专业知识": (16, 6, 1, 0.2, 198),
           "生活人设": (32, 9, 0.3, 0.1, 198), "活动福利": (12, 5, 5, 0.5, 298), "品牌故事": (22, 6, 0.5, 0.2, 268)}
SLOTS = ((7, 40), (8, 30), (12, 10), (12, 40), (18, 30), (20, 0), (20, 30), (21, 15))
SKIP_NOTES = ("那天太忙，没发", "和群发撞了，跳过", "临时换成了新品图")
# Demo product images: (file, background, shape, inner, form).
CARDS = (
    ("demo-moment-1.png", (244, 236, 222), (139, 94, 60), (214, 190, 150), "cake"),
    ("demo-moment-2.png", (236, 240, 232), (170, 150, 110), (230, 222, 196), "cake"),
    ("demo-moment-3.png", (228, 240, 230), (60, 120, 80), (200, 226, 190), "jar"),
    ("demo-moment-4.png", (250, 232, 236), (200, 90, 120), (246, 200, 210), "jar"),
    ("demo-moment-5.png", (255, 240, 220), (220, 120, 40), (255, 214, 160), "cake"),
    ("demo-moment-6.png", (226, 236, 246), (70, 120, 90), (180, 210, 180), "jar"),
    ("demo-moment-7.png", (240, 230, 246), (120, 80, 150), (214, 196, 230), "cake"),
    ("demo-moment-8.png", (246, 244, 226), (150, 130, 40), (226, 220, 170), "jar"),
    ("demo-moment-9.png", (232, 232, 232), (90, 90, 90), (200, 200, 200), "cake"),
)
CARD_SIZE = 240


def fill(session: Session, options: Any) -> dict[str, int]:
    """Add the demo posts; returns {"moment_posts": added, "moment_interactions": added}."""
    counts = {"moment_posts": 0, "moment_interactions": 0}
    if session.scalar(select(func.count()).select_from(MomentPost)):
        return counts
    accounts = list(session.scalars(select(WechatAccount.id).order_by(WechatAccount.sort, WechatAccount.id)))[:2]
    pillars = {name: pid for pid, name in session.execute(select(Pillar.id, Pillar.name))}
    if not accounts or not all(name in pillars for name in WEIGHTS):
        return counts  # a seller who renamed the pillars keeps her own list clean
    tags = {name: tid for tid, name in session.execute(select(Tag.id, Tag.name).order_by(Tag.id.desc()))}
    rng = random.Random(f"moments-{getattr(options, 'seed', 1)}")
    now = datetime.now().replace(second=0, microsecond=0)
    today = now.date()
    images = _images(session)
    posts = _plan(rng, accounts, pillars, today)
    posts += _series(accounts[0], pillars["活动福利"], today)
    rows: list[tuple[MomentPost, str, list[int], list[str]]] = []
    for account_id, planned_at, pillar, text, series in posts:
        post = MomentPost(account_id=account_id, planned_at=planned_at, text=text, pillar_id=pillars[pillar],
                          visibility="public", status="scheduled", likes=0, comments=0, inquiries=0, orders=0,
                          revenue_cents=0, note="", repeat_weekly=series, series_id=None,
                          repeat_until=today + timedelta(weeks=WEEKS) if series else None)
        visibility, tag_ids = _visibility(rng, pillar, text, tags)
        post.visibility = visibility
        _status(rng, post, pillar, now)
        rows.append((post, pillar, tag_ids, _pick_images(rng, pillar, images)))
    session.add_all(post for post, *_rest in rows)
    session.flush()
    series_ids = [post.id for post, *_rest in rows if post.repeat_weekly]
    tag_rows, image_rows = [], []
    for post, _pillar, tag_ids, paths in rows:
        if post.repeat_weekly:
            post.series_id = min(series_ids)
        tag_rows += [{"post_id": post.id, "tag_id": tag_id} for tag_id in tag_ids]
        image_rows += [{"post_id": post.id, "position": i, "path": p} for i, p in enumerate(paths)]
    if tag_rows:
        session.execute(insert(MomentPostTag), tag_rows)
    if image_rows:
        session.execute(insert(MomentPostImage), image_rows)
    counts["moment_posts"] = len(rows)
    counts["moment_interactions"] = _interactions(session, rng, [post for post, *_rest in rows])
    session.flush()
    return counts


def _plan(rng: random.Random, accounts: list[int], pillars: dict[str, int],
          today: date) -> list[tuple[int, datetime, str, str, bool]]:
    """(account, planned at, pillar, text, in the series) for every day of the eight weeks."""
    names, weights = list(WEIGHTS), list(WEIGHTS.values())
    plan = []
    first = today - timedelta(weeks=WEEKS)
    used: dict[str, int] = {}
    for offset in range(WEEKS * 14):
        day = first + timedelta(days=offset)
        for index, account_id in enumerate(accounts):
            per_day = rng.choice((1, 2, 2, 2, 3)) if index == 0 else rng.choice((0, 1, 1, 1, 2))
            slots = sorted(rng.sample(SLOTS, per_day))
            for hour, minute in slots:
                pillar = rng.choices(names, weights)[0]
                if day.weekday() == 2 and index == 0 and pillar == "活动福利":
                    pillar = "产品种草"  # Wednesday's promotion is the series
                texts = TEXTS[pillar]
                used[pillar] = used.get(pillar, rng.randrange(len(texts))) + 1
                text = texts[used[pillar] % len(texts)].replace("{n}", str(rng.randint(2, 9)))
                plan.append((account_id, datetime.combine(day, time(hour, minute)), pillar, text, False))
    # One promotion-heavy week (双11 囤茶) two weeks ago, so the hard-sell warning has something to say.
    monday = today - timedelta(days=today.weekday() + 14)
    for n in range(4):
        plan.append((accounts[-1], datetime.combine(monday + timedelta(days=n + 1), time(19, 45)), "活动福利",
                     TEXTS["活动福利"][1], False))
    return plan


def _series(account_id: int, _pillar: int, today: date) -> list[tuple[int, datetime, str, str, bool]]:
    """周三会员日: every Wednesday at 20:00 from four weeks ago to four weeks ahead."""
    wednesday = today - timedelta(days=(today.weekday() - 2) % 7) - timedelta(weeks=WEEKS - 1)
    return [(account_id, datetime.combine(wednesday + timedelta(weeks=n), time(20, 0)), "活动福利",
             TEXTS["活动福利"][0], True) for n in range(WEEKS * 2)]


def _visibility(rng: random.Random, pillar: str, text: str, tags: dict[str, int]) -> tuple[str, list[int]]:
    def ids(*names: str) -> list[int]:
        return [tags[n] for n in names if n in tags]

    if "面霜" in text and pillar in ("产品种草", "活动福利") and ids("护肤"):
        return "only_tags", ids("护肤")
    if "会员日" in text and ids("高", "中"):
        return "only_tags", ids("高", "中")
    if pillar == "活动福利" and "新客" in text and ids("高"):
        return "except_tags", ids("高")  # old VIP clients do not need the new-customer offer
    if pillar == "活动福利" and ids("学生") and rng.random() < 0.5:
        return "except_tags", ids("学生")
    if pillar == "生活人设" and rng.random() < 0.03:
        return "private", []
    return "public", []


def _status(rng: random.Random, post: MomentPost, pillar: str, now: datetime) -> None:
    if post.planned_at > now:
        post.status = "draft" if rng.random() < 0.15 and post.planned_at > now + timedelta(days=3) \
            and not post.repeat_weekly else "scheduled"
        return
    if post.planned_at > now - timedelta(hours=30) and rng.random() < 0.5:
        return  # still 已排期: due on Today
    if rng.random() < 0.05:
        post.status, post.note = "skipped", rng.choice(SKIP_NOTES)
        return
    post.status = "published"
    post.published_at = post.planned_at + timedelta(minutes=rng.randint(0, 25))
    likes, comments, inquiries, order_rate, ticket = RESULTS[pillar]
    scale = rng.uniform(0.5, 1.6) * (1.3 if post.planned_at.hour >= 20 else 1.0)
    post.likes = max(0, round(rng.gauss(likes * scale, likes * 0.25)))
    post.comments = max(0, round(rng.gauss(comments * scale, comments * 0.3)))
    post.inquiries = max(0, round(rng.gauss(inquiries * scale, max(inquiries * 0.4, 0.5))))
    post.orders = sum(1 for _ in range(post.inquiries) if rng.random() < order_rate)
    post.revenue_cents = sum(rng.choice((ticket, ticket, ticket * 2, round(ticket * 1.5))) for _ in range(post.orders)) * 100


def _images(session: Session) -> list[str]:
    root = data_root_of(session)
    if root is None:
        return []
    paths = []
    for name, background, shape, inner, form in CARDS:
        path = f"{MEDIA_FOLDER}/{name}"
        target = root / path
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(product_card(background, shape, inner, form, size=CARD_SIZE))
        paths.append(path)
    return paths


def _pick_images(rng: random.Random, pillar: str, images: list[str]) -> list[str]:
    if not images or pillar in ("专业知识",) or rng.random() < 0.3:
        return []
    count = 9 if pillar == "产品种草" and rng.random() < 0.08 else rng.choice((1, 1, 2, 3, 4, 6))
    return rng.sample(images, min(count, len(images)))


def _interactions(session: Session, rng: random.Random, posts: list[MomentPost]) -> int:
    """Link a few demo customers to each published post (the best clients more often)."""
    pool = list(session.scalars(select(Customer.id).where(Customer.deleted_at.is_(None))
                                .order_by(Customer.total_spent_cents.desc()).limit(600)))
    if not pool:
        return 0
    rows: list[dict[str, Any]] = []
    for post in posts:
        if post.status != "published" or post.published_at is None:
            continue
        linked = set()
        for kind, total, share in (("like", post.likes, 0.25), ("comment", post.comments, 0.5),
                                   ("inquiry", post.inquiries, 1.0), ("order", post.orders, 1.0)):
            for _ in range(min(round(total * share), 12)):
                cid = pool[min(int(rng.expovariate(1 / 80)), len(pool) - 1)]
                if (cid, kind) in linked:
                    continue
                linked.add((cid, kind))
                when = post.published_at + timedelta(minutes=rng.randint(3, 600))
                rows.append({"post_id": post.id, "customer_id": cid, "kind": kind, "note": "",
                             "created_at": when, "updated_at": when})
    if rows:
        session.execute(insert(MomentInteraction), rows)
    return len(rows)

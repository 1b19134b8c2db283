"""朋友圈 reports: engagement by pillar, weekday and hour; the weekly share of hard-selling posts
(seed 001 warns against 刷屏卖货) with a threshold setting; how often each tag's customers were
targeted. `python main.py report moments [--weeks N] [--json]` prints

    {"pillars": [{"pillar", "posts", "likes", "comments", "inquiries", "orders", "revenue"}],
     "weeks": [{"week", "posts", "hard_sell_share", "over_threshold"}]}

Conventions:
- Periods are `start` (included) to `end` (excluded), like services.moments.list_posts.
- Engagement counts 已发布 posts only, at the time they were published (the planned time when
  that is missing); revenue is in yuan with 2 decimals.
- A week is an ISO week, named "2026-W48" (Monday to Sunday). Its hard-sell share counts the posts
  planned in it that are 已排期 or 已发布 (drafts and skipped posts are not in the feed); a share is
  a fraction 0..1 with 2 decimals, 0 for a week without posts. `over_threshold` is share > the
  `moments.hard_sell_threshold` setting (percent, default 30).
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import Customer, CustomerTag, MomentPost, MomentPostTag, Pillar, Tag, TagGroup
from services import settings_store
from services.errors import UserError
from services.i18n import t

HARD_SELL_THRESHOLD = settings_store.declare(
    "moments.hard_sell_threshold", int, 30, "硬广占比提醒线", unit="%", minimum=1, maximum=100,
    help="一周里“产品种草”“活动福利”这类卖货内容超过这个比例时提醒（刷屏卖货会让客户屏蔽你）",
    group="moments")
WEEKDAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
NO_PILLAR = "（未分类）"
LIVE_STATUSES = ("scheduled", "published")  # what goes into the feed
MAX_WEEKS = 104


def _span(start: date, end: date) -> tuple[datetime, datetime]:
    return datetime.combine(start, time.min), datetime.combine(end, time.min)


def _published(session: Session, start: date, end: date) -> list[Any]:
    """(when, pillar_id, likes, comments, inquiries, orders, revenue_cents) of the published posts."""
    when = func.coalesce(MomentPost.published_at, MomentPost.planned_at)
    first, last = _span(start, end)
    return list(session.execute(
        select(when, MomentPost.pillar_id, MomentPost.likes, MomentPost.comments, MomentPost.inquiries,
               MomentPost.orders, MomentPost.revenue_cents)
        .where(MomentPost.deleted_at.is_(None), MomentPost.status == "published", when >= first, when < last)))


def _as_datetime(value: Any) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def pillar_engagement(session: Session, start: date, end: date) -> list[dict[str, Any]]:
    """One row per pillar (in the pillar list's order, also with no posts), then 未分类 when used."""
    totals: dict[int | None, list[int]] = defaultdict(lambda: [0] * 6)
    for _when, pillar_id, *numbers in _published(session, start, end):
        row = totals[pillar_id]
        row[0] += 1
        for i, number in enumerate(numbers, 1):
            row[i] += number or 0
    names: list[tuple[int | None, str]] = [
        (p.id, p.name) for p in session.scalars(select(Pillar).order_by(Pillar.sort, Pillar.id))]
    known = {pillar_id for pillar_id, _name in names}
    if any(pillar_id not in known for pillar_id in totals):
        names.append((None, t(NO_PILLAR)))
    result = []
    for pillar_id, name in names:
        if pillar_id is None:
            numbers = [sum(v[i] for k, v in totals.items() if k not in known) for i in range(6)]
        else:
            numbers = totals.get(pillar_id, [0] * 6)
        result.append({"pillar": name, "posts": numbers[0], "likes": numbers[1], "comments": numbers[2],
                       "inquiries": numbers[3], "orders": numbers[4], "revenue": round(numbers[5] / 100, 2)})
    return result


def _by(session: Session, start: date, end: date, slots: int, slot_of: Any) -> list[tuple[int, int, int]]:
    counts = [[0, 0] for _ in range(slots)]
    for when, _pillar, likes, comments, *_rest in _published(session, start, end):
        slot = counts[slot_of(_as_datetime(when))]
        slot[0] += 1
        slot[1] += (likes or 0) + (comments or 0)
    return [(i, posts, engaged) for i, (posts, engaged) in enumerate(counts)]


def weekday_engagement(session: Session, start: date, end: date) -> list[dict[str, Any]]:
    """Seven rows 周一..周日: published posts and their average likes + comments (2 decimals)."""
    return [{"weekday": t(WEEKDAYS[i]), "posts": posts, "avg_engagement": round(engaged / posts, 2) if posts else 0.0}
            for i, posts, engaged in _by(session, start, end, 7, lambda when: when.weekday())]


def hour_engagement(session: Session, start: date, end: date) -> list[dict[str, Any]]:
    """24 rows (hour 0..23): published posts and their average likes + comments (2 decimals)."""
    return [{"hour": i, "posts": posts, "avg_engagement": round(engaged / posts, 2) if posts else 0.0}
            for i, posts, engaged in _by(session, start, end, 24, lambda when: when.hour)]


def week_name(monday: date) -> str:
    year, week, _day = monday.isocalendar()
    return f"{year}-W{week:02d}"


def weekly_hard_sell(session: Session, weeks: int, today: date) -> list[dict[str, Any]]:
    """The last `weeks` ISO weeks up to the one holding `today`, oldest first."""
    threshold = settings_store.get(session, HARD_SELL_THRESHOLD)
    this_monday = today - timedelta(days=today.weekday())
    mondays = [this_monday - timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]
    if not mondays:
        return []
    first, last = _span(mondays[0], this_monday + timedelta(weeks=1))
    counts: dict[date, list[int]] = {monday: [0, 0] for monday in mondays}
    for planned_at, hard_sell in session.execute(
        select(MomentPost.planned_at, Pillar.hard_sell).outerjoin(Pillar, Pillar.id == MomentPost.pillar_id)
        .where(MomentPost.deleted_at.is_(None), MomentPost.status.in_(LIVE_STATUSES),
               MomentPost.planned_at >= first, MomentPost.planned_at < last)
    ):
        day = _as_datetime(planned_at).date()
        row = counts[day - timedelta(days=day.weekday())]
        row[0] += 1
        row[1] += 1 if hard_sell else 0
    result = []
    for monday in mondays:
        posts, hard = counts[monday]
        share = round(hard / posts, 2) if posts else 0.0
        result.append({"week": week_name(monday), "posts": posts, "hard_sell_share": share,
                       "over_threshold": posts > 0 and hard * 100 > threshold * posts})
    return result


def tag_targeting(session: Session, days: int = 30, today: date | None = None) -> list[dict[str, Any]]:
    """Per tag (in the tag list's order): live customers with it, and how many 已排期 / 已发布 posts
    of the last `days` days (today included) reached them — public posts, 部分可见 posts naming the
    tag, and 不给谁看 posts not naming it. Private posts reach nobody."""
    today = today or date.today()
    first, last = _span(today - timedelta(days=days - 1), today + timedelta(days=1))
    live = (MomentPost.deleted_at.is_(None), MomentPost.status.in_(LIVE_STATUSES),
            MomentPost.planned_at >= first, MomentPost.planned_at < last)
    by_rule = dict(session.execute(select(MomentPost.visibility, func.count()).where(*live)
                                   .group_by(MomentPost.visibility)).all())
    everyone = int(by_rule.get("public", 0)) + int(by_rule.get("except_tags", 0))
    named: dict[tuple[int, str], int] = dict(
        ((tag_id, rule), int(n)) for tag_id, rule, n in session.execute(
            select(MomentPostTag.tag_id, MomentPost.visibility, func.count())
            .join(MomentPost, MomentPost.id == MomentPostTag.post_id)
            .where(*live, MomentPost.visibility.in_(("only_tags", "except_tags")))
            .group_by(MomentPostTag.tag_id, MomentPost.visibility)))
    customers = dict(session.execute(
        select(CustomerTag.tag_id, func.count()).join(Customer, Customer.id == CustomerTag.customer_id)
        .where(Customer.deleted_at.is_(None)).group_by(CustomerTag.tag_id)).all())
    return [{"tag": name, "group": group, "customers": int(customers.get(tag_id, 0)),
             "posts_reaching": everyone + named.get((tag_id, "only_tags"), 0) - named.get((tag_id, "except_tags"), 0)}
            for tag_id, name, group in session.execute(
                select(Tag.id, Tag.name, TagGroup.name).join(TagGroup, TagGroup.id == Tag.group_id)
                .order_by(TagGroup.sort, TagGroup.id, Tag.sort, Tag.id))]


def moments_report(session: Session, weeks: int = 8, today: date | None = None) -> dict[str, Any]:
    """{"pillars": engagement of the posts published in those weeks, "weeks": weekly_hard_sell}."""
    today = today or date.today()
    monday = today - timedelta(days=today.weekday())
    start = monday - timedelta(weeks=weeks - 1)
    return {"pillars": pillar_engagement(session, start, monday + timedelta(weeks=1)),
            "weeks": weekly_hard_sell(session, weeks, today)}


def cli_report(session: Session, args: argparse.Namespace) -> int:
    """`python main.py report moments [--weeks N] [--json]`."""
    from services.cli import emit
    from services.group_report import _table

    weeks = getattr(args, "weeks", 8)
    if not 1 <= weeks <= MAX_WEEKS:
        raise UserError(t("--weeks 要在 1 到 {n} 之间", n=MAX_WEEKS))
    report = moments_report(session, weeks)
    threshold = settings_store.get(session, HARD_SELL_THRESHOLD)
    lines = [t("朋友圈：最近 {n} 周已发布内容的互动（按内容支柱）", n=weeks)]
    lines += _table([t("内容支柱"), t("条数"), t("点赞"), t("评论"), t("咨询"), t("订单"), t("成交金额")],
                    [[p["pillar"], str(p["posts"]), str(p["likes"]), str(p["comments"]), str(p["inquiries"]),
                      str(p["orders"]), f"¥{p['revenue']:,.2f}"] for p in report["pillars"]])
    lines += ["", t("每周硬广占比（已排期 + 已发布；提醒线 {n}%）", n=threshold)]
    lines += _table([t("周"), t("条数"), t("硬广占比"), ""],
                    [[w["week"], str(w["posts"]), f"{w['hard_sell_share']:.0%}",
                      t("⚠ 超过提醒线，少发点卖货内容") if w["over_threshold"] else ""] for w in report["weeks"]])
    emit(args, report, lines)
    return 0

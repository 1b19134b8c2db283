"""群日数据 and the group metrics of seed 001 (从0到1搭建私域社群SOP §六), per group and period.

**Daily stats** (one row per group and day): 群人数 at the end of the day, 进群, 退群, 入群渠道曝光数,
消息数, 有效发言人数, 下单人数, 订单数, 成交额 and 成本 (money in fen). A day typed with 群人数 left
empty gets it from the day before when that day is known: yesterday's 群人数 + 进群 − 退群.

**Metrics of a period** (first … last, both included), over the days of the period that have stats.
"Members" is made precise as follows — every ratio whose denominator is 0 (or unknown) is None,
never 0:

- M_end — 期末人数: 群人数 on the last day of the period that has one.
- M_ever — 期内总人数, everyone who was in the group at some point of the period: M_end + the
  period's 退群 (those still there at the end, plus those who left during it; equal to the members at
  the start + the period's 进群).
- member-days — the sum of the daily 群人数 over the days that have one (so a ratio over it is the
  *daily average*, weighted by group size).

| metric | key | formula |
|---|---|---|
| 进群率 | join_rate | Σ进群 / Σ曝光 |
| 退群率 | leave_rate | Σ退群 / M_ever |
| 互动率（日均） | interaction_rate | Σ发言人数 / member-days (days with 群人数) |
| 人均消息量（日均） | messages_per_member | Σ消息数 / member-days (days with 群人数) |
| 留存率 | retention_rate | M_end / M_ever |
| 转化率 | conversion_rate | Σ下单人数 / M_ever |
| 客单价（元） | avg_order_value | Σ成交额 / Σ下单人数 (the seed: 订单总额 / 订单人数) |
| ROI | roi | Σ成交额 / Σ成本 |

下单人数 is summed over days: a member who buys on two days counts twice (the log is per day).

**Life stage** (the seed's five stages, in order; `life_stage`): 初建期 for the first 7 days of a group
(from its created date), 激活期 until day 30; after that 留存期 while the group sold nothing in the
last 30 days of the period, 变现期 once it sells, and 传播期 when it sells and at least 10 % of its
current members have referred someone. Each stage watches its own metrics (STAGE_METRICS).

**Member mix**: current members by loyalty type (忠实型, 羊毛型, 需求型, 低需求 and 未归类), read from the
types services.layers computes for every customer. A store whose layers were never computed uses a
stand-in from the purchase count: at most one purchase 低需求 (the seed: "只购买用1次甚至无购买过"),
more than one and none in the last 90 days 需求型, otherwise 未归类.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, fields, replace
from datetime import date, timedelta
from typing import Any

from sqlalchemy import case, delete, func, select
from sqlalchemy.orm import Session

from models import ChatGroup, Customer, GroupDailyStat, GroupMember, Referral
from services.errors import NotFoundError, ValidationError
from services.i18n import t
from services.layers import LOYALTY_TYPES, UNCLASSIFIED, cached_cuts
from services.text import fold
from services.timeline import parse_money

# The daily numbers in the order the grid shows them, with their Chinese column titles.
STAT_LABELS = {
    "members": "群人数", "joined": "进群", "left": "退群", "exposures": "渠道曝光", "messages": "消息数",
    "active_speakers": "发言人数", "buyers": "下单人数", "orders": "订单数", "revenue_cents": "成交额（元）",
    "cost_cents": "成本（元）",
}
MONEY_FIELDS = ("revenue_cents", "cost_cents")
METRIC_KEYS = ("join_rate", "leave_rate", "interaction_rate", "messages_per_member", "retention_rate",
               "conversion_rate", "avg_order_value", "roi")
METRIC_LABELS = {
    "join_rate": "进群率", "leave_rate": "退群率", "interaction_rate": "互动率", "messages_per_member": "人均消息量",
    "retention_rate": "留存率", "conversion_rate": "转化率", "avg_order_value": "客单价", "roi": "ROI",
}
METRIC_HINTS = {
    "join_rate": "进群人数 ÷ 入群渠道曝光数",
    "leave_rate": "退群人数 ÷ 期内总人数（期末人数 + 期内退群）",
    "interaction_rate": "每天发言人数 ÷ 当天群人数，按天平均",
    "messages_per_member": "每天消息数 ÷ 当天群人数，按天平均",
    "retention_rate": "期末人数 ÷ 期内总人数",
    "conversion_rate": "下单人数 ÷ 期内总人数",
    "avg_order_value": "成交额 ÷ 下单人数（元）",
    "roi": "成交额 ÷ 成本",
}
PERCENT_METRICS = ("join_rate", "leave_rate", "interaction_rate", "retention_rate", "conversion_rate")
STAGES = ("初建期", "激活期", "留存期", "变现期", "传播期")
STAGE_METRICS: dict[str, tuple[str, ...]] = {
    "初建期": ("join_rate", "leave_rate"), "激活期": ("interaction_rate", "messages_per_member"),
    "留存期": ("retention_rate",), "变现期": ("conversion_rate", "avg_order_value", "roi"), "传播期": (),
}
STAGE_HINTS = {
    "初建期": "建群第一周：关注进群率和退群率，做好欢迎语、群规和破冰",
    "激活期": "建群一个月内：关注互动率和人均消息量，用打卡、话题和气氛组带动活跃",
    "留存期": "近 30 天还没有成交：关注留存率，找出流失原因，用有价值的内容留住人",
    "变现期": "已经有成交：关注转化率、客单价和 ROI",
    "传播期": "有成交，且一成以上成员推荐过朋友：看成员的忠诚类型，设计裂变和高客单活动",
}
NEW_DAYS, ACTIVATION_DAYS, SALES_WINDOW_DAYS, SPREAD_SHARE = 7, 30, 30, 0.10
MIX_KEYS = (*LOYALTY_TYPES, UNCLASSIFIED)
PROXY_NEED_DAYS = 90
MAX_COUNT = 10_000_000


@dataclass(frozen=True)
class DayStat:
    """One group's numbers for one day (money in fen)."""

    day: date
    members: int | None = None
    joined: int = 0
    left: int = 0
    exposures: int = 0
    messages: int = 0
    active_speakers: int = 0
    buyers: int = 0
    orders: int = 0
    revenue_cents: int = 0
    cost_cents: int = 0

    @property
    def is_blank(self) -> bool:
        return self.members is None and not any(getattr(self, key) for key in STAT_LABELS if key != "members")


# ---- typing the numbers in ---------------------------------------------------------------------------

def parse_stat_cell(key: str, text: str) -> int | None:
    """What a grid cell holds: a count, 群人数 (empty = None) or an amount in yuan (→ fen).

    ValueError with a message naming the column otherwise."""
    value = fold(text).replace(",", "").replace("，", "")
    label = t(STAT_LABELS[key])
    if not value:
        return None if key == "members" else 0
    if key in MONEY_FIELDS:
        try:
            return parse_money(value)
        except ValueError as exc:
            raise ValueError(t("{column}：{problem}", column=label, problem=exc)) from None
    try:
        number = float(value)
    except ValueError:
        raise ValueError(t("{column}：“{text}”不是数字", column=label, text=text)) from None
    if number != int(number):
        raise ValueError(t("{column}：“{text}”应是整数", column=label, text=text))
    if number < 0:
        raise ValueError(t("{column}：不能是负数", column=label))
    if number > MAX_COUNT:
        raise ValueError(t("{column}：“{text}”太大了", column=label, text=text))
    return int(number)


def _check(stat: DayStat) -> None:
    for key in STAT_LABELS:
        value = getattr(stat, key)
        if value is not None and value < 0:
            raise ValidationError({key: t("{day} 的{column}不能是负数", day=stat.day, column=t(STAT_LABELS[key]))})


def save_stats(session: Session, group_id: int, stats: Iterable[DayStat]) -> int:
    """Save the grid in one transaction: a day's row is replaced; a blank day is removed; an empty
    群人数 is carried from the day before (see the module docstring). Returns the days saved."""
    group = session.get(ChatGroup, group_id)
    if group is None or group.deleted_at is not None:
        raise NotFoundError(t("这个群已被删除"))
    ordered = sorted(stats, key=lambda s: s.day)
    for stat in ordered:
        _check(stat)
    existing = {row.day: row for row in session.scalars(select(GroupDailyStat).where(
        GroupDailyStat.group_id == group_id, GroupDailyStat.day.in_([s.day for s in ordered])))}
    previous = _members_before(session, group_id, ordered[0].day) if ordered else None
    saved = 0
    for stat in ordered:
        if stat.members is None and previous is not None and previous[0] == stat.day - timedelta(days=1) \
                and not stat.is_blank:
            stat = replace(stat, members=max(0, previous[1] + stat.joined - stat.left))
        row = existing.get(stat.day)
        if stat.is_blank:
            if row is not None:
                session.delete(row)
            previous = None
            continue
        if row is None:
            row = GroupDailyStat(group_id=group_id, day=stat.day)
            session.add(row)
        for key in STAT_LABELS:
            setattr(row, key, getattr(stat, key))
        previous = (stat.day, stat.members) if stat.members is not None else None
        saved += 1
    session.commit()
    return saved


def upsert_stat(session: Session, group_id: int, stat: DayStat) -> None:
    save_stats(session, group_id, [stat])


def _members_before(session: Session, group_id: int, day: date) -> tuple[date, int] | None:
    row = session.execute(select(GroupDailyStat.day, GroupDailyStat.members).where(
        GroupDailyStat.group_id == group_id, GroupDailyStat.day < day, GroupDailyStat.members.is_not(None))
        .order_by(GroupDailyStat.day.desc()).limit(1)).first()
    return (row[0], int(row[1] or 0)) if row is not None else None


def stats_between(session: Session, group_id: int, first: date, last: date) -> list[DayStat]:
    rows = session.scalars(select(GroupDailyStat).where(
        GroupDailyStat.group_id == group_id, GroupDailyStat.day >= first, GroupDailyStat.day <= last)
        .order_by(GroupDailyStat.day))
    return [_day_stat(row) for row in rows]


def _day_stat(row: GroupDailyStat) -> DayStat:
    return DayStat(row.day, **{key: getattr(row, key) for key in STAT_LABELS})


def delete_stat(session: Session, group_id: int, day: date) -> None:
    session.execute(delete(GroupDailyStat).where(GroupDailyStat.group_id == group_id, GroupDailyStat.day == day))
    session.commit()


# ---- metrics -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Metrics:
    """The eight metrics of a period; None where the denominator is 0 or unknown."""

    join_rate: float | None = None
    leave_rate: float | None = None
    interaction_rate: float | None = None
    messages_per_member: float | None = None
    retention_rate: float | None = None
    conversion_rate: float | None = None
    avg_order_value: float | None = None  # yuan
    roi: float | None = None

    def as_dict(self) -> dict[str, float | None]:
        return asdict(self)


@dataclass(frozen=True)
class Totals:
    """A period's sums: what the metrics are computed from (also shown in the table)."""

    days: int = 0
    joined: int = 0
    left: int = 0
    exposures: int = 0
    messages: int = 0
    active_speakers: int = 0
    buyers: int = 0
    orders: int = 0
    revenue_cents: int = 0
    cost_cents: int = 0
    end_members: int | None = None  # M_end
    member_days: int = 0
    speakers_on_member_days: int = 0
    messages_on_member_days: int = 0

    @property
    def ever_members(self) -> int | None:
        """M_ever = M_end + the period's 退群."""
        return None if self.end_members is None else self.end_members + self.left


def totals_of(stats: Sequence[DayStat]) -> Totals:
    """Pure: the sums of a period's days (in any order)."""
    ordered = sorted(stats, key=lambda s: s.day)
    sums = {key: sum(getattr(s, key) for s in ordered) for key in STAT_LABELS if key != "members"}
    counted = [s for s in ordered if s.members is not None]
    return Totals(
        days=len(ordered), **sums, end_members=counted[-1].members if counted else None,
        member_days=sum(s.members or 0 for s in counted),
        speakers_on_member_days=sum(s.active_speakers for s in counted),
        messages_on_member_days=sum(s.messages for s in counted),
    )


def ratio(numerator: float, denominator: float | None) -> float | None:
    """numerator / denominator, or None when the denominator is 0 or unknown."""
    return None if not denominator else numerator / denominator


def metrics_of(totals: Totals) -> Metrics:
    """Pure: the seed's formulas (see the module docstring)."""
    ever = totals.ever_members
    revenue = totals.revenue_cents / 100
    return Metrics(
        join_rate=ratio(totals.joined, totals.exposures),
        leave_rate=ratio(totals.left, ever),
        interaction_rate=ratio(totals.speakers_on_member_days, totals.member_days),
        messages_per_member=ratio(totals.messages_on_member_days, totals.member_days),
        retention_rate=ratio(totals.end_members or 0, ever),
        conversion_rate=ratio(totals.buyers, ever),
        avg_order_value=ratio(revenue, totals.buyers),
        roi=ratio(totals.revenue_cents, totals.cost_cents),
    )


def group_metrics(session: Session, group_id: int, first: date, last: date) -> tuple[Totals, Metrics]:
    totals = totals_of(stats_between(session, group_id, first, last))
    return totals, metrics_of(totals)


def format_metric(key: str, value: float | None) -> str:
    """'—' for None; percentages, 元 or plain numbers otherwise."""
    if value is None:
        return "—"
    if key in PERCENT_METRICS:
        return f"{value * 100:.1f}%"
    if key == "avg_order_value":
        return f"¥{value:,.2f}".replace(".00", "")
    if key == "roi":
        return f"{value:.2f}"
    return f"{value:.2f}"


def daily_metrics(stats: Sequence[DayStat]) -> list[tuple[date, Metrics]]:
    """Pure: each day's metrics on its own (for the charts)."""
    return [(s.day, metrics_of(totals_of([s]))) for s in sorted(stats, key=lambda s: s.day)]


# ---- life stage and member mix ---------------------------------------------------------------------------

def life_stage(age_days: int, sold_recently: bool, referrer_share: float | None) -> str:
    """Pure: the seed's stage of a group (see the module docstring)."""
    if age_days < NEW_DAYS:
        return "初建期"
    if age_days < ACTIVATION_DAYS:
        return "激活期"
    if not sold_recently:
        return "留存期"
    if referrer_share is not None and referrer_share >= SPREAD_SHARE:
        return "传播期"
    return "变现期"


def group_stage(session: Session, group_id: int, as_of: date) -> str:
    """The stage of a group on `as_of` (usually the end of the period looked at)."""
    group = session.get(ChatGroup, group_id)
    if group is None:
        raise NotFoundError(t("这个群已被删除"))
    started = group.created_on or session.scalar(select(func.min(GroupDailyStat.day)).where(
        GroupDailyStat.group_id == group_id)) or group.created_at.date()
    window = as_of - timedelta(days=SALES_WINDOW_DAYS - 1)
    sold = session.scalar(select(func.coalesce(func.sum(GroupDailyStat.buyers + GroupDailyStat.revenue_cents), 0))
                          .where(GroupDailyStat.group_id == group_id, GroupDailyStat.day >= window,
                                 GroupDailyStat.day <= as_of)) or 0
    members = _current_members(group_id)
    total = int(session.scalar(select(func.count()).select_from(members.subquery())) or 0)
    referrers = int(session.scalar(select(func.count(func.distinct(Referral.referrer_id))).where(
        Referral.referrer_id.in_(members), Referral.deleted_at.is_(None))) or 0)
    return life_stage((as_of - started).days, bool(sold), ratio(referrers, total))


def _current_members(group_id: int) -> Any:
    return (select(GroupMember.customer_id).join(Customer, Customer.id == GroupMember.customer_id)
            .where(GroupMember.group_id == group_id, GroupMember.left_on.is_(None), Customer.deleted_at.is_(None)))


def member_mix(session: Session, group_id: int, today: date | None = None) -> dict[str, int]:
    """Current members by loyalty type: {忠实型, 羊毛型, 需求型, 低需求, 未归类: count}."""
    mix = dict.fromkeys(MIX_KEYS, 0)
    members = _current_members(group_id).subquery()
    if cached_cuts(session) is not None:
        kind: Any = Customer.loyalty_type
    else:  # layers never computed: the purchase-count stand-in
        stale = (today or date.today()) - timedelta(days=PROXY_NEED_DAYS)
        kind = case((Customer.purchase_count <= 1, "低需求"), (Customer.last_purchase_on < stale, "需求型"), else_="")
    for name, count in session.execute(select(kind, func.count()).where(Customer.id.in_(select(members)))
                                       .group_by(kind)):
        mix[name if name in mix else UNCLASSIFIED] += count
    return mix


# ---- all groups of a period -------------------------------------------------------------------------------

@dataclass(frozen=True)
class GroupReport:
    id: int
    name: str
    kind: str
    status: str
    account: str
    stage: str
    totals: Totals
    metrics: Metrics


def report_groups(session: Session, first: date, last: date, group_ids: Sequence[int] | None = None) -> list[GroupReport]:
    """Every group not in the trash (or these), by name: sums, metrics and stage of the period."""
    from models import WechatAccount

    if last < first:
        raise ValidationError({"to": t("结束日期 {last} 早于开始日期 {first}", last=last, first=first)})
    statement = (select(ChatGroup, WechatAccount.name).outerjoin(WechatAccount, WechatAccount.id == ChatGroup.account_id)
                 .where(ChatGroup.deleted_at.is_(None)).order_by(ChatGroup.status, ChatGroup.name, ChatGroup.id))
    if group_ids is not None:
        statement = statement.where(ChatGroup.id.in_(list(group_ids)))
    groups = session.execute(statement).all()
    stats: dict[int, list[DayStat]] = {}
    for row in session.scalars(select(GroupDailyStat).where(
            GroupDailyStat.group_id.in_([g.id for g, _ in groups]), GroupDailyStat.day >= first,
            GroupDailyStat.day <= last)):
        stats.setdefault(row.group_id, []).append(_day_stat(row))
    found = []
    for group, account in groups:
        totals = totals_of(stats.get(group.id, []))
        found.append(GroupReport(group.id, group.name, group.kind, group.status, account or "",
                                 group_stage(session, group.id, last), totals, metrics_of(totals)))
    return found


def stat_fields() -> list[str]:
    return [f.name for f in fields(DayStat) if f.name != "day"]

"""分层: RFM scores and segments, the four loyalty types, lifecycle stages — computed, never typed.

All of it is stored on the customer row (rfm_r/f/m, rfm_segment, loyalty_type, stage,
last_interaction_on) so that the list filters and sorts on it in SQL, and it is recomputed here
in a handful of UPDATE statements (no per-customer Python loop).

**RFM scores (1–5)**, over the live customers who bought at least once (the others get no score):
R from 最近购买 (last_purchase_on, more recent is better), F = purchase_count, M = 累计消费
(total_spent_cents). A customer scores

    1 + ⌊5 × (buyers with a strictly worse value) / (all buyers)⌋

so the scores are the quintiles of the store, and ties are equal: everyone with the same value
gets the score of the quintile where that value *starts*. With 10 different values each score goes
to exactly two of them; when 60 % bought once, all of them score F=1 and the twice-buyers score 4.
The rule is kept as four cut points per dimension (the smallest value reaching scores 2, 3, 4, 5);
a customer's score is 1 + the number of cut points at or below their value (`score`).

**Cut points are store-wide**, so they are cached in the setting "layers.rfm_cuts". A full
recompute (GUI start, imports, threshold changes, `recompute_layers(session)`) computes them anew;
a change to a few customers (a purchase recorded, a note deleted: `refresh_layers(session, ids)`,
called by services.timeline.refresh_aggregates) scores just those customers against the cached
cut points — milliseconds, no store-wide pass. A change touching many customers (≥ 1,000, or
≥ 5 % of the buyers) recomputes in full, and so does any change in a store of fewer than 2,000
buyers (there one purchase moves the quintiles, and a full pass is quick). The cached points
drift only until the next full pass, and only a little once the store has thousands of buyers.
The app runs `age_layers` at start: stages every time, the full pass once a day.

**RFM segments**: a score counts as high (高) when it is at least "RFM：评分达到多少算高"
(default 3, the middle quintile and up), low (低) otherwise:

    R高 F高 M高 重要价值    R低 F高 M高 重要唤回
    R高 F低 M高 重要深耕    R低 F低 M高 重要挽留
    R高 F高 M低 潜力        R高 F低 M低 新客
    R低 F高 M低 一般维持    R低 F低 M低 流失

Customers who never bought have no segment ("", counted as 未购买).

**Loyalty types** (seed 001 从0到1搭建私域社群SOP §六.5), the first that holds:

1. 低需求 — bought at most `low_need_max_purchases` times (default 1: once or never).
2. 忠实型 — bought in each of `loyal_months` consecutive calendar months (default 3) ending this
   month or last month (this month may still be under way), and referred at least
   `loyal_referred_buyers` customers who have bought (default 1; 0 waives it).
3. 羊毛型 — average ticket (累计消费 / 购买次数) below `bargain_ticket` 元 (default 100; the seed
   leaves the amount open: "平均客单价低于xx元"). The seed defines 羊毛型 by buying on discount;
   discounts are not recorded yet, so the average ticket stands in for it.
4. 需求型 — bought (more than the 低需求 count) but not within the last `need_days` days (default
   90, the seed's 3 months: "3个月内无复购").

Anyone else (say, two recent full-price purchases but not yet monthly) has no type ("", counted as
未归类): the seed's four types do not cover everyone and are not stretched to.

**Last interaction** (last_interaction_on) is the latest of a note's date, a purchase date and a
follow-up's done date; services.timeline keeps it with the other totals, and a full recompute
rebuilds it (notes imported from Excel, stores from before it existed).

Lifecycle stages are services.stages (their thresholds are settings of the same group).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, func, literal, null, or_, select, update
from sqlalchemy.orm import Session, aliased

from models import Customer, FollowUp, Note, Purchase, Referral
from services import settings_store
from services.errors import UserError, ValidationError
from services.i18n import t
from services.settings_store import Setting, declare
from services.sqlutil import chunks, update_all
from services.stages import LOST_DAYS_SETTING, SLEEPING_DAYS_SETTING, STAGE_SETTINGS

log = logging.getLogger("keben")

RFM_SEGMENTS = ("重要价值", "重要唤回", "重要深耕", "重要挽留", "潜力", "新客", "一般维持", "流失")
# (R high, F high, M high) → segment
SEGMENT_OF = {
    (True, True, True): "重要价值", (False, True, True): "重要唤回",
    (True, False, True): "重要深耕", (False, False, True): "重要挽留",
    (True, True, False): "潜力", (True, False, False): "新客",
    (False, True, False): "一般维持", (False, False, False): "流失",
}
LOYALTY_TYPES = ("忠实型", "羊毛型", "需求型", "低需求")
NO_PURCHASE = "未购买"  # counted in place of an RFM segment
NOT_COMPUTED = "未计算"  # bought, but no segment yet (a store not recomputed since it was upgraded)
UNCLASSIFIED = "未归类"  # none of the four loyalty types holds

SEGMENT_HINTS = {
    "重要价值": "最近买过、买得勤、花得多：重点维护，优先推荐新品和高客单",
    "重要唤回": "买得勤、花得多，但有一阵没买了：主动关怀，把TA唤回来",
    "重要深耕": "最近买过、花得多，但买得不勤：多互动，培养复购习惯",
    "重要挽留": "花得多，但买得少、很久没买：重点挽留，问问原因",
    "潜力": "最近买过、买得勤，但花得不多：推荐组合装，提升客单价",
    "新客": "最近刚买、买得少、花得少：做好首单服务，引导第二单",
    "一般维持": "买得勤但花得少，有一阵没买了：日常维护即可",
    "流失": "很久没买、买得少、花得少：低成本唤醒，不必投入太多",
}
LOYALTY_HINTS = {
    "忠实型": "每月都买，还推荐朋友来买：推荐高客单单品，提供更周到的服务",
    "羊毛型": "因为价格实惠才买，平均客单价低：推组合优惠提升客单价，或邀请好友砍价",
    "需求型": "买过不止一次，但最近3个月没有复购：按需提醒，给回来的理由",
    "低需求": "只买过一次或从未购买：先建立信任，不必频繁打扰",
}

RFM_HIGH = declare(
    "rfm.high_score", int, 3, "RFM：评分达到多少算“高”", unit="分", minimum=2, maximum=5,
    help="R、F、M 各按全店客户分成 1–5 分（五等分）；达到这个分数算“高”，否则算“低”", group="layers")
LOYAL_MONTHS = declare(
    "loyalty.loyal_months", int, 3, "忠实型：连续几个月每月都有购买", unit="个月", minimum=1, maximum=24,
    help="到本月或上个月为止，连续这么多个自然月每月都买过", group="layers")
LOYAL_REFERRED = declare(
    "loyalty.loyal_referred_buyers", int, 1, "忠实型：至少推荐了几位买过的朋友", unit="位", minimum=0,
    maximum=1000, help="被TA介绍来、并且买过东西的客户数；填 0 表示不要求", group="layers")
BARGAIN_TICKET = declare(
    "loyalty.bargain_ticket_yuan", int, 100, "羊毛型：平均客单价低于", unit="元", minimum=1,
    maximum=10_000_000, help="暂未记录折扣信息，先按平均客单价（累计消费 ÷ 购买次数）判断", group="layers")
NEED_DAYS = declare(
    "loyalty.need_days", int, 90, "需求型：多少天内没有复购", unit="天", minimum=1, maximum=3650,
    help="买过不止一次，但这么多天内没有再买", group="layers")
LOW_NEED_PURCHASES = declare(
    "loyalty.low_need_max_purchases", int, 1, "低需求：购买次数不超过", unit="次", minimum=0, maximum=100,
    help="只买过这么多次（或从未购买）的客户", group="layers")
RFM_CUTS = declare("layers.rfm_cuts", dict, {}, "RFM 分位切点（自动计算）")  # internal: see RfmCuts

LOYALTY_SETTINGS = (LOYAL_MONTHS, LOYAL_REFERRED, BARGAIN_TICKET, NEED_DAYS, LOW_NEED_PURCHASES)
FULL_MIN = 1000  # a change to at least this many customers (or 5 % of the buyers) recomputes in full
SMALL_STORE = 2000  # below this many buyers every change recomputes in full (a few milliseconds)

Progress = Callable[[int, int], None]


# ---- thresholds ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class LayerThresholds:
    rfm_high: int = 3
    loyal_months: int = 3
    loyal_referred_buyers: int = 1
    bargain_ticket_cents: int = 100_00
    need_days: int = 90
    low_need_max_purchases: int = 1


def layer_thresholds(session: Session) -> LayerThresholds:
    v = settings_store.get_many(session, (RFM_HIGH, *LOYALTY_SETTINGS))
    return LayerThresholds(
        rfm_high=v[RFM_HIGH.key], loyal_months=v[LOYAL_MONTHS.key], loyal_referred_buyers=v[LOYAL_REFERRED.key],
        bargain_ticket_cents=v[BARGAIN_TICKET.key] * 100, need_days=v[NEED_DAYS.key],
        low_need_max_purchases=v[LOW_NEED_PURCHASES.key])


def layer_settings() -> list[Setting[Any]]:
    """The thresholds 设置 → 分层 shows: the stages' (services.stages), then loyalty and RFM."""
    return settings_store.declared("layers")


def save_layer_settings(session: Session, values: Mapping[Setting[Any], object]) -> None:
    """Save thresholds (each checked, and 流失 after 沉睡); commits. Recompute afterwards."""
    merged = {**settings_store.get_many(session, STAGE_SETTINGS), **{s.key: v for s, v in values.items()}}
    sleeping, lost = merged[SLEEPING_DAYS_SETTING.key], merged[LOST_DAYS_SETTING.key]
    if isinstance(sleeping, int) and isinstance(lost, int) and lost <= sleeping:
        raise ValidationError({LOST_DAYS_SETTING.key: t("流失的天数（{lost}）要比沉睡的天数（{sleeping}）多",
                                                        lost=lost, sleeping=sleeping)})
    settings_store.save(session, values)


# ---- RFM cut points --------------------------------------------------------------------------------

@dataclass(frozen=True)
class RfmCuts:
    """Per dimension, the smallest value scoring 2, 3, 4, 5 (fewer when a score is never reached)."""

    recency: tuple[date, ...] = ()
    frequency: tuple[int, ...] = ()
    monetary: tuple[int, ...] = ()
    buyers: int = 0
    computed_at: str = ""  # ISO time of the full recompute that made them
    as_of: str = ""  # the day that pass computed the layers for (its `today`)

    def to_json(self) -> dict[str, Any]:
        return {"r": [d.isoformat() for d in self.recency], "f": list(self.frequency), "m": list(self.monetary),
                "buyers": self.buyers, "computed_at": self.computed_at, "as_of": self.as_of}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RfmCuts | None:
        try:
            return cls(tuple(date.fromisoformat(d) for d in data["r"]), tuple(int(v) for v in data["f"]),
                       tuple(int(v) for v in data["m"]), int(data["buyers"]), str(data.get("computed_at", "")),
                       str(data.get("as_of", "")))
        except (KeyError, TypeError, ValueError):
            return None


def cut_points(groups: Iterable[tuple[Any, int]], total: int) -> tuple[Any, ...]:
    """Cut points from (value, how many buyers have it), worst value first (see the module doc)."""
    cuts: list[Any] = []
    below = 0
    for value, count in groups:
        reached = 1 + 5 * below // total
        cuts.extend([value] * (reached - 1 - len(cuts)))
        below += count
    return tuple(cuts)


def score(value: Any, cuts: Sequence[Any]) -> int:
    """The 1–5 score of `value`: 1 + the number of cut points at or below it."""
    return 1 + sum(1 for cut in cuts if cut <= value)


def segment_for(r: int | None, f: int | None, m: int | None, high: int = 3) -> str:
    if r is None or f is None or m is None:
        return ""
    return SEGMENT_OF[(r >= high, f >= high, m >= high)]


def compute_cuts(session: Session, today: date | None = None) -> RfmCuts:
    """The store's cut points now (three GROUP BY queries over the buyers)."""
    as_of = (today or date.today()).isoformat()
    buyers = (Customer.deleted_at.is_(None), Customer.purchase_count > 0)
    columns = (Customer.last_purchase_on, Customer.purchase_count, Customer.total_spent_cents)
    groups = [session.execute(select(c, func.count()).where(*buyers).group_by(c).order_by(c)).all()
              for c in columns]
    total = sum(n for _v, n in groups[1])
    if not total:
        return RfmCuts(computed_at=_now(), as_of=as_of)
    return RfmCuts(cut_points(groups[0], total), cut_points(groups[1], total), cut_points(groups[2], total),
                   total, _now(), as_of)


def cached_cuts(session: Session) -> RfmCuts | None:
    return RfmCuts.from_json(settings_store.get(session, RFM_CUTS))


# ---- recomputing -----------------------------------------------------------------------------------

@dataclass
class LayerResult:
    full: bool  # cut points recomputed and every customer scored
    customers: int  # how many customers were recomputed (all live ones when full)
    changed: int  # row updates that changed a value (a customer can count in more than one step)
    cuts: RfmCuts = field(default_factory=RfmCuts)


def recompute_layers(session: Session, customer_ids: list[int] | None = None,
                     progress: Progress | None = None, cancel: Callable[[], bool] | None = None,
                     today: date | None = None) -> LayerResult:
    """Recompute 最近互动, RFM, segments, loyalty types and stages, then commit.

    All customers when `customer_ids` is None (or when the ids are many); else just those customers
    (and their referrers) against the cached cut points. `progress(done, total)` is called between
    the steps; when `cancel()` turns true the work is rolled back and UserError raised.
    """
    from services.timeline import refresh_stages

    today = today or date.today()
    steps = 5
    try:
        _step(progress, cancel, 0, steps)
        ids = _expand(session, customer_ids)
        changed = _refresh_interaction(session, ids)
        _step(progress, cancel, 1, steps)
        cuts, full = _cuts_for(session, ids, today)
        _step(progress, cancel, 2, steps)
        changed += _refresh_scores(session, None if full else ids, cuts)
        _step(progress, cancel, 3, steps)
        changed += _refresh_types(session, None if full else ids, layer_thresholds(session), today)
        _step(progress, cancel, 4, steps)
        changed += refresh_stages(session, None if full else ids, today)
        _step(progress, cancel, 5, steps)
        count = _live_count(session) if full else len(ids or ())
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return LayerResult(full, count, changed, cuts)


def age_layers(session: Session, today: date | None = None) -> int:
    """What the app runs at start, off the GUI thread: bring stages and layers up to date with the
    calendar. Stages every time (one cheap pass); the full layer pass (recency, 需求型, 忠实型,
    fresh cut points, 最近互动) once a day — when the cut points were not computed today. Commits;
    returns the number of changed row updates."""
    from services.timeline import refresh_stages

    today = today or date.today()
    cuts = cached_cuts(session)
    if cuts is None or cuts.as_of != today.isoformat():
        return recompute_layers(session, today=today).changed
    changed = refresh_stages(session, None, today)
    session.commit()
    return changed


def refresh_layers(session: Session, customer_ids: list[int] | None = None, today: date | None = None) -> int:
    """RFM scores, segments and loyalty types of these customers (all when None); no commit.

    What services.timeline.refresh_aggregates calls after the totals changed; the stage and the last
    interaction are its own. Returns the number of changed row updates.
    """
    today = today or date.today()
    ids = _expand(session, customer_ids)
    cuts, full = _cuts_for(session, ids, today)
    changed = _refresh_scores(session, None if full else ids, cuts)
    return changed + _refresh_types(session, None if full else ids, layer_thresholds(session), today)


def last_interaction_sql(dialect: str, purchase_day: Any = None) -> Any:
    """最近互动 of the customer row being updated: the latest of a live note's date, `purchase_day`
    (by default the stored last_purchase_on) and a live follow-up's done date."""
    note_at = select(func.max(Note.noted_at)).where(
        Note.customer_id == Customer.id, Note.deleted_at.is_(None)).scalar_subquery()
    done_at = select(func.max(FollowUp.done_at)).where(
        FollowUp.customer_id == Customer.id, FollowUp.deleted_at.is_(None)).scalar_subquery()
    purchase = Customer.last_purchase_on if purchase_day is None else purchase_day
    days = (purchase, _day(dialect, note_at), _day(dialect, done_at))
    if dialect == "sqlite":  # SQLite's max(a, b, c) is NULL when any is: coalesce each first
        return func.max(*(func.coalesce(days[i], days[(i + 1) % 3], days[(i + 2) % 3]) for i in range(3)))
    return func.greatest(*days)  # PostgreSQL's greatest() skips NULLs


def _step(progress: Progress | None, cancel: Callable[[], bool] | None, done: int, total: int) -> None:
    if cancel is not None and cancel():
        raise UserError(t("已取消重新计算分层"))
    if progress is not None:
        progress(done, total)


def _expand(session: Session, customer_ids: list[int] | None) -> list[int] | None:
    """The customers plus their referrers (whose 忠实型 depends on whether they bought)."""
    if customer_ids is None:
        return None
    found = set(customer_ids)
    for chunk in chunks(list(found)):
        found.update(session.scalars(select(Referral.referrer_id).where(
            Referral.referee_id.in_(chunk), Referral.deleted_at.is_(None))))
    return sorted(found)


def _cuts_for(session: Session, ids: list[int] | None, today: date) -> tuple[RfmCuts, bool]:
    """(cut points, full): fresh ones for a full pass, else the cached ones (made when missing)."""
    cached = None if ids is None else cached_cuts(session)
    if cached is not None and not _many(ids, cached):
        return cached, False
    cuts = compute_cuts(session, today)
    settings_store.put(session, RFM_CUTS, cuts.to_json())
    return cuts, _many(ids, cuts)  # no cache yet and few ids: score just these, against the fresh cuts


def _many(ids: list[int] | None, cuts: RfmCuts) -> bool:
    """Whether to score everyone afresh: always in a small store (where one purchase moves the
    quantiles and a full pass takes milliseconds), else when the change touches many customers."""
    return ids is None or cuts.buyers < SMALL_STORE or len(ids) >= max(FULL_MIN, cuts.buyers // 20)


def _where_ids(statement: Any, ids: list[int] | None) -> list[Any]:
    return [statement] if ids is None else [statement.where(Customer.id.in_(chunk)) for chunk in chunks(ids)]


def _run(session: Session, statement: Any, ids: list[int] | None) -> int:
    changed = 0
    for each in _where_ids(statement, ids):
        changed += update_all(session, each, Customer, everyone=ids is None)
    return changed


def _refresh_interaction(session: Session, ids: list[int] | None) -> int:
    value = last_interaction_sql(session.get_bind().dialect.name)
    statement = update(Customer).values(last_interaction_on=value, updated_at=Customer.updated_at)
    return _run(session, statement.where(Customer.last_interaction_on.is_distinct_from(value)), ids)


def _score_sql(column: Any, cuts: Sequence[Any]) -> Any:
    if not cuts:
        return literal(1)
    return case(*[(column >= cut, literal(s)) for s, cut in reversed(list(enumerate(cuts, 2)))], else_=literal(1))


def _refresh_scores(session: Session, ids: list[int] | None, cuts: RfmCuts) -> int:
    bought = Customer.purchase_count > 0
    new = {
        "rfm_r": case((bought, _score_sql(Customer.last_purchase_on, cuts.recency)), else_=null()),
        "rfm_f": case((bought, _score_sql(Customer.purchase_count, cuts.frequency)), else_=null()),
        "rfm_m": case((bought, _score_sql(Customer.total_spent_cents, cuts.monetary)), else_=null()),
    }
    differs = or_(*(getattr(Customer, key).is_distinct_from(value) for key, value in new.items()))
    statement = update(Customer).values(**new, updated_at=Customer.updated_at).where(differs)
    return _run(session, statement, ids)


def _segment_sql(high: int) -> Any:
    code = (case((Customer.rfm_r >= high, 4), else_=0) + case((Customer.rfm_f >= high, 2), else_=0)
            + case((Customer.rfm_m >= high, 1), else_=0))
    named = case(*[(code == r * 4 + f * 2 + m, literal(name)) for (r, f, m), name in SEGMENT_OF.items()],
                 else_=literal(""))
    return case((or_(Customer.rfm_r.is_(None), Customer.rfm_f.is_(None), Customer.rfm_m.is_(None)), literal("")),
                else_=named)


def _month_start(today: date, back: int) -> date:
    index = today.year * 12 + today.month - 1 - back
    return date(index // 12, index % 12 + 1, 1)


def monthly_buyers(today: date, months: int, ids: list[int] | None = None) -> Any:
    """Customers who bought in each of `months` consecutive calendar months ending this month or last."""
    starts = [_month_start(today, k) for k in range(months + 1)]  # this month first
    ends = [_month_start(today, -1), *starts[:-1]]
    p = Purchase
    bought_in = [func.max(case((and_(p.purchased_on >= starts[k], p.purchased_on < ends[k]), 1), else_=0))
                 for k in range(months + 1)]
    statement = select(p.customer_id).where(p.deleted_at.is_(None), p.purchased_on >= starts[-1],
                                            p.purchased_on < ends[0])
    if ids is not None:
        statement = statement.where(p.customer_id.in_(ids))
    return statement.group_by(p.customer_id).having(or_(
        and_(*(bought_in[k] == 1 for k in range(months))), and_(*(bought_in[k] == 1 for k in range(1, months + 1)))))


def referrers_of_buyers(minimum: int, ids: list[int] | None = None) -> Any:
    """Customers who referred at least `minimum` live customers who have bought."""
    referee = aliased(Customer)
    statement = (select(Referral.referrer_id).join(referee, referee.id == Referral.referee_id)
                 .where(Referral.deleted_at.is_(None), referee.deleted_at.is_(None), referee.purchase_count > 0))
    if ids is not None:
        statement = statement.where(Referral.referrer_id.in_(ids))
    return statement.group_by(Referral.referrer_id).having(func.count() >= minimum)


def _loyalty_sql(th: LayerThresholds, today: date, ids: list[int] | None) -> Any:
    c = Customer
    loyal: Any = c.id.in_(monthly_buyers(today, th.loyal_months, ids))
    if th.loyal_referred_buyers > 0:
        loyal = and_(loyal, c.id.in_(referrers_of_buyers(th.loyal_referred_buyers, ids)))
    return case(
        (c.purchase_count <= th.low_need_max_purchases, literal("低需求")),
        (loyal, literal("忠实型")),
        (c.total_spent_cents < c.purchase_count * th.bargain_ticket_cents, literal("羊毛型")),
        (c.last_purchase_on < today - timedelta(days=th.need_days), literal("需求型")),
        else_=literal(""),
    )


def _refresh_types(session: Session, ids: list[int] | None, th: LayerThresholds, today: date) -> int:
    changed = 0
    for chunk in [None] if ids is None else chunks(ids):
        segment, loyalty = _segment_sql(th.rfm_high), _loyalty_sql(th, today, chunk)
        statement = update(Customer).values(rfm_segment=segment, loyalty_type=loyalty, updated_at=Customer.updated_at)
        statement = statement.where(or_(Customer.rfm_segment != segment, Customer.loyalty_type != loyalty))
        if chunk is not None:
            statement = statement.where(Customer.id.in_(chunk))
        changed += update_all(session, statement, Customer, everyone=chunk is None)
    return changed


def _day(dialect: str, value: Any) -> Any:
    """A DateTime expression as a date ('YYYY-MM-DD' on SQLite, where dates are text)."""
    if dialect == "sqlite":
        return func.date(value)
    from sqlalchemy import Date, cast

    return cast(value, Date)


def _live_count(session: Session) -> int:
    return int(session.scalar(select(func.count()).where(Customer.deleted_at.is_(None))) or 0)


def _now() -> str:
    return datetime.now().replace(microsecond=0).isoformat(sep=" ")


def layer_condition(rfm_segment: str = "", loyalty_type: str = "") -> Any:
    """The customer list's 分层 filter: one segment (or 未购买) and/or one type (or 未归类)."""
    conditions = []
    if rfm_segment == NO_PURCHASE:
        conditions.append(Customer.purchase_count == 0)
    elif rfm_segment:
        conditions.append(Customer.rfm_segment == rfm_segment)
    if loyalty_type == UNCLASSIFIED:
        conditions.append(Customer.loyalty_type == "")
    elif loyalty_type:
        conditions.append(Customer.loyalty_type == loyalty_type)
    return and_(*conditions)


def fill_demo_layers(session: Session, _options: object) -> dict[str, int]:
    """The demo's last step (services.demo.PAGE_FILLERS): layers over everything the demo added."""
    recompute_layers(session)
    return {}

"""今天: one list of what to do on a chosen day, grouped and counted.

    逾期跟进   open follow-ups due before the day
    今日跟进   open follow-ups due on the day
    客户SOP    journey reminders due (services.journeys), kept `today.keep_overdue_days` days when not done
    生日       birthdays from the day through the next 7 days, 公历 and 农历 (services.birthday_dates)
    该复购了   repurchases due by product cycle (services.repurchase), kept like journey reminders
    会员升级   customers who reached a higher member tier (services.tiers), until done
    节日关怀   chosen clients before a chosen festival (services.care_reminders), one per client
    给TA点赞   chosen clients to like or comment on in WeChat Moments, weekly, one per client
    朋友圈     Moments posts planned for the day (services.moments, when present)
    社群任务   group SOP tasks of the day (services.sop, when present)

Every item can be marked done with a result — a follow-up is completed (services.timeline); any
other customer item gets a note on the customer's timeline — optionally planning the next
follow-up, and can be snoozed to a later date: a follow-up moves its own due date; a computed
item (journey, birthday, repurchase) keeps its done / snoozed state in ReminderState under the
item's key, so it stays hidden until that date and then comes back (for the same number of
`keep_overdue_days`).
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import Customer, FollowUp, ReminderState
from services import settings_store
from services import timeline as timeline_service
from services.birthday import LUNAR_DAYS, LUNAR_MONTHS, Birthday
from services.birthday_dates import BirthdayOn, birthdays_between
from services.errors import UserError, ValidationError
from services.i18n import t
from services.journeys import KEEP_DAYS, JourneyDue, RuleInfo, journeys_due, list_rules, rule_due
from services.repurchase import (
    CycleInfo,
    RepurchaseDue,
    cycle_due,
    list_cycles,
    product_cycle_days,
    product_due,
    repurchases_due,
)
from services.today_extra import group_task_items, post_items, tier_up_items

KINDS = ("follow_up", "journey", "birthday", "repurchase", "tier_up", "care", "like", "post", "group_task")
BIRTHDAY_DAYS = 7  # birthdays from the day through this many days later
# (group key, title) in the order the list shows them.
GROUPS = (
    ("overdue", "逾期跟进"), ("follow_up", "今日跟进"), ("journey", "客户SOP"), ("birthday", "近 7 天生日"),
    ("repurchase", "该复购了"), ("tier_up", "会员升级"), ("care", "节日关怀"), ("like", "给TA点赞"), ("post", "朋友圈"),
    ("group_task", "社群任务"),
)
COMPUTED = ("journey", "birthday", "repurchase", "tier_up", "care", "like")  # kinds whose state lives in ReminderState


@dataclass(slots=True)  # not frozen: made by the 10,000 at 100,000 customers, and frozen costs 7× more
class TodayItem:
    kind: str  # one of KINDS
    key: str  # "follow_up:12", "journey:3:1234:2026-11-16", "birthday:1234:2026-11-28" …
    title: str
    due: date
    customer_id: int | None = None
    customer_name: str | None = None
    detail: str = ""  # a second line: why, since when
    overdue: bool = False
    snoozed: bool = False  # back after a snooze
    script_id: int | None = None
    script_category: str = ""  # the 话术库 category to pick a script from
    record_id: int | None = None  # the follow-up, post or group task behind the item
    group: str = ""  # one of the GROUPS keys
    text: str = ""  # ready text to copy for items without a customer (a post's text, a group task's)

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "customer": self.customer_name, "title": self.title,
                "due": self.due.isoformat(), "customer_id": self.customer_id, "detail": self.detail,
                "overdue": self.overdue, "key": self.key}


@dataclass(frozen=True)
class TodayGroup:
    key: str
    title: str
    items: tuple[TodayItem, ...]


@dataclass(frozen=True)
class TodayList:
    day: date
    groups: tuple[TodayGroup, ...] = field(default_factory=tuple)

    @property
    def items(self) -> list[TodayItem]:
        return [item for group in self.groups for item in group.items]

    def count(self, group: str | None = None) -> int:
        return sum(len(g.items) for g in self.groups if group is None or g.key == group)

    def to_json(self) -> dict[str, Any]:
        return {"date": self.day.isoformat(), "items": [i.to_json() for i in self.items],
                "counts": {g.key: len(g.items) for g in self.groups}}


# ---- the list ------------------------------------------------------------------------------------

def today_list(session: Session, day: date) -> TodayList:
    """Everything to do on `day`, grouped (empty groups left out)."""
    keep = settings_store.get(session, KEEP_DAYS)
    rules = {rule.id: rule for rule in list_rules(session, enabled_only=True)}
    cycles = {cycle.id: cycle for cycle in list_cycles(session)}
    computed: list[TodayItem] = []
    whens = {rule.id: rule.when() for rule in rules.values()}
    for rule, due in journeys_due(session, day - timedelta(days=keep), day, list(rules.values())):
        computed.append(_journey_item(rule, due, day, whens[rule.id]))
    for birthday in birthdays_between(session, day, day + timedelta(days=BIRTHDAY_DAYS)):
        computed.append(_birthday_item(birthday, day))
    for repurchase in repurchases_due(session, day - timedelta(days=keep), day, list(cycles.values())):
        computed.append(_repurchase_item(repurchase, day))
    computed += tier_up_items(session, day)
    from services.care_reminders import care_items  # 节日关怀, 给TA点赞

    computed += care_items(session, day)
    computed = _apply_states(session, computed, day, keep, rules, cycles)
    by_group: dict[str, list[TodayItem]] = defaultdict(list)
    for item in [*_follow_up_items(session, day), *computed, *post_items(session, day),
                 *group_task_items(session, day)]:
        by_group[item.group or item.kind].append(item)
    return TodayList(day, tuple(TodayGroup(key, t(title), tuple(by_group[key])) for key, title in GROUPS
                                if by_group.get(key)))


def _follow_up_items(session: Session, day: date) -> list[TodayItem]:
    rows = session.connection().execute(  # Core rows: quicker than ORM rows at 10,000s
        select(FollowUp.id, FollowUp.customer_id, Customer.remark_name, FollowUp.due_on, FollowUp.reason)
        .join(Customer, Customer.id == FollowUp.customer_id)
        .where(FollowUp.done_at.is_(None), FollowUp.deleted_at.is_(None), Customer.deleted_at.is_(None),
               FollowUp.due_on <= day)
        .order_by(FollowUp.due_on, FollowUp.id))
    items = []
    for fid, cid, name, due, reason in rows:
        late = (day - due).days
        items.append(TodayItem(
            "follow_up", f"follow_up:{fid}", reason, due, cid, name,
            detail=t("逾期 {n} 天", n=late) if late else t("今天"),
            overdue=late > 0, script_category="回访", record_id=fid, group="overdue" if late else "follow_up"))
    return items


def _journey_item(rule: RuleInfo, due: JourneyDue, day: date, when: str = "") -> TodayItem:
    return TodayItem("journey", due.key, rule.name, due.due, due.customer_id, due.customer_name,
                     detail=f"{when or rule.when()}（{due.anchor.isoformat()}）",
                     overdue=due.due < day, script_id=rule.script_id, script_category=rule.script_category,
                     group="journey")


def birthday_text(birthday: Birthday) -> str:
    """农历八月十五 / 闰四月初三 / 11月28日."""
    if birthday.lunar:
        month = ("闰" if birthday.leap_month else "") + LUNAR_MONTHS[birthday.month - 1] + "月"
        return t("农历{month}{day}", month=month, day=LUNAR_DAYS[birthday.day - 1])
    return t("{m}月{d}日", m=birthday.month, d=birthday.day)


def _birthday_item(b: BirthdayOn, day: date) -> TodayItem:
    days = (b.on - day).days
    when = t("今天") if days == 0 else t("明天") if days == 1 else t("还有 {n} 天", n=days) if days > 0 \
        else t("已过 {n} 天", n=-days)
    title = t("生日（{birthday}）", birthday=birthday_text(b.birthday)) if b.birthday.lunar else t("生日")
    detail = f"{b.on.month}月{b.on.day}日 · {when}" + (t(" · 满 {age} 岁", age=b.age) if b.age else "")
    return TodayItem("birthday", f"birthday:{b.customer_id}:{b.on.isoformat()}", title, b.on, b.customer_id,
                     b.customer_name, detail=detail, overdue=days < 0, script_category="生日祝福", group="birthday")


def _repurchase_item(r: RepurchaseDue, day: date) -> TodayItem:
    title = t("该复购{category}了", category=r.category) if r.cycle_id > 0 else t("该复购了：{product}", product=r.category)
    return TodayItem("repurchase", r.key, title, r.due, r.customer_id,
                     r.customer_name,
                     detail=t("{date} 买了 {product}，周期 {days} 天", date=r.purchased_on.isoformat(),
                              product=r.product, days=r.days),
                     overdue=r.due < day, script_category="催复购", group="repurchase")


# ---- done / snoozed state of computed items -------------------------------------------------------

class _State(NamedTuple):
    done_at: datetime | None
    snoozed_until: date | None


def _states(session: Session, keys: list[str]) -> dict[str, _State]:
    """The done / snoozed state of these items. SQLite takes the 10,000s of keys of a large store as
    one JSON array (json_each) in one query, not a few dozen IN lists of 900."""
    columns = (ReminderState.key, ReminderState.done_at, ReminderState.snoozed_until)
    if session.get_bind().dialect.name == "sqlite":
        listed = func.json_each(json.dumps(keys)).table_valued("value")
        batches = [select(*columns).where(ReminderState.key.in_(select(listed.c.value)))]
    else:
        batches = [select(*columns).where(ReminderState.key.in_(keys[start:start + 900]))
                   for start in range(0, len(keys), 900)]
    return {key: _State(done, snoozed) for statement in batches
            for key, done, snoozed in session.connection().execute(statement)}


def _apply_states(session: Session, items: list[TodayItem], day: date, keep: int,
                  rules: dict[int, RuleInfo], cycles: dict[int, CycleInfo]) -> list[TodayItem]:
    """Drop done items and items snoozed past `day`; bring back items whose snooze ended lately."""
    states = _states(session, [i.key for i in items])
    shown = []
    for item in items:
        state = states.get(item.key)
        if state is None:
            shown.append(item)
        elif state.done_at is None and (state.snoozed_until is None or state.snoozed_until <= day):
            shown.append(replace(item, snoozed=state.snoozed_until is not None))
    present = {i.key for i in items}
    woken = session.scalars(select(ReminderState).where(
        ReminderState.done_at.is_(None), ReminderState.snoozed_until >= day - timedelta(days=keep),
        ReminderState.snoozed_until <= day)).all()
    shown.extend(_rebuild(session, [s.key for s in woken if s.key not in present], day, rules, cycles))
    return shown


def _rebuild(session: Session, keys: list[str], day: date, rules: dict[int, RuleInfo],
             cycles: dict[int, CycleInfo]) -> list[TodayItem]:
    """The items behind snoozed keys whose natural window has passed — if they still hold."""
    wanted: dict[tuple[str, int, date], list[int]] = defaultdict(list)
    for key in keys:
        parsed = parse_key(key)
        if parsed is not None:
            kind, owner, customer_id, anchor = parsed
            wanted[(kind, owner, anchor)].append(customer_id)
    items = []
    for (kind, owner, anchor), customer_ids in wanted.items():
        if kind == "journey" and owner in rules:
            rule = rules[owner]
            due = anchor + timedelta(days=rule.offset_days)
            items += [_journey_item(rule, d, day) for d in rule_due(session, rule, due, due, customer_ids)
                      if d.anchor == anchor]
        elif kind == "birthday":
            items += [_birthday_item(b, day) for b in birthdays_between(session, anchor, anchor,
                                                                          customer_ids=customer_ids)]
        elif kind == "repurchase" and owner in cycles:
            cycle = cycles[owner]
            due = anchor + timedelta(days=cycle.days)
            items += [_repurchase_item(r, day) for r in cycle_due(session, cycle, due, due, customer_ids)
                      if r.purchased_on == anchor]
        elif kind == "repurchase" and owner < 0 and (days := product_cycle_days(session, -owner)):
            due = anchor + timedelta(days=days)
            items += [_repurchase_item(r, day) for r in product_due(session, due, due, customer_ids, [-owner])
                      if r.purchased_on == anchor]
    return [replace(item, snoozed=True) for item in items]


def parse_key(key: str) -> tuple[str, int, int, date] | None:
    """(kind, rule or cycle id (0 for birthdays), customer id, anchor date) of a computed item's key."""
    parts = key.split(":")
    try:
        if parts[0] in ("journey", "repurchase") and len(parts) == 4:
            return parts[0], int(parts[1]), int(parts[2]), date.fromisoformat(parts[3])
        if parts[0] == "birthday" and len(parts) == 3:
            return "birthday", 0, int(parts[1]), date.fromisoformat(parts[2])
    except ValueError:
        return None
    return None


def _state(session: Session, item: TodayItem) -> ReminderState:
    state = session.get(ReminderState, item.key)
    if state is None:
        state = ReminderState(key=item.key, customer_id=item.customer_id, result="")
        session.add(state)
    return state


# ---- done and snooze -----------------------------------------------------------------------------

def complete_item(session: Session, item: TodayItem, result: str = "", next_due: date | None = None,
                  next_reason: str = "") -> None:
    """Mark an item done with what came of it (logged on the customer's timeline); optionally plan the
    next follow-up. Commits."""
    result = result.strip()
    if next_due is not None and item.customer_id is None:
        raise UserError(t("这一项不属于某位客户，不能安排下次跟进"))
    if item.kind == "follow_up" and item.record_id is not None:
        timeline_service.complete_follow_up(session, item.record_id, result, next_due, next_reason)
        return
    if item.kind in ("post", "group_task"):
        from services.today_extra import complete_extra

        complete_extra(session, item, result)
        return
    if item.kind not in COMPUTED:
        raise UserError(t("不认识的提醒“{kind}”", kind=item.kind))
    state = _state(session, item)
    state.done_at = datetime.now().replace(microsecond=0)
    state.result = result
    state.snoozed_until = None
    if item.customer_id is not None:
        group = dict(GROUPS).get(item.group or item.kind, "")
        body = f"【{t(group)}】{item.title}：{result or t('已完成')}"
        timeline_service.save_note(session, item.customer_id, "其他", body)  # commits
        if next_due is not None:
            timeline_service.save_follow_up(session, item.customer_id, next_due, next_reason or item.title)
    session.commit()


def snooze_item(session: Session, item: TodayItem, until: date, day: date | None = None) -> None:
    """Hide the item until `until` (after `day`, today by default); commits."""
    day = day or date.today()
    if until <= day:
        raise ValidationError({"until": t("推迟到的日期要晚于 {day}", day=day.isoformat())})
    if item.kind == "follow_up" and item.record_id is not None:
        record = timeline_service.get_follow_up(session, item.record_id)
        timeline_service.save_follow_up(session, record.customer_id, until, record.reason, follow_up_id=record.id)
        return
    if item.kind in ("post", "group_task"):
        from services.today_extra import snooze_extra

        snooze_extra(session, item, until)
        return
    if item.kind not in COMPUTED:
        raise UserError(t("不认识的提醒“{kind}”", kind=item.kind))
    state = _state(session, item)
    state.snoozed_until = until
    state.done_at = None
    session.commit()


# ---- older helpers, still used by the customer page's summary -----------------------------------

@dataclass(frozen=True)
class DueFollowUp:
    id: int
    customer_id: int
    customer_name: str
    due_on: date
    reason: str

    def overdue(self, today: date) -> bool:
        return self.due_on < today


def due_follow_ups(session: Session, today: date, days_ahead: int = 0, limit: int = 500) -> list[DueFollowUp]:
    """Open follow-ups due up to `today + days_ahead` (overdue ones included), oldest first."""
    rows = session.execute(
        select(FollowUp.id, FollowUp.customer_id, Customer.remark_name, FollowUp.due_on, FollowUp.reason)
        .join(Customer, Customer.id == FollowUp.customer_id)
        .where(FollowUp.done_at.is_(None), FollowUp.deleted_at.is_(None), Customer.deleted_at.is_(None),
               FollowUp.due_on <= today + timedelta(days=days_ahead))
        .order_by(FollowUp.due_on, FollowUp.id).limit(limit)
    ).all()
    return [DueFollowUp(*row) for row in rows]


@dataclass(frozen=True)
class BookSummary:
    customers: int
    added_this_month: int
    overdue: int
    due_today: int


def book_summary(session: Session, today: date) -> BookSummary:
    live = Customer.deleted_at.is_(None)
    customers = session.scalar(select(func.count()).where(live)) or 0
    added = session.scalar(select(func.count()).where(live, Customer.added_on >= today.replace(day=1))) or 0
    open_due = select(func.count()).select_from(FollowUp).join(Customer, Customer.id == FollowUp.customer_id) \
        .where(live, FollowUp.done_at.is_(None), FollowUp.deleted_at.is_(None))
    overdue = session.scalar(open_due.where(FollowUp.due_on < today)) or 0
    due_today = session.scalar(open_due.where(FollowUp.due_on == today)) or 0
    return BookSummary(int(customers), int(added), int(overdue), int(due_today))


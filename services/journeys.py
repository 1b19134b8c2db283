"""客户SOP: journey rules that raise reminders from dates and events.

A rule says "N days after <trigger>, for customers matching <condition>, remind me, with <script>".
The defaults follow seed 001 私域运营精细化 §2.1 (用户旅程模型) and §1.5.3 (标准化SOP):

    T+0  欢迎        the day the customer was added (1v1 欢迎语, 建信任)
    T+7  回访        7 days after the first purchase (匹配推送1v1)
    T+21 复购提醒    21 days after the first purchase (领券复购)
    30 天未互动 唤醒  30 days after the last interaction (沉睡用户 → 唤醒消息)

They are written the first time rules are asked for (`ensure_defaults`) and are then the seller's
to edit, switch off or delete.

Triggers (what the offset counts from):

    added             the day the customer was added as a friend (添加日期)
    first_purchase    the first purchase
    any_purchase      the latest purchase (a newer purchase starts the count again)
    last_interaction  the last interaction: note, purchase or done follow-up (services.layers keeps
                      it on the customer); the day they were added when there was none
    birthday          this year's birthday (农历 too; a negative offset reminds before it)
    custom_date       a date custom field (e.g. 会员到期日)

A reminder is due on anchor + offset. Due reminders are found in SQL, one query per rule over
the customer table (the birthday trigger asks services.birthday_dates), so a day's list at
100,000 customers costs milliseconds. Each reminder has a stable key, "journey:<rule>:<customer>:
<anchor date>", under which services.today keeps its done / snoozed state (ReminderState).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, delete, func, intersect, select
from sqlalchemy.orm import Session

from models import Customer, CustomerTag, CustomField, CustomFieldValue, JourneyRule, Script, Tag
from models.journey import JOURNEY_TRIGGERS
from services import settings_store
from services.birthday_dates import birthdays_between, live_unindexed
from services.errors import NotFoundError, ValidationError
from services.i18n import t
from services.layers import LOYALTY_TYPES
from services.settings_store import declare
from services.sqlutil import chunks
from services.stages import STAGES

TRIGGER_LABELS = {
    "added": "添加好友", "first_purchase": "首次购买", "any_purchase": "最近一次购买",
    "last_interaction": "最近一次互动", "birthday": "生日", "custom_date": "日期字段",
}
MIN_OFFSET, MAX_OFFSET = -365, 3650
# (name, trigger, offset, script category) — seed 001 私域运营精细化 §2.1.
DEFAULT_RULES = (
    ("T+0 欢迎", "added", 0, "欢迎语"),
    ("T+7 回访", "first_purchase", 7, "回访"),
    ("T+21 复购提醒", "first_purchase", 21, "催复购"),
    ("30天未互动 唤醒", "last_interaction", 30, "唤醒"),
)

SEEDED = declare("journeys.defaults_seeded", bool, False, "客户SOP默认规则已写入")  # internal
KEEP_DAYS = declare(
    "today.keep_overdue_days", int, 7, "没处理的提醒保留几天", unit="天", minimum=0, maximum=90,
    help="客户SOP和复购提醒到期后没有完成，在“今天”里继续显示这么多天（标为逾期）", group="journeys")


@dataclass(frozen=True)
class Condition:
    """Which customers a rule applies to; empty parts do not restrict."""

    tags_all: tuple[int, ...] = ()
    tags_any: tuple[int, ...] = ()
    tags_none: tuple[int, ...] = ()
    stages: tuple[str, ...] = ()
    loyalty_types: tuple[str, ...] = ()

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> Condition:
        """Read the stored JSON, ignoring anything malformed (a hand-edited row never breaks Today)."""
        data = data if isinstance(data, Mapping) else {}

        def ints(key: str) -> tuple[int, ...]:
            value = data.get(key)
            return tuple(v for v in value if isinstance(v, int)) if isinstance(value, list) else ()

        def words(key: str, allowed: tuple[str, ...]) -> tuple[str, ...]:
            value = data.get(key)
            return tuple(v for v in value if v in allowed) if isinstance(value, list) else ()

        return cls(ints("tags_all"), ints("tags_any"), ints("tags_none"), words("stages", STAGES),
                   words("loyalty_types", LOYALTY_TYPES))

    def to_json(self) -> dict[str, object]:
        return {key: list(value) for key, value in (
            ("tags_all", self.tags_all), ("tags_any", self.tags_any), ("tags_none", self.tags_none),
            ("stages", self.stages), ("loyalty_types", self.loyalty_types)) if value}

    @property
    def is_empty(self) -> bool:
        return self == Condition()

    def sql(self) -> list[ColumnElement[bool]]:
        """The condition as WHERE clauses on Customer."""
        def having(tag_ids: tuple[int, ...]) -> Any:
            return select(CustomerTag.customer_id).where(CustomerTag.tag_id.in_(tag_ids))

        clauses: list[ColumnElement[bool]] = []
        all_of = tuple(dict.fromkeys(self.tags_all))
        if all_of:
            clauses.append(Customer.id.in_(intersect(*(having((tag_id,)) for tag_id in all_of))
                                           if len(all_of) > 1 else having(all_of)))
        if self.tags_any:
            clauses.append(Customer.id.in_(having(self.tags_any)))
        if self.tags_none:
            clauses.append(Customer.id.not_in(having(self.tags_none)))
        if self.stages:
            stage = func.coalesce(func.nullif(Customer.stage_override, ""), Customer.stage)
            clauses.append(stage.in_(self.stages))
        if self.loyalty_types:
            clauses.append(Customer.loyalty_type.in_(self.loyalty_types))
        return clauses

    def describe(self, tag_names: Mapping[int, str]) -> str:
        """In words, for the rules list: 有标签 宝妈 · 没有标签 低 · 阶段 新客/已购."""
        def names(ids: tuple[int, ...]) -> str:
            return "、".join(tag_names.get(i, "?") for i in ids)

        parts = []
        if self.tags_all:
            parts.append(t("有全部标签 {tags}", tags=names(self.tags_all)))
        if self.tags_any:
            parts.append(t("有任一标签 {tags}", tags=names(self.tags_any)))
        if self.tags_none:
            parts.append(t("没有标签 {tags}", tags=names(self.tags_none)))
        if self.stages:
            parts.append(t("阶段 {stages}", stages="/".join(t(s) for s in self.stages)))
        if self.loyalty_types:
            parts.append(t("忠诚类型 {types}", types="/".join(t(s) for s in self.loyalty_types)))
        return " · ".join(parts) if parts else t("所有客户")


@dataclass(frozen=True)
class RuleInfo:
    id: int
    name: str
    trigger: str
    offset_days: int
    condition: Condition = field(default_factory=Condition)
    script_id: int | None = None
    script_title: str = ""
    enabled: bool = True
    custom_field_id: int | None = None
    custom_field_name: str = ""

    def when(self) -> str:
        """首次购买后第 7 天 / 添加好友当天 / 30 天没有互动 / 生日前 3 天."""
        return describe_when(self.trigger, self.offset_days, self.custom_field_name)

    @property
    def script_category(self) -> str:
        return default_script_category(self.trigger, self.offset_days)


@dataclass
class RuleInput:
    name: str
    trigger: str = "added"
    offset_days: int = 0
    condition: Condition = field(default_factory=Condition)
    script_id: int | None = None
    enabled: bool = True
    custom_field_id: int | None = None


def describe_when(trigger: str, offset: int, field_name: str = "") -> str:
    what = field_name if trigger == "custom_date" and field_name else t(TRIGGER_LABELS.get(trigger, trigger))
    if trigger == "last_interaction":
        return t("{n} 天没有互动", n=offset)
    if offset == 0:
        return t("{what}当天", what=what)
    if offset < 0:
        return t("{what}前 {n} 天", what=what, n=-offset)
    return t("{what}后第 {n} 天", what=what, n=offset)


def default_script_category(trigger: str, offset: int) -> str:
    """The 话术库 category a rule's reminder draws on when it names no script."""
    if trigger == "added":
        return "欢迎语"
    if trigger in ("first_purchase", "any_purchase"):
        return "催复购" if offset >= 14 else "回访"
    if trigger == "last_interaction":
        return "唤醒"
    if trigger == "birthday":
        return "生日祝福"
    return "其他"


# ---- rules ---------------------------------------------------------------------------------------

def ensure_defaults(session: Session) -> None:
    """Write the default rules and repurchase cycles once, the first time rules are used; commits.
    Rules the seller deleted afterwards stay deleted."""
    if settings_store.get(session, SEEDED):
        return
    if session.scalar(select(func.count()).select_from(JourneyRule)) == 0:
        for sort, (name, trigger, offset, category) in enumerate(DEFAULT_RULES):
            session.add(JourneyRule(name=name, trigger=trigger, offset_days=offset, condition={},
                                    script_id=first_script_id(session, category), enabled=True, sort=sort))
    from services.repurchase import seed_default_cycles

    seed_default_cycles(session)
    settings_store.put(session, SEEDED, True)
    session.commit()


def first_script_id(session: Session, category: str) -> int | None:
    """The oldest live script of a 话术库 category, if any."""
    return session.scalar(select(Script.id).where(Script.category == category, Script.deleted_at.is_(None))
                          .order_by(Script.id).limit(1))


@dataclass(frozen=True)
class ScriptChoice:
    id: int
    category: str
    title: str


def script_choices(session: Session) -> list[ScriptChoice]:
    """The live 话术库 scripts a rule can name, by category then title."""
    rows = session.execute(select(Script.id, Script.category, Script.title).where(Script.deleted_at.is_(None))
                           .order_by(Script.category, Script.title, Script.id))
    return [ScriptChoice(*row) for row in rows]


def list_rules(session: Session, *, enabled_only: bool = False) -> list[RuleInfo]:
    ensure_defaults(session)
    statement = select(JourneyRule, Script.title, Script.deleted_at, CustomField.name) \
        .outerjoin(Script, Script.id == JourneyRule.script_id) \
        .outerjoin(CustomField, CustomField.id == JourneyRule.custom_field_id) \
        .order_by(JourneyRule.sort, JourneyRule.id)
    if enabled_only:
        statement = statement.where(JourneyRule.enabled.is_(True))
    rules = []
    for rule, script_title, script_deleted, field_name in session.execute(statement):
        live_script = rule.script_id if script_title is not None and script_deleted is None else None
        rules.append(RuleInfo(rule.id, rule.name, rule.trigger, rule.offset_days,
                              Condition.from_json(rule.condition), live_script,
                              script_title or "" if live_script else "", rule.enabled,
                              rule.custom_field_id, field_name or ""))
    return rules


def get_rule(session: Session, rule_id: int) -> RuleInfo:
    found = next((r for r in list_rules(session) if r.id == rule_id), None)
    if found is None:
        raise NotFoundError(t("这条客户SOP规则已被删除"))
    return found


def validate_rule(session: Session, data: RuleInput) -> RuleInput:
    """A cleaned copy, or ValidationError naming each bad field."""
    errors: dict[str, str] = {}
    name = " ".join(data.name.split())
    if not name:
        errors["name"] = t("请给规则起个名字，如“T+7 回访”")
    elif len(name) > 50:
        errors["name"] = t("规则名称最多 50 个字")
    if data.trigger not in JOURNEY_TRIGGERS:
        errors["trigger"] = t("不认识的触发条件“{trigger}”", trigger=data.trigger)
    low = MIN_OFFSET if data.trigger in ("birthday", "custom_date") else 0
    if not low <= data.offset_days <= MAX_OFFSET:
        errors["offset_days"] = (t("天数应在 0 到 {max} 之间", max=MAX_OFFSET) if low == 0
                                 else t("天数应在 {min} 到 {max} 之间", min=MIN_OFFSET, max=MAX_OFFSET))
    if data.trigger == "last_interaction" and data.offset_days < 1:
        errors["offset_days"] = t("多少天没有互动：至少 1 天")
    field_id = data.custom_field_id if data.trigger == "custom_date" else None
    if data.trigger == "custom_date":
        kind = session.scalar(select(CustomField.kind).where(CustomField.id == field_id)) if field_id else None
        if kind != "date":
            errors["custom_field_id"] = t("请选择一个日期类型的自定义字段")
    if data.script_id is not None and session.scalar(
            select(Script.id).where(Script.id == data.script_id, Script.deleted_at.is_(None))) is None:
        errors["script_id"] = t("选的话术已被删除，请重新选择")
    cond = data.condition
    tag_ids = {*cond.tags_all, *cond.tags_any, *cond.tags_none}
    if tag_ids:
        known = set(session.scalars(select(Tag.id).where(Tag.id.in_(tag_ids))))
        if tag_ids - known:
            errors["condition"] = t("条件里有标签已被删除，请重新选择")
    if set(cond.tags_all) & set(cond.tags_none) or set(cond.tags_any) & set(cond.tags_none):
        errors["condition"] = t("同一个标签不能既要求“有”又要求“没有”")
    if errors:
        raise ValidationError(errors)
    return RuleInput(name, data.trigger, data.offset_days, cond, data.script_id, data.enabled, field_id)


def save_rule(session: Session, data: RuleInput, rule_id: int | None = None) -> int:
    """Add (rule_id None) or edit a rule; commits; returns its id."""
    clean = validate_rule(session, data)
    if rule_id is None:
        last = session.scalar(select(func.max(JourneyRule.sort))) or 0
        rule = JourneyRule(sort=last + 1)
        session.add(rule)
    else:
        rule = _rule(session, rule_id)
    rule.name, rule.trigger, rule.offset_days = clean.name, clean.trigger, clean.offset_days
    rule.condition, rule.script_id, rule.enabled = clean.condition.to_json(), clean.script_id, clean.enabled
    rule.custom_field_id = clean.custom_field_id
    session.commit()
    return rule.id


def set_rule_enabled(session: Session, rule_id: int, enabled: bool) -> None:
    _rule(session, rule_id).enabled = enabled
    session.commit()


def delete_rule(session: Session, rule_id: int) -> None:
    """Delete a rule (its reminders disappear from Today; what was done stays on the timelines)."""
    _rule(session, rule_id)
    session.execute(delete(JourneyRule).where(JourneyRule.id == rule_id))
    session.commit()


def restore_default_rules(session: Session) -> int:
    """Add back the default rules missing by name; commits; returns how many were added."""
    ensure_defaults(session)
    have = set(session.scalars(select(JourneyRule.name)))
    last = session.scalar(select(func.max(JourneyRule.sort))) or 0
    added = 0
    for name, trigger, offset, category in DEFAULT_RULES:
        if name not in have:
            added += 1
            session.add(JourneyRule(name=name, trigger=trigger, offset_days=offset, condition={},
                                    script_id=first_script_id(session, category), enabled=True,
                                    sort=last + added))
    session.commit()
    return added


def _rule(session: Session, rule_id: int) -> JourneyRule:
    rule = session.get(JourneyRule, rule_id)
    if rule is None:
        raise NotFoundError(t("这条客户SOP规则已被删除"))
    return rule


# ---- due reminders -------------------------------------------------------------------------------

@dataclass(frozen=True)
class JourneyDue:
    rule_id: int
    customer_id: int
    customer_name: str
    anchor: date  # the trigger's date
    due: date  # anchor + offset

    @property
    def key(self) -> str:
        return journey_key(self.rule_id, self.customer_id, self.anchor)


def journey_key(rule_id: int, customer_id: int, anchor: date) -> str:
    return f"journey:{rule_id}:{customer_id}:{anchor.isoformat()}"


def anchor_column(trigger: str) -> Any:
    """The customer column a trigger counts from (None: birthday and custom_date work differently)."""
    return {
        "added": Customer.added_on,
        "first_purchase": Customer.first_purchase_on,
        "any_purchase": Customer.last_purchase_on,
        "last_interaction": func.coalesce(Customer.last_interaction_on, Customer.added_on),
    }.get(trigger)


def rule_due(session: Session, rule: RuleInfo, due_from: date, due_to: date,
             customer_ids: list[int] | None = None) -> list[JourneyDue]:
    """The reminders of one rule falling due between `due_from` and `due_to` (inclusive)."""
    offset = timedelta(days=rule.offset_days)
    lo, hi = due_from - offset, due_to - offset  # the anchor range
    where = rule.condition.sql()
    if rule.trigger == "birthday":
        return [JourneyDue(rule.id, b.customer_id, b.customer_name, b.on, b.on + offset)
                for b in birthdays_between(session, lo, hi, where=where, customer_ids=customer_ids)]
    if rule.trigger == "custom_date":
        if rule.custom_field_id is None:
            return []
        anchor: Any = CustomFieldValue.value
        statement = select(Customer.id, Customer.remark_name, anchor).join(
            CustomFieldValue, (CustomFieldValue.customer_id == Customer.id)
            & (CustomFieldValue.field_id == rule.custom_field_id))
        lo_value, hi_value = lo.isoformat(), hi.isoformat()  # dates are stored as ISO text
    else:
        anchor = anchor_column(rule.trigger)
        if anchor is None:
            return []
        statement = _fast_path(select(Customer.id, Customer.remark_name, anchor), rule.trigger, lo)
        lo_value, hi_value = lo, hi  # type: ignore[assignment]
    live = live_unindexed() if rule.trigger == "last_interaction" else Customer.deleted_at.is_(None)
    statement = statement.where(live, *where, anchor >= lo_value, anchor <= hi_value)
    found = []
    for chunk in chunks(customer_ids) if customer_ids is not None else [None]:
        part = statement if chunk is None else statement.where(Customer.id.in_(chunk))
        for cid, name, value in session.connection().execute(part):
            day = value if isinstance(value, date) else _iso_date(value)
            if day is not None:
                found.append(JourneyDue(rule.id, cid, name, day, day + offset))
    return found


def _fast_path(statement: Any, trigger: str, lo: date) -> Any:
    """Steer SQLite to a quick plan (it has no statistics, and would otherwise walk a deleted_at index
    row by row — 150 ms instead of 10 ms at 100,000 customers). added and any_purchase have their own
    (deleted_at, date) index; last_interaction reads the table through (see live_unindexed)."""
    if trigger == "first_purchase":
        # The first purchase is never after the last one, whose (deleted_at, last_purchase_on) is indexed.
        return statement.where(Customer.last_purchase_on >= lo)
    return statement


def journeys_due(session: Session, due_from: date, due_to: date,
                 rules: list[RuleInfo] | None = None) -> list[tuple[RuleInfo, JourneyDue]]:
    """Every enabled rule's reminders (or these rules') falling due between the two dates, by rule
    order then date."""
    found = []
    for rule in list_rules(session, enabled_only=True) if rules is None else rules:
        for item in sorted(rule_due(session, rule, due_from, due_to), key=lambda i: (i.due, i.customer_id)):
            found.append((rule, item))
    return found


def _iso_date(value: object) -> date | None:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None

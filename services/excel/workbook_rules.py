"""The rule sheets of a full workbook that name the pages' records or the customers: 客户SOP, 自动标签规则
and 提醒状态 — written by `workbook_setup.setup_sheets`, read back by `workbook_setup.SetupRestore`
(see its module docstring for what the workbook carries and why).

- 客户SOP (journey_rule): 触发 by its label, 条件 as the rule's JSON with tags named as the 客户 sheet
  names them, the 话术 by 话术分类 + 话术标题 (a deleted script is left blank, as the rule shows it),
  the 日期字段 by name; checked by services.journeys.validate_rule.
- 自动标签规则 (auto_tag_rule): 条件 by its label, 参数 as the rule's JSON (在某个群里 names the 社群,
  not its id), 标签 as the 客户 sheet names it, 例外客户编号 the customers the seller took its tag off
  by hand (auto_tag_exclusion, by 客户编号); checked by services.auto_tags. The 客户 sheet's 标签 already
  hold the tags the rules gave; 自动标签 says which of them a rule gave (rule, 客户编号), so that they
  are that rule's again (taken off when its condition stops holding) while a tag the seller put on by
  hand stays hers. Then the rules run once over everyone, as the daily pass would.
- 提醒状态 (reminder_state): a Today item's key names rules, cycles, products and tiers by their ids in
  the old store; the sheet names them (对象) and the customer by 客户编号, and the key is built again
  with this store's ids.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import func, select, update

from models import (
    AutoTagRule,
    ChatGroup,
    Customer,
    CustomerTag,
    CustomField,
    JourneyRule,
    MemberTier,
    ReminderState,
    RepurchaseCycle,
    Script,
)
from models.journey import JOURNEY_TRIGGERS
from models.loyalty import AUTO_TAG_KINDS, AutoTagExclusion, Product
from services import auto_tags
from services.errors import ValidationError
from services.excel import values as v
from services.excel.workbook_setup import (
    SETUP_HEADERS,
    _bool,
    _int,
    _json,
    dumps,
    tag_labels,
    validation_problems,
)
from services.excel.writing import Problems, parse_cell
from services.i18n import t
from services.journeys import TRIGGER_LABELS, Condition, RuleInput, validate_rule
from services.sqlutil import chunks

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from services.excel.workbook_setup import SetupRestore

REMINDER_LABELS = {"journey": "客户SOP", "repurchase": "复购", "product": "商品复购", "birthday": "生日",
                   "care": "节日关怀", "like": "点赞", "tier_up": "会员升级"}


# ---- export --------------------------------------------------------------------------------------

def journey_rows(session: Session) -> list[Sequence[object]]:
    tags = tag_labels(session)
    rows: list[Sequence[object]] = []
    for rule, field_name, category, title, deleted in session.execute(
            select(JourneyRule, CustomField.name, Script.category, Script.title, Script.deleted_at)
            .outerjoin(CustomField, CustomField.id == JourneyRule.custom_field_id)
            .outerjoin(Script, Script.id == JourneyRule.script_id).order_by(JourneyRule.sort, JourneyRule.id)):
        condition = Condition.from_json(rule.condition).to_json()
        for key in ("tags_all", "tags_any", "tags_none"):
            if key in condition:
                condition[key] = [tags[i] for i in condition[key] if i in tags]  # type: ignore[attr-defined]
        live = title is not None and deleted is None
        rows.append((rule.name, t(TRIGGER_LABELS.get(rule.trigger, rule.trigger)), rule.offset_days,
                     field_name or "", dumps(condition) if condition else "", category if live else "",
                     title if live else "", rule.enabled))
    return rows


def auto_tag_rows(session: Session) -> list[Sequence[object]]:
    tags = tag_labels(session)
    groups = dict(session.execute(select(ChatGroup.id, ChatGroup.name)).all())
    excluded: dict[int, list[int]] = {}
    for rule_id, customer_id in session.execute(
            select(AutoTagExclusion.rule_id, AutoTagExclusion.customer_id)
            .join(Customer, Customer.id == AutoTagExclusion.customer_id).where(Customer.deleted_at.is_(None))
            .order_by(AutoTagExclusion.rule_id, AutoTagExclusion.customer_id)):
        excluded.setdefault(rule_id, []).append(customer_id)
    rows: list[Sequence[object]] = []
    for rule in session.scalars(select(AutoTagRule).order_by(AutoTagRule.sort, AutoTagRule.id)):
        params = dict(rule.params or {})
        if rule.kind == "in_group":
            params = {"group": groups.get(params.get("group_id"), "")}  # type: ignore[call-overload]
        rows.append((rule.name, t(auto_tags.KIND_LABELS.get(rule.kind, rule.kind)), dumps(params),
                     tags.get(rule.tag_id, ""), rule.enabled, "、".join(str(c) for c in excluded.get(rule.id, []))))
    return rows


def auto_tagged_rows(session: Session) -> tuple[Iterator[Sequence[object]], int]:
    """(rule, 客户编号) of every live customer's tag a rule gave, streamed: a big book has many."""
    statement = (select(AutoTagRule.name, CustomerTag.customer_id).join(AutoTagRule, AutoTagRule.id == CustomerTag.auto_rule_id)
                 .join(Customer, Customer.id == CustomerTag.customer_id).where(Customer.deleted_at.is_(None)))
    total = int(session.scalar(select(func.count()).select_from(statement.subquery())) or 0)

    def rows() -> Iterator[Sequence[object]]:
        result = session.execute(statement.order_by(AutoTagRule.sort, AutoTagRule.id, CustomerTag.customer_id)
                                 .execution_options(yield_per=2000))
        try:
            yield from result
        finally:
            result.close()

    return rows(), total


def reminder_rows(session: Session) -> list[Sequence[object]]:
    """Each live customer's done / snoozed Today item whose key this module knows, named (not numbered)."""
    names = {"journey": dict(session.execute(select(JourneyRule.id, JourneyRule.name)).all()),
             "repurchase": dict(session.execute(select(RepurchaseCycle.id, RepurchaseCycle.category)).all()),
             "product": dict(session.execute(select(Product.id, Product.name)).all()),
             "tier_up": dict(session.execute(select(MemberTier.id, MemberTier.name)).all())}
    rows: list[Sequence[object]] = []
    for state in session.scalars(select(ReminderState).join(Customer, Customer.id == ReminderState.customer_id)
                                 .where(Customer.deleted_at.is_(None)).order_by(ReminderState.key)):
        parsed = _portable(state.key, names)
        if parsed is not None:
            kind, what, customer_id, day = parsed
            rows.append((t(REMINDER_LABELS[kind]), what, customer_id, day, state.done_at, state.result,
                         state.snoozed_until))
    return rows


def _portable(key: str, names: dict[str, dict[int, str]]) -> tuple[str, str, int, date] | None:
    """(kind, what it is about by name, customer id, date) of a Today item's key; None when unknown."""
    parts = key.split(":")
    try:
        kind, rest = parts[0], parts[1:]
        if kind in ("birthday", "like") and len(rest) == 2:
            return kind, "", int(rest[0]), date.fromisoformat(rest[1])
        if kind == "care" and len(rest) == 3:
            return kind, rest[0], int(rest[1]), date.fromisoformat(rest[2])
        if kind == "tier_up" and len(rest) == 3:
            owner, customer, day = int(rest[1]), rest[0], rest[2]
        elif kind in ("journey", "repurchase") and len(rest) == 3:
            owner, customer, day = int(rest[0]), rest[1], rest[2]
            if kind == "repurchase" and owner < 0:  # a product's own cycle
                kind, owner = "product", -owner
        else:
            return None
        what = names[kind].get(owner)
        return (kind, what, int(customer), date.fromisoformat(day)) if what is not None else None
    except ValueError:
        return None


# ---- restore -------------------------------------------------------------------------------------

def _choices(labels: dict[str, str], codes: Sequence[str]) -> dict[str, str]:
    """A sheet's label (Chinese, or as the UI shows it) or code → the code."""
    return {**{label: code for code, label in labels.items()}, **{t(label): code for code, label in labels.items()},
            **{code: code for code in codes}}


def restore_journeys(setup: SetupRestore) -> dict[str, int]:
    """客户SOP rows (after the pages: they name 话术); returns rule name → id here."""
    session = setup.session
    name_h, trigger_h, days_h, field_h, condition_h, category_h, title_h, enabled_h = SETUP_HEADERS["journeys"]
    triggers = _choices(TRIGGER_LABELS, JOURNEY_TRIGGERS)
    fields = dict(session.execute(select(CustomField.name, CustomField.id)).all())
    scripts: dict[tuple[str, str], int] = {}
    for script_id, category, title in session.execute(select(Script.id, Script.category, Script.title)
                                                      .where(Script.deleted_at.is_(None)).order_by(Script.id)):
        scripts.setdefault((category, title), script_id)
    columns = {"name": name_h, "trigger": trigger_h, "offset_days": days_h, "custom_field_id": field_h,
               "condition": condition_h, "script_id": title_h}
    ids: dict[str, int] = {}
    for sort, (row, cells, column_of) in enumerate(setup.rows("journeys"), 1):
        problems: Problems = {}
        trigger = triggers.get(v.cell_text(cells.get(trigger_h)))
        if trigger is None:
            problems[trigger_h] = t("触发条件只能是：{all}", all="、".join(t(x) for x in TRIGGER_LABELS.values()))
        field_name = v.cell_text(cells.get(field_h))
        if field_name and field_name not in fields:
            problems[field_h] = t("“自定义字段”表里没有“{name}”", name=field_name)
        script = (v.cell_text(cells.get(category_h)), v.cell_text(cells.get(title_h)))
        if script[1] and script not in scripts:
            problems[title_h] = t("“话术”表里没有“{category}”分类的“{title}”", category=script[0], title=script[1])
        condition = _condition(setup, cells.get(condition_h), condition_h, problems)
        data = RuleInput(v.cell_text(cells.get(name_h)), trigger or "added", _int(cells, days_h, problems) or 0,
                         condition, scripts.get(script), _bool(cells, enabled_h, problems), fields.get(field_name))
        if not problems:
            try:
                data = validate_rule(session, data)
            except ValidationError as error:
                problems.update(validation_problems(error, columns))
        if problems:
            setup.report("journeys", row, problems, column_of)
            continue
        found = None if data.name in ids else session.scalar(
            select(JourneyRule).where(JourneyRule.name == data.name).order_by(JourneyRule.id).limit(1))
        ids[data.name] = setup.save(JourneyRule, found, {
            "name": data.name, "trigger": data.trigger, "offset_days": data.offset_days,
            "custom_field_id": data.custom_field_id, "condition": data.condition.to_json(),
            "script_id": data.script_id, "enabled": data.enabled, "sort": sort})
    return ids


def _condition(setup: SetupRestore, cell: object, column: str, problems: Problems) -> Condition:
    if v.is_blank(cell):
        return Condition()
    data = _json(cell, column, problems)
    if not isinstance(data, dict):
        problems.setdefault(column, t("条件不对"))
        return Condition()
    ids = {key: setup.tag_ids(data.get(key, []), problems, column) for key in ("tags_all", "tags_any", "tags_none")}
    return Condition.from_json({**data, **ids})


def restore_auto_tags(setup: SetupRestore) -> None:
    """自动标签规则 rows (after the pages: 在某个群里 names a 社群) and their 例外客户编号."""
    session = setup.session
    name_h, kind_h, params_h, tag_h, enabled_h, excluded_h = SETUP_HEADERS["auto-tags"]
    kinds = _choices(auto_tags.KIND_LABELS, AUTO_TAG_KINDS)
    groups: dict[str, int] = {}
    for group_id, group_name in session.execute(select(ChatGroup.id, ChatGroup.name)
                                                .where(ChatGroup.deleted_at.is_(None)).order_by(ChatGroup.id)):
        groups.setdefault(group_name, group_id)
    seen: set[str] = set()
    for sort, (row, cells, column_of) in enumerate(setup.rows("auto-tags"), 0):
        problems: Problems = {}
        kind = kinds.get(v.cell_text(cells.get(kind_h)))
        params = _json(cells.get(params_h), params_h, problems)
        tag_ids = setup.tag_ids(v.cell_text(cells.get(tag_h)), problems, tag_h)
        customers = _customers(setup, cells.get(excluded_h), excluded_h, problems)
        name = v.cell_text(cells.get(name_h))[:60]
        if kind is None:
            problems[kind_h] = t("条件只能是：{all}", all="、".join(t(x) for x in auto_tags.KIND_LABELS.values()))
        elif isinstance(params, dict) and params_h not in problems:
            if kind == "in_group":
                params = {"group_id": groups.get(str(params.get("group")))}
            try:
                params = auto_tags.clean_params(session, kind, params)
                if tag_ids:
                    auto_tags.check_tag(session, tag_ids[0])
            except ValidationError as error:
                problems.update({tag_h if field == "tag_id" else params_h: message
                                 for field, message in error.fields.items()})
        else:
            problems.setdefault(params_h, t("参数不对"))
        if problems:
            setup.report("auto-tags", row, problems, column_of)
            continue
        found = None if name in seen else session.scalar(
            select(AutoTagRule).where(AutoTagRule.name == name).order_by(AutoTagRule.id).limit(1))
        seen.add(name)
        rule_id = setup.save(AutoTagRule, found, {"name": name, "kind": kind, "params": params,
                                                  "tag_id": tag_ids[0], "enabled": _bool(cells, enabled_h, problems),
                                                  "sort": sort})
        for customer_id in customers:  # the customers are new here: undo takes these with them
            session.merge(AutoTagExclusion(rule_id=rule_id, customer_id=customer_id))
    session.flush()


def _customers(setup: SetupRestore, cell: object, column: str, problems: Problems) -> list[int]:
    """The customers of a cell of 客户编号 joined by 、."""
    ids = []
    for text in v.cell_text(cell).replace(",", "、").split("、"):
        if not text.strip():
            continue
        try:
            number = v.parse_int(text)
        except ValueError as error:
            problems[column] = str(error)
            continue
        found = setup.restore.ctx.by_number.get(number)
        if found is None:
            problems[column] = t("“客户”表里没有编号 {n}", n=number)
        else:
            ids.append(found)
    return ids


def apply_auto_tags(setup: SetupRestore, marked: bool) -> None:
    """The 客户 sheet's tags that a rule gave (the 自动标签 sheet, when there is one) are its again, then
    the rules run once (what they give today). Without that sheet the restored tags stay the seller's."""
    session = setup.session
    if marked:
        rules = {name: (rule_id, tag_id) for rule_id, name, tag_id in session.execute(
            select(AutoTagRule.id, AutoTagRule.name, AutoTagRule.tag_id).order_by(AutoTagRule.id.desc()))}
        given: dict[tuple[int, int], list[int]] = {}
        rule_h, customer_h = SETUP_HEADERS["auto-tagged"]
        for row, cells, column_of in setup.rows("auto-tagged"):
            problems: Problems = {}
            rule = rules.get(v.cell_text(cells.get(rule_h)))
            customers = _customers(setup, cells.get(customer_h), customer_h, problems)
            if rule is None:
                problems[rule_h] = t("“自动标签规则”表里没有“{name}”", name=v.cell_text(cells.get(rule_h)))
            if problems or rule is None:
                setup.report("auto-tagged", row, problems, column_of)
                continue
            given.setdefault(rule, []).extend(customers)
        for (rule_id, tag_id), ids in given.items():
            for chunk in chunks(ids):
                session.execute(update(CustomerTag).where(CustomerTag.tag_id == tag_id, CustomerTag.customer_id.in_(chunk))
                                .values(auto_rule_id=rule_id))
    auto_tags.apply_rules(session)


def restore_reminders(setup: SetupRestore) -> None:
    """提醒状态 rows, their keys built again with this store's ids (after 会员等级 and the rules)."""
    session = setup.session
    kind_h, what_h, customer_h, day_h, done_h, result_h, snoozed_h = SETUP_HEADERS["reminders"]
    kinds = _choices(REMINDER_LABELS, tuple(REMINDER_LABELS))
    owners = {"journey": dict(session.execute(select(JourneyRule.name, JourneyRule.id)
                                              .order_by(JourneyRule.id.desc())).all()),
              "repurchase": dict(session.execute(select(RepurchaseCycle.category, RepurchaseCycle.id)).all()),
              "product": dict(session.execute(select(Product.name, Product.id)
                                              .where(Product.deleted_at.is_(None))).all()),
              "tier_up": dict(session.execute(select(MemberTier.name, MemberTier.id)).all())}
    owners["journey"].update(setup.journey_ids)
    for row, cells, column_of in setup.rows("reminders"):
        problems: Problems = {}
        kind = kinds.get(v.cell_text(cells.get(kind_h)))
        what = v.cell_text(cells.get(what_h))
        customers = _customers(setup, cells.get(customer_h), customer_h, problems)
        day = parse_cell(cells, problems, day_h, v.parse_date)
        done_at = parse_cell(cells, problems, done_h, v.parse_datetime)
        snoozed = parse_cell(cells, problems, snoozed_h, v.parse_date)
        owner = owners[kind].get(what) if kind in owners else 0
        if kind is None:
            problems[kind_h] = t("提醒只能是：{all}", all="、".join(t(x) for x in REMINDER_LABELS.values()))
        elif owner is None:
            problems[what_h] = t("没有“{name}”（{kind}）", name=what, kind=t(REMINDER_LABELS[kind]))
        if len(customers) != 1 and customer_h not in problems:
            problems[customer_h] = t("编号为空")
        if day is None and day_h not in problems:
            problems[day_h] = t("日期为空")
        if problems or kind is None or day is None:
            setup.report("reminders", row, problems, column_of)
            continue
        key = _key(kind, what, int(owner or 0), customers[0], day)
        session.merge(ReminderState(key=key, customer_id=customers[0], done_at=done_at,
                                    result=v.cell_text(cells.get(result_h)), snoozed_until=snoozed))


def _key(kind: str, what: str, owner: int, customer_id: int, day: date) -> str:
    """The key services.today (and tiers, care_reminders) give this item."""
    from services.journeys import journey_key
    from services.repurchase import repurchase_key

    if kind == "journey":
        return journey_key(owner, customer_id, day)
    if kind in ("repurchase", "product"):  # a catalogue product's cycle is keyed by minus its id
        return repurchase_key(owner if kind == "repurchase" else -owner, customer_id, day)
    when = day.isoformat()
    return {"birthday": f"birthday:{customer_id}:{when}", "care": f"care:{what}:{customer_id}:{when}",
            "like": f"like:{customer_id}:{when}", "tier_up": f"tier_up:{customer_id}:{owner}:{when}"}[kind]

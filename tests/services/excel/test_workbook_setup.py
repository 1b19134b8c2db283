"""The settings and rules go through the full workbook and back into an empty store (services.excel.
workbook_setup): the same settings, 会员等级, 复购周期, 内容支柱, 智能列表, 客户SOP and 自动标签规则, and so
the same derived data — each customer's 会员等级 and automatic tags, and what 今天 lists.

Stores are compared the way a seller would: by names (规则, 等级, 标签, the customer's 备注名), never by id.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from models import (
    AppSetting,
    AutoTagRule,
    ChatGroup,
    Customer,
    CustomerTag,
    GroupTask,
    GroupTemplateUse,
    JourneyRule,
    Material,
    MemberTier,
    Pillar,
    ReminderState,
    RepurchaseCycle,
    Script,
    SmartList,
    SopStep,
    SopTemplate,
    Tag,
)
from models.loyalty import AutoTagExclusion
from services import auto_tags, settings_store
from services.care_reminders import CARE_TAGS, CARE_TIERS
from services.customer_query import CustomerFilter
from services.customers import CustomerInput, create_customer
from services.demo import DemoOptions, fill_demo
from services.excel.export import export_all
from services.excel.undo import undo_import
from services.excel.workbook import WorkbookError, import_workbook
from services.excel.workbook_setup import ID_SETTINGS, SETUP_SHEET_NAMES, carried_settings
from services.journeys import KEEP_DAYS, Condition, RuleInput, ensure_defaults, save_rule, set_rule_enabled
from services.library import load_starter_scripts
from services.moment_pillars import create_pillar, update_pillar
from services.points import POINTS_PER_YUAN
from services.repurchase import save_cycle
from services.smart_lists import save_smart_list
from services.sop import TemplateInput, list_templates, save_template
from services.stages import SLEEPING_DAYS_SETTING
from services.tags import save_group, save_tag
from services.tiers import TierInput, create_tier
from services.timeline import save_purchase
from services.today import snooze_item, today_list

TODAY = date.today()


@pytest.fixture
def shop(session: Session) -> Session:
    """A shop whose seller changed settings and wrote her own rules of every kind."""
    load_starter_scripts(session)
    value = save_group(session, "价值", multi=True)
    rich, loyal = save_tag(session, value, "高净值"), save_tag(session, value, "老朋友")
    mum = save_tag(session, save_group(session, "身份", multi=True), "宝妈")
    customers = {}
    for name, spent, tags in (("张丽", 3000, [mum]), ("李娜", 2500, []), ("王芳", 300, [mum]), ("赵敏", 0, [])):
        customers[name] = create_customer(session, CustomerInput(remark_name=name, added_on=TODAY - timedelta(days=3)),
                                          tags).id
        if spent:
            save_purchase(session, customers[name], TODAY - timedelta(days=7), "明前龙井", 1, str(spent))
    settings_store.save(session, {POINTS_PER_YUAN: 2.5, SLEEPING_DAYS_SETTING: 200, KEEP_DAYS: 3})
    create_tier(session, TierInput("银卡", "spend_12m", 100_000, "95折", "#78909c"))
    gold = create_tier(session, TierInput("金卡", "spend_12m", 280_000, "9折", "#c9a227"))
    settings_store.save(session, {CARE_TIERS: [gold], CARE_TAGS: [mum]})
    rule = auto_tags.save_rule(session, "spend_12m", {"cents": 200_000}, rich, name="近一年满2000")
    auto_tags.set_enabled(session, rule, True)
    auto_tags.save_rule(session, "no_purchase_days", {"days": 30}, loyal, name="一个月没买")  # stays off
    auto_tags.note_hand_removal(session, [customers["李娜"]], [rich])  # the seller took it off 李娜 by hand
    session.execute(delete(CustomerTag).where(CustomerTag.customer_id == customers["李娜"], CustomerTag.tag_id == rich))
    session.commit()
    ensure_defaults(session)
    welcome = session.scalar(select(JourneyRule.id).where(JourneyRule.name == "T+0 欢迎"))
    assert welcome is not None
    set_rule_enabled(session, welcome, False)
    script = session.scalar(select(Script.id).order_by(Script.id).limit(1))
    save_rule(session, RuleInput("宝妈三天关怀", "added", 3, Condition(tags_all=(mum,), stages=("新客", "已购")), script))
    save_cycle(session, "手工皂", "手工皂 冷制皂", 45)
    save_smart_list(session, "宝妈老客", CustomerFilter(tags_all=[mum], stage="已购"))
    seeding = session.scalar(select(Pillar.id).where(Pillar.name == "产品种草"))
    assert seeding is not None
    update_pillar(session, seeding, "产品种草", False, "#123456")
    create_pillar(session, "客户故事", True, "#654321")
    builtin = next(tpl for tpl in list_templates(session) if tpl.builtin and len(tpl.steps) > 1)
    steps = [replace(step, title=f"{step.title}（改）") for step in builtin.steps[:-1]]  # one step fewer
    save_template(session, TemplateInput(builtin.name, builtin.shape, steps, "自己改过的", builtin.days), builtin.id)
    items = [i for i in today_list(session, TODAY).items if i.title == "宝妈三天关怀"]
    assert len(items) == 2  # for 张丽 and 王芳
    snooze_item(session, items[0], TODAY + timedelta(days=2))
    return session


def setup_of(session: Session) -> dict[str, Any]:
    """The settings and rules as the settings pages show them, by names."""
    tags = {tag_id: name for tag_id, name in session.execute(select(Tag.id, Tag.name))}
    tiers = {tier_id: name for tier_id, name in session.execute(select(MemberTier.id, MemberTier.name))}
    customers = {cid: name for cid, name in session.execute(select(Customer.id, Customer.remark_name))}
    settings = settings_store.get_many(session, carried_settings())
    for key, kind in ID_SETTINGS.items():
        settings[key] = sorted((tags if kind == "tags" else tiers)[i] for i in settings[key])
    excluded = {(rule, customers[cid]) for rule, cid in session.execute(
        select(AutoTagRule.name, AutoTagExclusion.customer_id).join(AutoTagRule))}

    def condition(data: dict[str, Any]) -> dict[str, Any]:
        return {key: sorted(tags[i] for i in value) if key.startswith("tags") else value for key, value in data.items()}

    return {
        "settings": settings,
        "tiers": [(t.name, t.basis, t.threshold, t.benefits, t.color)
                  for t in session.scalars(select(MemberTier).order_by(MemberTier.sort))],
        "cycles": {(c.category, c.keywords, c.days) for c in session.scalars(select(RepurchaseCycle))},
        "pillars": [(p.name, p.hard_sell, p.color) for p in session.scalars(select(Pillar).order_by(Pillar.sort))],
        "smart_lists": {s.name: condition({k: v for k, v in s.spec.items() if v})
                        for s in session.scalars(select(SmartList))},
        "journeys": [(r.name, r.trigger, r.offset_days, condition(r.condition), title, r.enabled)
                     for r, title in session.execute(select(JourneyRule, Script.title)
                                                     .outerjoin(Script, Script.id == JourneyRule.script_id)
                                                     .order_by(JourneyRule.sort))],
        "auto_tags": [(r.name, r.kind, r.params, tags[r.tag_id], r.enabled)
                      for r in session.scalars(select(AutoTagRule).order_by(AutoTagRule.sort))],
        "exclusions": excluded,
    }


def derived_of(session: Session) -> dict[str, Any]:
    """What the rules work out: each customer's 会员等级 and tags (automatic or not), and 今天's list."""
    rules = dict(session.execute(select(AutoTagRule.id, AutoTagRule.name)).all())
    return {
        "levels": set(session.execute(select(Customer.remark_name, Customer.member_level, MemberTier.name)
                                      .outerjoin(MemberTier, MemberTier.id == Customer.tier_id))),
        "tags": {(name, tag, rules.get(rule)) for name, tag, rule in session.execute(
            select(Customer.remark_name, Tag.name, CustomerTag.auto_rule_id).join(Customer).join(Tag))},
        "today": sorted((i.kind, i.title, i.due, i.customer_name or "", i.overdue, i.snoozed)
                        for i in today_list(session, TODAY).items),
        "snoozed": {(name, until) for name, until in session.execute(
            select(Customer.remark_name, ReminderState.snoozed_until).join(Customer))},
    }


def sop_of(session: Session) -> dict[str, Any]:
    """SOP模板 with their steps, which group follows which from when, and the tasks on the calendars."""
    materials = dict(session.execute(select(Material.id, Material.title)).all())
    steps: dict[int, list[tuple[Any, ...]]] = {}
    for step in session.scalars(select(SopStep).order_by(SopStep.sort, SopStep.id)):
        steps.setdefault(step.template_id, []).append(
            (step.day, step.time, step.title, step.body, [materials[i] for i in step.material_ids]))
    return {
        "templates": {(tpl.name, tpl.shape, tpl.description, tpl.days, tpl.version): steps.get(tpl.id, [])
                      for tpl in session.scalars(select(SopTemplate))},
        "uses": sorted(session.execute(select(ChatGroup.name, SopTemplate.name, GroupTemplateUse.starts_on,
                                              GroupTemplateUse.ends_on, GroupTemplateUse.template_version)
                                       .join(ChatGroup).join(SopTemplate)).all()),
        "tasks": sorted((group, step or "", task.due_at, task.title, task.body, task.status, task.done_at,
                         task.done_note, task.edited, task.deleted_at)
                        for task, group, step in session.execute(
                            select(GroupTask, ChatGroup.name, SopStep.title).join(ChatGroup)
                            .outerjoin(SopStep, SopStep.id == GroupTask.step_id))),
    }


def count(session: Session, model: Any) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_the_settings_and_rules_come_back_and_work_out_the_same(shop: Session, fresh: Session,
                                                                  tmp_path: Path) -> None:
    out = tmp_path / "全部.xlsx"
    written = export_all(shop, out)
    book = openpyxl.load_workbook(out, read_only=True)  # read-only keeps the file open until closed
    names = book.sheetnames
    book.close()
    assert set(SETUP_SHEET_NAMES.values()) <= set(names)
    before, derived = setup_of(shop), derived_of(shop)
    assert derived["levels"] >= {("张丽", "金卡", "金卡"), ("李娜", "银卡", "银卡"), ("赵敏", "", None)}
    assert ("张丽", "高净值", "近一年满2000") in derived["tags"] and len(derived["snoozed"]) == 1

    result = import_workbook(fresh, out)

    assert result.sheets["tiers"] == written["tiers"] == 2 and result.sheets["auto-tags"] == 2
    after = setup_of(fresh)
    for part, found in before.items():
        assert after[part] == found, part
    assert after["settings"]["points.per_yuan"] == 2.5 and after["settings"]["care.tier_ids"] == ["金卡"]
    assert derived_of(fresh) == derived


def test_a_workbook_without_the_setup_sheets_still_restores(shop: Session, fresh: Session, tmp_path: Path) -> None:
    out = tmp_path / "旧版.xlsx"
    export_all(shop, out)
    wb = openpyxl.load_workbook(out)
    for name in SETUP_SHEET_NAMES.values():
        del wb[name]
    wb.save(out)

    result = import_workbook(fresh, out)

    assert set(result.sheets).isdisjoint(SETUP_SHEET_NAMES)
    assert count(fresh, Customer) == count(shop, Customer)
    assert count(fresh, MemberTier) == count(fresh, AutoTagRule) == count(fresh, SmartList) == 0
    assert settings_store.get_many(fresh, carried_settings()) == {s.key: s.default for s in carried_settings()}


def test_undo_takes_back_what_the_setup_sheets_did(shop: Session, fresh: Session, tmp_path: Path) -> None:
    out = tmp_path / "全部.xlsx"
    export_all(shop, out)
    pillars, sop = setup_of(fresh)["pillars"], sop_of(fresh)
    assert sop_of(shop)["templates"] != sop["templates"]  # a built-in template edited
    result = import_workbook(fresh, out)
    assert result.batch_id is not None and count(fresh, MemberTier) == 2

    undo_import(fresh, result.batch_id)

    for model in (MemberTier, AutoTagRule, JourneyRule, RepurchaseCycle, SmartList, ReminderState, AutoTagExclusion,
                  Customer):
        assert count(fresh, model) == 0, model.__tablename__
    assert settings_store.get_many(fresh, carried_settings()) == {s.key: s.default for s in carried_settings()}
    assert setup_of(fresh)["pillars"] == pillars  # 产品种草's colour back, 客户故事 gone
    assert sop_of(fresh) == sop  # the built-in template as it was, its deleted step back
    import_workbook(fresh, out)  # and it goes in again
    assert setup_of(fresh) == setup_of(shop) and sop_of(fresh) == sop_of(shop)


def test_a_broken_cell_refuses_the_whole_workbook(shop: Session, fresh: Session, tmp_path: Path) -> None:
    out = tmp_path / "全部.xlsx"
    export_all(shop, out)
    wb = openpyxl.load_workbook(out)
    settings = wb["设置"]
    row = next(r for r in range(2, settings.max_row + 1) if settings.cell(r, 1).value == "stage.sleeping_days")
    settings.cell(row, 3, "-5")
    tiers = wb["会员等级"]
    tiers.cell(3, [c.value for c in tiers[1]].index("依据") + 1, "看心情")
    journeys = wb["客户SOP"]
    journeys.cell(2, [c.value for c in journeys[1]].index("条件") + 1, '{"tags_all": ["没这个标签"]}')
    wb.save(out)

    with pytest.raises(WorkbookError) as caught:
        import_workbook(fresh, out)

    found = sorted(str(p) for p in caught.value.problems)
    assert len(found) == 3
    assert found[0].startswith("工作表“会员等级”第 3 行［依据］：")
    assert found[1] == "工作表“客户SOP”第 2 行［条件］：“标签”表里没有标签“没这个标签”"
    assert found[2].startswith(f"工作表“设置”第 {row} 行［值］：") and "不能小于" in found[2]
    assert count(fresh, Customer) == count(fresh, MemberTier) == count(fresh, AppSetting) == 0


def test_every_setting_naming_ids_is_written_by_name() -> None:
    holding_ids = {s.key for s in carried_settings() if s.kind is list and s.key.endswith("_ids")}
    assert holding_ids == set(ID_SETTINGS)


def test_the_demo_shop_setup_comes_back(session: Session, fresh: Session, tmp_path: Path) -> None:
    """The demo's rules of every kind (在某个群里, tier-up reminders …) go round as the seller's would."""
    fill_demo(session, DemoOptions(customers=40, seed=3))
    kinds = {}
    for item in today_list(session, TODAY).items:
        if item.kind in ("journey", "birthday", "repurchase", "care", "like", "tier_up"):
            kinds.setdefault(item.kind, item)
    for item in kinds.values():  # one of each kind of Today item put off
        snooze_item(session, item, TODAY + timedelta(days=1))
    assert len(kinds) >= 3 and count(session, AutoTagRule) and count(session, MemberTier)
    out = tmp_path / "全部.xlsx"
    export_all(session, out)

    import_workbook(fresh, out)

    assert setup_of(fresh) == setup_of(session)
    assert sop_of(session)["uses"] and sop_of(session)["tasks"]
    assert sop_of(fresh) == sop_of(session)
    assert derived_of(fresh) == derived_of(session)  # 群任务 of today included

"""客户SOP journey rules and 复购 cycles: defaults, editing, conditions, and when reminders fall due."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from models import Customer, Script
from services.birthday import Birthday
from services.custom_fields import save_field
from services.customers import CustomerInput, trash_customers, update_customer
from services.errors import ValidationError
from services.journeys import (
    DEFAULT_RULES,
    Condition,
    RuleInput,
    delete_rule,
    list_rules,
    restore_default_rules,
    rule_due,
    save_rule,
    set_rule_enabled,
)
from services.repurchase import cycle_due, delete_cycle, list_cycles, save_cycle, split_keywords
from services.tags import save_group, save_tag
from services.timeline import save_note, save_purchase
from tests.services.helpers import AddCustomer

D = date(2026, 3, 10)  # "today" in these tests


def rule(session: Session, trigger: str, offset: int, condition: Condition | None = None,
         field_id: int | None = None):
    rule_id = save_rule(session, RuleInput(f"{trigger} {offset}", trigger, offset, condition or Condition(),
                                           custom_field_id=field_id))
    return next(r for r in list_rules(session) if r.id == rule_id)


def due_on(session: Session, rule_info, day: date) -> set[int]:
    return {d.customer_id for d in rule_due(session, rule_info, day, day)}


# ---- rules ---------------------------------------------------------------------------------------

def test_defaults_follow_the_seed_and_link_scripts_by_category(session: Session) -> None:
    session.add(Script(category="回访", title="T+7 回访话术", body="{称呼}，用得怎么样？"))
    session.commit()
    rules = list_rules(session)
    assert [(r.name, r.trigger, r.offset_days) for r in rules] == [
        ("T+0 欢迎", "added", 0), ("T+7 回访", "first_purchase", 7), ("T+21 复购提醒", "first_purchase", 21),
        ("30天未互动 唤醒", "last_interaction", 30)]
    assert [r.script_title for r in rules] == ["", "T+7 回访话术", "", ""]
    assert [r.when() for r in rules] == ["添加好友当天", "首次购买后第 7 天", "首次购买后第 21 天", "30 天没有互动"]
    assert list_cycles(session)  # repurchase cycles are seeded with them


def test_deleted_defaults_stay_deleted_until_restored(session: Session) -> None:
    for r in list_rules(session):
        delete_rule(session, r.id)
    assert list_rules(session) == []
    assert restore_default_rules(session) == len(DEFAULT_RULES)
    assert restore_default_rules(session) == 0
    assert len(list_rules(session)) == len(DEFAULT_RULES)


def test_save_rule_checks_every_field(session: Session) -> None:
    with pytest.raises(ValidationError) as caught:
        save_rule(session, RuleInput("", "added", -1, script_id=999))
    assert set(caught.value.fields) == {"name", "offset_days", "script_id"}
    with pytest.raises(ValidationError) as caught:
        save_rule(session, RuleInput("沉默", "last_interaction", 0))
    assert "至少 1 天" in caught.value.fields["offset_days"]
    with pytest.raises(ValidationError) as caught:
        save_rule(session, RuleInput("到期", "custom_date", -7))
    assert "日期类型" in caught.value.fields["custom_field_id"]
    group = save_group(session, "消费能力", multi=False)
    tag = save_tag(session, group, "高")
    with pytest.raises(ValidationError) as caught:
        save_rule(session, RuleInput("矛盾", "added", 0, Condition(tags_all=(tag,), tags_none=(tag,))))
    assert "既要求" in caught.value.fields["condition"]
    # A birthday rule may remind before the day.
    rule_id = save_rule(session, RuleInput("  生日前 准备礼物 ", "birthday", -3))
    saved = next(r for r in list_rules(session) if r.id == rule_id)
    assert (saved.name, saved.when()) == ("生日前 准备礼物", "生日前 3 天")


def test_disabled_rules_raise_nothing(session: Session, add_customer: AddCustomer) -> None:
    add_customer("张丽", added_on=D)
    welcome = rule(session, "added", 0)
    set_rule_enabled(session, welcome.id, False)
    assert welcome.id not in {r.id for r in list_rules(session, enabled_only=True)}


# ---- triggers, at the edges of their offsets -----------------------------------------------------

def test_added_trigger_is_due_exactly_offset_days_later(session: Session, add_customer: AddCustomer) -> None:
    on_day = add_customer("张丽", added_on=D - timedelta(days=3))
    add_customer("王芳", added_on=D - timedelta(days=2))
    day_before = add_customer("李娜", added_on=D - timedelta(days=4))
    gone = add_customer("赵磊", added_on=D - timedelta(days=3))
    trash_customers(session, [gone])
    three_days = rule(session, "added", 3)
    assert due_on(session, three_days, D) == {on_day}
    # A range of due days (Today keeps undone reminders a few days).
    window = rule_due(session, three_days, D - timedelta(days=1), D)
    assert sorted((d.customer_id, d.anchor, d.due) for d in window) == sorted([
        (on_day, D - timedelta(days=3), D), (day_before, D - timedelta(days=4), D - timedelta(days=1))])


def test_first_and_any_purchase_triggers(session: Session, add_customer: AddCustomer) -> None:
    first = add_customer("张丽", added_on=D - timedelta(days=60))
    save_purchase(session, first, D - timedelta(days=7), "白茶", 1, "300")
    save_purchase(session, first, D - timedelta(days=2), "普洱", 1, "300")
    late = add_customer("王芳", added_on=D - timedelta(days=60))
    save_purchase(session, late, D - timedelta(days=6), "白茶", 1, "300")
    never = add_customer("李娜", added_on=D - timedelta(days=60))
    assert due_on(session, rule(session, "first_purchase", 7), D) == {first}
    assert due_on(session, rule(session, "first_purchase", 6), D) == {late}
    # any_purchase counts from the latest purchase: 张丽's second one restarted the count.
    assert due_on(session, rule(session, "any_purchase", 2), D) == {first}
    assert due_on(session, rule(session, "any_purchase", 7), D) == set()
    assert never not in due_on(session, rule(session, "first_purchase", 0), D)


def test_last_interaction_counts_from_notes_purchases_or_the_day_added(
        session: Session, add_customer: AddCustomer) -> None:
    noted = add_customer("张丽", added_on=D - timedelta(days=100))
    save_note(session, noted, "咨询", "问了白茶", noted_at=datetime.combine(D - timedelta(days=30), datetime.min.time()))
    bought = add_customer("王芳", added_on=D - timedelta(days=100))
    save_purchase(session, bought, D - timedelta(days=30), "白茶", 1, "300")
    silent = add_customer("李娜", added_on=D - timedelta(days=30))  # never a word: counted from being added
    recent = add_customer("赵磊", added_on=D - timedelta(days=100))
    save_note(session, recent, "其他", "聊过", noted_at=datetime.combine(D - timedelta(days=29), datetime.min.time()))
    assert due_on(session, rule(session, "last_interaction", 30), D) == {noted, bought, silent}


def test_birthday_trigger_before_a_lunar_birthday(session: Session, add_customer: AddCustomer) -> None:
    mid_autumn = add_customer("张丽", birthday=Birthday(8, 15, lunar=True))  # 2026-09-25
    solar = add_customer("王芳", birthday=Birthday(9, 26))
    three_before = rule(session, "birthday", -3)
    assert due_on(session, three_before, date(2026, 9, 22)) == {mid_autumn}
    assert due_on(session, three_before, date(2026, 9, 23)) == {solar}
    assert due_on(session, three_before, date(2026, 9, 24)) == set()


def test_custom_date_trigger(session: Session, add_customer: AddCustomer) -> None:
    field_id = save_field(session, "会员到期", "date")
    ending = add_customer("张丽", custom={field_id: "2026-03-17"})
    add_customer("王芳", custom={field_id: "2026-03-18"})
    assert due_on(session, rule(session, "custom_date", -7, field_id=field_id), D) == {ending}


# ---- conditions ----------------------------------------------------------------------------------

def test_conditions_on_tags_stage_and_loyalty(session: Session, add_customer: AddCustomer) -> None:
    group = save_group(session, "兴趣", multi=True)
    tea, skin = save_tag(session, group, "普洱"), save_tag(session, group, "护肤")
    both = add_customer("张丽", tag_ids=[tea, skin], added_on=D)
    tea_only = add_customer("王芳", tag_ids=[tea], added_on=D)
    none = add_customer("李娜", added_on=D)
    vip = add_customer("赵磊", added_on=D)
    update_customer(session, vip, CustomerInput(remark_name="赵磊", added_on=D, stage_override="VIP"))
    session.execute(Customer.__table__.update().where(Customer.id == none).values(loyalty_type="低需求"))
    session.commit()

    def matching(condition: Condition) -> set[int]:
        return due_on(session, rule(session, "added", 0, condition), D)

    assert matching(Condition()) == {both, tea_only, none, vip}
    assert matching(Condition(tags_all=(tea, skin))) == {both}
    assert matching(Condition(tags_any=(tea, skin))) == {both, tea_only}
    assert matching(Condition(tags_none=(skin,))) == {tea_only, none, vip}
    assert matching(Condition(tags_any=(tea,), tags_none=(skin,))) == {tea_only}
    assert matching(Condition(stages=("VIP",))) == {vip}  # the manual stage counts
    assert matching(Condition(stages=("潜在",))) == {both, tea_only, none}
    assert matching(Condition(loyalty_types=("低需求",))) == {none}


def test_condition_json_ignores_malformed_parts() -> None:
    cond = Condition.from_json({"tags_all": [1, "x", 2], "stages": ["VIP", "火星"], "tags_any": "3"})
    assert cond == Condition(tags_all=(1, 2), stages=("VIP",))
    assert Condition.from_json(cond.to_json()) == cond
    assert Condition.from_json(None).is_empty
    assert cond.describe({1: "宝妈", 2: "高"}) == "有全部标签 宝妈、高 · 阶段 VIP"


# ---- repurchase cycles ---------------------------------------------------------------------------

def test_repurchase_due_from_the_latest_purchase_of_the_category(
        session: Session, add_customer: AddCustomer) -> None:
    cycle_id = save_cycle(session, "普洱茶", "普洱，熟普 小青柑", 60)
    cycle = next(c for c in list_cycles(session) if c.id == cycle_id)
    assert cycle.keywords == ("普洱", "熟普", "小青柑")
    due = add_customer("张丽")
    save_purchase(session, due, D - timedelta(days=60), "勐海宫廷熟普 200g", 1, "168")
    save_purchase(session, due, D - timedelta(days=10), "白牡丹散茶", 1, "238")  # another category: still due
    again = add_customer("王芳")
    save_purchase(session, again, D - timedelta(days=60), "小青柑普洱", 1, "138")
    save_purchase(session, again, D - timedelta(days=20), "十年陈普洱熟茶", 1, "468")  # bought it again
    early = add_customer("李娜")
    save_purchase(session, early, D - timedelta(days=59), "小青柑普洱", 1, "138")
    found = cycle_due(session, cycle, D, D)
    assert [(r.customer_id, r.product, r.purchased_on, r.due) for r in found] == [
        (due, "勐海宫廷熟普 200g", D - timedelta(days=60), D)]
    assert {r.customer_id for r in cycle_due(session, cycle, D, D + timedelta(days=1))} == {due, early}


def test_cycle_editing_is_checked(session: Session) -> None:
    with pytest.raises(ValidationError) as caught:
        save_cycle(session, "", " ， ", 0)
    assert set(caught.value.fields) == {"category", "keywords", "days"}
    list_cycles(session)  # seeds the defaults
    with pytest.raises(ValidationError) as caught:
        save_cycle(session, "普洱", "普洱", 30)
    assert "已经有" in caught.value.fields["category"]
    cycle_id = save_cycle(session, "燕窝", "燕窝、即食燕窝", 30)
    assert split_keywords("燕窝、即食燕窝") == ("燕窝", "即食燕窝")
    delete_cycle(session, cycle_id)
    assert "燕窝" not in {c.category for c in list_cycles(session)}


def test_default_cycles_cover_the_demo_products() -> None:
    from services.demo_words import PRODUCTS
    from services.repurchase import DEFAULT_CYCLES

    consumables = [name for line, items in PRODUCTS.items() if line not in ("茶具", "瑜伽")
                   for name, _price in items]
    uncovered = [name for name in consumables
                 if not any(word in name for _c, words, _d in DEFAULT_CYCLES for word in split_keywords(words))]
    assert uncovered == []

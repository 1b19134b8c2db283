"""自动标签: rules add their tag, take it off when the condition stops holding, leave hand tags alone,
preview before they are switched on, and refuse single-choice tag groups."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import CustomerTag, Product
from services import auto_tags
from services.auto_tags import RuleDraft, apply_rules, preview_rule, save_rule, set_enabled
from services.errors import ValidationError
from services.groups import GroupInput, add_members, mark_left, save_group
from services.tags import add_tag, save_tag, set_customer_tags
from services.tags import save_group as save_tag_group
from services.timeline import delete_purchase, save_purchase
from tests.services.helpers import AddCustomer

TODAY = date.today()


@pytest.fixture
def tags(session: Session) -> dict[str, int]:
    interest = save_tag_group(session, "兴趣", multi=True)
    spend = save_tag_group(session, "消费能力", multi=False)
    return {"普洱": save_tag(session, interest, "普洱"), "高净值": save_tag(session, interest, "高净值"),
            "沉睡": save_tag(session, interest, "沉睡"), "群友": save_tag(session, interest, "群友"),
            "高": save_tag(session, spend, "高")}


def _tags(session: Session, customer_id: int) -> dict[int, int | None]:
    """tag id → auto rule id (None: by hand)."""
    return dict(session.execute(select(CustomerTag.tag_id, CustomerTag.auto_rule_id)
                                .where(CustomerTag.customer_id == customer_id)).all())


def test_category_rule_adds_and_withdraws(session: Session, add_customer: AddCustomer, tags: dict[str, int]) -> None:
    li, wang = add_customer("李娜"), add_customer("王芳")
    purchase = save_purchase(session, li, TODAY, "2019年老班章普洱饼", 1, "1280")
    save_purchase(session, wang, TODAY, "白茶", 1, "300")
    rule = save_rule(session, "category", {"category": "普洱"}, tags["普洱"])
    assert _tags(session, li) == {}  # a new rule is off until switched on
    result = set_enabled(session, rule, True)
    assert result == {"added": 1, "removed": 0}
    assert _tags(session, li) == {tags["普洱"]: rule}
    assert _tags(session, wang) == {}
    delete_purchase(session, purchase)  # the condition stops holding: the automatic tag comes off
    assert _tags(session, li) == {}
    save_purchase(session, li, TODAY, "普洱熟茶", 1, "200")  # and comes back with a new purchase
    assert _tags(session, li) == {tags["普洱"]: rule}


def test_category_rule_uses_the_catalogue(session: Session, add_customer: AddCustomer, tags: dict[str, int]) -> None:
    li = add_customer("李娜")
    product = Product(name="冰岛古树", category="普洱")
    session.add(product)
    session.flush()
    pid = save_purchase(session, li, TODAY, "冰岛古树", 1, "880")
    from services.timeline import get_purchase

    get_purchase(session, pid).product_id = product.id
    session.commit()
    rule = save_rule(session, "category", {"category": "普洱"}, tags["普洱"])
    assert preview_rule(session, auto_tags.get_rule(session, rule)).would_add == 1


def test_hand_tags_are_never_touched(session: Session, add_customer: AddCustomer, tags: dict[str, int]) -> None:
    by_hand = add_customer("张丽", tag_ids=[tags["沉睡"]])  # never bought: the rule does not hold
    both = add_customer("赵敏", tag_ids=[tags["沉睡"]])
    save_purchase(session, both, TODAY - timedelta(days=200), "普洱", 1, "100")
    rule = save_rule(session, "no_purchase_days", {"days": 90}, tags["沉睡"])
    set_enabled(session, rule, True)
    assert _tags(session, by_hand) == {tags["沉睡"]: None}  # not taken off
    assert _tags(session, both) == {tags["沉睡"]: None}  # a rule would give it too: it stays hand-given
    set_enabled(session, rule, False)
    assert _tags(session, both) == {tags["沉睡"]: None}


def test_switching_off_and_deleting_take_the_tags_off(session: Session, add_customer: AddCustomer,
                                                      tags: dict[str, int]) -> None:
    li = add_customer("李娜")
    save_purchase(session, li, TODAY - timedelta(days=30), "大红袍", 1, "6000")
    rule = save_rule(session, "spend_12m", {"cents": 500000}, tags["高净值"])
    set_enabled(session, rule, True)
    assert _tags(session, li) == {tags["高净值"]: rule}
    assert set_enabled(session, rule, False) == {"added": 0, "removed": 1}
    assert _tags(session, li) == {}
    set_enabled(session, rule, True)
    assert auto_tags.delete_rule(session, rule, keep_tags=True) == 1
    assert _tags(session, li) == {tags["高净值"]: None}  # kept, now as a hand tag


def test_spend_window_and_preview_counts(session: Session, add_customer: AddCustomer, tags: dict[str, int]) -> None:
    rich = [add_customer(f"客户{i}") for i in range(3)]
    for cid in rich:
        save_purchase(session, cid, TODAY - timedelta(days=10), "礼盒", 1, "5000")
    old = add_customer("老客")
    save_purchase(session, old, TODAY - timedelta(days=400), "礼盒", 1, "9000")  # more than a year ago
    add_tag(session, [rich[0]], tags["高净值"])  # by hand already
    draft = RuleDraft("spend_12m", {"cents": 500000}, tags["高净值"])
    preview = preview_rule(session, draft)
    assert (preview.total_matching, preview.would_add, preview.already, preview.would_remove) == (3, 2, 1, 0)
    assert set(preview.sample_add) == {"客户1", "客户2"}
    assert "会给 2 位客户打上标签" in preview.summary()
    rule = save_rule(session, "spend_12m", {"cents": 500000}, tags["高净值"])
    set_enabled(session, rule, True)
    # raising the bar: the preview tells who would lose the tag, and editing the rule applies it
    edited = RuleDraft("spend_12m", {"cents": 600000}, tags["高净值"], id=rule)
    again = preview_rule(session, edited)
    assert (again.would_add, again.would_remove) == (0, 2)
    save_rule(session, "spend_12m", {"cents": 600000}, tags["高净值"], rule_id=rule)
    assert all(_tags(session, cid) == {} for cid in rich[1:])
    assert _tags(session, rich[0]) == {tags["高净值"]: None}


def test_single_choice_groups_are_refused(session: Session, tags: dict[str, int]) -> None:
    with pytest.raises(ValidationError) as caught:
        save_rule(session, "spend_12m", {"cents": 100}, tags["高"])
    assert "单选" in caught.value.fields["tag_id"]


def test_bad_params_are_refused(session: Session, tags: dict[str, int]) -> None:
    with pytest.raises(ValidationError) as caught:
        save_rule(session, "no_purchase_days", {"days": 0}, tags["沉睡"])
    assert "days" in caught.value.fields
    with pytest.raises(ValidationError):
        save_rule(session, "category", {"category": " "}, None)


def test_group_rule_follows_memberships(session: Session, add_customer: AddCustomer, tags: dict[str, int]) -> None:
    li = add_customer("李娜")
    group = save_group(session, GroupInput(name="茶友福利1群"))
    rule = save_rule(session, "in_group", {"group_id": group}, tags["群友"])
    set_enabled(session, rule, True)
    add_members(session, group, [li])
    assert _tags(session, li) == {tags["群友"]: rule}
    from services.groups import list_members

    mark_left(session, [m.id for m in list_members(session, group)])
    assert _tags(session, li) == {}


def test_editing_tags_by_hand_keeps_automatic_marks(session: Session, add_customer: AddCustomer,
                                                    tags: dict[str, int]) -> None:
    li = add_customer("李娜")
    save_purchase(session, li, TODAY, "普洱", 1, "100")
    rule = save_rule(session, "category", {"category": "普洱"}, tags["普洱"])
    set_enabled(session, rule, True)
    set_customer_tags(session, li, [tags["普洱"], tags["群友"]])
    assert _tags(session, li) == {tags["普洱"]: rule, tags["群友"]: None}
    add_tag(session, [li], tags["普洱"])  # tagged by hand: now the seller's
    assert _tags(session, li)[tags["普洱"]] is None


def test_age_auto_tags_runs_once_a_day(session: Session, add_customer: AddCustomer, tags: dict[str, int]) -> None:
    li = add_customer("李娜")
    save_purchase(session, li, TODAY - timedelta(days=80), "普洱", 1, "100")
    rule = save_rule(session, "no_purchase_days", {"days": 90}, tags["沉睡"])
    set_enabled(session, rule, True)
    assert _tags(session, li) == {}
    later = TODAY + timedelta(days=15)
    assert auto_tags.age_auto_tags(session, later) == 1
    assert _tags(session, li) == {tags["沉睡"]: rule}
    assert auto_tags.age_auto_tags(session, later) == 0


def test_list_rules_in_words(session: Session, add_customer: AddCustomer, tags: dict[str, int]) -> None:
    save_rule(session, "spend_12m", {"cents": 500000}, tags["高净值"])
    [info] = auto_tags.list_rules(session)
    assert info.condition == "近12个月消费满 ¥5,000"
    assert info.name == "近12个月消费满 ¥5,000 → 高净值"
    assert not info.enabled and info.tagged == 0 and info.problem == ""


def test_apply_rules_scopes_to_customers(session: Session, add_customer: AddCustomer, tags: dict[str, int]) -> None:
    a, b = add_customer("甲"), add_customer("乙")
    for cid in (a, b):
        save_purchase(session, cid, TODAY, "普洱", 1, "100")
    rule = save_rule(session, "category", {"category": "普洱"}, tags["普洱"])
    auto_tags.get_rule(session, rule).enabled = True
    session.flush()
    assert apply_rules(session, [a]) == {"added": 1, "removed": 0}
    assert _tags(session, b) == {}

"""标签组 / 标签: filtering by tags, single-choice groups, rename, merge and delete."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from services.customer_query import CustomerFilter, customer_ids, customer_rows
from services.customers import CustomerInput, create_customer, customer_tag_ids, live_count
from services.errors import UserError, ValidationError
from services.tags import (
    add_tag,
    delete_group,
    delete_tag,
    merge_tags,
    remove_tag,
    save_group,
    save_tag,
    set_customer_tags,
    tag_by_name,
    tag_tree,
)
from tests.services.helpers import AddCustomer


@pytest.fixture
def tags(session: Session) -> dict[str, int]:
    interest = save_group(session, "兴趣", multi=True)
    spend = save_group(session, "消费能力", multi=False)
    return {
        "茶": save_tag(session, interest, "茶"),
        "酒": save_tag(session, interest, "酒"),
        "香": save_tag(session, interest, "香"),
        "高": save_tag(session, spend, "高"),
        "中": save_tag(session, spend, "中"),
        "低": save_tag(session, spend, "低"),
        "group:兴趣": interest,
        "group:消费能力": spend,
    }


@pytest.fixture
def people(add_customer: AddCustomer, tags: dict[str, int]) -> dict[str, int]:
    """甲 茶+酒, 乙 茶, 丙 酒+香, 丁 no tags."""
    return {
        "甲": add_customer("甲", tag_ids=[tags["茶"], tags["酒"]]),
        "乙": add_customer("乙", tag_ids=[tags["茶"]]),
        "丙": add_customer("丙", tag_ids=[tags["酒"], tags["香"]]),
        "丁": add_customer("丁"),
    }


def _ids(session: Session, **kwargs: list[int]) -> set[int]:
    return set(customer_ids(session, CustomerFilter(**kwargs)))  # type: ignore[arg-type]


# ---- filters -------------------------------------------------------------------------------------


def test_all_of_any_of_none_of(session: Session, tags: dict[str, int], people: dict[str, int]) -> None:
    p, t = people, tags
    assert _ids(session, tags_all=[t["茶"], t["酒"]]) == {p["甲"]}
    assert _ids(session, tags_any=[t["茶"], t["香"]]) == {p["甲"], p["乙"], p["丙"]}
    assert _ids(session, tags_none=[t["酒"]]) == {p["乙"], p["丁"]}
    assert _ids(session, tags_none=[t["茶"], t["酒"]]) == {p["丁"]}
    assert _ids(session, tags_all=[t["酒"]], tags_none=[t["香"]]) == {p["甲"]}
    assert _ids(session, tags_any=[t["香"]], tags_all=[t["酒"]]) == {p["丙"]}
    assert _ids(session, tags_all=[t["高"]]) == set()


def test_tag_filter_and_search_combine(session: Session, tags: dict[str, int], people: dict[str, int]) -> None:
    assert set(customer_ids(session, CustomerFilter(text="乙", tags_any=[tags["茶"]]))) == {people["乙"]}
    assert customer_ids(session, CustomerFilter(text="丁", tags_any=[tags["茶"]])) == []


@pytest.mark.parametrize("by_id_max", [0, 25_000])
def test_tag_filters_list_the_same_customers_in_order_whichever_way_sqlite_reads_them(
        session: Session, tags: dict[str, int], people: dict[str, int], by_id_max: int,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Few tagged customers are read by id and sorted, many by walking the name index: same list."""
    import services.customer_query as cq
    from services.customers import trash_customers

    monkeypatch.setattr(cq, "BY_ID_MAX", by_id_max)
    trash_customers(session, [people["乙"]])
    t = tags
    by_name = customer_ids(session, CustomerFilter(tags_any=[t["茶"], t["酒"]]), "remark_name", False)
    assert by_name == [people["丙"], people["甲"]]  # bing before jia; 乙 is in the trash
    assert customer_ids(session, CustomerFilter(tags_all=[t["酒"]], tags_none=[t["香"]]), "remark_name", False) == [people["甲"]]
    assert customer_ids(session, CustomerFilter(tags_all=[t["茶"]]), "remark_name", True) == [people["甲"]]


def test_tag_counts_skip_the_trash(session: Session, tags: dict[str, int], people: dict[str, int]) -> None:
    from services.customers import trash_customers

    trash_customers(session, [people["甲"]])
    counts = {tag.name: tag.customers for group in tag_tree(session) for tag in group.tags}
    assert counts == {"茶": 1, "酒": 1, "香": 1, "高": 0, "中": 0, "低": 0}


def test_list_rows_show_tags_with_the_group_colour(
        session: Session, tags: dict[str, int], people: dict[str, int]) -> None:
    group = next(g for g in tag_tree(session) if g.name == "兴趣")
    row = customer_rows(session, [people["乙"]])[people["乙"]]
    assert row.tags == (("茶", group.color),)


# ---- single-choice groups ------------------------------------------------------------------------


def test_single_choice_tag_replaces_its_sibling(
        session: Session, tags: dict[str, int], people: dict[str, int]) -> None:
    add_tag(session, [people["甲"], people["乙"]], tags["高"])
    add_tag(session, [people["甲"]], tags["低"])
    assert set(customer_tag_ids(session, people["甲"])) == {tags["茶"], tags["酒"], tags["低"]}
    assert set(customer_tag_ids(session, people["乙"])) == {tags["茶"], tags["高"]}


def test_multi_choice_tags_add_up(session: Session, tags: dict[str, int], people: dict[str, int]) -> None:
    add_tag(session, [people["乙"]], tags["香"])
    add_tag(session, [people["乙"]], tags["香"])  # twice is harmless
    assert set(customer_tag_ids(session, people["乙"])) == {tags["茶"], tags["香"]}


def test_two_tags_of_a_single_choice_group_are_refused(
        session: Session, tags: dict[str, int], people: dict[str, int]) -> None:
    with pytest.raises(ValidationError) as caught:
        set_customer_tags(session, people["丁"], [tags["高"], tags["低"], tags["茶"]])
    assert "消费能力" in caught.value.fields["tags"]
    session.rollback()
    assert customer_tag_ids(session, people["丁"]) == []


def test_new_customer_with_two_single_choice_tags_is_refused(session: Session, tags: dict[str, int]) -> None:
    with pytest.raises(ValidationError):
        create_customer(session, CustomerInput(remark_name="戊"), [tags["高"], tags["中"]])
    session.rollback()
    assert live_count(session) == 0


def test_set_customer_tags_replaces_them(session: Session, tags: dict[str, int], people: dict[str, int]) -> None:
    set_customer_tags(session, people["甲"], [tags["香"], tags["中"]])
    assert set(customer_tag_ids(session, people["甲"])) == {tags["香"], tags["中"]}


def test_group_cannot_become_single_choice_while_a_customer_has_two_of_its_tags(
        session: Session, tags: dict[str, int], people: dict[str, int]) -> None:
    with pytest.raises(UserError) as caught:
        save_group(session, "兴趣", multi=False, group_id=tags["group:兴趣"])
    assert "2 位客户" in caught.value.message  # 甲 and 丙
    session.rollback()
    assert next(g for g in tag_tree(session) if g.name == "兴趣").multi is True


def test_group_can_become_single_choice_once_nobody_has_two(
        session: Session, tags: dict[str, int], people: dict[str, int]) -> None:
    remove_tag(session, [people["甲"], people["丙"]], tags["酒"])
    save_group(session, "兴趣", multi=False, group_id=tags["group:兴趣"])
    assert next(g for g in tag_tree(session) if g.name == "兴趣").multi is False


# ---- rename, merge, delete -----------------------------------------------------------------------


def test_rename_keeps_the_customers(session: Session, tags: dict[str, int], people: dict[str, int]) -> None:
    save_tag(session, tags["group:兴趣"], "茶叶", tag_id=tags["茶"])
    assert tag_by_name(session, "茶") is None
    assert _ids(session, tags_all=[tags["茶"]]) == {people["甲"], people["乙"]}
    assert customer_rows(session, [people["乙"]])[people["乙"]].tags[0][0] == "茶叶"


def test_merge_moves_customers_and_they_carry_the_target_once(
        session: Session, tags: dict[str, int], people: dict[str, int]) -> None:
    moved = merge_tags(session, tags["酒"], tags["茶"])
    assert moved == 2
    assert live_count(session) == 4
    assert _ids(session, tags_all=[tags["茶"]]) == {people["甲"], people["乙"], people["丙"]}
    assert sorted(customer_tag_ids(session, people["甲"])) == [tags["茶"]]
    assert tag_by_name(session, "兴趣/酒") is None


def test_merging_a_tag_into_itself_is_refused(session: Session, tags: dict[str, int]) -> None:
    with pytest.raises(UserError):
        merge_tags(session, tags["茶"], tags["茶"])


def test_delete_tag_keeps_the_customers(session: Session, tags: dict[str, int], people: dict[str, int]) -> None:
    delete_tag(session, tags["酒"])
    assert live_count(session) == 4
    assert customer_tag_ids(session, people["甲"]) == [tags["茶"]]
    assert customer_tag_ids(session, people["丙"]) == [tags["香"]]


def test_delete_group_keeps_the_customers(session: Session, tags: dict[str, int], people: dict[str, int]) -> None:
    delete_group(session, tags["group:兴趣"])
    assert live_count(session) == 4
    assert all(customer_tag_ids(session, cid) == [] for cid in people.values())
    assert [g.name for g in tag_tree(session)] == ["消费能力"]


@pytest.mark.parametrize("name", ["", "  ", "茶", "ｔｅａ"])
def test_tag_names_must_be_filled_and_unique_in_the_group(
        session: Session, tags: dict[str, int], name: str) -> None:
    save_tag(session, tags["group:兴趣"], "tea")  # "ｔｅａ" is the same name, typed full-width
    with pytest.raises(ValidationError) as caught:
        save_tag(session, tags["group:兴趣"], name)
    assert "name" in caught.value.fields


def test_same_tag_name_in_two_groups_is_allowed(session: Session, tags: dict[str, int]) -> None:
    other = save_tag(session, tags["group:消费能力"], "茶")
    assert tag_by_name(session, "消费能力/茶").id == other  # type: ignore[union-attr]
    assert tag_by_name(session, "兴趣/茶").id == tags["茶"]  # type: ignore[union-attr]


def test_group_names_are_unique(session: Session, tags: dict[str, int]) -> None:
    with pytest.raises(ValidationError):
        save_group(session, "兴趣")

"""自动标签, continued: a rule's tag taken off by hand stays off (and the preview says so) until the
seller clears the exclusions; rules follow an import's undo and a product's new category."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import CustomerTag
from services import auto_tags
from services.auto_tags import preview_rule, save_rule, set_enabled
from services.excel import columns, kinds, undo
from services.excel.engine import ImportOptions, run_import, suggest_mapping
from services.excel.kinds_groups import GROUP_COLUMNS, GROUP_CREATED_TABLES, GROUP_KIND_CLASSES, GROUP_LABELS
from services.groups import GroupInput, save_group
from services.products import ProductInput, create_product, purge_products, trash_products, update_product
from services.tags import remove_tag, save_tag, set_customer_tags
from services.tags import save_group as save_tag_group
from services.timeline import save_purchase
from tests.services.helpers import AddCustomer

TODAY = date.today()


@pytest.fixture
def tags(session: Session) -> dict[str, int]:
    interest = save_tag_group(session, "兴趣", multi=True)
    return {"普洱": save_tag(session, interest, "普洱"), "群友": save_tag(session, interest, "群友"),
            "岩茶": save_tag(session, interest, "岩茶")}


def _tags(session: Session, customer_id: int) -> dict[int, int | None]:
    return dict(session.execute(select(CustomerTag.tag_id, CustomerTag.auto_rule_id)
                                .where(CustomerTag.customer_id == customer_id)).all())


def _puer_rule(session: Session, tags: dict[str, int], *buyers: int) -> int:
    for cid in buyers:
        save_purchase(session, cid, TODAY, "普洱饼", 1, "100")
    rule = save_rule(session, "category", {"category": "普洱"}, tags["普洱"])
    set_enabled(session, rule, True)
    return rule


def test_a_tag_taken_off_by_hand_stays_off(session: Session, add_customer: AddCustomer,
                                           tags: dict[str, int]) -> None:
    li, wang = add_customer("李娜"), add_customer("王芳")
    rule = _puer_rule(session, tags, li, wang)
    remove_tag(session, [li], tags["普洱"])  # bulk, from the list
    set_customer_tags(session, wang, [tags["群友"]])  # the detail pane's tag picker
    auto_tags.run_now(session)
    save_purchase(session, li, TODAY, "普洱熟茶", 1, "50")  # rules run again after a purchase
    assert _tags(session, li) == {}
    assert _tags(session, wang) == {tags["群友"]: None}
    preview = preview_rule(session, auto_tags.get_rule(session, rule))
    assert (preview.would_add, preview.excluded) == (0, 2)
    assert "已手动去掉 2 位" in preview.summary()
    [info] = auto_tags.list_rules(session)
    assert info.excluded == 2 and info.tagged == 0


def test_clearing_the_exclusions_tags_them_again(session: Session, add_customer: AddCustomer,
                                                 tags: dict[str, int]) -> None:
    li = add_customer("李娜")
    rule = _puer_rule(session, tags, li)
    remove_tag(session, [li], tags["普洱"])
    assert auto_tags.clear_exclusions(session, rule) == 1
    assert _tags(session, li) == {tags["普洱"]: rule}
    assert preview_rule(session, auto_tags.get_rule(session, rule)).excluded == 0


def test_removing_a_hand_tag_records_no_exclusion(session: Session, add_customer: AddCustomer,
                                                  tags: dict[str, int]) -> None:
    li = add_customer("李娜", tag_ids=[tags["群友"]])
    _puer_rule(session, tags, li)
    remove_tag(session, [li], tags["群友"])
    assert [info.excluded for info in auto_tags.list_rules(session)] == [0]


def test_a_products_new_category_moves_the_tags(session: Session, add_customer: AddCustomer,
                                                tags: dict[str, int]) -> None:
    li = add_customer("李娜")
    product = create_product(session, ProductInput("金骏眉", category="红茶"))
    save_purchase(session, li, TODAY, "金骏眉", 1, "300", product_id=product)
    rule = save_rule(session, "category", {"category": "岩茶"}, tags["岩茶"])
    set_enabled(session, rule, True)
    assert _tags(session, li) == {}
    update_product(session, product, ProductInput("金骏眉", category="岩茶"))
    assert _tags(session, li) == {tags["岩茶"]: rule}
    trash_products(session, [product])
    purge_products(session, [product])  # the purchase's text alone does not say 岩茶
    assert _tags(session, li) == {}


@pytest.fixture
def group_kinds(monkeypatch: pytest.MonkeyPatch) -> None:
    """The 社群 page's Excel kinds, registered the way the app's page registry does."""
    for kind, cols in GROUP_COLUMNS.items():
        monkeypatch.setitem(columns.KINDS, kind, cols)
        monkeypatch.setitem(columns.KIND_LABELS, kind, GROUP_LABELS[kind])
        monkeypatch.setitem(kinds.KIND_CLASSES, kind, GROUP_KIND_CLASSES[kind])
    monkeypatch.setattr(undo, "CREATED_TABLES", (*GROUP_CREATED_TABLES, *undo.CREATED_TABLES))
    for model in GROUP_CREATED_TABLES:
        monkeypatch.setitem(undo.RECORD_TABLES, model.__tablename__, model)


def test_undoing_a_members_import_takes_the_group_tag_off(session: Session, add_customer: AddCustomer,
                                                          tags: dict[str, int], group_kinds: None) -> None:
    li = add_customer("李娜")
    group = save_group(session, GroupInput(name="茶友福利群"))
    rule = save_rule(session, "in_group", {"group_id": group}, tags["群友"])
    set_enabled(session, rule, True)
    headers = ["群名称", "客户"]
    result = run_import(session, "group-members", headers, [(2, ["茶友福利群", "李娜"])],
                        ImportOptions(suggest_mapping(session, "group-members", headers)), file_name="群成员.xlsx")
    assert result.created == 1 and _tags(session, li) == {tags["群友"]: rule}
    undo.undo_import(session, result.batch_id, force=True)
    assert _tags(session, li) == {}


@pytest.mark.parametrize("lookup", [auto_tags.NAMES_BY_LOOKUP, 0])
def test_preview_names_the_biggest_spenders(session: Session, add_customer: AddCustomer, tags: dict[str, int],
                                            monkeypatch: pytest.MonkeyPatch, lookup: int) -> None:
    """Both ways of finding the sample names (by id, or down the spending index) agree."""
    monkeypatch.setattr(auto_tags, "NAMES_BY_LOOKUP", lookup)
    spenders = {add_customer(f"客户{n}"): n for n in range(1, 11)}
    for cid, n in spenders.items():
        save_purchase(session, cid, TODAY, "普洱", 1, str(100 * n))
    add_customer("没买过")
    preview = preview_rule(session, auto_tags.RuleDraft("category", {"category": "普洱"}, tags["普洱"]))
    assert preview.would_add == 10
    assert preview.sample_add == tuple(f"客户{n}" for n in range(10, 10 - auto_tags.SAMPLE, -1))

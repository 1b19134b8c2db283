"""会员等级 in the customer list's filter bar, as a seller meets it: hidden until there are levels, then
the tiers from the lowest up and 未定级; choosing one shows those customers only."""

from __future__ import annotations

from datetime import date

from services import tiers
from services.customers import CustomerInput, create_customer
from services.timeline import save_purchase


def shown_ids(page) -> set[int]:
    return {page.model.customer_id(r) for r in range(page.model.rowCount())}


def test_the_list_filters_by_member_level(qtbot, main_window, ctx) -> None:
    with ctx.session() as session:
        ids = {name: create_customer(session, CustomerInput(remark_name=name)).id for name in ("张丽", "王芳", "李娜")}
        save_purchase(session, ids["张丽"], date.today(), "大红袍", 1, "3000")
        save_purchase(session, ids["王芳"], date.today(), "白茶", 1, "200")
    page = main_window.show_page("customers")
    combo = page.filter_bar.level
    assert not combo.isVisibleTo(page)  # no tier, no typed level: nothing to choose

    with ctx.session() as session:
        tiers.create_tier(session, tiers.TierInput("普通会员", "spend_12m", 10_000))
        tiers.create_tier(session, tiers.TierInput("银卡会员", "spend_12m", 100_000))
    ctx.customers_changed.emit([])  # what the 会员等级 tab says after an edit
    assert combo.isVisibleTo(page)
    assert [combo.itemText(i) for i in range(combo.count())] == ["全部等级", "普通会员", "银卡会员", "未定级"]

    combo.setCurrentIndex(combo.findText("银卡会员"))
    assert shown_ids(page) == {ids["张丽"]}
    assert page.filter_bar.clear_button.isEnabled()
    combo.setCurrentIndex(combo.findText("未定级"))
    assert shown_ids(page) == {ids["李娜"]}
    page.filter_bar.clear_button.click()
    assert combo.currentText() == "全部等级" and shown_ids(page) == set(ids.values())

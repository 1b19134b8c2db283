"""The customer list as a seller uses it: search, filter, sort, select, bulk actions, smart lists."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt

from services import customer_query as cq
from services.customers import CustomerInput, create_customer, list_trash
from services.tags import save_group, save_tag
from services.timeline import save_note, save_purchase


@pytest.fixture
def book(ctx):
    """张丽 (高, 普洱, ¥3,000), 赵磊 (低, ¥100), 王芳 (高, no purchase, a note about 熟普)."""
    with ctx.session() as s:
        level = save_group(s, "消费能力", multi=False)
        high, low = save_tag(s, level, "高"), save_tag(s, level, "低")
        tea = save_tag(s, save_group(s, "兴趣"), "普洱")
        zl = create_customer(s, CustomerInput(remark_name="张丽", phone="13800138000"), [high, tea]).id
        zhao = create_customer(s, CustomerInput(remark_name="赵磊"), [low]).id
        wf = create_customer(s, CustomerInput(remark_name="王芳"), [high]).id
        save_purchase(s, zl, date(2026, 3, 1), "普洱茶饼", 1, "3000")
        save_purchase(s, zhao, date(2026, 3, 2), "白茶", 1, "100")
        save_note(s, wf, "喜好", "只喝熟普，怕凉")
    return {"张丽": zl, "赵磊": zhao, "王芳": wf, "高": high, "低": low, "普洱": tea}


@pytest.fixture
def page(qtbot, ctx, book):
    from ui.customers.page import CustomersPage

    widget = CustomersPage(ctx)
    qtbot.addWidget(widget)
    widget.resize(1300, 800)
    widget.show()
    return widget


def names(page) -> list[str]:
    model = page.model
    return [model.data(model.index(row, 0)) for row in range(model.rowCount())]


def test_list_shows_every_customer_with_tags_and_totals(page):
    assert sorted(names(page)) == ["张丽", "王芳", "赵磊"]
    model = page.model
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers[:9] == ["备注名", "微信号", "手机", "标签", "阶段", "最近购买", "累计消费", "下次跟进", "来源"]
    zl_row = page.model.row_of(page.model.ids[names(page).index("张丽")])
    assert model.data(model.index(zl_row, 3)) == "高、普洱"
    assert model.data(model.index(zl_row, 6)) == "¥3,000"
    assert "共 3 位客户" in page.count_label.text()


def test_typing_in_search_filters_by_pinyin_and_note_text(qtbot, page, type_text):
    type_text(page.filter_bar.search, "zl")
    qtbot.waitUntil(lambda: sorted(names(page)) == ["张丽", "赵磊"])
    page.filter_bar.search.clear()
    type_text(page.filter_bar.search, "熟普")  # two characters: the notes are scanned in the background
    qtbot.waitUntil(lambda: names(page) == ["王芳"])
    type_text(page.filter_bar.search, "绿茶")
    qtbot.waitUntil(lambda: page.list_stack.currentWidget() is page.no_match)


def test_tag_filter_all_any_none(page, ctx, book):
    from ui.customers.filter_bar import TagFilterDialog

    dialog = TagFilterDialog(ctx, page.filter_bar.filter, page)
    dialog.set_mode(book["高"], "all")
    dialog.set_mode(book["普洱"], "none")
    page.filter_bar._set(dialog.apply_to(page.filter_bar.filter))
    assert names(page) == ["王芳"]
    assert page.filter_bar.tags_button.text() == "标签筛选 (2)"


def test_sorting_by_total_spent_happens_in_sql(qtbot, page):
    column = [c.key for c in page.model.columns].index("total_spent")
    page.table.horizontalHeader().setSortIndicator(column, Qt.SortOrder.DescendingOrder)
    assert names(page) == ["张丽", "赵磊", "王芳"]  # nothing spent: last
    page.table.horizontalHeader().setSortIndicator(column, Qt.SortOrder.AscendingOrder)
    assert names(page) == ["赵磊", "张丽", "王芳"]  # empty still last


def test_the_list_fetches_rows_by_window_not_per_cell(page):
    page.table.viewport().repaint()
    assert page.model.queries == 1


def test_selecting_a_row_shows_the_customer(qtbot, page, book):
    page.select_customer(book["赵磊"])
    assert page.detail.current_customer_id() == book["赵磊"]


def test_bulk_tag_and_delete_to_trash(qtbot, page, ctx, book, monkeypatch):
    import ui.customers.page as page_module

    page.table.selectAll()
    assert "已选 3 位" in page.count_label.text()
    monkeypatch.setattr(page_module, "choose_tag", lambda *_args: book["普洱"])
    page.bulk_tag()
    with ctx.session() as s:
        assert len(cq.customer_ids(s, cq.CustomerFilter(tags_all=[book["普洱"]]))) == 3
    qtbot.waitUntil(lambda: all("普洱" in (page.model.data(page.model.index(r, 3)) or "") for r in range(3)))

    monkeypatch.setattr(page_module, "confirm", lambda *_args: False)
    page.bulk_delete()
    assert len(names(page)) == 3  # said no: nothing deleted
    page.select_customer(book["赵磊"])
    monkeypatch.setattr(page_module, "confirm", lambda *_args: True)
    page.bulk_delete()
    assert sorted(names(page)) == ["张丽", "王芳"]
    with ctx.session() as s:
        assert [t.name for t in list_trash(s)] == ["赵磊"]


def test_smart_list_saves_and_restores_a_filter(qtbot, page, book):
    page.filter_bar.set_filter(cq.CustomerFilter(tags_all=[book["高"]]))
    page.filter_bar.save_smart_list("高消费")
    page.filter_bar.set_filter(cq.CustomerFilter())
    assert len(names(page)) == 3
    index = page.filter_bar.smart.findText("高消费")
    page.filter_bar.smart.setCurrentIndex(index)
    page.filter_bar.smart.activated.emit(index)
    assert sorted(names(page)) == ["张丽", "王芳"]


def test_empty_store_explains_what_to_do(qtbot, ctx):
    from ui.customers.page import CustomersPage

    widget = CustomersPage(ctx)
    qtbot.addWidget(widget)
    assert widget.list_stack.currentWidget() is widget.empty
    assert "新建客户" in widget.empty.text.text()


def test_hidden_columns_and_splitter_are_remembered(qtbot, page, ctx):
    from ui.customers.page import CustomersPage

    page.table.horizontalHeader().setSectionHidden(8, True)  # 来源
    page.save_state()
    again = CustomersPage(ctx)
    qtbot.addWidget(again)
    assert again.table.horizontalHeader().isSectionHidden(8)


def test_ctrl_k_search_from_anywhere(qtbot, main_window, book):
    qtbot.keyClick(main_window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert main_window.search.hasFocus() or main_window.search.isVisible()
    qtbot.keyClicks(main_window.search, "wangfang")
    qtbot.keyClick(main_window.search, Qt.Key.Key_Return)
    page = main_window.page("customers")
    assert main_window.stack.currentWidget() is page
    qtbot.waitUntil(lambda: names(page) == ["王芳"])

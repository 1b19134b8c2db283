"""分层 as a seller meets it: the charts page, 设置 → 分层, the list's columns and filter, the detail line."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication

from models import Customer
from services.customers import CustomerInput, create_customer
from services.timeline import save_purchase


@pytest.fixture
def buyers(ctx) -> dict[str, int]:
    """Four customers: 张丽 bought twice recently (¥800 each), 赵磊 twice 120 days ago, 王芳 once, 李娜 never."""
    today = date.today()
    with ctx.session() as session:
        ids = {name: create_customer(session, CustomerInput(remark_name=name)).id for name in ("张丽", "赵磊", "王芳", "李娜")}
        for days in (5, 20):
            save_purchase(session, ids["张丽"], today - timedelta(days=days), "普洱", 1, "800")
        for days in (120, 150):
            save_purchase(session, ids["赵磊"], today - timedelta(days=days), "白茶", 1, "800")
        save_purchase(session, ids["王芳"], today - timedelta(days=40), "岩茶", 1, "300")
    return ids


def bars(chart) -> dict[str, int]:
    """What a chart draws: category → bar length, top to bottom."""
    assert chart.horizontal and len(chart.series) == 1
    return {name: int(value) for name, value in zip(chart.categories, chart.series[0][1], strict=True)}


def loyalty_of(ctx, customer_id: int) -> str:
    with ctx.session() as session:
        customer = session.get(Customer, customer_id)
        assert customer is not None
        return customer.loyalty_type


def test_the_charts_show_the_counts_and_a_bar_leads_to_its_customers(qtbot, main_window, ctx, buyers) -> None:
    page = main_window.show_page("layers")
    assert bars(page.loyalty_chart) == {"未归类": 1, "低需求": 2, "需求型": 1, "羊毛型": 0, "忠实型": 0}
    assert bars(page.stage_chart)["潜在"] == 1 and bars(page.stage_chart)["复购"] == 2
    rfm = bars(page.rfm_chart)
    assert rfm["未购买"] == 1 and sum(rfm.values()) == 4
    assert list(bars(page.rfm_chart))[0] == "重要价值"  # the first segment is on top
    assert "共 4 位客户" in page.summary.text()

    chart = page.loyalty_chart  # a click on the 需求型 row (third from the top) explains that group
    chart.resize(400, 300)
    plot, _ticks = chart._geometry()
    row = plot.top() + plot.height() * 2.5 / len(chart.categories)
    qtbot.mouseClick(chart, Qt.MouseButton.LeftButton, pos=QPoint(int(plot.left() + 5), int(row)))
    assert page.detail_title.text() == "需求型：1 位（25.0%）"
    assert "3个月" in page.detail_text.text()
    qtbot.mouseClick(page.show_button, Qt.MouseButton.LeftButton)
    customers = main_window.stack.currentWidget()
    assert [customers.model.customer_id(r) for r in range(customers.model.rowCount())] == [buyers["赵磊"]]
    assert customers.filter_bar.layers_button.text() == "分层：需求型"


def test_recompute_button_runs_in_the_background(qtbot, main_window, ctx, buyers) -> None:
    page = main_window.show_page("layers")
    from sqlalchemy import update

    with ctx.session() as session:
        session.execute(update(Customer).values(loyalty_type="", rfm_segment=""))
        session.commit()
    page.reload()
    assert bars(page.loyalty_chart)["低需求"] == 0
    with qtbot.waitSignal(ctx.customers_changed, timeout=10_000):
        qtbot.mouseClick(page.recompute_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bars(page.loyalty_chart)["低需求"] == 2)
    assert page.recompute_button.isEnabled()


def test_changing_a_threshold_recomputes_every_customer(qtbot, main_window, ctx, buyers) -> None:
    settings = main_window.show_page("settings")
    section = settings.show_section("layers")
    assert loyalty_of(ctx, buyers["张丽"]) == ""
    spin = section.spins["loyalty.bargain_ticket_yuan"]
    assert spin.value() == 100 and spin.suffix() == " 元"
    assert not section.save_button.isEnabled()
    spin.setValue(801)  # 张丽's average ticket is ¥800: now below the line
    assert section.save_button.isEnabled()
    with qtbot.waitSignal(section.recomputed, timeout=10_000) as done:
        qtbot.mouseClick(section.save_button, Qt.MouseButton.LeftButton)
    assert done.args[0] is not None and done.args[0].full
    assert loyalty_of(ctx, buyers["张丽"]) == "羊毛型"
    assert loyalty_of(ctx, buyers["赵磊"]) == "羊毛型"  # also low-ticket; 羊毛型 comes before 需求型
    assert section.status.text() == "已保存并重新计算"
    assert bars(main_window.show_page("layers").loyalty_chart)["羊毛型"] == 2

    with qtbot.waitSignal(section.recomputed, timeout=10_000):
        qtbot.mouseClick(section.defaults_button, Qt.MouseButton.LeftButton)  # 恢复默认 saves and recomputes
    assert spin.value() == 100
    assert loyalty_of(ctx, buyers["张丽"]) == "" and loyalty_of(ctx, buyers["赵磊"]) == "需求型"


def test_lost_days_must_exceed_sleeping_days(qtbot, main_window, ctx) -> None:
    section = main_window.show_page("settings").show_section("layers")
    section.spins["stage.lost_days"].setValue(100)
    qtbot.mouseClick(section.save_button, Qt.MouseButton.LeftButton)
    error = section.errors["stage.lost_days"]
    assert error.isVisible() and "要比沉睡的天数（180）多" in error.text()
    from services import settings_store
    from services.stages import LOST_DAYS_SETTING

    with ctx.session() as session:
        assert settings_store.get(session, LOST_DAYS_SETTING) == 365
    qtbot.mouseClick(section.revert_button, Qt.MouseButton.LeftButton)
    assert section.spins["stage.lost_days"].value() == 365 and not error.isVisible()


def test_list_columns_hidden_at_first_filter_and_detail_line(qtbot, main_window, ctx, buyers) -> None:
    page = main_window.show_page("customers")
    keys = [c.key for c in page.model.columns]
    segment_col, loyalty_col = keys.index("rfm_segment"), keys.index("loyalty_type")
    assert page.table.isColumnHidden(segment_col) and page.table.isColumnHidden(loyalty_col)
    row = page.model.row_of(buyers["赵磊"])
    assert page.model.index(row, loyalty_col).data() == "需求型"
    assert page.model.index(row, segment_col).data() in {"重要唤回", "重要挽留", "一般维持", "流失"}

    button = page.filter_bar.layers_button
    button.menu().aboutToShow.emit()
    button.loyalty_actions["低需求"].trigger()
    shown = {page.model.customer_id(r) for r in range(page.model.rowCount())}
    assert shown == {buyers["王芳"], buyers["李娜"]}
    button.segment_actions["未购买"].trigger()
    assert [page.model.customer_id(r) for r in range(page.model.rowCount())] == [buyers["李娜"]]
    assert button.text() == "分层：未购买·低需求"
    button.segment_actions[""].trigger()
    button.loyalty_actions[""].trigger()
    assert page.model.rowCount() == 4 and button.text() == "分层"

    page.select_customer(buyers["赵磊"])
    line = page.detail.layers_line
    assert line.isVisible()
    assert "需求型" in line.text() and "自动计算" in line.text()
    assert "不能手动修改" in line.toolTip()
    QApplication.processEvents()

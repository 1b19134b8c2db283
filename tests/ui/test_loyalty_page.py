"""The 会员 page used the way a seller uses it: add a product, record a purchase picking it and see the
points rise on the customer page, define a tier and see the customer's 会员等级 change; points by hand."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from services import points as pts
from services import products as prod
from services.customers import CustomerInput, create_customer


def click(qtbot, button: QPushButton) -> None:
    assert button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


@pytest.fixture
def page(qtbot, main_window):
    return main_window.show_page("loyalty")


@pytest.fixture
def customer_id(ctx) -> int:
    with ctx.session() as session:
        return create_customer(session, CustomerInput(remark_name="王芳", phone="13800138000")).id


def test_tabs_and_empty_states(page):
    from ui.loyalty.page import TABS

    assert [page.tabs.tabText(i) for i in range(page.tabs.count())][:3] == ["商品", "积分", "会员等级"]
    assert [key for key, _title, _factory in TABS][:3] == ["products", "points", "tiers"]
    products = page.show_tab("products")
    assert products.empty.isVisible() and not products.table.isVisible()
    tiers = page.show_tab("tiers")
    assert tiers.empty.isVisible()


def test_product_purchase_points_and_tier(qtbot, ctx, main_window, page, customer_id, type_text):
    # 1. a product, through its dialog (Ctrl+N on the tab)
    products = page.show_tab("products")
    products.new_product()
    dialog = products.dialog
    type_text(dialog.name, "冰岛古树生普")
    type_text(dialog.category.lineEdit(), "普洱")
    dialog.price.setText("abc")
    dialog.save()
    assert dialog.isVisible() and "abc" in dialog.errors["price_cents"].text()
    dialog.price.setText("1680")
    dialog.has_cycle.setChecked(True)
    dialog.cycle.setValue(60)
    dialog.save()
    assert not dialog.isVisible()
    assert products.table.isVisible() and products.table.item(0, 0).text() == "冰岛古树生普"
    assert products.table.item(0, 3).text() == "60 天"

    # 2. a purchase on the customer page that picks it: the points rise in the header
    customers = main_window.show_page("customers")
    customers.select_customer(customer_id)
    detail = customers.detail
    assert "积分 <b>0</b>" in detail.points_label.text()
    click(qtbot, detail.timeline.purchase_button)
    purchase = detail.timeline.dialog
    assert purchase.product_combo.findText("冰岛古树生普") > 0  # the catalogue is in the picker
    purchase.product_combo.setCurrentIndex(purchase.product_combo.findText("冰岛古树生普"))
    qtbot.keyClicks(purchase.amount, "1,680")
    click(qtbot, purchase.save_button)
    assert "积分 <b>1,680</b>" in detail.points_label.text()
    assert "会员等级" not in detail.points_label.text()  # no tiers yet
    products = page.show_tab("products")
    products.reload()
    assert products.table.item(0, 5).text() == "1"  # sold: 1 unit
    with ctx.session() as session:
        assert [r.units for r in prod.list_products(session)] == [1]

    # 3. a tier on 12-month spending: the customer's 会员等级 shows it
    main_window.show_page("loyalty")
    tiers = page.show_tab("tiers")
    tiers.new_tier()
    editor = tiers.dialog
    type_text(editor.name, "金卡会员")
    editor.basis.setCurrentIndex(editor.basis.findData("spend_12m"))
    editor.money.setText("1000")
    editor.save()
    assert not editor.isVisible()
    assert tiers.table.item(0, 1).text() == "金卡会员" and tiers.table.item(0, 4).text() == "1"
    main_window.show_page("customers")
    assert "会员等级 <b>金卡会员</b>" in detail.points_label.text()
    # raising the bar above her spending takes it away
    tiers.table.selectRow(0)
    tiers.edit_tier()
    tiers.dialog.money.setText("2000")
    tiers.dialog.save()
    assert "会员等级" not in detail.points_label.text()


def test_points_by_hand_and_the_refusal(qtbot, ctx, page, customer_id):
    with ctx.session() as session:
        pts.add_points(session, customer_id, 100, "checkin")
    points = page.show_tab("points")
    points.reload()
    assert points.table.item(0, 0).text() == "王芳" and points.table.item(0, 1).text() == "100"
    assert "王芳" in points.ledger.heading.text()
    dialog = points.ledger.add(spend=True)
    dialog.points.setValue(150)
    dialog.save()
    assert dialog.isVisible() and "只有 100 积分" in dialog.errors["points"].text()
    dialog.points.setValue(60)
    dialog.note.setText("兑换小青柑")
    dialog.save()
    assert not dialog.isVisible()
    assert points.table.item(0, 1).text() == "40"
    assert points.ledger.table.item(0, 1).text() == "-60"


def test_customer_ledger_dialog(qtbot, ctx, main_window, customer_id):
    customers = main_window.show_page("customers")
    customers.select_customer(customer_id)
    detail = customers.detail
    ledger = detail.open_points()
    add = ledger.view.add()
    add.points.setValue(25)
    add.save()
    assert "积分 <b>25</b>" in ledger.view.heading.text()
    assert "积分 <b>25</b>" in detail.points_label.text()
    ledger.close()

"""商品目录: CRUD and validation, matching purchases to the catalogue, sales figures, the sales report,
the trash, and repurchase reminders from a product's own cycle."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Purchase
from services import products as prod
from services.errors import ValidationError
from services.repurchase import product_due, repurchases_due
from services.timeline import delete_purchase, save_purchase
from services.trash import list_trashed_records, restore_records
from tests.services.helpers import AddCustomer

TODAY = date.today()


def product(session: Session, name: str, category: str = "普洱", price: int = 128000, cycle: int | None = 60) -> int:
    return prod.create_product(session, prod.ProductInput(name, category, price, cycle))


def test_validation_names_each_bad_field(session: Session) -> None:
    product(session, "大红袍")
    with pytest.raises(ValidationError) as caught:
        prod.create_product(session, prod.ProductInput(" 大红袍 ", "岩茶", -1, 0))
    assert set(caught.value.fields) == {"name", "price_cents", "cycle_days"}
    assert "已经有" in caught.value.fields["name"]
    with pytest.raises(ValidationError) as caught:
        prod.create_product(session, prod.ProductInput("", cycle_days=3651))
    assert set(caught.value.fields) == {"name", "cycle_days"}
    prod.create_product(session, prod.ProductInput("白牡丹", cycle_days=3650))  # the edges are allowed
    prod.create_product(session, prod.ProductInput("寿眉", cycle_days=1))


def test_a_trashed_name_is_named_as_such(session: Session) -> None:
    pid = product(session, "大红袍")
    prod.trash_products(session, [pid])
    with pytest.raises(ValidationError, match="回收站"):
        product(session, "大红袍")


def test_list_filters_and_sales_figures(session: Session, add_customer: AddCustomer) -> None:
    cake = product(session, "冰岛古树生普 357g", "普洱", 168000)
    tea = product(session, "寿眉饼", "白茶", 29800)
    prod.update_product(session, tea, prod.ProductInput("寿眉饼", "白茶", 29800, None, "老白茶", active=False))
    a, b = add_customer("张丽"), add_customer("王芳")
    save_purchase(session, a, TODAY - timedelta(days=3), "冰岛古树生普 357g", 2, "3360")
    save_purchase(session, b, TODAY - timedelta(days=1), "冰岛古树生普 357g", 1, "1680")
    gone = save_purchase(session, b, TODAY, "冰岛古树生普 357g", 5, "8400")
    delete_purchase(session, gone)
    rows = {r.name: r for r in prod.list_products(session)}
    assert (rows["冰岛古树生普 357g"].units, rows["冰岛古树生普 357g"].revenue_cents,
            rows["冰岛古树生普 357g"].buyers, rows["冰岛古树生普 357g"].last_sold_on) == (3, 504000, 2, TODAY - timedelta(days=1))
    assert rows["寿眉饼"].units == 0 and rows["寿眉饼"].cycle_days is None
    assert [r.id for r in prod.list_products(session, active=True)] == [cake]
    assert [r.id for r in prod.list_products(session, category="白茶")] == [tea]
    assert [r.id for r in prod.list_products(session, text="老白")] == [tea]
    assert prod.categories(session) == sorted(["普洱", "白茶"])


def test_match_exact_then_longest_contained(session: Session) -> None:
    red = product(session, "大红袍", "岩茶")
    gift = product(session, "大红袍礼盒", "岩茶")
    rou = product(session, "肉桂", "岩茶")
    assert prod.match_product(session, "大红袍") == red
    assert prod.match_product(session, "大红袍礼盒") == gift
    assert prod.match_product(session, "  2023 大红袍礼盒（送礼）") == gift  # longest name contained wins
    assert prod.match_product(session, "牛栏坑肉桂 100g") == rou
    assert prod.match_product(session, "白牡丹") is None


def test_saving_a_purchase_picks_or_matches_the_product(session: Session, add_customer: AddCustomer) -> None:
    red = product(session, "大红袍", "岩茶")
    other = product(session, "肉桂", "岩茶")
    cid = add_customer("张丽")
    matched = save_purchase(session, cid, TODAY, "大红袍 250g", 1, "880")
    picked = save_purchase(session, cid, TODAY, "朋友送的茶", 1, "100", product_id=other)
    free = save_purchase(session, cid, TODAY, "茶宠", 1, "50")
    links = {pid: prod_id for pid, prod_id in session.execute(select(Purchase.id, Purchase.product_id))}
    assert (links[matched], links[picked], links[free]) == (red, other, None)


def test_link_purchases_in_bulk(session: Session, add_customer: AddCustomer) -> None:
    cid = add_customer("张丽")
    ids = [save_purchase(session, cid, TODAY, text, 1, "100") for text in ("正岩肉桂 250g", "肉桂", "白茶", "正岩肉桂 250g")]
    rou = product(session, "肉桂", "岩茶")
    assert prod.link_purchases(session, ids[:1]) == 1  # only the ids asked for
    assert prod.link_purchases(session) == 2  # the rest that name it; 白茶 stays free text
    session.commit()
    links = {pid: prod_id for pid, prod_id in session.execute(select(Purchase.id, Purchase.product_id))}
    assert [links[i] for i in ids] == [rou, rou, None, rou]
    assert prod.link_purchases(session) == 0


def test_sales_report_by_product_and_category(session: Session, add_customer: AddCustomer) -> None:
    product(session, "大红袍", "岩茶")
    product(session, "肉桂", "岩茶")
    a, b = add_customer("张丽"), add_customer("王芳")
    save_purchase(session, a, TODAY, "大红袍", 1, "880")
    save_purchase(session, a, TODAY, "肉桂", 2, "1160")
    save_purchase(session, b, TODAY, "肉桂", 1, "580")
    save_purchase(session, b, TODAY, "茶宠", 1, "50")
    save_purchase(session, b, TODAY - timedelta(days=400), "肉桂", 1, "580")  # outside the dates
    report = prod.sales_report(session, TODAY - timedelta(days=30), TODAY)
    assert [(p.name, p.units, p.orders, p.revenue_cents, p.buyers) for p in report.products] == [
        ("肉桂", 3, 2, 174000, 2), ("大红袍", 1, 1, 88000, 1), ("未关联商品", 1, 1, 5000, 1)]
    assert [(c.name, c.revenue_cents, c.buyers) for c in report.categories] == [("岩茶", 262000, 2), ("未关联商品", 5000, 1)]
    assert (report.revenue_cents, report.orders) == (267000, 4)


def test_trash_and_restore(session: Session) -> None:
    pid = product(session, "大红袍", "岩茶")
    prod.trash_products(session, [pid])
    assert prod.list_products(session) == []
    trashed = [r for r in list_trashed_records(session) if r.kind == "product"]
    assert [(r.id, r.customer_name) for r in trashed] == [(pid, "大红袍")]
    restore_records(session, [("product", pid)])
    assert [r.id for r in prod.list_products(session)] == [pid]


def test_repurchase_due_from_the_products_cycle(session: Session, add_customer: AddCustomer) -> None:
    """A purchase of a cycled product is due at purchased_on + cycle_days; the keyword cycles (普洱, 60
    days) no longer count it; a later purchase of the same product clears it."""
    cake = product(session, "冰岛古树生普 357g", "普洱", cycle=30)
    due, later, keyword = add_customer("张丽"), add_customer("王芳"), add_customer("赵磊")
    bought = TODAY - timedelta(days=30)
    save_purchase(session, due, bought, "冰岛古树生普 357g", 1, "1680")
    save_purchase(session, later, bought, "冰岛古树生普 357g", 1, "1680")
    save_purchase(session, later, TODAY - timedelta(days=2), "冰岛古树生普 357g", 1, "1680")
    save_purchase(session, keyword, TODAY - timedelta(days=60), "熟普茶砖", 1, "128")  # the 普洱 keyword cycle
    found = product_due(session, TODAY, TODAY)
    assert [(r.customer_id, r.cycle_id, r.due, r.days) for r in found] == [(due, -cake, TODAY, 30)]
    everything = repurchases_due(session, TODAY - timedelta(days=3), TODAY)
    assert {r.customer_id for r in everything} == {due, keyword}
    assert not [r for r in everything if r.customer_id == due and r.cycle_id > 0]  # no keyword reminder too
    # no cycle on the product: back to the keyword cycles (60 days: not due yet at 30)
    prod.update_product(session, cake, prod.ProductInput("冰岛古树生普 357g", "普洱", 168000, None))
    assert due not in {r.customer_id for r in repurchases_due(session, TODAY - timedelta(days=3), TODAY)}


def test_a_customer_in_the_trash_is_not_due_and_is_again_once_restored(session: Session,
                                                                        add_customer: AddCustomer) -> None:
    from services.customers import restore_customers, trash_customers

    product(session, "肉桂", "岩茶", cycle=10)
    kept, trashed = add_customer("张丽"), add_customer("王芳")
    for cid in (kept, trashed):
        save_purchase(session, cid, TODAY - timedelta(days=10), "肉桂", 1, "580")
    trash_customers(session, [trashed])
    assert [r.customer_id for r in product_due(session, TODAY, TODAY)] == [kept]
    assert [r.customer_id for r in product_due(session, TODAY, TODAY, customer_ids=[kept, trashed])] == [kept]
    restore_customers(session, [trashed])
    assert sorted(r.customer_id for r in product_due(session, TODAY, TODAY)) == sorted([kept, trashed])


def test_today_shows_product_repurchase_and_done_sticks(session: Session, add_customer: AddCustomer) -> None:
    from services.today import complete_item, today_list

    product(session, "肉桂", "岩茶", cycle=10)
    cid = add_customer("张丽")
    save_purchase(session, cid, TODAY - timedelta(days=10), "肉桂", 1, "580")
    items = [i for i in today_list(session, TODAY).items if i.kind == "repurchase"]
    assert [(i.customer_id, i.title) for i in items] == [(cid, "该复购了：肉桂")]
    complete_item(session, items[0], "已下单")
    assert not [i for i in today_list(session, TODAY).items if i.kind == "repurchase"]


def test_the_reminder_names_the_latest_purchases_own_words(session: Session, add_customer: AddCustomer) -> None:
    """Two purchases of the same catalogue product typed differently: the reminder quotes the later
    one (the one it is due from), not the earlier one nor the catalogue name."""
    cake = product(session, "冰岛古树生普 357g", "普洱", cycle=30)
    cid = add_customer("张丽")
    save_purchase(session, cid, TODAY - timedelta(days=45), "冰岛 一饼试喝", 1, "1680", product_id=cake)
    save_purchase(session, cid, TODAY - timedelta(days=30), "冰岛整提七饼", 7, "11760", product_id=cake)
    save_purchase(session, cid, TODAY - timedelta(days=38), "冰岛 两饼", 2, "3360", product_id=cake)
    found = product_due(session, TODAY - timedelta(days=3), TODAY)
    assert [(r.customer_id, r.product, r.purchased_on) for r in found] == [
        (cid, "冰岛整提七饼", TODAY - timedelta(days=30))]

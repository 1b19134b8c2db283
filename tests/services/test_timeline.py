"""Notes, purchases and follow-ups, and the totals and stage they keep on the customer."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from services.customer_query import CustomerFilter, CustomerRow, customer_ids, customer_rows
from services.customers import bulk_set_follow_up
from services.errors import ValidationError
from services.stages import stage_for
from services.timeline import (
    complete_follow_up,
    delete_follow_up,
    delete_purchase,
    money,
    parse_money,
    refresh_aggregates,
    save_follow_up,
    save_note,
    save_purchase,
    set_note_pinned,
    timeline,
)
from tests.services.helpers import AddCustomer


@pytest.fixture
def cid(add_customer: AddCustomer) -> int:
    return add_customer("张丽")


def _row(session: Session, customer_id: int) -> CustomerRow:
    """What the customer list shows for her, read fresh from the database."""
    session.expire_all()
    return customer_rows(session, [customer_id])[customer_id]


# ---- money ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "cents"), [
    ("￥1,280.50元", 128050), ("¥ 99", 9900), ("１２８０", 128000), ("0.5", 50), ("", 0), ("1，000", 100000),
])
def test_parse_money(typed: str, cents: int) -> None:
    assert parse_money(typed) == cents


@pytest.mark.parametrize("typed", ["abc", "-5", "1.2.3", "十元", "NaN", "inf", "12345678901234567890", "123456789012345678901234567890"])
def test_a_bad_amount_is_refused_and_nothing_is_saved(session: Session, cid: int, typed: str) -> None:
    with pytest.raises(ValidationError) as caught:
        save_purchase(session, cid, date(2026, 1, 1), "普洱", 1, typed)
    assert list(caught.value.fields) == ["amount"]
    session.rollback()
    assert timeline(session, cid) == []


def test_money_is_shown_in_yuan() -> None:
    assert (money(128050), money(128000), money(5)) == ("¥1,280.50", "¥1,280", "¥0.05")


# ---- purchases -----------------------------------------------------------------------------------


def test_purchases_keep_totals_and_last_purchase(session: Session, cid: int) -> None:
    first = save_purchase(session, cid, date(2026, 3, 1), "普洱", 2, "￥560")
    second = save_purchase(session, cid, date(2026, 5, 1), "白茶", 1, "1,280.50")
    row = _row(session, cid)
    assert (row.total_spent_cents, row.last_purchase_on) == (184050, date(2026, 5, 1))
    save_purchase(session, cid, date(2026, 2, 1), "白茶", 1, "1,000", purchase_id=second)
    row = _row(session, cid)
    assert (row.total_spent_cents, row.last_purchase_on) == (156000, date(2026, 3, 1))
    delete_purchase(session, first)
    row = _row(session, cid)
    assert (row.total_spent_cents, row.last_purchase_on) == (100000, date(2026, 2, 1))


def test_purchase_form_is_checked(session: Session, cid: int) -> None:
    with pytest.raises(ValidationError) as caught:
        save_purchase(session, cid, date.today() + timedelta(days=1), " ", 0, "100")
    assert set(caught.value.fields) == {"product", "purchased_on", "quantity"}
    with pytest.raises(ValidationError) as caught:
        save_purchase(session, cid, None, "普洱", 1, "100")
    assert set(caught.value.fields) == {"purchased_on"}


def test_purchase_count_and_stage_follow_purchases(session: Session, cid: int) -> None:
    today = date.today()
    assert _row(session, cid).stage == "潜在"
    save_purchase(session, cid, today - timedelta(days=3), "普洱", 1, "100")
    assert _row(session, cid).stage == "新客"
    save_purchase(session, cid, today, "白茶", 1, "100")
    assert _row(session, cid).stage == "复购"
    save_purchase(session, cid, today, "礼盒", 1, "10000")
    assert _row(session, cid).stage == "VIP"
    session.expire_all()
    assert customer_ids(session, CustomerFilter(stage="VIP")) == [cid]
    for purchase in [p.id for p in timeline(session, cid) if p.kind == "purchase"]:
        delete_purchase(session, purchase)
    assert _row(session, cid).stage == "潜在"


def test_manual_stage_wins_over_the_computed_one(session: Session, add_customer: AddCustomer) -> None:
    cid = add_customer("张丽", stage_override="VIP")
    row = _row(session, cid)
    assert (row.stage, row.stage_is_manual) == ("VIP", True)
    assert customer_ids(session, CustomerFilter(stage="VIP")) == [cid]
    assert customer_ids(session, CustomerFilter(stage="潜在")) == []


# ---- stages --------------------------------------------------------------------------------------

TODAY = date(2026, 6, 30)


def _days_ago(n: int) -> date:
    return TODAY - timedelta(days=n)


@pytest.mark.parametrize("ids", [True, False])
def test_a_customer_the_session_holds_shows_the_new_totals(session: Session, cid: int, ids: bool) -> None:
    from models import Customer, Purchase

    customer = session.get(Customer, cid)
    assert customer is not None and customer.total_spent_cents == 0
    session.add(Purchase(customer_id=cid, purchased_on=date(2026, 4, 2), product="普洱", quantity=1,
                         amount_cents=56000, channel="", note=""))
    refresh_aggregates(session, [cid] if ids else None, today=TODAY)  # not committed: nothing re-read by a commit
    assert (customer.total_spent_cents, customer.purchase_count, customer.last_purchase_on,
            customer.last_interaction_on) == (56000, 1, date(2026, 4, 2), date(2026, 4, 2))


@pytest.mark.parametrize(("purchases", "expected"), [
    ([], "潜在"),
    ([(0, "100")], "新客"),
    ([(30, "100")], "新客"),
    ([(31, "100")], "已购"),
    ([(40, "100"), (20, "100")], "复购"),
    ([(40, "100")] * 6, "VIP"),
    ([(10, "10000")], "VIP"),
    ([(10, "9999.99")], "新客"),
    ([(180, "100"), (200, "100")], "复购"),
    ([(181, "100")], "沉睡"),
    ([(181, "50000")], "沉睡"),
    ([(365, "100")], "沉睡"),
    ([(366, "100")], "流失"),
])
def test_stage_edges(session: Session, cid: int, purchases: list[tuple[int, str]], expected: str) -> None:
    for days, amount in purchases:
        save_purchase(session, cid, _days_ago(days), "茶", 1, amount)
    refresh_aggregates(session, [cid], today=TODAY)
    session.commit()
    row = _row(session, cid)
    assert row.stage == expected
    dates = [_days_ago(days) for days, _ in purchases]
    python_rule = stage_for(len(purchases), row.total_spent_cents, min(dates, default=None),
                            max(dates, default=None), TODAY)
    assert python_rule == expected


def test_refresh_for_everyone_moves_a_customer_to_sleeping(session: Session, cid: int) -> None:
    save_purchase(session, cid, date(2026, 1, 1), "茶", 1, "100")
    refresh_aggregates(session, None, today=date(2026, 1, 10))
    session.commit()
    assert _row(session, cid).stage == "新客"
    refresh_aggregates(session, None, today=date(2026, 8, 1))
    session.commit()
    assert _row(session, cid).stage == "沉睡"


# ---- follow-ups ----------------------------------------------------------------------------------


def test_next_follow_up_is_the_earliest_open_one(session: Session, cid: int) -> None:
    later = save_follow_up(session, cid, date(2026, 12, 20), "回访")
    sooner = save_follow_up(session, cid, date(2026, 12, 1), "问使用感受")
    assert _row(session, cid).next_follow_up_on == date(2026, 12, 1)
    complete_follow_up(session, sooner, "很满意")
    assert _row(session, cid).next_follow_up_on == date(2026, 12, 20)
    complete_follow_up(session, later, "已回购", next_due_on=date(2027, 1, 15))
    assert _row(session, cid).next_follow_up_on == date(2027, 1, 15)


def test_deleting_the_last_open_follow_up_clears_the_date(session: Session, cid: int) -> None:
    follow_up = save_follow_up(session, cid, date(2026, 12, 1), "")
    delete_follow_up(session, follow_up)
    assert _row(session, cid).next_follow_up_on is None


def test_follow_up_needs_a_date(session: Session, cid: int) -> None:
    with pytest.raises(ValidationError) as caught:
        save_follow_up(session, cid, None, "回访")
    assert list(caught.value.fields) == ["due_on"]


def test_bulk_follow_up(session: Session, add_customer: AddCustomer) -> None:
    ids = [add_customer("甲"), add_customer("乙")]
    assert bulk_set_follow_up(session, ids, date(2026, 12, 24), "圣诞问候") == 2
    assert {_row(session, i).next_follow_up_on for i in ids} == {date(2026, 12, 24)}


def test_follow_up_is_overdue_and_shows_its_result(session: Session, cid: int) -> None:
    open_one = save_follow_up(session, cid, date(2026, 1, 1), "回访")
    done_one = save_follow_up(session, cid, date(2025, 12, 1), "问候")
    complete_follow_up(session, done_one, "已回复")
    items = {item.id: item for item in timeline(session, cid, today=date(2026, 2, 1)) if item.kind == "follow_up"}
    assert (items[open_one].overdue, items[open_one].done) == (True, False)
    assert (items[done_one].overdue, items[done_one].done) == (False, True)
    assert "已回复" in items[done_one].body


# ---- notes and the timeline ----------------------------------------------------------------------


def test_pinned_notes_come_first_then_newest_first(session: Session, cid: int) -> None:
    old = save_note(session, cid, "身份", "杭州开美容院", noted_at=datetime(2025, 1, 1, 9))
    new = save_note(session, cid, "咨询", "问敏感肌面霜", noted_at=datetime(2026, 5, 1, 9))
    buy = save_purchase(session, cid, date(2026, 3, 1), "面霜", 2, "560")
    set_note_pinned(session, old, True)
    items = timeline(session, cid)
    assert [(i.kind, i.id) for i in items] == [("note", old), ("note", new), ("purchase", buy)]
    assert items[0].pinned and not items[1].pinned
    assert items[2].title == "购买 ¥560"
    assert items[2].body == "面霜  ×2"


def test_note_must_have_text_and_a_known_kind(session: Session, cid: int) -> None:
    with pytest.raises(ValidationError) as caught:
        save_note(session, cid, "八卦", "   ")
    assert set(caught.value.fields) == {"body", "kind"}
    session.rollback()
    assert timeline(session, cid) == []


def test_stages_age_with_the_calendar(session, add_customer) -> None:
    """A 新客 today is 已购 two months later and 沉睡 after half a year, with no new purchase."""
    from datetime import timedelta

    from models import Customer
    from services.timeline import age_stages, save_purchase

    cid = add_customer("张丽")
    save_purchase(session, cid, date.today(), "白茶饼", 1, "300")
    assert session.get(Customer, cid).stage == "新客"
    assert age_stages(session, date.today() + timedelta(days=60)) == 1
    session.expire_all()
    assert session.get(Customer, cid).stage == "已购"
    assert age_stages(session, date.today() + timedelta(days=60)) == 0  # nothing left to change
    age_stages(session, date.today() + timedelta(days=200))
    session.expire_all()
    assert session.get(Customer, cid).stage == "沉睡"

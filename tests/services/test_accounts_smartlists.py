"""我的微信号 and saved filters (smart lists)."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from services.accounts import delete_account, list_accounts, save_account
from services.customer_query import CustomerFilter, FieldCondition, customer_ids
from services.customers import CustomerInput, create_customer, get_customer, live_count
from services.errors import ValidationError
from services.smart_lists import delete_smart_list, list_smart_lists, save_smart_list
from tests.services.helpers import AddCustomer

# ---- WeChat accounts -----------------------------------------------------------------------------


def test_accounts_count_their_customers_and_filter_the_list(session: Session, add_customer: AddCustomer) -> None:
    work = save_account(session, "工作号1", "shop_tea")
    home = save_account(session, "私人号")
    a = add_customer("甲", wechat_account_id=work)
    b = add_customer("乙", wechat_account_id=work)
    add_customer("丙")
    assert [(x.name, x.customers) for x in list_accounts(session)] == [("工作号1", 2), ("私人号", 0)]
    assert set(customer_ids(session, CustomerFilter(wechat_account_id=work))) == {a, b}
    assert customer_ids(session, CustomerFilter(wechat_account_id=home)) == []


def test_deleting_an_account_keeps_its_customers(session: Session, add_customer: AddCustomer) -> None:
    work = save_account(session, "工作号1")
    cid = add_customer("甲", wechat_account_id=work)
    delete_account(session, work)
    session.expire_all()
    assert live_count(session) == 1
    assert get_customer(session, cid).wechat_account_id is None
    assert list_accounts(session) == []


def test_a_deleted_account_cannot_be_chosen(session: Session) -> None:
    work = save_account(session, "工作号1")
    delete_account(session, work)
    with pytest.raises(ValidationError) as caught:
        create_customer(session, CustomerInput(remark_name="甲", wechat_account_id=work))
    assert list(caught.value.fields) == ["wechat_account_id"]


@pytest.mark.parametrize("name", ["", "  ", "工作号1", "工作号１"])
def test_account_names_must_be_filled_and_unique(session: Session, name: str) -> None:
    save_account(session, "工作号1")
    with pytest.raises(ValidationError):
        save_account(session, name)


def test_renaming_an_account(session: Session) -> None:
    work = save_account(session, "工作号1")
    save_account(session, "茶叶号", "tea88", "卖茶用", account_id=work)
    assert [(a.name, a.wechat_id, a.note) for a in list_accounts(session)] == [("茶叶号", "tea88", "卖茶用")]


# ---- smart lists ---------------------------------------------------------------------------------


def test_smart_list_round_trip(session: Session) -> None:
    flt = CustomerFilter(text="普洱", tags_all=[1, 2], tags_any=[3], tags_none=[4],
                         fields=[FieldCondition(5, "eq", "红茶"), FieldCondition(6, "empty")],
                         stage="VIP", wechat_account_id=7)
    list_id = save_smart_list(session, "  VIP茶客 ", flt)
    session.expunge_all()
    assert list_smart_lists(session) == [(list_id, "VIP茶客", flt)]


def test_saving_under_the_same_name_replaces(session: Session) -> None:
    first = save_smart_list(session, "VIP", CustomerFilter(stage="VIP"))
    again = save_smart_list(session, "VIP", CustomerFilter(stage="复购"))
    assert first == again
    assert list_smart_lists(session) == [(first, "VIP", CustomerFilter(stage="复购"))]
    delete_smart_list(session, first)
    assert list_smart_lists(session) == []


def test_an_empty_filter_or_name_is_refused(session: Session) -> None:
    with pytest.raises(ValidationError) as caught:
        save_smart_list(session, "全部", CustomerFilter())
    assert list(caught.value.fields) == ["filter"]
    with pytest.raises(ValidationError) as caught:
        save_smart_list(session, " ", CustomerFilter(stage="VIP"))
    assert list(caught.value.fields) == ["name"]
    assert list_smart_lists(session) == []


def test_a_saved_list_finds_the_same_customers(session: Session, add_customer: AddCustomer) -> None:
    vip = add_customer("甲", stage_override="VIP")
    add_customer("乙")
    save_smart_list(session, "VIP", CustomerFilter(stage="VIP"))
    [(_, _, flt)] = list_smart_lists(session)
    assert customer_ids(session, flt) == [vip]

"""客户: what the seller sees when she adds, edits, trashes, restores and sorts customers."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import Note, Purchase
from services.birthday import Birthday
from services.customer_query import CustomerFilter, customer_ids, find
from services.customers import (
    CustomerInput,
    create_customer,
    get_customer,
    list_trash,
    live_count,
    purge_customers,
    restore_customers,
    trash_customers,
    update_customer,
)
from services.errors import NotFoundError, ValidationError
from services.timeline import save_note, save_purchase
from tests.services.helpers import AddCustomer, customers_in_db, search

# ---- validation ----------------------------------------------------------------------------------


def test_bad_fields_are_all_named_and_nothing_is_saved(session: Session) -> None:
    data = CustomerInput(remark_name="  ", phone="123", birthday=Birthday(2, 30))
    with pytest.raises(ValidationError) as caught:
        create_customer(session, data)
    assert set(caught.value.fields) == {"remark_name", "phone", "birthday"}
    assert "备注名不能为空" in caught.value.message
    assert "2月没有30日" in caught.value.fields["birthday"]
    session.rollback()
    assert customers_in_db(session) == 0


@pytest.mark.parametrize("phone", ["123", "1380013800", "138001380001", "23800138000", "电话"])
def test_bad_phone_is_refused(session: Session, phone: str) -> None:
    with pytest.raises(ValidationError) as caught:
        create_customer(session, CustomerInput(remark_name="张丽", phone=phone))
    assert list(caught.value.fields) == ["phone"]
    assert phone in caught.value.fields["phone"]
    assert customers_in_db(session) == 0


@pytest.mark.parametrize("typed", [
    "+86 138-0013-8000", "１３８００１３８０００", " 138 0013 8000 ", "0086 13800138000", "(138)0013.8000",
])
def test_phone_is_stored_as_plain_digits(session: Session, typed: str) -> None:
    customer = create_customer(session, CustomerInput(remark_name="张丽", phone=typed))
    assert get_customer(session, customer.id).phone == "13800138000"


def test_landline_and_foreign_numbers_are_accepted(add_customer: AddCustomer, session: Session) -> None:
    landline = add_customer("王芳", phone="021-6888 8888")
    abroad = add_customer("Amy", phone="+1 415 555 0100")
    assert get_customer(session, landline).phone == "02168888888"
    assert get_customer(session, abroad).phone == "+14155550100"


def test_duplicate_wechat_id_is_refused_naming_the_other_customer(
        add_customer: AddCustomer, session: Session) -> None:
    add_customer("张丽", wechat_id="zhangli88")
    with pytest.raises(ValidationError) as caught:
        create_customer(session, CustomerInput(remark_name="李娜", wechat_id="  zhangli88 "))
    assert "张丽" in caught.value.fields["wechat_id"]
    assert live_count(session) == 1


def test_wechat_id_of_a_trashed_customer_can_be_reused(add_customer: AddCustomer, session: Session) -> None:
    old = add_customer("张丽", wechat_id="zhangli88")
    trash_customers(session, [old])
    new = add_customer("张丽(新)", wechat_id="zhangli88")
    assert customer_ids(session, CustomerFilter()) == [new]


def test_editing_a_customer_keeps_her_own_wechat_id(add_customer: AddCustomer, session: Session) -> None:
    cid = add_customer("张丽", wechat_id="zhangli88")
    update_customer(session, cid, CustomerInput(remark_name="张丽姐", wechat_id="zhangli88"))
    assert get_customer(session, cid).remark_name == "张丽姐"


def test_a_refused_edit_changes_nothing(add_customer: AddCustomer, session: Session) -> None:
    cid = add_customer("张丽", phone="13800138000", city="杭州")
    with pytest.raises(ValidationError):
        update_customer(session, cid, CustomerInput(remark_name="张丽", phone="123", city="上海"))
    session.rollback()
    customer = get_customer(session, cid)
    assert (customer.phone, customer.city) == ("13800138000", "杭州")


def test_future_added_on_and_unknown_gender_are_refused(session: Session) -> None:
    data = CustomerInput(remark_name="张丽", gender="未知", added_on=date(2999, 1, 1))
    with pytest.raises(ValidationError) as caught:
        create_customer(session, data)
    assert set(caught.value.fields) == {"gender", "added_on"}


def test_full_width_text_is_folded(session: Session) -> None:
    customer = create_customer(session, CustomerInput(remark_name="ＡＭＹ　", wechat_id="ａｍｙ１２３"))
    assert (customer.remark_name, customer.wechat_id) == ("AMY", "amy123")


def test_new_customer_is_added_today_and_is_a_prospect(add_customer: AddCustomer, session: Session) -> None:
    customer = get_customer(session, add_customer("张丽"))
    assert customer.added_on == date.today()
    assert customer.stage == "潜在"


# ---- trash ---------------------------------------------------------------------------------------


@pytest.fixture
def with_history(add_customer: AddCustomer, session: Session) -> tuple[int, int]:
    """张丽 with a note and a purchase, and 李娜 with nothing."""
    zhang = add_customer("张丽", phone="13800138000")
    save_note(session, zhang, "喜好", "喜欢普洱熟茶")
    save_purchase(session, zhang, date(2026, 1, 5), "普洱", 1, "280")
    return zhang, add_customer("李娜")


def _rows(session: Session, model: type[Note] | type[Purchase], cid: int) -> int:
    return int(session.scalar(select(func.count()).select_from(model).where(model.customer_id == cid)) or 0)


def test_trashed_customer_disappears_from_the_list_and_search(
        session: Session, with_history: tuple[int, int]) -> None:
    zhang, li = with_history
    assert trash_customers(session, [zhang]) == 1
    assert customer_ids(session, CustomerFilter()) == [li]
    assert find(session, CustomerFilter(text="张丽")) == (0, [])
    assert search(session, "普洱熟") == set()
    assert [t.name for t in list_trash(session)] == ["张丽"]
    assert live_count(session) == 1


def test_restore_brings_back_notes_and_purchases(session: Session, with_history: tuple[int, int]) -> None:
    zhang, _ = with_history
    trash_customers(session, [zhang])
    assert restore_customers(session, [zhang]) == 1
    assert search(session, "张丽") == {zhang}
    assert search(session, "普洱熟") == {zhang}
    assert (_rows(session, Note, zhang), _rows(session, Purchase, zhang)) == (1, 1)
    assert get_customer(session, zhang).total_spent_cents == 28000
    assert list_trash(session) == []


def test_purge_deletes_the_customer_and_everything_of_hers(
        session: Session, with_history: tuple[int, int]) -> None:
    zhang, li = with_history
    trash_customers(session, [zhang])
    assert purge_customers(session) == 1
    session.expunge_all()
    with pytest.raises(NotFoundError):
        get_customer(session, zhang)
    assert (_rows(session, Note, zhang), _rows(session, Purchase, zhang)) == (0, 0)
    assert customers_in_db(session) == 1
    assert search(session, "普洱熟") == set()


def test_purge_only_touches_the_trash(session: Session, with_history: tuple[int, int]) -> None:
    zhang, li = with_history
    assert purge_customers(session, [zhang, li]) == 0
    assert customers_in_db(session) == 2


# ---- sorting -------------------------------------------------------------------------------------


def test_sort_by_name_follows_pinyin(add_customer: AddCustomer, session: Session) -> None:
    chen, an, bai = add_customer("陈静"), add_customer("安琪"), add_customer("白雪")
    assert customer_ids(session, CustomerFilter(), sort="remark_name", descending=False) == [an, bai, chen]
    assert customer_ids(session, CustomerFilter(), sort="remark_name", descending=True) == [chen, bai, an]


def test_sort_by_total_spent(add_customer: AddCustomer, session: Session) -> None:
    small, big, middle = add_customer("甲"), add_customer("乙"), add_customer("丙")
    for cid, amount in ((small, "100"), (big, "5000"), (middle, "800")):
        save_purchase(session, cid, date(2026, 1, 1), "茶", 1, amount)
    assert customer_ids(session, CustomerFilter(), sort="total_spent") == [big, middle, small]
    assert customer_ids(session, CustomerFilter(), sort="total_spent", descending=False) == [small, middle, big]


@pytest.mark.parametrize("descending", [True, False])
def test_customers_without_a_purchase_sort_last_by_last_purchase(
        add_customer: AddCustomer, session: Session, descending: bool) -> None:
    never, old, recent = add_customer("甲"), add_customer("乙"), add_customer("丙")
    save_purchase(session, old, date(2025, 3, 1), "茶", 1, "100")
    save_purchase(session, recent, date(2026, 3, 1), "茶", 1, "100")
    ids = customer_ids(session, CustomerFilter(), sort="last_purchase", descending=descending)
    assert ids == ([recent, old] if descending else [old, recent]) + [never]


@pytest.mark.parametrize("descending", [True, False])
def test_customers_with_an_empty_column_sort_last(
        add_customer: AddCustomer, session: Session, descending: bool) -> None:
    empty = add_customer("甲")
    friend = add_customer("乙", source="朋友介绍")
    shop = add_customer("丙", source="门店")
    ids = customer_ids(session, CustomerFilter(), sort="source", descending=descending)
    assert ids[-1] == empty
    assert set(ids[:2]) == {friend, shop}


def test_find_counts_all_matches_and_returns_the_first_ones(add_customer: AddCustomer, session: Session) -> None:
    for name in ("张丽", "张伟", "张敏"):
        add_customer(name)
    total, rows = find(session, CustomerFilter(text="张"), limit=2)
    assert total == 3
    assert [r.name for r in rows] == ["张丽", "张敏"]  # zhangli < zhangmin < zhangwei


def test_trash_shows_when_each_customer_was_deleted(add_customer: AddCustomer, session: Session) -> None:
    cid = add_customer("张丽", wechat_id="zhangli88", phone="13800138000")
    before = datetime.now().replace(microsecond=0)
    trash_customers(session, [cid])
    [trashed] = list_trash(session)
    assert (trashed.id, trashed.name, trashed.wechat_id, trashed.phone) == (cid, "张丽", "zhangli88", "13800138000")
    assert trashed.deleted_at >= before

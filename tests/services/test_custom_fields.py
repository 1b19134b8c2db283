"""The seller's own fields: typed values, their messages, search and filters."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from services import custom_fields as cf
from services.customer_query import CustomerFilter, FieldCondition, customer_ids, customer_rows
from services.customers import CustomerInput, create_customer, custom_values, update_customer
from services.errors import UserError, ValidationError
from tests.services.helpers import AddCustomer, customers_in_db, search


@pytest.fixture
def fields(session: Session) -> dict[str, int]:
    return {
        "肤质": cf.save_field(session, "肤质", "text"),
        "预算": cf.save_field(session, "预算", "number"),
        "到店日": cf.save_field(session, "到店日", "date"),
        "茶类": cf.save_field(session, "茶类", "choice", ["红茶", "绿茶", "普洱"]),
        "会员": cf.save_field(session, "会员", "bool"),
    }


@pytest.mark.parametrize(("name", "typed", "stored"), [
    ("预算", "1,280.50", "1280.5"),
    ("预算", "１２００", "1200"),
    ("到店日", "2024年5月1日", "2024-05-01"),
    ("到店日", "2024/5/1", "2024-05-01"),
    ("茶类", "普洱", "普洱"),
    ("会员", "是", "1"),
    ("会员", "否", "0"),
    ("肤质", "  干性 ", "干性"),
    ("预算", "", ""),
])
def test_values_are_stored_in_one_form(
        session: Session, fields: dict[str, int], name: str, typed: str, stored: str) -> None:
    customer = create_customer(session, CustomerInput(remark_name="张丽", custom={fields[name]: typed}))
    assert custom_values(session, customer.id)[fields[name]] == stored


@pytest.mark.parametrize(("name", "typed", "message"), [
    ("预算", "一千", "“预算”应填数字，而不是“一千”"),
    ("预算", "12元", "“预算”应填数字，而不是“12元”"),
    ("到店日", "2024-02-30", "“到店日”应填日期（如 2024-05-01），而不是“2024-02-30”"),
    ("到店日", "下周", "“到店日”应填日期（如 2024-05-01），而不是“下周”"),
    ("茶类", "白茶", "“茶类”只能选：红茶、绿茶、普洱"),
    ("会员", "也许", "“会员”只能填 是 或 否"),
])
def test_bad_values_are_refused_with_a_message(
        session: Session, fields: dict[str, int], name: str, typed: str, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        create_customer(session, CustomerInput(remark_name="张丽", custom={fields[name]: typed}))
    assert caught.value.fields == {f"custom:{fields[name]}": message}
    session.rollback()
    assert customers_in_db(session) == 0


def test_text_and_choice_values_are_searchable(
        session: Session, fields: dict[str, int], add_customer: AddCustomer) -> None:
    dry = add_customer("张丽", custom={fields["肤质"]: "混合偏干", fields["茶类"]: "普洱"})
    add_customer("李娜", custom={fields["预算"]: "5000"})
    assert search(session, "混合偏干") == {dry}
    assert search(session, "偏干") == {dry}
    assert search(session, "普洱") == {dry}
    assert search(session, "5000") == set()  # numbers are filtered, not searched


def test_editing_a_value_changes_what_search_finds(
        session: Session, fields: dict[str, int], add_customer: AddCustomer) -> None:
    cid = add_customer("张丽", custom={fields["肤质"]: "混合偏干"})
    update_customer(session, cid, CustomerInput(remark_name="张丽", custom={fields["肤质"]: "油性皮肤"}))
    assert search(session, "混合偏干") == set()
    assert search(session, "油性皮肤") == {cid}


def test_filter_by_field_conditions(session: Session, fields: dict[str, int], add_customer: AddCustomer) -> None:
    f = fields
    a = add_customer("甲", custom={f["茶类"]: "普洱", f["肤质"]: "混合偏干"})
    b = add_customer("乙", custom={f["茶类"]: "红茶", f["肤质"]: ""})
    c = add_customer("丙")

    def ids(*conditions: FieldCondition) -> set[int]:
        return set(customer_ids(session, CustomerFilter(fields=list(conditions))))

    assert ids(FieldCondition(f["茶类"], "eq", "普洱")) == {a}
    assert ids(FieldCondition(f["肤质"], "contains", "偏干")) == {a}
    assert ids(FieldCondition(f["肤质"], "empty")) == {b, c}
    assert ids(FieldCondition(f["茶类"], "filled")) == {a, b}
    assert ids(FieldCondition(f["茶类"], "filled"), FieldCondition(f["肤质"], "empty")) == {b}


def test_deleting_a_field_stops_search_finding_by_it(
        session: Session, fields: dict[str, int], add_customer: AddCustomer) -> None:
    cid = add_customer("张丽", custom={fields["肤质"]: "混合偏干"})
    cf.delete_field(session, fields["肤质"])
    assert search(session, "混合偏干") == set()
    assert search(session, "张丽") == {cid}
    assert fields["肤质"] not in custom_values(session, cid)
    assert "肤质" not in [d.name for d in cf.list_fields(session)]


def test_list_rows_carry_the_shown_fields(session: Session, fields: dict[str, int], add_customer: AddCustomer) -> None:
    cid = add_customer("张丽", custom={fields["会员"]: "是", fields["预算"]: "3000"})
    row = customer_rows(session, [cid], [fields["会员"]])[cid]
    assert row.custom == {fields["会员"]: "1"}
    spec = next(d for d in cf.list_fields(session) if d.name == "会员")
    assert cf.display_value(spec, row.custom[spec.id]) == "是"


def test_field_definitions_are_checked(session: Session, fields: dict[str, int]) -> None:
    with pytest.raises(ValidationError) as caught:
        cf.save_field(session, "肤质", "text")
    assert "已经有叫“肤质”的字段了" in caught.value.fields["name"]
    with pytest.raises(ValidationError) as caught:
        cf.save_field(session, "尺码", "choice", ["  ", ""])
    assert "choices" in caught.value.fields
    with pytest.raises(ValidationError) as caught:
        cf.save_field(session, "", "colour")
    assert set(caught.value.fields) == {"name", "kind"}


def test_kind_of_a_field_with_values_cannot_change(
        session: Session, fields: dict[str, int], add_customer: AddCustomer) -> None:
    add_customer("张丽", custom={fields["肤质"]: "干性"})
    with pytest.raises(UserError):
        cf.save_field(session, "肤质", "number", field_id=fields["肤质"])
    cf.save_field(session, "预算", "text", field_id=fields["预算"])  # nobody has a 预算 yet
    assert next(d for d in cf.list_fields(session) if d.name == "预算").kind == "text"

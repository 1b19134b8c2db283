"""团队模式: two people editing the same customer never silently overwrite each other.

Each "person" is a session of their own on the store (on the PostgreSQL pass, two connections to
the server, as two KeBen would have).
"""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy.orm import Session

from services.customers import CustomerInput, custom_values, get_customer, update_customer
from services.errors import ConflictError
from services.store import Store
from tests.services.helpers import AddCustomer


def _open(session: Session, customer_id: int) -> tuple[CustomerInput, datetime]:
    """What a detail pane holds after opening a customer: the form's values and updated_at."""
    customer = get_customer(session, customer_id)
    return CustomerInput.of(customer, custom_values(session, customer_id)), customer.updated_at


def test_second_save_of_the_same_customer_is_a_conflict_and_writes_nothing(
        store: Store, add_customer: AddCustomer) -> None:
    customer_id = add_customer("张丽", city="杭州")
    with store.db.session() as owner, store.db.session() as assistant:
        owner_form, owner_opened = _open(owner, customer_id)
        assistant_form, assistant_opened = _open(assistant, customer_id)
        owner.commit()  # the panes are filled; each session ends its read, as the UI's do
        assistant.commit()

        owner_form.city = "上海"
        update_customer(owner, customer_id, owner_form, opened_at=owner_opened)
        assistant_form.phone = "13800138000"
        with pytest.raises(ConflictError) as caught:
            update_customer(assistant, customer_id, assistant_form, opened_at=assistant_opened)
    assert "张丽" in caught.value.message and "已被别人修改" in caught.value.message
    with store.db.session() as reader:
        saved = get_customer(reader, customer_id)
        assert (saved.city, saved.phone) == ("上海", "")  # the owner's edit stands, the assistant's is not written


def test_reload_then_save_keeps_both_edits(store: Store, add_customer: AddCustomer) -> None:
    customer_id = add_customer("张丽", city="杭州")
    with store.db.session() as owner, store.db.session() as assistant:
        owner_form, owner_opened = _open(owner, customer_id)
        _, assistant_opened = _open(assistant, customer_id)
        owner.commit()
        assistant.commit()
        owner_form.city = "上海"
        update_customer(owner, customer_id, owner_form, opened_at=owner_opened)

        assistant_form, assistant_opened = _open(assistant, customer_id)  # 重新载入
        assistant.commit()
        assistant_form.phone = "13800138000"
        update_customer(assistant, customer_id, assistant_form, opened_at=assistant_opened)
    with store.db.session() as reader:
        saved = get_customer(reader, customer_id)
        assert (saved.city, saved.phone) == ("上海", "13800138000")


def test_overwrite_saves_over_the_other_edit(store: Store, add_customer: AddCustomer) -> None:
    customer_id = add_customer("张丽", city="杭州")
    with store.db.session() as owner, store.db.session() as assistant:
        owner_form, owner_opened = _open(owner, customer_id)
        assistant_form, assistant_opened = _open(assistant, customer_id)
        owner.commit()
        assistant.commit()
        owner_form.city = "上海"
        update_customer(owner, customer_id, owner_form, opened_at=owner_opened)
        assistant_form.city = "苏州"
        with pytest.raises(ConflictError):
            update_customer(assistant, customer_id, assistant_form, opened_at=assistant_opened)
        assistant.rollback()
        update_customer(assistant, customer_id, assistant_form)  # 覆盖
    with store.db.session() as reader:
        assert get_customer(reader, customer_id).city == "苏州"


def test_unchanged_customer_saves_with_its_opened_time(session: Session, add_customer: AddCustomer) -> None:
    customer_id = add_customer("张丽")
    form, opened = _open(session, customer_id)
    form.city = "杭州"
    update_customer(session, customer_id, form, opened_at=opened)
    form, opened_again = _open(session, customer_id)
    form.city = "上海"  # a second save from the refreshed pane is not a conflict with the first
    update_customer(session, customer_id, form, opened_at=opened_again)
    assert get_customer(session, customer_id).city == "上海"

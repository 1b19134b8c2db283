"""Fixtures for the service tests: small hand-built customers."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.orm import Session

from services.customers import CustomerInput, create_customer
from tests.services.helpers import AddCustomer


@pytest.fixture
def add_customer(session: Session) -> AddCustomer:
    """add_customer("张丽", phone="13800138000", tag_ids=[…]) → the new customer's id."""

    def add(remark_name: str, tag_ids: list[int] | None = None, **fields: Any) -> int:
        return create_customer(session, CustomerInput(remark_name=remark_name, **fields), tag_ids).id

    return add

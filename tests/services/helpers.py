"""Small helpers shared by the service tests."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import Customer
from services.customer_query import CustomerFilter, customer_ids

AddCustomer = Callable[..., int]


def search(session: Session, text: str) -> set[int]:
    """The ids the customer list shows for what was typed in the search box."""
    return set(customer_ids(session, CustomerFilter(text=text)))


def customers_in_db(session: Session) -> int:
    """Every customer row, live or in the trash."""
    return int(session.scalar(select(func.count()).select_from(Customer)) or 0)

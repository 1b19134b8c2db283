"""The customer list sorted by 积分 and 会员等级: customers without points or a tier last whichever
way, tiers in their own order (not by name), and SQLite reading the narrow indexes made for them."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Customer
from services import points as pts
from services import tiers
from services.customer_query import SORT_KEYS, CustomerFilter, customer_ids, filtered
from tests.services.helpers import AddCustomer


def test_sort_by_points_puts_customers_without_points_last(session: Session, add_customer: AddCustomer) -> None:
    none, few, many = add_customer("没积分"), add_customer("少"), add_customer("多")
    pts.add_points(session, few, 10, "manual")
    pts.add_points(session, many, 900, "manual")
    assert customer_ids(session, CustomerFilter(), "points_balance", descending=True) == [many, few, none]
    assert customer_ids(session, CustomerFilter(), "points_balance", descending=False) == [few, many, none]


def test_sort_by_tier_follows_the_tier_order_not_the_name(session: Session, add_customer: AddCustomer) -> None:
    # By name, 黑金 < 金卡 < 银卡 in code-point order; the tiers rank 银卡 < 金卡 < 黑金.
    for rank, (name, threshold) in enumerate((("银卡", 100), ("金卡", 500), ("黑金", 2000))):
        tiers.create_tier(session, tiers.TierInput(name, "points", threshold, sort=rank))
    silver, black, gold, plain = add_customer("银"), add_customer("黑"), add_customer("金"), add_customer("无")
    for cid, points in ((silver, 100), (black, 3000), (gold, 600)):
        pts.add_points(session, cid, points, "manual")
    assert customer_ids(session, CustomerFilter(), "member_level", descending=True) == [black, gold, silver, plain]
    assert customer_ids(session, CustomerFilter(), "member_level", descending=False) == [silver, gold, black, plain]


def test_without_tiers_the_typed_level_sorts_as_text(session: Session, add_customer: AddCustomer) -> None:
    b, a = add_customer("乙", member_level="VIP2"), add_customer("甲", member_level="VIP1")
    blank = add_customer("丙")
    assert customer_ids(session, CustomerFilter(), "member_level", descending=False) == [a, b, blank]


@pytest.mark.sqlite_only("SQLite's query plan")
@pytest.mark.parametrize(("sort", "index"), [("points_balance", "ix_customer_live_points"),
                                             ("member_level", "ix_customer_live_level")])
def test_the_list_reads_the_narrow_index(session: Session, sort: str, index: str) -> None:
    """At 100,000 customers a scan of the wide customer table takes several times longer than one of
    these two-column indexes (bench/bench_loyalty.py)."""
    statement = filtered(session, CustomerFilter()).order_by(SORT_KEYS[sort].desc())
    sql = str(statement.compile(session.get_bind(), compile_kwargs={"literal_binds": True}))
    plan = " ".join(str(row[-1]) for row in session.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + sql))
    assert index in plan


@pytest.mark.sqlite_only("SQLite's query plan")
def test_tier_filter_reads_its_index(session: Session) -> None:
    statement = select(Customer.id).where(Customer.deleted_at.is_(None), Customer.tier_id.in_([1, 2]))
    sql = str(statement.compile(session.get_bind(), compile_kwargs={"literal_binds": True}))
    plan = " ".join(str(row[-1]) for row in session.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + sql))
    assert "ix_customer_live_tier" in plan

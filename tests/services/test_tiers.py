"""会员等级: edges exactly at the threshold for each basis, the highest tier wins, 12-month spending
window, delete clears the tier, defaults, and an upgrade leaving one Today item."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy.orm import Session

from models import Customer
from services import points as pts
from services import tiers
from services.errors import ValidationError
from services.timeline import save_purchase
from services.today import complete_item, today_list
from tests.services.helpers import AddCustomer

TODAY = date.today()


def level(session: Session, cid: int) -> tuple[str, int | None]:
    session.expire_all()
    customer = session.get(Customer, cid)
    assert customer is not None
    return customer.member_level, customer.tier_id


def test_validation(session: Session) -> None:
    tiers.create_tier(session, tiers.TierInput("金卡会员", "spend_12m", 1_000_000))
    with pytest.raises(ValidationError) as caught:
        tiers.create_tier(session, tiers.TierInput("金卡会员", "nothing", -1, color="gold"))
    assert set(caught.value.fields) == {"name", "basis", "threshold", "color"}


def test_spend_12m_edges(session: Session, add_customer: AddCustomer) -> None:
    exact, below, old = add_customer("王芳"), add_customer("张丽"), add_customer("赵磊")
    save_purchase(session, exact, TODAY - timedelta(days=364), "大红袍", 1, "2000")  # inside the 365 days
    save_purchase(session, below, TODAY, "大红袍", 1, "1999.99")
    save_purchase(session, old, TODAY - timedelta(days=365), "大红袍", 1, "5000")  # a day too old
    base = tiers.create_tier(session, tiers.TierInput("普通会员", "spend_12m", 0))
    silver = tiers.create_tier(session, tiers.TierInput("银卡会员", "spend_12m", 200_000))
    assert level(session, exact) == ("银卡会员", silver)
    assert level(session, below) == ("普通会员", base)
    assert level(session, old) == ("普通会员", base)
    # a day later the purchase of 364 days ago falls out of the window
    changes = tiers.recompute_tiers(session, today=TODAY + timedelta(days=1))
    assert (exact, "银卡会员", "普通会员") in changes


def test_points_and_purchases_bases_and_highest_wins(session: Session, add_customer: AddCustomer) -> None:
    cid = add_customer("王芳")
    vip = tiers.create_tier(session, tiers.TierInput("积分达人", "points", 500, sort=1))
    buyer = tiers.create_tier(session, tiers.TierInput("老客", "purchases", 2, sort=2))
    assert level(session, cid) == ("", None)  # no tier reached: nothing shown
    pts.add_points(session, cid, 499, "manual")
    assert level(session, cid) == ("", None)
    pts.add_points(session, cid, 1, "manual")  # exactly 500
    assert level(session, cid) == ("积分达人", vip)
    save_purchase(session, cid, TODAY, "茶宠", 1, "0")
    save_purchase(session, cid, TODAY, "茶宠", 1, "0")  # 2 purchases: the higher tier (sort 2)
    assert level(session, cid) == ("老客", buyer)
    tiers.move_tier(session, buyer, -1)  # now 老客 ranks below 积分达人
    assert level(session, cid) == ("积分达人", vip)


def test_member_level_is_left_alone_without_tiers_and_cleared_on_delete(session: Session,
                                                                          add_customer: AddCustomer) -> None:
    cid = add_customer("王芳", member_level="VIP1")
    save_purchase(session, cid, TODAY, "大红袍", 1, "100")
    assert level(session, cid) == ("VIP1", None)  # typed by the seller, no tiers yet
    gold = tiers.create_tier(session, tiers.TierInput("金卡会员", "spend_12m", 0))
    assert level(session, cid) == ("金卡会员", gold)
    assert tiers.delete_tier(session, gold) == 1
    assert level(session, cid) == ("", None)


def test_default_tiers(session: Session, add_customer: AddCustomer) -> None:
    cid = add_customer("王芳")
    save_purchase(session, cid, TODAY, "大红袍", 1, "10000")
    assert tiers.load_default_tiers(session) == 4
    assert tiers.load_default_tiers(session) == 0
    rows = tiers.list_tiers(session)
    assert [(r.name, r.threshold, r.customers) for r in rows] == [
        ("普通会员", 0, 0), ("银卡会员", 200_000, 0), ("金卡会员", 1_000_000, 1), ("黑金会员", 5_000_000, 0)]
    assert all(r.benefits for r in rows)
    assert tiers.tier_counts(session)[2] == ("金卡会员", 1)


def test_an_upgrade_leaves_one_today_item(session: Session, add_customer: AddCustomer) -> None:
    tiers.load_default_tiers(session)
    cid = add_customer("王芳")
    save_purchase(session, cid, TODAY, "大红袍", 1, "500")
    assert not _tier_items(session)  # 普通会员 is where everyone starts: no congratulations
    save_purchase(session, cid, TODAY, "老班章", 1, "9500")  # ￥10,000 in 12 months: 金卡
    [item] = _tier_items(session)
    assert (item.customer_name, item.title) == ("王芳", "升级为 金卡会员 — 送上祝贺")
    tiers.recompute_tiers(session)  # again: nothing new
    save_purchase(session, cid, TODAY, "茶宠", 1, "10")
    assert len(_tier_items(session)) == 1
    complete_item(session, item, "发了红包")
    assert _tier_items(session) == []
    tiers.recompute_tiers(session)
    assert _tier_items(session) == []  # once per customer and tier


def test_editing_tiers_does_not_announce(session: Session, add_customer: AddCustomer) -> None:
    cid = add_customer("王芳")
    save_purchase(session, cid, TODAY, "大红袍", 1, "20000")
    tiers.load_default_tiers(session)
    assert level(session, cid)[0] == "金卡会员"
    assert _tier_items(session) == []


def _tier_items(session: Session) -> list:
    session.commit()
    return [i for i in today_list(session, TODAY).items if i.kind == "tier_up"]


def test_the_list_filters_by_member_level(session: Session, add_customer: AddCustomer) -> None:
    """会员等级 in the customer list's filter: the levels typed while no tier exists, then the tiers
    from the lowest up; 未定级 lists those no level holds."""
    from services.customer_query import NO_LEVEL, CustomerFilter, customer_ids

    def listed(level: str) -> set[int]:
        return set(customer_ids(session, CustomerFilter(member_level=level)))

    vip1, vip2, other = add_customer("王芳", member_level="VIP1"), add_customer("李娜", member_level="VIP1"), \
        add_customer("张丽", member_level="老会员")
    none = add_customer("赵磊")
    assert tiers.level_choices(session) == ["VIP1", "老会员"]  # the most common first
    assert listed("VIP1") == {vip1, vip2} and listed(NO_LEVEL) == {none} and listed("") == {vip1, vip2, other, none}

    save_purchase(session, vip1, TODAY, "大红袍", 1, "3000")
    tiers.create_tier(session, tiers.TierInput("银卡会员", "spend_12m", 100_000))
    tiers.create_tier(session, tiers.TierInput("普通会员", "spend_12m", 0, sort=0))
    assert tiers.level_choices(session) == ["普通会员", "银卡会员"]
    assert listed("银卡会员") == {vip1} and listed("普通会员") == {vip2, other, none} and listed(NO_LEVEL) == set()
    assert listed("VIP1") == set()

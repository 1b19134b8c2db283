"""积分: arithmetic, purchases earning and losing points (save, edit, delete, restore, import undo),
spending refused past the balance, referral points once, FIFO expiry (idempotent), the trash."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy.orm import Session

from models import Customer, Referral
from models.loyalty import PointEntry
from services import points as pts
from services import settings_store
from services.errors import UserError, ValidationError
from services.timeline import delete_purchase, save_purchase
from services.trash import list_trashed_records, restore_records
from tests.services.helpers import AddCustomer

TODAY = date.today()


def stored_balance(session: Session, cid: int) -> int:
    session.expire_all()
    return session.get(Customer, cid).points_balance  # type: ignore[union-attr]


def test_add_and_spend_arithmetic(session: Session, add_customer: AddCustomer) -> None:
    cid = add_customer("王芳")
    pts.add_points(session, cid, 120, "checkin", "打卡")
    pts.add_points(session, cid, 80, "manual")
    pts.spend_points(session, cid, 150, "兑换建盏")
    assert pts.balance(session, cid) == 50 == stored_balance(session, cid)
    lines = pts.ledger(session, cid)
    assert [(line.points, line.reason, line.balance) for line in lines] == [(-150, "reward", 50), (80, "manual", 200),
                                                                           (120, "checkin", 120)]


def test_spending_more_than_the_balance_is_refused_and_named(session: Session, add_customer: AddCustomer) -> None:
    cid = add_customer("王芳")
    pts.add_points(session, cid, 100, "manual")
    with pytest.raises(ValidationError) as caught:
        pts.spend_points(session, cid, 101)
    assert caught.value.fields["points"] == "王芳 只有 100 积分，不够扣 101 分"
    pts.spend_points(session, cid, 100)  # exactly the balance is fine
    assert stored_balance(session, cid) == 0


def test_bad_input(session: Session, add_customer: AddCustomer) -> None:
    cid = add_customer("王芳")
    for points, reason, on in ((0, "manual", None), (-5, "manual", None), (5, "expire", None),
                               (5, "manual", TODAY + timedelta(days=1))):
        with pytest.raises(ValidationError):
            pts.add_points(session, cid, points, reason, entry_on=on)
    assert pts.ledger(session, cid) == []


def test_purchases_earn_and_follow_edits_deletes_and_restores(session: Session, add_customer: AddCustomer) -> None:
    cid = add_customer("王芳")
    pid = save_purchase(session, cid, TODAY, "大红袍", 1, "880.90")
    assert stored_balance(session, cid) == 880  # 1 point per ￥1, rounded down
    save_purchase(session, cid, TODAY - timedelta(days=2), "大红袍", 2, "1760", purchase_id=pid)  # edited
    assert stored_balance(session, cid) == 1760
    [entry] = pts.ledger(session, cid)
    assert (entry.entry_on, entry.purchase_id, entry.reason, entry.removable) == (TODAY - timedelta(days=2), pid,
                                                                                  "purchase", False)
    with pytest.raises(UserError):
        pts.delete_entry(session, entry.id)
    delete_purchase(session, pid)
    assert stored_balance(session, cid) == 0 and pts.ledger(session, cid) == []
    restore_records(session, [("purchase", pid)])
    assert stored_balance(session, cid) == 1760


def test_the_rate_applies_to_new_purchases(session: Session, add_customer: AddCustomer) -> None:
    cid = add_customer("王芳")
    save_purchase(session, cid, TODAY, "大红袍", 1, "100")
    settings_store.save(session, {pts.POINTS_PER_YUAN: 2.5})
    save_purchase(session, cid, TODAY, "肉桂", 1, "100.50")
    assert stored_balance(session, cid) == 100 + 251
    settings_store.save(session, {pts.POINTS_PER_YUAN: 0.0})
    save_purchase(session, cid, TODAY, "水仙", 1, "300")
    assert stored_balance(session, cid) == 351


def test_history_points_on_request_once(session: Session, add_customer: AddCustomer) -> None:
    cid = add_customer("王芳")
    save_purchase(session, cid, TODAY, "大红袍", 1, "500")
    session.execute(PointEntry.__table__.delete())  # as if bought before points began
    pts.refresh_balances(session, [cid])
    assert stored_balance(session, cid) == 0
    assert pts.award_purchase_points(session) == 1
    assert pts.award_purchase_points(session) == 0
    pts.refresh_balances(session, [cid])
    assert stored_balance(session, cid) == 500


def test_referral_points_once(session: Session, add_customer: AddCustomer) -> None:
    referrer, referee = add_customer("张丽"), add_customer("王芳")
    session.add(Referral(referrer_id=referrer, referee_id=referee, referred_on=TODAY))
    session.commit()
    assert pts.award_referral_points(session, [referee]) == []  # has not bought yet
    save_purchase(session, referee, TODAY, "大红袍", 1, "10")
    assert stored_balance(session, referrer) == 100
    save_purchase(session, referee, TODAY, "肉桂", 1, "10")  # a second purchase: no second award
    assert pts.award_referral_points(session) == []
    [entry] = pts.ledger(session, referrer)
    assert (entry.reason, entry.note) == ("referral", "介绍 王芳 成交")
    pts.delete_entry(session, entry.id)  # the seller takes it back: it is not given again
    assert pts.award_referral_points(session) == [] and stored_balance(session, referrer) == 0


def test_fifo_expiry_is_idempotent(session: Session, add_customer: AddCustomer) -> None:
    """Points expire 12 months after they were earned unless spent; spending takes the oldest first."""
    settings_store.save(session, {pts.EXPIRY_MONTHS: 12})
    cid = add_customer("王芳")
    start = TODAY - timedelta(days=500)
    pts.add_points(session, cid, 100, "manual", entry_on=start)  # lot A: expires start + 12 months
    pts.add_points(session, cid, 50, "manual", entry_on=start + timedelta(days=200))  # lot B: still live
    assert pts.ledger(session, cid)[-1].expires_on == pts.add_months(start, 12)
    session.add(PointEntry(customer_id=cid, entry_on=start + timedelta(days=10), points=-30, reason="reward"))
    session.commit()
    assert pts.expire_points(session, TODAY) == 1  # A had 70 left
    session.commit()
    assert pts.balance(session, cid) == 50 == stored_balance(session, cid)
    expired = [line for line in pts.ledger(session, cid) if line.reason == "expire"]
    assert [(line.points, line.entry_on) for line in expired] == [(-70, pts.add_months(start, 12))]
    assert pts.expire_points(session, TODAY) == 0  # idempotent
    assert pts.expire_points(session, TODAY + timedelta(days=400)) == 1  # then B goes too
    assert pts.balance(session, cid) == 0


def test_a_spend_after_expiry_cannot_use_expired_points(session: Session, add_customer: AddCustomer) -> None:
    settings_store.save(session, {pts.EXPIRY_MONTHS: 1})
    cid = add_customer("王芳")
    pts.add_points(session, cid, 100, "manual", entry_on=TODAY - timedelta(days=90))
    with pytest.raises(ValidationError, match="只有 0 积分"):
        pts.spend_points(session, cid, 10)  # spend runs the expiry first


def test_expiry_months_rewrite_dates(session: Session, add_customer: AddCustomer) -> None:
    cid = add_customer("王芳")
    pts.add_points(session, cid, 100, "manual", entry_on=date(2024, 1, 31))
    pts.set_expiry_months(session, 1)
    assert pts.ledger(session, cid)[0].expires_on == date(2024, 2, 29)
    pts.set_expiry_months(session, 0)
    assert pts.ledger(session, cid)[0].expires_on is None


def test_deleted_entries_wait_in_the_trash(session: Session, add_customer: AddCustomer) -> None:
    cid = add_customer("王芳")
    eid = pts.add_points(session, cid, 40, "checkin")
    pts.delete_entry(session, eid)
    assert stored_balance(session, cid) == 0
    assert [(r.kind, r.id, r.customer_name) for r in list_trashed_records(session) if r.kind == "point"] == [
        ("point", eid, "王芳")]
    restore_records(session, [("point", eid)])
    assert stored_balance(session, cid) == 40


def test_totals(session: Session, add_customer: AddCustomer) -> None:
    cid = add_customer("王芳")
    pts.add_points(session, cid, 300, "manual")
    pts.spend_points(session, cid, 120)
    totals = pts.point_totals(session)
    assert (totals.issued, totals.spent, totals.expired, totals.outstanding, totals.holders) == (300, 120, 0, 180, 1)
    assert [h.id for h in pts.customers_by_balance(session)] == [cid]

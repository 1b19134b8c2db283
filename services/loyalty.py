"""The points and tiers that follow purchases, in one place for the services that change purchases.

    refresh_loyalty   run by services.timeline.refresh_aggregates (every purchase save, delete,
                      restore, import and undo): purchase entries follow their purchases into and
                      out of the 回收站, balances, tiers (announcing upgrades)
    after_import      a purchases import: catalogue links and points for the batch's purchases (one INSERT … SELECT,
                      carrying the batch id so undo takes them back) and the referrers' points
    daily             at start, off the GUI thread, once a day: expiry, referral points, every tier
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.loyalty import PointEntry
from services import points, settings_store, tiers

LAST_DAILY = settings_store.declare("loyalty.last_daily", str, "", "积分过期和会员等级上次按日期重算的日期")


def refresh_loyalty(session: Session, customer_ids: list[int] | None = None, today: date | None = None) -> None:
    """No commit."""
    if session.scalar(select(PointEntry.id).where(PointEntry.purchase_id.is_not(None)).limit(1)) is not None:
        points.align_purchase_entries(session, customer_ids)
    points.refresh_balances(session, customer_ids)
    tiers.recompute_tiers(session, customer_ids, today, announce=customer_ids is not None)


def after_import(session: Session, batch_id: int | None, customer_ids: list[int]) -> None:
    """Before refresh_aggregates (which refreshes the balances and tiers); no commit."""
    if batch_id is not None:
        from services.products import link_purchases

        link_purchases(session, batch_id=batch_id)
        points.award_purchase_points(session, batch_id=batch_id, entry_batch_id=batch_id)
    points.award_referral_points(session, customer_ids)


def daily(session: Session, today: date | None = None, *, force: bool = False) -> int:
    """Expire what is due, award referral points missed, recompute every tier — once a day (edits
    keep them current in between; only the calendar moves them); commits; returns the number of
    customers whose tier changed plus the expiry entries written."""
    today = today or date.today()
    if not force and settings_store.get(session, LAST_DAILY) == today.isoformat():
        return 0
    written = points.expire_points(session, today)
    points.award_referral_points(session)
    changed = tiers.recompute_tiers(session, today=today, announce=False)
    settings_store.put(session, LAST_DAILY, today.isoformat())
    session.commit()
    return written + len(changed)

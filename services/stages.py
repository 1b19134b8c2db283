"""Lifecycle stage (阶段), computed from purchases and dates, never typed — unless overridden.

The thresholds here are the foundation's defaults; the layers issue makes them editable.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import case, literal

STAGES = ("潜在", "新客", "已购", "复购", "VIP", "沉睡", "流失")

NEW_DAYS = 30  # first purchase within this many days: 新客
SLEEPING_DAYS = 180  # no purchase for this long: 沉睡
LOST_DAYS = 365  # no purchase for this long: 流失
VIP_SPENT_CENTS = 10_000_00  # ￥10,000 in total
VIP_PURCHASES = 6


def stage_for(count: int, spent_cents: int, first: date | None, last: date | None, today: date) -> str:
    if count == 0 or last is None:
        return "潜在"
    if last < today - timedelta(days=LOST_DAYS):
        return "流失"
    if last < today - timedelta(days=SLEEPING_DAYS):
        return "沉睡"
    if spent_cents >= VIP_SPENT_CENTS or count >= VIP_PURCHASES:
        return "VIP"
    if count >= 2:
        return "复购"
    if first is not None and first >= today - timedelta(days=NEW_DAYS):
        return "新客"
    return "已购"


def stage_sql(count: Any, spent: Any, first: Any, last: Any, today: date) -> Any:
    """The same rule as `stage_for`, as a SQL CASE expression for bulk updates."""
    return case(
        (count == 0, literal("潜在")),
        (last < today - timedelta(days=LOST_DAYS), literal("流失")),
        (last < today - timedelta(days=SLEEPING_DAYS), literal("沉睡")),
        ((spent >= VIP_SPENT_CENTS) | (count >= VIP_PURCHASES), literal("VIP")),
        (count >= 2, literal("复购")),
        (first >= today - timedelta(days=NEW_DAYS), literal("新客")),
        else_=literal("已购"),
    )

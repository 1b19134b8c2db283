"""Lifecycle stage (阶段), computed from purchases and dates, never typed — unless overridden.

    潜在  never bought
    流失  last purchase more than `lost_days` ago
    沉睡  last purchase more than `sleeping_days` ago
    VIP   spent at least `vip_spent_cents` in total, or bought at least `vip_purchases` times
    复购  bought twice or more
    新客  first purchase within the last `new_days`
    已购  everyone else who bought

The first rule that holds wins. The thresholds are settings (services.settings_store, group
"layers", edited under 设置 → 分层); the constants below are their defaults. `stage_for` and
`stage_sql` take them as `thresholds` (the defaults when left out); `stage_thresholds(session)`
reads the seller's current values.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import case, literal
from sqlalchemy.orm import Session

from services import settings_store
from services.settings_store import declare

STAGES = ("潜在", "新客", "已购", "复购", "VIP", "沉睡", "流失")

NEW_DAYS = 30  # first purchase within this many days: 新客
SLEEPING_DAYS = 180  # no purchase for this long: 沉睡
LOST_DAYS = 365  # no purchase for this long: 流失
VIP_SPENT_CENTS = 10_000_00  # ￥10,000 in total
VIP_PURCHASES = 6


@dataclass(frozen=True)
class StageThresholds:
    new_days: int = NEW_DAYS
    sleeping_days: int = SLEEPING_DAYS
    lost_days: int = LOST_DAYS
    vip_spent_cents: int = VIP_SPENT_CENTS
    vip_purchases: int = VIP_PURCHASES


DEFAULT_THRESHOLDS = StageThresholds()

NEW_DAYS_SETTING = declare(
    "stage.new_days", int, NEW_DAYS, "新客：首次购买在多少天内", unit="天", minimum=1, maximum=3650,
    help="首次购买在这么多天内、只买过一次的客户是“新客”", group="layers")
SLEEPING_DAYS_SETTING = declare(
    "stage.sleeping_days", int, SLEEPING_DAYS, "沉睡：多少天没有购买", unit="天", minimum=1, maximum=3650,
    help="最近一次购买早于这么多天前，算“沉睡”", group="layers")
LOST_DAYS_SETTING = declare(
    "stage.lost_days", int, LOST_DAYS, "流失：多少天没有购买", unit="天", minimum=2, maximum=7300,
    help="最近一次购买早于这么多天前，算“流失”（要比沉睡的天数多）", group="layers")
VIP_SPENT_SETTING = declare(
    "stage.vip_spent_yuan", int, VIP_SPENT_CENTS // 100, "VIP：累计消费达到", unit="元", minimum=1,
    maximum=100_000_000, help="累计消费达到这个数，或购买次数达到下面的次数，算“VIP”", group="layers")
VIP_PURCHASES_SETTING = declare(
    "stage.vip_purchases", int, VIP_PURCHASES, "VIP：或购买次数达到", unit="次", minimum=2, maximum=10_000,
    group="layers")
STAGE_SETTINGS = (NEW_DAYS_SETTING, SLEEPING_DAYS_SETTING, LOST_DAYS_SETTING, VIP_SPENT_SETTING,
                  VIP_PURCHASES_SETTING)


def stage_thresholds(session: Session) -> StageThresholds:
    """The seller's current thresholds (the defaults until changed in 设置 → 分层)."""
    values = settings_store.get_many(session, STAGE_SETTINGS)
    return StageThresholds(
        new_days=values[NEW_DAYS_SETTING.key], sleeping_days=values[SLEEPING_DAYS_SETTING.key],
        lost_days=values[LOST_DAYS_SETTING.key], vip_spent_cents=values[VIP_SPENT_SETTING.key] * 100,
        vip_purchases=values[VIP_PURCHASES_SETTING.key])


def stage_for(count: int, spent_cents: int, first: date | None, last: date | None, today: date,
              thresholds: StageThresholds = DEFAULT_THRESHOLDS) -> str:
    th = thresholds
    if count == 0 or last is None:
        return "潜在"
    if last < today - timedelta(days=th.lost_days):
        return "流失"
    if last < today - timedelta(days=th.sleeping_days):
        return "沉睡"
    if spent_cents >= th.vip_spent_cents or count >= th.vip_purchases:
        return "VIP"
    if count >= 2:
        return "复购"
    if first is not None and first >= today - timedelta(days=th.new_days):
        return "新客"
    return "已购"


def stage_sql(count: Any, spent: Any, first: Any, last: Any, today: date,
              thresholds: StageThresholds = DEFAULT_THRESHOLDS) -> Any:
    """The same rule as `stage_for`, as a SQL CASE expression for bulk updates."""
    th = thresholds
    return case(
        (count == 0, literal("潜在")),
        (last < today - timedelta(days=th.lost_days), literal("流失")),
        (last < today - timedelta(days=th.sleeping_days), literal("沉睡")),
        ((spent >= th.vip_spent_cents) | (count >= th.vip_purchases), literal("VIP")),
        (count >= 2, literal("复购")),
        (first >= today - timedelta(days=th.new_days), literal("新客")),
        else_=literal("已购"),
    )

"""Group metrics: every formula with hand-computed numbers, zero denominators, life stages, member mix."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from models import Customer
from services import group_metrics as gm
from services.group_metrics import DayStat, metrics_of, totals_of
from services.groups import GroupInput, add_members, save_group
from services.layers import cached_cuts, recompute_layers
from services.timeline import save_purchase
from tests.services.helpers import AddCustomer

D1, D2, D3 = date(2025, 2, 27), date(2025, 2, 28), date(2025, 3, 1)

# Three days of one group. Day 3 has no 群人数 typed.
THREE_DAYS = [
    DayStat(D1, members=100, joined=10, left=2, exposures=200, messages=150, active_speakers=20, buyers=3,
            orders=4, revenue_cents=600_00, cost_cents=100_00),
    DayStat(D2, members=105, joined=8, left=3, exposures=0, messages=210, active_speakers=21, buyers=2, orders=2,
            revenue_cents=400_00, cost_cents=0),
    DayStat(D3, members=None, joined=0, left=5, exposures=100, messages=30, active_speakers=10, buyers=0,
            orders=0, revenue_cents=0, cost_cents=150_00),
]


def test_totals_of_a_period() -> None:
    totals = totals_of(list(reversed(THREE_DAYS)))  # order does not matter
    assert (totals.days, totals.joined, totals.left, totals.exposures) == (3, 18, 10, 300)
    assert (totals.messages, totals.active_speakers, totals.buyers, totals.orders) == (390, 51, 5, 6)
    assert (totals.revenue_cents, totals.cost_cents) == (1000_00, 250_00)
    assert totals.end_members == 105  # the last day that has 群人数
    assert totals.ever_members == 105 + 10  # M_end + everyone who left in the period
    assert (totals.member_days, totals.speakers_on_member_days, totals.messages_on_member_days) == (205, 41, 360)


def test_each_formula_by_hand() -> None:
    m = metrics_of(totals_of(THREE_DAYS))
    assert m.join_rate == pytest.approx(18 / 300)  # 进群率 = joined / exposures = 0.06
    assert m.leave_rate == pytest.approx(10 / 115)  # 退群率 = left / members ever in the period
    assert m.interaction_rate == pytest.approx(41 / 205)  # 互动率 = speakers / member-days = 0.2
    assert m.messages_per_member == pytest.approx(360 / 205)  # 人均消息量 per member per day
    assert m.retention_rate == pytest.approx(105 / 115)  # 留存率 = M_end / M_ever
    assert m.conversion_rate == pytest.approx(5 / 115)  # 转化率 = buyers / M_ever
    assert m.avg_order_value == pytest.approx(200.0)  # 客单价 = ¥1,000 / 5 buyers
    assert m.roi == pytest.approx(4.0)  # ROI = ¥1,000 / ¥250


def test_one_day_of_a_small_group() -> None:
    m = metrics_of(totals_of([DayStat(D1, members=40, joined=4, left=1, exposures=50, messages=60, active_speakers=8,
                                      buyers=2, orders=3, revenue_cents=259_80, cost_cents=50_00)]))
    assert (m.join_rate, m.leave_rate, m.interaction_rate) == (pytest.approx(0.08), pytest.approx(1 / 41), 0.2)
    assert (m.messages_per_member, m.retention_rate) == (1.5, pytest.approx(40 / 41))
    assert (m.conversion_rate, m.avg_order_value, m.roi) == (pytest.approx(2 / 41), pytest.approx(129.9),
                                                             pytest.approx(5.196))


def test_zero_denominators_give_none_never_zero() -> None:
    assert gm.Metrics() == metrics_of(totals_of([]))  # no stats at all
    no_members = metrics_of(totals_of([DayStat(D1, members=None, joined=3, left=0, exposures=0, messages=10,
                                               active_speakers=2, buyers=0, revenue_cents=0, cost_cents=0)]))
    assert no_members.as_dict() == dict.fromkeys(gm.METRIC_KEYS)
    empty_group = metrics_of(totals_of([DayStat(D1, members=0, buyers=0)]))
    assert empty_group.retention_rate is None and empty_group.conversion_rate is None
    assert empty_group.interaction_rate is None  # member-days 0
    free = metrics_of(totals_of([DayStat(D1, members=10, buyers=1, revenue_cents=99_00, cost_cents=0)]))
    assert free.roi is None and free.avg_order_value == 99.0
    zero_revenue = metrics_of(totals_of([DayStat(D1, members=10, cost_cents=20_00)]))
    assert zero_revenue.roi == 0.0 and zero_revenue.avg_order_value is None  # 0 / cost is a real 0


def test_format_shows_a_dash_for_none() -> None:
    assert gm.format_metric("join_rate", None) == "—"
    assert gm.format_metric("join_rate", 0.0625) == "6.2%"
    assert gm.format_metric("avg_order_value", 1280.5) == "¥1,280.50"
    assert gm.format_metric("roi", 4) == "4.00"


@pytest.mark.parametrize(("key", "text", "expected"), [
    ("members", "", None), ("joined", "", 0), ("messages", "1,200", 1200), ("exposures", "３０", 30),
    ("buyers", "5.0", 5), ("revenue_cents", "￥1,280.50", 128050), ("cost_cents", "99", 9900),
])
def test_grid_cells_are_read_as_typed(key: str, text: str, expected: int | None) -> None:
    assert gm.parse_stat_cell(key, text) == expected


@pytest.mark.parametrize(("key", "text", "message"), [
    ("joined", "abc", "进群：“abc”不是数字"), ("left", "-3", "退群：不能是负数"), ("buyers", "1.5", "下单人数：“1.5”应是整数"),
    ("revenue_cents", "12元5角", "成交额（元）："),
])
def test_bad_grid_cells_name_the_column(key: str, text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        gm.parse_stat_cell(key, text)


# ---- the store ---------------------------------------------------------------------------------------

@pytest.fixture
def group_id(session: Session) -> int:
    return save_group(session, GroupInput(name="VIP茶友群", kind="VIP群", created_on=date(2025, 1, 1)))


def test_saving_the_grid_carries_members_and_removes_blank_days(session: Session, group_id: int) -> None:
    saved = gm.save_stats(session, group_id, [
        DayStat(D1, members=100, joined=10, left=2),
        DayStat(D2, members=None, joined=5, left=1, messages=80),  # 100 + 5 − 1
        DayStat(D3 + timedelta(days=1), members=None, joined=2),  # a gap: not carried
    ])
    assert saved == 3
    stats = {s.day: s for s in gm.stats_between(session, group_id, D1, D3 + timedelta(days=3))}
    assert stats[D2].members == 104 and stats[D2].messages == 80
    assert stats[D3 + timedelta(days=1)].members is None
    gm.save_stats(session, group_id, [DayStat(D2)])  # cleared in the grid
    assert [s.day for s in gm.stats_between(session, group_id, D1, D3 + timedelta(days=3))] == [D1, D3 + timedelta(days=1)]
    gm.upsert_stat(session, group_id, DayStat(D1, members=99))
    assert gm.stats_between(session, group_id, D1, D1)[0] == DayStat(D1, members=99)


def test_group_metrics_read_the_period_only(session: Session, group_id: int) -> None:
    gm.save_stats(session, group_id, [*THREE_DAYS, DayStat(D3 + timedelta(days=1), members=500, joined=400,
                                                           exposures=400)])
    totals, metrics = gm.group_metrics(session, group_id, D1, D3)
    assert totals.days == 3 and totals.end_members == 100  # D3's empty 群人数 carried: 105 + 0 − 5
    carried = [*THREE_DAYS[:2], replace(THREE_DAYS[2], members=100)]
    assert metrics == metrics_of(totals_of(carried))
    assert metrics.retention_rate == pytest.approx(100 / 110)
    reports = gm.report_groups(session, D1, D3)
    assert [(r.name, r.metrics.roi) for r in reports] == [("VIP茶友群", pytest.approx(4.0))]


@pytest.mark.parametrize(("age", "sold", "share", "stage"), [
    (0, False, None, "初建期"), (6, True, 0.5, "初建期"), (7, False, None, "激活期"), (29, True, 0.5, "激活期"),
    (30, False, 0.5, "留存期"), (30, True, None, "变现期"), (90, True, 0.05, "变现期"), (90, True, 0.1, "传播期"),
])
def test_life_stage_rules(age: int, sold: bool, share: float | None, stage: str) -> None:
    assert gm.life_stage(age, sold, share) == stage


def test_group_stage_in_the_store(session: Session, add_customer: AddCustomer) -> None:
    today = date(2025, 6, 30)
    new = save_group(session, GroupInput(name="新群", created_on=today - timedelta(days=3)))
    assert gm.group_stage(session, new, today) == "初建期"
    old = save_group(session, GroupInput(name="老群", created_on=today - timedelta(days=120)))
    assert gm.group_stage(session, old, today) == "留存期"
    gm.save_stats(session, old, [DayStat(today - timedelta(days=5), members=50, buyers=2, revenue_cents=300_00)])
    assert gm.group_stage(session, old, today) == "变现期"
    a, b = add_customer("张丽"), add_customer("王芳")
    add_members(session, old, [a, b])
    from models import Referral

    session.add(Referral(referrer_id=a, referee_id=add_customer("赵磊")))
    session.commit()
    assert gm.group_stage(session, old, today) == "传播期"  # 1 of 2 members referred someone


def test_member_mix_uses_the_computed_loyalty_types(session: Session, group_id: int, add_customer: AddCustomer) -> None:
    ids = [add_customer(name) for name in ("张丽", "王芳", "赵磊", "李娜", "周杰")]
    add_members(session, group_id, ids)
    recompute_layers(session)
    for cid, kind in zip(ids, ("忠实型", "忠实型", "羊毛型", "低需求", ""), strict=True):
        session.execute(update(Customer).where(Customer.id == cid).values(loyalty_type=kind))
    session.commit()
    assert gm.member_mix(session, group_id) == {"忠实型": 2, "羊毛型": 1, "需求型": 0, "低需求": 1, "未归类": 1}


def test_member_mix_stand_in_before_layers_are_computed(session: Session, group_id: int,
                                                        add_customer: AddCustomer) -> None:
    assert cached_cuts(session) is None
    today = date(2025, 6, 30)
    counts = {"零": (0, None), "一次": (1, today), "老客": (3, today - timedelta(days=200)), "常客": (4, today)}
    ids = []
    for name, (purchases, last) in counts.items():
        cid = add_customer(name)
        session.execute(update(Customer).where(Customer.id == cid).values(purchase_count=purchases,
                                                                           last_purchase_on=last))
        ids.append(cid)
    session.commit()
    add_members(session, group_id, ids)
    assert gm.member_mix(session, group_id, today) == {"忠实型": 0, "羊毛型": 0, "需求型": 1, "低需求": 2, "未归类": 1}


def test_left_and_deleted_members_are_not_in_the_mix(session: Session, group_id: int,
                                                     add_customer: AddCustomer) -> None:
    from services.customers import trash_customers
    from services.groups import list_members, mark_left

    a, b, c = add_customer("张丽"), add_customer("王芳"), add_customer("赵磊")
    add_members(session, group_id, [a, b, c])
    save_purchase(session, a, date.today(), "普洱", 1, "300")
    mark_left(session, [m.id for m in list_members(session, group_id) if m.customer_id == b])
    trash_customers(session, [c])
    assert sum(gm.member_mix(session, group_id).values()) == 1

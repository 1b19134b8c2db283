"""分层: RFM scores and segments, loyalty types, stage thresholds and 最近互动, on hand-built stores."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from models import Customer, FollowUp, Note, Purchase, Referral
from services import layers, settings_store
from services.customer_query import CustomerFilter, customer_ids
from services.customers import trash_customers
from services.errors import UserError, ValidationError
from services.layer_report import layer_counts
from services.layers import (
    BARGAIN_TICKET,
    LOW_NEED_PURCHASES,
    LOYAL_MONTHS,
    LOYAL_REFERRED,
    NEED_DAYS,
    RFM_HIGH,
    cut_points,
    recompute_layers,
    score,
    segment_for,
)
from services.stages import LOST_DAYS_SETTING, SLEEPING_DAYS_SETTING, StageThresholds, stage_for
from services.timeline import (
    complete_follow_up,
    delete_note,
    refresh_aggregates,
    save_follow_up,
    save_note,
    save_purchase,
)
from services.trash import restore_records
from tests.services.helpers import AddCustomer

TODAY = date(2025, 6, 15)


def buy(session: Session, customer_id: int, *purchases: tuple[date, int]) -> None:
    """Purchases (date, yuan) as rows; the totals follow at the next recompute."""
    for day, yuan in purchases:
        session.add(Purchase(customer_id=customer_id, purchased_on=day, product="普洱", quantity=1,
                             amount_cents=yuan * 100))
    session.flush()


def recompute(session: Session) -> None:
    refresh_aggregates(session, None, today=TODAY)
    recompute_layers(session, today=TODAY)
    session.expire_all()


def layer(session: Session, customer_id: int) -> tuple[int | None, int | None, int | None, str, str]:
    c = session.get(Customer, customer_id)
    assert c is not None
    return c.rfm_r, c.rfm_f, c.rfm_m, c.rfm_segment, c.loyalty_type


# ---- the quantile rule -------------------------------------------------------------------------------


def test_ten_different_values_fall_two_to_each_score() -> None:
    cuts = cut_points([(v, 1) for v in range(1, 11)], 10)
    assert cuts == (3, 5, 7, 9)
    assert [score(v, cuts) for v in range(1, 11)] == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]


def test_ties_get_the_score_of_the_quintile_where_they_start() -> None:
    # 60 % bought once: all of them score 1; the twice-buyers (60 % below them) score 4.
    groups = [(1, 6), (2, 2), (3, 2)]
    cuts = cut_points(groups, 10)
    assert [score(v, cuts) for v, _ in groups] == [1, 4, 5]
    assert score(7, cuts) == 5  # a value above every cut point (a later purchase) scores the top


def test_one_value_for_everyone_scores_1_and_a_lone_buyer_too() -> None:
    assert cut_points([(5, 40)], 40) == ()
    assert score(5, ()) == 1
    assert cut_points([(date(2025, 1, 1), 1)], 1) == ()


def test_scores_never_fall_as_the_value_rises_and_equal_values_score_equal() -> None:
    rng = random.Random(3)
    for _ in range(50):
        values = sorted(rng.choice(range(30)) for _ in range(rng.randint(1, 60)))
        groups = [(v, values.count(v)) for v in sorted(set(values))]
        cuts = cut_points(groups, len(values))
        scores = [score(v, cuts) for v in values]
        assert scores == sorted(scores) and scores[0] == 1 and max(scores) <= 5
        for v, n in groups:  # the documented rule: 1 + ⌊5 × strictly worse / all⌋
            below = sum(1 for x in values if x < v)
            assert score(v, cuts) == 1 + 5 * below // len(values), (values, v, n)


@pytest.mark.parametrize(("r", "f", "m", "segment"), [
    (5, 5, 5, "重要价值"), (1, 5, 5, "重要唤回"), (5, 1, 5, "重要深耕"), (1, 1, 5, "重要挽留"),
    (5, 5, 1, "潜力"), (5, 1, 1, "新客"), (1, 5, 1, "一般维持"), (1, 1, 1, "流失"),
    (3, 3, 3, "重要价值"), (2, 2, 2, "流失"), (None, None, None, ""),
])
def test_segment_mapping(r: int | None, f: int | None, m: int | None, segment: str) -> None:
    assert segment_for(r, f, m) == segment


def test_the_sql_segment_rule_matches_the_python_one_for_every_score(session: Session, add_customer: AddCustomer) -> None:
    cid = add_customer("张丽")
    for high in (2, 3, 4, 5):
        for r in range(1, 6):
            for f in range(1, 6):
                for m in (1, high - 1, high, 5):
                    if not 1 <= m <= 5:
                        continue
                    session.execute(update(Customer).where(Customer.id == cid).values(rfm_r=r, rfm_f=f, rfm_m=m))
                    got = session.scalar(select(layers._segment_sql(high)).where(Customer.id == cid))
                    assert got == segment_for(r, f, m, high)


# ---- RFM on a store ----------------------------------------------------------------------------------


def test_rfm_scores_and_every_segment_on_a_hand_built_store(session: Session, add_customer: AddCustomer) -> None:
    """Ten buyers with ten different dates, counts and totals: ranks 0–3 score low (1–2), 4–9 high (3–5)."""
    # (R rank, F rank, M rank) for each of the eight segments, plus two all-high buyers.
    plan = {
        "重要价值": (9, 9, 9), "重要唤回": (0, 8, 8), "重要深耕": (8, 0, 7), "重要挽留": (1, 1, 6),
        "潜力": (7, 7, 0), "新客": (6, 2, 1), "一般维持": (2, 6, 2), "流失": (3, 3, 3),
        "pad1": (4, 4, 4), "pad2": (5, 5, 5),
    }
    ids = {}
    for name, (r, f, m) in plan.items():
        cid = ids[name] = add_customer(name)
        last = TODAY - timedelta(days=100 - r)  # higher rank: more recent
        count = f + 1
        total = 1000 + 100 * m + count  # distinct totals in rank order
        buy(session, cid, (last, total - (count - 1)), *[(last - timedelta(days=k), 1) for k in range(1, count)])
    never = add_customer("从没买过")
    recompute(session)
    for name, (r, f, m) in plan.items():
        expected = (1 + r // 2, 1 + f // 2, 1 + m // 2)
        assert layer(session, ids[name])[:3] == expected, name
        if not name.startswith("pad"):
            assert layer(session, ids[name])[3] == name
    assert layer(session, never)[:4] == (None, None, None, "")
    counts = layer_counts(session)
    assert counts.rfm_segments == {**dict.fromkeys(layers.RFM_SEGMENTS, 1), "重要价值": 3, "未购买": 1}
    assert CustomerFilter(rfm_segment="重要唤回") != CustomerFilter()
    assert customer_ids(session, CustomerFilter(rfm_segment="重要唤回")) == [ids["重要唤回"]]
    assert customer_ids(session, CustomerFilter(rfm_segment="未购买")) == [never]


def test_equal_values_get_equal_scores_in_the_store(session: Session, add_customer: AddCustomer) -> None:
    a, b, c = add_customer("甲"), add_customer("乙"), add_customer("丙")
    day = TODAY - timedelta(days=10)
    buy(session, a, (day, 300))
    buy(session, b, (day, 300))
    buy(session, c, (day - timedelta(days=50), 100))
    recompute(session)
    assert layer(session, a)[:3] == layer(session, b)[:3] == (2, 1, 2)  # 1 of 3 below: 1 + ⌊5/3⌋
    assert layer(session, c)[:3] == (1, 1, 1)


def test_one_edit_scores_against_the_cached_cut_points(session: Session, add_customer: AddCustomer,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(layers, "SMALL_STORE", 0)  # as in a store of thousands of buyers
    ids = [add_customer(f"客户{i}") for i in range(10)]
    for i, cid in enumerate(ids):  # customer i bought i + 1 times: F cut points 3, 5, 7, 9
        buy(session, cid, *[(TODAY - timedelta(days=200 - 10 * i + k), 100) for k in range(i + 1)])
    recompute(session)
    cuts = layers.cached_cuts(session)
    assert cuts is not None and cuts.buyers == 10 and cuts.frequency == (3, 5, 7, 9)
    assert layer(session, ids[0])[:3] == (1, 1, 1)
    others = {cid: layer(session, cid) for cid in ids[1:]}
    save_purchase(session, ids[0], date.today(), "白茶", 1, "5000")  # the cheap path, through the timeline
    session.expire_all()
    r, f, m, *_ = layer(session, ids[0])
    # Newest and biggest total: above every cached cut point. Two purchases: still below F's first cut (3).
    assert (r, f, m) == (5, 1, 5)
    assert layers.cached_cuts(session) == cuts  # store-wide cut points untouched by one edit
    assert {cid: layer(session, cid) for cid in ids[1:]} == others


def test_a_change_to_many_customers_recomputes_the_cut_points(session: Session, add_customer: AddCustomer,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    ids = [add_customer(f"客户{i}") for i in range(4)]
    for i, cid in enumerate(ids):
        buy(session, cid, (TODAY - timedelta(days=100 - i), 100))
    recompute(session)
    before = layers.cached_cuts(session)
    assert before is not None and before.frequency == ()  # everyone bought once
    monkeypatch.setattr(layers, "FULL_MIN", 3)
    monkeypatch.setattr(layers, "SMALL_STORE", 0)
    for cid in ids[:3]:
        buy(session, cid, (TODAY, 100))
    refresh_aggregates(session, ids[:3], today=TODAY)
    after = layers.cached_cuts(session)
    assert after is not None and after.frequency == (2,)  # three of four twice: 1 of 4 below → 1 + ⌊5/4⌋
    assert layer(session, ids[3])[1] == 1 and layer(session, ids[0])[1] == 2
    assert recompute_layers(session, ids[:3], today=TODAY).full
    few = recompute_layers(session, ids[:1], today=TODAY)
    assert not few.full and few.customers == 1


def test_cancel_rolls_back(session: Session, add_customer: AddCustomer) -> None:
    cid = add_customer("张丽")
    buy(session, cid, (TODAY, 100))
    recompute(session)
    session.execute(update(Customer).values(rfm_r=None, rfm_f=None, rfm_m=None, rfm_segment="", loyalty_type=""))
    session.commit()
    steps: list[tuple[int, int]] = []
    with pytest.raises(UserError):
        recompute_layers(session, today=TODAY, progress=lambda d, t: steps.append((d, t)),
                         cancel=lambda: len(steps) >= 2)
    session.expire_all()
    assert layer(session, cid) == (None, None, None, "", "")
    assert steps == [(0, 5), (1, 5)]
    recompute_layers(session, today=TODAY, progress=lambda d, t: steps.append((d, t)))
    assert steps[-1] == (5, 5)
    session.expire_all()
    assert layer(session, cid) == (1, 1, 1, "流失", "低需求")


# ---- loyalty types ------------------------------------------------------------------------------------


def _months_ago(months: int, day: int = 10) -> date:
    index = TODAY.year * 12 + TODAY.month - 1 - months
    return date(index // 12, index % 12 + 1, day)


@pytest.fixture
def referee_who_bought(session: Session, add_customer: AddCustomer):
    """referred(referrer) → a new customer referred by `referrer` who has bought once."""
    made: list[int] = []

    def referred(referrer: int, bought: bool = True) -> int:
        made.append(referrer)
        cid = add_customer(f"被介绍{len(made)}")
        if bought:
            buy(session, cid, (TODAY - timedelta(days=5), 500))
        session.add(Referral(referrer_id=referrer, referee_id=cid, referred_on=TODAY))
        session.flush()
        return cid
    return referred


@pytest.mark.parametrize(("months", "loyal"), [
    ((0, 1, 2), True),  # this month, last month, the month before
    ((1, 2, 3), True),  # ending last month: this month is still under way
    ((2, 3, 4), False),  # ended two months ago
    ((0, 2, 3), False),  # a gap last month
    ((0, 1), False),  # only two months
])
def test_loyal_means_each_of_the_last_n_months(session: Session, add_customer: AddCustomer, referee_who_bought,
                                               months: tuple[int, ...], loyal: bool) -> None:
    cid = add_customer("老客")
    buy(session, cid, *[(_months_ago(k), 500) for k in months], (_months_ago(12), 500))
    referee_who_bought(cid)
    recompute(session)
    assert layer(session, cid)[4] == ("忠实型" if loyal else "")  # 4 purchases, the last within 90 days


def test_month_edges_are_calendar_months(session: Session, add_customer: AddCustomer, referee_who_bought) -> None:
    a, b = add_customer("月初月末"), add_customer("跨月")
    # 1st of April, 31st of May, 1st of June: three calendar months.
    buy(session, a, (date(2025, 4, 1), 500), (date(2025, 5, 31), 500), (date(2025, 6, 1), 500))
    # 31 March and 1 April are different months, but May is missing.
    buy(session, b, (date(2025, 3, 31), 500), (date(2025, 4, 1), 500), (date(2025, 6, 1), 500))
    referee_who_bought(a)
    referee_who_bought(b)
    recompute(session)
    assert layer(session, a)[4] == "忠实型"
    assert layer(session, b)[4] == ""


def test_loyal_needs_a_referred_buyer(session: Session, add_customer: AddCustomer, referee_who_bought) -> None:
    cid = add_customer("老客")
    buy(session, cid, *[(_months_ago(k), 500) for k in range(3)])
    referee = referee_who_bought(cid, bought=False)
    recompute(session)
    assert layer(session, cid)[4] == ""  # referred someone who has not bought
    buy(session, referee, (TODAY, 100))
    refresh_aggregates(session, [referee], today=TODAY)  # the referee bought: her referrer is refreshed too
    session.expire_all()
    assert layer(session, cid)[4] == "忠实型"
    trash_customers(session, [referee])
    recompute(session)
    assert layer(session, cid)[4] == ""  # a referee in the trash does not count
    settings_store.save(session, {LOYAL_REFERRED: 0})  # 0 waives the referral
    recompute(session)
    assert layer(session, cid)[4] == "忠实型"


def test_loyal_months_and_referral_count_follow_the_settings(session: Session, add_customer: AddCustomer,
                                                             referee_who_bought) -> None:
    cid = add_customer("老客")
    buy(session, cid, *[(_months_ago(k), 500) for k in range(2)], (_months_ago(6), 500))
    referee_who_bought(cid)
    recompute(session)
    assert layer(session, cid)[4] == ""
    settings_store.save(session, {LOYAL_MONTHS: 2})
    recompute(session)
    assert layer(session, cid)[4] == "忠实型"
    settings_store.save(session, {LOYAL_REFERRED: 2})
    recompute(session)
    assert layer(session, cid)[4] == ""
    referee_who_bought(cid)
    recompute(session)
    assert layer(session, cid)[4] == "忠实型"


@pytest.mark.parametrize(("amounts", "expected"), [
    ((100, 100), ""),  # average exactly 100 元: not below the threshold
    ((100, 99), "羊毛型"),  # average 99.5 元
    ((50,), "低需求"),  # bought once: 低需求 comes first, whatever the ticket
])
def test_bargain_hunter_by_average_ticket(session: Session, add_customer: AddCustomer,
                                          amounts: tuple[int, ...], expected: str) -> None:
    cid = add_customer("客户")
    buy(session, cid, *[(TODAY - timedelta(days=10 + k), yuan) for k, yuan in enumerate(amounts)])
    recompute(session)
    assert layer(session, cid)[4] == expected


def test_bargain_threshold_is_a_setting(session: Session, add_customer: AddCustomer) -> None:
    cid = add_customer("客户")
    buy(session, cid, (TODAY - timedelta(days=3), 300), (TODAY - timedelta(days=4), 300))
    recompute(session)
    assert layer(session, cid)[4] == ""
    settings_store.save(session, {BARGAIN_TICKET: 301})
    recompute(session)
    assert layer(session, cid)[4] == "羊毛型"


@pytest.mark.parametrize(("days", "expected"), [(90, ""), (91, "需求型")])
def test_need_type_after_90_days_without_repurchase(session: Session, add_customer: AddCustomer,
                                                    days: int, expected: str) -> None:
    cid = add_customer("客户")
    buy(session, cid, (TODAY - timedelta(days=days), 800), (TODAY - timedelta(days=days + 30), 800))
    recompute(session)
    assert layer(session, cid)[4] == expected


@pytest.mark.parametrize(("purchases", "setting", "expected"), [
    (0, 1, "低需求"), (1, 1, "低需求"), (2, 1, ""), (2, 2, "低需求"), (1, 0, ""),
])
def test_low_need_is_once_or_never(session: Session, add_customer: AddCustomer, purchases: int, setting: int,
                                   expected: str) -> None:
    settings_store.save(session, {LOW_NEED_PURCHASES: setting})
    cid = add_customer("客户")
    buy(session, cid, *[(TODAY - timedelta(days=5 + k), 800) for k in range(purchases)])
    recompute(session)
    assert layer(session, cid)[4] == expected


def test_loyal_comes_before_bargain_and_need_days_is_a_setting(session: Session, add_customer: AddCustomer,
                                                               referee_who_bought) -> None:
    loyal, need = add_customer("忠实"), add_customer("需求")
    buy(session, loyal, *[(_months_ago(k), 20) for k in range(3)])  # low tickets, but monthly with a referral
    referee_who_bought(loyal)
    buy(session, need, (TODAY - timedelta(days=40), 800), (TODAY - timedelta(days=70), 800))
    recompute(session)
    assert (layer(session, loyal)[4], layer(session, need)[4]) == ("忠实型", "")
    settings_store.save(session, {NEED_DAYS: 30})
    recompute(session)
    assert layer(session, need)[4] == "需求型"
    counts = layer_counts(session)
    assert counts.loyalty_types["忠实型"] == 1 and counts.loyalty_types["需求型"] == 1
    assert sum(counts.loyalty_types.values()) == counts.customers
    assert customer_ids(session, CustomerFilter(loyalty_type="需求型")) == [need]


# ---- stage thresholds ---------------------------------------------------------------------------------


def test_stage_thresholds_come_from_the_settings(session: Session, add_customer: AddCustomer) -> None:
    cid = add_customer("客户")
    buy(session, cid, (TODAY - timedelta(days=200), 300))
    recompute(session)
    assert session.get(Customer, cid).stage == "沉睡"
    layers.save_layer_settings(session, {SLEEPING_DAYS_SETTING: 250})
    recompute(session)
    assert session.get(Customer, cid).stage == "已购"
    custom = StageThresholds(sleeping_days=250)
    assert stage_for(1, 30000, TODAY - timedelta(days=200), TODAY - timedelta(days=200), TODAY, custom) == "已购"
    layers.save_layer_settings(session, {LOST_DAYS_SETTING: 199, SLEEPING_DAYS_SETTING: 100})
    recompute(session)
    assert session.get(Customer, cid).stage == "流失"


def test_lost_must_come_after_sleeping_and_nothing_is_saved(session: Session) -> None:
    with pytest.raises(ValidationError) as caught:
        layers.save_layer_settings(session, {LOST_DAYS_SETTING: 180})
    assert list(caught.value.fields) == [LOST_DAYS_SETTING.key]
    with pytest.raises(ValidationError):
        layers.save_layer_settings(session, {RFM_HIGH: 6, NEED_DAYS: 30})  # out of range: neither saved
    assert settings_store.get(session, NEED_DAYS) == 90
    assert settings_store.get(session, LOST_DAYS_SETTING) == 365


def test_rfm_high_score_is_a_setting(session: Session, add_customer: AddCustomer) -> None:
    ids = [add_customer(f"客户{i}") for i in range(5)]
    for i, cid in enumerate(ids):
        buy(session, cid, *[(TODAY - timedelta(days=50 - i - k), 100 * (i + 1)) for k in range(i + 1)])
    recompute(session)
    assert layer(session, ids[2])[:4] == (3, 3, 3, "重要价值")
    settings_store.save(session, {RFM_HIGH: 4})
    recompute(session)
    assert layer(session, ids[2])[3] == "流失"
    assert layer(session, ids[3])[3] == "重要价值"


# ---- last interaction ---------------------------------------------------------------------------------


def test_last_interaction_is_the_latest_note_purchase_or_done_follow_up(session: Session, add_customer: AddCustomer) -> None:
    cid = add_customer("张丽")

    def last() -> date | None:
        session.expire_all()
        return session.get(Customer, cid).last_interaction_on

    assert last() is None
    save_purchase(session, cid, date(2025, 3, 1), "普洱", 1, "100")
    assert last() == date(2025, 3, 1)
    note = save_note(session, cid, "喜好", "喜欢熟普", noted_at=datetime(2025, 4, 2, 21, 30))
    assert last() == date(2025, 4, 2)
    follow_up = save_follow_up(session, cid, date(2025, 5, 1), "回访")
    assert last() == date(2025, 4, 2)  # not done yet
    complete_follow_up(session, follow_up, "很满意")
    assert last() == date.today()
    session.execute(update(FollowUp).where(FollowUp.id == follow_up).values(done_at=datetime(2025, 3, 20, 9)))
    session.commit()
    recompute_layers(session, [cid])
    assert last() == date(2025, 4, 2)
    delete_note(session, note)  # in the trash: no longer counts
    assert last() == date(2025, 3, 20)
    restore_records(session, [("note", note)])
    assert last() == date(2025, 4, 2)


def test_a_full_recompute_rebuilds_last_interaction(session: Session, add_customer: AddCustomer) -> None:
    cid = add_customer("张丽")
    session.add(Note(customer_id=cid, kind="其他", body="导入的笔记", noted_at=datetime(2025, 1, 5, 8)))
    session.commit()  # as an Excel import of notes leaves it: the customer's totals not refreshed
    assert session.get(Customer, cid).last_interaction_on is None
    result = recompute_layers(session)
    session.expire_all()
    assert session.get(Customer, cid).last_interaction_on == date(2025, 1, 5)
    assert result.full and result.changed >= 1
    assert recompute_layers(session).changed == 0  # nothing left to change


# ---- counts -------------------------------------------------------------------------------------------


def test_counts_sum_to_the_live_customers_and_use_the_manual_stage(session: Session, add_customer: AddCustomer) -> None:
    a, b, gone = add_customer("甲"), add_customer("乙"), add_customer("丙")
    buy(session, a, (TODAY, 100))
    session.execute(update(Customer).where(Customer.id == b).values(stage_override="VIP"))
    trash_customers(session, [gone])
    recompute(session)
    counts = layer_counts(session)
    assert counts.customers == 2
    for values in (counts.rfm_segments, counts.loyalty_types, counts.stages):
        assert sum(values.values()) == 2
    assert counts.stages["VIP"] == 1 and counts.stages["新客"] == 1
    assert counts.rfm_segments["未购买"] == 1 and counts.loyalty_types["低需求"] == 2
    assert counts.computed_at


def test_a_store_not_yet_recomputed_says_so(session: Session, add_customer: AddCustomer) -> None:
    cid = add_customer("甲")
    buy(session, cid, (TODAY, 100))
    session.execute(update(Customer).where(Customer.id == cid).values(purchase_count=1))
    session.commit()
    assert layer_counts(session).rfm_segments[layers.NOT_COMPUTED] == 1


def test_in_a_small_store_every_edit_rescores_everyone(session: Session, add_customer: AddCustomer) -> None:
    """The first purchases of a new store: each one moves the quintiles of all the buyers."""
    a, b = add_customer("甲"), add_customer("乙")
    save_purchase(session, a, date.today() - timedelta(days=100), "普洱", 1, "100")
    session.expire_all()
    assert layer(session, a)[:3] == (1, 1, 1)
    save_purchase(session, b, date.today(), "普洱", 1, "900")
    session.expire_all()
    assert layer(session, b)[:3] == (3, 1, 3)  # 1 of 2 below: 1 + ⌊5/2⌋
    assert layer(session, a)[:3] == (1, 1, 1)
    assert layers.cached_cuts(session).buyers == 2


def test_at_start_the_full_pass_runs_once_a_day(session: Session, add_customer: AddCustomer) -> None:
    cid = add_customer("张丽")
    buy(session, cid, (TODAY - timedelta(days=100), 800), (TODAY - timedelta(days=130), 800))
    refresh_aggregates(session, None, today=TODAY - timedelta(days=1))
    session.execute(update(Customer).values(loyalty_type="", stage="潜在", rfm_segment=""))
    session.commit()
    assert layers.age_layers(session, today=TODAY) > 0  # cut points from yesterday: a full pass
    session.expire_all()
    assert layer(session, cid)[3:] == ("流失", "需求型") and session.get(Customer, cid).stage == "复购"
    session.execute(update(Customer).values(loyalty_type="", stage="潜在"))
    session.commit()
    assert layers.age_layers(session, today=TODAY) == 1  # the same day: only the stages
    session.expire_all()
    assert layer(session, cid)[4] == "" and session.get(Customer, cid).stage == "复购"
    layers.age_layers(session, today=TODAY + timedelta(days=1))  # the next day: a full pass again
    session.expire_all()
    assert layer(session, cid)[4] == "需求型"

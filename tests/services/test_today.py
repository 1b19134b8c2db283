"""今天: the grouped list of a day, done and snoozed items, and the KPI figures."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy.orm import Session

from models import Referral
from services import settings_store
from services.birthday import Birthday
from services.calendar_cn import coming_days, day_info
from services.errors import ValidationError
from services.journeys import KEEP_DAYS, delete_rule, list_rules
from services.timeline import complete_follow_up, save_follow_up, save_purchase, timeline
from services.today import TodayItem, TodayList, complete_item, snooze_item, today_list
from services.today_kpis import compute_kpis, month_starts, week_starts
from tests.services.helpers import AddCustomer

D = date(2026, 3, 10)  # a Tuesday


def only_welcome(session: Session) -> None:
    """Keep just the T+0 welcome rule, so the lists stay small."""
    for rule in list_rules(session):
        if rule.trigger != "added":
            delete_rule(session, rule.id)


def groups(result: TodayList) -> dict[str, list[str | None]]:
    return {g.key: [i.customer_name for i in g.items] for g in result.groups}


def item(result: TodayList, kind: str, name: str) -> TodayItem:
    return next(i for i in result.items if i.kind == kind and i.customer_name == name)


def test_one_list_grouped_and_counted(session: Session, add_customer: AddCustomer) -> None:
    only_welcome(session)
    zhang = add_customer("张丽", added_on=D - timedelta(days=40), birthday=Birthday(3, 17))
    add_customer("王芳", added_on=D, birthday=Birthday(1, 23, 1990, lunar=True))  # 农历 → 2026-03-11
    li = add_customer("李娜", added_on=D - timedelta(days=40))
    save_follow_up(session, zhang, D - timedelta(days=2), "回访使用感受")
    save_follow_up(session, li, D, "新品到货通知")
    save_follow_up(session, li, D + timedelta(days=1), "明天的事")
    save_purchase(session, li, D - timedelta(days=30), "玻尿酸补水面膜 10片", 1, "168")  # 面膜: every 30 days

    result = today_list(session, D)
    assert groups(result) == {"overdue": ["张丽"], "follow_up": ["李娜"], "journey": ["王芳"],
                              "birthday": ["王芳", "张丽"], "repurchase": ["李娜"]}
    assert [g.title for g in result.groups] == ["逾期跟进", "今日跟进", "客户SOP", "近 7 天生日", "该复购了"]
    assert result.count() == 6
    overdue = item(result, "follow_up", "张丽")
    assert overdue.overdue and overdue.detail == "逾期 2 天"
    lunar = item(result, "birthday", "王芳")
    assert (lunar.due, lunar.title, lunar.detail) == (date(2026, 3, 11), "生日（农历正月廿三）", "3月11日 · 明天 · 满 36 岁")
    assert item(result, "birthday", "张丽").detail == "3月17日 · 还有 7 天"  # the 7th day is in, no year: no age
    assert item(result, "repurchase", "李娜").title == "该复购面膜了"
    payload = result.to_json()
    assert payload["date"] == "2026-03-10"
    first = payload["items"][0]
    assert {k: first[k] for k in ("kind", "customer", "title", "due")} == {
        "kind": "follow_up", "customer": "张丽", "title": "回访使用感受", "due": "2026-03-08"}


def test_birthdays_eight_days_ahead_are_not_yet_shown(session: Session, add_customer: AddCustomer) -> None:
    only_welcome(session)
    add_customer("张丽", added_on=D - timedelta(days=40), birthday=Birthday(3, 18))
    assert today_list(session, D).count("birthday") == 0
    assert today_list(session, D + timedelta(days=1)).count("birthday") == 1


def test_journey_reminders_stay_for_the_keep_days_then_go(session: Session, add_customer: AddCustomer) -> None:
    only_welcome(session)
    add_customer("张丽", added_on=D)
    settings_store.save(session, {KEEP_DAYS: 3})
    assert today_list(session, D - timedelta(days=1)).count("journey") == 0
    assert not item(today_list(session, D), "journey", "张丽").overdue
    late = item(today_list(session, D + timedelta(days=3)), "journey", "张丽")
    assert late.overdue and late.due == D
    assert today_list(session, D + timedelta(days=4)).count("journey") == 0


def test_done_hides_a_computed_item_and_logs_on_the_timeline(session: Session, add_customer: AddCustomer) -> None:
    only_welcome(session)
    zhang = add_customer("张丽", added_on=D)
    welcome = item(today_list(session, D), "journey", "张丽")
    complete_item(session, welcome, "发了欢迎语和新人券", next_due=D + timedelta(days=7), next_reason="问问试喝感受")
    assert today_list(session, D).count("journey") == 0
    assert today_list(session, D + timedelta(days=1)).count("journey") == 0  # still done the next day
    entries = timeline(session, zhang, today=D)
    note = next(e for e in entries if e.kind == "note")
    assert note.body == "【客户SOP】T+0 欢迎：发了欢迎语和新人券"
    planned = next(e for e in entries if e.kind == "follow_up")
    assert planned.body == "问问试喝感受" and not planned.done
    assert [i.title for i in today_list(session, D + timedelta(days=7)).items] == ["问问试喝感受"]


def test_done_follow_up_with_result_and_next_date(session: Session, add_customer: AddCustomer) -> None:
    only_welcome(session)
    zhang = add_customer("张丽", added_on=D - timedelta(days=30))
    save_follow_up(session, zhang, D, "回访")
    due = item(today_list(session, D), "follow_up", "张丽")
    complete_item(session, due, "很满意，下月再买", next_due=D + timedelta(days=30))
    assert today_list(session, D).count() == 0
    done = [e for e in timeline(session, zhang, today=D) if e.kind == "follow_up" and e.done]
    assert "下月再买" in done[0].body
    assert item(today_list(session, D + timedelta(days=30)), "follow_up", "张丽").title == "回访"


def test_snooze_hides_until_the_date_then_brings_it_back(session: Session, add_customer: AddCustomer) -> None:
    only_welcome(session)
    settings_store.save(session, {KEEP_DAYS: 2})
    zhang = add_customer("张丽", added_on=D - timedelta(days=30), birthday=Birthday(3, 12))
    add_customer("王芳", added_on=D)
    save_follow_up(session, zhang, D, "回访")
    result = today_list(session, D)
    later = D + timedelta(days=5)  # past the welcome's own window (2 days): it comes back all the same
    for kind, name in (("follow_up", "张丽"), ("journey", "王芳"), ("birthday", "张丽")):
        snooze_item(session, item(result, kind, name), later, day=D)
    assert today_list(session, D).count() == 0
    assert today_list(session, later - timedelta(days=1)).count() == 0
    back = today_list(session, later)
    assert sorted((i.kind, i.customer_name) for i in back.items) == [
        ("birthday", "张丽"), ("follow_up", "张丽"), ("journey", "王芳")]
    journey = item(back, "journey", "王芳")
    assert journey.snoozed and journey.overdue and journey.due == D
    assert today_list(session, later + timedelta(days=3)).count("journey") == 0  # kept 2 days, then gone
    with pytest.raises(ValidationError):
        snooze_item(session, journey, D, day=D)


def test_no_items_for_trashed_customers(session: Session, add_customer: AddCustomer) -> None:
    from services.customers import trash_customers

    only_welcome(session)
    zhang = add_customer("张丽", added_on=D, birthday=Birthday(3, 10))
    save_follow_up(session, zhang, D, "回访")
    trash_customers(session, [zhang])
    assert today_list(session, D).count() == 0


# ---- KPIs ----------------------------------------------------------------------------------------

def test_week_and_month_starts() -> None:
    assert week_starts(D, 3) == [date(2026, 2, 23), date(2026, 3, 2), date(2026, 3, 9)]
    assert month_starts(date(2026, 2, 10), 3) == [date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)]


def test_kpi_arithmetic(session: Session, add_customer: AddCustomer) -> None:
    a = add_customer("张丽", added_on=D)  # this week (Monday 3-9)
    b = add_customer("王芳", added_on=date(2026, 3, 9))
    c = add_customer("李娜", added_on=date(2026, 3, 8))  # last week
    add_customer("赵磊", added_on=date(2026, 1, 1))  # before the 8 weeks
    save_purchase(session, a, date(2026, 3, 1), "普洱", 1, "100")
    save_purchase(session, a, date(2026, 2, 3), "白茶", 2, "250.50")
    save_purchase(session, b, date(2026, 2, 28), "面膜", 1, "80")
    save_purchase(session, b, date(2025, 9, 1), "面膜", 1, "999")  # before the 6 months
    session.add(Referral(referrer_id=a, referee_id=c, referred_on=date(2026, 3, 8)))
    session.commit()
    save_follow_up(session, a, date(2026, 3, 1), "回访")  # due in the last 30 days, open
    done = save_follow_up(session, b, date(2026, 2, 20), "回访")
    complete_follow_up(session, done, "好")
    save_follow_up(session, c, date(2026, 2, 15), "回访")  # open
    save_follow_up(session, c, date(2026, 1, 1), "太早")  # outside the 30 days

    kpis = compute_kpis(session, D)
    assert kpis.new_per_week[-2:] == ((date(2026, 3, 2), 1), (date(2026, 3, 9), 2))
    assert sum(n for _w, n in kpis.new_per_week) == 3
    assert dict(kpis.revenue_per_month)[date(2026, 3, 1)] == 100_00
    assert dict(kpis.revenue_per_month)[date(2026, 2, 1)] == 250_50 + 80_00
    assert sum(cents for _m, cents in kpis.revenue_per_month) == 430_50
    assert kpis.referrals_per_month[-1] == (date(2026, 3, 1), 1)
    assert (kpis.buyers, kpis.repeat_buyers, kpis.repurchase_rate) == (2, 2, 1.0)
    assert (kpis.follow_ups_due, kpis.follow_ups_done) == (3, 1)
    assert kpis.follow_up_completion == pytest.approx(1 / 3)
    assert kpis.to_json()["revenue_per_month"][-1] == {"month": "2026-03", "revenue": 100.0}


def test_kpis_of_an_empty_store(session: Session) -> None:
    kpis = compute_kpis(session, D)
    assert kpis.repurchase_rate is None and kpis.follow_up_completion is None
    assert len(kpis.new_per_week) == 8 and len(kpis.revenue_per_month) == 6


# ---- the calendar on the date header -------------------------------------------------------------

def test_holidays_jieqi_and_festivals() -> None:
    assert day_info(date(2026, 10, 1)).marks() == ["国庆节 放假"]
    new_year_eve = day_info(date(2026, 2, 16))
    assert (new_year_eve.lunar, new_year_eve.weekday) == ("腊月廿九", "星期一")
    assert new_year_eve.marks() == ["春节 放假", "除夕"]
    assert day_info(date(2026, 2, 14)).marks() == ["春节 调休上班", "情人节"]
    assert day_info(date(2026, 12, 22)).jieqi == "冬至"
    assert [(d.day, d.marks()) for d in coming_days(date(2026, 9, 20), 12)] == [
        (date(2026, 9, 23), ["秋分"]), (date(2026, 9, 25), ["中秋节 放假"]), (date(2026, 10, 1), ["国庆节 放假"])]


def test_done_state_is_per_anchor(session: Session, add_customer: AddCustomer) -> None:
    """A wake-up done for one silence does not silence the next one (the done note is an
    interaction, so the count starts again from today)."""
    for rule in list_rules(session):
        if rule.trigger != "last_interaction":
            delete_rule(session, rule.id)
    today = date.today()
    add_customer("张丽", added_on=today - timedelta(days=30))
    wake = item(today_list(session, today), "journey", "张丽")
    complete_item(session, wake, "发了新品")
    assert today_list(session, today).count("journey") == 0
    assert today_list(session, today + timedelta(days=29)).count("journey") == 0
    again = item(today_list(session, today + timedelta(days=30)), "journey", "张丽")
    assert again.key != wake.key


def test_group_tasks_of_the_day_done_and_moved(session: Session) -> None:
    from datetime import datetime

    from models import ChatGroup, GroupTask
    from services.group_tasks import get_task

    only_welcome(session)
    group = ChatGroup(name="VIP福利群", kind="VIP群")
    session.add(group)
    session.flush()
    morning = GroupTask(group_id=group.id, due_at=datetime(2026, 3, 10, 7, 30), title="早打卡",
                        body="早上好！今天也要好好喝水哦～打卡的姐妹抽3位送小样")
    noon = GroupTask(group_id=group.id, due_at=datetime(2026, 3, 10, 12, 0), title="午分享", body="白茶冲泡小技巧")
    done = GroupTask(group_id=group.id, due_at=datetime(2026, 3, 10, 20, 0), title="晚答疑", status="done")
    other_day = GroupTask(group_id=group.id, due_at=datetime(2026, 3, 11, 7, 30), title="早打卡")
    session.add_all([morning, noon, done, other_day])
    session.commit()

    tasks = [i for i in today_list(session, D).items if i.kind == "group_task"]
    assert [(i.title, i.detail, i.customer_name) for i in tasks] == [
        ("早打卡", "VIP福利群 · 07:30", None), ("午分享", "VIP福利群 · 12:00", None)]
    assert tasks[0].text.startswith("早上好") and tasks[0].overdue  # 2026-03-10 07:30 has passed
    assert today_list(session, D).to_json()["counts"]["group_task"] == 2

    complete_item(session, tasks[0], "发了红包，20人打卡")
    assert get_task(session, morning.id).done_note == "发了红包，20人打卡"
    snooze_item(session, tasks[1], D + timedelta(days=1), day=D)
    assert get_task(session, noon.id).due_at == datetime(2026, 3, 11, 12, 0)
    assert [i.title for i in today_list(session, D).items if i.kind == "group_task"] == []
    assert [i.title for i in today_list(session, D + timedelta(days=1)).items if i.kind == "group_task"] == [
        "早打卡", "午分享"]


def test_new_year_is_marked_on_the_first_of_january() -> None:
    from services.calendar_cn import day_info

    assert "元旦" in day_info(date(2027, 1, 1)).festivals  # lunar-python calls it 元旦节

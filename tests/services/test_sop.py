"""SOP templates: the schedule of the three shapes, applying to a group, editing and re-applying."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import GroupTask, GroupTemplateUse
from services import group_tasks as gt
from services import sop
from services.errors import UserError, ValidationError
from services.groups import GroupInput, save_group
from services.sop import StepInput, TemplateInput, occurrences

DAILY = [StepInput(0, "07:30", "早打卡"), StepInput(0, "12:00", "午分享"), StepInput(0, "20:00", "晚答疑")]
WEEKLY = [StepInput(1, "10:00", "周一种草"), StepInput(3, "20:00", "周三会员日"), StepInput(5, "20:00", "周五裂变"),
          StepInput(7, "09:00", "周日回顾")]
SEQUENCE = [StepInput(1, "10:00", "预热"), StepInput(3, "10:00", "开团"), StepInput(7, "22:00", "解散")]


def _when(slots: list[tuple[int, datetime]], steps: list[StepInput]) -> list[tuple[str, str]]:
    return [(steps[i].title, due.strftime("%Y-%m-%d %H:%M")) for i, due in slots]


# ---- the schedule (pure) ---------------------------------------------------------------------------

def test_daily_slots_run_across_the_year_end() -> None:
    slots = occurrences("daily", DAILY, date(2024, 12, 30), date(2025, 1, 2))
    assert len(slots) == 4 * 3
    assert _when(slots, DAILY)[:3] == [("早打卡", "2024-12-30 07:30"), ("午分享", "2024-12-30 12:00"),
                                       ("晚答疑", "2024-12-30 20:00")]
    assert sorted({due.date() for _i, due in slots}) == [date(2024, 12, 30), date(2024, 12, 31), date(2025, 1, 1),
                                                          date(2025, 1, 2)]
    assert _when(slots, DAILY)[-1] == ("晚答疑", "2025-01-02 20:00")


def test_daily_slots_include_february_29_in_a_leap_year_only() -> None:
    leap = {due.date() for _i, due in occurrences("daily", DAILY, date(2024, 2, 28), date(2024, 3, 1))}
    plain = {due.date() for _i, due in occurrences("daily", DAILY, date(2023, 2, 28), date(2023, 3, 1))}
    assert leap == {date(2024, 2, 28), date(2024, 2, 29), date(2024, 3, 1)}
    assert plain == {date(2023, 2, 28), date(2023, 3, 1)}


def test_daily_times_do_not_shift_on_daylight_saving_days() -> None:
    """Local wall-clock times without a time zone: 07:30 stays 07:30 on the days clocks change in
    Europe (2025-03-30, 2025-10-26) and the US (2025-03-09)."""
    for day in (date(2025, 3, 30), date(2025, 10, 26), date(2025, 3, 9)):
        slots = occurrences("daily", DAILY[:1], day - timedelta(days=1), day + timedelta(days=1))
        assert [due.time() for _i, due in slots] == [time(7, 30)] * 3
        assert all(due.tzinfo is None for _i, due in slots)
        assert slots[1][1] - slots[0][1] == timedelta(days=1)


def test_weekly_columns_land_on_their_weekdays_across_month_and_year_end() -> None:
    # Thursday 2024-12-26 to Wednesday 2025-01-08.
    slots = _when(occurrences("weekly", WEEKLY, date(2024, 12, 26), date(2025, 1, 8)), WEEKLY)
    assert slots == [
        ("周五裂变", "2024-12-27 20:00"), ("周日回顾", "2024-12-29 09:00"), ("周一种草", "2024-12-30 10:00"),
        ("周三会员日", "2025-01-01 20:00"), ("周五裂变", "2025-01-03 20:00"), ("周日回顾", "2025-01-05 09:00"),
        ("周一种草", "2025-01-06 10:00"), ("周三会员日", "2025-01-08 20:00"),
    ]


def test_weekly_column_on_a_leap_day() -> None:
    # 2024-02-29 was a Thursday.
    thursday = [StepInput(4, "19:30", "周四直播")]
    slots = occurrences("weekly", thursday, date(2024, 2, 26), date(2024, 3, 10))
    assert [due for _i, due in slots] == [datetime(2024, 2, 29, 19, 30), datetime(2024, 3, 7, 19, 30)]


def test_sequence_counts_days_from_the_start_across_february() -> None:
    leap = _when(occurrences("sequence", SEQUENCE, date(2024, 2, 27), None, days=7), SEQUENCE)
    plain = _when(occurrences("sequence", SEQUENCE, date(2023, 2, 27), None, days=7), SEQUENCE)
    assert leap == [("预热", "2024-02-27 10:00"), ("开团", "2024-02-29 10:00"), ("解散", "2024-03-04 22:00")]
    assert plain == [("预热", "2023-02-27 10:00"), ("开团", "2023-03-01 10:00"), ("解散", "2023-03-05 22:00")]


def test_sequence_across_the_year_end_and_cut_by_an_earlier_end() -> None:
    full = _when(occurrences("sequence", SEQUENCE, date(2025, 12, 29), None, days=7), SEQUENCE)
    assert full[-1] == ("解散", "2026-01-04 22:00")
    cut = _when(occurrences("sequence", SEQUENCE, date(2025, 12, 29), date(2026, 1, 1), days=7), SEQUENCE)
    assert cut == [("预热", "2025-12-29 10:00"), ("开团", "2025-12-31 10:00")]
    assert sop.window_end("sequence", date(2025, 12, 29), None, 7) == date(2026, 1, 4)
    assert sop.window_end("sequence", date(2025, 12, 29), date(2026, 3, 1), 7) == date(2026, 1, 4)


def test_a_window_needs_a_start_and_for_daily_and_weekly_an_end() -> None:
    with pytest.raises(ValidationError) as no_end:
        sop.check_window("daily", date(2025, 1, 1), None)
    assert "结束日期" in no_end.value.fields["ends_on"]
    with pytest.raises(ValidationError) as reversed_:
        sop.check_window("weekly", date(2025, 1, 10), date(2025, 1, 1))
    assert "早于" in reversed_.value.fields["ends_on"]
    with pytest.raises(ValidationError):
        sop.check_window("daily", date(2025, 1, 1), date(2026, 1, 2))  # 367 days
    sop.check_window("daily", date(2024, 1, 1), date(2024, 12, 31))  # 366 days in a leap year: fine
    sop.check_window("sequence", date(2025, 1, 1), None)


@pytest.mark.parametrize(("text", "expected"), [("7:30", "07:30"), ("07:30", "07:30"), ("7：30", "07:30"),
                                                 ("２０：００", "20:00"), ("23.59", "23:59")])
def test_times_are_read_as_people_type_them(text: str, expected: str) -> None:
    assert sop.normalize_time(text) == expected


@pytest.mark.parametrize("text", ["24:00", "7:60", "早上", "730", ""])
def test_bad_times_are_refused_with_the_text(text: str) -> None:
    with pytest.raises(ValueError, match="时间"):
        sop.parse_time(text)


# ---- templates in the store --------------------------------------------------------------------------

def test_the_store_ships_templates_of_all_three_shapes(session: Session) -> None:
    templates = sop.list_templates(session)
    assert len(templates) >= 3
    assert {t.shape for t in templates if t.builtin} == {"daily", "weekly", "sequence"}
    daily = next(t for t in templates if t.shape == "daily")
    assert [(s.time, s.title) for s in daily.steps] == [("07:30", "早打卡"), ("12:00", "午分享"), ("20:00", "晚答疑")]
    assert all(s.body for s in daily.steps)
    weekly = next(t for t in templates if t.shape == "weekly")
    assert {(s.day, s.title) for s in weekly.steps} >= {(1, "周一产品种草"), (5, "周五裂变活动")}
    flash = next(t for t in templates if t.shape == "sequence" and t.days == 7)
    assert flash.steps[0].day == 1 and flash.steps[-1].day == 7 and "解散" in flash.steps[-1].title


def test_saving_a_template_names_each_bad_step(session: Session) -> None:
    data = TemplateInput("快闪", "sequence", [StepInput(1, "10:00", "预热"), StepInput(9, "25:00", "")], days=7)
    with pytest.raises(ValidationError) as exc:
        sop.save_template(session, data)
    assert exc.value.fields["step2.title"] == "第 2 步：请填写标题"
    assert "第 2 步" in exc.value.fields["step2.time"]
    assert "超出了序列的 7 天" in exc.value.fields["step2.day"]
    with pytest.raises(ValidationError) as same_name:
        sop.save_template(session, TemplateInput(sop.list_templates(session)[0].name, "daily", DAILY))
    assert "已经有" in same_name.value.fields["name"]


def test_editing_steps_bumps_the_version_but_renaming_does_not(session: Session) -> None:
    tid = sop.save_template(session, TemplateInput("日常", "daily", DAILY))
    info = sop.get_template(session, tid)
    assert info.version == 1
    sop.save_template(session, TemplateInput("日常运营", "daily", info.steps, "新的说明"), tid)
    assert sop.get_template(session, tid).version == 1
    changed = [*info.steps[:2], StepInput(0, "21:00", "晚答疑", "新话术", id=info.steps[2].id)]
    sop.save_template(session, TemplateInput("日常运营", "daily", changed), tid)
    after = sop.get_template(session, tid)
    assert after.version == 2
    assert after.steps[2].time == "21:00" and after.steps[2].id == info.steps[2].id


def test_a_copy_is_a_new_editable_template(session: Session) -> None:
    source = sop.list_templates(session)[0]
    copy_id = sop.duplicate_template(session, source.id)
    copy = sop.get_template(session, copy_id)
    assert copy.name == f"{source.name}（副本）" and not copy.builtin
    assert [(s.day, s.time, s.title) for s in copy.steps] == [(s.day, s.time, s.title) for s in source.steps]
    assert sop.get_template(session, sop.duplicate_template(session, source.id)).name == f"{source.name}（副本2）"


# ---- applying and re-applying -----------------------------------------------------------------------

@pytest.fixture
def group_id(session: Session) -> int:
    return save_group(session, GroupInput(name="茶友福利群", kind="福利群"))


def _tasks(session: Session, use_id: int) -> list[GroupTask]:
    return list(session.scalars(select(GroupTask).where(GroupTask.use_id == use_id, GroupTask.deleted_at.is_(None))
                                .order_by(GroupTask.due_at)))


def test_applying_lays_one_task_per_occurrence(session: Session, group_id: int) -> None:
    tid = sop.save_template(session, TemplateInput("日常", "daily", DAILY))
    preview = sop.preview_apply(session, tid, date(2025, 1, 30), date(2025, 2, 2))
    assert preview.tasks == 12 and preview.first_due == datetime(2025, 1, 30, 7, 30)
    use_id = sop.apply_template(session, group_id, tid, date(2025, 1, 30), date(2025, 2, 2))
    tasks = _tasks(session, use_id)
    assert len(tasks) == 12
    assert (tasks[0].title, tasks[0].status, tasks[0].body) == ("早打卡", "open", "")
    use = sop.uses_of_group(session, group_id)[0]
    assert (use.template_name, use.tasks, use.open, use.outdated) == ("日常", 12, 12, False)


def test_applying_a_sequence_without_an_end_runs_to_its_last_day(session: Session, group_id: int) -> None:
    tid = sop.save_template(session, TemplateInput("快闪", "sequence", SEQUENCE, days=7))
    use_id = sop.apply_template(session, group_id, tid, date(2025, 12, 29), None)
    assert session.get(GroupTemplateUse, use_id).ends_on == date(2026, 1, 4)  # type: ignore[union-attr]
    assert [t.due_at.date() for t in _tasks(session, use_id)] == [date(2025, 12, 29), date(2025, 12, 31),
                                                                   date(2026, 1, 4)]


def test_reapply_changes_only_future_open_tasks_not_edited_by_hand(session: Session, group_id: int) -> None:
    tid = sop.save_template(session, TemplateInput("日常", "daily", DAILY))
    use_id = sop.apply_template(session, group_id, tid, date(2025, 3, 1), date(2025, 3, 10))
    now = datetime(2025, 3, 5, 9, 0)  # the 5th, after 早打卡 and before 午分享
    tasks = {(t.due_at.date(), t.title): t.id for t in _tasks(session, use_id)}
    done = tasks[(date(2025, 3, 7), "晚答疑")]
    gt.complete_task(session, done, "来了12个问题")
    edited = tasks[(date(2025, 3, 8), "晚答疑")]
    gt.edit_task(session, edited, title="晚答疑（直播）", body="今晚改成直播答疑", due_at=datetime(2025, 3, 8, 20, 0))
    moved = tasks[(date(2025, 3, 9), "晚答疑")]
    gt.move_task(session, moved, datetime(2025, 3, 10, 21, 0))
    deleted = tasks[(date(2025, 3, 6), "晚答疑")]
    gt.delete_task(session, deleted)
    info = sop.get_template(session, tid)
    later = StepInput(0, "20:30", "晚答疑", "答疑话术v2", id=info.steps[2].id)
    sop.save_template(session, TemplateInput("日常", "daily", [*info.steps[:2], later]), tid)
    assert sop.uses_of_group(session, group_id)[0].outdated

    preview = sop.preview_reapply(session, use_id, now)
    # 晚答疑 of the 5th and 10th change; the 6th is deleted, 7th done, 8th edited, 9th moved: kept.
    assert preview == {"added": 0, "updated": 2, "removed": 0, "kept": 3}
    assert sop.reapply(session, use_id, now) == preview
    evening = {t.due_at.date(): t for t in _tasks(session, use_id) if t.title.startswith("晚答疑")}
    assert evening[date(2025, 3, 4)].due_at.time() == time(20, 0)  # the past stays
    assert (evening[date(2025, 3, 5)].due_at.time(), evening[date(2025, 3, 5)].body) == (time(20, 30), "答疑话术v2")
    assert evening[date(2025, 3, 7)].status == "done" and evening[date(2025, 3, 7)].due_at.time() == time(20, 0)
    assert evening[date(2025, 3, 8)].title == "晚答疑（直播）"
    assert date(2025, 3, 6) not in evening  # deleted by hand: not laid again
    on_tenth = sorted(t.due_at for t in _tasks(session, use_id) if t.due_at.date() == date(2025, 3, 10)
                      and t.title == "晚答疑")
    assert on_tenth == [datetime(2025, 3, 10, 20, 30), datetime(2025, 3, 10, 21, 0)]  # moved one not doubled
    assert not sop.uses_of_group(session, group_id)[0].outdated
    assert sop.preview_reapply(session, use_id, now) == {"added": 0, "updated": 0, "removed": 0, "kept": 3}


def test_reapply_adds_new_steps_and_removes_dropped_ones_in_the_future_only(session: Session, group_id: int) -> None:
    tid = sop.save_template(session, TemplateInput("每周", "weekly", WEEKLY))
    use_id = sop.apply_template(session, group_id, tid, date(2025, 1, 6), date(2025, 1, 19))  # two weeks
    info = sop.get_template(session, tid)
    steps = [s for s in info.steps if s.title != "周五裂变"] + [StepInput(2, "12:00", "周二干货")]
    sop.save_template(session, TemplateInput("每周", "weekly", steps), tid)
    now = datetime(2025, 1, 10, 0, 0)  # Friday of week 1
    assert sop.reapply(session, use_id, now) == {"added": 1, "updated": 0, "removed": 2, "kept": 0}
    titles = [(t.due_at.strftime("%m-%d"), t.title) for t in _tasks(session, use_id)]
    assert ("01-14", "周二干货") in titles and ("01-07", "周二干货") not in titles  # only the future
    assert ("01-10", "周五裂变") not in titles and ("01-17", "周五裂变") not in titles


def test_moving_a_weekday_moves_the_future_tasks(session: Session, group_id: int) -> None:
    tid = sop.save_template(session, TemplateInput("每周", "weekly", WEEKLY))
    use_id = sop.apply_template(session, group_id, tid, date(2024, 12, 30), date(2025, 1, 12))
    info = sop.get_template(session, tid)
    steps = [StepInput(2, "10:00", s.title, s.body, id=s.id) if s.day == 1 else s for s in info.steps]
    sop.save_template(session, TemplateInput("每周", "weekly", steps), tid)
    sop.reapply(session, use_id, datetime(2025, 1, 1))
    mondays = [t.due_at for t in _tasks(session, use_id) if t.title == "周一种草"]
    assert mondays == [datetime(2024, 12, 30, 10, 0), datetime(2025, 1, 7, 10, 0)]


def test_reapply_can_extend_the_window(session: Session, group_id: int) -> None:
    tid = sop.save_template(session, TemplateInput("日常", "daily", DAILY))
    use_id = sop.apply_template(session, group_id, tid, date(2025, 1, 1), date(2025, 1, 31))
    counts = sop.reapply(session, use_id, datetime(2025, 1, 20), ends_on=date(2025, 2, 28))
    assert counts["added"] == 28 * 3
    assert session.get(GroupTemplateUse, use_id).ends_on == date(2025, 2, 28)  # type: ignore[union-attr]


def test_a_template_in_use_keeps_its_shape_and_cannot_be_deleted(session: Session, group_id: int) -> None:
    tid = sop.save_template(session, TemplateInput("日常", "daily", DAILY))
    sop.apply_template(session, group_id, tid, date(2025, 1, 1), date(2025, 1, 3))
    with pytest.raises(ValidationError) as shape:
        sop.save_template(session, TemplateInput("日常", "weekly", WEEKLY), tid)
    assert "不能再改类型" in shape.value.fields["shape"]
    with pytest.raises(UserError, match="茶友福利群"):
        sop.delete_template(session, tid)


def test_removing_a_template_from_a_group_keeps_what_was_done(session: Session, group_id: int) -> None:
    tid = sop.save_template(session, TemplateInput("日常", "daily", DAILY))
    use_id = sop.apply_template(session, group_id, tid, date(2025, 1, 1), date(2025, 1, 10))
    first = _tasks(session, use_id)[0].id
    gt.complete_task(session, first, "")
    removed = sop.remove_use(session, use_id, now=datetime(2025, 1, 5))
    assert removed == 6 * 3
    left = list(session.scalars(select(GroupTask).where(GroupTask.group_id == group_id)))
    assert len(left) == 4 * 3 and all(t.use_id is None for t in left)
    assert sop.uses_of_group(session, group_id) == []
    sop.delete_template(session, tid)  # no longer used

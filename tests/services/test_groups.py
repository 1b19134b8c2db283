"""社群: groups (edit, archive, trash), members (by search, by tag, roles, leaving), a customer's
groups on the timeline, and the group tasks the calendar and Today read."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from services import group_tasks as gt
from services import groups as g
from services import sop
from services.accounts import save_account
from services.errors import NotFoundError, ValidationError
from services.groups import GroupInput
from services.tags import add_tag, save_tag
from services.tags import save_group as save_tag_group
from services.timeline import timeline
from tests.services.helpers import AddCustomer


def test_a_group_keeps_its_texts(session: Session) -> None:
    account = save_account(session, "工作号1")
    gid = g.save_group(session, GroupInput(
        name="  茶友福利群（杭州） ", account_id=account, kind="福利群", positioning="老客复购",
        rules="1. 不发广告", welcome="欢迎！", announcement="周三会员日",
        auto_replies=[("怎么下单？", "接龙或私聊我"), ("", "")]))
    group = g.get_group(session, gid)
    assert group.name == "茶友福利群（杭州）"  # Chinese punctuation kept as typed
    assert group.created_on == date.today()
    assert group.auto_replies == [{"q": "怎么下单？", "a": "接龙或私聊我"}]  # the empty pair dropped
    assert GroupInput.of(group).auto_replies == [("怎么下单？", "接龙或私聊我")]
    g.save_group(session, GroupInput(name="茶友福利群", kind="VIP群", created_on=date(2024, 5, 1)), gid)
    assert (g.get_group(session, gid).kind, g.get_group(session, gid).created_on) == ("VIP群", date(2024, 5, 1))


def test_two_groups_cannot_share_a_name(session: Session) -> None:
    """Imports, exports and the full workbook name groups by 群名称: a second 双11囤茶快闪群 (even beside an
    archived one) is refused; a group keeps its own name on edit, and a trashed group's name is free."""
    old = g.save_group(session, GroupInput(name="双11囤茶快闪群", kind="快闪群"))
    g.set_archived(session, [old])
    with pytest.raises(ValidationError) as caught:
        g.save_group(session, GroupInput(name=" 双11囤茶快闪群 ", kind="快闪群"))
    assert "已经有一个叫“双11囤茶快闪群”的群" in caught.value.fields["name"]
    g.save_group(session, GroupInput(name="双11囤茶快闪群", kind="快闪群", positioning="去年的"), old)  # itself
    g.trash_groups(session, [old])
    again = g.save_group(session, GroupInput(name="双11囤茶快闪群", kind="快闪群"))
    assert again != old
    g.restore_groups(session, [old])  # back from the 回收站 beside its namesake: renamed, not doubled
    assert {x.name for x in g.list_groups(session)} == {"双11囤茶快闪群", "双11囤茶快闪群（恢复）"}


def test_bad_group_fields_are_named(session: Session) -> None:
    with pytest.raises(ValidationError) as exc:
        g.save_group(session, GroupInput(name=" ", kind="闲聊群", auto_replies=[("价格？", "")]))
    assert exc.value.fields["name"] == "请填写群名称"
    assert "引流群" in exc.value.fields["kind"]
    assert exc.value.fields["auto_reply1"] == "第 1 条自动回复：问题和回答都要填"


def test_list_filters_by_status_account_kind_and_name(session: Session) -> None:
    one, two = save_account(session, "工作号1"), save_account(session, "工作号2")
    a = g.save_group(session, GroupInput(name="福利1群", account_id=one, kind="福利群"))
    b = g.save_group(session, GroupInput(name="VIP群", account_id=two, kind="VIP群"))
    c = g.save_group(session, GroupInput(name="双11快闪", account_id=one, kind="快闪群"))
    g.set_archived(session, [c])
    assert [r.name for r in g.list_groups(session)] == ["VIP群", "福利1群", "双11快闪"]  # running first
    assert [r.id for r in g.list_groups(session, status="active")] == [b, a]
    assert [r.id for r in g.list_groups(session, status="archived")] == [c]
    assert [r.id for r in g.list_groups(session, account_id=one)] == [a, c]
    assert [r.id for r in g.list_groups(session, kind="VIP群")] == [b]
    assert [r.id for r in g.list_groups(session, text="快闪")] == [c]
    assert g.list_groups(session, status="archived")[0].status_label == "已归档"


def test_trash_restore_and_purge(session: Session, add_customer: AddCustomer) -> None:
    gid = g.save_group(session, GroupInput(name="引流群"))
    g.add_members(session, gid, [add_customer("张丽")])
    assert g.trash_groups(session, [gid]) == 1
    assert g.list_groups(session) == []
    assert [r.status_label for r in g.list_groups(session, status="trash")] == ["回收站"]
    with pytest.raises(NotFoundError):
        g.get_group(session, gid)
    g.restore_groups(session, [gid])
    assert [r.members for r in g.list_groups(session)] == [1]  # members came back with it
    g.trash_groups(session, [gid])
    assert g.purge_groups(session) == 1
    assert g.list_groups(session, status="trash") == []


def test_members_by_search_and_by_tag(session: Session, add_customer: AddCustomer) -> None:
    gid = g.save_group(session, GroupInput(name="宝妈群"))
    group = save_tag_group(session, "基础属性")
    mum = save_tag(session, group, "宝妈")
    ids = [add_customer(name) for name in ("张丽", "王芳", "赵磊", "李娜")]
    add_tag(session, ids[1:], mum)
    first = g.add_members(session, gid, [ids[0], ids[1]], role="koc", joined_on=date(2025, 1, 5))
    assert (first.added, first.rejoined, first.already) == (2, 0, 0)
    by_tag = g.add_members_by_tag(session, gid, mum)
    assert (by_tag.added, by_tag.already) == (2, 1)  # 王芳 was already in
    members = g.list_members(session, gid)
    assert [(m.name, m.role_label) for m in members] == [("张丽", "气氛组KOC"), ("王芳", "气氛组KOC"),
                                                         ("赵磊", "成员"), ("李娜", "成员")]
    assert g.member_counts(session, [gid]) == {gid: 4}


def test_leaving_roles_and_coming_back(session: Session, add_customer: AddCustomer) -> None:
    gid = g.save_group(session, GroupInput(name="服务群"))
    a, b = add_customer("张丽"), add_customer("王芳")
    g.add_members(session, gid, [a, b], joined_on=date(2025, 1, 1))
    member_a, member_b = (m.id for m in g.list_members(session, gid))
    g.set_role(session, [member_a], "owner")
    g.mark_left(session, [member_b], date(2025, 2, 1))
    rows = g.list_members(session, gid)
    assert [(m.role, m.left_on) for m in rows] == [("owner", None), ("member", date(2025, 2, 1))]
    assert g.list_members(session, gid, include_left=False)[0].customer_id == a
    back = g.add_members(session, gid, [b], joined_on=date(2025, 3, 1))
    assert back.rejoined == 1
    assert [(m.joined_on, m.left_on) for m in g.list_members(session, gid) if m.customer_id == b] == [
        (date(2025, 3, 1), None)]
    with pytest.raises(ValidationError, match="早于进群日期"):
        g.update_member(session, member_a, role="admin", joined_on=date(2025, 5, 1), left_on=date(2025, 4, 1))
    assert g.remove_members(session, [member_a]) == 1
    with pytest.raises(ValueError, match="角色"):
        g.role_of_label("群友")
    assert [g.role_of_label(x) for x in ("群主", "管理", "KOC", "成员", "气氛组KOC")] == [
        "owner", "admin", "koc", "member", "koc"]


def test_a_customers_groups_show_on_the_timeline(session: Session, add_customer: AddCustomer) -> None:
    cid = add_customer("张丽")
    vip = g.save_group(session, GroupInput(name="VIP群", kind="VIP群"))
    flash = g.save_group(session, GroupInput(name="双11快闪", kind="快闪群"))
    g.add_members(session, vip, [cid], role="koc", joined_on=date(2025, 1, 2))
    g.add_members(session, flash, [cid], joined_on=date(2025, 11, 1))
    g.mark_left(session, [m.id for m in g.list_members(session, flash)], date(2025, 11, 8))
    assert [x.name for x in g.customer_groups(session, cid)] == ["双11快闪", "VIP群"]
    items = [(i.title, i.body, i.when.date()) for i in timeline(session, cid) if i.kind == "group"]
    assert items == [("退群", "退出「双11快闪」", date(2025, 11, 8)),
                     ("进群", "加入「双11快闪」（快闪群）", date(2025, 11, 1)),
                     ("进群", "加入「VIP群」（VIP群），角色：气氛组KOC", date(2025, 1, 2))]
    g.trash_groups(session, [flash])
    assert [i.body for i in timeline(session, cid) if i.kind == "group"] == ["加入「VIP群」（VIP群），角色：气氛组KOC"]


# ---- tasks on the calendar ---------------------------------------------------------------------------

@pytest.fixture
def two_groups(session: Session) -> tuple[int, int, int]:
    one = save_account(session, "工作号1")
    a = g.save_group(session, GroupInput(name="福利群", account_id=one))
    b = g.save_group(session, GroupInput(name="VIP群"))
    daily = next(t for t in sop.list_templates(session) if t.shape == "daily")
    sop.apply_template(session, a, daily.id, date(2025, 1, 30), date(2025, 2, 2))
    sop.apply_template(session, b, daily.id, date(2025, 2, 1), date(2025, 2, 1))
    return a, b, one


def test_tasks_on_a_day_for_today(session: Session, two_groups: tuple[int, int, int]) -> None:
    a, b, _one = two_groups
    noon = datetime(2025, 2, 1, 12, 30)
    tasks = gt.tasks_on(session, date(2025, 2, 1), now=noon)
    assert [(x.due_at.strftime("%H:%M"), x.group_name) for x in tasks] == [
        ("07:30", "VIP群"), ("07:30", "福利群"), ("12:00", "VIP群"), ("12:00", "福利群"), ("20:00", "VIP群"),
        ("20:00", "福利群")]
    assert [x.overdue for x in tasks] == [True, True, True, True, False, False]
    assert tasks[0].template_name and tasks[0].body  # the built-in text, ready to copy
    gt.complete_task(session, tasks[0].id, "30人打卡", now=noon)
    gt.skip_task(session, tasks[2].id, "今天休息")
    again = {x.id: x for x in gt.tasks_on(session, date(2025, 2, 1), now=noon)}
    assert (again[tasks[0].id].status, again[tasks[0].id].done_note, again[tasks[0].id].overdue) == ("done", "30人打卡",
                                                                                                       False)
    assert again[tasks[2].id].status_label == "已跳过" and not again[tasks[2].id].overdue
    gt.reopen_task(session, tasks[2].id)
    assert gt.get_task(session, tasks[2].id, now=noon).overdue
    assert gt.tasks_on(session, date(2025, 2, 3), now=noon) == []


def test_overdue_tasks_and_counts(session: Session, two_groups: tuple[int, int, int]) -> None:
    a, b, _one = two_groups
    now = datetime(2025, 1, 31, 13, 0)  # 福利群: 30th × 3 and 31st morning and noon
    overdue = gt.overdue_tasks(session, now)
    assert len(overdue) == 5 and all(x.group_id == a for x in overdue)
    assert overdue[0].due_at == datetime(2025, 1, 30, 7, 30)
    assert gt.overdue_count(session, now) == 5
    assert gt.task_counts(session, [a, b], date(2025, 1, 31), now) == {a: (3, 5), b: (0, 0)}
    g.set_archived(session, [a])  # archived groups leave the calendar
    assert gt.overdue_count(session, now) == 0 and gt.tasks_on(session, date(2025, 2, 1), now=now)[0].group_id == b


def test_calendar_filters_by_group_and_account(session: Session, two_groups: tuple[int, int, int]) -> None:
    a, b, one = two_groups
    week = gt.tasks_between(session, date(2025, 1, 27), date(2025, 2, 2))
    assert len(week) == 4 * 3 + 3
    assert {x.group_id for x in gt.tasks_between(session, date(2025, 1, 27), date(2025, 2, 2), group_id=b)} == {b}
    mine = gt.tasks_between(session, date(2025, 1, 27), date(2025, 2, 2), account_id=one)
    assert {x.account_name for x in mine} == {"工作号1"} and len(mine) == 12


def test_tasks_by_hand(session: Session, two_groups: tuple[int, int, int]) -> None:
    a, _b, _one = two_groups
    with pytest.raises(ValidationError) as exc:
        gt.add_task(session, a, None, " ")
    assert set(exc.value.fields) == {"title", "due_at"}
    tid = gt.add_task(session, a, datetime(2025, 2, 14, 20, 0, 30), "情人节抽奖", "今晚8点抽3位送花茶", [3, 3])
    task = gt.get_task(session, tid, now=datetime(2025, 2, 1))
    assert (task.due_at, task.material_ids, task.template_name, task.edited) == (
        datetime(2025, 2, 14, 20, 0), (3,), "", True)
    gt.move_task(session, tid, datetime(2025, 2, 13, 20, 0))
    assert gt.get_task(session, tid).due_at == datetime(2025, 2, 13, 20, 0)
    gt.delete_task(session, tid)
    with pytest.raises(NotFoundError):
        gt.get_task(session, tid)


def test_editing_a_task_without_change_does_not_mark_it(session: Session, two_groups: tuple[int, int, int]) -> None:
    a, _b, _one = two_groups
    task = gt.tasks_on(session, date(2025, 1, 30))[0]
    gt.edit_task(session, task.id, title=task.title, body=task.body, due_at=task.due_at,
                 material_ids=task.material_ids)
    assert not gt.get_task(session, task.id).edited
    gt.edit_task(session, task.id, title=task.title, body=task.body + "（加一句）", due_at=task.due_at)
    assert gt.get_task(session, task.id).edited


def test_materials_of_steps_and_tasks(session: Session) -> None:
    from models import Material
    from services.group_materials import find_materials, material_refs

    poster = Material(kind="image", category="活动", title="会员日海报", path="media/poster.png", tags="会员日", use_count=5)
    words = Material(kind="text", category="话术", title="会员日开场", body="今晚8点会员日开抢")
    gone = Material(kind="link", title="旧链接", body="https://example.com", deleted_at=datetime(2025, 1, 1))
    session.add_all([poster, words, gone])
    session.commit()
    assert [m.title for m in material_refs(session, [words.id, gone.id, poster.id, words.id])] == ["会员日开场", "会员日海报"]
    assert [m.title for m in find_materials(session, "会员日")] == ["会员日海报", "会员日开场"]  # most used first
    assert [m.title for m in find_materials(session, "开抢")] == ["会员日开场"]
    image = material_refs(session, [poster.id])[0]
    assert image.kind_label == "图片" and image.file_in(Path("/data")) == Path("/data/media/poster.png")

"""社群打卡: a member's check-in in a real group earns the configured points once per group and day,
shows the group in the ledger, and is refused (changing nothing) for non-members and bad input."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy.orm import Session

from models import Customer
from services import checkins, settings_store
from services import points as pts
from services.errors import NotFoundError, UserError, ValidationError
from services.groups import GroupInput, add_members, save_group, trash_groups
from tests.services.helpers import AddCustomer

TODAY = date.today()


def balance_of(session: Session, cid: int) -> int:
    session.expire_all()
    return session.get(Customer, cid).points_balance  # type: ignore[union-attr]


@pytest.fixture
def group(session: Session) -> int:
    return save_group(session, GroupInput(name="茶友福利群"))


def test_checkin_gives_points_once_per_member_and_day(session: Session, add_customer: AddCustomer,
                                                      group: int) -> None:
    settings_store.put(session, pts.CHECKIN_POINTS, 10)
    wang, li = add_customer("王芳"), add_customer("李娜")
    add_members(session, group, [wang, li], joined_on=TODAY - timedelta(days=30))
    first = checkins.record_checkins(session, group, [wang, li], TODAY)
    assert (first.added, first.already, first.points) == (2, 0, 10)
    again = checkins.record_checkins(session, group, [wang], TODAY)
    assert (again.added, again.already) == (0, 1)
    assert balance_of(session, wang) == 10 == balance_of(session, li)
    checkins.record_checkins(session, group, [wang], TODAY - timedelta(days=1))  # another day counts
    assert balance_of(session, wang) == 20
    [line, _earlier] = pts.ledger(session, wang)
    assert line.reason_label == "社群打卡 · 茶友福利群" and line.points == 10


def test_same_day_in_another_group_counts_too(session: Session, add_customer: AddCustomer, group: int) -> None:
    other = save_group(session, GroupInput(name="VIP品鉴群", kind="VIP群"))
    wang = add_customer("王芳")
    add_members(session, group, [wang], joined_on=TODAY)
    add_members(session, other, [wang], joined_on=TODAY)
    checkins.record_checkins(session, group, [wang], TODAY)
    checkins.record_checkins(session, other, [wang], TODAY)
    labels = sorted(line.reason_label for line in pts.ledger(session, wang))
    assert labels == ["社群打卡 · VIP品鉴群", "社群打卡 · 茶友福利群"]
    assert balance_of(session, wang) == 2 * settings_store.get(session, pts.CHECKIN_POINTS)


def test_non_members_are_refused_by_name_and_nothing_changes(session: Session, add_customer: AddCustomer,
                                                            group: int) -> None:
    wang, zhao = add_customer("王芳"), add_customer("赵敏")
    add_members(session, group, [wang], joined_on=TODAY)
    with pytest.raises(UserError, match="赵敏 在 .* 不是「茶友福利群」的群成员"):
        checkins.record_checkins(session, group, [wang, zhao], TODAY)
    with pytest.raises(UserError, match="王芳"):  # not a member yet on the day before she joined
        checkins.record_checkins(session, group, [wang], TODAY - timedelta(days=1))
    assert pts.ledger(session, wang) == [] and balance_of(session, wang) == 0


def test_bad_input_is_refused(session: Session, add_customer: AddCustomer, group: int) -> None:
    wang = add_customer("王芳")
    add_members(session, group, [wang], joined_on=TODAY)
    with pytest.raises(ValidationError):
        checkins.record_checkins(session, group, [wang], TODAY + timedelta(days=1))
    with pytest.raises(ValidationError):
        checkins.record_checkins(session, group, [], TODAY)
    settings_store.put(session, pts.CHECKIN_POINTS, 0)
    with pytest.raises(UserError, match="打卡积分现在是 0 分"):
        checkins.record_checkins(session, group, [wang], TODAY)
    settings_store.put(session, pts.CHECKIN_POINTS, 5)
    trash_groups(session, [group])
    with pytest.raises(NotFoundError):
        checkins.record_checkins(session, group, [wang], TODAY)
    assert pts.ledger(session, wang) == []


def test_member_list_marks_who_checked_in(session: Session, add_customer: AddCustomer, group: int) -> None:
    wang, li = add_customer("王芳"), add_customer("李娜")
    add_members(session, group, [wang, li], joined_on=TODAY)
    checkins.record_checkins(session, group, [li], TODAY)
    marks = {m.name: m.checked_in for m in checkins.checkin_members(session, group, TODAY)}
    assert marks == {"王芳": False, "李娜": True}


def test_a_deleted_checkin_can_be_recorded_again_and_is_not_restored_twice(
        session: Session, add_customer: AddCustomer, group: int) -> None:
    wang = add_customer("王芳")
    add_members(session, group, [wang], joined_on=TODAY)
    checkins.record_checkins(session, group, [wang], TODAY)
    [line] = pts.ledger(session, wang)
    pts.delete_entry(session, line.id)
    assert checkins.record_checkins(session, group, [wang], TODAY).added == 1
    assert pts.restore_point_entries(session, [line.id]) == 0
    assert balance_of(session, wang) == settings_store.get(session, pts.CHECKIN_POINTS)

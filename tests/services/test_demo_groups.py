"""The 社群 demo data: groups over both accounts, real customers as members, templates applied, stats
that add up."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import ChatGroup, Customer, GroupDailyStat, GroupMember, GroupTask
from services import group_tasks as gt
from services.demo import DemoOptions, fill_demo
from services.group_metrics import stats_between
from services.groups import list_groups
from services.sop import uses_of_group


def test_demo_groups(session: Session) -> None:
    counts = fill_demo(session, DemoOptions(customers=400, seed=3))
    assert counts["chat_groups"] == 6 and counts["group_members"] > 300
    groups = list_groups(session)
    assert len({g.kind for g in groups}) == 5 and len({g.account_id for g in groups}) == 2
    assert [g.name for g in groups if g.status == "archived"] == ["春茶尝鲜快闪群"]
    member_ids = set(session.scalars(select(GroupMember.customer_id)))
    left_before_joining = session.scalar(select(func.count()).select_from(GroupMember).where(
        GroupMember.left_on < GroupMember.joined_on))
    assert left_before_joining == 0  # as a seller would record it (and as a restore accepts it)
    assert member_ids <= set(session.scalars(select(Customer.id)))
    running = [g for g in groups if g.status == "active"]
    assert sum(1 for g in running if uses_of_group(session, g.id)) == 4
    statuses = dict(session.execute(select(GroupTask.status, func.count()).group_by(GroupTask.status)).all())
    assert statuses["done"] > 50 and statuses["open"] > 50
    assert gt.tasks_on(session, date.today())  # something on the calendar today

    welfare = next(g for g in groups if g.name == "茶香福利1群")
    days = stats_between(session, welfare.id, date.today() - timedelta(days=59), date.today())
    assert len(days) == 60
    for before, after in zip(days, days[1:], strict=False):
        assert after.members == (before.members or 0) + after.joined - after.left  # the numbers add up
        assert after.active_speakers <= (after.members or 0) and after.buyers <= (after.members or 0)
    assert session.scalar(select(func.count()).select_from(GroupDailyStat)) == counts["group_daily_stats"]


def test_demo_groups_are_added_once(session: Session) -> None:
    first = fill_demo(session, DemoOptions(customers=50, seed=1))
    again = fill_demo(session, DemoOptions(customers=50, seed=1))
    assert again["chat_groups"] == 0 and again["group_members"] == 0
    assert session.scalar(select(func.count()).select_from(ChatGroup)) == 6
    assert session.scalar(select(func.count()).select_from(GroupMember)) == first["group_members"]

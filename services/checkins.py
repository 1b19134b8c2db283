"""社群打卡: points for checking in in a WeChat group (seed 001 "从0到1搭建私域社群SOP" 社群激励: 早打卡).

The seller picks a group and a day and ticks the members who checked in; each earns the configured
points (services.points CHECKIN_POINTS) once per group and day — an entry with reason "checkin" and
the group's id (point_entry.group_id), shown in the ledger as "社群打卡 · <group>". Ticking the same
member again that day changes nothing; a check-in moved to the 回收站 no longer counts, so the
seller can record that day again (and restoring the old one is then refused as a duplicate, see
services.points.restore_point_entries).

Who may check in: a member of the group on that day (joined on or before it, or on an unknown date;
not left before it), a customer not in the 回收站, in a group not in the 回收站.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from models import ChatGroup, Customer, GroupMember
from models.loyalty import PointEntry
from services import points as pts
from services import settings_store
from services.errors import NotFoundError, UserError, ValidationError
from services.i18n import t
from services.sqlutil import chunks
from services.tiers import recompute_tiers

NAMES_SHOWN = 5  # names in a refusal


@dataclass(frozen=True)
class CheckinMember:
    """One line of the check-in list: a member of the group on the day."""

    customer_id: int
    name: str
    checked_in: bool  # already has that day's check-in points from this group


@dataclass(frozen=True)
class CheckinResult:
    added: int  # members who earned points now
    already: int  # had checked in that day already (nothing given again)
    points: int  # points each one earned


def _live_group(session: Session, group_id: int) -> ChatGroup:
    group = session.get(ChatGroup, group_id)
    if group is None or group.deleted_at is not None:
        raise NotFoundError(t("这个群已被删除"))
    return group


def _members_on(group_id: int, day: date) -> Select[int, str]:
    """SELECT of (customer id, name) of the group's live members on `day`."""
    return (select(Customer.id, Customer.remark_name).join(GroupMember, GroupMember.customer_id == Customer.id)
            .where(GroupMember.group_id == group_id, Customer.deleted_at.is_(None),
                   or_(GroupMember.joined_on.is_(None), GroupMember.joined_on <= day),
                   or_(GroupMember.left_on.is_(None), GroupMember.left_on >= day)))


def checked_in_ids(session: Session, group_id: int, day: date) -> set[int]:
    """Customers holding a live check-in entry of this group on this day."""
    return set(session.scalars(select(PointEntry.customer_id).where(
        PointEntry.group_id == group_id, PointEntry.entry_on == day, PointEntry.reason == "checkin",
        PointEntry.deleted_at.is_(None))))


def checkin_members(session: Session, group_id: int, day: date) -> list[CheckinMember]:
    """The group's members on the day, by name, each marked if already checked in."""
    _live_group(session, group_id)
    done = checked_in_ids(session, group_id, day)
    rows = session.execute(_members_on(group_id, day).order_by(Customer.pinyin, Customer.id))
    return [CheckinMember(cid, name, cid in done) for cid, name in rows]


def record_checkins(session: Session, group_id: int, customer_ids: Sequence[int], day: date | None = None,
                    note: str = "") -> CheckinResult:
    """Give these members their check-in points for the day (once per group and day). Refuses — and
    changes nothing — when points for check-ins are 0, the day is in the future, or someone is not a
    member of the group that day. Commits."""
    group = _live_group(session, group_id)
    day = day or date.today()
    if day > date.today():
        raise ValidationError({"entry_on": t("打卡日期不能晚于今天")})
    points = settings_store.get(session, pts.CHECKIN_POINTS)
    if points <= 0:
        raise UserError(t("社群打卡积分现在是 0 分：请先到 积分 → 积分规则 设置打卡一次得多少分"))
    wanted = list(dict.fromkeys(customer_ids))
    if not wanted:
        raise ValidationError({"customers": t("请勾选打卡的群成员")})
    members: set[int] = set()
    for chunk in chunks(wanted):
        members.update(cid for cid, _name in session.execute(
            _members_on(group_id, day).where(Customer.id.in_(chunk))))
    outsiders = [cid for cid in wanted if cid not in members]
    if outsiders:
        names = list(session.scalars(select(Customer.remark_name).where(Customer.id.in_(outsiders[:NAMES_SHOWN]))))
        shown = "、".join(names) + (t(" 等 {n} 位", n=len(outsiders)) if len(outsiders) > NAMES_SHOWN else "")
        raise UserError(t("{names} 在 {day} 不是「{group}」的群成员，不能记打卡", names=shown or t("有客户"),
                          day=day.isoformat(), group=group.name))
    done = checked_in_ids(session, group_id, day)
    fresh = [cid for cid in wanted if cid not in done]
    expires = pts.expiry_of(session, day)
    session.add_all(PointEntry(customer_id=cid, entry_on=day, points=points, reason="checkin", note=note.strip(),
                               group_id=group_id, expires_on=expires) for cid in fresh)
    session.flush()
    if fresh:
        pts.refresh_balances(session, fresh)
        recompute_tiers(session, fresh)  # a tier on points may be reached
    session.commit()
    return CheckinResult(len(fresh), len(wanted) - len(fresh), points)

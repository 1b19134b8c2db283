"""社群: the seller's WeChat groups and their members (linked to customers).

A group has a type (引流群, 福利群, 快闪群, VIP群, 服务群), one of the seller's WeChat accounts, a
status (运营中 / 已归档), and the texts the seller pastes into WeChat: positioning, 群规, 欢迎语,
群公告 and auto-reply answers. Deleting moves a group to the 回收站 (`deleted_at`), restorable with its
members, tasks and stats; archiving takes it off the calendar but keeps it in the list.

Members are customers with a role (群主, 管理, 气氛组KOC, 成员) and joined / left dates; a customer
is in a group once (leaving and coming back reopens the same membership). Adding by tag is set-based
(a few statements for thousands of customers).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from models import ChatGroup, Customer, CustomerTag, GroupDailyStat, GroupMember, WechatAccount
from models.groups import GROUP_KINDS, GROUP_STATUSES, MEMBER_ROLES
from services.errors import NotFoundError, ValidationError
from services.i18n import t
from services.sqlutil import chunks
from services.text import fold

ROLE_LABELS = {"owner": "群主", "admin": "管理", "koc": "气氛组KOC", "member": "成员"}
STATUS_LABELS = {"active": "运营中", "archived": "已归档"}
MAX_NAME = 100


def role_of_label(text: str) -> str:
    """'管理' / 'admin' / 'KOC' → the role key; ValueError with a message otherwise."""
    value = fold(text)
    for key, label in ROLE_LABELS.items():
        if value.lower() in (key, label.lower()) or (key == "koc" and value.upper() in ("KOC", "气氛组")):
            return key
    raise ValueError(t("角色“{text}”不对，只能是：{all}", text=text, all="、".join(ROLE_LABELS.values())))


@dataclass
class GroupInput:
    """A group's fields as the seller typed them (also what the Excel import hands in)."""

    name: str = ""
    account_id: int | None = None
    kind: str = "福利群"
    created_on: date | None = None
    status: str = "active"
    positioning: str = ""
    rules: str = ""
    welcome: str = ""
    announcement: str = ""
    auto_replies: list[tuple[str, str]] = field(default_factory=list)  # (question, answer)

    @classmethod
    def of(cls, group: ChatGroup) -> GroupInput:
        values = {f.name: getattr(group, f.name) for f in fields(cls) if f.name != "auto_replies"}
        replies = [(r.get("q", ""), r.get("a", "")) for r in group.auto_replies or []]
        return cls(**values, auto_replies=replies)


def clean_group(session: Session, data: GroupInput, group_id: int | None = None) -> GroupInput:
    """A cleaned copy, or ValidationError naming every bad field."""
    errors: dict[str, str] = {}
    name = data.name.strip()
    if not name:
        errors["name"] = t("请填写群名称")
    elif len(name) > MAX_NAME:
        errors["name"] = t("群名称太长（最多{n}个字）", n=MAX_NAME)
    elif session.scalar(select(ChatGroup.id).where(ChatGroup.name == name, ChatGroup.deleted_at.is_(None),
                                                   ChatGroup.id != (group_id or 0)).limit(1)) is not None:
        # Imports, exports and the full workbook name groups by 群名称: two of one name cannot be told apart.
        errors["name"] = t("已经有一个叫“{name}”的群（也算已归档的），请换个名称，如加上年份或编号", name=name)
    if data.kind not in GROUP_KINDS:
        errors["kind"] = t("群类型只能是：{all}", all="、".join(GROUP_KINDS))
    if data.status not in GROUP_STATUSES:
        errors["status"] = t("状态只能是：运营中、已归档")
    if data.account_id is not None and session.get(WechatAccount, data.account_id) is None:
        errors["account_id"] = t("这个微信号已被删除，请重新选择")
    replies = []
    for number, (question, answer) in enumerate(data.auto_replies, 1):
        question, answer = question.strip(), answer.strip()
        if not question and not answer:
            continue
        if not question or not answer:
            errors[f"auto_reply{number}"] = t("第 {n} 条自动回复：问题和回答都要填", n=number)
        replies.append((question, answer))
    if errors:
        raise ValidationError(errors)
    return GroupInput(name, data.account_id, data.kind, data.created_on, data.status, data.positioning.strip(),
                      data.rules.strip(), data.welcome.strip(), data.announcement.strip(), replies)


def save_group(session: Session, data: GroupInput, group_id: int | None = None) -> int:
    """Create (created_on defaults to today) or edit a group; returns its id."""
    clean = clean_group(session, data, group_id)
    group = ChatGroup() if group_id is None else _live_group(session, group_id)
    for key in ("name", "account_id", "kind", "status", "positioning", "rules", "welcome", "announcement"):
        setattr(group, key, getattr(clean, key))
    group.created_on = clean.created_on or group.created_on or date.today()
    group.auto_replies = [{"q": q, "a": a} for q, a in clean.auto_replies]
    session.add(group)
    session.commit()
    return group.id


def _live_group(session: Session, group_id: int) -> ChatGroup:
    group = session.get(ChatGroup, group_id)
    if group is None or group.deleted_at is not None:
        raise NotFoundError(t("这个群已被删除"))
    return group


def get_group(session: Session, group_id: int) -> ChatGroup:
    return _live_group(session, group_id)


def set_archived(session: Session, group_ids: Sequence[int], archived: bool = True) -> int:
    """归档 (off the calendar, kept in the list) or back to 运营中."""
    result = session.execute(update(ChatGroup).where(ChatGroup.id.in_(list(group_ids)), ChatGroup.deleted_at.is_(None))
                             .values(status="archived" if archived else "active"))
    session.commit()
    return int(result.rowcount)  # type: ignore[attr-defined]


def trash_groups(session: Session, group_ids: Sequence[int]) -> int:
    """Move groups to the 回收站 (their members, tasks and stats stay with them)."""
    result = session.execute(update(ChatGroup).where(ChatGroup.id.in_(list(group_ids)), ChatGroup.deleted_at.is_(None))
                             .values(deleted_at=datetime.now().replace(microsecond=0)))
    _membership_changed(session)
    session.commit()
    return int(result.rowcount)  # type: ignore[attr-defined]


def restore_groups(session: Session, group_ids: Sequence[int]) -> int:
    """Back from the 回收站. A group whose name another live group took meanwhile comes back as
    "名称（恢复）" (two groups of one name could not be told apart, see clean_group)."""
    taken = set(session.scalars(select(ChatGroup.name).where(ChatGroup.deleted_at.is_(None))))
    for group in session.scalars(select(ChatGroup).where(ChatGroup.id.in_(list(group_ids)),
                                                         ChatGroup.deleted_at.is_not(None)).order_by(ChatGroup.id)):
        name, n = group.name, 1
        while name in taken:
            name = t("{name}（恢复）", name=group.name) if n == 1 else t("{name}（恢复{n}）", name=group.name, n=n)
            n += 1
        group.name = name[:MAX_NAME]
        taken.add(group.name)
    session.flush()
    result = session.execute(update(ChatGroup).where(ChatGroup.id.in_(list(group_ids)),
                                                     ChatGroup.deleted_at.is_not(None)).values(deleted_at=None))
    _membership_changed(session)
    session.commit()
    return int(result.rowcount)  # type: ignore[attr-defined]


def purge_groups(session: Session, group_ids: Sequence[int] | None = None) -> int:
    """Delete for good from the trash (all of it when None), with members, tasks and stats."""
    statement = delete(ChatGroup).where(ChatGroup.deleted_at.is_not(None))
    if group_ids is not None:
        statement = statement.where(ChatGroup.id.in_(list(group_ids)))
    result = session.execute(statement)
    _membership_changed(session)
    session.commit()
    return int(result.rowcount)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class GroupSummary:
    """What the group detail's header shows."""

    data: GroupInput
    account_name: str
    trashed: bool
    stage: str  # services.group_metrics.life_stage today
    members: int


def group_summary(session: Session, group_id: int, today: date | None = None) -> GroupSummary | None:
    """A group's fields, account, life stage and member count (None when it was purged)."""
    from services.group_metrics import group_stage

    group = session.get(ChatGroup, group_id)
    if group is None:
        return None
    account = session.get(WechatAccount, group.account_id) if group.account_id else None
    return GroupSummary(GroupInput.of(group), account.name if account else "", group.deleted_at is not None,
                        group_stage(session, group_id, today or date.today()),
                        member_counts(session, [group_id]).get(group_id, 0))


# ---- the list --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class GroupRow:
    id: int
    name: str
    kind: str
    account_id: int | None
    account_name: str
    status: str
    created_on: date | None
    members: int  # customers in the group now (not left)
    latest_members: int | None  # 群人数 on the latest day of daily stats
    latest_day: date | None
    deleted_at: datetime | None = None

    @property
    def status_label(self) -> str:
        return t("回收站") if self.deleted_at else t(STATUS_LABELS.get(self.status, self.status))


def list_groups(session: Session, status: str = "", account_id: int | None = None, kind: str = "",
                text: str = "") -> list[GroupRow]:
    """Groups by name; `status` "active" / "archived" / "trash" ("" = all not in the trash)."""
    statement = select(ChatGroup, WechatAccount.name).outerjoin(WechatAccount, WechatAccount.id == ChatGroup.account_id)
    if status == "trash":
        statement = statement.where(ChatGroup.deleted_at.is_not(None))
    else:
        statement = statement.where(ChatGroup.deleted_at.is_(None))
        if status:
            statement = statement.where(ChatGroup.status == status)
    if account_id is not None:
        statement = statement.where(ChatGroup.account_id == account_id)
    if kind:
        statement = statement.where(ChatGroup.kind == kind)
    if text.strip():
        statement = statement.where(ChatGroup.name.contains(text.strip()))
    rows = session.execute(statement.order_by(ChatGroup.status, ChatGroup.name, ChatGroup.id)).all()
    ids = [group.id for group, _ in rows]
    counts = member_counts(session, ids)
    latest = _latest_members(session, ids)
    return [GroupRow(g.id, g.name, g.kind, g.account_id, account or "", g.status, g.created_on, counts.get(g.id, 0),
                     *latest.get(g.id, (None, None)), g.deleted_at) for g, account in rows]


def member_counts(session: Session, group_ids: Sequence[int]) -> dict[int, int]:
    """group id → customers in it now (live customers who have not left)."""
    found: dict[int, int] = {}
    for chunk in chunks(list(group_ids)):
        found.update(session.execute(
            select(GroupMember.group_id, func.count()).join(Customer, Customer.id == GroupMember.customer_id)
            .where(GroupMember.group_id.in_(chunk), GroupMember.left_on.is_(None), Customer.deleted_at.is_(None))
            .group_by(GroupMember.group_id)).all())
    return found


def _latest_members(session: Session, group_ids: list[int]) -> dict[int, tuple[int | None, date | None]]:
    found: dict[int, tuple[int | None, date | None]] = {}
    for chunk in chunks(group_ids):
        latest = (select(GroupDailyStat.group_id, func.max(GroupDailyStat.day).label("day"))
                  .where(GroupDailyStat.group_id.in_(chunk), GroupDailyStat.members.is_not(None))
                  .group_by(GroupDailyStat.group_id).subquery())
        for group_id, members, day in session.execute(
            select(GroupDailyStat.group_id, GroupDailyStat.members, GroupDailyStat.day)
            .join(latest, (latest.c.group_id == GroupDailyStat.group_id) & (latest.c.day == GroupDailyStat.day))
        ):
            found[group_id] = (members, day)
    return found


# ---- members ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class MemberRow:
    id: int
    customer_id: int
    name: str
    wechat_id: str
    phone: str
    role: str
    joined_on: date | None
    left_on: date | None
    loyalty_type: str
    purchase_count: int
    total_spent_cents: int

    @property
    def role_label(self) -> str:
        return t(ROLE_LABELS.get(self.role, self.role))


def list_members(session: Session, group_id: int, *, include_left: bool = True) -> list[MemberRow]:
    """The group's members (live customers): 群主 and 管理 first, then by joined date."""
    statement = (select(GroupMember, Customer.remark_name, Customer.wechat_id, Customer.phone, Customer.loyalty_type,
                        Customer.purchase_count, Customer.total_spent_cents)
                 .join(Customer, Customer.id == GroupMember.customer_id)
                 .where(GroupMember.group_id == group_id, Customer.deleted_at.is_(None)))
    if not include_left:
        statement = statement.where(GroupMember.left_on.is_(None))
    order = {role: n for n, role in enumerate(MEMBER_ROLES)}
    rows = [MemberRow(m.id, m.customer_id, name, wid, phone, m.role, m.joined_on, m.left_on, loyalty, count, spent)
            for m, name, wid, phone, loyalty, count, spent in session.execute(statement)]
    rows.sort(key=lambda r: (r.left_on is not None, order.get(r.role, 9), r.joined_on or date.min, r.id))
    return rows


@dataclass(frozen=True)
class AddResult:
    added: int  # new members
    rejoined: int  # had left, are back
    already: int  # were already in the group


def add_members(session: Session, group_id: int, customer_ids: Sequence[int], role: str = "member",
                joined_on: date | None = None) -> AddResult:
    """Add customers to a group (those already in it are left as they are)."""
    _live_group(session, group_id)
    if role not in MEMBER_ROLES:
        raise ValidationError({"role": t("角色只能是：{all}", all="、".join(ROLE_LABELS.values()))})
    joined_on = joined_on or date.today()
    wanted = list(dict.fromkeys(customer_ids))
    existing: dict[int, date | None] = {}
    for chunk in chunks(wanted):
        existing.update(session.execute(select(GroupMember.customer_id, GroupMember.left_on).where(
            GroupMember.group_id == group_id, GroupMember.customer_id.in_(chunk))).all())
    live: set[int] = set()
    for chunk in chunks(wanted):
        live.update(session.scalars(select(Customer.id).where(Customer.id.in_(chunk), Customer.deleted_at.is_(None))))
    new = [cid for cid in wanted if cid in live and cid not in existing]
    back = [cid for cid in wanted if cid in live and cid in existing and existing[cid] is not None]
    now = datetime.now()
    rows = [{"group_id": group_id, "customer_id": cid, "role": role, "joined_on": joined_on, "left_on": None,
             "created_at": now, "updated_at": now} for cid in new]
    for start in range(0, len(rows), 5000):
        session.execute(insert(GroupMember), rows[start:start + 5000])
    for chunk in chunks(back):
        session.execute(update(GroupMember).where(GroupMember.group_id == group_id, GroupMember.customer_id.in_(chunk))
                        .values(left_on=None, joined_on=joined_on, updated_at=now))
    _membership_changed(session)
    session.commit()
    return AddResult(len(new), len(back), len(wanted) - len(new) - len(back))


def add_members_by_tag(session: Session, group_id: int, tag_id: int, role: str = "member",
                       joined_on: date | None = None) -> AddResult:
    """Add every live customer having the tag."""
    ids = list(session.scalars(select(CustomerTag.customer_id).join(Customer, Customer.id == CustomerTag.customer_id)
                               .where(CustomerTag.tag_id == tag_id, Customer.deleted_at.is_(None))
                               .order_by(CustomerTag.customer_id)))  # in the order they were added, on any server
    return add_members(session, group_id, ids, role, joined_on)


def _member(session: Session, member_id: int) -> GroupMember:
    member = session.get(GroupMember, member_id)
    if member is None:
        raise NotFoundError(t("这位成员已被移除"))
    return member


def update_member(session: Session, member_id: int, *, role: str, joined_on: date | None,
                  left_on: date | None) -> None:
    if role not in MEMBER_ROLES:
        raise ValidationError({"role": t("角色只能是：{all}", all="、".join(ROLE_LABELS.values()))})
    if joined_on and left_on and left_on < joined_on:
        raise ValidationError({"left_on": t("退群日期 {left} 早于进群日期 {joined}", left=left_on, joined=joined_on)})
    member = _member(session, member_id)
    member.role, member.joined_on, member.left_on = role, joined_on, left_on
    _membership_changed(session)
    session.commit()


def set_role(session: Session, member_ids: Sequence[int], role: str) -> int:
    if role not in MEMBER_ROLES:
        raise ValidationError({"role": t("角色只能是：{all}", all="、".join(ROLE_LABELS.values()))})
    result = session.execute(update(GroupMember).where(GroupMember.id.in_(list(member_ids))).values(role=role))
    session.commit()
    return int(result.rowcount)  # type: ignore[attr-defined]


def mark_left(session: Session, member_ids: Sequence[int], left_on: date | None = None) -> int:
    """退群: record the day they left (they stay in the list, greyed, for the metrics)."""
    result = session.execute(update(GroupMember).where(GroupMember.id.in_(list(member_ids)),
                                                       GroupMember.left_on.is_(None))
                             .values(left_on=left_on or date.today()))
    _membership_changed(session)
    session.commit()
    return int(result.rowcount)  # type: ignore[attr-defined]


def remove_members(session: Session, member_ids: Sequence[int]) -> int:
    """Take memberships out entirely (added by mistake); leaving is `mark_left`."""
    result = session.execute(delete(GroupMember).where(GroupMember.id.in_(list(member_ids))))
    _membership_changed(session)
    session.commit()
    return int(result.rowcount)  # type: ignore[attr-defined]


def _membership_changed(session: Session) -> None:
    """Memberships moved: the 自动标签 rules "在某个群里" follow (services.auto_tags; no commit)."""
    from services.auto_tags import apply_rules

    apply_rules(session, kinds=("in_group",))


# ---- a customer's groups ---------------------------------------------------------------------------

@dataclass(frozen=True)
class CustomerGroup:
    group_id: int
    name: str
    kind: str
    role: str
    joined_on: date | None
    left_on: date | None
    created_at: datetime


def customer_groups(session: Session, customer_id: int) -> list[CustomerGroup]:
    """The groups a customer is or was in (not those in the trash), newest first."""
    rows = session.execute(
        select(GroupMember, ChatGroup.name, ChatGroup.kind).join(ChatGroup, ChatGroup.id == GroupMember.group_id)
        .where(GroupMember.customer_id == customer_id, ChatGroup.deleted_at.is_(None))
    ).all()
    found = [CustomerGroup(m.group_id, name, kind, m.role, m.joined_on, m.left_on, m.created_at)
             for m, name, kind in rows]
    found.sort(key=lambda g: g.joined_on or g.created_at.date(), reverse=True)
    return found


def group_timeline_items(session: Session, customer_id: int) -> list[Any]:
    """The customer's timeline entries for groups: one when they joined, one when they left.

    TimelineItem kind "group"; `id` is the group's id (for opening it)."""
    from services.timeline import TimelineItem

    items: list[Any] = []
    for g in customer_groups(session, customer_id):
        joined = datetime.combine(g.joined_on, datetime.min.time()) if g.joined_on else g.created_at
        role = "" if g.role == "member" else t("，角色：{role}", role=t(ROLE_LABELS[g.role]))
        items.append(TimelineItem("group", g.group_id, joined, t("进群"),
                                  t("加入「{name}」（{kind}）{role}", name=g.name, kind=t(g.kind), role=role)))
        if g.left_on:
            items.append(TimelineItem("group", g.group_id, datetime.combine(g.left_on, datetime.min.time()),
                                      t("退群"), t("退出「{name}」", name=g.name), done=True))
    return items

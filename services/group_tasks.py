"""群任务: the tasks on the groups' calendar — read them by day or week, tick them done with a note,
skip, move, edit or add them by hand.

A task is **overdue** when it is still open and its due time has passed (`due_at < now`); done and
skipped tasks never are. Tasks of groups in the trash or archived are not on the calendar.

A hand edit (text, time, materials) marks the task `edited`: re-applying its template then leaves it
alone (services.sop). Ticking done, skipping and deleting need no mark — re-applying only ever
changes open tasks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from models import ChatGroup, GroupTask, GroupTemplateUse, SopTemplate, WechatAccount
from services.errors import NotFoundError, ValidationError
from services.i18n import t

STATUS_LABELS = {"open": "待办", "done": "已完成", "skipped": "已跳过"}
MAX_TITLE = 100


@dataclass(frozen=True)
class TaskView:
    """One task as the calendar and Today show it."""

    id: int
    group_id: int
    group_name: str
    group_kind: str
    account_id: int | None
    account_name: str
    due_at: datetime
    title: str
    body: str
    material_ids: tuple[int, ...]
    status: str
    done_at: datetime | None
    done_note: str
    edited: bool
    use_id: int | None
    template_name: str  # "" for a task added by hand
    overdue: bool

    @property
    def status_label(self) -> str:
        return t(STATUS_LABELS.get(self.status, self.status))


def _now() -> datetime:
    return datetime.now().replace(microsecond=0)


def tasks_between(session: Session, first: date, last: date, *, group_id: int | None = None,
                  account_id: int | None = None, now: datetime | None = None) -> list[TaskView]:
    """Tasks due from `first` to `last` (both included), of live, running groups, in time order;
    optionally of one group or one of the seller's WeChat accounts."""
    start = datetime.combine(first, time.min)
    end = datetime.combine(last + timedelta(days=1), time.min)
    return _views(session, [GroupTask.due_at >= start, GroupTask.due_at < end], group_id, account_id, now)


def tasks_on(session: Session, day: date, now: datetime | None = None) -> list[TaskView]:
    """今天 page: the group tasks due on `day` (open, done and skipped), in time order."""
    return tasks_between(session, day, day, now=now)


def overdue_tasks(session: Session, now: datetime | None = None, limit: int = 500) -> list[TaskView]:
    """Open tasks whose time has passed, oldest first."""
    now = now or _now()
    return _views(session, [GroupTask.status == "open", GroupTask.due_at < now], None, None, now, limit)


def overdue_count(session: Session, now: datetime | None = None, group_id: int | None = None) -> int:
    now = now or _now()
    statement = (select(func.count()).select_from(GroupTask).join(ChatGroup, ChatGroup.id == GroupTask.group_id)
                 .where(*_live(), GroupTask.status == "open", GroupTask.due_at < now))
    if group_id is not None:
        statement = statement.where(GroupTask.group_id == group_id)
    return int(session.scalar(statement) or 0)


def _live() -> list[Any]:
    return [GroupTask.deleted_at.is_(None), ChatGroup.deleted_at.is_(None), ChatGroup.status == "active"]


def _views(session: Session, conditions: list[Any], group_id: int | None, account_id: int | None,
           now: datetime | None, limit: int | None = None) -> list[TaskView]:
    now = now or _now()
    statement = (
        select(GroupTask, ChatGroup.name, ChatGroup.kind, ChatGroup.account_id, WechatAccount.name, SopTemplate.name)
        .join(ChatGroup, ChatGroup.id == GroupTask.group_id)
        .outerjoin(WechatAccount, WechatAccount.id == ChatGroup.account_id)
        .outerjoin(GroupTemplateUse, GroupTemplateUse.id == GroupTask.use_id)
        .outerjoin(SopTemplate, SopTemplate.id == GroupTemplateUse.template_id)
        .where(*_live(), *conditions)
        .order_by(GroupTask.due_at, ChatGroup.name, GroupTask.id)
    )
    if group_id is not None:
        statement = statement.where(GroupTask.group_id == group_id)
    if account_id is not None:
        statement = statement.where(ChatGroup.account_id == account_id)
    if limit is not None:
        statement = statement.limit(limit)
    return [_view(task, name, kind, account, account_name, template, now)
            for task, name, kind, account, account_name, template in session.execute(statement)]


def _view(task: GroupTask, group_name: str, kind: str, account_id: int | None, account_name: str | None,
          template_name: str | None, now: datetime) -> TaskView:
    return TaskView(task.id, task.group_id, group_name, kind, account_id, account_name or "", task.due_at, task.title,
                    task.body, tuple(task.material_ids or ()), task.status, task.done_at, task.done_note,
                    task.edited, task.use_id, template_name or "",
                    task.status == "open" and task.due_at < now)


def get_task(session: Session, task_id: int, now: datetime | None = None) -> TaskView:
    found = _views(session, [GroupTask.id == task_id], None, None, now)
    if not found:
        raise NotFoundError(t("这个任务已被删除"))
    return found[0]


# ---- changing tasks --------------------------------------------------------------------------------

def _task(session: Session, task_id: int) -> GroupTask:
    task = session.get(GroupTask, task_id)
    if task is None or task.deleted_at is not None:
        raise NotFoundError(t("这个任务已被删除"))
    return task


def _clean(title: str, due_at: datetime | None) -> str:
    errors = {}
    title = title.strip()
    if not title:
        errors["title"] = t("请填写任务标题，如“午分享”")
    elif len(title) > MAX_TITLE:
        errors["title"] = t("任务标题太长（最多{n}个字）", n=MAX_TITLE)
    if due_at is None:
        errors["due_at"] = t("请选择任务的日期和时间")
    if errors:
        raise ValidationError(errors)
    return title


def add_task(session: Session, group_id: int, due_at: datetime | None, title: str, body: str = "",
             material_ids: Sequence[int] = ()) -> int:
    """A task added by hand (no template): re-applying never touches it."""
    clean_title = _clean(title, due_at)
    group = session.get(ChatGroup, group_id)
    if group is None or group.deleted_at is not None:
        raise NotFoundError(t("这个群已被删除"))
    assert due_at is not None
    task = GroupTask(group_id=group_id, due_at=due_at.replace(second=0, microsecond=0), title=clean_title,
                     body=body.strip(), material_ids=list(dict.fromkeys(material_ids)), edited=True)
    session.add(task)
    session.commit()
    return task.id


def edit_task(session: Session, task_id: int, *, title: str, body: str, due_at: datetime | None,
              material_ids: Sequence[int] = ()) -> None:
    """Change a task's text, time and materials; a real change marks it edited by hand."""
    clean_title = _clean(title, due_at)
    assert due_at is not None
    task = _task(session, task_id)
    values = {"title": clean_title, "body": body.strip(), "due_at": due_at.replace(second=0, microsecond=0),
              "material_ids": list(dict.fromkeys(material_ids))}
    changed = {k: v for k, v in values.items() if getattr(task, k) != v}
    for key, value in changed.items():
        setattr(task, key, value)
    if changed:
        task.edited = True
    session.commit()


def move_task(session: Session, task_id: int, due_at: datetime) -> None:
    """Move a task to another day or time (kept there when the template is re-applied)."""
    task = _task(session, task_id)
    due_at = due_at.replace(second=0, microsecond=0)
    if task.due_at != due_at:
        task.due_at, task.edited = due_at, True
    session.commit()


def complete_task(session: Session, task_id: int, note: str = "", now: datetime | None = None) -> None:
    """Tick a task done, with what happened (e.g. “发了红包，20人抢”)."""
    task = _task(session, task_id)
    task.status, task.done_at, task.done_note = "done", now or _now(), note.strip()
    session.commit()


def skip_task(session: Session, task_id: int, note: str = "") -> None:
    task = _task(session, task_id)
    task.status, task.done_at, task.done_note = "skipped", None, note.strip()
    session.commit()


def reopen_task(session: Session, task_id: int) -> None:
    """Undo a tick or a skip: the task is open again."""
    task = _task(session, task_id)
    task.status, task.done_at = "open", None
    session.commit()


def delete_task(session: Session, task_id: int) -> None:
    """Remove a task from the calendar (kept as deleted, so re-applying does not lay it again)."""
    _task(session, task_id).deleted_at = _now()
    session.commit()


def task_counts(session: Session, group_ids: Sequence[int], day: date,
                now: datetime | None = None) -> dict[int, tuple[int, int]]:
    """group id → (open tasks due on `day`, overdue tasks) — for the group list."""
    now = now or _now()
    start, end = datetime.combine(day, time.min), datetime.combine(day + timedelta(days=1), time.min)
    found: dict[int, tuple[int, int]] = {}
    if not group_ids:
        return found
    for group_id, today_open, overdue in session.execute(
        select(GroupTask.group_id,
               func.sum(case((and_(GroupTask.due_at >= start, GroupTask.due_at < end), 1), else_=0)),
               func.sum(case((GroupTask.due_at < now, 1), else_=0)))
        .where(GroupTask.group_id.in_(group_ids), GroupTask.status == "open", GroupTask.deleted_at.is_(None))
        .group_by(GroupTask.group_id)
    ):
        found[group_id] = (int(today_open or 0), int(overdue or 0))
    return found

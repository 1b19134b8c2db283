"""Today's items that belong to other pages: Moments posts due (朋友圈, services.moments) and the
groups' SOP tasks of the day (社群, services.group_tasks). Done and snoozed go through those pages'
own services, so the item changes on its page too:

    post        done → publish_post (已发布 now, the result added to the post's note); snooze →
                move_post to the same time on the chosen day
    group task  done → complete_task (with the result as its note); snooze → move_task to the same
                time on the chosen day
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from services.i18n import t

if TYPE_CHECKING:
    from services.today import TodayItem


def post_items(session: Session, day: date, now: datetime | None = None) -> list[TodayItem]:
    """已排期 posts planned for the day, plus the overdue ones of the last week (services.moments
    posts_due), in time order; overdue once their time has passed. The text is the post's words."""
    from services.moments import list_posts, posts_due
    from services.today import TodayItem

    now = now or datetime.now().replace(microsecond=0)
    end = datetime.combine(day + timedelta(days=1), time.min)
    due = {p.id: p for p in posts_due(session, min(now, end))}
    due.update((p.id, p) for p in list_posts(session, day, day + timedelta(days=1), status="scheduled"))
    items = []
    for post in sorted(due.values(), key=lambda p: (p.planned_at, p.id)):
        visibility = post.visibility_label
        if post.tag_names:
            visibility += "：" + "、".join(post.tag_names)
        detail = " · ".join(x for x in (f"{post.planned_at:%H:%M}" if post.planned_at.date() == day
                                        else f"{post.planned_at:%m-%d %H:%M}", post.account_name,
                                        post.pillar_name, visibility) if x)
        if post.images:
            detail += " · " + t("{n}张图", n=len(post.images))
        items.append(TodayItem(
            "post", f"post:{post.id}", post.title, post.planned_at.date(), detail=detail,
            overdue=post.planned_at < now, record_id=post.id, group="post", text=post.text))
    return items


def group_task_items(session: Session, day: date) -> list[TodayItem]:
    """The open SOP tasks of the day, in time order; overdue once their time has passed."""
    from services.group_tasks import tasks_on
    from services.today import TodayItem

    items = []
    for task in tasks_on(session, day):
        if task.status != "open":
            continue
        source = f" · {task.template_name}" if task.template_name else ""
        items.append(TodayItem(
            "group_task", f"group_task:{task.id}", task.title, task.due_at.date(),
            detail=f"{task.group_name} · {task.due_at:%H:%M}{source}", overdue=task.overdue,
            record_id=task.id, group="group_task", text=task.body))
    return items


def complete_extra(session: Session, item: TodayItem, result: str) -> None:
    if item.kind == "post" and item.record_id is not None:
        from services.moments import publish_post

        publish_post(session, item.record_id, note=result)
        return
    if item.kind == "group_task" and item.record_id is not None:
        from services.group_tasks import complete_task

        complete_task(session, item.record_id, result)
        return
    raise ValueError(item.kind)


def snooze_extra(session: Session, item: TodayItem, until: date) -> None:
    if item.kind == "post" and item.record_id is not None:
        from services.moments import get_post, move_post

        post = get_post(session, item.record_id)
        move_post(session, item.record_id, datetime.combine(until, post.planned_at.time()))
        return
    if item.kind == "group_task" and item.record_id is not None:
        from services.group_tasks import get_task, move_task

        task = get_task(session, item.record_id)
        move_task(session, item.record_id, datetime.combine(until, task.due_at.time()))
        return
    raise ValueError(item.kind)


def tier_up_items(session: Session, day: date) -> list[TodayItem]:
    """"王芳 升级为 金卡会员 — 送上祝贺": the open upgrades services.tiers recorded (a ReminderState
    "tier_up:<customer>:<tier>:<date>" each, not done), due on the day of the upgrade. Done and
    snoozed work like the other computed items (services.today); an upgrade to a tier since deleted
    is left out."""
    from sqlalchemy import select

    from models import Customer, ReminderState
    from models.loyalty import MemberTier
    from services.today import TodayItem

    tiers = {tid: (name, benefits) for tid, name, benefits in session.execute(
        select(MemberTier.id, MemberTier.name, MemberTier.benefits))}
    rows = session.execute(
        select(ReminderState.key, ReminderState.customer_id, Customer.remark_name)
        .join(Customer, Customer.id == ReminderState.customer_id)
        .where(ReminderState.key >= "tier_up:", ReminderState.key < "tier_up;", ReminderState.done_at.is_(None),
               Customer.deleted_at.is_(None)))
    items = []
    for key, customer_id, name in rows:
        parts = key.split(":")
        try:
            tier_id, on = int(parts[2]), date.fromisoformat(parts[3])
        except (IndexError, ValueError):
            continue
        if tier_id not in tiers or on > day:
            continue
        tier, benefits = tiers[tier_id]
        detail = t("{date} 达到 {tier}", date=on.isoformat(), tier=tier)
        if benefits.strip():
            detail += " · " + benefits.strip().splitlines()[0]
        items.append(TodayItem("tier_up", key, t("升级为 {tier} — 送上祝贺", tier=tier), on, customer_id, name,
                               detail=detail, script_category="回访", group="tier_up"))
    return items

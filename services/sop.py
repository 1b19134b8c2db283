"""SOP模板: routines of three shapes, the schedule they lay, applying them to a group, re-applying.

**Shapes** (models.groups.SOP_SHAPES). A step has a day, a time (HH:MM, local wall-clock time with no
time zone) and ready text:

- ``daily`` — 每日时段: every step on every day of the window (its day is 0);
- ``weekly`` — 每周栏目: a step on its weekday (1 = Monday … 7 = Sunday) in every week of the window;
- ``sequence`` — 按天序列: a step on day N of the window (day 1 = the start date), once.

`occurrences` (services.sop_schedule) is the schedule as a pure function of dates: plain `date` arithmetic and
`datetime.combine`, so it is right across month and year ends and on 29 February, and a 07:30 step is
07:30 on every day — there is no daylight-saving shift to get wrong. A daily or weekly window needs an
end date (at most a year); a sequence ends after its last day unless an earlier end is chosen.

**Applying** a template to a group records a GroupTemplateUse (with the template's version) and lays
one GroupTask per occurrence. **Editing** a template bumps its version when its steps, shape or length
change (a new name or description does not). **Re-applying** brings a use up to the template's
current version, and only ever touches the *future* (due at or after `now`): it updates open tasks
the seller has not edited by hand, adds the occurrences that are missing, and removes open unedited
tasks whose step was taken out of the template (or that fall outside a shortened window). Tasks that
are done, skipped, edited, moved or deleted by hand stay exactly as they are — see `plan_reapply`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from models import ChatGroup, GroupTask, GroupTemplateUse, SopStep, SopTemplate
from models.groups import SOP_SHAPES
from services.errors import NotFoundError, UserError, ValidationError
from services.i18n import t
from services.sop_schedule import MAX_WINDOW_DAYS as MAX_WINDOW_DAYS
from services.sop_schedule import WEEKDAYS as WEEKDAYS
from services.sop_schedule import StepLike as StepLike
from services.sop_schedule import check_window, normalize_time, occurrences, period_of, window_end
from services.sop_schedule import day_label as day_label
from services.sop_schedule import parse_time as parse_time

SHAPE_LABELS = {"daily": "每日时段", "weekly": "每周栏目", "sequence": "按天序列"}
MAX_SEQUENCE_DAYS = 365
MAX_NAME = 50
MAX_TITLE = 100


@dataclass(frozen=True)
class StepInput:
    """One step as the editor holds it; `id` is None for a new step."""

    day: int
    time: str
    title: str
    body: str = ""
    material_ids: tuple[int, ...] = ()
    id: int | None = None


@dataclass(frozen=True)
class TemplateInput:
    name: str
    shape: str
    steps: Sequence[StepInput]
    description: str = ""
    days: int = 0  # a sequence's length; 0 = up to its last step


@dataclass(frozen=True)
class TemplateInfo:
    id: int
    name: str
    shape: str
    description: str
    days: int
    version: int
    builtin: bool
    steps: tuple[StepInput, ...]
    uses: int = 0  # how many groups it is applied to

    @property
    def shape_label(self) -> str:
        return t(SHAPE_LABELS[self.shape])


# ---- templates -----------------------------------------------------------------------------------

def list_templates(session: Session) -> list[TemplateInfo]:
    """Every template with its steps, built-in ones first."""
    uses = dict(session.execute(select(GroupTemplateUse.template_id, func.count())
                                .group_by(GroupTemplateUse.template_id)).all())
    steps: dict[int, list[StepInput]] = {}
    for step in session.scalars(select(SopStep).order_by(SopStep.template_id, SopStep.sort, SopStep.id)):
        steps.setdefault(step.template_id, []).append(_step_input(step))
    templates = session.scalars(select(SopTemplate).order_by(SopTemplate.builtin.desc(), SopTemplate.id))
    return [_info(tpl, steps.get(tpl.id, []), int(uses.get(tpl.id, 0))) for tpl in templates]


def get_template(session: Session, template_id: int) -> TemplateInfo:
    template = session.get(SopTemplate, template_id)
    if template is None:
        raise NotFoundError(t("这个SOP模板已被删除"))
    steps = session.scalars(select(SopStep).where(SopStep.template_id == template_id)
                            .order_by(SopStep.sort, SopStep.id))
    uses = session.scalar(select(func.count()).where(GroupTemplateUse.template_id == template_id)) or 0
    return _info(template, [_step_input(s) for s in steps], int(uses))


def _step_input(step: SopStep) -> StepInput:
    return StepInput(step.day, step.time, step.title, step.body, tuple(step.material_ids or ()), step.id)


def _info(template: SopTemplate, steps: list[StepInput], uses: int) -> TemplateInfo:
    return TemplateInfo(template.id, template.name, template.shape, template.description, template.days,
                        template.version, template.builtin, tuple(steps), uses)


def clean_template(session: Session, data: TemplateInput, template_id: int | None = None) -> TemplateInput:
    """A cleaned copy, or ValidationError naming every bad field (steps as "step3.time" …)."""
    errors: dict[str, str] = {}
    name = data.name.strip()
    if not name:
        errors["name"] = t("请给模板起个名字，如“福利群日常”")
    elif len(name) > MAX_NAME:
        errors["name"] = t("模板名称太长（最多{n}个字）", n=MAX_NAME)
    elif session.scalar(select(SopTemplate.id).where(SopTemplate.name == name, SopTemplate.id != (template_id or 0))):
        errors["name"] = t("已经有叫“{name}”的模板了", name=name)
    if data.shape not in SOP_SHAPES:
        errors["shape"] = t("模板类型只能是：{all}", all="、".join(t(s) for s in SHAPE_LABELS.values()))
        raise ValidationError(errors)
    days = data.days
    if data.shape == "sequence":
        last = max((s.day for s in data.steps), default=1)
        days = days or last
        if not 1 <= days <= MAX_SEQUENCE_DAYS:
            errors["days"] = t("序列天数要在 1 到 {n} 之间", n=MAX_SEQUENCE_DAYS)
    else:
        days = 0
    if not data.steps:
        errors["steps"] = t("至少要有一个步骤")
    steps = [_clean_step(data.shape, days, number, step, errors) for number, step in enumerate(data.steps, 1)]
    if errors:
        raise ValidationError(errors)
    return TemplateInput(name, data.shape, steps, data.description.strip(), days)


def _clean_step(shape: str, days: int, number: int, step: StepInput, errors: dict[str, str]) -> StepInput:
    key = f"step{number}"
    title = step.title.strip()
    if not title:
        errors[f"{key}.title"] = t("第 {n} 步：请填写标题", n=number)
    elif len(title) > MAX_TITLE:
        errors[f"{key}.title"] = t("第 {n} 步：标题太长（最多{m}个字）", n=number, m=MAX_TITLE)
    at = step.time
    try:
        at = normalize_time(step.time)
    except ValueError as exc:
        errors[f"{key}.time"] = t("第 {n} 步：{problem}", n=number, problem=exc)
    day = 0 if shape == "daily" else step.day
    if shape == "weekly" and not 1 <= day <= 7:
        errors[f"{key}.day"] = t("第 {n} 步：请选择星期几", n=number)
    if shape == "sequence" and not 1 <= day <= max(days, 1):
        errors[f"{key}.day"] = t("第 {n} 步在第 {d} 天，超出了序列的 {days} 天", n=number, d=day, days=days)
    return StepInput(day, at, title, step.body.strip(), tuple(dict.fromkeys(step.material_ids)), step.id)


def save_template(session: Session, data: TemplateInput, template_id: int | None = None) -> int:
    """Create or edit a template with its steps; editing bumps the version when what it lays changes.

    A template already applied to groups keeps its shape (copy it to make one of another shape)."""
    clean = clean_template(session, data, template_id)
    if template_id is None:
        template = SopTemplate(name=clean.name, shape=clean.shape, description=clean.description,
                               days=clean.days, version=1, builtin=False)
        session.add(template)
        session.flush()
        _replace_steps(session, template.id, clean.steps)
        session.commit()
        return template.id
    existing = session.get(SopTemplate, template_id)
    if existing is None:
        raise NotFoundError(t("这个SOP模板已被删除"))
    template = existing
    if clean.shape != template.shape and _use_count(session, template_id):
        raise ValidationError({"shape": t("这个模板已经应用到群里，不能再改类型；可以复制一份再改")})
    before = get_template(session, template_id)
    template.name, template.description = clean.name, clean.description
    if _lays_differently(before, clean):
        template.shape, template.days = clean.shape, clean.days
        template.version += 1
        _replace_steps(session, template_id, clean.steps)
    session.commit()
    return template_id


def _lays_differently(before: TemplateInfo, after: TemplateInput) -> bool:
    if (before.shape, before.days) != (after.shape, after.days) or len(before.steps) != len(after.steps):
        return True
    return any((a.id, a.day, a.time, a.title, a.body, a.material_ids) != (b.id, b.day, b.time, b.title, b.body,
                                                                            b.material_ids)
               for a, b in zip(before.steps, after.steps, strict=True))


def _replace_steps(session: Session, template_id: int, steps: Sequence[StepInput]) -> None:
    """Update the steps that keep their id, add the new ones, delete the ones left out (their tasks
    keep use_id and lose step_id: re-applying removes the open unedited ones)."""
    existing = {s.id: s for s in session.scalars(select(SopStep).where(SopStep.template_id == template_id))}
    kept: set[int] = set()
    for sort, step in enumerate(steps):
        row = existing.get(step.id) if step.id is not None else None
        if row is None:
            row = SopStep(template_id=template_id)
            session.add(row)
        else:
            kept.add(row.id)
        row.day, row.time, row.title, row.body = step.day, step.time, step.title, step.body
        row.material_ids, row.sort = list(step.material_ids), sort
    gone = [sid for sid in existing if sid not in kept]
    if gone:
        session.execute(update(GroupTask).where(GroupTask.step_id.in_(gone)).values(step_id=None))
        session.execute(delete(SopStep).where(SopStep.id.in_(gone)))
    session.flush()


def _use_count(session: Session, template_id: int) -> int:
    return int(session.scalar(select(func.count()).where(GroupTemplateUse.template_id == template_id)) or 0)


def duplicate_template(session: Session, template_id: int) -> int:
    """A copy named “…（副本）”, not built in, version 1."""
    source = get_template(session, template_id)
    base = source.name[:MAX_NAME - 6]
    name, number = f"{base}（副本）", 2
    while session.scalar(select(SopTemplate.id).where(SopTemplate.name == name)):
        name, number = f"{base}（副本{number}）", number + 1
    steps = [StepInput(s.day, s.time, s.title, s.body, s.material_ids) for s in source.steps]
    return save_template(session, TemplateInput(name, source.shape, steps, source.description, source.days))


def delete_template(session: Session, template_id: int) -> None:
    """Delete a template that no group uses (a used one would take its history with it)."""
    names = session.scalars(select(ChatGroup.name).join(GroupTemplateUse, GroupTemplateUse.group_id == ChatGroup.id)
                            .where(GroupTemplateUse.template_id == template_id).distinct()).all()
    if names:
        shown = "、".join(names[:5]) + (t(" 等") if len(names) > 5 else "")
        raise UserError(t("这个模板正用在 {n} 个群里（{names}），请先在群里移除它，或复制一份再改。",
                          n=len(names), names=shown))
    session.execute(delete(SopStep).where(SopStep.template_id == template_id))
    session.execute(delete(SopTemplate).where(SopTemplate.id == template_id))
    session.commit()


# ---- applying --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ApplyPreview:
    tasks: int
    starts_on: date
    ends_on: date | None  # the window's last day
    first_due: datetime | None
    last_due: datetime | None


def preview_apply(session: Session, template_id: int, starts_on: date | None, ends_on: date | None) -> ApplyPreview:
    """How many tasks applying would lay (ValidationError for a bad window)."""
    template = get_template(session, template_id)
    check_window(template.shape, starts_on, ends_on)
    assert starts_on is not None
    slots = occurrences(template.shape, template.steps, starts_on, ends_on, template.days)
    return ApplyPreview(len(slots), starts_on, window_end(template.shape, starts_on, ends_on, template.days),
                        slots[0][1] if slots else None, slots[-1][1] if slots else None)


def apply_template(session: Session, group_id: int, template_id: int, starts_on: date | None,
                   ends_on: date | None, *, commit: bool = True) -> int:
    """Lay the template's tasks on the group's calendar; returns the GroupTemplateUse id."""
    group = session.get(ChatGroup, group_id)
    if group is None or group.deleted_at is not None:
        raise NotFoundError(t("这个群已被删除"))
    template = get_template(session, template_id)
    check_window(template.shape, starts_on, ends_on)
    assert starts_on is not None
    use = GroupTemplateUse(group_id=group_id, template_id=template_id, starts_on=starts_on,
                           ends_on=window_end(template.shape, starts_on, ends_on, template.days),
                           template_version=template.version)
    session.add(use)
    session.flush()
    rows = [_task_row(group_id, use.id, template.steps[index], due)
            for index, due in occurrences(template.shape, template.steps, starts_on, ends_on, template.days)]
    if rows:
        session.execute(insert(GroupTask), rows)
    if commit:
        session.commit()
    return use.id


def _task_row(group_id: int, use_id: int, step: StepInput, due: datetime) -> dict[str, Any]:
    now = datetime.now()
    return {"group_id": group_id, "use_id": use_id, "step_id": step.id, "due_at": due, "title": step.title,
            "body": step.body, "material_ids": list(step.material_ids), "status": "open", "done_note": "",
            "edited": False, "created_at": now, "updated_at": now}


@dataclass(frozen=True)
class UseInfo:
    """A template applied to a group, for the group's detail."""

    id: int
    group_id: int
    template_id: int
    template_name: str
    shape: str
    starts_on: date
    ends_on: date | None
    applied_version: int
    template_version: int
    tasks: int
    done: int
    open: int

    @property
    def outdated(self) -> bool:
        """The template was edited after it was (re-)applied here."""
        return self.applied_version != self.template_version


def uses_of_group(session: Session, group_id: int) -> list[UseInfo]:
    return _uses(session, GroupTemplateUse.group_id == group_id)


def uses_of_template(session: Session, template_id: int) -> list[UseInfo]:
    return _uses(session, GroupTemplateUse.template_id == template_id)


def _uses(session: Session, condition: Any) -> list[UseInfo]:
    counts: dict[tuple[int | None, str], int] = {}
    for use_id, status, n in session.execute(
        select(GroupTask.use_id, GroupTask.status, func.count())
        .join(GroupTemplateUse, GroupTemplateUse.id == GroupTask.use_id)
        .where(condition, GroupTask.deleted_at.is_(None)).group_by(GroupTask.use_id, GroupTask.status)
    ):
        counts[(use_id, status)] = n
    rows = session.execute(
        select(GroupTemplateUse, SopTemplate.name, SopTemplate.shape, SopTemplate.version)
        .join(SopTemplate, SopTemplate.id == GroupTemplateUse.template_id).where(condition)
        .order_by(GroupTemplateUse.starts_on.desc(), GroupTemplateUse.id.desc())
    ).all()
    found = []
    for use, name, shape, version in rows:
        done, open_, skipped = (counts.get((use.id, s), 0) for s in ("done", "open", "skipped"))
        found.append(UseInfo(use.id, use.group_id, use.template_id, name, shape, use.starts_on, use.ends_on,
                             use.template_version, version, done + open_ + skipped, done, open_))
    return found


# ---- re-applying -------------------------------------------------------------------------------------

@dataclass
class ReapplyPlan:
    """What re-applying would do to a use's future: tasks to add, update and remove, and the future
    tasks left alone because they are done, skipped or edited by hand."""

    add: list[dict[str, Any]] = field(default_factory=list)  # GroupTask rows
    change: dict[int, dict[str, Any]] = field(default_factory=dict)  # task id → new values
    remove: list[int] = field(default_factory=list)
    kept: int = 0

    @property
    def changes(self) -> int:
        return len(self.add) + len(self.change) + len(self.remove)

    def summary(self) -> dict[str, int]:
        return {"added": len(self.add), "updated": len(self.change), "removed": len(self.remove), "kept": self.kept}

    def merge(self, other: ReapplyPlan) -> None:
        self.add += other.add
        self.change.update(other.change)
        self.remove += other.remove
        self.kept += other.kept


def plan_reapply(session: Session, use_id: int, now: datetime | None = None,
                 ends_on: date | None = None) -> ReapplyPlan:
    """Re-applying `use_id` with the template as it is now (and `ends_on` as the window's new end, if
    given). Matching: each occurrence stands for a step and a period (its day, its week, or the whole
    sequence — `period_of`); a task of that step in that period is that occurrence. A task moved by
    hand to another period still fills the nearest empty occurrence of its step, so it is never laid
    twice. Only tasks due at or after `now` are added, changed or removed."""
    now = now or datetime.now()
    use = _get_use(session, use_id)
    template = get_template(session, use.template_id)
    end = use.ends_on if ends_on is None else ends_on
    slots = occurrences(template.shape, template.steps, use.starts_on, end, template.days)
    tasks = list(session.scalars(select(GroupTask).where(GroupTask.use_id == use_id).order_by(GroupTask.due_at)))
    by_key: dict[tuple[int, date | None], list[GroupTask]] = {}
    for task in tasks:
        if task.step_id is not None:
            by_key.setdefault((task.step_id, period_of(template.shape, task.due_at.date())), []).append(task)
    matched: list[tuple[int, datetime, GroupTask]] = []
    empty: list[tuple[int, datetime]] = []
    for index, due in slots:
        step_id = template.steps[index].id
        bucket = by_key.get((step_id or 0, period_of(template.shape, due.date())))
        if bucket:
            matched.append((index, due, bucket.pop(0)))
        else:
            empty.append((index, due))
    left = [task for bucket in by_key.values() for task in bucket]
    empty = _fill_with_moved(template, empty, left)
    plan = ReapplyPlan()
    for index, due in empty:
        if due >= now:
            plan.add.append(_task_row(use.group_id, use.id, template.steps[index], due))
    for index, due, task in matched:
        if task.due_at < now or not _untouched(task):
            continue
        step = template.steps[index]
        wanted = {"due_at": due, "title": step.title, "body": step.body, "material_ids": list(step.material_ids)}
        changed = {k: v for k, v in wanted.items() if getattr(task, k) != v}
        if changed:
            plan.change[task.id] = changed
    orphans = [task for task in tasks if task.step_id is None]
    for task in [*left, *orphans]:
        if task.due_at >= now and _untouched(task):
            plan.remove.append(task.id)
    plan.kept = sum(1 for task in tasks if task.due_at >= now and task.deleted_at is None and not _untouched(task))
    return plan


def _untouched(task: GroupTask) -> bool:
    """Laid by the template and left alone: open, not edited, not deleted."""
    return task.status == "open" and not task.edited and task.deleted_at is None


def _fill_with_moved(template: TemplateInfo, empty: list[tuple[int, datetime]],
                     left: list[GroupTask]) -> list[tuple[int, datetime]]:
    """Tasks of a step moved (or done, deleted) outside their period take the nearest empty
    occurrence of the same step; returns the occurrences still empty. `left` keeps the untouched
    tasks that matched nothing (removed when in the future)."""
    remaining = list(empty)
    for task in [task for task in left if not _untouched(task)]:
        candidates = [(abs((due - task.due_at).total_seconds()), n) for n, (index, due) in enumerate(remaining)
                      if template.steps[index].id == task.step_id]
        if candidates:
            remaining.pop(min(candidates)[1])
            left.remove(task)
    return remaining


def preview_reapply(session: Session, use_id: int, now: datetime | None = None) -> dict[str, int]:
    """{"added", "updated", "removed", "kept"} counts of re-applying `use_id` now; nothing written."""
    return plan_reapply(session, use_id, now).summary()


def reapply(session: Session, use_id: int, now: datetime | None = None, ends_on: date | None = None) -> dict[str, int]:
    """Re-apply (see `plan_reapply`), record the template's version on the use, commit; the counts."""
    use = _get_use(session, use_id)
    if ends_on is not None:
        template = get_template(session, use.template_id)
        check_window(template.shape, use.starts_on, ends_on)
    plan = plan_reapply(session, use_id, now, ends_on)
    _carry_out(session, plan)
    template_row = session.get(SopTemplate, use.template_id)
    assert template_row is not None
    use.template_version = template_row.version
    if ends_on is not None:
        use.ends_on = window_end(template_row.shape, use.starts_on, ends_on, template_row.days)
    session.commit()
    return plan.summary()


def preview_reapply_template(session: Session, template_id: int, now: datetime | None = None) -> dict[str, int]:
    """The counts of re-applying every use of a template (after editing it)."""
    total = ReapplyPlan()
    for use in uses_of_template(session, template_id):
        total.merge(plan_reapply(session, use.id, now))
    return total.summary()


def reapply_template(session: Session, template_id: int, now: datetime | None = None) -> dict[str, int]:
    """Re-apply every group's use of a template, in one transaction."""
    total = ReapplyPlan()
    version = get_template(session, template_id).version
    for use in uses_of_template(session, template_id):
        plan = plan_reapply(session, use.id, now)
        _carry_out(session, plan)
        total.merge(plan)
        session.execute(update(GroupTemplateUse).where(GroupTemplateUse.id == use.id).values(template_version=version))
    session.commit()
    return total.summary()


def _carry_out(session: Session, plan: ReapplyPlan) -> None:
    if plan.remove:
        session.execute(delete(GroupTask).where(GroupTask.id.in_(plan.remove)))
    for task_id, values in plan.change.items():
        session.execute(update(GroupTask).where(GroupTask.id == task_id).values(**values, updated_at=datetime.now()))
    if plan.add:
        session.execute(insert(GroupTask), plan.add)
    session.flush()


def remove_use(session: Session, use_id: int, now: datetime | None = None) -> int:
    """Take a template off a group: its future open unedited tasks go; the rest (done, skipped, edited,
    past) stay on the calendar as the group's own tasks. Returns how many tasks were removed."""
    now = now or datetime.now()
    use = _get_use(session, use_id)
    removed = session.execute(delete(GroupTask).where(
        GroupTask.use_id == use_id, GroupTask.due_at >= now, GroupTask.status == "open",
        GroupTask.edited.is_(False), GroupTask.deleted_at.is_(None)))
    session.execute(update(GroupTask).where(GroupTask.use_id == use_id).values(use_id=None))
    session.delete(use)
    session.commit()
    return int(removed.rowcount)  # type: ignore[attr-defined]


def _get_use(session: Session, use_id: int) -> GroupTemplateUse:
    use = session.get(GroupTemplateUse, use_id)
    if use is None:
        raise NotFoundError(t("这个模板已经不在群里了"))
    return use

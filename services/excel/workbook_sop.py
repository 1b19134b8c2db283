"""The 社群 SOP of a full workbook: SOP模板 with their steps, which template each group follows from
when (群SOP), and the tasks they laid on the groups' calendars (群任务) — written by
`workbook_setup.setup_sheets`, restored after the pages (they name 社群 and 素材) by `SetupRestore`.

- SOP模板: one row per step (a template without steps: one row, 步骤 blank), the template's own cells
  repeated on each. A step's 素材 are named by 标题 (a deleted one is left out, as the template shows
  it). A template the store already has (a new store has the built-in ones) takes the workbook's
  fields and steps, step by step in order; undo puts each back (a step it deleted is added back).
- 群SOP and 群任务: the group by 群名称 (see workbook_pages: two live groups of one name are one here),
  the template by name, a task's step by its place in the template (步骤序号, blank for a task added by
  hand or whose step was deleted), with its status, 完成时间, note, whether it was edited by hand, and
  whether it waits in the 回收站. Every one is new; undo takes it back.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from models import ChatGroup, GroupTask, GroupTemplateUse, Material, SopStep, SopTemplate
from models.groups import SOP_SHAPES, TASK_STATUSES
from services.excel import values as v
from services.excel.undo import DELETED_STEP
from services.excel.workbook_setup import SETUP_HEADERS, _bool, _int
from services.excel.writing import Problems, note_change
from services.i18n import t
from services.sop import SHAPE_LABELS

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from services.excel.workbook_setup import SetupRestore

STATUS_LABELS = {"open": "待办", "done": "已完成", "skipped": "已跳过"}
_STEP_COLUMNS = ("day", "time", "title", "body", "material_ids")


# ---- export --------------------------------------------------------------------------------------

def _materials(session: Session) -> dict[int, str]:
    return dict(session.execute(select(Material.id, Material.title).where(Material.deleted_at.is_(None))).all())


def _titles(ids: Sequence[int], materials: dict[int, str]) -> str:
    return "、".join(materials[i] for i in ids if i in materials)


def template_rows(session: Session) -> list[Sequence[object]]:
    materials = _materials(session)
    steps: dict[int, list[SopStep]] = {}
    for step in session.scalars(select(SopStep).order_by(SopStep.template_id, SopStep.sort, SopStep.id)):
        steps.setdefault(step.template_id, []).append(step)
    rows: list[Sequence[object]] = []
    for tpl in session.scalars(select(SopTemplate).order_by(SopTemplate.id)):
        head = (tpl.name, t(SHAPE_LABELS.get(tpl.shape, tpl.shape)), tpl.description, tpl.days, tpl.version)
        rows += [(*head, s.day, s.time, s.title, s.body, _titles(s.material_ids or [], materials))
                 for s in steps.get(tpl.id, [])] or [(*head, None, None, None, None, None)]
    return rows


def use_rows(session: Session) -> list[Sequence[object]]:
    return list(session.execute(
        select(ChatGroup.name, SopTemplate.name, GroupTemplateUse.starts_on, GroupTemplateUse.ends_on,
               GroupTemplateUse.template_version)
        .join(ChatGroup, ChatGroup.id == GroupTemplateUse.group_id)
        .join(SopTemplate, SopTemplate.id == GroupTemplateUse.template_id)
        .where(ChatGroup.deleted_at.is_(None)).order_by(ChatGroup.name, GroupTemplateUse.id)))


def task_rows(session: Session) -> list[Sequence[object]]:
    materials = _materials(session)
    place = {sid: number for tid in session.scalars(select(SopTemplate.id))
             for number, sid in enumerate(session.scalars(select(SopStep.id).where(SopStep.template_id == tid)
                                                          .order_by(SopStep.sort, SopStep.id)), 1)}
    rows: list[Sequence[object]] = []
    for task, group, template, starts in session.execute(
            select(GroupTask, ChatGroup.name, SopTemplate.name, GroupTemplateUse.starts_on)
            .join(ChatGroup, ChatGroup.id == GroupTask.group_id)
            .outerjoin(GroupTemplateUse, GroupTemplateUse.id == GroupTask.use_id)
            .outerjoin(SopTemplate, SopTemplate.id == GroupTemplateUse.template_id)
            .where(ChatGroup.deleted_at.is_(None)).order_by(ChatGroup.name, GroupTask.due_at, GroupTask.id)):
        rows.append((group, template or "", starts, place.get(task.step_id) if task.step_id else None, task.due_at,
                     task.title, task.body, _titles(task.material_ids or [], materials),
                     t(STATUS_LABELS.get(task.status, task.status)), task.done_at, task.done_note, task.edited,
                     task.deleted_at))
    return rows


# ---- restore -------------------------------------------------------------------------------------

def restore_sop(setup: SetupRestore) -> None:
    """SOP模板, then 群SOP, then 群任务 (each optional), after the pages."""
    materials: dict[str, int] = {}
    for mid, title in setup.session.execute(select(Material.id, Material.title).where(Material.deleted_at.is_(None))
                                            .order_by(Material.id.desc())):
        materials[title] = mid
    steps: dict[str, list[int]] = {}  # template name → its step ids here, in order
    if setup.has("sop-templates"):
        steps = _templates(setup, materials)
    if setup.has("group-sops") or setup.has("group-tasks"):
        _uses_and_tasks(setup, materials, steps)


def _material_ids(cell: object, materials: dict[str, int], column: str, problems: Problems) -> list[int]:
    ids = []
    for title in (x.strip() for x in v.cell_text(cell).split("、")):
        if title and title not in materials:
            problems[column] = t("“素材”表里没有“{title}”", title=title)
        elif title:
            ids.append(materials[title])
    return ids


def _templates(setup: SetupRestore, materials: dict[str, int]) -> dict[str, list[int]]:
    name_h, shape_h, note_h, days_h, version_h, day_h, time_h, title_h, body_h, material_h = SETUP_HEADERS[
        "sop-templates"]
    shapes = {**{t(label): shape for shape, label in SHAPE_LABELS.items()},
              **{label: shape for shape, label in SHAPE_LABELS.items()}, **{s: s for s in SOP_SHAPES}}
    found: dict[str, tuple[dict[str, Any], list[dict[str, Any]]]] = {}
    for row, cells, column_of in setup.rows("sop-templates"):
        problems: Problems = {}
        name = v.cell_text(cells.get(name_h))[:50]
        shape = shapes.get(v.cell_text(cells.get(shape_h)))
        if not name:
            problems[name_h] = t("模板名称为空")
        if shape is None:
            problems[shape_h] = t("形式只能是：{all}", all="、".join(t(x) for x in SHAPE_LABELS.values()))
        fields = {"name": name, "shape": shape, "description": v.cell_text(cells.get(note_h)),
                  "days": _int(cells, days_h, problems, 0) or 0, "version": _int(cells, version_h, problems, 1) or 1}
        step = None
        if not v.is_blank(cells.get(title_h)):
            step = {"day": _int(cells, day_h, problems, 0) or 0, "time": v.cell_text(cells.get(time_h)) or "09:00",
                    "title": v.cell_text(cells.get(title_h))[:100], "body": v.cell_text(cells.get(body_h)),
                    "material_ids": _material_ids(cells.get(material_h), materials, material_h, problems)}
        if problems:
            setup.report("sop-templates", row, problems, column_of)
            continue
        entry = found.setdefault(name, (fields, []))
        if step is not None:
            entry[1].append(step)
    return {name: _template(setup, fields, steps) for name, (fields, steps) in found.items()}


def _template(setup: SetupRestore, fields: dict[str, Any], steps: list[dict[str, Any]]) -> list[int]:
    """Save one template and its steps (those it had, in order, take the workbook's); its step ids."""
    session = setup.session
    existing = session.scalar(select(SopTemplate).where(SopTemplate.name == fields["name"]))
    template_id = setup.save(SopTemplate, existing, fields)
    had = list(session.scalars(select(SopStep).where(SopStep.template_id == template_id)
                               .order_by(SopStep.sort, SopStep.id))) if existing is not None else []
    ids = []
    for sort, step in enumerate(steps):
        values = {**step, "template_id": template_id, "sort": sort}
        ids.append(setup.save(SopStep, had[sort] if sort < len(had) else None, values))
    for gone in had[len(steps):]:  # undo adds it back (services.excel.undo)
        note_change(session, setup.restore.batch.id, DELETED_STEP, gone.id,
                    {"template_id": gone.template_id, **{c: getattr(gone, c) for c in (*_STEP_COLUMNS, "sort")}})
        session.delete(gone)
    session.flush()
    return ids


def _uses_and_tasks(setup: SetupRestore, materials: dict[str, int], steps: dict[str, list[int]]) -> None:
    session = setup.session
    groups: dict[str, int] = {}
    for gid, name in session.execute(select(ChatGroup.id, ChatGroup.name).where(ChatGroup.deleted_at.is_(None))
                                     .order_by(ChatGroup.id.desc())):
        groups[name] = gid
    templates = dict(session.execute(select(SopTemplate.name, SopTemplate.id)).all())
    for name, tid in templates.items():
        if name not in steps:
            steps[name] = list(session.scalars(select(SopStep.id).where(SopStep.template_id == tid)
                                               .order_by(SopStep.sort, SopStep.id)))
    uses: dict[tuple[int, int, Any], int] = {}
    if setup.has("group-sops"):
        group_h, template_h, starts_h, ends_h, version_h = SETUP_HEADERS["group-sops"]
        for row, cells, column_of in setup.rows("group-sops"):
            problems: Problems = {}
            group, template = _named(cells, group_h, groups, problems), _named(cells, template_h, templates, problems)
            starts = _when(cells, starts_h, v.parse_date, problems, required=True)
            ends = _when(cells, ends_h, v.parse_date, problems)
            if problems or group is None or template is None:
                setup.report("group-sops", row, problems, column_of)
                continue
            made = GroupTemplateUse(group_id=group, template_id=template, starts_on=starts, ends_on=ends,
                                    template_version=_int(cells, version_h, problems, 1) or 1)
            uses[group, template, starts] = _add(setup, made)
    if setup.has("group-tasks"):
        _tasks(setup, groups, templates, uses, steps, materials)


def _tasks(setup: SetupRestore, groups: dict[str, int], templates: dict[str, int], uses: dict[tuple[int, int, Any], int],
           steps: dict[str, list[int]], materials: dict[str, int]) -> None:
    (group_h, template_h, starts_h, step_h, due_h, title_h, body_h, material_h, status_h, done_h, note_h, edited_h,
     trash_h) = SETUP_HEADERS["group-tasks"]
    statuses = {**{t(label): s for s, label in STATUS_LABELS.items()}, **{s: s for s in TASK_STATUSES}}
    for row, cells, column_of in setup.rows("group-tasks"):
        problems: Problems = {}
        group = _named(cells, group_h, groups, problems)
        template_name = v.cell_text(cells.get(template_h))
        template = _named(cells, template_h, templates, problems) if template_name else None
        starts = _when(cells, starts_h, v.parse_date, problems)
        number = _int(cells, step_h, problems, 1)
        due_at = _when(cells, due_h, v.parse_datetime, problems, required=True)
        status = statuses.get(v.cell_text(cells.get(status_h)) or "open")
        if status is None:
            problems[status_h] = t("状态只能是：{all}", all="、".join(t(x) for x in STATUS_LABELS.values()))
        use = uses.get((group or 0, template or 0, starts)) if template else None
        if template and use is None and template_h not in problems:
            problems[template_h] = t("“群SOP”表里没有这个群从 {day} 起用“{name}”", day=starts, name=template_name)
        listed = steps.get(template_name, [])
        step = listed[number - 1] if template and number and number <= len(listed) else None
        extra = {"material_ids": _material_ids(cells.get(material_h), materials, material_h, problems),
                 "done_at": _when(cells, done_h, v.parse_datetime, problems),
                 "edited": _bool(cells, edited_h, problems),
                 "deleted_at": _when(cells, trash_h, v.parse_datetime, problems)}
        if problems or group is None or status is None:
            setup.report("group-tasks", row, problems, column_of)
            continue
        _add(setup, GroupTask(group_id=group, use_id=use, step_id=step, due_at=due_at,
                              title=v.cell_text(cells.get(title_h))[:100], body=v.cell_text(cells.get(body_h)),
                              status=status, done_note=v.cell_text(cells.get(note_h)), **extra))


def _add(setup: SetupRestore, record: Any) -> int:
    setup.session.add(record)
    setup.session.flush()
    setup.restore._made(type(record), record.id)
    return int(record.id)


def _named(cells: dict[str, Any], key: str, names: dict[str, int], problems: Problems) -> int | None:
    name = v.cell_text(cells.get(key))
    if name not in names:
        problems[key] = t("没有叫“{name}”的{what}", name=name, what=key)
    return names.get(name)


def _when(cells: dict[str, Any], key: str, parser: Any, problems: Problems, *, required: bool = False) -> Any:
    cell = cells.get(key)
    if v.is_blank(cell):
        if required:
            problems[key] = t("{what}为空", what=key)
        return None
    try:
        value = parser(cell)
    except ValueError as error:
        problems[key] = str(error)
        return None
    return value.replace(microsecond=0) if isinstance(value, datetime) else value

"""话术库 scripts and 素材库 materials — the one module other pages import.

Scripts (this module): categorised messages with placeholders {称呼} {姓名} {产品} {上次购买},
filled for a customer (services.library_fill) and copied; usage counts; search; trash.

For other pages (Today, customer detail, group SOP steps, Moments posts), the small API:

    from services.library import (list_materials, materials_by_id, material_text, material_file,
                                  record_material_use, script_for_customer, record_script_use)

    list_materials(session, text="", kind=None, category=None, tag=None, limit=None) -> list[MaterialInfo]
        Live materials, most used first. MaterialInfo: id, kind ("text" / "image" / "link"), kind_label,
        category, title, body (the text, or a link's address), path (an image's file, relative to the
        data folder), tags (tuple of words), use_count; `file_in(data_root)` → the image's Path or None.
    materials_by_id(session, ids) -> list[MaterialInfo]      # in the order given; trashed ones left out
    material_text(session, material_id) -> str
        What to paste for a material: a text's words, a link's address, "" for an image (attach
        `material_file(data_root, info)` instead). NotFoundError when it is gone or in the trash.
    record_material_use(session, material_id) -> int        # call when the seller copies / sends it
    script_for_customer(session, script_id, customer_id) -> FilledScript   # .text, .missing, .segments
    record_script_use(session, script_id) -> int

The UI has `ui.library.picker.ScriptPickerDialog(ctx, customer_id, category=None)` to choose a
script for a customer, see it filled and copy it (it records the use).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from models import Script
from models.library import SCRIPT_CATEGORIES
from services.errors import NotFoundError, ValidationError
from services.i18n import t
from services.library_defaults import STARTER_SCRIPTS
from services.library_fill import CustomerInfo, FilledScript, customer_info, fill_script, placeholders_in
from services.library_materials import (
    KIND_LABELS,
    MATERIAL_CATEGORIES,
    MaterialInfo,
    MaterialInput,
    clean_link,
    create_material,
    data_root_of,
    get_material,
    list_materials,
    list_trashed_materials,
    material_categories,
    material_file,
    material_tags,
    material_text,
    materials_by_id,
    purge_materials,
    record_material_use,
    restore_materials,
    trash_materials,
    update_material,
)
from services.text import pinyin_of

__all__ = [
    "KIND_LABELS", "MATERIAL_CATEGORIES", "SCRIPT_CATEGORIES", "CustomerInfo", "FilledScript", "MaterialInfo",
    "MaterialInput", "ScriptInput", "ScriptRow", "clean_link", "create_material", "create_script",
    "customer_info", "fill_script", "get_material", "get_script", "list_materials", "list_scripts",
    "list_trashed_materials", "list_trashed_scripts", "load_starter_scripts", "material_categories",
    "material_file", "material_tags", "material_text", "materials_by_id", "placeholders_in",
    "purge_materials", "purge_scripts", "purge_trashed_materials", "trashed_material_entries", "trashed_script_entries", "record_material_use", "record_script_use", "restore_materials",
    "restore_scripts", "script_categories", "script_count", "script_for_customer", "trash_materials",
    "trash_scripts", "update_material", "update_script",
]

MAX_TITLE = 100
MAX_CATEGORY = 20
MAX_BODY = 5000
SCRIPT_ORDERS = ("used", "recent", "title")


@dataclass
class ScriptInput:
    """A script as the user typed it. An empty title is made from the start of the text."""

    title: str = ""
    category: str = "其他"
    body: str = ""


@dataclass(frozen=True)
class ScriptRow:
    id: int
    category: str
    title: str
    body: str
    use_count: int
    last_used_at: datetime | None
    updated_at: datetime
    deleted_at: datetime | None = None


def _row(s: Script) -> ScriptRow:
    return ScriptRow(s.id, s.category, s.title, s.body, s.use_count, s.last_used_at, s.updated_at, s.deleted_at)


def title_from_body(body: str) -> str:
    """"{称呼}您好，很高兴加到您～我是…" → "您好，很高兴加到您～我是…" (first line, at most 16 characters)."""
    line = re.sub(r"\{[^{}]*\}", "", body.strip().split("\n", 1)[0]).strip(" ，,。.！!～~")
    return line if len(line) <= 16 else line[:16] + "…"


def validate_script(data: ScriptInput) -> ScriptInput:
    """A cleaned copy, or ValidationError naming every bad field."""
    # strip, not fold: NFKC would turn the Chinese ，～ of a title into ,~
    clean = replace(data, title=data.title.strip(), category=data.category.strip() or "其他", body=data.body.strip())
    errors: dict[str, str] = {}
    if not clean.body:
        errors["body"] = t("话术内容不能为空")
    elif len(clean.body) > MAX_BODY:
        errors["body"] = t("话术太长了（最多{n}个字）", n=MAX_BODY)
    if not clean.title and clean.body:
        clean.title = title_from_body(clean.body) or t("未命名话术")
    if len(clean.title) > MAX_TITLE:
        errors["title"] = t("标题太长了（最多{n}个字）", n=MAX_TITLE)
    if len(clean.category) > MAX_CATEGORY:
        errors["category"] = t("分类名太长了（最多{n}个字）", n=MAX_CATEGORY)
    if errors:
        raise ValidationError(errors)
    return clean


def _get(session: Session, script_id: int, *, live: bool = True) -> Script:
    script = session.get(Script, script_id)
    if script is None or (live and script.deleted_at is not None):
        raise NotFoundError(t("找不到这条话术（可能已被删除）"))
    return script


def create_script(session: Session, data: ScriptInput) -> int:
    clean = validate_script(data)
    script = Script(title=clean.title, category=clean.category, body=clean.body, use_count=0)
    session.add(script)
    session.commit()
    return script.id


def update_script(session: Session, script_id: int, data: ScriptInput) -> None:
    clean = validate_script(data)
    script = _get(session, script_id)
    script.title, script.category, script.body = clean.title, clean.category, clean.body
    session.commit()


def get_script(session: Session, script_id: int) -> ScriptRow:
    return _row(_get(session, script_id))


def _order(order: str) -> list[object]:
    if order == "recent":
        return [Script.last_used_at.is_(None), Script.last_used_at.desc(), Script.updated_at.desc(), Script.id.desc()]
    if order == "title":
        return [Script.category, Script.title, Script.id]
    return [Script.use_count.desc(), Script.last_used_at.is_(None), Script.last_used_at.desc(), Script.id]


def list_scripts(session: Session, text: str = "", category: str | None = None, order: str = "used",
                 limit: int | None = None) -> list[ScriptRow]:
    """Live scripts whose title or text contains `text`, in one category or all; most used first
    (`order` "recent": last used first; "title": by category and title)."""
    statement = select(Script).where(Script.deleted_at.is_(None))
    query = text.strip()
    if query:
        statement = statement.where(or_(Script.title.contains(query, autoescape=True),
                                        Script.body.contains(query, autoescape=True)))
    if category:
        statement = statement.where(Script.category == category)
    statement = statement.order_by(*_order(order))  # type: ignore[arg-type]
    if limit is not None:
        statement = statement.limit(limit)
    return [_row(s) for s in session.scalars(statement)]


def script_count(session: Session) -> int:
    """Live scripts (the page shows its empty state at 0)."""
    return int(session.scalar(select(func.count()).select_from(Script).where(Script.deleted_at.is_(None))) or 0)


def script_categories(session: Session) -> list[tuple[str, int]]:
    """(category, live scripts in it): the default categories first, in their order (also when
    empty), then the ones the user typed, by pinyin."""
    counts: dict[str, int] = {category: n for category, n in session.execute(
        select(Script.category, func.count()).where(Script.deleted_at.is_(None)).group_by(Script.category))}
    typed = sorted((c for c in counts if c not in SCRIPT_CATEGORIES), key=lambda c: pinyin_of(c)[0])
    return [(c, int(counts.get(c, 0))) for c in (*SCRIPT_CATEGORIES, *typed)]


def record_script_use(session: Session, script_id: int) -> int:
    """The seller copied this script: count it and remember when. Returns the new count."""
    script = _get(session, script_id)
    script.use_count = (script.use_count or 0) + 1
    script.last_used_at = datetime.now().replace(microsecond=0)
    session.commit()
    return script.use_count


def script_for_customer(session: Session, script_id: int, customer_id: int | None) -> FilledScript:
    """The script filled for a customer (all placeholders are gaps without one)."""
    body = _get(session, script_id).body
    info = customer_info(session, customer_id) if customer_id is not None else None
    return fill_script(body, info)


# ---- trash -------------------------------------------------------------------------------------------

def trash_scripts(session: Session, ids: list[int]) -> int:
    """Move scripts to the trash (restorable); returns how many were moved."""
    if not ids:
        return 0
    now = datetime.now().replace(microsecond=0)
    moved = session.execute(update(Script).where(Script.id.in_(ids), Script.deleted_at.is_(None))
                            .values(deleted_at=now)).rowcount  # type: ignore[attr-defined]
    session.commit()
    return int(moved)


def restore_scripts(session: Session, ids: list[int]) -> int:
    if not ids:
        return 0
    restored = session.execute(update(Script).where(Script.id.in_(ids), Script.deleted_at.is_not(None))
                               .values(deleted_at=None)).rowcount  # type: ignore[attr-defined]
    session.commit()
    return int(restored)


def list_trashed_scripts(session: Session) -> list[ScriptRow]:
    """Scripts in the trash, most recently deleted first."""
    return [_row(s) for s in session.scalars(select(Script).where(Script.deleted_at.is_not(None))
                                             .order_by(Script.deleted_at.desc(), Script.id.desc()))]


def trashed_script_entries(session: Session) -> list[tuple[int, str, str, datetime]]:
    """For the global 回收站 (services.trash): (id, title, "分类：text…", deleted_at) of each."""
    return [(s.id, s.title, f"{t(s.category)}：{s.body[:60]}", s.deleted_at or datetime.min)
            for s in list_trashed_scripts(session)]


def trashed_material_entries(session: Session) -> list[tuple[int, str, str, datetime]]:
    """For the global 回收站: (id, title, "图片 · 分类：text…", deleted_at) of each."""
    return [(m.id, m.title, f"{m.kind_label} · {t(m.category) if m.category else t('未分类')}：{m.body[:60]}",
             m.deleted_at or datetime.min) for m in list_trashed_materials(session)]


def purge_trashed_materials(session: Session, ids: list[int] | None = None) -> int:
    """purge_materials with the store's own data folder (found from the session) for the image files."""
    return purge_materials(session, data_root_of(session), ids)


def purge_scripts(session: Session, ids: list[int] | None = None) -> int:
    """Delete for good: these trashed scripts, or every trashed one when None."""
    statement = delete(Script).where(Script.deleted_at.is_not(None))
    if ids is not None:
        statement = statement.where(Script.id.in_(ids))
    removed = int(session.execute(statement).rowcount)  # type: ignore[attr-defined]
    session.commit()
    return removed


# ---- starters ----------------------------------------------------------------------------------------

def load_starter_scripts(session: Session) -> int:
    """Add the 示例话术 (services.library_defaults) that are not there yet (same title and category);
    returns how many were added. Safe to run twice."""
    have = {(category, title) for category, title in session.execute(
        select(Script.category, Script.title).where(Script.deleted_at.is_(None)))}
    added = 0
    for category, title, body in STARTER_SCRIPTS:
        if (category, title) in have:
            continue
        session.add(Script(category=category, title=title, body=body, use_count=0))
        added += 1
    session.commit()
    return added

"""素材 attached to SOP steps and group tasks (their `material_ids`): read-only look-ups for picking
and opening them. The 素材库 page owns materials (adding, editing, usage counts); this module only
reads the `material` table, and goes away in favour of that page's service once it offers the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from models import Material
from models.library import MATERIAL_KINDS

KIND_LABELS = {"text": "文字", "image": "图片", "link": "链接"}


@dataclass(frozen=True)
class MaterialRef:
    id: int
    kind: str  # one of MATERIAL_KINDS
    category: str
    title: str
    body: str  # the text, or a link's address
    path: str  # an image's file, relative to the data folder

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    def file_in(self, data_root: Path) -> Path | None:
        return data_root / self.path if self.kind == "image" and self.path else None


def _ref(m: Material) -> MaterialRef:
    return MaterialRef(m.id, m.kind if m.kind in MATERIAL_KINDS else "text", m.category, m.title, m.body, m.path)


def material_refs(session: Session, ids: Sequence[int]) -> list[MaterialRef]:
    """These materials in the order given; deleted ones are left out."""
    if not ids:
        return []
    found = {m.id: _ref(m) for m in session.scalars(select(Material).where(
        Material.id.in_(list(ids)), Material.deleted_at.is_(None)))}
    return [found[i] for i in dict.fromkeys(ids) if i in found]


def find_materials(session: Session, text: str = "", limit: int = 300) -> list[MaterialRef]:
    """Live materials whose title, text, category or words contain `text`, most used first."""
    statement = select(Material).where(Material.deleted_at.is_(None))
    query = text.strip()
    if query:
        statement = statement.where(or_(Material.title.contains(query), Material.body.contains(query),
                                        Material.category.contains(query), Material.tags.contains(query)))
    statement = statement.order_by(Material.use_count.desc(), Material.id.desc()).limit(limit)
    return [_ref(m) for m in session.scalars(statement)]

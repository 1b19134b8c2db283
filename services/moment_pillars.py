"""朋友圈 content pillars (内容支柱): the editable list, with which ones are hard selling."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from models import MomentPost, Pillar
from services.errors import NotFoundError, UserError, ValidationError
from services.i18n import t

PILLAR_COLORS = ("#e91e63", "#4caf50", "#3f51b5", "#ff9800", "#f44336", "#795548", "#009688", "#9c27b0")
MAX_PILLAR = 30


@dataclass(frozen=True)
class PillarRow:
    id: int
    name: str
    hard_sell: bool
    color: str
    post_count: int


def list_pillars(session: Session) -> list[PillarRow]:
    counts = dict(session.execute(select(MomentPost.pillar_id, func.count()).where(
        MomentPost.deleted_at.is_(None), MomentPost.pillar_id.is_not(None)).group_by(MomentPost.pillar_id)).all())
    return [PillarRow(p.id, p.name, bool(p.hard_sell), p.color, int(counts.get(p.id, 0)))
            for p in session.scalars(select(Pillar).order_by(Pillar.sort, Pillar.id))]


def _pillar_name(session: Session, name: str, pillar_id: int | None = None) -> str:
    name = name.strip()
    if not name:
        raise ValidationError({"name": t("请填写内容支柱的名称，如“产品种草”")})
    if len(name) > MAX_PILLAR:
        raise ValidationError({"name": t("名称太长了（最多{n}个字）", n=MAX_PILLAR)})
    clash = session.scalar(select(Pillar.id).where(Pillar.name == name))
    if clash is not None and clash != pillar_id:
        raise ValidationError({"name": t("已经有叫“{name}”的内容支柱了", name=name)})
    return name


def _color(color: str | None, fallback: str) -> str:
    color = (color or "").strip()
    if not color:
        return fallback
    if not re.fullmatch(r"#[0-9a-fA-F]{6}([0-9a-fA-F]{2})?", color):
        raise ValidationError({"color": t("颜色要写成 #RRGGBB 的形式，如 #e91e63")})
    return color


def create_pillar(session: Session, name: str, hard_sell: bool = False, color: str | None = None) -> int:
    clean = _pillar_name(session, name)
    count = int(session.scalar(select(func.count()).select_from(Pillar)) or 0)
    sort = int(session.scalar(select(func.max(Pillar.sort))) or 0) + 1
    pillar = Pillar(name=clean, hard_sell=hard_sell, color=_color(color, PILLAR_COLORS[count % len(PILLAR_COLORS)]),
                    sort=sort)
    session.add(pillar)
    session.commit()
    return pillar.id


def update_pillar(session: Session, pillar_id: int, name: str, hard_sell: bool, color: str | None) -> None:
    pillar = session.get(Pillar, pillar_id)
    if pillar is None:
        raise NotFoundError(t("这个内容支柱已被删除"))
    pillar.name = _pillar_name(session, name, pillar_id)
    pillar.hard_sell, pillar.color = hard_sell, _color(color, pillar.color)
    session.commit()


def delete_pillar(session: Session, pillar_id: int) -> None:
    """Posts of the pillar stay, without a pillar. The last pillar cannot be deleted."""
    pillar = session.get(Pillar, pillar_id)
    if pillar is None:
        raise NotFoundError(t("这个内容支柱已被删除"))
    if int(session.scalar(select(func.count()).select_from(Pillar)) or 0) <= 1:
        raise UserError(t("至少要保留一个内容支柱"))
    session.execute(update(MomentPost).where(MomentPost.pillar_id == pillar_id).values(pillar_id=None))
    session.delete(pillar)
    session.commit()

"""Customers linked to a 朋友圈 post (点赞, 评论, 私聊咨询, 下单), and the lines they add to their timelines."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Customer, MomentInteraction, MomentPost
from models.moments import INTERACTION_KINDS
from services.errors import NotFoundError, ValidationError
from services.i18n import t

KIND_LABELS = {"like": "点赞", "comment": "评论", "inquiry": "私聊咨询", "order": "下单"}


@dataclass(frozen=True)
class InteractionRow:
    id: int
    customer_id: int
    customer_name: str
    kind: str
    kind_label: str
    note: str
    created_at: datetime


def add_interactions(session: Session, post_id: int, customer_ids: Sequence[int], kind: str = "like",
                     note: str = "") -> int:
    """Link customers who liked / commented / asked / ordered; each (customer, kind) once per post.
    Returns how many were added (missing or trashed customers are left out)."""
    if kind not in INTERACTION_KINDS:
        raise ValidationError({"kind": t("互动类型只能是：点赞、评论、私聊咨询、下单")})
    from services.moments import _post

    post = _post(session, post_id)
    wanted = list(dict.fromkeys(customer_ids))
    if not wanted:
        return 0
    live: set[int] = set()
    for start in range(0, len(wanted), 900):
        live.update(session.scalars(select(Customer.id).where(Customer.id.in_(wanted[start:start + 900]),
                                                              Customer.deleted_at.is_(None))))
    already = set(session.scalars(select(MomentInteraction.customer_id).where(
        MomentInteraction.post_id == post.id, MomentInteraction.kind == kind)))
    new = [c for c in wanted if c in live and c not in already]
    session.add_all(MomentInteraction(post_id=post.id, customer_id=c, kind=kind, note=note.strip()) for c in new)
    session.commit()
    return len(new)


def list_interactions(session: Session, post_id: int) -> list[InteractionRow]:
    """The post's linked customers (not the trashed ones), oldest first."""
    return [InteractionRow(i.id, i.customer_id, name, i.kind, t(KIND_LABELS.get(i.kind, i.kind)), i.note or "",
                           i.created_at)
            for i, name in session.execute(
                select(MomentInteraction, Customer.remark_name)
                .join(Customer, Customer.id == MomentInteraction.customer_id)
                .where(MomentInteraction.post_id == post_id, Customer.deleted_at.is_(None))
                .order_by(MomentInteraction.created_at, MomentInteraction.id))]


def remove_interaction(session: Session, interaction_id: int) -> None:
    found = session.get(MomentInteraction, interaction_id)
    if found is None:
        raise NotFoundError(t("这条互动记录已被删除"))
    session.delete(found)
    session.commit()


def timeline_items(session: Session, customer_id: int) -> list[Any]:
    """The customer's timeline entries: "朋友圈互动" — 点赞「title」. TimelineItem kind "moment",
    `id` the post's (for opening it); posts in the trash are left out."""
    from services.timeline import TimelineItem

    items: list[Any] = []
    for interaction, post in session.execute(
        select(MomentInteraction, MomentPost).join(MomentPost, MomentPost.id == MomentInteraction.post_id)
        .where(MomentInteraction.customer_id == customer_id, MomentPost.deleted_at.is_(None))
    ):
        line = next((part.strip() for part in (post.text or "").splitlines() if part.strip()), "")
        title = line if len(line) <= 30 else line[:30] + "…"
        body = f"{t(KIND_LABELS.get(interaction.kind, interaction.kind))}「{title or t('（无文字）')}」"
        if interaction.note:
            body += f"\n{interaction.note}"
        when = post.published_at or post.planned_at
        items.append(TimelineItem("moment", post.id, max(when, interaction.created_at) if interaction.kind in (
            "inquiry", "order") else when, t("朋友圈互动"), body))
    return items

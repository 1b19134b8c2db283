"""标签组 and 标签: groups (single- or multi-choice, colour), rename, merge, delete, assign."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from models import Customer, CustomerTag, Tag, TagGroup
from services.auto_tags import note_hand_removal  # a rule's tag taken off by hand stays off
from services.errors import UserError, ValidationError
from services.i18n import t
from services.sqlutil import chunks as _chunks
from services.sqlutil import insert_ignore
from services.text import fold

GROUP_COLORS = ("#e91e63", "#3f51b5", "#009688", "#ff9800", "#795548", "#9c27b0", "#607d8b", "#4caf50")


@dataclass(frozen=True)
class TagInfo:
    id: int
    name: str
    color: str
    group_id: int
    group_name: str
    group_multi: bool
    customers: int


@dataclass(frozen=True)
class GroupInfo:
    id: int
    name: str
    multi: bool
    color: str
    tags: tuple[TagInfo, ...]


def tag_tree(session: Session, with_counts: bool = True) -> list[GroupInfo]:
    """Every tag group with its tags (and how many live customers carry each)."""
    counts: dict[int, int] = {}
    if with_counts:
        counts = {tag_id: n for tag_id, n in session.execute(
            select(CustomerTag.tag_id, func.count())
            .join(Customer, Customer.id == CustomerTag.customer_id)
            .where(Customer.deleted_at.is_(None)).group_by(CustomerTag.tag_id)
        )}
    groups = session.scalars(select(TagGroup).order_by(TagGroup.sort, TagGroup.id)).all()
    return [
        GroupInfo(g.id, g.name, g.multi, g.color, tuple(
            TagInfo(tag.id, tag.name, tag.color or g.color, g.id, g.name, g.multi, counts.get(tag.id, 0))
            for tag in g.tags
        ))
        for g in groups
    ]


def all_tags(session: Session) -> list[TagInfo]:
    return [tag for group in tag_tree(session, with_counts=False) for tag in group.tags]


def tag_by_name(session: Session, name: str) -> Tag | None:
    """A tag by its name, or by '组/标签' when two groups share a tag name."""
    name = fold(name)
    if "/" in name:
        group_name, tag_name = name.split("/", 1)
        return session.scalar(select(Tag).join(TagGroup).where(TagGroup.name == group_name, Tag.name == tag_name))
    return session.scalars(select(Tag).where(Tag.name == name).order_by(Tag.id)).first()


def save_group(session: Session, name: str, multi: bool = True, color: str = "",
               group_id: int | None = None, *, commit: bool = True) -> int:
    name = fold(name)
    if not name:
        raise ValidationError({"name": t("标签组名不能为空")})
    clash = session.scalar(select(TagGroup.id).where(TagGroup.name == name, TagGroup.id != (group_id or 0)))
    if clash:
        raise ValidationError({"name": t("已经有叫“{name}”的标签组了", name=name)})
    if group_id is None:
        count = int(session.scalar(select(func.count()).select_from(TagGroup)) or 0)
        group = TagGroup(name=name, multi=multi, color=color or GROUP_COLORS[count % len(GROUP_COLORS)], sort=count)
        session.add(group)
    else:
        group = session.get(TagGroup, group_id) or _gone_group()
        if group.multi and not multi:
            _refuse_if_multiple(session, group)
        group.name, group.multi = name, multi
        group.color = color or group.color
    _done(session, commit)
    return group.id


def _refuse_if_multiple(session: Session, group: TagGroup) -> None:
    tag_ids = [tag.id for tag in group.tags]
    crowded = session.scalar(
        select(func.count()).select_from(
            select(CustomerTag.customer_id).join(Customer, Customer.id == CustomerTag.customer_id)
            .where(CustomerTag.tag_id.in_(tag_ids), Customer.deleted_at.is_(None))
            .group_by(CustomerTag.customer_id).having(func.count() > 1).subquery()
        )
    )
    if crowded:
        raise UserError(t("有 {n} 位客户在“{group}”里有多个标签，不能改成单选", n=crowded, group=group.name))


def delete_group(session: Session, group_id: int) -> None:
    """Delete a group and its tags; the customers stay, only the tags come off them."""
    session.execute(delete(CustomerTag).where(CustomerTag.tag_id.in_(select(Tag.id).where(Tag.group_id == group_id))))
    session.execute(delete(Tag).where(Tag.group_id == group_id))
    session.execute(delete(TagGroup).where(TagGroup.id == group_id))
    session.commit()


def save_tag(session: Session, group_id: int, name: str, tag_id: int | None = None,
             color: str | None = None, *, commit: bool = True) -> int:
    """Add or rename a tag; `color` "" follows the group's colour, None keeps the tag's own."""
    name = fold(name)
    if not name:
        raise ValidationError({"name": t("标签名不能为空")})
    clash = session.scalar(select(Tag.id).where(Tag.group_id == group_id, Tag.name == name, Tag.id != (tag_id or 0)))
    if clash:
        raise ValidationError({"name": t("这个标签组里已经有“{name}”了", name=name)})
    if tag_id is None:
        count = int(session.scalar(select(func.count()).where(Tag.group_id == group_id)) or 0)
        tag = Tag(group_id=group_id, name=name, color=color or "", sort=count)
        session.add(tag)
    else:
        tag = session.get(Tag, tag_id) or _gone()
        tag.name = name
        if color is not None:
            tag.color = color
    _done(session, commit)
    return tag.id


def delete_tag(session: Session, tag_id: int) -> None:
    """Delete a tag; the customers that had it are kept."""
    session.execute(delete(CustomerTag).where(CustomerTag.tag_id == tag_id))
    session.execute(delete(Tag).where(Tag.id == tag_id))
    session.commit()


def merge_tags(session: Session, source_id: int, target_id: int) -> int:
    """Move every customer of `source` to `target`, then delete `source`.

    Returns the number of live customers moved (those in the trash move too, silently)."""
    if source_id == target_id:
        raise UserError(t("不能把标签合并到它自己"))
    source, target = session.get(Tag, source_id), session.get(Tag, target_id)
    if source is None or target is None:
        _gone()
    ids = list(session.scalars(select(CustomerTag.customer_id).where(CustomerTag.tag_id == source_id)))
    live = int(session.scalar(select(func.count()).where(Customer.id.in_(ids), Customer.deleted_at.is_(None)))
               or 0) if ids else 0
    add_tag(session, ids, target_id, commit=False)
    delete_tag(session, source_id)
    return live


def add_tag(session: Session, customer_ids: list[int], tag_id: int, *, commit: bool = True) -> int:
    """Tag these customers; in a single-choice group the tag replaces the group's other tag."""
    tag = session.get(Tag, tag_id) or _gone()
    if not tag.group.multi:
        siblings = select(Tag.id).where(Tag.group_id == tag.group_id, Tag.id != tag_id)
        for chunk in _chunks(customer_ids):
            session.execute(delete(CustomerTag).where(CustomerTag.customer_id.in_(chunk),
                                                      CustomerTag.tag_id.in_(siblings)))
    insert_ignore(session, CustomerTag, [{"customer_id": cid, "tag_id": tag_id} for cid in customer_ids])
    for chunk in _chunks(customer_ids):  # given by hand now: no longer the auto-tag rule's (services.auto_tags)
        session.execute(update(CustomerTag).where(CustomerTag.customer_id.in_(chunk), CustomerTag.tag_id == tag_id,
                                                  CustomerTag.auto_rule_id.is_not(None)).values(auto_rule_id=None))
    if commit:
        session.commit()
    return len(customer_ids)


def remove_tag(session: Session, customer_ids: list[int], tag_id: int) -> int:
    note_hand_removal(session, customer_ids, [tag_id])
    removed = 0
    for chunk in _chunks(customer_ids):
        result = session.execute(delete(CustomerTag).where(CustomerTag.customer_id.in_(chunk),
                                                           CustomerTag.tag_id == tag_id))
        removed += int(result.rowcount)  # type: ignore[attr-defined]
    session.commit()
    return removed


def set_customer_tags(session: Session, customer_id: int, tag_ids: list[int]) -> None:
    """Replace a customer's tags; refuse two tags of one single-choice group."""
    tags = session.scalars(select(Tag).where(Tag.id.in_(tag_ids))).all()
    seen: dict[int, str] = {}
    for tag in tags:
        if not tag.group.multi and tag.group_id in seen:
            raise ValidationError({"tags": t("“{group}”是单选标签组：{a} 和 {b} 只能选一个",
                                             group=tag.group.name, a=seen[tag.group_id], b=tag.name)})
        seen[tag.group_id] = tag.name
    automatic = dict(session.execute(select(CustomerTag.tag_id, CustomerTag.auto_rule_id).where(
        CustomerTag.customer_id == customer_id, CustomerTag.auto_rule_id.is_not(None))).all())
    note_hand_removal(session, [customer_id], [tid for tid in automatic if tid not in {tag.id for tag in tags}])
    session.execute(delete(CustomerTag).where(CustomerTag.customer_id == customer_id))
    session.add_all(CustomerTag(customer_id=customer_id, tag_id=tag.id, auto_rule_id=automatic.get(tag.id))
                    for tag in tags)  # an automatic tag kept stays automatic
    session.commit()


def _done(session: Session, commit: bool) -> None:
    """Commit, or (inside a larger transaction such as an import) only flush to get the new id."""
    if commit:
        session.commit()
    else:
        session.flush()


def _gone_group() -> TagGroup:
    raise UserError(t("这个标签组已被删除"))


def _gone() -> Tag:
    raise UserError(t("这个标签已被删除"))
